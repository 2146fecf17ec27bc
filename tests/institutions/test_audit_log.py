"""The audit log officials read (issue 11, item 6): labels, names, local time, one entry per action,
filters, export, the API, scoping and fixed query counts."""

import io
from datetime import timedelta

import pghistory
import pytest
from django.test import Client
from django.utils import timezone, translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from achievements.models import Achievement
from institutions import exporting, services, tracking
from institutions.models import AuditEvent, Classification, OrganisationServiceField
from institutions.roles import actor_roles
from institutions.selectors import audit
from tests import factories

pytestmark = pytest.mark.django_db


def entries_for(actor, filters=None):
    events = audit.audit_log(actor=actor, filters=filters)
    return audit.audit_entries(events=events, groups=audit.audit_entry_groups(events))


def changes_of(entry) -> list[tuple]:
    return [(str(change.field), change.old, change.new) for change in entry.changes]


@pytest.fixture
def fields():
    return list(
        Classification.objects.filter(scheme="technology_field", code__in=["01", "02"]).order_by("code")
    )


# --- what an entry shows -----------------------------------------------------------------------


def test_an_update_shows_labels_names_and_local_time_not_ids(chengdu_official, chengdu_institution):
    with pghistory.context(user=chengdu_official.pk, ip="10.8.0.7", request_id="req-1"):
        services.organisation_update(
            actor=chengdu_official,
            organisation=chengdu_institution,
            data={"address": "锦江区红星路二段", "region": factories.region("510107")},
        )

    with translation.override("en"):
        entry = entries_for(chengdu_official, {"object_type": "institutions.Organisation"})[0]

        assert (entry.action, entry.action_label, str(entry.object_type)) == (
            "update",
            "Changed",
            "Organisation",
        )
        assert entry.label == "成都锦江技术转移中心"
        assert entry.user == chengdu_official
        assert (entry.ip, entry.request_id) == ("10.8.0.7", "req-1")
        assert changes_of(entry) == [("Region", "锦江区", "武侯区"), ("Address", "—", "锦江区红星路二段")]
    event = AuditEvent.objects.filter(pgh_obj_model="institutions.Organisation", pgh_label="update").get()
    assert entry.at == event.pgh_created_at
    assert entry.at.utcoffset() == timedelta(hours=8)


def test_a_created_object_lists_its_values_with_choice_labels_and_yes_no(
    chengdu_official, chengdu_institution
):
    with translation.override("en"):
        entry = entries_for(chengdu_official, {"object_type": "institutions.Organisation"})[0]

        shown = {field: new for field, _old, new in changes_of(entry)}
    assert entry.action == "insert"
    assert shown["Name"] == "成都锦江技术转移中心"
    assert shown["Region"] == "锦江区"
    assert shown["Technology-transfer institution"] == "Yes"
    assert "Created at" not in shown and "Updated at" not in shown


def test_fields_no_person_edits_are_never_shown():
    visible = tracking.visible_fields(Achievement)

    assert {"search_vector", "match_terms", "updated_at", "created_at", "import_key", "id"}.isdisjoint(
        visible
    )
    assert {"title", "summary"} <= set(visible)
    assert {"search_vector", "match_terms", "updated_at"} <= tracking.hidden_field_names()
    assert "password" not in tracking.visible_fields(factories.UserFactory._meta.model)


def test_an_update_of_hidden_fields_only_is_not_an_entry(
    chengdu_official, chengdu_institution, platform_admin
):
    before = len(entries_for(platform_admin))

    with pghistory.context(user=platform_admin.pk):
        type(chengdu_institution).objects.filter(pk=chengdu_institution.pk).update(updated_at=timezone.now())

    assert len(entries_for(platform_admin)) == before


def test_one_request_is_one_entry_with_its_rewritten_rows_folded_in(
    chengdu_official, chengdu_institution, fields
):
    electronics, manufacturing = fields
    services.organisation_update(
        actor=chengdu_official, organisation=chengdu_institution, data={}, service_fields=[electronics]
    )

    with pghistory.context(user=chengdu_official.pk, request_id="req-save"):
        services.organisation_update(
            actor=chengdu_official,
            organisation=chengdu_institution,
            data={"address": "红星路"},
            service_fields=[manufacturing],
        )

    with translation.override("en"):
        latest = entries_for(chengdu_official)[0]
        assert latest.label == "成都锦江技术转移中心"
        assert changes_of(latest) == [
            ("Address", "—", "红星路"),
            ("Service fields", electronics.name, manufacturing.name),
        ]


