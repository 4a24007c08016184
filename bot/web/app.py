"""The Flask application: one database session per request, the logged-in user, the guards.

Guards, in order, for every request: a signed session cookie names a web_sessions row
(idle 8 hours → back to login); a POST carries a valid CSRF token (Flask-WTF); only an
admin may POST anything but login/logout; every answer carries CSP, frame-ancestors and
no-sniff headers.
"""
from __future__ import annotations

import os
from pathlib import Path
from datetime import datetime, timedelta
from typing import Callable

from flask import Flask, abort, g, redirect, render_template, request, send_from_directory, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.orm import sessionmaker
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.config.settings import Settings, load_settings
from bot.errors import DubanError
from bot.store import open_store
from bot.store.models import utcnow
from bot.store.office_settings import effective_settings
from bot.web import accounts

PUBLIC = {"auth.login", "static", "health", "htmx"}
# The units' pages (bot/web/answers.py): no login, the link's token is the credential.
PUBLIC |= {"answers.show", "answers.act", "answers.item", "answers.item_act", "answers.calendar",
           "answers.calendar_renew"}
# htmx.min.js as npm installs it (package-lock.json); the image sets DUBAN_HTMX_DIR.
HTMX_DIR = Path(os.environ.get("DUBAN_HTMX_DIR") or Path(__file__).resolve().parents[2] / "node_modules" / "htmx.org" / "dist")
UPLOAD_LIMIT = 20 * 1024 * 1024
PROXY_HOPS_ENV = "DUBAN_PROXY_HOPS"
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def proxy_hops() -> int:
    """How many reverse proxies stand in front (DUBAN_PROXY_HOPS, default 0: headers are not trusted,
    so nobody can claim another address by sending X-Forwarded-For)."""
    raw = os.environ.get(PROXY_HOPS_ENV, "").strip()
    if not raw:
        return 0
    if not raw.isdigit() or int(raw) > 5:
        raise DubanError(f"环境变量 {PROXY_HOPS_ENV} 应为控制台前面反向代理的层数（0–5 的整数，通常为 1），实际为 {raw!r}。")
    return int(raw)


def create_app(url: str | None = None, *, settings: Settings | None = None,
               clock: Callable[[], datetime] = utcnow) -> Flask:
    """The console on the database at `url` (default: the configured one).

    `clock` gives the current instant; tests pass a movable one to expire sessions and locks.
    """
    settings = settings or load_settings()
    engine = open_store(url or settings.database_url, create=False)
    make_session = sessionmaker(engine, expire_on_commit=False)
    app = Flask(__name__)
    with make_session.begin() as db:
        secret = accounts.app_secret(db)
        public_url = os.environ.get("DUBAN_PUBLIC_URL") or effective_settings(db, settings).public_url or ""
    app.config.update(
        SECRET_KEY=secret,
        SESSION_COOKIE_NAME="duban_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=public_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=accounts.IDLE_LIMIT,
        MAX_CONTENT_LENGTH=UPLOAD_LIMIT,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session, which expires on its own
    )
    hops = proxy_hops()
    if hops:  # the client's address (the units' rate limit) and scheme from the proxy's X-Forwarded-* headers
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.extensions["duban"] = {"settings": settings, "clock": clock, "engine": engine, "sessions": make_session}
    CSRFProtect(app)

    @app.before_request
    def open_db_and_user():
        g.db = make_session()
        g.now = clock()
        g.settings = effective_settings(g.db, settings)  # a console change is in force at the next request
        resumed = accounts.resume_session(g.db, session.get("sid"), g.now)
        g.user = resumed.user
        if request.endpoint in PUBLIC:
            return None
        if g.user is None:
            session.pop("sid", None)
            note = "登录已超过 8 小时未操作，请重新登录" if resumed.expired else None
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?"), note=note))
        if request.method == "POST" and not g.user.is_admin and request.endpoint != "auth.logout":
            abort(403)
        return None

    @app.teardown_request
    def close_db(error):
        db = g.pop("db", None)
        if db is None:
            return
        try:
            if error is None:
                db.commit()
            else:
                db.rollback()
        finally:
            db.close()

    @app.after_request
    def secure_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.errorhandler(CSRFError)
    def csrf_refused(error):
        return render_template("error.html", title="请求已过期", message="表单已过期或来源不明，请刷新页面后重试。"), 400

    @app.errorhandler(403)
    def forbidden(error):
        return render_template("error.html", title="没有权限", message="只读账号可以查看，但不能修改。如需修改，请联系管理员。"), 403

    @app.errorhandler(404)
    def not_found(error):
        return render_template("error.html", title="找不到页面", message="该页面不存在或已被删除。"), 404

    @app.errorhandler(413)
    def too_large(error):
        limit = UPLOAD_LIMIT // 1024 // 1024
        return render_template("error.html", title="文件过大", message=f"上传的文件超过 {limit} MB，请拆分或压缩后再上传。"), 413

    @app.get("/healthz")
    def health():
        return {"ok": True}

    @app.get("/static/vendor/htmx.min.js")
    def htmx():
        """htmx from node_modules (pinned in package-lock.json); absent, pages work without it."""
        return send_from_directory(HTMX_DIR, "htmx.min.js", max_age=86400)

    from bot.web import (answers, approvals, auth, contacts, dashboard, deliveries, documents, reporting, reports,
                         review, settings_page, statistics, units)

    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(reporting.bp)
    app.register_blueprint(units.bp)
    app.register_blueprint(contacts.bp)
    app.register_blueprint(deliveries.bp)
    app.register_blueprint(settings_page.bp)
    app.register_blueprint(answers.bp)
    app.register_blueprint(approvals.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(statistics.bp)
    app.jinja_env.globals["now_local"] = lambda: g.now.astimezone(settings.tz)
    app.permanent_session_lifetime = timedelta(hours=8)
    return app
