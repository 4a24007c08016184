"""The admin's journey through the console, in a real browser, one screenshot per step."""
from __future__ import annotations

import re

from tests.conftest import SEED
from tests.e2e.conftest import ADMIN, PASSWORD
from tests.support.loopback import LoopbackRobot

KEY = "c0ffee00-1234-4abc-8def-0123456789ab"
CITIES = ["福州市知识产权管理部门", "厦门市知识产权管理部门", "泉州市知识产权管理部门"]


def test_log_in_upload_review_correct_add_a_contact_and_see_the_dashboard(console, page, shot):
    page.goto(console + "/")
    assert "/login" in page.url
    page.fill("input[name=username]", ADMIN)
    page.fill("input[name=password]", PASSWORD)
    shot(page, "01-登录")
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text().startswith("总览")

    page.click("text=文档")
    page.click("text=上传任务清单")
    page.set_input_files("input[name=file]", str(SEED))
    page.click("text=读取并预览")
    assert "尚未保存任何内容" in page.content() and "首次导入" in page.content()
    shot(page, "02-上传预览")
    page.click("button:has-text('导入')")
    assert "闽知发〔2024〕9号" in page.content()
    shot(page, "03-文档列表")

    page.click("table a:has-text('2024年福建省推动知识产权高质量发展任务清单')")
    page.wait_for_url("**/review")
    task8 = page.locator("#task-8")
    assert task8.locator("mark", has_text="6月底前").count() == 1
    june = task8.locator("tr", has=page.locator("input[value='2024-06-30']"))
    june.locator("input[name=due]").fill("2024-07-15")
    june.locator("input[name=reason]").first.fill("以局务会安排为准")
    june.locator("button:has-text('改日期')").click()
    assert "改期" in page.locator("[role=status]").inner_text()
    task8 = page.locator("#task-8")
    assert task8.locator("input[value='2024-07-15']").count() == 1 and task8.locator(".manual").count() >= 1
    shot(page, "04-修改截止日期", task8)

    group = page.locator("form.map").filter(has=page.get_by_label("「有关地市知识产权管理部门」对应的单位"))
    group.locator("select[name=units]").select_option(CITIES)
    group.locator("button:has-text('保存对应')").click()
    person = page.locator("form.map").filter(has=page.get_by_label("「人数处」对应的单位"))
    person.locator("select[name=units]").select_option(["人事处"])
    person.locator("input[name=reason]").fill("OCR 断字")
    person.get_by_label("同时保存为该单位的简称（今后导入的文档也按此识别）").check()
    shot(page, "05-单位对应", person)
    person.locator("button:has-text('保存对应')").click()
    assert page.get_by_label("「人数处」对应的单位").count() == 0
    assert "已把「人数处」保存为「人事处」的简称" in page.content()

    with LoopbackRobot() as robot:
        page.click("text=单位与联系方式")
        assert "控制台添加" in page.locator("tr", has=page.locator("a:text-is('人事处')")).inner_text()
        page.click("a:has-text('知识产权保护处')")
        wecom = page.locator("#add-wecom")
        wecom.locator("input[name=target]").fill(f"{robot.url}/cgi-bin/webhook/send?key={KEY}")
        wecom.locator("input[name=label]").fill("保护处工作群")
        wecom.locator("button[type=submit]").click()
        assert KEY not in page.content(), "a saved key is shown masked only"
        page.click("button:has-text('发送测试消息')")
        assert len(robot.received) == 1 and "知识产权保护处" in page.content()
        shot(page, "06-联系方式与测试消息")

    page.click("text=总览")
    content = page.content()
    assert all(city in content for city in CITIES) and "人事处" in content
    assert re.search(r"未来 14 天的提醒（\d+ 条）", content) and page.locator("svg.timeline circle").count() > 10
    shot(page, "07-总览")
