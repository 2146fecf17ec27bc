"""The pure scoring rules of matching (market.policies.matching): each factor, the total, the words."""

import math

import numpy as np
import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from market.policies import matching as policy


def test_same_field_scores_full_and_a_blank_field_is_neutral():
    assert policy.field_score(3, 3, 0, 0) == pytest.approx(0.875)
    assert policy.field_score(3, 3, 7, 7) == pytest.approx(1.0)
    assert policy.field_score(3, 1, 0, 0) == pytest.approx(0.125)
    assert policy.field_score(0, 1, 0, 0) == pytest.approx(0.5)
    assert policy.field_score(3, 1, 7, 7) == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("required", "offered", "expected"),
    [(5, 6, 1.0), (5, 5, 1.0), (5, 4, 0.5), (5, 3, 0.0), (0, 6, 1.0), (0, 0, 0.8), (5, 0, 0.4)],
)
def test_trl_fit(required, offered, expected):
    assert float(policy.trl_score(required, offered)) == expected


@pytest.mark.parametrize(
    ("budget", "price", "expected"),
    [
        (1e6, 8e5, 1.0),
        (1e6, 1e6, 1.0),
        (1e6, 1.4e6, 0.4),
        (1e6, 2e6, 0.0),
        (math.nan, 5e5, 0.6),
        (1e6, math.nan, 0.6),
    ],
)
def test_budget_against_price(budget, price, expected):
    assert float(policy.budget_score(budget, price)) == expected


def test_cooperation_modes_compatible_within_a_family():
    index = policy.MODES.index
    assert float(policy.mode_score(index("transfer"), policy.MODE_BITS["transfer"])) == 1.0
    assert (
        float(policy.mode_score(index("transfer"), policy.MODE_BITS["licence_ordinary"]))
        == policy.MODE_COMPATIBLE
    )
    assert float(policy.mode_score(index("technical_service"), policy.MODE_BITS["joint_development"])) == (
        policy.MODE_COMPATIBLE
    )
    assert (
        float(policy.mode_score(index("technical_consulting"), policy.MODE_BITS["transfer"]))
        == policy.MODE_FOREIGN
    )
    # an achievement accepting several modes is judged by the best of them; unknown is neutral
    both = policy.mode_bits(["investment", "technical_service"])
    assert float(policy.mode_score(index("technical_service"), both)) == 1.0
    assert float(policy.mode_score(index("transfer"), 0)) == policy.MODE_UNKNOWN
    assert float(policy.mode_score(-1, both)) == policy.MODE_UNKNOWN


@pytest.mark.parametrize(
    ("demand", "offer", "zones", "linked", "expected"),
    [
        (510107, 510107, (0, 0), 0, 1.0),  # same district
        (510107, 510104, (0, 0), 0, 0.8),  # same city
        (510603, 510104, (1, 1), 0, 0.6),  # 德阳 and 成都: 成德绵
        (511100, 510104, (0, 1), 511100, 0.5),  # the 成都 institution's parent sits in 乐山
        (511100, 510104, (0, 1), 0, 0.3),  # both in Sichuan
        (500100, 510104, (0, 1), 0, 0.1),  # 重庆
        (0, 510104, (0, 1), 0, 0.3),  # unknown
    ],
)
def test_region_proximity(demand, offer, zones, linked, expected):
    assert float(policy.region_score(demand, offer, zones[0], zones[1], linked)) == expected


def test_freshness_halves_with_each_half_life():
    assert float(policy.freshness_score(0, 180)) == 1.0
    assert float(policy.freshness_score(180, 180)) == pytest.approx(0.5)
    assert float(policy.freshness_score(-5, 180)) == 1.0


def test_relevance_is_full_from_the_saturation_cosine_up():
    assert float(policy.text_score(0.15, 0.3)) == pytest.approx(0.5)
    assert float(policy.text_score(0.6, 0.3)) == 1.0


