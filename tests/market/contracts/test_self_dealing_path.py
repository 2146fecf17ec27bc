"""The self-dealing path of issue 12 (item 1), walked through the API and refused at each step.

The 成都 official tried to add himself to 四川大学's transfer centre, submit and approve his own
filing, make himself an official of the 成都 registration station, and prepare, submit and register a
contract of the centre himself. Each step is now refused with a coded reason; the memberships others
grant him are recorded with their grantor, and the audit log shows who granted each."""

import pytest
from rest_framework.test import APIClient

from achievements.choices import AchievementStatus, CooperationMode
from achievements.models import Achievement
from institutions.choices import MembershipRole
from institutions.models import AuditEvent, Membership
from market.choices import DealStatus
from market.models import ContractRegistration
from tests.market.contracts.conftest import pdf_file

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    """Signed in by session, as the site's own pages call the API: each request loads the user afresh
    (roles granted in between count) and the audit context records them as the actor."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def refusal(response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


def filing_payload(institution) -> dict:
    return {
        "institution": institution.pk,
        "title": "高安全锂离子电池硅碳负极材料制备技术",
        "summary": "采用纳米硅与石墨复合，提升锂电池负极材料的循环寿命与安全性，已完成中试。",
        "keywords": ["锂离子电池", "负极材料"],
        "technology_field": "03",
        "industry": "C",
        "trl": 6,
        "cooperation_modes": [CooperationMode.TRANSFER],
        "publish_on_approval": True,
        "owners": [{"organisation": institution.pk, "share_percent": "100"}],
    }


def test_the_self_dealing_path_is_refused_at_each_step(
    seller, chengdu_admin, chengdu_official, chengdu_body, province_official, deal, platform_admin
):
    official = client_for(chengdu_official)
    centre_members = f"/api/v1/institutions/{seller.pk}/members/"
    station_members = f"/api/v1/institutions/{chengdu_body.pk}/members/"

    # 1. he adds himself as staff of the transfer centre: refused, another must grant it
    added = official.post(centre_members, {"username": "chengdu-official", "role": "staff"}, format="json")
    assert refusal(added) == (403, "self_grant")
    assert not Membership.objects.filter(user=chengdu_official, organisation=seller).exists()

    # the centre's admin makes him staff (a grant recorded with its grantor)
    granted = client_for(chengdu_admin).post(
        centre_members, {"username": "chengdu-official", "role": "staff"}
    )
    assert granted.status_code == 201
    assert granted.json()["granted_by"]["username"] == "chengdu-admin"

    # 2. he files for the centre and submits (his right as staff), then approves and returns: refused
    created = official.post("/api/v1/achievements/", filing_payload(seller), format="json")
    assert created.status_code == 201
    filing_url = f"/api/v1/achievements/{created.json()['id']}/"
    assert official.post(f"{filing_url}submit/").status_code == 200
    assert refusal(official.post(f"{filing_url}approve/")) == (403, "own_submission")
    assert refusal(official.post(f"{filing_url}return/", {"reason": "自己退回"}, format="json")) == (
        403,
        "own_submission",
    )
    assert Achievement.objects.get(pk=created.json()["id"]).status == AchievementStatus.SUBMITTED

    # 3. he adds himself as an official of the 成都 registration station: refused, and so is a colleague
    # of his own department; the provincial department above it appoints him
    assert refusal(official.post(station_members, {"username": "chengdu-official", "role": "official"})) == (
        403,
        "body_above_only",
    )
    assert not Membership.objects.filter(organisation=chengdu_body).exists()
    appointed = client_for(province_official).post(
        station_members, {"username": "chengdu-official", "role": "official"}
    )
    assert appointed.status_code == 201
    assert appointed.json()["granted_by"]["username"] == "province-official"

    # 4. he prepares, completes and submits the centre's contract (as its staff), then registers it
    prepared = official.post("/api/v1/contracts/", {"deal": deal.pk}, format="json")
    assert prepared.status_code == 201
    contract_url = f"/api/v1/contracts/{prepared.json()['id']}/"
    assert (
        official.patch(
            contract_url,
            {"technology_field": "03", "expected_investment": "5000000", "expected_output": "20000000"},
            format="json",
        ).status_code
        == 200
    )
    assert official.post(f"{contract_url}attach-file/", {"file": pdf_file()}).status_code == 200
    submitted = official.post(f"{contract_url}submit/")
    assert submitted.status_code == 200
    assert "register" not in submitted.json()["actions"]
    assert refusal(official.post(f"{contract_url}register/", {}, format="json")) == (403, "own_submission")
    assert refusal(
        official.post(f"{contract_url}reject/", {"reason": "other", "note": "自己拒绝"}, format="json")
    ) == (403, "own_submission")
    contract = ContractRegistration.objects.get(pk=prepared.json()["id"])
    assert (contract.deal.status, contract.registration_number, contract.prepared_by) == (
        DealStatus.SUBMITTED,
        None,
        chengdu_official,
    )

    # the audit log shows who granted each of his memberships
    memberships = list(
        Membership.objects.filter(user=chengdu_official, organisation__in=[seller, chengdu_body]).values_list(
            "pk", flat=True
        )
    )
    events = AuditEvent.objects.filter(
        pgh_obj_model="institutions.Membership",
        pgh_label="insert",
        pgh_obj_id__in=[str(pk) for pk in memberships],
    ).order_by("pgh_id")
    assert [
        (event.user.username, event.pgh_data["granted_by_id"], event.pgh_data["role"]) for event in events
    ] == [
        ("chengdu-admin", chengdu_admin.pk, MembershipRole.STAFF),
        ("province-official", province_official.pk, MembershipRole.OFFICIAL),
    ]
    history = (
        client_for(platform_admin).get("/api/v1/audit-events/?object_type=institutions.Membership").json()
    )
    # the audit log reads: who acted, and the membership's "Granted by" in the words of the page
    assert [
        (
            row["user"],
            row["label"],
            next(change["new"] for change in row["changes"] if change["field"] == "Granted by"),
        )
        for row in history["results"]
        if row["action"] == "insert" and row["object_id"] in {str(pk) for pk in memberships}
    ] == [
        (
            "province-official",
            f"{chengdu_official.full_name} · {chengdu_body.name} · Official",
            province_official.full_name,
        ),
        ("chengdu-admin", f"{chengdu_official.full_name} · {seller.name} · Staff", chengdu_admin.full_name),
    ]
