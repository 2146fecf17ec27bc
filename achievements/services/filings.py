"""Writes on achievements. Each state change is one atomic function that checks the actor's permission
(the rules the pages and API share), validates, saves, keeps the search index current, notifies the
other side and is audited by pghistory's triggers.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from achievements import policies
from achievements import rules as achievement_rules
from achievements.choices import AchievementStatus, OwnerKind
from achievements.models import (
    Achievement,
    AchievementContributor,
    AchievementOwner,
    Attachment,
    FilingSequence,
    IPAsset,
)
from core import submissions, uploads
from core.permissions import require
from core.text import search, segmentation
from institutions import identifiers
from institutions import rules as institution_rules
from institutions.models import Organisation
from institutions.selectors import organisations as institution_selectors
from notifications import services as notification_services

ACHIEVEMENT_FIELDS = (
    "title",
    "summary",
    "detail",
    "detail_visibility",
    "keywords",
    "technology_field",
    "industry",
    "strategic_industry",
    "trl",
    "stage",
    "achievement_type",
    "funding_programme",
    "project_number",
    "funding_amount",
    "completed_on",
    "cooperation_modes",
    "price_type",
    "indicative_price",
    "region",
    "is_dual_use",
    "secrecy_status",
    "publish_on_approval",
)


@dataclass(frozen=True)
class OwnerShare:
    """One owner's share: an organisation on the platform (``OwnerShare(organisation, share)``), one not
    on it (``OwnerShare.external(name, credit_code, share)``) or a person (``OwnerShare.person(...)``)."""

    organisation: Organisation | None
    share_percent: Decimal
    kind: str = OwnerKind.ORGANISATION
    name: str = ""
    credit_code: str = ""

    @classmethod
    def external(cls, name: str, credit_code: str, share_percent: Decimal) -> "OwnerShare":
        return cls(None, share_percent, OwnerKind.EXTERNAL_ORGANISATION, name, credit_code)

    @classmethod
    def person(cls, name: str, share_percent: Decimal) -> "OwnerShare":
        return cls(None, share_percent, OwnerKind.PERSON, name)


@dataclass(frozen=True)
class Contributor:
    name: str
    affiliation: str = ""
    share_percent: Decimal | None = None


def _lock(achievement: Achievement) -> Achievement:
    return (
        Achievement.objects.select_for_update(of=("self",))
        .select_related("filing_institution__region", "created_by")
        .get(pk=achievement.pk)
    )


def _move(achievement: Achievement, target: str) -> None:
    if not policies.can_move(achievement.status, target):
        raise ValidationError(
            _("An achievement that is %(current)s cannot be %(target)s.")
            % {
                "current": achievement.get_status_display(),
                "target": AchievementStatus(target).label,
            },
            code="illegal_transition",
        )
    achievement.status = target


def _clean_keywords(keywords: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(word.strip() for word in keywords if word and word.strip()))


def _apply(achievement: Achievement, data: dict) -> None:
    for name in ACHIEVEMENT_FIELDS:
        if name in data:
            value = data[name]
            if name == "keywords":
                value = _clean_keywords(value)
            setattr(achievement, name, value)


def achievement_refresh_search(*, achievement: Achievement) -> None:
    """Rebuilds the achievement's search vector from jieba-segmented title, keywords and summary."""
    Achievement.objects.filter(pk=achievement.pk).update(
        match_terms=segmentation.match_terms(
            title=achievement.title, keywords=achievement.keywords, texts=(achievement.summary,)
        ),
        search_vector=search.search_vector(
            title=achievement.title, keywords=achievement.keywords, text=achievement.summary
        ),
    )


@transaction.atomic
def achievement_create(
    *,
    actor,
    institution: Organisation,
    data: dict,
    owners: list[OwnerShare] | None = None,
    contributors: list[Contributor] | None = None,
    import_key: str = "",
    submission_key: uuid.UUID | None = None,
) -> Achievement:
    """Starts a filing as a draft. Members of the institution and its linked partner systems may file.
    A form sent again with the same ``submission_key`` gets the first draft back (``core.submissions``)."""
    require(actor, "achievements.file_for_organisation", institution)
    if earlier := submissions.submission_claim(key=submission_key, actor=actor, model=Achievement):
        return earlier
    achievement = Achievement(filing_institution=institution, created_by=actor, import_key=import_key)
    if "region" not in data:
        achievement.region_id = institution.region_id
    _apply(achievement, data)
    achievement.full_clean()
    achievement.save()
    if owners is not None:
        _replace_owners(achievement, owners)
    if contributors is not None:
        _replace_contributors(achievement, contributors)
    achievement_refresh_search(achievement=achievement)
    submissions.submission_record(key=submission_key, record=achievement)
    return achievement


