"""Real servers on loopback for the channel tests: a robot (HTTP) and an SMTP server."""
from __future__ import annotations

import os
import socket
import ssl
import subprocess
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.support.loopback import LoopbackRobot

SMTP_USER = "duban@example.gov.cn"
SMTP_PASSWORD = "s3cretAuthCode-xyz-7Qp"
REFUSED_ADDRESS = "nobody@example.gov.cn"


@pytest.fixture(autouse=True)
def clean_smtp_environment(monkeypatch):
    """SMTP options fall back to DUBAN_SMTP_* variables: tests start without any."""
    for name in [n for n in os.environ if n.startswith("DUBAN_SMTP_")]:
        monkeypatch.delenv(name)


@pytest.fixture
def robot():
    with LoopbackRobot() as server:
        yield server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    """What the SMTP server accepted: envelopes with their raw content."""

    envelopes: list = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED_ADDRESS:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == SMTP_USER \
        and auth_data.password.decode() == SMTP_PASSWORD
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, made with the openssl command line."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


def start_smtp(mode: str, tls_files=None):
    mailbox = Mailbox()
    kwargs = dict(hostname="127.0.0.1", port=free_port(), authenticator=_authenticator)
    if tls_files:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*map(str, tls_files))
        if mode == "ssl":  # aiosmtpd counts only STARTTLS as TLS when offering AUTH
            kwargs.update(ssl_context=context, auth_require_tls=False)
        else:
            kwargs.update(tls_context=context, require_starttls=True)
    else:
        kwargs["auth_require_tls"] = False
    controller = Controller(mailbox, **kwargs)
    controller.start()
    return controller, mailbox


@pytest.fixture
def smtp_plain():
    controller, mailbox = start_smtp("plain")
    yield controller.port, mailbox
    controller.stop()
