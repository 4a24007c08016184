"""Logging in and staying safe: locks, idle expiry, CSRF, roles, headers, escaping."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.store import open_store, session_scope
from bot.store.console_models import LoginFailure, WebSession
from tests.web.conftest import ADMIN_PASSWORD, VIEWER_PASSWORD, csrf_of, log_in


def test_every_page_but_login_sends_a_stranger_to_login(app):
    client = app.test_client()
    for path in ("/", "/audit"):
        answer = client.get(path)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert client.get("/login").status_code == 200


def test_a_right_password_opens_the_dashboard_and_a_wrong_one_says_so_without_saying_which(app):
    client = app.test_client()
    wrong = log_in(client, "admin", "not-the-password")
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.get_data(as_text=True)
    unknown = log_in(client, "nobody", "not-the-password")
    assert unknown.get_data(as_text=True).count("用户名或密码错误") == 1
    assert log_in(client, "admin", ADMIN_PASSWORD).headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "各单位完成情况" in page and "知识产权保护处" in page


def test_five_failures_in_fifteen_minutes_lock_the_name_for_fifteen_minutes(app, clock, db_url):
    client = app.test_client()
    for _ in range(5):
        clock.advance(minutes=2)
        log_in(client, "admin", "wrong-password-x")
    locked = log_in(client, "admin", ADMIN_PASSWORD)
    assert locked.status_code == 401 and "已锁定" in locked.get_data(as_text=True)
    clock.advance(minutes=14)
    assert "已锁定" in log_in(client, "admin", ADMIN_PASSWORD).get_data(as_text=True)
    clock.advance(minutes=2)
    assert log_in(client, "admin", ADMIN_PASSWORD).status_code == 302
    with session_scope(open_store(db_url)) as s:  # a success clears the name's count
        assert s.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_failures_spread_wider_than_the_window_do_not_lock(app, clock):
    client = app.test_client()
    for _ in range(6):
        clock.advance(minutes=4)
        log_in(client, "admin", "wrong-password-x")
    assert log_in(client, "admin", ADMIN_PASSWORD).status_code == 302


def test_a_session_idle_for_eight_hours_goes_back_to_login(admin, clock):
    clock.advance(hours=7, minutes=59)
    assert admin.get("/").status_code == 200
    clock.advance(hours=8, minutes=1)
    answer = admin.get("/")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert "8" in admin.get(answer.headers["Location"]).get_data(as_text=True)


def test_logout_ends_the_session_in_the_database(admin, db_url):
    admin.post("/logout", data={"csrf_token": csrf_of(admin.get("/").get_data(as_text=True))})
    assert admin.get("/").status_code == 302
    with session_scope(open_store(db_url)) as s:
        assert s.scalars(select(WebSession)).one().ended_at is not None


def test_a_post_without_or_with_a_wrong_csrf_token_is_refused(app):
    client = app.test_client()
    assert client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD}).status_code == 400
    client.get("/login")
    refused = client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD, "csrf_token": "forged"})
    assert refused.status_code == 400 and "表单已过期" in refused.get_data(as_text=True)


def test_a_viewer_can_look_but_not_change(viewer):
    assert viewer.get("/").status_code == 200
    token = csrf_of(viewer.get("/").get_data(as_text=True))
    refused = viewer.post("/", data={"csrf_token": token})
    assert refused.status_code == 403 and "只读账号" in refused.get_data(as_text=True)


def test_a_disabled_account_is_logged_out_at_once(admin, cli_run):
    cli_run("users", "disable", "admin")
    assert admin.get("/").status_code == 302


def test_every_answer_carries_the_security_headers_and_the_cookie_flags(app):
    client = app.test_client()
    page = client.get("/login")
    csp = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["X-Content-Type-Options"] == "nosniff"
    answer = client.post("/login", data={"username": "viewer", "password": VIEWER_PASSWORD,
                                         "csrf_token": csrf_of(page.get_data(as_text=True))})
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_next_parameter_cannot_send_the_admin_to_another_site(app):
    client = app.test_client()
    page = client.get("/login?next=//evil.example/x")
    answer = client.post("/login?next=//evil.example/x", data={
        "username": "admin", "password": ADMIN_PASSWORD, "csrf_token": csrf_of(page.get_data(as_text=True))})
    assert answer.headers["Location"] == "/"


def test_no_password_hash_appears_in_any_page(admin, db_url):
    from bot.store.console_models import User

    with session_scope(open_store(db_url)) as s:
        hashes = [u.password_hash for u in s.scalars(select(User))]
    for path in ("/", "/audit", "/login"):
        body = admin.get(path).get_data(as_text=True)
        assert not any(h in body or h.split("$")[-1] in body for h in hashes)