@transaction.atomic
def achievement_update(
    *,
    actor,
    achievement: Achievement,
    data: dict,
    owners: list[OwnerShare] | None = None,
    contributors: list[Contributor] | None = None,
) -> Achievement:
    """Edits a draft or a returned filing."""
    require(actor, "achievements.change_achievement", achievement)
    achievement = _lock(achievement)
    if achievement.status not in policies.EDITABLE_STATUSES:
        raise ValidationError(
            _("Only drafts and returned filings can be edited; this one is %(status)s.")
            % {"status": achievement.get_status_display()},
            code="not_editable",
        )
    _apply(achievement, data)
    achievement.full_clean()
    achievement.save()
    if owners is not None:
        _replace_owners(achievement, owners)
    if contributors is not None:
        _replace_contributors(achievement, contributors)
    achievement_refresh_search(achievement=achievement)
    return achievement


def _owner_rows(achievement: Achievement, owners: list[OwnerShare]) -> list[AchievementOwner]:
    """The owners as rows; an organisation named by a credit code that is on the platform after all is
    recorded as that organisation, so that it can see and list the achievement (one query)."""
    codes = {
        identifiers.compact(owner.credit_code)
        for owner in owners
        if owner.kind == OwnerKind.EXTERNAL_ORGANISATION and owner.credit_code
    }
    registered = (
        {
            organisation.credit_code: organisation
            for organisation in Organisation.objects.filter(credit_code__in=codes, is_active=True).only(
                "pk", "name", "credit_code"
            )
        }
        if codes
        else {}
    )
    rows = []
    for owner in owners:
        code = identifiers.compact(owner.credit_code) if owner.credit_code else ""
        if owner.kind == OwnerKind.EXTERNAL_ORGANISATION and code in registered:
            owner = OwnerShare(registered[code], owner.share_percent)
            code = ""
        rows.append(
            AchievementOwner(
                achievement=achievement,
                kind=owner.kind,
                organisation=owner.organisation,
                name=(owner.name or "").strip(),
                credit_code=code,
                share_percent=owner.share_percent,
            )
        )
    return rows


def _owner_identity(row: AchievementOwner) -> tuple:
    if row.kind == OwnerKind.ORGANISATION:
        return (row.kind, row.organisation_id)
    if row.kind == OwnerKind.EXTERNAL_ORGANISATION:
        return (row.kind, row.credit_code)
    return (row.kind, row.name)


def _row_errors(label, position: int, error: ValidationError) -> list[str]:
    """Each message of a row's ``ValidationError``, prefixed with the row, e.g. ``第 2 位权属人：…``."""
    return [label % {"row": position, "message": message} for message in error.messages]


def _replace_owners(achievement: Achievement, owners: list[OwnerShare]) -> None:
    """Replaces the owners as a whole; every row is checked first and all problems are reported at once."""
    rows = _owner_rows(achievement, owners)
    errors: list[str] = []
    seen: dict[tuple, int] = {}
    for position, row in enumerate(rows, start=1):
        try:
            row.full_clean(exclude=["achievement"], validate_constraints=False)
        except ValidationError as error:
            errors.extend(_row_errors(_("Owner %(row)d: %(message)s"), position, error))
            continue
        identity = _owner_identity(row)
        if identity in seen:
            errors.append(
                _("Owner %(row)d: %(name)s is already owner %(first)d; each owner may appear only once.")
                % {"row": position, "name": row.display_name, "first": seen[identity]}
            )
        seen.setdefault(identity, position)
    if errors:
        raise ValidationError({"owners": errors})
    achievement.owners.all().delete()
    AchievementOwner.objects.bulk_create(rows)


