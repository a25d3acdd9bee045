"""Email to an SMTP server that speaks TLS, implicit (465) or after STARTTLS (587), trusting the CA bundle configured
(`PACER_NOTIFICATIONS_SMTP_CAFILE`): every message of a run arrives, and a server whose certificate the bundle does
not vouch for gets none."""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pacer_notifications.adapters.channels.email import SmtpConfig, SmtpSender, compose, send
from pacer_notifications.main import build
from pacer_notifications.settings import NotificationsSettings
from pacer_testkit.stack import Stack, bearer, free_port, in_process


@dataclass
class Authority:
    """A CA of this test's own and a certificate it issued for 127.0.0.1."""

    ca_file: Path
    cert_file: Path
    key_file: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _issue(tmp: Path, label: str) -> Authority:
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{label} CA"))
        .issuer_name(_name(f"{label} CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    authority = Authority(tmp / f"{label}-ca.pem", tmp / f"{label}-cert.pem", tmp / f"{label}-key.pem")
    authority.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    authority.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    authority.key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return authority


class Inbox:
    def __init__(self) -> None:
        self.subjects: list[str] = []
        self.peers: set[Any] = set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.subjects.append(str(message_from_bytes(envelope.content)["Subject"]))
        self.peers.add(session.peer)
        return "250 OK"


@pytest.fixture
def authority(tmp_path: Path) -> Authority:
    return _issue(tmp_path, "pacer-test")


@pytest.fixture(params=["tls", "starttls"])
def tls_server(request: pytest.FixtureRequest, authority: Authority) -> Iterator[tuple[str, int, Inbox]]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(authority.cert_file, authority.key_file)
    inbox, port = Inbox(), free_port()
    security = request.param
    if security == "tls":
        controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=context)
    else:
        controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True)
    controller.start()
    try:
        yield security, port, inbox
    finally:
        controller.stop()


def _message(n: int) -> EmailMessage:
    return compose("pacer@example.com", "Ann", "ann@example.com", f"Goal achieved {n}", "text", "<p>html</p>", f"d-{n}")


async def test_every_message_arrives_over_tls_trusting_the_configured_bundle(
    tls_server: tuple[str, int, Inbox], authority: Authority
) -> None:
    security, port, inbox = tls_server
    config = SmtpConfig("127.0.0.1", port, "pacer@example.com", security=security, cafile=str(authority.ca_file))
    outcomes = [await send(config, _message(n)) for n in range(3)]
    assert [o.delivered for o in outcomes] == [True, True, True], [o.reason for o in outcomes]
    assert inbox.subjects == ["Goal achieved 0", "Goal achieved 1", "Goal achieved 2"]


async def test_a_server_the_bundle_does_not_vouch_for_gets_nothing(
    tls_server: tuple[str, int, Inbox], tmp_path: Path
) -> None:
    security, port, inbox = tls_server
    stranger = _issue(tmp_path, "stranger")
    config = SmtpConfig("127.0.0.1", port, "pacer@example.com", security=security, cafile=str(stranger.ca_file))
    outcome = await send(config, _message(0))
    assert not outcome.delivered
    assert outcome.retryable, "a certificate problem is fixed by an operator, then the send succeeds"
    assert "CERTIFICATE_VERIFY_FAILED" in outcome.reason
    assert inbox.subjects == []


async def test_messages_in_a_row_share_one_secured_connection(
    tls_server: tuple[str, int, Inbox], authority: Authority
) -> None:
    security, port, inbox = tls_server
    config = SmtpConfig("127.0.0.1", port, "pacer@example.com", security=security, cafile=str(authority.ca_file))

    async with SmtpSender(config, keepalive_seconds=30) as sender:
        outcomes = [await sender.send(_message(n)) for n in range(3)]

    assert all(o.delivered for o in outcomes), outcomes
    assert inbox.subjects == ["Goal achieved 0", "Goal achieved 1", "Goal achieved 2"]
    assert len(inbox.peers) == 1, "one handshake for the three messages"


async def test_a_rotated_bundle_is_trusted_from_the_next_send_on(
    tls_server: tuple[str, int, Inbox], authority: Authority, tmp_path: Path
) -> None:
    security, port, inbox = tls_server
    bundle = tmp_path / "mounted-ca.pem"
    bundle.write_bytes(_issue(tmp_path, "stranger").ca_file.read_bytes())
    config = SmtpConfig("127.0.0.1", port, "pacer@example.com", security=security, cafile=str(bundle))
    assert not (await send(config, _message(0))).delivered

    # Replaced the way a renewed Kubernetes secret is: a new file moved into place.
    renewed = tmp_path / "renewed-ca.pem"
    renewed.write_bytes(authority.ca_file.read_bytes())
    renewed.replace(bundle)
    outcome = await send(config, _message(1))
    assert outcome.delivered, outcome.reason
    assert inbox.subjects == ["Goal achieved 1"]


async def test_an_admins_test_send_reaches_a_tls_server_through_the_services_settings(
    tls_server: tuple[str, int, Inbox],
    authority: Authority,
    stack: Stack,
    namespace: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    security, port, inbox = tls_server
    smtp = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_SECURITY": security,
        "SMTP_CAFILE": str(authority.ca_file),
    }
    env = stack.service_env(namespace, "notifications", **{f"PACER_NOTIFICATIONS_{k}": v for k, v in smtp.items()})
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    async with in_process(build(NotificationsSettings())) as http:
        sent = await http.post(
            "/v1/test-send", json={"channel": "email", "to": "ops@example.com"}, headers=bearer("root", "admin")
        )
    assert sent.status_code == 200, sent.text
    assert sent.json()["delivered"] is True, sent.json()
    assert inbox.subjects == ["Pacer test message"]
