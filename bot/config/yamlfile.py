"""YAML that remembers where each value came from, so errors can name file, key and line.

`load_yaml(path)` returns plain dicts/lists (subclasses) whose `.line` is the 1-based line of
the node and whose `.line_of(key_or_index)` gives the line of a child; `Where` builds the
Chinese "file 第 N 行 key" prefix every validation error starts with.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.errors import DubanError


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


class _Loader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry their source lines."""


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


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


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


def load_yaml(path: Path) -> tuple[Any, Where]:
    """Parse `path`; a missing file is an empty mapping, a syntax error a DubanError with its line."""
    where = Where(str(path))
    if not path.exists():
        return YDict(), where
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else 0
        raise Where(str(path), line=line).error(f"YAML 语法错误: {exc.problem}。请检查缩进和冒号。") from exc
    except UnicodeDecodeError as exc:
        raise where.error("文件不是 UTF-8 编码，请另存为 UTF-8。") from exc
    if data is None:
        data = YDict()
    if not isinstance(data, YDict):
        raise Where(str(path), line=1).error("顶层必须是键值映射 (key: value)。")
    return data, where
