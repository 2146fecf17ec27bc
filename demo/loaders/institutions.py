"""Loads the demo institutions, designations and logins of ``demo.specs.institutions``.

``manage.py seed_demo`` runs this loader first. A loader, not a user action: it writes with the models
directly, inside one transaction, calling ``full_clean()`` on every object, and the audit trail
records the changes with ``source=seed_demo``. It also prints the report of the whole command
(``summary``, ``logins_report``).

Running it again creates nothing and changes nothing: organisations (by credit code), designations
(by institution, level and year) and users (by username) are created only when missing, so what people
changed while trying the demo survives a restart of ``make run``. Passwords are never reset; the demo
memberships are put back when someone changed or deactivated them, and a demo password that has
expired is marked fresh again so the printed logins keep working.
"""

import unicodedata
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pghistory
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from accounts import services as account_services
from accounts.models import PartnerAPIKey, User
from demo.specs import institutions as institution_specs
from institutions.choices import ClassificationScheme, DesignationLevel
from institutions.models import Classification, Designation, Membership, Organisation

AUDIT_SOURCE = "seed_demo"
PARTNER_KEY_NAME = "演示合作系统 (seed_demo)"
COUNT_LABELS: dict[str, Callable[[int], str]] = {
    "designations created": lambda n: ngettext(
        "%(count)d designation created", "%(count)d designations created", n
    ),
    "demo passwords renewed": lambda n: ngettext(
        "%(count)d demo password renewed", "%(count)d demo passwords renewed", n
    ),
    "memberships created": lambda n: ngettext(
        "%(count)d membership created", "%(count)d memberships created", n
    ),
    "memberships restored": lambda n: ngettext(
        "%(count)d membership restored", "%(count)d memberships restored", n
    ),
    "organisations created": lambda n: ngettext(
        "%(count)d organisation created", "%(count)d organisations created", n
    ),
    "partner keys issued": lambda n: ngettext(
        "%(count)d partner key issued", "%(count)d partner keys issued", n
    ),
    "transfer offices linked": lambda n: ngettext(
        "%(count)d transfer office linked", "%(count)d transfer offices linked", n
    ),
    "users created": lambda n: ngettext("%(count)d user created", "%(count)d users created", n),
}


class DemoLoader:
    """Creates what is missing from ``demo.specs.institutions`` and remembers what it did, for the summary."""

    def __init__(self):
        self.counts: Counter[str] = Counter()
        self.organisations: dict[str, Organisation] = {}
        self.users: dict[str, User] = {}
        self.new_partner_key: str | None = None

    def run(self) -> None:
        self._load_organisations()
        self._load_designations()
        self._load_users()

    # --- organisations ------------------------------------------------------------------------

    def _load_organisations(self) -> None:
        specs = institution_specs.organisation_specs()
        existing = Organisation.objects.in_bulk(
            [spec.credit_code for spec in specs], field_name="credit_code"
        )
        entity_types = _classifications(ClassificationScheme.ENTITY_TYPE)
        fields = _classifications(ClassificationScheme.TECHNOLOGY_FIELD)
        for spec in specs:
            organisation = existing.get(spec.credit_code)
            if organisation is None:
                organisation = self._create_organisation(spec, entity_types, fields)
                self.counts["organisations created"] += 1
            self.organisations[spec.key] = organisation
        self._link_transfer_offices(specs)

    def _link_transfer_offices(self, specs) -> None:
        """A demo loaded before universities and institutes named their transfer offices gets the links
        (new ones are created with it). Only a missing link is made: one a person changed stays."""
        for spec in specs:
            organisation = self.organisations[spec.key]
            if not spec.transfer_office or organisation.transfer_office_id is not None:
                continue
            organisation.transfer_office = self.organisations[spec.transfer_office]
            organisation.full_clean()
            organisation.save()
            self.counts["transfer offices linked"] += 1

    def _create_organisation(self, spec, entity_types, fields) -> Organisation:
        parent = self.organisations[spec.parent] if spec.parent else None
        organisation = Organisation(
            name=spec.name,
            short_name=spec.short_name,
            name_en=spec.name_en,
            credit_code=spec.credit_code,
            kind=spec.kind,
            entity_type=entity_types[spec.entity_type],
            region_id=spec.region,
            address=spec.address,
            website=spec.website,
            introduction=spec.introduction,
            is_transfer_institution=spec.is_transfer_institution,
            transfer_level=spec.transfer_level,
            transfer_kind=spec.transfer_kind,
            parent=parent,
            transfer_office=self.organisations[spec.transfer_office] if spec.transfer_office else None,
            services=list(spec.services),
        )
        organisation.full_clean()
        organisation.save()
        organisation.service_fields.set([fields[code] for code in spec.fields])
        return organisation

    # --- designations -------------------------------------------------------------------------

    def _load_designations(self) -> None:
        tz = ZoneInfo(settings.TIME_ZONE)
        for spec in institution_specs.DESIGNATIONS:
            organisation = self.organisations[spec.organisation]
            if Designation.objects.filter(
                organisation=organisation, level=spec.level, year_granted=spec.year_granted
            ).exists():
                continue
            changed_on = spec.status_changed_on or date(spec.year_granted, 12, 1)
            designation = Designation(
                organisation=organisation,
                level=spec.level,
                status=spec.status,
                year_granted=spec.year_granted,
                document_number=spec.document_number,
                # National titles are the Ministry's decision, recorded by the province.
                decided_by="科学技术部" if spec.level == DesignationLevel.NATIONAL else "",
                granted_by=self.organisations[spec.granted_by],
                status_reason=spec.status_reason,
                status_changed_at=datetime.combine(changed_on, time(10), tzinfo=tz),
            )
            designation.full_clean()
            designation.save()
            self.counts["designations created"] += 1

    # --- users and memberships ----------------------------------------------------------------

    def _load_users(self) -> None:
        existing = User.objects.in_bulk(
            [user.username for user in institution_specs.DEMO_USERS], field_name="username"
        )
        for spec in institution_specs.DEMO_USERS:
            user = existing.get(spec.username)
            if user is None:
                user = account_services.user_create(
                    username=spec.username,
                    password=None if spec.is_partner else institution_specs.DEMO_PASSWORD,
                    email=f"{spec.username}@example.cn",
                    full_name=spec.full_name,
                    is_superuser=spec.is_superuser,
                )
                self.counts["users created"] += 1
            elif user.has_usable_password() and user.password_expired():
                # The password is kept; only its age is renewed so the demo login is not forced to change it.
                user.password_changed_at = timezone.now()
                user.full_clean()
                user.save(update_fields=["password_changed_at"])
                self.counts["demo passwords renewed"] += 1
            self.users[spec.username] = user
            for organisation_key, role in spec.memberships:
                self._ensure_membership(user, self.organisations[organisation_key], role)
            if spec.is_partner:
                self._ensure_partner_key(user)

    def _ensure_membership(self, user: User, organisation: Organisation, role: str) -> None:
        membership = Membership.objects.filter(user=user, organisation=organisation).first()
        if membership is None:
            membership = Membership(user=user, organisation=organisation, role=role)
            self.counts["memberships created"] += 1
        elif membership.role != role or not membership.is_active:
            membership.role = role
            membership.is_active = True
            self.counts["memberships restored"] += 1
        else:
            return
        membership.full_clean()
        membership.save()

    def _ensure_partner_key(self, user: User) -> None:
        if PartnerAPIKey.objects.filter(user=user, revoked=False).exists():
            return
        _api_key, self.new_partner_key = account_services.partner_key_issue(user=user, name=PARTNER_KEY_NAME)
        self.counts["partner keys issued"] += 1


