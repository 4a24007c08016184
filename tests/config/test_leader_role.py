"""contacts.yaml `role: leader`: the leader contact is configured in the file like any other,
survives `contacts set` without --role, and `config export` writes it back."""
from __future__ import annotations

import pytest
import yaml
from sqlalchemy import select

from bot.store import open_store, session_scope
from bot.store.models import LEADER, Contact

CONTACTS = """units:
  知识产权保护处:
    - email: baohu@example.gov.cn
    - email: chief@example.gov.cn
      role: leader
"""


def roles(url: str) -> dict[str, str]:
    with session_scope(open_store(url)) as s:
        return {c.target: c.role for c in s.scalars(select(Contact))}


def test_the_file_sets_the_leader_and_export_writes_it_back(office, bot, sqlite_url, tmp_path):
    (office / "contacts.yaml").write_text(CONTACTS, encoding="utf-8")
    bot("config", "apply", "--yes")
    assert roles(sqlite_url) == {"baohu@example.gov.cn": "", "chief@example.gov.cn": LEADER}
    bot("contacts", "set", "保护处", "--email", "chief@example.gov.cn")  # no --role: stays the leader
    assert roles(sqlite_url)["chief@example.gov.cn"] == LEADER
    bot("config", "export", "-o", str(tmp_path / "out"))
    written = yaml.safe_load((tmp_path / "out" / "contacts.yaml").read_text(encoding="utf-8"))
    assert {"email": "chief@example.gov.cn", "role": "leader"} in written["units"]["知识产权保护处"]


def test_applying_the_file_again_without_the_role_is_a_change_to_confirm(office, bot, sqlite_url):
    (office / "contacts.yaml").write_text(CONTACTS, encoding="utf-8")
    bot("config", "apply", "--yes")
    (office / "contacts.yaml").write_text(CONTACTS.replace("      role: leader\n", ""), encoding="utf-8")
    refused = bot("config", "apply", code=2).output
    assert "领导/日常" in refused and roles(sqlite_url)["chief@example.gov.cn"] == LEADER
    bot("config", "apply", "--yes")
    assert roles(sqlite_url)["chief@example.gov.cn"] == ""


@pytest.mark.parametrize("role", ["boss", "领导"])
def test_another_role_names_the_line(office, bot, role):
    (office / "contacts.yaml").write_text(CONTACTS.replace("role: leader", f"role: {role}"), encoding="utf-8")
    out = bot("check-config", code=1).output
    assert "contacts.yaml" in out and "role: leader" in out
