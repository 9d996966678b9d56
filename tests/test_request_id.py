"""Every response carries X-Request-ID; every request writes one structured access line."""

import json
import logging
import re

import pytest

pytestmark = pytest.mark.django_db


def test_a_new_request_id_is_made_when_none_is_sent(client):
    first = client.get("/health")["X-Request-ID"]
    second = client.get("/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert re.fullmatch(r"[0-9a-f]{32}", second)
    assert first != second


def test_the_clients_request_id_is_echoed(client):
    response = client.get("/api/nothing-here", HTTP_X_REQUEST_ID="abc-123.trace:7")
    assert response["X-Request-ID"] == "abc-123.trace:7"
    assert response.json()["error"]["request_id"] == "abc-123.trace:7"


def test_an_unsafe_request_id_is_replaced(client):
    response = client.get("/health", HTTP_X_REQUEST_ID='evil" injected=1 ' + "x" * 300)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def access_lines(caplog):
    return [r for r in caplog.records if r.name == "shop.access"]


def test_one_access_line_per_request_with_its_fields(client, caplog, django_user_model):
    user = django_user_model.objects.create_user("ann", "ann@example.com", "pw-ann-12345")
    client.force_login(user)
    caplog.set_level(logging.INFO, logger="shop.access")
    response = client.get("/api/missing", HTTP_X_REQUEST_ID="req-42")

    [record] = access_lines(caplog)
    event = record.msg
    assert event["event"] == "request"
    assert event["request_id"] == "req-42" == response["X-Request-ID"]
    assert event["method"] == "GET"
    assert event["path"] == "/api/missing"
    assert event["status"] == 404
    assert event["user_id"] == user.pk
    assert isinstance(event["duration_ms"], float) and event["duration_ms"] >= 0


def test_access_line_renders_as_one_json_line(client, caplog, settings):
    caplog.set_level(logging.INFO, logger="shop.access")
    client.get("/health", HTTP_X_REQUEST_ID="json-line")
    [record] = access_lines(caplog)

    [console] = [h for h in logging.getLogger().handlers if h.name == "console"]
    formatter = console.formatter
    line = formatter.format(record)
    assert "\n" not in line
    event = json.loads(line)
    assert event["request_id"] == "json-line"
    assert event["user_id"] is None
    assert event["level"] == "info" and event["logger"] == "shop.access"
    assert event["timestamp"].endswith("Z")
