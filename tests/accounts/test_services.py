"""Accounts: password rules, expiry and partner keys."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import services
from accounts.models import PartnerAPIKey
from accounts.validators import character_class_count

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("password", "classes"),
    [("abcdefgh", 1), ("abcd1234", 2), ("Abcd1234", 3), ("abcd12#$", 3), ("Ab1#", 4), ("天府abc123", 3)],
)
def test_character_classes_are_counted(password, classes):
    assert character_class_count(password) == classes


def test_a_password_needs_eight_characters_of_three_kinds():
    with pytest.raises(ValidationError):
        validate_password("abcd1234x")
    with pytest.raises(ValidationError):
        validate_password("Ab1#x")
    validate_password("Tianfu#2026x")


def test_passwords_expire_after_the_rotation_period(settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = services.user_create(username="zhangsan", password="Tianfu#2026", full_name="张三")
    assert not user.password_expired()

    assert user.password_expired(now=timezone.now() + timedelta(days=90))

    user.set_password("Tianfu#2027")
    assert not user.password_expired()


def test_a_service_account_cannot_sign_in():
    user = services.user_create(username="partner-bank", password=None)
    assert not user.has_usable_password()


def test_a_partner_key_is_stored_hashed_and_can_be_revoked():
    user = services.user_create(username="partner-city", password=None)
    api_key, key = services.partner_key_issue(user=user, name="成都市技术市场平台")

    assert key not in api_key.hashed_key
    assert PartnerAPIKey.objects.get_from_key(key) == api_key

    services.partner_key_revoke(api_key=api_key)
    with pytest.raises(PartnerAPIKey.DoesNotExist):
        PartnerAPIKey.objects.get_from_key(key)
