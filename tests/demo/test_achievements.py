"""The achievements part of ``manage.py seed_demo`` (``demo.loaders.achievements``) files a few hundred
plausible achievements across all fields and cities, through the real workflow, and a second run
creates nothing.

The specifications are checked without a database; the loaders run (twice) once for the module,
because filing 300 achievements through the services takes a while. The whole command, which also
builds the demo market, is tested in ``tests/demo/test_market.py``.
"""

import re
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from accounts.models import User
from achievements.choices import PATENT_KINDS, AchievementStatus, IPKind, SecrecyStatus
from achievements.identifiers import check_patent_number
from achievements.models import Achievement, AchievementOwner, IPAsset
from achievements.selectors import filings as selectors
from core.text import segmentation
from demo.loaders import achievements as achievement_loader
from demo.loaders import institutions as institution_loader
from demo.specs import achievements as achievement_specs
from demo.specs import institutions as institution_specs
from institutions.models import AuditEvent, Membership, Organisation
from notifications.models import Notification
from tests.conftest import load_reference_data

SPECS = achievement_specs.achievement_specs()
REGIONS = {spec.key: spec.region for spec in institution_specs.organisation_specs()}
CITY_CODES = sorted(city.code for city in institution_specs.CITIES)
FIELDS = {
    "01": 31,
    "02": 30,
    "03": 30,
    "04": 31,
    "05": 22,
    "06": 25,
    "07": 30,
    "08": 28,
    "09": 22,
    "10": 34,
    "11": 17,
}
CITIES = {
    "510100": 134,
    "510300": 8,
    "510400": 7,
    "510500": 10,
    "510600": 11,
    "510700": 32,
    "510800": 6,
    "510900": 7,
    "511000": 4,
    "511100": 4,
    "511300": 10,
    "511400": 4,
    "511500": 9,
    "511600": 7,
    "511700": 5,
    "511800": 17,
    "511900": 5,
    "512000": 5,
    "513200": 4,
    "513300": 5,
    "513400": 6,
}
STATUSES = {
    AchievementStatus.PUBLISHED: 281,
    AchievementStatus.SUBMITTED: 11,
    AchievementStatus.DRAFT: 5,
    AchievementStatus.RETURNED: 3,
}


def city_of(region_code: str) -> str:
    return region_code[:4] + "00"


# --- the specifications -----------------------------------------------------------------------------


def test_the_specifications_are_the_same_on_every_call_and_unique():
    again = achievement_specs.achievement_specs()

    assert again == SPECS
    assert len(SPECS) == 300
    assert len({spec.data["title"] for spec in SPECS}) == 300
    assert len({spec.import_key for spec in SPECS}) == 300


def test_they_cover_every_technology_field_and_every_city():
    assert Counter(spec.field for spec in SPECS) == FIELDS
    assert Counter(city_of(REGIONS[spec.filer]) for spec in SPECS) == CITIES
    assert sorted(CITIES) == CITY_CODES


def test_patent_numbers_are_valid_unique_and_of_the_right_type():
    patents = [asset for spec in SPECS for asset in spec.ip_assets if asset.kind in PATENT_KINDS]
    expected_type = {
        IPKind.INVENTION_PATENT: "invention",
        IPKind.UTILITY_MODEL: "utility_model",
        IPKind.DESIGN_PATENT: "design",
    }

    assert len(patents) == 493
    for asset in patents:
        result = check_patent_number(asset.number)
        assert (result.is_valid, result.number, result.patent_type) == (
            True,
            asset.number,
            expected_type[asset.kind],
        ), asset.number
        assert 2016 <= int(asset.number[2:6]) <= 2024
    assert len({asset.number for asset in patents}) == len(patents)


def test_keywords_come_from_the_domain_dictionary():
    dictionary = {
        line.split()[0] for line in segmentation.DICTIONARY.read_text(encoding="utf-8").splitlines()
    }

    keywords = {keyword for spec in SPECS for keyword in spec.data["keywords"]}
    assert keywords - dictionary == set()
    assert max(len(spec.data["keywords"]) for spec in SPECS) == 3


def test_owners_and_contributors_shares_add_up_and_some_results_are_shared_with_enterprises():
    for spec in SPECS:
        assert sum(share for _key, share in spec.owners) == 100, spec.data["title"]
        assert sum(share for _name, share in spec.contributors) == 100, spec.data["title"]
        assert 2 <= len(spec.contributors) <= 6
    mixed = [spec for spec in SPECS if len(spec.owners) == 2]
    assert len(mixed) == 17
    assert {spec.owners[1][0] for spec in mixed} <= {spec.key for spec in institution_specs.ENTERPRISES}


