"""`units check`: every unit name a document uses and how it resolved, before importing."""
from __future__ import annotations

import click

from bot.output import JSON, dumps, format_option, table

HOW_LABELS = {"canonical": "标准名称", "alias": "别名", "group": "组", "repaired": "已修复", "unknown": "未识别"}

units_path_option = click.option(
    "--units", "units_path", type=click.Path(dir_okay=False), default=None,
    help="单位目录文件（默认 config/units.yaml，或环境变量 DUBAN_UNITS）",
)


def unit_report(document, directory) -> list[dict]:
    """One row per distinct written name, in order of first appearance."""
    from bot.units import read_units_cell

    rows: dict[tuple[str, str], dict] = {}
    for task in document.tasks:
        for res in read_units_cell(task.raw_units, directory).resolutions:
            row = rows.setdefault((res.written, res.how), {
                "written": res.written,
                "how": res.how,
                "needs_choice": bool(res.entry and res.entry.choose),
                "entry": res.entry.name if res.entry else None,
                "names": list(res.names),
                "note": res.note,
                "tasks": [],
            })
            if task.no not in row["tasks"]:
                row["tasks"].append(task.no)
    return list(rows.values())


def _resolved_to(row: dict) -> str:
    if row["how"] == "unknown":
        return "（原样保留，请核对）"
    if row["needs_choice"]:
        return f"{row['entry']}（需管理员指定）"
    if len(row["names"]) > 1:
        return f"{row['entry']}（{len(row['names'])} 个单位）"
    return row["names"][0]


def render_report(rows: list[dict], source: str) -> str:
    view = [{
        "written": r["written"],
        "how": _how_label(r),
        "to": _resolved_to(r),
        "tasks": "、".join(str(n) for n in r["tasks"] if n is not None),
    } for r in rows]
    columns = [("written", "文档中的写法"), ("how", "解析方式"), ("to", "对应单位"), ("tasks", "出现在第几项")]
    out = [f"{source}：共 {len(rows)} 种写法", "", table(view, columns, {"written": 30, "to": 36, "tasks": 30})]
    counts = {label: sum(1 for v in view if v["how"] == label) for label in dict.fromkeys(v["how"] for v in view)}
    out += ["", "小结：" + "，".join(f"{label} {n} 种" for label, n in counts.items())]
    unknown = [r["written"] for r in rows if r["how"] == "unknown"]
    if unknown:
        out.append(f"未识别：{'、'.join(unknown)} —— 请核对原件；若是正确名称，请加入 config/units.yaml 的 aliases")
    choose = [r["written"] for r in rows if r["needs_choice"]]
    if choose:
        out.append(f"需指定：{'、'.join(choose)} —— 导入后请为相关任务指定具体单位")
    return "\n".join(out)


def _how_label(row: dict) -> str:
    return "组（需指定）" if row["needs_choice"] else HOW_LABELS[row["how"]]


@click.group("units")
def units() -> None:
    """责任单位目录（config/units.yaml）相关命令。"""


@units.command("check")
@click.argument("path")
@units_path_option
@format_option()
def check(path: str, units_path: str | None, fmt: str) -> None:
    """列出文档中出现的每个单位写法及其解析方式（标准名称/别名/组/已修复/未识别）。

    \b
    示例:
      python -m bot units check data/fujian-ipa-2024-task-list.md
      python -m bot units check 清单.xlsx --format json
    """
    from bot.ingest import read_document
    from bot.units import load_directory

    directory = load_directory(units_path)
    document = read_document(path)
    rows = unit_report(document, directory)
    if fmt == JSON:
        click.echo(dumps({"document": document.to_json(), "directory": directory.source, "units": rows}))
    else:
        click.echo(render_report(rows, path))
