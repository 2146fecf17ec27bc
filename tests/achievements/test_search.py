"""Chinese search: segmentation with the domain dictionary, relevance on a committed set of examples,
and an index that follows edits."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from achievements.models import Achievement
from achievements.selectors import filings as selectors
from achievements.services import filings as services
from core.text import segmentation
from tests import factories
from tests.achievements.factories import draft, published

CASES = json.loads((Path(__file__).parent / "data" / "search_cases.json").read_text(encoding="utf-8"))
QUERIES = [(case["q"], case["relevant"]) for case in CASES["queries"]]


@pytest.fixture(scope="module")
def search_cases(django_db_setup, django_db_blocker):
    """The example achievements, filed and published through the services once for this module, in
    a transaction rolled back at its end; each test runs inside it (pytest-django's savepoints)."""
    with django_db_blocker.unblock(), transaction.atomic():
        institution = factories.TransferInstitutionFactory(name="搜索测试技术转移中心")
        staff = factories.staff_of(institution, username="search-staff")
        official = factories.official_for("510100", username="search-official")
        ids = {}
        for case in CASES["achievements"]:
            achievement = published(
                staff,
                official,
                institution,
                title=case["title"],
                keywords=case["keywords"],
                summary=case["summary"],
            )
            ids[achievement.pk] = case["id"]
        yield ids
        transaction.set_rollback(True)


@pytest.mark.parametrize(("q", "relevant"), QUERIES, ids=[q for q, _relevant in QUERIES])
def test_relevant_achievements_rank_ahead_of_every_other_match(db, search_cases, q, relevant):
    results = list(selectors.achievement_public_list(actor=None, q=q))

    ranked = [search_cases[achievement.pk] for achievement in results]
    # Precision at k = the number of relevant ones is 1: they fill the top places, whatever their order.
    assert sorted(ranked[: len(relevant)]) == sorted(relevant), ranked


def test_the_examples_cover_all_the_queries_of_the_issue():
    issue_queries = {"石墨烯电池", "锂电池负极", "工业机器人"}

    assert issue_queries <= {q for q, _relevant in QUERIES}
    assert len(CASES["achievements"]) == 49
    assert len({case["id"] for case in CASES["achievements"]}) == 49


# --- segmentation -------------------------------------------------------------------------------


def test_the_dictionary_keeps_technical_terms_whole():
    assert segmentation.tokens("石墨烯改性锂离子电池导电剂") == ["石墨烯", "改性", "锂离子电池", "导电剂"]
    assert segmentation.tokens("工业机器人精密减速器") == ["工业机器人", "精密", "减速器"]
    assert segmentation.tokens("攀西钒钛磁铁矿尾矿综合利用") == ["攀西", "钒钛磁铁矿", "尾矿", "综合利用"]


def test_indexing_adds_the_shorter_words_inside_long_ones():
    assert segmentation.segmented("锂离子电池") == "离子 电池 锂离子 锂离子电池"


def test_every_dictionary_term_is_kept_whole():
    terms = [line.split()[0] for line in segmentation.DICTIONARY.read_text(encoding="utf-8").splitlines()]

    split = {term: segmentation.tokens(term) for term in terms if segmentation.tokens(term) != [term.lower()]}
    assert split == {}


def test_the_dictionary_is_in_jieba_format_with_300_terms_or_more():
    lines = segmentation.DICTIONARY.read_text(encoding="utf-8").splitlines()
    pattern = re.compile(r"^\S+ [1-9]\d* [a-z]+$")

    assert [line for line in lines if not pattern.match(line)] == []
    terms = [line.split()[0] for line in lines]
    assert len(terms) == len(set(terms))
    assert len(terms) >= 300


def test_stop_words_and_punctuation_are_removed():
    assert segmentation.tokens("一种基于石墨烯的电池及其制备方法。") == ["石墨烯", "电池", "制备"]
    assert segmentation.query_terms("的 和 与") == []


def test_a_query_is_read_as_its_words_with_synonyms_and_parts():
    plan = segmentation.query_plan("锂电池负极")

    assert plan == [
        segmentation.QueryTerm(words=("锂电池", "锂离子电池"), parts=("锂电", "电池")),
        segmentation.QueryTerm(words=("负极",), parts=()),
    ]
    assert segmentation.query_terms("锂电池负极") == ["锂电池", "锂离子电池", "锂电", "电池", "负极"]


def test_a_query_of_stop_words_only_finds_nothing(db, search_cases):
    assert list(selectors.achievement_public_list(actor=None, q="的 和")) == []


# --- the index follows edits ----------------------------------------------------------------------


def test_the_search_index_follows_an_edited_title(chengdu_staff, chengdu_official, chengdu_institution):
    # given a draft whose title alone mentions 石墨烯
    achievement = draft(
        chengdu_staff,
        chengdu_institution,
        title="石墨烯复合快充材料",
        keywords=["快充"],
        summary="构建三维导电网络，支持十分钟充至八成电量。",
    )
    assert _found(chengdu_staff, "石墨烯") == [achievement.pk]

    # when the title is edited
    services.achievement_update(
        actor=chengdu_staff, achievement=achievement, data={"title": "氮化镓快充芯片"}
    )

    # then the old term no longer finds it and the new one does, in the filer's list and once public
    assert _found(chengdu_staff, "石墨烯") == []
    assert _found(chengdu_staff, "氮化镓") == [achievement.pk]
    services.achievement_submit(actor=chengdu_staff, achievement=achievement)
    services.achievement_approve(actor=chengdu_official, achievement=achievement)
    public = {"institution": chengdu_institution.pk}
    assert [a.pk for a in selectors.achievement_public_list(actor=None, filters=public, q="氮化镓")] == [
        achievement.pk
    ]
    assert list(selectors.achievement_public_list(actor=None, filters=public, q="石墨烯")) == []


def test_the_search_index_follows_edited_keywords(chengdu_staff, chengdu_institution):
    achievement = draft(
        chengdu_staff, chengdu_institution, title="高安全锂离子电池负极材料", keywords=["硅碳"]
    )

    services.achievement_update(actor=chengdu_staff, achievement=achievement, data={"keywords": ["预锂化"]})

    assert _found(chengdu_staff, "硅碳") == []
    assert _found(chengdu_staff, "预锂化") == [achievement.pk]


def _found(actor, q: str) -> list[int]:
    return [achievement.pk for achievement in selectors.achievement_my_list(actor=actor, q=q)]


@pytest.mark.django_db
def test_reindexing_rebuilds_a_stale_search_vector(chengdu_staff, chengdu_official, chengdu_institution):
    achievement = published(chengdu_staff, chengdu_official, chengdu_institution)
    Achievement.objects.filter(pk=achievement.pk).update(search_vector=None)
    found = selectors.achievement_public_list(actor=chengdu_staff, q="负极材料")
    assert achievement not in found

    call_command("reindex_achievements", stdout=io.StringIO())

    assert achievement in selectors.achievement_public_list(actor=chengdu_staff, q="负极材料")
