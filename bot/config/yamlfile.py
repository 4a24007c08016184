"""YAML that remembers where each value came from, so errors can name file, key and line.

`load_yaml(path)` returns plain dicts/lists (subclasses) whose `.line` is the 1-based line of
the node and whose `.line_of(key_or_index)` gives the line of a child; `Where` builds the
Chinese "file 第 N 行 key" prefix every validation error starts with.

Config files are small and hand-written, so the loader refuses YAML aliases (`*name`):
they are what "billion laughs" bombs are made of, and a validator that prints such a value
would expand it. A value YAML cannot construct (a date like 2027-02-30) is reported with
its file and line like any syntax error, and `9:00` written without quotes stays the text
"9:00" instead of YAML 1.1's sexagesimal 540.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.errors import DubanError, os_reason


class YDict(dict):
    line: int = 0
    lines: dict = {}

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


class YList(list):
    line: int = 0
    lines: list = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


class _Refused(yaml.MarkedYAMLError):
    """A value the config loader will not build; `problem` is the Chinese reason."""


class _Loader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry their source lines, without aliases."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(problem=f"不支持 YAML 别名 *{event.anchor}：请把内容直接写出来（配置文件中不允许 & 和 * 引用）",
                           problem_mark=event.start_mark)
        return super().compose_node(parent, index)


def _mapping(loader: _Loader, node: yaml.MappingNode) -> YDict:
    loader.flatten_mapping(node)
    out = YDict()
    out.line, out.lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> YList:
    out = YList(loader.construct_object(child, deep=True) for child in node.value)
    out.line, out.lines = node.start_mark.line + 1, [child.start_mark.line + 1 for child in node.value]
    return out


def _timestamp(loader: _Loader, node: yaml.ScalarNode):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        raise _Refused(problem=f"{node.value!r} 不是存在的日期，请写成 2027-01-01 这样的真实日期",
                       problem_mark=node.start_mark) from None


def _int(loader: _Loader, node: yaml.ScalarNode):
    if ":" in node.value:  # YAML 1.1 reads 9:00 as the number 540; in these files it is a clock time
        return node.value
    return yaml.SafeLoader.construct_yaml_int(loader, node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _int)


@dataclass(frozen=True)
class Where:
    """A position in a config file: `where.error("…")` raises a DubanError that says where."""

    path: str
    key: str = ""
    line: int = 0

    def child(self, node: YDict | YList, key: Any) -> "Where":
        name = f"{self.key}[{key}]" if isinstance(key, int) else (f"{self.key}.{key}" if self.key else str(key))
        line = node.line_of(key) if isinstance(node, (YDict, YList)) else self.line
        return Where(self.path, name, line)

    def text(self) -> str:
        at = f"{self.path} 第 {self.line} 行" if self.line else self.path
        return f"{at} `{self.key}`" if self.key else at

    def error(self, problem: str) -> DubanError:
        return DubanError(f"{self.text()}: {problem}")


def parse_yaml(text: str, source: str) -> Any:
    """The document in `text` (None when empty); errors are DubanErrors naming `source` and the line."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else 0
        text = f"{exc.problem}。" if isinstance(exc, _Refused) else f"YAML 语法错误: {exc.problem}。请检查缩进和冒号。"
        raise Where(source, line=line).error(text) from None
    except yaml.YAMLError as exc:
        raise Where(source).error(f"YAML 无法读取: {exc}。") from None


def read_text(path: Path) -> str:
    """A config file's text; unreadable or not UTF-8 is a DubanError saying how to fix it."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise Where(str(path)).error("文件不是 UTF-8 编码，请另存为 UTF-8。") from None
    except OSError as exc:
        raise Where(str(path)).error(f"无法读取：{os_reason(exc)}。") from None


def load_yaml(path: Path) -> tuple[Any, Where]:
    """Parse `path`; a missing file is an empty mapping, a syntax error a DubanError with its line."""
    where = Where(str(path))
    if not path.exists():
        return YDict(), where
    data = parse_yaml(read_text(path), str(path))
    if data is None:
        data = YDict()
    if not isinstance(data, YDict):
        raise Where(str(path), line=1).error("顶层必须是键值映射 (key: value)。")
    return data, where
