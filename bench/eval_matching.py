"""Quality of the matching engine on the committed labelled set (``make eval-matching``).

For every demand of ``market/data/matching_eval/*.json`` both rankers order every offer; the relevance
judgements (grade 2 = would solve the demand, 1 = related, unjudged = not relevant) give
precision@5 (grade ≥ 1 among the first five), recall@20 (share of the grade ≥ 1 offers in the first
twenty) and nDCG@10 (graded gain 2^grade − 1), averaged over the demands.

- **engine**: ``market.matching_engine`` with the settings in force (weights, thresholds), the words
  the services store (``segmentation.match_terms``) and every structured factor;
- **baseline**: plain TF-IDF cosine (scikit-learn's ``TfidfVectorizer`` defaults) on the same text —
  title, keywords and summary (problem and expected outcome for a demand) — cut by jieba's own
  dictionary, without the domain dictionary, synonyms, stop words or any other factor.

No database is needed. The figures go to ``bench/results/matching_eval.json`` and ``docs/benchmarks.md``.
"""

import dataclasses
import json
import math
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DATABASE_URL", "postgres://unused@localhost/unused")  # never connected to

import django  # noqa: E402

django.setup()

import jieba  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics.pairwise import linear_kernel  # noqa: E402

from bench import report  # noqa: E402
from core.text import segmentation  # noqa: E402
from market import matching_engine as engine  # noqa: E402
from market.policies import matching as policy  # noqa: E402
from market.services import matching as matching_services  # noqa: E402

DATA = ROOT / "market" / "data" / "matching_eval"
TODAY = 20_000.0
_PUNCTUATION = re.compile(r"^[\W_]+$")


