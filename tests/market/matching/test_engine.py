"""The matching engine on plain arrays (no database): text relevance, symmetry, top lists."""

import numpy as np
import pytest
from scipy import sparse

from core.text import segmentation
from market import matching_engine as engine
from market.policies import matching as policy

TODAY = 20_000.0


def _demand(key, title, keywords=(), text="", **values):
    return {
        "key": key,
        "kind": engine.DEMAND,
        "terms": segmentation.match_terms(title=title, keywords=keywords, texts=(text,)),
        "day": TODAY - 5,
        **values,
    }


def _offer(key, title, keywords=(), text="", kind=engine.LISTING, **values):
    return {
        "key": key,
        "kind": kind,
        "terms": segmentation.match_terms(title=title, keywords=keywords, texts=(text,)),
        "day": TODAY - 30,
        **values,
    }


@pytest.fixture
def corpus():
    demands = engine.Items.from_records(
        [
            _demand(
                1, "锂电池负极材料技术需求", ["锂电池", "负极材料"], "提高快充性能和比容量", trl=5, field=3
            ),
            _demand(2, "农作物病虫害智能识别", ["病虫害", "图像识别"], "田间拍照自动识别", field=10),
        ]
    )
    offers = engine.Items.from_records(
        [
            _offer(
                10, "硅碳复合锂离子电池负极材料", ["锂离子电池", "硅碳"], "比容量450mAh/g", trl=6, field=3
            ),
            _offer(11, "锂离子电池隔膜涂覆技术", ["隔膜"], "陶瓷涂层提升安全性", trl=7, field=3),
            _offer(12, "人脸识别门禁终端", ["人脸识别"], "深度学习算法", trl=8, field=1),
            _offer(
                13,
                "基于机器视觉的水稻病虫害识别系统",
                ["病虫害", "机器视觉"],
                "手机拍照识别",
                field=10,
                kind=engine.ACHIEVEMENT,
            ),
        ]
    )
    return engine.Corpus(demands, offers, engine.Parameters(top=2))


def test_synonyms_make_differently_worded_records_meet(corpus):
    ranking = corpus.offers_for([0], today=TODAY)

    assert corpus.offers.keys[ranking.found].tolist() == [10, 11]
    assert ranking.factors[0, 0] > ranking.factors[1, 0]  # text relevance: anode beats separator


def test_an_unrelated_offer_is_not_a_candidate(corpus):
    ranking = corpus.offers_for([1], today=TODAY, keep=0)

    # the face-recognition terminal shares only 识别 with the pest demand; the batteries share nothing
    assert corpus.offers.keys[ranking.found].tolist() == [13, 12]


def test_a_pair_scores_the_same_from_both_sides(corpus):
    by_demand = corpus.offers_for([0], today=TODAY, keep=0)
    by_offer = corpus.demands_for([0], today=TODAY, keep=0)

    assert by_offer.found.tolist() == [0]
    assert by_offer.totals[0] == pytest.approx(by_demand.totals[by_demand.found.tolist().index(0)])
    np.testing.assert_allclose(by_offer.factors[0], by_demand.factors[by_demand.found.tolist().index(0)])


def test_each_record_keeps_its_top_best_first():
    demands = engine.Items.from_records([_demand(1, "工业机器人焊接", ["焊接"])])
    offers = engine.Items.from_records(
        [_offer(10 + index, f"机械臂焊接工艺{index}号", ["焊接"], trl=index) for index in range(1, 6)]
    )
    corpus = engine.Corpus(demands, offers, engine.Parameters(top=3))

    ranking = corpus.offers_for([0], today=TODAY)

    assert len(ranking) == 3
    assert list(ranking.totals) == sorted(ranking.totals, reverse=True)


def test_words_found_nearly_everywhere_carry_no_weight():
    records = [{"key": index, "terms": f"平台 型号{index % 200}"} for index in range(400)]
    frequencies, total = engine.document_frequencies(engine.Items.from_records(records))
    idf = engine.inverse_document_frequency(frequencies, total, max_document_share=0.25)

    assert idf[engine.term_index("平台")] == 0.0
    assert idf[engine.term_index("型号7")] == pytest.approx(np.log(401 / 3) + 1)


def test_term_index_is_the_vectorizers_column():
    matrix = engine.Items.from_records([{"key": 1, "terms": "石墨烯"}]).counts

    assert matrix.indices.tolist() == [engine.term_index("石墨烯")]


def test_shared_terms_list_rare_words_without_their_parts(corpus):
    terms = corpus.shared_terms(corpus.demands.terms[0], corpus.offers.terms[0])

    assert "负极材料" in terms
    assert "材料" not in terms
    assert all(len(term) > 1 for term in terms)


def test_the_fit_reorders_offers_on_the_same_subject():
    demands = engine.Items.from_records(
        [
            _demand(
                1, "锂电池负极材料", ["负极材料"], price_high=1_000_000.0, modes=policy.MODE_BITS["transfer"]
            )
        ]
    )
    offers = engine.Items.from_records(
        [
            # the closer text, but three times the budget and a service
            _offer(
                10,
                "锂电池负极材料负极材料",
                ["负极材料"],
                price_low=3_000_000.0,
                modes=policy.MODE_BITS["technical_service"],
            ),
            _offer(
                11,
                "锂电池负极材料与电解液",
                ["负极材料", "电解液"],
                price_low=800_000.0,
                modes=policy.MODE_BITS["transfer"],
            ),
        ]
    )
    by_text = engine.Corpus(demands, offers, engine.Parameters(fit_share=0.0)).offers_for([0], today=TODAY)
    by_default = engine.Corpus(demands, offers, engine.Parameters()).offers_for([0], today=TODAY)

    assert offers.keys[by_text.found].tolist() == [10, 11]
    assert offers.keys[by_default.found].tolist() == [11, 10]


def test_weighting_leaves_the_counts_as_they_were_for_the_next_corpus(corpus):
    indices = corpus.offers.counts.indices.copy()
    rebuilt = engine.Corpus(corpus.demands, corpus.offers, corpus.parameters)

    assert corpus.offers.counts.indices.tolist() == indices.tolist()
    assert (rebuilt.offer_matrix != corpus.offer_matrix).nnz == 0


def test_strongest_terms_keeps_the_largest_entries_of_each_row():
    matrix = sparse.csr_matrix(np.array([[0.1, 0.5, 0.0, 0.3], [0.0, 0.0, 0.2, 0.0], [0.4, 0.1, 0.9, 0.2]]))

    kept = engine.strongest_terms(matrix, 2).toarray()

    assert kept.tolist() == [[0.0, 0.5, 0.0, 0.3], [0.0, 0.0, 0.2, 0.0], [0.4, 0.0, 0.9, 0.0]]


def test_finding_candidates_by_the_strongest_words_keeps_scores_exact():
    demands = engine.Items.from_records(
        [
            _demand(
                1, "锂电池负极材料回收利用技术", ["锂电池", "负极材料", "回收"], "废旧动力电池拆解与石墨再生"
            )
        ]
    )
    offers = engine.Items.from_records(
        [
            _offer(10, "废旧锂离子电池石墨负极再生", ["负极材料", "回收"], "拆解、提纯与再生"),
            _offer(11, "动力电池回收梯次利用", ["动力电池", "回收"], "储能梯次利用"),
        ]
    )
    everything = engine.Corpus(demands, offers, engine.Parameters(query_terms=0)).offers_for([0], today=TODAY)
    strongest = engine.Corpus(demands, offers, engine.Parameters(query_terms=3)).offers_for([0], today=TODAY)

    # the best offer shares the demand's rarest words and is found either way, with the same score;
    # the other shares only common ones, and three words are too few to find it
    assert everything.found.tolist() == [0, 1]
    assert strongest.found.tolist() == [0]
    np.testing.assert_allclose(strongest.factors[0], everything.factors[0])
