"""The Content-Security-Policy header: the settings' policy on every page and answer, built once
per process (core.csp), yet a view's own policy and a change of the settings still count."""

import pytest
from csp.utils import build_policy
from django.test import override_settings

pytestmark = pytest.mark.django_db


def directives(response, header="Content-Security-Policy") -> dict:
    return dict(part.strip().split(" ", 1) for part in response[header].split(";"))


def test_pages_and_answers_carry_the_settings_policy(client):
    for path in ("/", "/api/products", "/api/cart", "/no-such-page/"):
        response = client.get(path)
        assert response["Content-Security-Policy"] == build_policy(), path
        assert directives(response)["script-src"] == "'self'", path


def test_a_views_own_policy_is_its_own(client):
    redoc = directives(client.get("/api/redoc/"))
    assert redoc["worker-src"] == "blob:" and "'unsafe-inline'" in redoc["style-src"]
    assert "worker-src" not in directives(client.get("/"))  # and the others' is untouched


def test_a_change_of_the_settings_shows_at_once(client, settings):
    client.get("/")  # the header built from the settings as they were
    policy = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["https://cdn.example"]}}
    with override_settings(
        CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=policy
    ):
        response = client.get("/")
        assert directives(response)["img-src"] == "https://cdn.example"
        assert directives(response, "Content-Security-Policy-Report-Only")["img-src"] == (
            "https://cdn.example"
        )
    after = client.get("/")
    assert "https://cdn.example" not in after["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in after
