"""The two dual-use catalogues of plan clause （十二）: 军用技术转民用推广目录 and "民参军"技术与产品推荐目录.

Provincial officials and platform admins gather published dual-use achievements into a dated edition
of one of the catalogues. While an edition is a draft its entries can be added, removed and reordered;
publishing gives it its date and freezes it, as a printed catalogue would be: no edits, no entries
added or removed, no deletion. Every write is one atomic function that checks the permission the pages
and API share; pghistory's triggers keep the audit trail.

Reads that need more than ``catalogue_selectors.catalogue_list`` / ``catalogue_get`` (entry counts, the entries
with what the catalogue page shows of each achievement) are here too, next to the writes they serve.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Prefetch, QuerySet, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from achievements.choices import AchievementStatus, CatalogueStatus
from achievements.models import Achievement, CatalogueEntry, DualUseCatalogue
from achievements.selectors import catalogues as catalogue_selectors
from achievements.selectors import filings as selectors
from institutions.selectors import organisations as institution_selectors
from notifications import services as notification_services

MANAGE_PERMISSION = "achievements.manage_catalogues"
CATALOGUE_FIELDS = ("kind", "title", "edition", "introduction")


# --- reads ---------------------------------------------------------------------------------------


def catalogue_overview(*, actor, include_drafts: bool = False) -> QuerySet[DualUseCatalogue]:
    """The catalogues the actor may see (drafts only for managers who ask), each with ``entry_count``."""
    return catalogue_selectors.catalogue_list(actor=actor, include_drafts=include_drafts).annotate(
        entry_count=Count("entries")
    )


def catalogue_entry_list(*, catalogue: DualUseCatalogue) -> QuerySet[CatalogueEntry]:
    """A catalogue's entries in order, with what its page shows of each achievement (one query)."""
    return CatalogueEntry.objects.filter(catalogue=catalogue).select_related(
        "achievement__filing_institution", "achievement__technology_field"
    )


def catalogue_get_with_entries(*, pk: int, actor) -> DualUseCatalogue:
    """``catalogue_selectors.catalogue_get`` (404 for a draft the actor may not manage) with its entries loaded."""
    catalogue = catalogue_selectors.catalogue_get(pk=pk, actor=actor)
    entries = CatalogueEntry.objects.select_related(
        "achievement__filing_institution", "achievement__technology_field"
    )
    prefetch_related_objects([catalogue], Prefetch("entries", queryset=entries))
    return catalogue


def catalogue_candidates(*, catalogue: DualUseCatalogue, actor, q: str = "", limit: int = 20) -> list[dict]:
    """Published dual-use achievements to add, best search matches first, each marked if already in."""
    found = list(
        selectors.achievement_public_list(actor=actor, filters={"dual_use": True}, q=q.strip())[:limit]
    )
    included = set(
        CatalogueEntry.objects.filter(
            catalogue=catalogue, achievement_id__in=[achievement.pk for achievement in found]
        ).values_list("achievement_id", flat=True)
    )
    return [{"achievement": achievement, "included": achievement.pk in included} for achievement in found]


# --- writes --------------------------------------------------------------------------------------


def _require(actor) -> None:
    if actor is None or not actor.has_perm(MANAGE_PERMISSION):
        raise PermissionDenied(_("Only provincial officials and platform administrators manage catalogues."))


def _lock(catalogue: DualUseCatalogue) -> DualUseCatalogue:
    """The catalogue's row, locked: entries are added, removed and numbered one writer at a time."""
    return DualUseCatalogue.objects.select_for_update().get(pk=catalogue.pk)


def _require_draft(catalogue: DualUseCatalogue) -> None:
    if catalogue.status != CatalogueStatus.DRAFT:
        raise ValidationError(
            _(
                "This catalogue was published on %(date)s and can no longer be changed; "
                "start a new edition instead."
            )
            % {"date": date_format(catalogue.published_on)},
            code="catalogue_published",
        )


def _check_edition_free(catalogue: DualUseCatalogue) -> None:
    """A clear message for the (kind, edition) unique constraint, which full_clean would word vaguely."""
    if not catalogue.edition:
        return
    taken = (
        DualUseCatalogue.objects.filter(kind=catalogue.kind, edition=catalogue.edition)
        .exclude(pk=catalogue.pk)
        .exists()
    )
    if taken:
        raise ValidationError(
            {
                "edition": _("The %(kind)s already has an edition called “%(edition)s”.")
                % {"kind": catalogue.get_kind_display(), "edition": catalogue.edition}
            },
            code="duplicate_edition",
        )