def test_the_total_is_relevance_times_the_fit():
    factors = np.array([[0.5, 0.5, 1.0, 0.0, 1.0, 0.8, 0.5]])
    weights = {"field": 1, "trl": 1, "budget": 0, "mode": 0, "region": 0, "freshness": 0}

    # fit = (0.5 + 1.0) / 2 = 0.75; total = 0.5 × (1 − 0.4 + 0.4 × 0.75)
    assert policy.total_score(factors, weights, 0.4)[0] == pytest.approx(0.45)
    assert policy.total_score(factors, weights, 0.0)[0] == pytest.approx(0.5)
    with pytest.raises(ValueError):
        policy.total_score(factors, dict.fromkeys(policy.FACTORS, 0))


unit = st.floats(min_value=0, max_value=1)


@given(st.lists(unit, min_size=7, max_size=7), st.lists(st.floats(0.01, 1), min_size=6, max_size=6), unit)
def test_a_good_fit_never_lifts_a_pair_above_its_relevance_and_a_poor_one_takes_at_most_the_share(
    values, weight_values, fit_share
):
    weights = dict(zip(policy.FACTORS[1:], weight_values, strict=True))
    total = policy.total_score(np.array([values]), weights, fit_share)[0]

    assert values[0] * (1 - fit_share) - 1e-9 <= total <= values[0] + 1e-9


@given(st.integers(0, 9), st.integers(0, 9))
def test_a_more_mature_offer_never_scores_lower(required, offered):
    assert (
        policy.trl_score(required, min(offered + 1, 9)) >= policy.trl_score(required, offered) or offered == 0
    )


@given(st.floats(1, 1e8), st.floats(0, 1e8), st.floats(0, 1e8))
def test_a_cheaper_offer_never_scores_lower_on_budget(budget, price, cheaper_by):
    cheaper = max(price - cheaper_by, 0)
    assert policy.budget_score(budget, cheaper) >= policy.budget_score(budget, price)


def test_the_explanation_reads_like_a_broker_would_say_it():
    facts = policy.PairFacts(
        matched_terms=("石墨烯", "负极材料"),
        same_field=True,
        field_name="新材料及其应用",
        required_trl=5,
        offered_trl=6,
        budget_max=1_500_000.0,
        price=1_200_000.0,
        same_mode=True,
        region_relation="zone",
    )
    factors = {"budget": 1.0, "mode": 1.0}
    with translation.override("zh-hans"):
        chinese = "；".join(policy.explanation(facts, factors))
    with translation.override("en"):
        english = policy.explanation(facts, factors)

    assert chinese == (
        "关键词重合：石墨烯、负极材料；领域一致（新材料及其应用）；成熟度 TRL6 满足需求 TRL≥5；报价在预算内；"
        "合作方式符合需求；同属示范区"
    )
    assert english == [
        "Shared key words: 石墨烯、负极材料",
        "Same field (新材料及其应用)",
        "Maturity TRL6 meets the demand's TRL≥5",
        "Price within the budget",
        "Cooperation mode as wanted",
        "Same demonstration zone",
    ]


def test_the_explanation_names_what_falls_short():
    facts = policy.PairFacts(
        matched_terms=(),
        same_field=False,
        field_name="",
        required_trl=6,
        offered_trl=4,
        budget_max=1_000_000.0,
        price=3_000_000.0,
        same_mode=False,
        region_relation="far",
    )
    with translation.override("en"):
        reasons = policy.explanation(facts, {"budget": 0.0, "mode": policy.MODE_FOREIGN})

    assert reasons == [
        "Different field",
        "Maturity TRL4 is below the demand's TRL≥6",
        "Price well above the budget",
    ]


@pytest.mark.parametrize(
    ("demand", "offer", "zone", "linked", "expected"),
    [
        (510107, 510107, False, False, "county"),
        (510107, 510104, False, False, "city"),
        (510603, 510104, True, False, "zone"),
        (511100, 510104, False, True, "linked"),
        (511100, 510104, False, False, "province"),
        (500100, 510104, False, False, "far"),
        (0, 510104, False, False, "unknown"),
    ],
)
def test_region_relation(demand, offer, zone, linked, expected):
    assert policy.region_relation(demand, offer, zone, linked) == expected
