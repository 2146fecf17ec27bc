"""Match scoring (供需匹配打分): pure rules on plain values, no database.

Every factor scores a demand–offer pair in [0, 1]. Text relevance decides whether two records are
about the same thing; the other factors (the *fit*: field, maturity, budget, mode, region, freshness)
decide how well an offer on that subject suits the demand. So the total multiplies them:

    score = relevance × (1 − fit_share + fit_share × fit),  fit = weighted mean of the other factors

An offer that fits on every count but is about something else stays low, and among offers on the
subject the better fit comes first; ``fit_share`` (0.4) is how much a poor fit can take away. (A
weighted sum of all seven let same-field, same-city offers on other subjects outrank the right one: on
the labelled set its nDCG@10 was 0.84 against 0.91 for this product; see docs/benchmarks.md.)

The functions take
numpy arrays (one element per pair) so that the engine scores thousands of pairs at once; they take
plain numbers too. Unknown values are coded as 0 (ids, TRL, modes, regions) or NaN (money), and an
unknown never scores as a match nor as a clash: it gets a neutral middle value.

A pair is always scored with the demand first, whichever side asked, so the same pair has the same
score from both sides.
"""

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from achievements.choices import CooperationMode

FACTORS = ("text", "field", "trl", "budget", "mode", "region", "freshness")

# Defaults of ``MARKET_MATCH_WEIGHTS`` (documented in the README): the weight of each factor in the fit.
DEFAULT_WEIGHTS = {
    "field": 0.25,
    "trl": 0.20,
    "budget": 0.17,
    "mode": 0.17,
    "region": 0.13,
    "freshness": 0.08,
}
DEFAULT_FIT_SHARE = 0.4
# The cosine of two records' word vectors at which relevance counts as full: records that say the same
# thing in their own words rarely reach more.
DEFAULT_TEXT_SATURATION = 0.3

MODES = tuple(CooperationMode.values)
MODE_BITS = {mode: 1 << index for index, mode in enumerate(MODES)}
# Cooperation modes a demand would accept in place of the one it named: rights change hands in a
# transfer or a licence (an exclusive licence is nearly a transfer); work is done for the buyer in
# joint development, a technical service or consulting.
_RIGHTS = ("transfer", "licence_exclusive", "licence_sole", "licence_ordinary")
_WORK = ("joint_development", "technical_service", "technical_consulting")
MODE_COMPATIBLE = 0.6
MODE_FOREIGN = 0.1
MODE_UNKNOWN = 0.5


def mode_bits(modes) -> int:
    bits = 0
    for mode in modes or ():
        bits |= MODE_BITS.get(mode, 0)
    return bits


def _mode_affinity(wanted: str, offered: str) -> float:
    if wanted == offered:
        return 1.0
    for family in (_RIGHTS, _WORK):
        if wanted in family and offered in family:
            return MODE_COMPATIBLE
    if {wanted, offered} <= {"transfer", "investment", "licence_exclusive"}:
        return MODE_COMPATIBLE
    return MODE_FOREIGN


def _mode_table() -> np.ndarray:
    """table[wanted bit index, offered bit mask] = the best affinity among the offered modes."""
    table = np.full((len(MODES) + 1, 1 << len(MODES)), MODE_UNKNOWN)
    for wanted_index, wanted in enumerate(MODES):
        for mask in range(1, 1 << len(MODES)):
            table[wanted_index, mask] = max(
                _mode_affinity(wanted, offered) for bit, offered in enumerate(MODES) if mask & (1 << bit)
            )
    return table


_MODE_TABLE = _mode_table()


def text_score(cosine, saturation: float = DEFAULT_TEXT_SATURATION):
    """Relevance from the cosine of the two records' word vectors, full from ``saturation`` up."""
    return np.clip(np.asarray(cosine, dtype=float) / saturation, 0.0, 1.0)


def field_score(demand_field, offer_field, demand_industry, offer_industry):
    """Same technology field counts most, same industry (GB/T 4754 section) adds; unknown is neutral."""

    def agreement(left, right):
        left, right = np.asarray(left), np.asarray(right)
        known = (left > 0) & (right > 0)
        return np.where(known, (left == right).astype(float), 0.5)

    return 0.75 * agreement(demand_field, offer_field) + 0.25 * agreement(demand_industry, offer_industry)


def trl_score(required, offered):
    """The offer meets the TRL the demand asks for: full; one level short: half; further: none.
    A demand that asks no level is served by anything known; an offer of unknown maturity is a gamble."""
    required, offered = np.asarray(required), np.asarray(offered)
    gap = required - offered
    met = np.select([gap <= 0, gap == 1], [1.0, 0.5], 0.0)
    return np.where(required <= 0, np.where(offered > 0, 1.0, 0.8), np.where(offered <= 0, 0.4, met))


def budget_score(budget_max, price):
    """The offer's (lowest) price within the demand's budget: full; up to half as much again: some room
    to negotiate; beyond: none. A negotiable price or an unstated budget is neutral."""
    budget_max, price = np.asarray(budget_max, dtype=float), np.asarray(price, dtype=float)
    unknown = np.isnan(budget_max) | np.isnan(price)
    with np.errstate(invalid="ignore"):
        scored = np.select([price <= budget_max, price <= budget_max * 1.5], [1.0, 0.4], 0.0)
    return np.where(unknown, 0.6, scored)


