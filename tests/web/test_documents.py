"""Documents: upload shows a preview and stores nothing; import stores; withdraw stops reminders."""
from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from bot.store import open_store, session_scope
from bot.store.models import Document, Reminder
from tests.web.conftest import csrf_of

NEW_LIST = ("2024年某市营商环境工作要点\n\n1. 深化一网通办。6月底前实现全程网办。\n责任单位：市数据局\n"
            "2. 清理涉企收费。9月30日前完成清单梳理。\n责任单位：市发展改革委\n")


def _count(db_url, model, *where) -> int:
    with session_scope(open_store(db_url)) as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def _upload(client, name: str, data: bytes, **fields):
    token = csrf_of(client.get("/documents/upload").get_data(as_text=True))
    return client.post("/documents/upload", data={"csrf_token": token, "file": (io.BytesIO(data), name), **fields},
                       content_type="multipart/form-data")


def test_the_list_shows_each_document_with_its_number_and_counts(admin):
    page = admin.get("/documents/").get_data(as_text=True)
    assert "2024年福建省推动知识产权高质量发展任务清单" in page and "闽知发〔2024〕9号" in page


def test_an_upload_is_previewed_with_its_plan_changes_and_stored_only_on_confirm(admin, db_url):
    preview = _upload(admin, "yaodian.txt", NEW_LIST.encode("utf-8"))
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "尚未保存任何内容" in page
    assert "首次导入" in page and "2024-06-30" in page and "市数据局" in page
    assert _count(db_url, Document) == 1
    token = page.split('/documents/import/')[1].split('"')[0]
    done = admin.post(f"/documents/import/{token}", data={"csrf_token": csrf_of(page)})
    assert done.status_code == 302 and _count(db_url, Document) == 2
    assert "导入文档" in admin.get("/audit").get_data(as_text=True)
    assert admin.post(f"/documents/import/{token}", data={"csrf_token": csrf_of(page)}).status_code == 404


def test_an_unreadable_upload_says_why_next_to_the_field(admin, db_url):
    answer = _upload(admin, "notes.txt", "没有年份的一段文字，6月底前完成。".encode("utf-8"))
    assert answer.status_code == 400 and "年度" in answer.get_data(as_text=True)
    empty = _upload(admin, "empty.txt", b"   ")
    assert empty.status_code == 400 and "文件为空" in empty.get_data(as_text=True)
    assert _count(db_url, Document) == 1


def test_an_upload_over_the_size_limit_is_refused_with_a_message(admin):
    answer = _upload(admin, "big.txt", b"x" * (21 * 1024 * 1024))
    assert answer.status_code == 413 and "文件过大" in answer.get_data(as_text=True)


def test_a_zip_bomb_upload_is_refused_with_a_message(admin):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<" + "a" * (300 * 1024 * 1024))
    answer = _upload(admin, "bomb.docx", buffer.getvalue())
    assert answer.status_code == 400 and "已拒绝读取" in answer.get_data(as_text=True)


def test_withdrawing_a_document_cancels_its_reminders_and_keeps_them(admin, db_url):
    open_before = _count(db_url, Reminder, Reminder.status == "planned")
    assert open_before > 0
    page = admin.get("/documents/").get_data(as_text=True)
    doc_id = re.search(r"/documents/(\d+)/withdraw", page).group(1)
    assert admin.post(f"/documents/{doc_id}/withdraw", data={"csrf_token": csrf_of(page)}).status_code == 302
    assert _count(db_url, Reminder, Reminder.status == "planned") == 0
    assert _count(db_url, Reminder) >= open_before
    assert "已撤回" in admin.get("/documents/").get_data(as_text=True)


def test_a_viewer_sees_the_list_but_cannot_upload(viewer):
    assert viewer.get("/documents/").status_code == 200
    token = csrf_of(viewer.get("/").get_data(as_text=True))
    assert viewer.post("/documents/upload", data={"csrf_token": token}).status_code == 403
