"""Writes on technology demands (技术需求 / 难题): an enterprise drafts a demand, submits it to the
officials over it, who publish it on the public board or return it with reasons; the poster (or an
official, with a reason) closes it. Each step is one atomic, permission-checked function that notifies
the side that now has to act.
"""

import uuid
from collections.abc import Iterable
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import submissions
from core import validators as core_validators
from core.permissions import require
from core.text import search
from institutions.models import Organisation
from institutions.selectors import organisations as institution_selectors
from market import lock_objects, policies
from market import rules as market_rules
from market.choices import DemandStatus
from market.models import Demand
from market.services import common, matching
from market.tasks import matching as tasks_matching

DEMAND_FIELDS = (
    "title",
    "problem",
    "expected_outcome",
    "keywords",
    "technology_field",
    "industry",
    "required_trl",
    "budget_min",
    "budget_max",
    "deadline",
    "cooperation_mode",
    "region",
    "contact_name",
    "contact_phone",
)


def _noun() -> str:
    return pgettext("market", "demand")


def _clean_keywords(keywords: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(word.strip() for word in keywords or () if word and word.strip()))


def _apply(demand: Demand, data: dict) -> None:
    for name in DEMAND_FIELDS:
        if name in data:
            value = data[name]
            if name == "keywords":
                value = _clean_keywords(value)
            if name == "region" and not value:
                value = demand.enterprise.region  # the default: where the enterprise is
            setattr(demand, name, value)


def demand_problems(demand: Demand) -> dict[str, list[str]]:
    """What is wrong with the demand's terms, by field: checked on every save and again on submission
    (a draft may sit until its deadline has passed)."""
    problems: dict[str, list[str]] = {}
    if demand.deadline is not None and demand.deadline <= timezone.localdate():
        problems.setdefault("deadline", []).append(_("The answer-by date must be in the future."))
    for name in ("budget_min", "budget_max"):
        value = getattr(demand, name)
        if value is not None and value < Decimal(0):
            problems.setdefault(name, []).append(_("The budget cannot be negative."))
    if (
        demand.budget_min is not None
        and demand.budget_max is not None
        and demand.budget_max < demand.budget_min
    ):
        problems.setdefault("budget_max", []).append(
            _("The upper end of the budget must not be below the lower.")
        )
    limit = settings.ACHIEVEMENT_MAX_KEYWORDS
    if len(demand.keywords or []) > limit:
        problems.setdefault("keywords", []).append(_("Give at most %(limit)d keywords.") % {"limit": limit})
    return problems


def demand_check_terms(demand: Demand) -> None:
    """Raises ``demand_problems`` as a ValidationError by field (the demand form runs it too)."""
    problems = demand_problems(demand)
    if problems:
        raise ValidationError(problems)


def _validate(demand: Demand) -> None:
    # the terms' problems and the model's checks together: every error at once
    core_validators.collect_errors(partial(demand_check_terms, demand), demand.full_clean)


def demand_refresh_search(*, demand: Demand) -> None:
    """Rebuilds the search vector from jieba-segmented title (A), keywords (B), problem and expected
    outcome (C), as achievements do, so the board's Chinese search ranks alike."""
    Demand.objects.filter(pk=demand.pk).update(
        match_terms=matching.demand_terms(demand),
        search_vector=search.search_vector(
            title=demand.title, keywords=demand.keywords, text=f"{demand.problem} {demand.expected_outcome}"
        ),
    )


def _url(demand: Demand) -> str:
    return reverse("market:demand-detail", args=[demand.pk])


def _notify_poster(demand: Demand, verb: str, title: str, body: str = "") -> None:
    recipients = [*common.members_of(demand.enterprise_id), demand.created_by]
    common.notify(recipients=recipients, verb=verb, title=title, body=body, url=_url(demand))


def _editable(actor, demand: Demand) -> Demand:
    require(actor, "market.change_demand", demand)
    demand = lock_objects.demand_for_update(demand.pk)
    if demand.status not in policies.DEMAND_EDITABLE_STATUSES:
        raise ValidationError(
            _("Only drafts and returned demands can be edited; this one is %(status)s.")
            % {"status": demand.get_status_display()},
            code="not_editable",
        )
    return demand


