"""Excel export of achievement lists (导出): the import template's columns plus status and filing number.

The rows come from the same selectors as the lists on screen (so the same visibility and filters)
with the owners, contributors and patents prefetched: a fixed number of queries however many rows.
Written through ``core.spreadsheets`` (rows streamed, memory flat; every text a text cell, never a
formula), the finished file streamed from a temporary file. Values are written the way the importer
reads them, so an exported file can be uploaded again.
"""

from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, QueryDict
from django.utils import timezone

from achievements import importing
from achievements.choices import PATENT_KINDS
from achievements.models import Achievement, AchievementOwner, IPAsset
from achievements.selectors import filings as selectors
from core import spreadsheets

# As in the list API: blank (or "public") for the public database, "mine", "review".
SCOPES = ("", "public", "mine", "review")
# Rows fetched per query; prefetches run once per chunk, so up to this many rows cost the same.
FETCH_CHUNK_ROWS = 2000
_HEADERS = (*(column.header for column in importing.COLUMNS), *importing.EXPORT_ONLY_HEADERS)


def list_filters(query: QueryDict) -> QueryDict:
    """The query of a list page or of the API in the shape ``AchievementFilterSet`` reads.

    The pages choose a region as ``city`` and ``county`` and tick ``dual_use`` as ``on``.
    """
    filters = query.copy()
    region = query.get("region") or query.get("county") or query.get("city")
    if region:
        filters["region"] = region
    if query.get("dual_use") in ("on", "1", "yes"):
        filters["dual_use"] = "true"
    return filters


def achievement_export_list(*, actor, scope: str, filters=None, q: str = "", ordering: str = "") -> QuerySet:
    """The list the actor is looking at (``scope``), with everything the export writes loaded up front."""
    list_selector = {
        "mine": selectors.achievement_my_list,
        "review": selectors.achievement_review_queue,
    }.get(scope, selectors.achievement_public_list)
    queryset = list_selector(actor=actor, filters=filters, q=q, ordering=ordering)
    return queryset.prefetch_related(
        Prefetch("owners", queryset=AchievementOwner.objects.select_related("organisation")),
        "contributors",
        Prefetch("ip_assets", queryset=IPAsset.objects.filter(kind__in=PATENT_KINDS)),
    )


def _share(value: Decimal | None) -> str:
    return format(value.normalize(), "f") if value is not None else ""


def _with_share(name: str, share: Decimal | None) -> str:
    return f"{name}:{_share(share)}" if share is not None else name


def _names(key: str, values) -> str:
    return "、".join(importing.CHOICE_NAMES[key].get(value, value) for value in values)


def row_values(achievement: Achievement, *, may_read_detail: bool) -> list:
    """One row in the order of ``_HEADERS``; restricted text stays empty for those who may not read it."""
    choice = importing.CHOICE_NAMES
    values = {
        "title": achievement.title,
        "summary": achievement.summary,
        "detail": achievement.detail if may_read_detail else "",
        "keywords": "、".join(achievement.keywords),
        "technology_field": achievement.technology_field.name if achievement.technology_field else "",
        "industry": achievement.industry.name if achievement.industry else "",
        "strategic_industry": achievement.strategic_industry.name if achievement.strategic_industry else "",
        "trl": achievement.trl,
        "achievement_type": choice["achievement_type"].get(achievement.achievement_type, ""),
        "stage": choice["stage"].get(achievement.stage, ""),
        "funding_programme": achievement.funding_programme,
        "project_number": achievement.project_number,
        "funding_amount": achievement.funding_amount,
        "completed_on": achievement.completed_on,
        "cooperation_modes": _names("cooperation_modes", achievement.cooperation_modes),
        "price_type": choice["price_type"].get(achievement.price_type, ""),
        "indicative_price": achievement.indicative_price,
        "region": achievement.region_id,
        "is_dual_use": importing.YES if achievement.is_dual_use else importing.NO,
        "secrecy_status": choice["secrecy_status"].get(achievement.secrecy_status, ""),
        "patents": "、".join(asset.number for asset in achievement.ip_assets.all()),
        "owners": "、".join(
            _with_share(
                importing.owner_cell_item(
                    kind=owner.kind, name=owner.display_name, credit_code=owner.credit_code
                ),
                owner.share_percent,
            )
            for owner in achievement.owners.all()
        ),
        "contributors": "、".join(
            _with_share(person.name, person.share_percent) for person in achievement.contributors.all()
        )
        if may_read_detail
        else "",
        "detail_visibility": choice["detail_visibility"].get(achievement.detail_visibility, ""),
    }
    published = timezone.localdate(achievement.published_at) if achievement.published_at else None
    return [
        *(values[column.key] for column in importing.COLUMNS),
        str(achievement.get_status_display()),
        achievement.filing_number or "",
        achievement.filing_institution.name,
        published,
    ]


def write_workbook(achievements, *, actor, workbook: spreadsheets.ExportWorkbook) -> int:
    """Writes the achievements as the 成果 sheet of ``workbook``; returns the number of rows written."""
    sheet = workbook.add_sheet(
        importing.DATA_SHEET,
        headers=_HEADERS,
        widths=[*(column.width for column in importing.COLUMNS), 14, 18, 28, 12],
    )
    count = 0
    for achievement in achievements.iterator(chunk_size=FETCH_CHUNK_ROWS):
        may_read_detail = actor.has_perm("achievements.view_achievement_detail", achievement)
        sheet.append(row_values(achievement, may_read_detail=may_read_detail))
        count += 1
    return count


def export_response(achievements, *, actor, scope: str) -> FileResponse:
    """The xlsx of the list, as a download."""
    workbook = spreadsheets.ExportWorkbook()
    write_workbook(achievements, actor=actor, workbook=workbook)
    return workbook.response(filename=f"achievements-{scope or 'public'}-{timezone.localdate():%Y%m%d}.xlsx")


def has_review_queue(actor) -> bool:
    return actor.has_perm("achievements.view_review_queue")
