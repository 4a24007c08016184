"""The 督办通报 as plain data: built once from the store, read by every renderer and the console.

The counts are over unit items (one unit × one milestone), the same rows `status --format
json` lists under "items"; `timeliness` there is what the summary counts:
按期办结 / 延期办结 / 逾期办结 / 逾期 (逾期未办结). A renderer formats; it never counts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

PERIODS = ("week", "month", "quarter", "year")
PERIOD_LABELS = {"week": "周", "month": "月", "quarter": "季度", "year": "年度"}


@dataclass(frozen=True)
class Period:
    kind: str      # one of PERIODS
    start: date    # first day of the period
    end: date      # last day of the period (the as-of date may fall inside it)

    @property
    def label(self) -> str:
        """2024年7月 / 2024年第3季度 / 2024年第27周 / 2024年度 — the period as a title says it."""
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "quarter":
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}年第{week}周"
        return f"{self.start.year}年度"


@dataclass(frozen=True)
class Counts:
    """One set of figures: the whole report's summary, or one unit's row."""

    total: int = 0            # unit items counted (live units × live milestones)
    due: int = 0              # of them, due (current due date) on or before the as-of date
    due_in_period: int = 0    # of them, due within the period
    on_time: int = 0          # 按期办结: done by the original date
    extended_done: int = 0    # 延期办结: done after the original date, by an approved extension
    late_done: int = 0        # 逾期办结: done after its due date
    overdue_open: int = 0     # 逾期未办结: open and past its due date
    open_not_due: int = 0     # open, not yet due
    unacknowledged: int = 0   # 未签收: open and never acknowledged
    no_progress: int = 0      # 未报进展: open, due, and no progress report (nor 办结 submitted)
    pending_review: int = 0   # 待审核: 办结 submitted, waiting for the office
    done_not_due: int = 0     # done before its due date came: not in `due`, but in the rates' base

    @property
    def done(self) -> int:
        return self.on_time + self.extended_done + self.late_done

    @property
    def assessed(self) -> int:
        """应办结: items due by the as-of date plus those done earlier — the rates' base, so an
        item finished ahead of its date raises the rate instead of pushing it above 100 %."""
        return self.due + self.done_not_due

    def rate(self, part: int, whole: int | None = None) -> float | None:
        """part / whole (default: `assessed`); None when there is nothing to divide by."""
        whole = self.assessed if whole is None else whole
        return None if whole == 0 else part / whole

    @property
    def on_time_rate(self) -> float | None:
        """按期办结率: 按期办结 / 应办结 (`assessed`)."""
        return self.rate(self.on_time)

    @property
    def done_rate(self) -> float | None:
        return self.rate(self.done)


@dataclass(frozen=True)
class UnitRow:
    unit: str
    light: str                # 红 / 黄 / 绿, as `status` shows it
    counts: Counts


@dataclass(frozen=True)
class Laggard:
    """A unit that is behind, named with its item numbers and days overdue."""

    unit: str
    items: tuple[tuple[str, int], ...]  # ("M8", days overdue), most overdue first


@dataclass(frozen=True)
class ItemRow:
    """One line of the appendix."""

    milestone: str            # M8
    task_no: int | None
    task: str
    measure: str              # the milestone's action (its measure text)
    unit: str
    role: str                 # 牵头 / 配合
    original_due: date
    due: date
    state: str                # the label, e.g. 已办结 / 已逾期 / 待审核
    timeliness: str           # 按期办结 / 延期办结 / 逾期办结 / 逾期 / ""
    latest_progress: str      # the latest 进展 text ("" when none)
    days_overdue: int         # calendar days past `due` while open; 0 otherwise


@dataclass(frozen=True)
class Report:
    office: str               # the issuing office, e.g. 福建省知识产权局办公室
    title: str                # 督办通报
    year: int
    number: int | None        # 期号 within the year; None for a preview that takes no number
    as_of: date
    period: Period
    generated_at: datetime
    summary: Counts
    units: tuple[UnitRow, ...]
    laggards: tuple[Laggard, ...]
    items: tuple[ItemRow, ...]
    documents: tuple[str, ...] = field(default_factory=tuple)  # titles of the documents covered
