"""Separation of duties on objections (issue 12, item 1): the official who filed an objection, or who
works for the seller, may not resolve it."""

import pytest

from institutions.choices import MembershipRole
from institutions.roles import forget_roles
from institutions.rules import SeparationOfDuties
from market.actions import OBJECTION_ACTIONS
from market.choices import ObjectionStatus
from market.services import listings as services
from tests import factories

pytestmark = pytest.mark.django_db


def test_who_filed_an_objection_may_not_resolve_it(publicity_listing, chengdu_official, province_official):
    objection = services.objection_file(
        actor=chengdu_official, listing=publicity_listing, reasons="该成果权属存在争议，请核实。"
    )

    with pytest.raises(SeparationOfDuties) as refusal:
        services.objection_resolve(
            actor=chengdu_official, objection=objection, upheld=False, resolution="驳回"
        )

    assert refusal.value.code == "own_submission"
    objection.refresh_from_db()
    assert (objection.status, objection.resolved_by) == (ObjectionStatus.OPEN, None)
    assert OBJECTION_ACTIONS.allowed(chengdu_official, objection) == []
    assert OBJECTION_ACTIONS.allowed(province_official, objection) == ["resolve"]


def test_an_official_working_for_the_seller_may_not_resolve_an_objection_to_its_listing(
    publicity_listing, chengdu_institution, chengdu_official, outsider
):
    objection = services.objection_file(
        actor=outsider, listing=publicity_listing, reasons="挂牌价格明显低于评估价值，请核实。"
    )
    factories.MembershipFactory(
        user=chengdu_official, organisation=chengdu_institution, role=MembershipRole.STAFF
    )
    forget_roles(chengdu_official)  # the factory bypasses the service, which would forget them

    with pytest.raises(SeparationOfDuties) as refusal:
        services.objection_resolve(
            actor=chengdu_official, objection=objection, upheld=True, resolution="成立"
        )

    assert refusal.value.code == "own_organisation"
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.OPEN
