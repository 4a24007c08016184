"""Opaque answer links: a random token per (unit, milestone or page, action), stored only as a hash.

The token is HMAC-SHA256(links key, the row's random salt), 192 bits in 32 URL-safe
characters. The database keeps its SHA-256 (the lookup) and the salt; without the key,
which lives in app_secrets beside the cookie key, neither gives the token back. Deriving it
instead of keeping it lets the same item carry the same link in every reminder (the outbox
deduplicates messages by their content) while a stolen row is still no link.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.answer_models import AnswerToken
from bot.store.console_models import AppSecret

KEY_NAME = "answer_links"
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32}")


def _key(session: Session) -> bytes:
    row = session.get(AppSecret, KEY_NAME)
    if row is None:
        row = AppSecret(name=KEY_NAME, value=secrets.token_hex(32))
        session.add(row)
        session.flush()
    return bytes.fromhex(row.value)


def _derive(key: bytes, salt: str) -> str:
    digest = hmac.new(key, salt.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:32]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def usable(row: AnswerToken, now: datetime) -> bool:
    return row.revoked_at is None and row.used_at is None and (row.expires_at is None or row.expires_at > now)


def _live_rows(session: Session, unit_id: int, milestone_id: int | None, action: str, now: datetime,
               occurrence: int | None = None):
    rows = session.scalars(select(AnswerToken).where(
        AnswerToken.unit_id == unit_id, AnswerToken.action == action,
        AnswerToken.milestone_id.is_(None) if milestone_id is None else AnswerToken.milestone_id == milestone_id,
        AnswerToken.occurrence.is_(None) if occurrence is None else AnswerToken.occurrence == occurrence,
    ).order_by(AnswerToken.id.desc()))
    return [row for row in rows if usable(row, now)]


def standing(session: Session, unit_id: int, milestone_id: int | None, action: str, now: datetime) -> str | None:
    """The usable token of this unit, milestone and action, if there is one (reads only)."""
    key = session.get(AppSecret, KEY_NAME)
    rows = _live_rows(session, unit_id, milestone_id, action, now) if key is not None else []
    return _derive(bytes.fromhex(key.value), rows[0].salt) if rows else None


def issue(session: Session, unit_id: int, milestone_id: int | None, action: str,
          expires_at: datetime | None, now: datetime, occurrence: int | None = None) -> str:
    """The token of this unit, milestone and action (and period of a reporting calendar): the
    standing one (its expiry moved on to `expires_at` if that is later), or a new one when none is usable."""
    key = _key(session)
    for row in _live_rows(session, unit_id, milestone_id, action, now, occurrence)[:1]:
        if row.expires_at is not None and (expires_at is None or expires_at > row.expires_at):
            row.expires_at = expires_at
        return _derive(key, row.salt)
    salt = secrets.token_hex(16)
    token = _derive(key, salt)
    session.add(AnswerToken(token_hash=token_hash(token), salt=salt, unit_id=unit_id, milestone_id=milestone_id,
                            action=action, occurrence=occurrence, created_at=now, expires_at=expires_at))
    session.flush()
    return token


def resolve(session: Session, token: str, now: datetime) -> AnswerToken | None:
    """The usable row of `token`, or None for a malformed, unknown, expired, revoked or used one
    (the caller answers all of them alike, so a prober learns nothing)."""
    if not TOKEN_RE.fullmatch(token or ""):
        return None
    row = session.scalar(select(AnswerToken).where(AnswerToken.token_hash == token_hash(token)))
    return row if row is not None and usable(row, now) else None


def revoke(session: Session, unit_id: int, actor: str, now: datetime, action: str | None = None) -> int:
    """Revoke every usable link of a unit (or only those of one action); the next reminder gets new ones."""
    query = select(AnswerToken).where(AnswerToken.unit_id == unit_id, AnswerToken.revoked_at.is_(None))
    if action is not None:
        query = query.where(AnswerToken.action == action)
    count = 0
    for row in session.scalars(query):
        row.revoked_at, row.revoked_by = now, actor[:64]
        count += 1
    return count
