"""A real mail server for the tests that send over SMTP: aiosmtpd on 127.0.0.1, keeping what it
receives, told to refuse or stopped to see how the shop copes when mail can't go out."""

import email
import socket
from dataclasses import dataclass, field
from email import policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage


@dataclass
class MailServer:
    """An SMTP server on a fixed port: ``start()``/``stop()`` it, set ``refuse`` to have it
    answer every message with a permanent error. ``received`` holds what it accepted."""

    port: int = field(default_factory=free_port)
    refuse: bool = False
    received: list[Received] = field(default_factory=list)
    _controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "554 5.0.0 refused"
        self.received.append(
            Received(
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                message=email.message_from_bytes(envelope.content, policy=policy.default),
            )
        )
        return "250 2.0.0 Message accepted for delivery"

    def start(self) -> "MailServer":
        assert self._controller is None, "already running"
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


def _send_mail_to(settings, server: MailServer) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def smtp_server(settings):
    """A running server accepting every message; Django's mail goes to it."""
    server = MailServer().start()
    _send_mail_to(settings, server)
    yield server
    server.stop()


@pytest.fixture
def smtp_server_down(settings):
    """Django's mail goes to a port nobody listens on; ``start()`` brings the server up there."""
    server = MailServer()
    _send_mail_to(settings, server)
    yield server
    server.stop()
