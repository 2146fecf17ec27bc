"""The audit trail: every create, update and delete, with who, where and what changed; append-only."""

import pghistory
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from institutions import services
from institutions.models import AuditEvent, Classification, Membership
from institutions.selectors import audit
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_update_is_recorded_with_actor_ip_request_and_changed_fields(
    chengdu_official, chengdu_institution
):
    with pghistory.context(user=chengdu_official.pk, ip="10.8.0.7", request_id="req-1"):
        services.organisation_update(
            actor=chengdu_official,
            organisation=chengdu_institution,
            data={"address": "成都市锦江区红星路二段"},
        )

    event = audit.organisation_history(actor=chengdu_official, organisation=chengdu_institution).first()
    assert event.pgh_label == "update"
    assert event.user == chengdu_official
    assert event.ip == "10.8.0.7"
    assert event.request_id == "req-1"
    assert audit.visible_changes(event) == {"address": ["", "成都市锦江区红星路二段"]}


def test_history_includes_members_designations_and_deletions(
    chengdu_official, chengdu_admin, chengdu_institution
):
    newcomer = factories.UserFactory()
    membership = services.membership_add(
        actor=chengdu_admin, organisation=chengdu_institution, user=newcomer, role="staff"
    )
    services.membership_remove(actor=chengdu_admin, membership=membership)
    services.designation_grant(
        actor=chengdu_official, organisation=chengdu_institution, level="city", year_granted=2022
    )

    events = list(audit.organisation_history(actor=chengdu_official, organisation=chengdu_institution))

    labels = [(event.pgh_obj_model, event.pgh_label) for event in events]
    assert ("institutions.Membership", "delete") in labels
    assert ("institutions.Membership", "insert") in labels
    assert ("institutions.Designation", "insert") in labels
    assert ("institutions.Organisation", "insert") in labels


def test_the_event_tables_refuse_updates_and_deletes(chengdu_institution):
    event_table = AuditEvent.objects.references(chengdu_institution).first().pgh_model
    table = event_table.replace(".", "_").lower()

    for statement in (f"UPDATE {table} SET name = 'forged'", f"DELETE FROM {table}"):
        with (
            pytest.raises(ProgrammingError, match="Cannot update or delete"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)

    assert AuditEvent.objects.references(chengdu_institution).count() == 1


def test_history_is_for_admins_and_officials_over_the_institution(
    chengdu_institution, chengdu_admin, mianyang_official, province_official, platform_admin
):
    assert audit.organisation_history(actor=province_official, organisation=chengdu_institution).count() >= 1
    assert audit.organisation_history(actor=platform_admin, organisation=chengdu_institution).count() >= 1
    for actor in (chengdu_admin, mianyang_official):
        with pytest.raises(PermissionDenied):
            audit.organisation_history(actor=actor, organisation=chengdu_institution)


def test_an_officials_audit_log_covers_their_jurisdiction_only(
    chengdu_official, chengdu_institution, mianyang_institution
):
    log = audit.audit_log(actor=chengdu_official)

    object_ids = {event.pgh_obj_id for event in log if event.pgh_obj_model == "institutions.Organisation"}
    assert str(chengdu_institution.pk) in object_ids
    assert str(mianyang_institution.pk) not in object_ids


def test_staff_have_no_audit_log(chengdu_staff):
    with pytest.raises(PermissionDenied):
        audit.audit_log(actor=chengdu_staff)
    assert Membership.objects.filter(user=chengdu_staff).count() == 1


def test_service_field_changes_are_audited(chengdu_official, chengdu_institution):
    electronics, manufacturing = Classification.objects.filter(
        scheme="technology_field", code__in=["01", "02"]
    ).order_by("code")
    services.organisation_update(
        actor=chengdu_official, organisation=chengdu_institution, data={}, service_fields=[electronics]
    )
    services.organisation_update(
        actor=chengdu_official, organisation=chengdu_institution, data={}, service_fields=[manufacturing]
    )

    events = audit.organisation_history(actor=chengdu_official, organisation=chengdu_institution)
    field_events = sorted(
        (event.pgh_label, event.pgh_data["classification_id"])
        for event in events
        if event.pgh_obj_model == "institutions.OrganisationServiceField"
    )
    assert field_events == [
        ("delete", electronics.pk),
        ("insert", electronics.pk),
        ("insert", manufacturing.pk),
    ]