def mode_score(wanted_index, offered_mask):
    """``wanted_index``: the demand's mode (index into MODES, -1 unknown); ``offered_mask``: the bits of
    the modes the offer accepts (0 unknown)."""
    wanted_index = np.asarray(wanted_index)
    offered_mask = np.asarray(offered_mask)
    row = np.where(wanted_index < 0, len(MODES), wanted_index)
    return np.where(wanted_index < 0, MODE_UNKNOWN, _MODE_TABLE[row, offered_mask])


def region_score(demand_region, offer_region, demand_zones, offer_zones, offer_linked_city):
    """Proximity: same county 1, same city 0.8, same demonstration zone 0.6, the offer's institution
    linked (through its parent in the 省市县 network) to the demand's city 0.5, both in Sichuan 0.3.

    Regions are GB/T 2260 codes as integers (510107); a city is the code with its last two digits
    zeroed; zones are bit masks of the demonstration zones a region belongs to."""
    demand_region, offer_region = np.asarray(demand_region), np.asarray(offer_region)
    demand_city, offer_city = demand_region // 100 * 100, offer_region // 100 * 100
    known = (demand_region > 0) & (offer_region > 0)
    score = np.select(
        [
            demand_region == offer_region,
            demand_city == offer_city,
            (np.asarray(demand_zones) & np.asarray(offer_zones)) != 0,
            np.asarray(offer_linked_city) == demand_city,
            demand_region // 10000 == offer_region // 10000,
        ],
        [1.0, 0.8, 0.6, 0.5, 0.3],
        0.1,
    )
    return np.where(known, score, 0.3)


def freshness_score(age_days, half_life_days: float):
    """Halves every ``half_life_days`` of the older item's age since publication."""
    age = np.maximum(np.asarray(age_days, dtype=float), 0.0)
    return np.power(0.5, age / half_life_days)


def fit_score(factors: np.ndarray, weights: dict[str, float]) -> np.ndarray:
    """The weighted mean of every factor but text (``factors``: one column per FACTORS entry)."""
    vector = np.array(
        [0.0 if name == "text" else max(float(weights.get(name, 0.0)), 0.0) for name in FACTORS]
    )
    if vector.sum() <= 0:
        raise ValueError("At least one matching weight must be positive.")
    return factors @ (vector / vector.sum())


def total_score(
    factors: np.ndarray, weights: dict[str, float], fit_share: float = DEFAULT_FIT_SHARE
) -> np.ndarray:
    """relevance × (1 − fit_share + fit_share × fit)."""
    return factors[:, 0] * (1 - fit_share + fit_share * fit_score(factors, weights))


# --- explanations ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairFacts:
    """What a person needs to read a match: the facts behind each factor, in domain terms."""

    matched_terms: tuple[str, ...]
    same_field: bool | None  # None when either side left it blank
    field_name: str
    required_trl: int | None
    offered_trl: int | None
    budget_max: float | None
    price: float | None
    same_mode: bool
    region_relation: str  # county, city, zone, linked, province, far, unknown


def region_relation(demand_region: int, offer_region: int, shares_zone: bool, linked: bool) -> str:
    if not demand_region or not offer_region:
        return "unknown"
    if demand_region == offer_region:
        return "county"
    if demand_region // 100 == offer_region // 100:
        return "city"
    if shares_zone:
        return "zone"
    if linked:
        return "linked"
    if demand_region // 10000 == offer_region // 10000:
        return "province"
    return "far"


def explanation(facts: PairFacts, factors: dict[str, float]) -> list[str]:
    """The reasons for a match in plain words, strongest first ("关键词重合：石墨烯、负极材料；领域一致；
    成熟度 TRL6 满足需求 TRL≥5；报价在预算内")."""
    reasons = []
    if facts.matched_terms:
        reasons.append(_("Shared key words: %(terms)s") % {"terms": "、".join(facts.matched_terms)})
    if facts.same_field:
        reasons.append(_("Same field (%(field)s)") % {"field": facts.field_name})
    elif facts.same_field is False:
        reasons.append(_("Different field"))
    if facts.offered_trl and facts.required_trl:
        values = {"offered": facts.offered_trl, "required": facts.required_trl}
        if facts.offered_trl >= facts.required_trl:
            reasons.append(_("Maturity TRL%(offered)s meets the demand's TRL≥%(required)s") % values)
        else:
            reasons.append(_("Maturity TRL%(offered)s is below the demand's TRL≥%(required)s") % values)
    if facts.price is not None and facts.budget_max is not None:
        if facts.price <= facts.budget_max:
            reasons.append(_("Price within the budget"))
        elif factors.get("budget", 0) > 0:
            reasons.append(_("Price somewhat above the budget"))
        else:
            reasons.append(_("Price well above the budget"))
    if facts.same_mode:
        reasons.append(_("Cooperation mode as wanted"))
    elif factors.get("mode", 0) >= MODE_COMPATIBLE:
        reasons.append(_("A compatible cooperation mode"))
    relation = {
        "county": _("Same district or county"),
        "city": _("Same city"),
        "zone": _("Same demonstration zone"),
        "linked": _("Linked through the transfer network"),
    }.get(facts.region_relation)
    if relation:
        reasons.append(relation)
    return reasons
