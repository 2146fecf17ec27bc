"""core.text.search: the weighted search vector and the ranked search every searchable list runs,
against the database (achievements stand in for any model with a ``search_vector``)."""

import pytest

from achievements.models import Achievement
from core.text import search, segmentation
from tests import factories
from tests.achievements.factories import draft

ORDERINGS = {"newest": ("-pk",), "title": ("title", "pk")}
LIST = search.SearchableList(orderings=ORDERINGS, best_match_ties=("-pk",))


@pytest.fixture
def filer(db):
    institution = factories.TransferInstitutionFactory(name="文本测试技术转移中心")
    return institution, factories.staff_of(institution, username="text-staff")


@pytest.fixture
def record(filer):
    """Makes an achievement whose search vector holds exactly the given title, keywords and text."""
    institution, staff = filer

    def make(title: str, keywords: tuple[str, ...] = (), text: str = "") -> Achievement:
        achievement = draft(staff, institution, title=title)
        Achievement.objects.filter(pk=achievement.pk).update(
            search_vector=search.search_vector(title=title, keywords=keywords, text=text)
        )
        return achievement

    return make


def _titles(queryset) -> list[str]:
    return [achievement.title for achievement in queryset]


def test_the_vector_weighs_the_title_a_the_keywords_b_and_the_text_c(record):
    achievement = record("石墨烯电池", keywords=("快充",), text="电池回收")

    stored = Achievement.objects.values_list("search_vector", flat=True).get(pk=achievement.pk)

    assert stored == "'回收':6C '快充':4B '电池':3A,5C '电池回收':7C '石墨':1A '石墨烯':2A"


def test_rows_covering_more_of_the_query_come_first_then_those_with_it_in_the_title(record):
    # given one record with every word of the query in its text, one with every word in its title,
    # one with only a part of the first word, and one with nothing of it
    in_text = record("制备工艺", text="锂电池负极")
    in_title = record("锂电池负极", text="制备工艺")
    partial = record("电池外壳")
    record("工业机器人")

    # when
    found = search.ranked_search(Achievement.objects.all(), q="锂电池负极").order_by(
        *search.BEST_MATCH_FIRST, "pk"
    )

    # then
    assert [row.pk for row in found] == [in_title.pk, in_text.pk, partial.pk]
    assert [row.coverage for row in found] == [2.0, 2.0, 0.5]
    assert found[0].rank > found[1].rank


def test_a_query_of_stop_words_only_finds_nothing_and_can_still_be_ordered_by_rank(record):
    record("锂电池负极")

    found = search.ranked_search(Achievement.objects.all(), q="的 和").order_by(*search.BEST_MATCH_FIRST)

    assert search.search_query("的 和") is None
    assert list(found) == []


def test_the_rank_alone_with_the_database_weights(record):
    match = record("锂电池负极")

    found = search.ranked_search(Achievement.objects.all(), q="负极", weights=None, with_coverage=False)

    assert [row.pk for row in found] == [match.pk]
    assert not hasattr(found[0], "coverage")
    assert found[0].rank > 0


def test_a_list_without_a_search_keeps_every_row_in_the_chosen_or_default_ordering(record):
    first, second = record("A 材料"), record("B 材料")
    rows = Achievement.objects.filter(pk__in=[first.pk, second.pk])

    assert _titles(LIST.search(rows, q="", ordering="", default="newest")) == ["B 材料", "A 材料"]
    assert _titles(LIST.search(rows, q="  ", ordering="title", default="newest")) == ["A 材料", "B 材料"]
    assert _titles(LIST.search(rows, q="", ordering="unknown", default="newest")) == ["B 材料", "A 材料"]


def test_a_searched_list_is_best_match_first_unless_an_ordering_was_chosen(record):
    partial = record("A 电池外壳")
    whole = record("B 锂电池负极")
    record("C 工业机器人")
    rows = Achievement.objects.all()

    best_first = LIST.search(rows, q="锂电池负极", ordering="", default="newest")
    by_title = LIST.search(rows, q="锂电池负极", ordering="title", default="newest")

    assert [row.pk for row in best_first] == [whole.pk, partial.pk]
    assert [row.pk for row in by_title] == [partial.pk, whole.pk]
    assert list(LIST.search(rows, q="的", ordering="", default="newest")) == []


@pytest.fixture
def segmented_characters(monkeypatch) -> list[int]:
    """The length of every text jieba is given to segment (``cut_for_search`` goes through ``cut``)."""
    tokenizer = segmentation._tokenizer()
    lengths: list[int] = []
    real = tokenizer.cut

    def counting(text, *args, **kwargs):
        lengths.append(len(text))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(tokenizer, "cut", counting)
    return lengths


def test_a_text_of_any_length_is_segmented_up_to_the_cap(segmented_characters):
    long_text = "锂离子电池负极材料的循环寿命与安全性。" * 10_000  # 190,000 characters

    terms = segmentation.match_terms(title="硅碳负极", keywords=["锂电池"], texts=(long_text, long_text))
    segmentation.segmented(long_text)

    assert max(segmented_characters) == segmentation.SEGMENTED_MAX_CHARACTERS
    assert sum(segmented_characters) <= 3 * segmentation.SEGMENTED_MAX_CHARACTERS + len("硅碳负极 锂电池")
    # the words the matching engine compares are bounded too: at most a few per character segmented
    assert len(terms.split()) <= 2 * 2 * segmentation.SEGMENTED_MAX_CHARACTERS


def test_a_search_query_is_read_up_to_its_first_words():
    # given a pasted paragraph of 200 distinct words as a search
    words = [f"word{number}" for number in range(200)]

    plan = segmentation.query_plan(" ".join(words))

    # then only its first words make the query (each word is clauses of the ranking SQL)
    assert [term.words[0] for term in plan] == words[: segmentation.QUERY_MAX_WORDS]