def _replace_contributors(achievement: Achievement, contributors: list[Contributor]) -> None:
    """Replaces the contributors as a whole, in the order given, reporting every row's problems at once."""
    rows = [
        AchievementContributor(
            achievement=achievement,
            name=person.name.strip(),
            affiliation=person.affiliation.strip(),
            share_percent=person.share_percent,
            position=index,
        )
        for index, person in enumerate(contributors, start=1)
    ]
    errors: list[str] = []
    for position, row in enumerate(rows, start=1):
        try:
            row.full_clean(exclude=["achievement"])
        except ValidationError as error:
            errors.extend(_row_errors(_("Contributor %(row)d: %(message)s"), position, error))
    if errors:
        raise ValidationError({"contributors": errors})
    achievement.contributors.all().delete()
    AchievementContributor.objects.bulk_create(rows)


def _editable_for(actor, achievement: Achievement) -> Achievement:
    require(actor, "achievements.change_achievement", achievement)
    achievement = _lock(achievement)
    if achievement.status not in policies.EDITABLE_STATUSES:
        raise ValidationError(
            _("Only drafts and returned filings can be edited; this one is %(status)s.")
            % {"status": achievement.get_status_display()},
            code="not_editable",
        )
    return achievement


@transaction.atomic
def ip_asset_add(*, actor, achievement: Achievement, data: dict) -> IPAsset:
    achievement = _editable_for(actor, achievement)
    asset = IPAsset(
        achievement=achievement,
        **{key: data[key] for key in ("kind", "number", "title", "status", "granted_on") if key in data},
    )
    asset.full_clean()
    asset.save()
    return asset


@transaction.atomic
def ip_asset_update(*, actor, asset: IPAsset, data: dict) -> IPAsset:
    _editable_for(actor, asset.achievement)
    for key in ("kind", "number", "title", "status", "granted_on"):
        if key in data:
            setattr(asset, key, data[key])
    asset.full_clean()
    asset.save()
    return asset


@transaction.atomic
def ip_asset_remove(*, actor, asset: IPAsset) -> None:
    _editable_for(actor, asset.achievement)
    asset.delete()


@transaction.atomic
def attachment_add(*, actor, achievement: Achievement, uploaded_file) -> Attachment:
    """Attaches a PDF, image or office file; the type is read from the content, not the name."""
    achievement = _editable_for(actor, achievement)
    content_type = uploads.document_check(uploaded_file, field="file")
    attachment = Attachment(
        achievement=achievement,
        file=uploads.stored_as(uploaded_file, content_type),
        original_name=uploads.original_name(uploaded_file, default=_("attachment")),
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=actor,
    )
    attachment.full_clean()
    attachment.save()
    return attachment


@transaction.atomic
def attachment_remove(*, actor, attachment: Attachment) -> None:
    _editable_for(actor, attachment.achievement)
    attachment.file.delete(save=False)
    attachment.delete()


