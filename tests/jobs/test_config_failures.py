"""F19: a redirect and an untrusted certificate are configuration errors, failed at once, not retried 8 times;
the certificate is this machine's to fix, so the contact stays enabled."""
from __future__ import annotations

from sqlalchemy import select

from bot.store import session_scope
from bot.store.models import FAILED, Contact, Message
from tests.jobs.test_dispatch import DUE, message
from tests.jobs.conftest import local
from tests.notify.conftest import tls_files  # noqa: F401 (the fixture)
from tests.support.loopback import LoopbackRobot, Reply


def due_message_to(office, clock, target: str):
    office.admin()
    uid = office.unit("保护处", robot=False)
    with session_scope(office.engine) as s:
        s.add(Contact(unit_id=uid, kind="wecom", target=target, mentions=[]))
    mid = office.milestone("专利盘点", DUE, [uid])
    office.reminder(mid, uid, local("2024-06-21"))
    clock.set(local("2024-06-21"))
    worker = office.worker(clock)
    worker.build_digests()
    return worker


def contact_enabled(engine, target: str) -> bool:
    with session_scope(engine) as s:
        return s.scalars(select(Contact.enabled).where(Contact.target == target)).one()


def test_a_redirecting_webhook_fails_at_once_without_following(office, clock):
    office.robot.script(Reply({}, status=302, headers=(("Location", f"{office.robot.url}/elsewhere"),)))
    worker = due_message_to(office, clock, office.url("保护处"))
    report = worker.dispatch()
    assert report.failed == 1 and report.retry == 0
    sent = message(office.engine)
    assert sent.status == FAILED and sent.attempts == 1 and "跳转（HTTP 302）" in sent.last_error
    assert len(office.received_by("保护处")) == 1
    assert all(r.path == "/cgi-bin/webhook/send" for r in office.robot.received)  # the redirect was not followed


def test_an_untrusted_certificate_fails_at_once_and_keeps_the_contact(office, clock, tls_files, monkeypatch):  # noqa: F811
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with LoopbackRobot(tls=tuple(map(str, tls_files))) as secure:
        target = f"{secure.url}/cgi-bin/webhook/send?key=tlskey-12345678"
        worker = due_message_to(office, clock, target)
        report = worker.dispatch()
        assert secure.received == []
    assert report.failed == 1 and report.retry == 0
    with session_scope(office.engine) as s:
        [failed] = s.scalars(select(Message).where(Message.status == FAILED))
        assert failed.attempts == 1 and "SSL_CERT_FILE" in failed.last_error
    assert contact_enabled(office.engine, target)
