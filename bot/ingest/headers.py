"""Table header words: which column is the task, the measures, the units, the deadline.

A header cell takes the role of the longest header word it contains, so "牵头市领导" is a
person (领导) and not a lead unit (牵头), and "工作目标" is the measures, not the task.
A cell is only a header cell when it is little more than its header word: data cells such
as "加强宣传工作" or "各地知识产权管理部门" contain header words too (redteam F01).
"""
from __future__ import annotations

import re

from bot.ingest.cleanup import fold, join_spaces

# (role, words). On a tie in length the earlier role wins ("牵头领导" is a person).
HEADER_WORDS = (
    ("contact", "分管领导 责任领导 牵头领导 分管市领导 牵头市领导 联系领导 责任人 联系人 负责人 经办人 领导 联系电话"),
    ("skip", "推进情况 进展情况 完成情况 落实情况 工作进展 完成进度 工作进度 形象进度 投资额 总投资 计划投资 投资 "
             "资金来源 是否完成 完成与否 备注 说明 考核分值 分值 佐证材料 计量单位 单位"),
    ("deadline", "完成时限 时间节点 时限要求 完成时间 时间安排 完成期限 时间要求 进度安排 办结时限 计划完成时间 时限 时间"),
    ("lead", "牵头单位 牵头部门 牵头处室 牵头科室 主责单位 主办单位 牵头"),
    ("support", "配合单位 配合部门 配合处室 协办单位 协助单位 协同单位 参与单位 参与部门 配合 协办"),
    ("units", "责任单位 责任部门 责任科室 责任处室 责任司局 责任主体 承办单位 实施单位 实施主体 负责单位 "
              "责任处（室） 部门 处室 科室 主体 司局"),
    ("no", "序号 编号"),
    ("category", "类别 任务类别 领域 方面 板块 分类"),
    ("measures", "具体措施 工作措施 具体要求 落实举措 主要措施 工作目标 具体任务 建设内容 工作要求 措施 举措 "
                 "意见 要求 目标 内容 任务分解 目标值 预期目标 年度目标"),
    ("title", "重点任务 工作任务 工作事项 目标任务 任务名称 主要任务 工作内容 重点工作 项目名称 督办事项 "
              "指标名称 任务 事项 工作 项目 指标"),
)
UNIT_ROLES = ("lead", "units", "support")
EXAMPLES = (  # (header cell, role); None: not a header cell (a data cell that merely contains a header word)
    ("序号", "no"), ("重点任务", "title"), ("工作任务", "title"), ("工作事项", "title"), ("目标任务", "title"),
    ("任务名称", "title"), ("主要任务", "title"), ("工作内容", "title"), ("项目名称", "title"), ("重点工作任务", "title"),
    ("具体措施", "measures"), ("工作措施", "measures"), ("具体要求", "measures"), ("落实举措", "measures"),
    ("主要措施", "measures"), ("工作目标", "measures"), ("贯彻意见(落实举措)", "measures"), ("建设内容", "measures"),
    ("责任单位", "units"), ("责任部门", "units"), ("责任科室", "units"), ("责任处室(单位)", "units"),
    ("责任主体", "units"), ("责任司局", "units"), ("牵头单位", "lead"), ("牵头部门", "lead"),
    ("配合单位", "support"), ("协办单位", "support"), ("配合部门", "support"), ("参与单位", "support"),
    ("完成时限", "deadline"), ("时间节点", "deadline"), ("时限要求", "deadline"), ("完成时间", "deadline"),
    ("时间安排", "deadline"), ("分管领导", "contact"), ("责任人", "contact"), ("联系人", "contact"),
    ("牵头市领导", "contact"), ("推进情况", "skip"), ("完成进度", "skip"), ("进展情况", "skip"),
    ("总投资（亿元）", "skip"), ("投资额", "skip"), ("是否完成", "skip"), ("备注", "skip"),
    ("责 任 单 位", "units"), ("完成时限：", "deadline"), ("类别", "category"),
    ("主要工作任务及目标", "title"), ("牵头单位及责任人", "lead"),
    ("加强宣传工作", None), ("各地知识产权管理部门", None), ("推进任务落实", None), ("9月底前完成宣传周活动。", None),
    ("指标名称", "title"), ("2024年目标", "measures"), ("2025年度目标值", "measures"), ("单位", "skip"),
    ("2024年", None), ("1", None), ("", None),
)
_WORDS = sorted(((w, role, order) for order, (role, words) in enumerate(HEADER_WORDS) for w in words.split()),
                key=lambda item: (-len(item[0]), item[2]))
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_YEAR = re.compile(r"^20\d\d年度?(?=\D)")  # "2024年目标": a year before the header word
_MAX_EXTRA = 3  # characters a header cell may have beyond a two-character word ("贯彻意见") …
_MAX_EXTRA_LONG = 6  # … and beyond a longer one ("主要工作任务及目标", "牵头单位及责任人")
_MAX_LABEL = 6  # an unknown header cell ("考核标准", "成果形式") is a short label …
_PROSE = re.compile(r"[\d。；;，,、]")  # … with no number and no sentence punctuation


