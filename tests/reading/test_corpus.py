"""Our own test documents in the layouts offices issue, each scored against its gold file.

Every document must be read (none rejected); over the whole corpus task recall, dated
milestone precision/recall and unit precision/recall must each be at least 0.95. The figures
and every miss are printed in the run's summary, so a drop is visible before it fails.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.pipeline import extract_document
from bot.units import Directory
from tests.reading.render import build
from tests.reading.score import Score, score

CORPUS = Path(__file__).parent / "corpus"
GOLDS = sorted(CORPUS.glob("*.gold.yaml"))
FLOOR = 0.95


def _source(gold: Path) -> Path:
    stem = gold.name.removesuffix(".gold.yaml")
    found = [p for p in CORPUS.iterdir() if p.name.startswith(stem + ".") and not p.name.endswith(".gold.yaml")]
    assert len(found) == 1, f"{gold.name}: 应有且只有一个同名的源文件，找到 {[p.name for p in found]}"
    return found[0]


def read_scored(gold_path: Path, out_dir: Path) -> Score:
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    args = gold.get("args", {})
    doc_date = args.get("doc_date")
    path = build(_source(gold_path), out_dir)
    extraction = extract_document(
        path, year=args.get("year"),
        doc_date=date.fromisoformat(str(doc_date)) if doc_date else None,
        directory=Directory([]),
    )
    return score(gold, extraction.to_json(), path.name)


def test_the_corpus_is_large_enough():
    assert len(GOLDS) >= 25, f"语料只有 {len(GOLDS)} 份，至少需要 25 份"


def test_corpus_scores(tmp_path, figures):
    total = Score()
    for gold in GOLDS:
        one = read_scored(gold, tmp_path)
        figures(f"语料 {gold.name.removesuffix('.gold.yaml')}: {one.line()}")
        total.add(one)
    figures(f"语料合计（{len(GOLDS)} 份）: {total.line()}")
    for miss in total.misses:
        figures(f"  未读对: {miss}")
    assert min(total.task_recall, total.due_precision, total.due_recall,
               total.unit_precision, total.unit_recall) >= FLOOR, total.line()


@pytest.mark.parametrize("gold", GOLDS, ids=lambda p: p.name.removesuffix(".gold.yaml"))
def test_every_document_is_read(gold, tmp_path):
    """No document of the corpus is rejected, and each yields at least one of its tasks."""
    assert read_scored(gold, tmp_path).found_tasks > 0