def test_rows_deleted_and_recreated_unchanged_are_no_change(chengdu_official, chengdu_institution, fields):
    electronics, _manufacturing = fields
    services.organisation_update(
        actor=chengdu_official, organisation=chengdu_institution, data={}, service_fields=[electronics]
    )

    # given a save that rewrites the rows it keeps (as an achievement's owners are)
    with pghistory.context(user=chengdu_official.pk, request_id="req-rewrite"):
        services.organisation_update(
            actor=chengdu_official, organisation=chengdu_institution, data={"address": "新址"}
        )
        OrganisationServiceField.objects.filter(organisation=chengdu_institution).delete()
        OrganisationServiceField.objects.create(organisation=chengdu_institution, classification=electronics)

    with translation.override("en"):
        latest = entries_for(chengdu_official)[0]
        assert changes_of(latest) == [("Address", "—", "新址")]
    assert AuditEvent.objects.filter(pgh_obj_model="institutions.OrganisationServiceField").count() == 3


def test_a_membership_names_its_user_and_role(chengdu_official, chengdu_admin, chengdu_institution):
    newcomer = factories.UserFactory(username="newcomer", full_name="王小明")
    with pghistory.context(user=chengdu_admin.pk):
        services.membership_add(
            actor=chengdu_admin, organisation=chengdu_institution, user=newcomer, role="staff"
        )

    with translation.override("en"):
        entry = entries_for(chengdu_official, {"object_type": "institutions.Membership"})[0]
        assert entry.action == "insert"
        assert entry.organisation == "成都锦江技术转移中心"
        assert "王小明" in entry.label
        assert ("User", None, "王小明") in changes_of(entry)


# --- filters and scoping -----------------------------------------------------------------------


def test_filters_by_actor_date_and_institution(chengdu_official, province_official, chengdu_institution):
    other = factories.TransferInstitutionFactory(
        name="成都高新技术转移中心", region=factories.region("510107")
    )
    with pghistory.context(user=chengdu_official.pk):
        services.organisation_update(
            actor=chengdu_official, organisation=chengdu_institution, data={"address": "甲"}
        )
    with pghistory.context(user=province_official.pk):
        services.organisation_update(actor=province_official, organisation=other, data={"address": "乙"})
    day = timezone.localdate(AuditEvent.objects.order_by("-pgh_created_at").first().pgh_created_at)

    by_actor = entries_for(province_official, {"actor": "chengdu-off"})
    by_institution = entries_for(province_official, {"institution": str(other.pk)})
    on_the_day = entries_for(province_official, {"date_from": day.isoformat(), "date_to": day.isoformat()})
    the_day_before = entries_for(province_official, {"date_to": (day - timedelta(days=1)).isoformat()})

    assert [(entry.label, entry.user) for entry in by_actor] == [("成都锦江技术转移中心", chengdu_official)]
    assert {entry.label for entry in by_institution} == {"成都高新技术转移中心"}
    assert {entry.label for entry in on_the_day} >= {"成都锦江技术转移中心", "成都高新技术转移中心"}
    assert the_day_before == []


def test_an_official_never_sees_outside_the_jurisdiction_even_by_filter(
    chengdu_official, chengdu_institution, mianyang_institution
):
    labels = {entry.label for entry in entries_for(chengdu_official)}
    filtered = entries_for(chengdu_official, {"institution": str(mianyang_institution.pk)})

    assert "成都锦江技术转移中心" in labels
    assert "绵阳科技城技术转移中心" not in labels
    assert filtered == []


def test_an_invalid_filter_gives_no_entries(platform_admin, chengdu_institution):
    assert entries_for(platform_admin, {"object_type": "auth.Nothing"}) == []
    assert entries_for(platform_admin, {"date_from": "yesterday"}) == []


# --- the page, its export, the API -------------------------------------------------------------


def test_the_page_filters_and_shows_readable_rows(chengdu_official, chengdu_institution):
    with pghistory.context(user=chengdu_official.pk):
        services.organisation_update(
            actor=chengdu_official, organisation=chengdu_institution, data={"address": "甲"}
        )
    client = Client()
    client.force_login(chengdu_official)

    response = client.get(
        "/audit/", {"object_type": "institutions.Organisation", "actor": "chengdu-official"}
    )

    assert response.status_code == 200
    assert [(entry.action, entry.label) for entry in response.context["rows"]] == [
        ("update", "成都锦江技术转移中心")
    ]
    page = response.content.decode()
    assert "地址" in page and "search vector" not in page
    assert timezone.localtime(response.context["rows"][0].at).strftime("%Y-%m-%d %H:%M") in page


def test_the_export_holds_the_filtered_entries(chengdu_official, chengdu_institution):
    with pghistory.context(user=chengdu_official.pk):
        services.organisation_update(
            actor=chengdu_official, organisation=chengdu_institution, data={"address": "=HYPERLINK(1)"}
        )
    client = Client()
    client.force_login(chengdu_official)

    response = client.get("/audit/export/", {"object_type": "institutions.Organisation", "actor": "chengdu"})

    assert response["Content-Type"] == exporting.XLSX_CONTENT_TYPE
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == chengdu_official.display_name
    assert rows[1][5] == "成都锦江技术转移中心"
    assert rows[1][7] == "地址: — → =HYPERLINK(1)"


