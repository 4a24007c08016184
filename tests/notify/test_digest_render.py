"""The reminder digest: content, order, escaping of document text, and byte-safe splitting."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.notify import ReminderItem, render_digest, render_test_message
from bot.notify.render import inert_markdown, inert_text, without_colour
from bot.notify.split import split_message, truncate_utf8, utf8_len

TODAY = date(2024, 6, 28)
DONE = "python -m bot done {milestone} --unit {unit}"
DOC = "2024年福建省推动知识产权高质量发展任务清单"


def item(no, due, title="加强专利转化运用", action="组织开展盘点", milestone=None, **extra) -> ReminderItem:
    return ReminderItem("运用处", no, title, action, due, (due - TODAY).days, DOC, milestone or f"{no}-1", **extra)


def test_it_names_unit_task_action_due_date_days_document_and_how_to_mark_done():
    message = render_digest("运用处", [item(8, date(2024, 6, 30), action="完成存量专利盘点入库")], TODAY, DONE)
    for text in (message.markdown, message.text, message.html):
        assert "运用处" in text
        assert "任务8" in text and "加强专利转化运用" in text
        assert "完成存量专利盘点入库" in text
        assert "2024-06-30（周日）" in text
        assert "还剩 2 天" in text
        assert f"《{DOC}》" in text
        assert "python -m bot done 8-1 --unit 运用处" in text
    assert message.subject == "督办提醒｜运用处：1 项时间节点"


@pytest.mark.parametrize("due, phrase", [
    (date(2024, 7, 8), "还剩 10 天"),
    (date(2024, 6, 29), "还剩 1 天"),
    (date(2024, 6, 28), "今天到期"),
    (date(2024, 6, 27), "已逾期 1 天"),
    (date(2024, 3, 31), "已逾期 89 天"),
])
def test_it_says_days_left_due_today_or_days_overdue(due, phrase):
    message = render_digest("运用处", [item(1, due)], TODAY, DONE)
    assert phrase in message.markdown and phrase in message.text


def test_overdue_items_come_first_then_by_due_date():
    items = [item(1, date(2024, 12, 31)), item(2, date(2024, 6, 10)), item(3, date(2024, 7, 1)),
             item(4, date(2024, 3, 31)), item(5, date(2024, 6, 28))]
    message = render_digest("运用处", items, TODAY, DONE)
    order = [int(n) for n in re.findall(r"^\d+\. 任务(\d+)", message.text, re.M)]
    assert order == [4, 2, 5, 3, 1]
    assert "已逾期 2 项，今天到期 1 项" in message.text
    assert message.subject.endswith("2 项已逾期")
    assert "python -m bot done 【节点编号】 --unit 运用处" in message.text


def test_unverified_dates_are_marked():
    message = render_digest("运用处", [item(1, date(2027, 6, 30), unverified=True)], TODAY, DONE)
    assert "（日期未核验）" in message.markdown


HOSTILE = "<@zhangsan> @all @所有人 **重要** [点我](http://evil.example) <font color=\"warning\">红</font> `x`\n### 标题"


def test_document_text_cannot_mention_format_or_link_in_markdown():
    message = render_digest("运用处", [item(1, date(2024, 7, 1), title=HOSTILE, action=HOSTILE)], TODAY, DONE)
    document_part = message.markdown.split("\n", 3)[3]
    assert "<@" not in message.markdown and "@all" not in message.markdown and "@所有人" not in message.markdown
    assert "](" not in document_part.replace("］(", "")
    assert "http://" not in message.markdown
    assert "`x`" not in message.markdown
    assert message.markdown.count("<font") == 1  # only the status colour the renderer adds
    assert "\n###" not in document_part
    assert message.markdown.count("**") == 2  # only the entry's own bold title
    assert "＜＠zhangsan＞ ＠all ＠所有人 ＊＊重要＊＊ ［点我］" in message.markdown


def test_document_text_cannot_mention_anyone_in_text_html_or_notice():
    message = render_digest("运@all用处", [item(1, date(2024, 7, 1), title=HOSTILE)], TODAY, DONE)
    for text in (message.text, message.html, message.subject, message.notice):
        assert "@" not in text
    assert "<@" not in message.html and "&lt;＠zhangsan&gt;" in message.html


# The redteam's F08 unit name: a "/" splits the unit cell, so the link target is tel:110.
INJECTED_UNIT = "办公室`[紧急:点此办结](tel:110)`"


def code_spans(markdown: str) -> list[str]:
    return re.findall(r"`([^`]*)`", markdown)


def test_a_unit_name_cannot_close_the_done_command_code_span():
    message = render_digest(INJECTED_UNIT, [item(1, date(2024, 7, 1))], TODAY, DONE)
    command_line = message.markdown.splitlines()[-1]
    assert command_line.count("`") == 2 and command_line.endswith("`")
    [span] = code_spans(command_line)
    assert span.startswith("python -m bot done 1-1 --unit 办公室")
    assert "](" not in message.markdown and "［紧急:点此办结］(tel:110)" in span
    assert f"--unit {INJECTED_UNIT}" in message.text  # plain text renders nothing: the name stays copyable


def test_the_admin_summary_names_forwarded_units_inertly():
    from datetime import timedelta

    from jobs.compose import FALLBACK, Context, Section, compose

    class Stub:  # what compose reads of a reminder
        def __init__(self, unit):
            task = type("T", (), {"no": 1, "title": "盘点", "document": type("D", (), {"title": DOC})()})()
            self.milestone = type("M", (), {"task": task, "action": "完成盘点", "expr": "", "id": 7})()
            self.unit = type("U", (), {"name": unit})()
            self.milestone_id, self.occurrence, self.lead_days, self.unverified, self.kind = 7, 0, 3, False, "lead"
            self.due = TODAY + timedelta(days=3)

    message = compose([Section(INJECTED_UNIT, FALLBACK, [Stub(INJECTED_UNIT)]), Section("保护处", FALLBACK, [Stub("保护处")])],
                      Context(TODAY, "管理员"))
    forwarded = next(line for line in message.markdown.splitlines() if "转给管理员" in line)
    assert "`" not in forwarded and "[" not in forwarded and "](" not in forwarded
    assert "办公室｀［紧急:点此办结］(tel:110)｀" in forwarded
    assert "](" not in message.markdown


INVISIBLE = "\x1b[2J\x1b]0;PWNED\x07红\u202etxt.exe\u200b\ufeff\u2066x\u2069\x00\x85"


def test_controls_bidi_overrides_and_zero_width_characters_never_reach_a_message():
    message = render_digest("运用处" + INVISIBLE, [item(1, date(2024, 7, 1), title=INVISIBLE, action=INVISIBLE)],
                            TODAY, DONE)
    for text in (message.markdown, message.text, message.html, message.subject, message.notice):
        assert not invisible(text), repr(text)
    assert "红txt.exe" in message.text.replace("［", "[")


def test_the_console_preview_prints_no_control_character():
    import io

    from bot.notify import Message
    from bot.notify.console import ConsoleChannel

    out = io.StringIO()
    raw = Message(unit="运用处" + INVISIBLE, subject="主题" + INVISIBLE, markdown="", text="第一行" + INVISIBLE + "\n第二行")
    assert ConsoleChannel(stream=out).send(raw).ok
    printed = out.getvalue()
    assert not invisible(printed), repr(printed)
    assert "收件单位：运用处[2J]0;PWNED红txt.exe" in printed and "┃ 第二行" in printed


def invisible(text: str) -> set[str]:
    return {ch for ch in text if ch not in "\n" and unicodedata.category(ch) in ("Cc", "Cf")}


@given(st.text())
def test_rendered_text_never_carries_a_control_or_format_character(text):
    assert not invisible(inert_text(text)) and not invisible(inert_markdown(text))


@given(st.text())
def test_inert_markdown_leaves_no_control_character(text):
    inert = inert_markdown(text)
    assert not set(inert) & set("*_`[]<>#@~|\\&!\n\r")
    assert "://" not in inert
    assert "@" not in inert_text(text)


def test_without_colour_turns_font_tags_into_bold():
    assert without_colour('a <font color="warning">已逾期 3 天</font> b') == "a **已逾期 3 天** b"


def test_a_digest_of_100_items_splits_into_parts_under_4096_bytes_with_everything_in_them():
    items = [item(n, date(2024, 7, 1 + n % 28), title=f"第{n}项任务" + "知识产权" * 10) for n in range(1, 101)]
    message = render_digest("运用处", items, TODAY, DONE)
    parts = split_message(message.markdown, 4096)
    assert len(parts) > 1
    bodies = []
    for index, part in enumerate(parts, 1):
        assert utf8_len(part) <= 4096
        label = f"（{index}/{len(parts)}）\n"
        assert part.startswith(label)
        bodies.append(part.removeprefix(label))
    assert "\n".join(bodies).replace("\n", "") == message.markdown.replace("\n", "")


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from("知识产权ab \n\n😀é"), max_size=3000), st.integers(min_value=40, max_value=600))
def test_splitting_never_exceeds_the_limit_nor_loses_a_character(text, limit):
    parts = split_message(text, limit)
    assert all(utf8_len(p) <= limit for p in parts)
    if len(parts) == 1:
        assert parts == [text]
    else:
        body = "".join(p.split("\n", 1)[1] for p in parts)
        assert body.replace("\n", "") == text.replace("\n", "")


def test_truncation_cuts_on_a_character_boundary():
    cut = truncate_utf8("知识产权" * 1000, 2048)
    assert utf8_len(cut) <= 2048 and cut.endswith("…") and "\ufffd" not in cut


def test_the_test_message_names_the_unit_and_asks_nothing():
    message = render_test_message("保护处", datetime(2024, 5, 1, 9, 30))
    assert "保护处" in message.subject and "2024-05-01 09:30" in message.text and "无需回复" in message.text
