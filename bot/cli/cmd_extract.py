"""`extract`: a task list (or text on stdin) → tasks, milestones, units and warnings."""
from __future__ import annotations

import sys
from collections import Counter
from datetime import date

import click

from bot.cli.cmd_units import units_path_option
from bot.cli.options import DAY, YEAR
from bot.output import JSON, dumps, format_option, table

KIND_LABELS = {"once": "一次", "recurring": "周期", "implicit": "默认年底"}
_SHORT = {"lead": 22}


def _where(flag) -> str:
    return "" if flag.task is None or flag.message.startswith("第") else f"第{flag.task}项："


def render(extraction) -> str:
    doc = extraction.document
    facts = [f"工作年度 {doc.year}"]
    if doc.doc_date:
        facts.append(f"印发日期 {doc.doc_date.isoformat()}")
    if doc.issuer:
        facts.append(f"发文单位 {doc.issuer}")
    if doc.doc_number:
        facts.append(f"发文字号 {doc.doc_number}")
    out = [f"《{doc.title or '（未识别标题）'}》  {doc.source}", " · ".join(facts), ""]

    rows = [{
        "task": m.task,
        "due": m.due,
        "kind": KIND_LABELS.get(m.kind, m.kind) + ("·已到期" if m.past else ""),
        "expr": m.expr or "—",
        "action": m.action,
        "lead": m.units[0] if m.units else "（无）",
        "count": len(m.units),
    } for m in extraction.milestones]
    columns = [("task", "任务"), ("due", "截止日期"), ("kind", "类型"), ("expr", "时间表达"),
               ("action", "事项"), ("lead", "牵头单位"), ("count", "单位数")]
    out.append(table(rows, columns, {"expr": 12, "action": 30, **_SHORT}))

    if extraction.warnings:
        out += ["", f"需要核对（{len(extraction.warnings)} 条）："]
        out += [f"  - {_where(w)}{w.message}" for w in extraction.warnings]
    out += ["", summary(extraction)]
    return "\n".join(out)


def summary(extraction) -> str:
    doc = extraction.document
    kinds = Counter(m.kind for m in extraction.milestones)
    kind_text = "，".join(f"{KIND_LABELS.get(k, k)} {n} 个" for k, n in kinds.items())
    parts = [f"小结：{len(doc.tasks)} 项任务，{len(extraction.milestones)} 个时间节点（{kind_text}），"
             f"{len(extraction.warnings)} 条提示"]
    missing = [w.text for w in extraction.warnings if w.code == "missing-tasks"]
    if missing:
        parts.append(f"缺少序号：第 {'、'.join(missing)} 项")
    review = sorted({w.task for w in extraction.warnings if w.task is not None})
    if review:
        parts.append(f"需核对的任务：{'、'.join(map(str, review))}")
    unknown = list(dict.fromkeys(w.text for w in extraction.warnings if w.code == "unknown-unit"))
    if unknown:
        parts.append(f"未识别的单位：{'、'.join(unknown)}（见 python -m bot units check）")
    return "\n".join(parts)


@click.command("extract")
@click.argument("path")
@click.option("--year", type=YEAR, help="工作年度（覆盖文档中的年份）")
@click.option("--doc-date", type=DAY, help="印发日期 YYYY-MM-DD（覆盖文档中的日期）")
@units_path_option
@format_option()
def extract(path: str, year: int | None, doc_date: date | None, units_path: str | None, fmt: str) -> None:
    """从任务清单（.md/.txt/.docx/.xlsx）抽取任务、时间节点和责任单位。

    PATH 为 - 时从标准输入读取一段文字，作为一项没有责任单位的任务。

    \b
    示例:
      python -m bot extract data/fujian-ipa-2024-task-list.md
      python -m bot extract 清单.xlsx --format json
      echo "6月底前完成存量专利盘点" | python -m bot extract - --year 2024
    """
    from bot.ingest import MAX_BYTES
    from bot.pipeline import extract_document
    from bot.units import load_directory

    directory = load_directory(units_path) if units_path else None  # None: the office's, or none configured
    if path == "-":
        text = sys.stdin.read(MAX_BYTES + 1)
        if len(text) > MAX_BYTES:
            from bot.errors import DubanError

            raise DubanError(f"<stdin>: 输入过长（超过 {MAX_BYTES // 1024 // 1024} MB）。请改为传入文件路径")
        result = extract_document(text, year=year, doc_date=doc_date, directory=directory, text=True)
    else:
        result = extract_document(path, year=year, doc_date=doc_date, directory=directory)
    click.echo(dumps(result.to_json()) if fmt == JSON else render(result))
