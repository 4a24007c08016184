"""Saving an unknown name as a directory alias from the review screen: every later import reads
it as the unit, other documents with the name move at once, clashes are refused, the units page
lists it and can remove it, and `config export` / `config apply` treat it like a console contact."""
from __future__ import annotations

import json
import re

from tests.web.conftest import csrf_of

GROUP = "有关地市知识产权管理部门"


def _doc_ids(client) -> list[str]:
    return re.findall(r"/documents/(\d+)/review", client.get("/documents/").get_data(as_text=True))


def _review(client, doc_id) -> str:
    return client.get(f"/documents/{doc_id}/review").get_data(as_text=True)


def _map(client, doc_id, name, units, **extra):
    return client.post(f"/documents/{doc_id}/corrections", data={
        "csrf_token": csrf_of(_review(client, doc_id)), "kind": "unit.map", "name": name, "units": units, **extra})


def _units(cli_run) -> set[str]:
    return {u["unit"] for u in json.loads(cli_run("status", "--as-of", "2024-06-20", "--format", "json").output)["units"]}


def _to_map(page: str) -> list[str]:
    return re.findall(r'name="name" value="([^"]+)"', page)


def _aliases(db_url) -> list[tuple[str, str, bool]]:
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from bot.store.console_models import DirectoryAlias

    engine = create_engine(db_url)
    try:
        with Session(engine) as session:
            return [(a.alias, a.unit, a.removed_at is None) for a in session.scalars(select(DirectoryAlias))]
    finally:
        engine.dispose()


def _other_list(tmp_path, name="人数处"):
    path = tmp_path / "other.md"
    path.write_text("# 2024年人才工作任务清单\n\n| 序号 | 重点任务 | 主要措施 | 责任单位 |\n| --- | --- | --- | --- |\n"
                    f"| 1 | 人才培训 | 9月底前,组织开展知识产权人才培训。 | {name}、保护处 |\n", encoding="utf-8")
    return path


def test_the_map_form_offers_to_save_the_name_as_an_alias(admin):
    page = _review(admin, _doc_ids(admin)[0])
    form = page.split('value="人数处"')[1].split("</form>")[0]
    assert 'type="checkbox" name="save_alias"' in form and "同时保存为该单位的简称（今后导入的文档也按此识别）" in form


def test_a_saved_alias_is_audited_and_shown_on_the_units_page_and_later_imports_read_it(
        admin, cli_run, db_url, seed_path, tmp_path):
    doc_id = _doc_ids(admin)[0]
    answer = _map(admin, doc_id, "人数处", ["人事处"], save_alias="1", reason="OCR 断字")
    assert answer.status_code == 302
    assert _aliases(db_url) == [("人数处", "人事处", True)]
    assert "人数处" not in _units(cli_run) and "人事处" in _units(cli_run)
    audit = admin.get("/audit").get_data(as_text=True)
    assert "保存单位简称" in audit and "单位名称对应到目录中的单位" in audit
    row = admin.get("/units/").get_data(as_text=True).split(">人事处</a>")[1].split("</tr>")[0]
    assert "人数处" in row and "控制台添加" in row
    # An amended seed read afresh: 人数处 is known now, even with the document's own correction revoked.
    amended = tmp_path / "amended.md"
    amended.write_text(seed_path.read_text(encoding="utf-8").replace("2024年", "2024 年", 1), encoding="utf-8")
    cli_run("import", str(amended), "--as-of", "2024-06-20")
    page = _review(admin, doc_id)
    assert "人数处" not in _to_map(page)
    revoke = re.search(r'action="(/documents/\d+/corrections/\d+/revoke)"', page).group(1)
    assert admin.post(revoke, data={"csrf_token": csrf_of(page)}).status_code == 302
    assert "人数处" not in _units(cli_run) and "人事处" in _units(cli_run)
    # `extract` without a database reads with units.yaml alone.
    read = json.loads(cli_run("extract", str(_other_list(tmp_path)), "--format", "json").output)
    assert any(w["code"] == "unknown-unit" and w["text"] == "人数处" for w in read["warnings"])


def test_other_documents_with_the_name_are_mapped_at_once(admin, cli_run, tmp_path):
    cli_run("import", str(_other_list(tmp_path)), "--as-of", "2024-06-20")
    seed_id, other_id = sorted(_doc_ids(admin), key=int)
    assert "人数处" in _to_map(_review(admin, other_id))
    answer = _map(admin, seed_id, "人数处", ["人事处"], save_alias="1")
    assert answer.status_code == 302
    flashed = admin.get(answer.headers["Location"]).get_data(as_text=True)
    assert "《2024年人才工作任务清单》" in flashed
    other = _review(admin, other_id)
    assert "人数处" not in _to_map(other) and "按《" in other and "人数处" not in _units(cli_run)


