"""The console sets a unit's leader contact (the one escalated items go to) like the CLI and the YAML do."""
from __future__ import annotations

import re
from urllib.parse import quote

from tests.notify.conftest import robot  # noqa: F401  (the loopback robot)
from tests.web.test_units_contacts import UNIT, _add_wecom, _contacts, _page, _post


def test_a_contact_added_as_the_leader_is_shown_so_and_the_edit_form_can_take_it_back(admin, cli_run, robot):
    assert _add_wecom(admin, robot, role="leader").status_code == 302
    page = _page(admin)
    assert "（单位领导）" in page
    [contact] = [c for c in _contacts(cli_run) if c["unit"] == UNIT]
    assert contact["kind"] == "wecom（领导）"
    contact_id = re.search(r"/contacts/(\d+)/edit", page).group(1)
    assert _post(admin, f"/units/{quote(UNIT)}/contacts/{contact_id}/edit", page, label="日常群").status_code == 302
    [contact] = [c for c in _contacts(cli_run) if c["unit"] == UNIT]
    assert contact["kind"] == "wecom" and "（单位领导）" not in _page(admin)
    assert '"role": "leader"' in admin.get("/audit").get_data(as_text=True).replace("&#34;", '"')
