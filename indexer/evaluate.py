"""Search-quality figures computed exactly as shared/eval/README.md defines them.

nDCG@10, MRR and Recall@10 over judged queries (each relevant *item* is a list of
alternative sentinel phrases; a result credits at most one item, an item is credited at
most once, by maximum matching taken greedily in rank order), and label accuracy over
labelled passages.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .text_utils import squash

TOP_K = 10
LABEL_FIELDS = ("theme", "year", "type", "organisation")

# A ranker takes (query, filters) and returns the full texts of its top results, best first.
Ranker = Callable[[str, dict], list[str]]


@dataclass
class QueryScore:
    query: str
    ndcg: float
    mrr: float
    recall: float


def credited_ranks(result_texts: list[str], items: list[list[str]]) -> list[int]:
    """1-based ranks of the results that credit an item under a maximum matching.

    Results are taken in rank order; a result is kept when all kept results can still be
    matched to distinct items (re-matching earlier ones along augmenting paths).
    """
    squashed_items = [[squash(s) for s in alternatives] for alternatives in items]
    contains = [
        {i for i, alternatives in enumerate(squashed_items) if any(a and a in squash(text) for a in alternatives)}
        for text in result_texts[:TOP_K]
    ]
    owner: dict[int, int] = {}          # item -> result index

    def augment(result: int, seen: set[int]) -> bool:
        for item in contains[result]:
            if item in seen:
                continue
            seen.add(item)
            if item not in owner or augment(owner[item], seen):
                owner[item] = result
                return True
        return False

    return [r + 1 for r in range(len(contains)) if contains[r] and augment(r, set())]


def score_query(result_texts: list[str], items: list[list[str]], query: str = "") -> QueryScore:
    """nDCG@10, MRR and Recall@10 of one ranked list."""
    ranks = credited_ranks(result_texts, items)
    dcg = sum(1 / math.log2(r + 1) for r in ranks)
    ideal = sum(1 / math.log2(r + 1) for r in range(1, min(len(items), TOP_K) + 1))
    return QueryScore(
        query=query,
        ndcg=dcg / ideal if ideal else 0.0,
        mrr=1 / min(ranks) if ranks else 0.0,
        recall=len(ranks) / len(items) if items else 0.0,
    )


def evaluate_queries(queries: list[dict], ranker: Ranker) -> tuple[dict, list[QueryScore]]:
    """Mean figures over judged queries, and the per-query scores."""
    scores = [score_query(ranker(q["q"], q.get("filters") or {}), q["relevant"], q["q"]) for q in queries]
    n = max(1, len(scores))
    means = {
        "ndcg@10": sum(s.ndcg for s in scores) / n,
        "mrr": sum(s.mrr for s in scores) / n,
        "recall@10": sum(s.recall for s in scores) / n,
    }
    return means, scores


def label_accuracy(labels: list[dict], find: Callable[[str], list[dict]]) -> tuple[float, list[dict]]:
    """Share of the four fields right for the first top-10 phrase hit containing each sentinel.

    ``find(sentinel)`` returns result dicts with 'text' and the four fields, best first.
    """
    points, details = 0, []
    for label in labels:
        target = squash(label["sentinel"])
        hit = next((r for r in find(label["sentinel"])[:TOP_K] if target in squash(r["text"])), None)
        row = {"sentinel": label["sentinel"], "found": hit is not None}
        for field_name in LABEL_FIELDS:
            ok = hit is not None and squash(str(hit.get(field_name))) == squash(str(label[field_name]))
            row[field_name] = ok if hit is None else (ok, hit.get(field_name))
            points += ok
        details.append(row)
    return points / (4 * max(1, len(labels))), details


def section_ranker(service, options=None) -> Ranker:
    """A ranker over a SearchService: the full texts of its top 10 sections for a query."""
    def rank(q: str, filters: dict) -> list[str]:
        filters = {k: v if isinstance(v, list) else [v] for k, v in filters.items()}
        hits = service.search(q, filters, per_page=TOP_K, options=options).hits
        return [service.section_text(hit.id) for hit in hits]
    return rank


def phrase_finder(service) -> Callable[[str], list[dict]]:
    """``find`` for label_accuracy: the top 10 results of a phrase search, with their full texts."""
    def find(sentinel: str) -> list[dict]:
        hits = service.search(f'"{sentinel}"', per_page=TOP_K).hits
        return [{**{f: getattr(hit, f) for f in LABEL_FIELDS}, "text": service.section_text(hit.id)} for hit in hits]
    return find


def load_json(path: str | Path) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))