def _apply(catalogue: DualUseCatalogue, data: dict) -> None:
    for name in CATALOGUE_FIELDS:
        if name in data:
            value = data[name]
            setattr(catalogue, name, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def catalogue_create(
    *, actor, kind: str, title: str, edition: str, introduction: str = ""
) -> DualUseCatalogue:
    """Starts a new edition of a catalogue, as a draft."""
    _require(actor)
    catalogue = DualUseCatalogue(created_by=actor)
    _apply(catalogue, {"kind": kind, "title": title, "edition": edition, "introduction": introduction})
    _check_edition_free(catalogue)
    catalogue.full_clean()
    catalogue.save()
    return catalogue


@transaction.atomic
def catalogue_update(*, actor, catalogue: DualUseCatalogue, data: dict) -> DualUseCatalogue:
    """Edits a draft's kind, title, edition or introduction (the keys of ``data`` that are given)."""
    _require(actor)
    catalogue = _lock(catalogue)
    _require_draft(catalogue)
    _apply(catalogue, data)
    _check_edition_free(catalogue)
    catalogue.full_clean()
    catalogue.save()
    return catalogue


@transaction.atomic
def catalogue_delete(*, actor, catalogue: DualUseCatalogue) -> None:
    """Discards a draft edition and its entries; a published catalogue stays on record."""
    _require(actor)
    catalogue = _lock(catalogue)
    _require_draft(catalogue)
    catalogue.delete()


def _require_listable(achievement: Achievement) -> None:
    if achievement.status != AchievementStatus.PUBLISHED:
        raise ValidationError(
            {
                "achievement": _(
                    "Only published achievements can be listed in a catalogue; this one is %(status)s."
                )
                % {"status": achievement.get_status_display()}
            },
            code="achievement_not_published",
        )
    if not achievement.is_dual_use:
        raise ValidationError(
            {
                "achievement": _(
                    "Only dual-use (军民两用) achievements can be listed in a dual-use catalogue."
                )
            },
            code="achievement_not_dual_use",
        )


@transaction.atomic
def catalogue_add_entry(
    *, actor, catalogue: DualUseCatalogue, achievement: Achievement, note: str = ""
) -> CatalogueEntry:
    """Lists a published dual-use achievement at the end of a draft catalogue."""
    _require(actor)
    catalogue = _lock(catalogue)
    _require_draft(catalogue)
    # Re-read under a lock that conflicts with the institution's withdrawal, so an achievement cannot
    # be withdrawn between this check and the new entry.
    achievement = Achievement.objects.select_for_update(no_key=True).get(pk=achievement.pk)
    _require_listable(achievement)
    if CatalogueEntry.objects.filter(catalogue=catalogue, achievement=achievement).exists():
        raise ValidationError(
            {"achievement": _("“%(title)s” is already in this catalogue.") % {"title": achievement.title}},
            code="duplicate_entry",
        )
    last = CatalogueEntry.objects.filter(catalogue=catalogue).aggregate(last=Max("position"))["last"]
    entry = CatalogueEntry(
        catalogue=catalogue, achievement=achievement, position=(last or 0) + 1, note=note.strip()
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def catalogue_remove_entry(*, actor, entry: CatalogueEntry) -> None:
    """Takes an achievement off a draft catalogue."""
    _require(actor)
    catalogue = _lock(entry.catalogue)
    _require_draft(catalogue)
    CatalogueEntry.objects.filter(pk=entry.pk, catalogue=catalogue).delete()


@transaction.atomic
def catalogue_reorder(*, actor, catalogue: DualUseCatalogue, entry_ids: list[int]) -> list[CatalogueEntry]:
    """Numbers a draft's entries 1, 2, 3 … in the order given, which must name each entry once."""
    _require(actor)
    catalogue = _lock(catalogue)
    _require_draft(catalogue)
    entries = {entry.pk: entry for entry in CatalogueEntry.objects.filter(catalogue=catalogue)}
    if len(entry_ids) != len(set(entry_ids)) or set(entry_ids) != set(entries):
        raise ValidationError(
            {"entries": _("Give every entry of this catalogue exactly once.")}, code="invalid_order"
        )
    ordered = [entries[pk] for pk in entry_ids]
    for position, entry in enumerate(ordered, start=1):
        entry.position = position
    CatalogueEntry.objects.bulk_update(ordered, ["position"])
    return ordered


@transaction.atomic
def catalogue_publish(
    *, actor, catalogue: DualUseCatalogue, published_on: datetime.date | None = None
) -> DualUseCatalogue:
    """Publishes a draft with its date (today unless given); from then on it is frozen."""
    _require(actor)
    catalogue = _lock(catalogue)
    _require_draft(catalogue)
    published_on = published_on or timezone.localdate()
    if published_on > timezone.localdate():
        raise ValidationError(
            {"published_on": _("The publication date cannot be in the future.")}, code="future_date"
        )
    # The listed achievements are locked against a withdrawal running at the same time (as when adding).
    entries = list(
        CatalogueEntry.objects.filter(catalogue=catalogue)
        .select_related("achievement")
        .select_for_update(no_key=True, of=("achievement",))
    )
    if not entries:
        raise ValidationError(
            _("Add at least one achievement before publishing the catalogue."), code="empty_catalogue"
        )
    # An achievement may have been withdrawn since it was added to the draft: the edition must not list it.
    gone = [
        entry.achievement.title
        for entry in entries
        if entry.achievement.status != AchievementStatus.PUBLISHED
    ]
    if gone:
        raise ValidationError(
            _("These achievements are no longer published; remove them first: %(titles)s.")
            % {"titles": "、".join(gone)},
            code="entry_not_published",
        )
    catalogue.status = CatalogueStatus.PUBLISHED
    catalogue.published_on = published_on
    catalogue.full_clean()
    catalogue.save()
    _notify_listed_institutions(catalogue, [entry.achievement for entry in entries])
    return catalogue


def _notify_listed_institutions(catalogue: DualUseCatalogue, achievements: list[Achievement]) -> None:
    """Tells each filing institution's members which of their achievements the new edition lists."""
    by_institution: dict[int, list[str]] = {}
    for achievement in achievements:
        by_institution.setdefault(achievement.filing_institution_id, []).append(achievement.title)
    with override(settings.LANGUAGE_CODE):
        for institution_id, titles in by_institution.items():
            notification_services.notify(
                recipients=institution_selectors.organisation_members(organisation_id=institution_id),
                verb="catalogue.published",
                title=_("Listed in %(catalogue)s") % {"catalogue": str(catalogue)},
                body=_("The published catalogue lists: %(titles)s.") % {"titles": "、".join(titles)},
                url=reverse("catalogues:detail", args=[catalogue.pk]),
            )