def test_an_alias_another_unit_owns_is_refused_next_to_its_field_and_nothing_is_saved(admin, cli_run, db_url):
    doc_id = _doc_ids(admin)[0]
    answer = _map(admin, doc_id, GROUP, ["福州市知识产权管理部门"], save_alias="1")
    assert answer.status_code == 400
    form = answer.get_data(as_text=True).split(f'value="{GROUP}"')[1].split("</form>")[0]
    assert f"「{GROUP}」已是「{GROUP}」的名称或简称，不能再作为「福州市知识产权管理部门」的简称" in form
    assert _aliases(db_url) == [] and GROUP in _to_map(_review(admin, doc_id))
    two = _map(admin, doc_id, "人数处", ["人事处", "办公室"], save_alias="1")
    assert two.status_code == 400 and "简称只能对应一个单位" in two.get_data(as_text=True)
    assert _aliases(db_url) == [] and "人数处" in _to_map(_review(admin, doc_id))


def test_mapping_without_the_box_saves_no_alias(admin, db_url):
    assert _map(admin, _doc_ids(admin)[0], "人数处", ["人事处"]).status_code == 302
    assert _aliases(db_url) == []


def test_an_admin_removes_a_console_alias_and_a_viewer_cannot(admin, viewer, db_url):
    _map(admin, _doc_ids(admin)[0], "人数处", ["人事处"], save_alias="1")
    page = admin.get("/units/").get_data(as_text=True)
    action = re.search(r'action="(/units/aliases/\d+/remove)"', page).group(1)
    assert "/units/aliases/" not in viewer.get("/units/").get_data(as_text=True)
    assert viewer.post(action, data={"csrf_token": csrf_of(viewer.get("/units/").get_data(as_text=True))}).status_code == 403
    assert admin.post(action).status_code == 400  # no CSRF token
    assert _aliases(db_url) == [("人数处", "人事处", True)]
    assert admin.post(action, data={"csrf_token": csrf_of(page)}).status_code == 302
    assert _aliases(db_url) == [("人数处", "人事处", False)]
    row = admin.get("/units/").get_data(as_text=True).split(">人事处</a>")[1].split("</tr>")[0]
    assert "人数处" not in row and "控制台添加" not in row
    assert "删除单位简称" in admin.get("/audit").get_data(as_text=True)


def test_config_apply_does_not_silently_drop_a_console_alias_and_export_writes_it_to_units_yaml(
        admin, cli_run, db_url, store_config):
    _map(admin, _doc_ids(admin)[0], "人数处", ["人事处"], save_alias="1")
    refused = cli_run("config", "apply", code=2)
    assert "! 删除控制台添加的简称「人数处」（人事处）：units.yaml 中没有这个简称" in refused.output
    assert _aliases(db_url) == [("人数处", "人事处", True)]
    cli_run("config", "export", "-o", str(store_config))
    assert (store_config / "units.yaml.bak").exists()
    from bot.units.directory import load_directory

    assert load_directory(store_config / "units.yaml").unit_named("人数处") == "人事处"
    assert "人数处" not in cli_run("config", "apply").output
    assert _aliases(db_url) == [("人数处", "人事处", True)]
    (store_config / "units.yaml.bak").replace(store_config / "units.yaml")
    cli_run("config", "apply", "--yes")
    assert _aliases(db_url) == [("人数处", "人事处", False)]


def test_export_leaves_units_yaml_alone_while_the_console_added_no_alias(admin, cli_run, store_config):
    before = (store_config / "units.yaml").read_bytes()
    assert "units.yaml" not in cli_run("config", "export").output
    cli_run("config", "export", "-o", str(store_config))
    assert (store_config / "units.yaml").read_bytes() == before and not (store_config / "units.yaml.bak").exists()


def test_an_alias_units_yaml_now_gives_another_unit_is_left_out_and_said_so(admin, cli_run, store_config, tmp_path):
    _map(admin, _doc_ids(admin)[0], "人数处", ["人事处"], save_alias="1")
    units = store_config / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("aliases: [局办公室]", "aliases: [局办公室, 人数处]"),
                     encoding="utf-8")
    cli_run("import", str(_other_list(tmp_path)), "--as-of", "2024-06-20")
    other = _review(admin, max(_doc_ids(admin), key=int))
    assert "责任单位：办公室、知识产权保护处" in other
    assert "控制台添加的简称「人数处」（人事处）在单位目录" in other and "属于「办公室」" in other
    unused = admin.get("/units/").get_data(as_text=True).split("未生效的简称")[1].split("</section>")[0]
    assert "人数处" in unused and "/units/aliases/" in unused
