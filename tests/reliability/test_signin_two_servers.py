"""The sign-in limit holds across server processes: attempts sent to two servers sharing Redis
are counted together, so spreading them out behind a load balancer gains an attacker nothing."""

import json
import socket
import urllib.error
import urllib.request

import pytest

from tests.conftest import full_mode_only
from tests.factories import UserFactory
from tests.realtime.test_two_servers import start_server, wait_until_up

pytestmark = [full_mode_only, pytest.mark.django_db(transaction=True)]


def free_ports(count: int, *, first: int = 8200, last: int = 8299) -> list[int]:
    found = []
    for port in range(first, last + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise AssertionError(f"no {count} free ports in {first}-{last}")


def sign_in(port: int, email: str, password: str) -> tuple[int, dict, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/auth/signin",
        data=json.dumps({"email": email, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers), json.loads(refused.read())


def test_the_sixth_sign_in_attempt_is_refused_whichever_server_gets_it():
    user = UserFactory()
    ports = free_ports(2)
    servers = [start_server(port) for port in ports]
    try:
        for port, server in zip(ports, servers):
            wait_until_up(port, server)
        statuses = [sign_in(ports[attempt % 2], user.email, "wrong")[0] for attempt in range(5)]
        assert statuses == [401] * 5
        for port in ports:  # the 6th and 7th, one on each server
            status, headers, body = sign_in(port, user.email, "wrong")
            assert status == 429 and body["error"]["code"] == "too_many_attempts", body
            assert int(headers["Retry-After"]) > 0
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)
