"""click's own messages in Chinese: usage errors, help headings, "does not exist" …

click looks each text up through the module-level `_` and `ngettext` it imported from
gettext; installing translating functions in their place is click's gettext hook without
a compiled catalogue. Texts not listed stay English (format fields are kept verbatim).
"""
from __future__ import annotations

TEXTS = {
    "Error: {message}": "错误: {message}",
    "Usage:": "用法:",
    "Options": "选项",
    "Positional arguments": "参数",
    "Commands": "命令",
    "Aborted!": "已中止。",
    "Missing command.": "缺少命令。",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Invalid value: {message}": "取值无效: {message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效: {message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数: {param_name}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}（python -m bot --help 列出全部命令）。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}: {message}",
    "unknown error": "未知错误",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受取值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Value must be an iterable.": "取值应为多个值。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在允许范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的是/否值，可用: {states}",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，不是目录。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录，不是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读（没有读取权限）。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写（没有写入权限）。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
    "Choose from:\n\t{choices}": "可选:\n\t{choices}",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "default: {default}": "默认: {default}",
    "env var: {var}": "环境变量: {var}",
    "required": "必填",
    "(dynamic)": "（动态）",
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不询问，直接确认。",
}

PLURALS = {  # singular msgid: (singular, plural) in Chinese
    "Got unexpected extra argument ({args})": ("多余的参数 ({args})",) * 2,
    "Did you mean {possibility}?": ("是否要用 {possibility}？", "（是否要用其中之一: {possibilities}？）"),
    "Option {name!r} requires an argument.": ("选项 {name!r} 需要一个取值。", "选项 {name!r} 需要 {nargs} 个取值。"),
    "{value!r} is not {choice}.": ("{value!r} 不是可选值 {choice}。", "{value!r} 不是可选值 {choices} 之一。"),
    "Takes {nargs} values but 1 was given.": ("需要 {nargs} 个值，只给了 1 个。", "需要 {nargs} 个值，给了 {len} 个。"),
    "{len_type} values are required, but {len_value} was given.": ("需要 {len_type} 个值，给了 {len_value} 个。",) * 2,
}
MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui")


def gettext(message: str) -> str:
    return TEXTS.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if singular in PLURALS:
        one, many = PLURALS[singular]
        return one if n == 1 else many
    return singular if n == 1 else plural


def install() -> None:
    """Route click's message lookups through the tables above (idempotent)."""
    import importlib

    for name in MODULES:
        module = importlib.import_module(f"click.{name}")
        module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext

