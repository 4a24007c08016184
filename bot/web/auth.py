"""Login and logout. Failures are counted per name in the database (see accounts.login)."""
from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from bot.store.audit import record
from bot.web import accounts

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请填写密码"), Length(max=256)])


def _safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would let a link send the admin elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = accounts.login(g.db, form.username.data, form.password.data, g.now)
        except accounts.LoginRefused as refused:
            error = refused.message
            g.db.commit()  # the failure counts even though the answer is an error page
        else:
            session.clear()
            session.permanent = True
            session["sid"] = accounts.start_session(g.db, user, g.now)
            record(g.db, user.username, "登录", at=g.now)
            return redirect(_safe_next(request.args.get("next")))
    status = 401 if error else 200
    return render_template("login.html", form=form, error=error, note=request.args.get("note")), status


@bp.post("/logout")
def logout():
    accounts.end_session(g.db, session.get("sid"), g.now)
    session.clear()
    return redirect(url_for("auth.login"))
