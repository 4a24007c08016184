"""Console accounts: passwords (Argon2 through pwdlib), the login lock and browser sessions.

No Flask here: the `users` command and the web pages share these rules, and every count
lives in the database so any number of console processes agree.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from pwdlib import PasswordHash
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.errors import DubanError
from bot.store.console_models import ROLES, AppSecret, LoginFailure, User, WebSession
from bot.store.models import utcnow

LOCK_AFTER = 5  # failed logins …
LOCK_WINDOW = timedelta(minutes=15)  # … within this window lock the name …
LOCK_FOR = timedelta(minutes=15)  # … for this long after the last of them
IDLE_LIMIT = timedelta(hours=8)
SEEN_EVERY = timedelta(minutes=1)  # last_seen is written at most this often
MIN_PASSWORD = 10
_NAME = re.compile(r"^[\w.\-@]{1,64}$")

_hasher = PasswordHash.recommended()
# Verifying against this when the name is unknown costs the same time as a real check,
# so the answer time does not tell which names exist.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class LoginRefused(Exception):
    """A login that did not succeed; `message` is safe to show (it never says which part was wrong)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_username(name: str) -> str:
    name = (name or "").strip()
    if not _NAME.match(name):
        raise DubanError(f"用户名「{name[:40]}」无效：只能用 1–64 个字母、数字、汉字或 . _ - @，不含空格")
    return name


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise DubanError(f"密码太短：至少 {MIN_PASSWORD} 个字符")
    if password != password.strip() or "\n" in password:
        raise DubanError("密码首尾不能有空格或换行")
    return password


def find_user(session: Session, name: str) -> User:
    user = session.scalars(select(User).where(User.username == name)).one_or_none()
    if user is None:
        raise DubanError(f"没有名为「{name[:40]}」的用户。用 python -m bot users list 查看已有用户")
    return user


def add_user(session: Session, name: str, role: str, password: str) -> User:
    name = check_username(name)
    if role not in ROLES:
        raise DubanError(f"角色「{role}」无效：应为 {' 或 '.join(ROLES)}")
    if session.scalars(select(User).where(User.username == name)).one_or_none() is not None:
        raise DubanError(f"用户「{name}」已存在。要改密码请用 python -m bot users reset {name} --password-stdin")
    user = User(username=name, role=role, password_hash=_hasher.hash(check_password(password)))
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """A new password ends every session of the user: whoever had the old one is logged out."""
    user.password_hash = _hasher.hash(check_password(password))
    end_sessions(session, user)


def end_sessions(session: Session, user: User, now: datetime | None = None) -> None:
    for row in session.scalars(select(WebSession).where(WebSession.user_id == user.id, WebSession.ended_at.is_(None))):
        row.ended_at = now or utcnow()


def locked_until(session: Session, name: str, now: datetime) -> datetime | None:
    """The end of the lock on `name`, if LOCK_AFTER failures fell within LOCK_WINDOW lately."""
    times = list(session.scalars(select(LoginFailure.at).where(
        LoginFailure.username == name, LoginFailure.at > now - LOCK_WINDOW - LOCK_FOR).order_by(LoginFailure.at)))
    until = None
    for first, last in zip(times, times[LOCK_AFTER - 1:]):
        if last - first <= LOCK_WINDOW and now < last + LOCK_FOR:
            until = last + LOCK_FOR
    return until


def login(session: Session, name: str, password: str, now: datetime) -> User:
    """The user whose name and password these are, or LoginRefused (a failure is counted)."""
    name = (name or "").strip()[:64]
    until = locked_until(session, name, now)
    if until is not None:
        raise LoginRefused(f"登录失败次数过多，该用户名已锁定，请于 {until.astimezone():%H:%M} 后再试，或请管理员重置密码")
    user = session.scalars(select(User).where(User.username == name)).one_or_none()
    valid = _hasher.verify(password or "", user.password_hash if user else _DUMMY_HASH)
    if user is None or not valid or user.disabled_at is not None:
        session.add(LoginFailure(username=name, at=now))
        raise LoginRefused("用户名或密码错误（或该账号已停用）")
    session.execute(delete(LoginFailure).where(LoginFailure.username == name))
    user.last_login_at = now
    return user


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: User, now: datetime) -> str:
    """A new browser session; the token goes into the signed cookie, only its hash into the table."""
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=_hash(token), user_id=user.id, created_at=now, last_seen=now))
    return token


@dataclass(frozen=True)
class Resumed:
    user: User | None
    expired: bool = False  # the session existed but was idle too long


def resume_session(session: Session, token: str | None, now: datetime) -> Resumed:
    if not token:
        return Resumed(None)
    row = session.get(WebSession, _hash(token))
    if row is None or row.ended_at is not None or row.user.disabled_at is not None:
        return Resumed(None)
    if now - row.last_seen > IDLE_LIMIT:
        row.ended_at = now
        return Resumed(None, expired=True)
    if now - row.last_seen > SEEN_EVERY:
        row.last_seen = now
    return Resumed(row.user)


def end_session(session: Session, token: str | None, now: datetime) -> None:
    row = session.get(WebSession, _hash(token)) if token else None
    if row is not None and row.ended_at is None:
        row.ended_at = now


def app_secret(session: Session, name: str = "console-signing-key") -> str:
    """The key shared by every console process, made by whichever starts first."""
    found = session.get(AppSecret, name)
    if found is not None:
        return found.value
    try:
        with session.begin_nested():
            session.add(AppSecret(name=name, value=secrets.token_hex(32)))
    except IntegrityError:
        pass  # another process made it first
    return session.get(AppSecret, name).value
