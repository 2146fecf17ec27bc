"""The to-do registry (待办): everything waiting on the signed-in user, gathered from every app.

``core`` knows no domain, so each app registers its sections in ``AppConfig.ready()``: a section is a
name, who it applies to, the queryset of what waits (the app's own selector, with the relations its
items show) and how one row becomes a link. The to-do page, its API and the navigation bar's badge all
read the registry through ``todo_counts`` and ``todo_sections``, so each count is defined once.

Costs: every count of an actor comes in one query (``todo_counts``); the page adds one query per
section for its first items, whatever the number of rows.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise

# How many items a section shows before its link to the full queue.
FIRST_ITEMS = 5


@dataclass(frozen=True)
class TodoItem:
    """One thing waiting: what it is, where to act on it and a short note (who, since when)."""

    title: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class TodoSection:
    """What an app registers: ``applies(user)`` says whether the section concerns the user at all (from
    their roles, no query); ``queryset(user)`` is what waits on them, in the order to work it;
    ``item(row)`` reads only the relations the queryset loads. ``queue`` is the URL name of the full
    queue page that already exists, ``queue_query`` its filter (e.g. ``status=returned``)."""

    key: str
    title: str | Promise
    queue: str
    applies: Callable[[object], bool]
    queryset: Callable[[object], QuerySet]
    item: Callable[[object], TodoItem]
    queue_query: str = ""
    order: int = 100

    @property
    def queue_url(self) -> str:
        url = reverse(self.queue)
        return f"{url}?{self.queue_query}" if self.queue_query else url


@dataclass(frozen=True)
class TodoGroup:
    """A section as one user sees it: how many wait, and the first few."""

    section: TodoSection
    count: int
    items: list[TodoItem] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def title(self) -> str:
        return str(self.section.title)

    @property
    def queue_url(self) -> str:
        return self.section.queue_url


@dataclass(frozen=True)
class TodoCounts:
    """The badge: the count of each section that applies, and their total."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


_SECTIONS: dict[str, TodoSection] = {}


def register(section: TodoSection) -> None:
    """Adds (or, by key, replaces) a section; called from ``AppConfig.ready()``."""
    _SECTIONS[section.key] = section


def registered_sections() -> list[TodoSection]:
    return sorted(_SECTIONS.values(), key=lambda section: (section.order, section.key))


def sections_for(user) -> list[TodoSection]:
    """The sections that concern ``user`` (none for a visitor)."""
    if user is None or not user.is_authenticated:
        return []
    return [section for section in registered_sections() if section.applies(user)]


def _count_in_one_query(querysets: list[QuerySet]) -> list[int]:
    """``[qs.count() for qs in querysets]`` in one round trip: each count is a scalar sub-select of the
    queryset's own SQL (filters, joins and distinct kept as the selector wrote them)."""
    if not querysets:
        return []
    parts, params = [], []
    for queryset in querysets:
        try:
            sql, query_params = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # ``.none()`` or an empty ``__in``: nothing to count, nothing to ask
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS todo_rows)")
        params.extend(query_params)
    alias = router.db_for_read(querysets[0].model)
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return list(cursor.fetchone())


def _querysets(user, sections: list[TodoSection]) -> list[QuerySet]:
    return [section.queryset(user) for section in sections]


def todo_counts(*, user) -> TodoCounts:
    """How many items wait in each section for ``user``: one query, none for a visitor or a user whom no
    section concerns."""
    sections = sections_for(user)
    counts = _count_in_one_query(_querysets(user, sections))
    return TodoCounts(counts={section.key: count for section, count in zip(sections, counts, strict=True)})


def todo_sections(*, user, first: int = FIRST_ITEMS) -> list[TodoGroup]:
    """Every section that concerns ``user`` with its count and first ``first`` items: one query for the
    counts and one per section for its items."""
    sections = sections_for(user)
    querysets = _querysets(user, sections)
    counts = _count_in_one_query(querysets)
    return [
        TodoGroup(
            section=section,
            count=count,
            items=[section.item(row) for row in queryset[:first]] if count else [],
        )
        for section, queryset, count in zip(sections, querysets, counts, strict=True)
    ]