def _clean(cell: str) -> str:
    return re.sub(r"[\s:：*＊]", "", fold(join_spaces(cell)))


def header_role(cell: str, strict: bool = False) -> str | None:
    """The role of a header cell, or None when the cell does not read as a header.

    `strict` (a header after data rows): a two-character word must be the whole cell and a
    longer one nearly so, so "推进任务", "相关部门" or "推进重点任务落实" in a data row never pass.
    """
    text = _YEAR.sub("", _clean(cell))
    if not text or re.search(r"\d", _BRACKETS.sub("", text)):
        return None
    word, role = next(((w, r) for w, r, _ in _WORDS if w in text), (None, None))
    if word is None:
        return None
    bare = _BRACKETS.sub("", text)
    extra = len(bare) - min(len(word), len(bare))
    if strict and (extra > 2 or len(word) <= 2 and extra):
        return None
    return role if extra <= (_MAX_EXTRA if len(word) <= 2 else _MAX_EXTRA_LONG) else None


def column_roles(cells: list[str], strict: bool = False) -> dict[int, str] | None:
    """{column: role} when the row reads as a header: every non-empty cell a header cell,
    but for one short unknown label per two known cells (which gets the role "skip")."""
    roles: dict[int, str] = {}
    unknown = 0
    for index, cell in enumerate(cells):
        if not cell.strip():
            continue
        role = header_role(cell, strict)
        if role is None:
            label = _clean(cell)
            if strict or len(label) > _MAX_LABEL or _PROSE.search(label):
                return None
            unknown, role = unknown + 1, "skip"
        roles[index] = role
    known = len(roles) - unknown
    return roles if known >= 2 and unknown <= known // 2 else None


def mapping_of(roles: dict[int, str]) -> dict[str, int]:
    """{role: column}: the first column of each role; a second task column is the measures.

    Columns that may repeat get numbered keys ("measures3", "contact5", "skip7"), so a
    工作目标 column beside a 具体措施 column is read too, and every header column bounds
    the units column before it.
    """
    mapping: dict[str, int] = {}
    for index, role in sorted(roles.items()):
        if role == "title" and role in mapping:
            role = "measures"
        if role in mapping and role in ("measures", "contact", "skip") or role == "skip":
            mapping.setdefault(f"{role}{index}", index)
        else:
            mapping.setdefault(role, index)
    return mapping


def is_full_header(mapping: dict[str, int]) -> bool:
    """A header row of its own: a task (or measures) column and a units, deadline or 序号 column."""
    others = ("no", "deadline", "contact", *UNIT_ROLES)
    return ("title" in mapping or "measures" in mapping) and any(r in mapping for r in others)