def test_about_one_in_ten_is_dual_use_and_none_is_classified():
    dual_use = [spec for spec in SPECS if spec.data["is_dual_use"]]

    assert len(dual_use) == 28
    assert {spec.data["secrecy_status"] for spec in dual_use} == {
        SecrecyStatus.DECLASSIFIED,
        SecrecyStatus.NEVER_CLASSIFIED,
    }
    assert {spec.data["secrecy_status"] for spec in SPECS if not spec.data["is_dual_use"]} == {
        SecrecyStatus.NEVER_CLASSIFIED
    }
    assert len([spec for spec in dual_use if REGIONS[spec.filer].startswith("5107")]) == 14


def test_readiness_prices_and_funding_are_plausible():
    assert {spec.data["trl"] for spec in SPECS} == {3, 4, 5, 6, 7, 8, 9}
    for spec in SPECS:
        price = spec.data["indicative_price"]
        assert price is None or Decimal(100_000) <= price <= Decimal(15_000_000), spec.data["title"]
        summary = spec.data["summary"]
        assert summary.endswith("。") and 2 <= summary.count("。") <= 3, summary
    negotiable = [spec for spec in SPECS if spec.data["price_type"] == "negotiable"]
    assert len(negotiable) == 116
    funded = [spec for spec in SPECS if spec.data.get("funding_programme")]
    assert all(spec.data["project_number"] and spec.data["funding_amount"] for spec in funded)
    assert {spec.data["funding_programme"] for spec in funded} >= {
        "国家重点研发计划",
        "国家自然科学基金",
        "四川省科技计划",
    }


# --- the command --------------------------------------------------------------------------------------


