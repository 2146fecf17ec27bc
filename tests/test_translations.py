"""The Chinese catalogue is complete and the committed .mo matches the .po (pages are Chinese by default)."""

import ast
import gettext
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def _entries(path: Path) -> list[dict]:
    """A small .po reader: enough for Django's makemessages output."""
    entries, entry, key = [], {}, None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if entry:
                entries.append(entry)
            entry, key = {}, None
        elif line.startswith("#,"):
            entry["flags"] = line[2:].strip()
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return entries


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = [entry for entry in _entries(CATALOGUE / "django.po") if entry.get("msgid")]

    untranslated = [
        entry["msgid"]
        for entry in entries
        if not all(value for key, value in entry.items() if key.startswith("msgstr"))
    ]
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry.get("flags", "")]
    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalogue_holds_every_translation():
    entries = [entry for entry in _entries(CATALOGUE / "django.po") if entry.get("msgid")]
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    for entry in entries:
        if "msgid_plural" in entry:
            continue
        context = entry.get("msgctxt")
        translated = (
            compiled.pgettext(context, entry["msgid"]) if context else compiled.gettext(entry["msgid"])
        )
        assert translated == entry["msgstr"], entry["msgid"]
