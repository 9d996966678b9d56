"""A real HTTP receiver for the webhook tests: http.server on 127.0.0.1 in a thread, keeping
every request it gets and answering each from a script (a status, a long wait, an answer
dripped byte by byte, a redirect), 200 once the script is used up."""

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webhooks import services


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    script: list = field(default_factory=list)  # 500, ("sleep", 3), ("drip", 5), ("redirect", url)
    received: list[Received] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(Received(self.path, dict(self.headers), body))
                step = receiver.script.pop(0) if receiver.script else 200
                kind, arg = step if isinstance(step, tuple) else ("status", step)
                if kind == "sleep":
                    time.sleep(arg)
                    kind, arg = "status", 200
                if kind == "drip":  # 200 and a body that never quite ends
                    self.send_response(200)
                    self.send_header("Content-Length", "1000")
                    self.end_headers()
                    end = time.monotonic() + arg
                    while time.monotonic() < end:
                        try:
                            self.wfile.write(b".")
                            self.wfile.flush()
                        except OSError:
                            return
                        time.sleep(0.05)
                    return
                if kind == "redirect":
                    self.send_response(302)
                    self.send_header("Location", arg)
                    self.end_headers()
                    return
                answer = b"ok" if 200 <= arg < 300 else f"nope: {arg}".encode()
                self.send_response(arg)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks?from=shop"

    def events(self) -> list[str]:
        return [r.json["event"] for r in self.received]


@pytest.fixture(autouse=True)
def _private_addresses_allowed(settings):
    """The receiver is on loopback; the SSRF tests turn this off again."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def receiver():
    running = Receiver().start()
    yield running
    running.stop()


@pytest.fixture
def subscribe(receiver, staff_user):
    """subscribe(events, **fields) -> (endpoint, secret): an endpoint at the receiver."""

    def subscribe(events, **fields):
        fields.setdefault("url", receiver.url)
        return services.create_endpoint(events=events, created_by=staff_user, **fields)

    return subscribe


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run ``call`` and then what it left for after commit (the tasks), as a commit would."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def verify(received: Received, secret: str) -> bool:
    """API.md's recipe, as a receiver would write it."""
    message_id = received.headers["Webhook-Id"]
    timestamp = received.headers["Webhook-Timestamp"]
    signed = f"{message_id}.{timestamp}.".encode() + received.body
    expected = "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received.headers["Webhook-Signature"])