def _row_counts() -> dict[str, int]:
    return {
        "achievements": Achievement.objects.count(),
        "ip_assets": IPAsset.objects.count(),
        "owners": AchievementOwner.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


def _seed() -> str:
    """What ``seed_demo`` does before the market: the institutions, then the achievements; returns the
    report it prints for them."""
    with translation.override("en"):
        directory = institution_loader.load()
        achievements = achievement_loader.load(organisations=directory.organisations, users=directory.users)
        labels = {**institution_loader.COUNT_LABELS, **achievement_loader.COUNT_LABELS}
        lines = [institution_loader.summary(directory.counts + achievements.counts, labels)]
        lines += [line for line, _is_warning in institution_loader.logins_report(directory)]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The loaders of ``seed_demo`` run twice for this module and committed, as the command commits: one transaction
    per achievement (inside one test transaction its thousands of savepoints would slow it down by
    half). Afterwards the database is emptied, as after a transactional test, and the reference tables
    are loaded again for the tests that follow."""
    with django_db_blocker.unblock():
        try:
            first = _seed()
            before = _row_counts()
            second = _seed()
            yield {"first": first, "second": second, "before": before, "after": _row_counts()}
        finally:
            call_command("flush", interactive=False, verbosity=0)
            load_reference_data()


def test_the_command_files_300_achievements_across_fields_and_cities(db, seeded):
    achievements = Achievement.objects.select_related("technology_field")

    assert Counter(a.technology_field.code for a in achievements) == FIELDS
    assert Counter(city_of(a.region_id) for a in achievements) == CITIES
    assert Counter(achievements.values_list("status", flat=True)) == STATUSES
    assert seeded["first"].startswith("Demo data: 300 achievements created, ")


def test_published_achievements_have_filing_numbers_and_search_vectors(db, seeded):
    published = Achievement.objects.published()

    assert published.count() == 281
    for achievement in published:
        assert re.fullmatch(rf"{achievement.region_id}\d{{9}}", achievement.filing_number), achievement.title
    assert published.filter(search_vector__isnull=True).count() == 0
    assert Achievement.objects.filter(search_vector__isnull=True).count() == 0
    assert (
        Achievement.objects.exclude(status=AchievementStatus.PUBLISHED)
        .filter(filing_number__isnull=False)
        .count()
        == 0
    )
    found = selectors.achievement_public_list(actor=None, q="猕猴桃溃疡病")
    assert found[0].title == "猕猴桃溃疡病绿色防控技术"


def test_the_stored_patent_numbers_are_valid(db, seeded):
    numbers = list(IPAsset.objects.filter(kind__in=PATENT_KINDS).values_list("number", flat=True))

    assert len(numbers) == 493
    assert [number for number in numbers if not check_patent_number(number).is_valid] == []


def test_mixed_ownership_is_stored_with_shares_adding_up(db, seeded):
    shared = Achievement.objects.filter(owners__share_percent__lt=100).distinct()

    assert shared.count() == 17
    for achievement in shared.prefetch_related("owners__organisation"):
        owners = list(achievement.owners.all())
        assert sum(owner.share_percent for owner in owners) == Decimal(100)
        assert owners[1].organisation.kind == "enterprise"


def test_a_second_run_creates_nothing(db, seeded):
    assert seeded["after"] == seeded["before"]
    assert seeded["second"].startswith("Demo data: already in place, nothing changed.")


def test_scu_staff_finds_drafts_returned_and_submitted_filings_in_my_filings(db, seeded):
    staff = User.objects.get(username="scu-staff")

    mine = selectors.achievement_my_list(actor=staff)

    assert Counter(mine.values_list("status", flat=True)) == {
        AchievementStatus.PUBLISHED: 27,
        AchievementStatus.SUBMITTED: 3,
        AchievementStatus.DRAFT: 2,
        AchievementStatus.RETURNED: 2,
    }
    returned = mine.filter(status=AchievementStatus.RETURNED)
    assert set(returned.values_list("return_reason", flat=True)) <= set(achievement_specs.RETURN_REASONS)
    assert set(returned.values_list("reviewed_by__username", flat=True)) == {"chengdu"}


def test_officials_find_the_submitted_filings_of_their_jurisdiction_in_their_queues(db, seeded):
    chengdu = User.objects.get(username="chengdu")
    province = User.objects.get(username="province")

    assert selectors.achievement_review_queue(actor=chengdu).count() == 8
    assert selectors.achievement_review_queue(actor=province).count() == 11
    resubmitted = Achievement.objects.get(detail__endswith=achievement_specs.RESUBMISSION_NOTE)
    assert (resubmitted.status, resubmitted.reviewed_by.username) == (AchievementStatus.SUBMITTED, "chengdu")


def test_approvals_come_from_officials_covering_the_filing_institution(db, seeded):
    reviewers = Counter(
        (city_of(a.filing_institution.region_id)[:4], a.reviewed_by.username)
        for a in Achievement.objects.published().select_related("filing_institution", "reviewed_by")
    )

    assert {username for (prefix, username) in reviewers if prefix == "5101"} == {"chengdu"}
    assert {username for (prefix, username) in reviewers if prefix == "5107"} == {"mianyang"}
    assert {username for (prefix, username) in reviewers if prefix not in ("5101", "5107")} == {"province"}


def test_filers_are_quiet_staff_accounts_that_are_not_printed(db, seeded):
    filers = User.objects.filter(username__startswith="filer-")

    assert filers.count() == 49
    for user in filers:
        assert (user.has_usable_password(), user.email) == (False, "")
        assert list(user.memberships.values_list("role", flat=True)) == ["staff"]
        assert user.username not in seeded["first"]
    assert Organisation.objects.filter(memberships__user__in=filers).distinct().count() == 49


def test_the_seed_leaves_no_notifications_and_is_audited_as_seed_demo(db, seeded):
    events = AuditEvent.objects.filter(pgh_obj_model="achievements.Achievement")

    assert Notification.objects.count() == 0
    assert Counter(events.values_list("pgh_label", flat=True)) == {"insert": 300, "update": 1163}
    assert set(events.values_list("pgh_context__source", flat=True)) == {"seed_demo"}


def test_both_dual_use_catalogues_have_a_published_first_edition(db, seeded):
    from achievements.choices import CatalogueKind, CatalogueStatus
    from achievements.models import DualUseCatalogue

    catalogues = {
        catalogue.kind: catalogue
        for catalogue in DualUseCatalogue.objects.filter(edition="2026年第一批").prefetch_related(
            "achievements"
        )
    }

    assert set(catalogues) == {CatalogueKind.MILITARY_TO_CIVIL, CatalogueKind.CIVIL_TO_MILITARY}
    for catalogue in catalogues.values():
        assert catalogue.status == CatalogueStatus.PUBLISHED
        assert 1 <= catalogue.achievements.count() <= 8
        assert all(achievement.is_dual_use for achievement in catalogue.achievements.all())
    military = catalogues[CatalogueKind.MILITARY_TO_CIVIL].achievements.all()
    assert all(achievement.region_id.startswith("5107") for achievement in military)
