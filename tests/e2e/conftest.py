"""End-to-end tests in real headless Chromium: the Debian `chromium` package driven by
Playwright through `executable_path` (never `playwright install`, which downloads a browser).

The console runs in a thread on a loopback port, on a private store, with a clock fixed in
the sample list's year so its plan is live. Each step saves a screenshot under
build/e2e-screenshots/ (DUBAN_E2E_SHOTS to change), which docs/console.md shows.
"""
from __future__ import annotations

import os
import shutil
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(os.environ.get("DUBAN_E2E_SHOTS", ROOT / "build" / "e2e-screenshots"))
ADMIN, PASSWORD = "督办员", "e2e-测试-密码-2024"


def _need_browser():
    reason = f"需要 Debian 的 chromium（{CHROMIUM}）和 Python 的 playwright"
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing = True
    else:
        missing = not Path(CHROMIUM).exists()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(reason + "：CI 中端到端测试必须运行（.ci/run 会安装 chromium 和 fonts-noto-cjk）")
        pytest.skip(reason)


@pytest.fixture
def db_url(sqlite_url):
    """One database is enough here: the route tests cover PostgreSQL."""
    return sqlite_url


@pytest.fixture
def console_clock():
    """The console's clock: a test replaying further months overrides this fixture."""
    return lambda: datetime(2024, 6, 20, 1, 0, tzinfo=timezone.utc)


@pytest.fixture
def console(store_config, db_url, console_clock):
    """The console's address, with one admin account and nothing imported."""
    from werkzeug.serving import make_server

    from bot.web import create_app

    _need_browser()
    runner = CliRunner()
    added = runner.invoke(cli, ["users", "add", ADMIN, "--role", "admin", "--password-stdin"], input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    app = create_app(db_url, clock=console_clock)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    _need_browser()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        yield context.new_page()
        context.close()
        browser.close()


@pytest.fixture
def shot(request):
    """shot(page, "01-login") saves a full-page screenshot for this test; shot(page, name, locator)
    saves just that part of the page (a long review screen is unreadable whole)."""
    folder = SHOTS / request.node.name.split("[")[0]
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, part=None) -> Path:
        path = folder / f"{name}.png"
        if part is not None:
            part.screenshot(path=str(path))
        else:
            page.screenshot(path=str(path), full_page=True)
        return path

    return take