def test_the_export_is_refused_to_staff(chengdu_staff):
    client = Client()
    client.force_login(chengdu_staff)

    assert client.get("/audit/export/").status_code == 403


@pytest.mark.parametrize(
    ("actor", "status"), [(None, 401), ("chengdu_staff", 403), ("chengdu_official", 200)]
)
def test_the_api_lists_entries_for_officials_only(request, chengdu_institution, actor, status):
    client = APIClient()
    if actor:
        client.force_authenticate(request.getfixturevalue(actor))

    response = client.get(
        "/api/v1/audit-events/",
        {"object_type": "institutions.Organisation", "institution": chengdu_institution.pk},
    )

    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["count"] == 1
        assert body["results"][0]["label"] == "成都锦江技术转移中心"
        assert body["results"][0]["action"] == "insert"
        assert body["results"][0]["time"].endswith("+08:00")


def test_the_api_refuses_an_invalid_filter(chengdu_official):
    client = APIClient()
    client.force_authenticate(chengdu_official)

    response = client.get("/api/v1/audit-events/", {"date_from": "not-a-date"})

    assert response.status_code == 400
    assert "date_from" in response.json()["fields"]


# --- query counts ------------------------------------------------------------------------------


def _edit_many(actor, organisation, count):
    for number in range(count):
        with pghistory.context(user=actor.pk, request_id=f"req-{number}"):
            services.organisation_update(
                actor=actor, organisation=organisation, data={"address": f"第{number}号"}
            )


# The session, the user and their roles, the navbar's to-do counts; the institution filter checked, the
# jurisdiction's organisations, the count, the page of entries, its events (with their users), the names
# of the regions; the institutions the filter offers.
PAGE_QUERIES = 16
# The institution filter checked by the view and by the selector, the jurisdiction's organisations; the
# count, the page of entries, its events (with their users); the names of the regions.
API_QUERIES = 7


def test_the_page_query_count_does_not_grow_with_entries(
    chengdu_official, chengdu_institution, django_assert_num_queries
):
    client = Client()
    client.force_login(chengdu_official)
    client.get("/audit/")  # the roles and the to-do counts are cached per session after this

    with django_assert_num_queries(PAGE_QUERIES):
        few = client.get("/audit/", {"institution": chengdu_institution.pk})
    _edit_many(chengdu_official, chengdu_institution, 12)
    with django_assert_num_queries(PAGE_QUERIES):
        many = client.get("/audit/", {"institution": chengdu_institution.pk})

    assert (len(few.context["rows"]), len(many.context["rows"])) == (1, 13)


def test_the_api_query_count_does_not_grow_with_entries(
    chengdu_official, chengdu_institution, django_assert_num_queries
):
    client = APIClient()
    client.force_authenticate(chengdu_official)
    actor_roles(chengdu_official)  # loaded once per user object; the request reuses it
    url = f"/api/v1/audit-events/?institution={chengdu_institution.pk}"

    with django_assert_num_queries(API_QUERIES):
        few = client.get(url)
    _edit_many(chengdu_official, chengdu_institution, 12)
    with django_assert_num_queries(API_QUERIES):
        many = client.get(url)

    assert (few.json()["count"], many.json()["count"]) == (1, 13)


def test_an_achievement_saved_with_the_same_contributors_shows_only_what_changed(
    platform_admin, chengdu_admin, chengdu_institution
):
    from achievements.services import filings
    from tests.achievements import factories as achievement_factories

    with pghistory.context(user=chengdu_admin.pk, request_id="req-create"):
        achievement = achievement_factories.draft(chengdu_admin, chengdu_institution)
        filings.achievement_update(
            actor=chengdu_admin, achievement=achievement, data={}, contributors=[filings.Contributor("张三")]
        )

    # given a save that rewrites every contributor row, one of them unchanged
    with pghistory.context(user=chengdu_admin.pk, request_id="req-save"):
        filings.achievement_update(
            actor=chengdu_admin,
            achievement=achievement,
            data={"title": "硅碳负极材料制备技术"},
            contributors=[filings.Contributor("张三"), filings.Contributor("李四")],
        )

    with translation.override("en"):
        # (platform admins: officials' scoping reads rows that reference an institution, as before)
        saved, created = entries_for(platform_admin, {"object_type": "achievements.Achievement"})
        assert (saved.action, saved.label, saved.organisation) == (
            "update",
            "硅碳负极材料制备技术",
            "成都锦江技术转移中心",
        )
        assert changes_of(saved) == [
            ("Title", "高安全锂离子电池硅碳负极材料制备技术", "硅碳负极材料制备技术"),
            ("Contributors", "—", "李四 · 2"),
        ]
        assert created.action == "insert"
        shown = {field for field, _old, _new in changes_of(created)}
        assert {"Title", "Owners", "Contributors"} <= shown
        assert {"Search vector", "Match terms", "Updated at"}.isdisjoint(shown)