@transaction.atomic
def demand_create(
    *, actor, enterprise: Organisation, data: dict, submission_key: uuid.UUID | None = None
) -> Demand:
    """Drafts a demand for an enterprise the actor works for; the region defaults to the enterprise's.
    A form sent again with the same ``submission_key`` gets the first draft back (``core.submissions``)."""
    require(actor, "market.post_demand_for_organisation", enterprise)
    if earlier := submissions.submission_claim(key=submission_key, actor=actor, model=Demand):
        return earlier
    demand = Demand(enterprise=enterprise, created_by=actor, status=DemandStatus.DRAFT)
    _apply(demand, {"region": None, **data})
    _validate(demand)
    demand.save()
    demand_refresh_search(demand=demand)
    submissions.submission_record(key=submission_key, record=demand)
    return demand


@transaction.atomic
def demand_update(*, actor, demand: Demand, data: dict) -> Demand:
    """Edits a draft or a returned demand; only the fields given change."""
    demand = _editable(actor, demand)
    _apply(demand, data)
    _validate(demand)
    demand.save()
    demand_refresh_search(demand=demand)
    return demand


@transaction.atomic
def demand_submit(*, actor, demand: Demand) -> Demand:
    """Sends a draft (or a returned demand) to the officials whose jurisdiction covers the enterprise."""
    require(actor, "market.change_demand", demand)
    demand = lock_objects.demand_for_update(demand.pk)
    common.move(demand, policies.DEMAND_TRANSITIONS, DemandStatus.SUBMITTED, noun=_noun())
    _validate(demand)
    demand.submitted_at = timezone.now()
    demand.submitted_by = actor
    demand.save()
    with common.platform_language():
        common.notify(
            recipients=institution_selectors.officials_covering(region_code=demand.enterprise.region_id),
            verb="demand.submitted",
            title=_("Demand to review: %(title)s") % {"title": demand.title},
            body=_("%(enterprise)s submitted a technology demand for review.")
            % {"enterprise": demand.enterprise.name},
            url=_url(demand),
        )
    return demand


@transaction.atomic
def demand_approve(*, actor, demand: Demand) -> Demand:
    """Publishes a submitted demand on the public board."""
    require(actor, "market.review_demand", demand)
    demand = lock_objects.demand_for_update(demand.pk)
    market_rules.require_independent(market_rules.demand_review_refusal(actor, demand))
    common.move(demand, policies.DEMAND_TRANSITIONS, DemandStatus.PUBLISHED, noun=_noun())
    demand.published_at = timezone.now()
    demand.reviewed_by = actor
    demand.return_reason = ""
    demand.full_clean()
    demand.save()
    with common.platform_language():
        _notify_poster(
            demand,
            "demand.published",
            _("Demand published: %(title)s") % {"title": demand.title},
            _("It is now on the public demand board until %(deadline)s.")
            % {"deadline": demand.deadline.isoformat()},
        )
    tasks_matching.queue_demand_refresh(demand.pk)
    return demand


@transaction.atomic
def demand_return(*, actor, demand: Demand, reason: str) -> Demand:
    """Returns a submitted demand to the enterprise with what must change."""
    require(actor, "market.review_demand", demand)
    demand = lock_objects.demand_for_update(demand.pk)
    market_rules.require_independent(market_rules.demand_review_refusal(actor, demand))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Please say what must be changed before the demand can be published.")}
        )
    common.move(demand, policies.DEMAND_TRANSITIONS, DemandStatus.RETURNED, noun=_noun())
    demand.return_reason = reason
    demand.reviewed_by = actor
    demand.full_clean()
    demand.save()
    with common.platform_language():
        _notify_poster(
            demand,
            "demand.returned",
            _("Demand returned for changes: %(title)s") % {"title": demand.title},
            reason,
        )
    return demand


@transaction.atomic
def demand_close(*, actor, demand: Demand, reason: str = "") -> Demand:
    """Takes a demand off the board: the poster at any time, an official over it with a reason (which
    the enterprise is told). The reason is shown on the demand and kept in the audit trail."""
    reason = (reason or "").strip()
    is_poster = actor.has_perm("market.change_demand", demand)
    if not is_poster and not actor.has_perm("market.review_demand", demand):
        raise PermissionDenied(_("You do not have permission to do this."))
    demand = lock_objects.demand_for_update(demand.pk)
    if not is_poster and not reason:
        raise ValidationError({"reason": _("Please say why the demand is being closed.")})
    common.move(demand, policies.DEMAND_TRANSITIONS, DemandStatus.CLOSED, noun=_noun())
    demand.closed_at = timezone.now()
    demand.status_reason = reason
    demand.full_clean()
    demand.save()
    if not is_poster:
        with common.platform_language():
            _notify_poster(
                demand,
                "demand.closed",
                _("Demand closed by the officials: %(title)s") % {"title": demand.title},
                reason,
            )
    tasks_matching.queue_demand_refresh(demand.pk)
    return demand