def load() -> DemoLoader:
    """Runs the loader in one transaction, audited as ``seed_demo``; returns it for the report."""
    loader = DemoLoader()
    with pghistory.context(source=AUDIT_SOURCE), transaction.atomic():
        loader.run()
    return loader


def _classifications(scheme: str) -> dict[str, Classification]:
    return {entry.code: entry for entry in Classification.objects.filter(scheme=scheme, is_current=True)}


# --- the report -------------------------------------------------------------------------------


def summary(counts: Counter, labels: dict[str, Callable[[int], str]] = COUNT_LABELS) -> str:
    """One line: what the loaders created, or that everything was already in place."""
    done = pgettext("list separator", ", ").join(
        labels[what](count) % {"count": count} for what, count in sorted(counts.items()) if count
    )
    if not done:
        return _("Demo data: already in place, nothing changed.")
    return _("Demo data: %(done)s.") % {"done": done}


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


def login_rows(organisations: dict[str, Organisation]) -> list[tuple[str, str, str]]:
    """(username, role, what they can do) for every demo login, as printed and in the README."""
    rows = []
    for spec in institution_specs.DEMO_USERS:
        first = organisations[spec.memberships[0][0]] if spec.memberships else None
        names = {"organisation": first.name, "region": first.region.name} if first else {}
        rows.append((spec.username, str(spec.role), str(spec.abilities) % names))
    return rows


def format_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(_display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells) -> str:
        return "  ".join(_pad(cell, width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def logins_report(loader: DemoLoader) -> list[tuple[str, bool]]:
    """The lines that follow the summary: the logins table and how to get a partner key.

    Each line comes with whether it deserves a warning style (the partner key shown only once).
    """
    lines = [
        ("", False),
        (
            _("Demo logins (password for all: %(password)s):")
            % {"password": institution_specs.DEMO_PASSWORD},
            False,
        ),
        (
            format_table((_("Username"), _("Role"), _("What they can do")), login_rows(loader.organisations)),
            False,
        ),
        ("", False),
    ]
    if loader.new_partner_key:
        lines.append(
            (
                _("Partner API key for 'partner' (shown only now, keep it): %(key)s")
                % {"key": loader.new_partner_key},
                True,
            )
        )
    lines.append(
        (
            _(
                "Another partner key: Django admin → Partner API keys → Add "
                "(/admin/accounts/partnerapikey/add/), service account 'partner'; the key is shown once. "
                "Send it as the header 'Authorization: Api-Key <key>'."
            ),
            False,
        )
    )
    return lines