def load() -> tuple[list[dict], list[dict], dict[str, dict[str, int]]]:
    offers, demands, judgements = [], [], {}
    for path in sorted(DATA.glob("*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        offers.extend(part["offers"])
        demands.extend(part["demands"])
        for row in part["judgements"]:
            judgements.setdefault(row["demand"], {})[row["offer"]] = int(row["grade"])
    return offers, demands, judgements


def demand_text(demand: dict) -> tuple[str, list[str], tuple[str, ...]]:
    return demand["title"], demand["keywords"], (demand["problem"], demand["expected_outcome"])


def offer_text(offer: dict) -> tuple[str, list[str], tuple[str, ...]]:
    return offer["title"], offer["keywords"], (offer["summary"],)


def _code(value) -> int:
    if value in (None, ""):
        return 0
    return int(value) if str(value).isdigit() else ord(str(value)[0])


def _items(records: list[dict], *, is_demand: bool) -> engine.Items:
    rows = []
    for index, record in enumerate(records):
        title, keywords, texts = demand_text(record) if is_demand else offer_text(record)
        region = str(record.get("region") or "")
        row = {
            "key": index,
            "kind": engine.DEMAND
            if is_demand
            else (engine.ACHIEVEMENT if record["kind"] == "achievement" else engine.LISTING),
            "terms": segmentation.match_terms(title=title, keywords=keywords, texts=texts),
            "field": _code(record.get("field")),
            "industry": _code(record.get("industry")),
            "region": int(region) if region else 0,
            "zones": matching_services.zones_of(region),
            "day": TODAY - float(record.get("published_days_ago") or 0),
        }
        if is_demand:
            row |= {
                "trl": record.get("required_trl") or 0,
                "price_low": record.get("budget_min"),
                "price_high": record.get("budget_max"),
                "modes": policy.MODE_BITS.get(record.get("cooperation_mode"), 0),
            }
        else:
            mode = record.get("transaction_mode")
            price = record.get("price")
            row |= {
                "trl": record.get("trl") or 0,
                "price_low": price,
                "price_high": record.get("price_max") if record.get("price_max") is not None else price,
                "modes": policy.MODE_BITS.get(mode, 0),
            }
        rows.append(row)
    return engine.Items.from_records(rows)


def engine_rankings(offers: list[dict], demands: list[dict], **changes) -> list[list[int]]:
    parameters = dataclasses.replace(matching_services.parameters(), **changes)
    corpus = engine.Corpus(_items(demands, is_demand=True), _items(offers, is_demand=False), parameters)
    ranking = corpus.offers_for(np.arange(len(demands)), today=TODAY, keep=0)
    ordered: list[list[int]] = [[] for _ in demands]
    for asking, found in zip(ranking.asking.tolist(), ranking.found.tolist(), strict=True):
        ordered[asking].append(found)
    return ordered


_plain = jieba.Tokenizer()


def _plain_words(text: str) -> list[str]:
    return [
        word
        for word in (w.strip().lower() for w in _plain.cut(text))
        if word and not _PUNCTUATION.match(word)
    ]


def baseline_rankings(offers: list[dict], demands: list[dict]) -> list[list[int]]:
    def joined(parts):
        title, keywords, texts = parts
        return " ".join([title, *keywords, *texts])

    vectorizer = TfidfVectorizer(analyzer=_plain_words)
    offer_matrix = vectorizer.fit_transform(
        [joined(offer_text(offer)) for offer in offers] + [joined(demand_text(d)) for d in demands]
    )
    documents, queries = offer_matrix[: len(offers)], offer_matrix[len(offers) :]
    similarity = linear_kernel(queries, documents)
    ordered = []
    for row in similarity:
        candidates = np.flatnonzero(row > 0)
        ordered.append(candidates[np.lexsort((candidates, -row[candidates]))].tolist())
    return ordered


def metrics(
    rankings: list[list[int]], demands: list[dict], offers: list[dict], judgements
) -> dict[str, float]:
    offer_ids = [offer["id"] for offer in offers]
    precision, recall, ndcg = [], [], []
    for demand, ranked in zip(demands, rankings, strict=True):
        grades = judgements.get(demand["id"], {})
        relevant = {offer for offer, grade in grades.items() if grade > 0}
        if not relevant:
            continue
        ids = [offer_ids[index] for index in ranked]
        precision.append(sum(1 for offer in ids[:5] if offer in relevant) / 5)
        recall.append(sum(1 for offer in ids[:20] if offer in relevant) / len(relevant))
        gain = sum(
            (2 ** grades.get(offer, 0) - 1) / math.log2(place + 2) for place, offer in enumerate(ids[:10])
        )
        ideal = sorted(grades.values(), reverse=True)[:10]
        best = sum((2**grade - 1) / math.log2(place + 2) for place, grade in enumerate(ideal))
        ndcg.append(gain / best)
    return {
        "precision_at_5": round(float(np.mean(precision)), 4),
        "recall_at_20": round(float(np.mean(recall)), 4),
        "ndcg_at_10": round(float(np.mean(ndcg)), 4),
    }


def main() -> int:
    offers, demands, judgements = load()
    started = time.perf_counter()
    engine_figures = metrics(engine_rankings(offers, demands), demands, offers, judgements)
    engine_seconds = time.perf_counter() - started
    text_only_figures = metrics(engine_rankings(offers, demands, fit_share=0.0), demands, offers, judgements)
    started = time.perf_counter()
    baseline_figures = metrics(baseline_rankings(offers, demands), demands, offers, judgements)
    baseline_seconds = time.perf_counter() - started
    grades = [grade for row in judgements.values() for grade in row.values()]
    results = {
        "set": {
            "demands": len(demands),
            "offers": len(offers),
            "listings": sum(1 for offer in offers if offer["kind"] == "listing"),
            "achievements": sum(1 for offer in offers if offer["kind"] == "achievement"),
            "judged_grade_2": grades.count(2),
            "judged_grade_1": grades.count(1),
        },
        "engine": engine_figures,
        "engine_text_only": text_only_figures,
        "baseline": baseline_figures,
        "engine_seconds": round(engine_seconds, 2),
        "baseline_seconds": round(baseline_seconds, 2),
        "weights": matching_services.parameters().weights,
        "fit_share": matching_services.parameters().fit_share,
        "minimum_text": matching_services.parameters().minimum_text,
        "minimum_score": matching_services.parameters().minimum_total,
    }
    print(f"Labelled set: {results['set']}")
    print(f"{'':17} {'P@5':>8} {'R@20':>8} {'nDCG@10':>8}")
    for name in ("engine", "engine_text_only", "baseline"):
        figures = results[name]
        print(
            f"{name:17} {figures['precision_at_5']:8.3f} {figures['recall_at_20']:8.3f} {figures['ndcg_at_10']:8.3f}"
        )
    beats = engine_figures["ndcg_at_10"] > baseline_figures["ndcg_at_10"]
    print(
        "The engine beats the baseline on nDCG@10."
        if beats
        else "The engine does NOT beat the baseline on nDCG@10."
    )
    report.save("matching_eval", results)
    return 0 if beats else 1


if __name__ == "__main__":
    sys.exit(main())
