"""Where a webhook may be sent, and the one POST that sends it.

An endpoint's host must resolve to public addresses only (unless WEBHOOKS_ALLOW_PRIVATE):
checked when it is registered and again at every delivery, and the connection goes to the
address that was checked, so a name that resolves elsewhere the second time (DNS rebinding)
reaches nothing inside. Redirects are not followed. The whole exchange, from connecting to the
last byte read, ends at the timeout: a receiver that answers slowly, or drips its answer,
holds a worker no longer than that.
"""

import http.client
import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

MAX_URL_LENGTH = 2000
EXCERPT_CHARS = 500
READ_BYTES = 2048  # of the answer's body: enough for the excerpt


class Refused(Exception):
    """The URL is not one the shop sends to; the message says why, for people."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query


def check_url(url: str) -> str:
    """``url`` stripped, when webhooks may be sent there; else a ValidationError naming url."""
    url = (url or "").strip()
    try:
        target(url)
    except Refused as exc:
        raise ValidationError({"url": [str(exc)]}) from exc
    return url


def target(url: str) -> Target:
    """Parse and check ``url`` and its host's addresses; raises Refused."""
    _, target_ = _resolve(url)
    return target_


def _resolve(url: str) -> tuple[str, Target]:
    """The address to connect to for ``url`` and where on it, after every check."""
    if len(url) > MAX_URL_LENGTH:
        raise Refused(f"A webhook URL is at most {MAX_URL_LENGTH} characters.")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("A webhook URL starts with http:// or https:// and names a host.")
    if parts.username is not None or parts.password is not None:
        raise Refused("A webhook URL can't carry a user name or password.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise Refused("The URL's port is not a number from 1 to 65535.") from exc
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Refused(f"The host {parts.hostname} could not be resolved.") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if not settings.WEBHOOKS_ALLOW_PRIVATE:
        inside = [address for address in addresses if not is_public(address)]
        if inside:
            raise Refused(
                f"{parts.hostname} resolves to {inside[0]}, a loopback, private or link-local "
                "address: webhooks go to public addresses only."
            )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return addresses[0], Target(parts.scheme, parts.hostname, port, path)


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone doesn't count
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback
    return ip.is_global and not ip.is_multicast


@dataclass(frozen=True)
class Answer:
    """How one POST went."""

    status_code: int | None
    duration_ms: int
    excerpt: str = ""
    error: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 and not self.error


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST ``body`` to ``url``; never raises for the receiver's faults, it tells them."""
    started = time.monotonic()

    def answer(status_code=None, excerpt="", error="") -> Answer:
        duration = int((time.monotonic() - started) * 1000)
        return Answer(status_code, duration, excerpt[:EXCERPT_CHARS], error[:300])

    try:
        address, where = _resolve(url)
    except Refused as exc:
        return answer(error=f"Refused: {exc}")
    deadline = started + timeout
    connection_class = _PinnedHTTPS if where.scheme == "https" else _PinnedHTTP
    connection = connection_class(where.host, where.port, address=address, deadline=deadline)
    # A receiver may answer each read just in time, again and again: past the deadline the
    # socket is shut, which ends whatever read is waiting.
    watchdog = threading.Timer(timeout, connection.cut)
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request("POST", where.path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(READ_BYTES).decode("utf-8", "replace").strip()
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if connection.was_cut or time.monotonic() >= deadline or isinstance(exc, TimeoutError):
            return answer(error=f"Timed out after {timeout:g} s.")
        return answer(error=f"{type(exc).__name__}: {exc}")
    finally:
        watchdog.cancel()
        connection.close()
    if connection.was_cut:  # the answer was cut short: it didn't end in time
        return answer(response.status, excerpt, f"Timed out after {timeout:g} s.")
    if 300 <= response.status < 400:
        location = response.getheader("Location", "")
        return answer(response.status, excerpt, f"Redirect to {location} not followed.")
    return answer(response.status, excerpt)


class _Pinned:
    """An HTTP(S) connection to the address that was checked, whatever the host resolves to
    now; the host still names the site (Host header, TLS server name and certificate)."""

    def __init__(self, host: str, port: int, *, address: str, deadline: float):
        super().__init__(host, port, timeout=max(deadline - time.monotonic(), 0.001))
        self.address, self.deadline, self.was_cut = address, deadline, False
        self.live_sock = None  # kept after close(): the response still reads from it
        self._create_connection = self._connect_to_address

    def connect(self):
        super().connect()
        self.live_sock = self.sock  # for HTTPS, the TLS socket wrapped around the TCP one

    def _connect_to_address(self, _where, timeout, source_address=None):
        sock = socket.create_connection((self.address, self.port), timeout, source_address)
        if time.monotonic() >= self.deadline:
            sock.close()
            raise TimeoutError("connected too late")
        return sock

    def cut(self) -> None:
        self.was_cut = True
        sock = self.live_sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # closed already


class _PinnedHTTP(_Pinned, http.client.HTTPConnection):
    pass


class _PinnedHTTPS(_Pinned, http.client.HTTPSConnection):
    pass
