"""Password rules from the 等保 2.0 lab practice (DOMAIN.md §10): several character classes."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

CHARACTER_CLASSES = (
    set(string.ascii_lowercase),
    set(string.ascii_uppercase),
    set(string.digits),
)


def character_class_count(password: str) -> int:
    """Lower-case, upper-case, digits and anything else (symbols, Chinese) count as four classes."""
    present = sum(1 for letters in CHARACTER_CLASSES if letters & set(password))
    others = any(not any(char in letters for letters in CHARACTER_CLASSES) for char in password)
    return present + int(others)


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_class_count(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return ngettext(
            "Your password must mix at least %(count)d kind of character "
            "(lower-case letters, upper-case letters, digits, symbols).",
            "Your password must mix at least %(count)d kinds of characters "
            "(lower-case letters, upper-case letters, digits, symbols).",
            self.min_classes,
        ) % {"count": self.min_classes}