def submission_problems(achievement: Achievement) -> dict[str, list[str]]:
    """What must be completed before a filing can be submitted, by field."""
    problems: dict[str, list[str]] = {}

    def need(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if not achievement.technology_field_id:
        need("technology_field", _("Choose the technology field."))
    if not achievement.trl:
        need("trl", _("Give the technology readiness level (1–9)."))
    if not achievement.cooperation_modes:
        need("cooperation_modes", _("Choose at least one way to cooperate."))
    if not achievement.keywords:
        need("keywords", _("Give at least one keyword."))
    shares = [owner.share_percent for owner in achievement.owners.all()]
    if not policies.shares_complete(shares):
        need(
            "owners",
            _("The owners' shares add up to %(total)s %%; they must add up to 100 %%.")
            % {"total": sum(shares, Decimal(0))},
        )
    if not achievement.is_publishable:
        need("secrecy_status", _("Classified content cannot be filed for publication; declassify it first."))
    return problems


def _require_independent_reviewer(actor, achievement: Achievement) -> None:
    if code := achievement_rules.review_refusal(actor, achievement):
        raise institution_rules.separation_of_duties(code)


def _officials_url(achievement: Achievement) -> str:
    return reverse("achievements:detail", args=[achievement.pk])


def _notify_filers(achievement: Achievement, verb: str, title: str, body: str = "") -> None:
    recipients = list(
        institution_selectors.organisation_members(organisation_id=achievement.filing_institution_id)
    )
    recipients.append(achievement.created_by)
    notification_services.notify(
        recipients=recipients, verb=verb, title=title, body=body, url=_officials_url(achievement)
    )


@transaction.atomic
def achievement_submit(*, actor, achievement: Achievement) -> Achievement:
    """Sends a draft (or a returned filing) to the officials over the filing institution."""
    require(actor, "achievements.change_achievement", achievement)
    achievement = _lock(achievement)
    _move(achievement, AchievementStatus.SUBMITTED)
    problems = submission_problems(achievement)
    if problems:
        raise ValidationError(problems)
    achievement.submitted_at = timezone.now()
    achievement.submitted_by = actor
    achievement.save()
    with override(settings.LANGUAGE_CODE):
        notification_services.notify(
            recipients=institution_selectors.officials_covering(
                region_code=achievement.filing_institution.region_id
            ),
            verb="achievement.submitted",
            title=_("Filing to review: %(title)s") % {"title": achievement.title},
            body=_("%(institution)s submitted an achievement for review.")
            % {"institution": achievement.filing_institution.name},
            url=_officials_url(achievement),
        )
    return achievement


@transaction.atomic
def achievement_return(*, actor, achievement: Achievement, reason: str) -> Achievement:
    """Returns a submitted filing to the institution with the reasons it must address."""
    require(actor, "achievements.review_achievement", achievement)
    achievement = _lock(achievement)
    _require_independent_reviewer(actor, achievement)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Please say what must be changed before the filing can be approved.")}
        )
    _move(achievement, AchievementStatus.RETURNED)
    achievement.return_reason = reason
    achievement.reviewed_at = timezone.now()
    achievement.reviewed_by = actor
    achievement.save()
    with override(settings.LANGUAGE_CODE):
        _notify_filers(
            achievement,
            "achievement.returned",
            _("Filing returned for changes: %(title)s") % {"title": achievement.title},
            reason,
        )
    return achievement


@transaction.atomic
def achievement_approve(*, actor, achievement: Achievement) -> Achievement:
    """Approves a submitted filing; publishes it at once when the filer asked for that."""
    require(actor, "achievements.review_achievement", achievement)
    achievement = _lock(achievement)
    _require_independent_reviewer(actor, achievement)
    _move(achievement, AchievementStatus.APPROVED)
    achievement.return_reason = ""
    achievement.reviewed_at = timezone.now()
    achievement.reviewed_by = actor
    achievement.save()
    if achievement.publish_on_approval:
        _publish(achievement)
    with override(settings.LANGUAGE_CODE):
        _notify_filers(
            achievement,
            "achievement.approved",
            _("Filing approved: %(title)s") % {"title": achievement.title},
            _("It is now public as %(number)s.") % {"number": achievement.filing_number}
            if achievement.filing_number
            else _("Publish it when you are ready."),
        )
    return achievement


@transaction.atomic
def achievement_publish(*, actor, achievement: Achievement) -> Achievement:
    """Publishes an approved filing: it gets its filing number and enters the public database."""
    require(actor, "achievements.publish_achievement", achievement)
    achievement = _lock(achievement)
    _publish(achievement)
    return achievement


def _publish(achievement: Achievement) -> None:
    _move(achievement, AchievementStatus.PUBLISHED)
    if not achievement.is_publishable:
        raise ValidationError({"secrecy_status": _("Classified content cannot be published.")})
    now = timezone.now()
    achievement.published_at = now
    achievement.filing_number = _next_filing_number(
        region_code=achievement.region_id, year=timezone.localdate(now).year
    )
    achievement.full_clean()
    achievement.save()


def _next_filing_number(*, region_code: str, year: int) -> str:
    """Draws the next serial for the region and year under a row lock, so numbers never repeat."""
    FilingSequence.objects.get_or_create(region_code=region_code, year=year)
    sequence = FilingSequence.objects.select_for_update().get(region_code=region_code, year=year)
    sequence.last_serial += 1
    sequence.save(update_fields=["last_serial"])
    return policies.filing_number(region_code=region_code, year=year, serial=sequence.last_serial)


@transaction.atomic
def achievement_withdraw(*, actor, achievement: Achievement) -> Achievement:
    """The institution takes its filing back; a published one leaves the public database."""
    require(actor, "achievements.change_achievement", achievement)
    achievement = _lock(achievement)
    _move(achievement, AchievementStatus.WITHDRAWN)
    achievement.save()
    return achievement
