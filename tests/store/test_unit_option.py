"""`--unit` is how every command names a unit; the older first argument still works."""
from __future__ import annotations

import json


def test_contacts_take_the_unit_as_an_option_or_as_before_and_refuse_two_different(env, run, seed_path):
    run("import", str(seed_path), "--as-of", "2024-06-20")
    run("contacts", "set", "--unit", "保护处", "--email", "a@example.gov.cn")
    run("contacts", "set", "商标处", "--email", "s@example.gov.cn")
    listed = json.loads(run("contacts", "list", "--unit", "保护处", "--format", "json").output)["contacts"]
    assert [(c["unit"], c["target"]) for c in listed] == [("知识产权保护处", "a@example.gov.cn")]
    assert "不一致" in run("contacts", "set", "保护处", "--unit", "商标处", "--email", "x@example.gov.cn", code=2).output
    assert "--unit" in run("contacts", "remove", "--email", "a@example.gov.cn", code=2).output
    run("contacts", "remove", "--unit", "保护处", "--email", "a@example.gov.cn")
    assert json.loads(run("contacts", "list", "--unit", "保护处", "--format", "json").output)["contacts"][0]["kind"] == ""


def test_status_and_send_test_take_unit_too(env, run, seed_path):
    run("import", str(seed_path), "--as-of", "2024-06-20")
    units = json.loads(run("status", "--as-of", "2024-06-20", "--unit", "保护处", "--format", "json").output)["units"]
    assert [u["unit"] for u in units] == ["知识产权保护处"]
    assert "--unit" in run("send-test", code=2).output
