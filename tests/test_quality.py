"""Search quality on the judged dev queries, computed exactly as shared/eval/README.md says."""
from indexer.evaluate import (credited_ranks, evaluate_queries, label_accuracy, load_json, phrase_finder, score_query,
                              section_ranker)

from .conftest import SHARED


def test_metric_credits_each_item_once_by_maximum_matching():
    items = [["alpha"], ["beta"]]
    # result 1 holds both items, result 2 only alpha: matching gives both results credit
    assert credited_ranks(["alpha beta", "alpha", "gamma"], items) == [1, 2]
    assert credited_ranks(["alpha", "alpha", "beta"], items) == [1, 3]
    score = score_query(["x", "alpha"], items)
    assert round(score.mrr, 3) == 0.5 and score.recall == 0.5


def test_dev_queries_meet_the_bar(service):
    means, _ = evaluate_queries(load_json(SHARED / "eval/queries.dev.json"), section_ranker(service))
    assert means["ndcg@10"] >= 0.90 and means["recall@10"] >= 0.90


def test_dev_labels_meet_the_bar(service):
    accuracy, _ = label_accuracy(load_json(SHARED / "eval/labels.dev.json"), phrase_finder(service))
    assert accuracy >= 0.90
