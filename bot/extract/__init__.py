"""The milestone extractor: Chinese deadline expressions in task text → dated milestones.

Public API (other stages code against exactly this):
    extract_clause(text, ctx, task=None) -> (milestones, flags, notes)
    extract_task(task, ctx) -> (milestones, flags)
    working_year(title, doc_date) -> int | None
The rules live in the rules_*.py families, registered in table.py; see docs/extract.md.
"""
from bot.extract.extractor import extract_clause, extract_task, working_year

__all__ = ["extract_clause", "extract_task", "working_year"]
