"""The 督办通报 preview and the statistics page of the seed in a real browser (docs/report.md
shows these screenshots: LibreOffice is not installed here to picture the .docx itself)."""
from __future__ import annotations

from click.testing import CliRunner

from bot.cli import cli
from tests.conftest import SEED
from tests.e2e.conftest import ADMIN, PASSWORD


def bot(*args: str) -> None:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output


def test_log_in_preview_the_report_of_the_seed_and_see_the_statistics(console, page, shot):
    bot("import", str(SEED), "--as-of", "2024-06-20")
    bot("done", "M1", "--all", "--note", "已印发", "--as-of", "2024-06-20")
    for unit, day in (("福州市知识产权管理部门", "2024-06-28"), ("厦门市知识产权管理部门", "2024-07-03"),
                      ("泉州市知识产权管理部门", "2024-08-12")):
        bot("done", "M8", "--unit", unit, "--note", "已报送", "--as-of", day)
    page.goto(console + "/login")
    page.fill("input[name=username]", ADMIN)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    page.click("header nav >> text=督办通报")
    page.fill("input[name=as_of]", "2024-07-05")
    page.select_option("select[name=period]", "month")
    page.click("button:has-text('预览')")
    preview = page.locator("#preview")
    assert "督办通报" in preview.locator("h2").inner_text()
    assert "不编号" in preview.locator(".issue-number").inner_text()
    assert "截至2024年7月5日" in preview.locator(".summary").inner_text()
    assert preview.locator("#units tbody tr.light-red").count() >= 1
    shot(page, "01-通报预览", preview.locator(".report-body"))

    page.click("button:has-text('发布本期通报')")
    assert "2024年第1期" in page.locator("#issued-here").inner_text()  # the preview stays today's, unnumbered
    assert page.locator("#issued tbody tr").count() == 1

    page.click("header nav >> text=统计")
    page.fill("input[name=as_of]", "2025-01-10")  # past the year-end deadlines most of the list has
    page.click("button:has-text('查看')")
    assert page.locator("#rates-table thead th").count() == 1 + 8  # the ends of June to December, and the day
    assert page.locator("#rates svg circle").count() > 0 and page.locator("#overdue svg rect title").count() > 0
    shot(page, "02-统计", page.locator("#rates"))
