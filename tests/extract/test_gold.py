"""Precision and recall of the extractor over the hand-labelled gold set (≥ 0.98 each)."""
from __future__ import annotations

from collections import Counter

from bot.extract import extract_clause
from tests.extract.gold import label, load_gold

GOLD = load_gold()
THRESHOLD = 0.98


def test_it_has_a_gold_set_of_at_least_200_clauses_covering_traps():
    assert len(GOLD) >= 200
    assert sum(1 for g in GOLD if not g.expected) >= 50  # clauses that must yield nothing


def test_it_reaches_precision_and_recall_of_098_on_the_gold_set(figures):
    true_pos = false_pos = false_neg = 0
    misses = []
    for gold in GOLD:
        milestones, _, _ = extract_clause(gold.text, gold.ctx)
        found = Counter(label(m.expr, m.due, m.rule) for m in milestones)
        expected = Counter(gold.expected)
        hit = found & expected
        true_pos += sum(hit.values())
        false_pos += sum((found - hit).values())
        false_neg += sum((expected - hit).values())
        if found != expected:
            misses.append(f"  line {gold.line}: {gold.text}\n    expected {sorted(expected)}\n    found    {sorted(found)}")
    precision = true_pos / ((true_pos + false_pos) or 1)
    recall = true_pos / ((true_pos + false_neg) or 1)
    figures(f"[gold set] {len(GOLD)} clauses, {true_pos + false_neg} labelled milestones: "
            f"precision {precision:.4f}, recall {recall:.4f}" + "".join("\n" + miss for miss in misses))
    assert precision >= THRESHOLD and recall >= THRESHOLD
