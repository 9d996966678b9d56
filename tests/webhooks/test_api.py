"""The staff API: register (the secret shown once), list, change, delete, the delivery log and
resending; bad input named; SSRF refused; staff only."""

import socket

import pytest

from tests.catalog import builders
from tests.conftest import bearer_client
from tests.webhooks.conftest import verify
from webhooks import network
from webhooks.models import EVENTS, Delivery, Endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_api(staff_user):
    return bearer_client(staff_user)


def register(client, **body):
    return client.post("/api/staff/webhooks", body, format="json")


def details(response) -> dict:
    return response.json()["error"]["details"]


def test_registering_shows_the_secret_once(staff_api, receiver, staff_user):
    response = register(staff_api, url=receiver.url, events=["order.paid", "stock.changed"])
    assert response.status_code == 201, response.content
    made = response.json()
    secret = made["secret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    assert made["secret_hint"] == f"{secret[:6]}...{secret[-4:]}"
    assert (made["url"], made["events"], made["is_active"]) == (
        receiver.url,
        ["order.paid", "stock.changed"],
        True,
    )
    assert Endpoint.objects.get().created_by == staff_user

    for shown in (
        staff_api.get("/api/staff/webhooks").content,
        staff_api.get(f"/api/staff/webhooks/{made['id']}").content,
        staff_api.patch(f"/api/staff/webhooks/{made['id']}", {}, format="json").content,
    ):
        assert secret.encode() not in shown and b'"secret"' not in shown
        assert made["secret_hint"].encode() in shown


def test_a_secret_of_ones_own_signs_the_deliveries(staff_api, receiver, committed):
    secret = "my-own-secret-0123456789"
    made = register(staff_api, url=receiver.url, events=["product.updated"], secret=secret).json()
    assert made["secret"] == secret
    product = builders.product("Lamp")
    committed(product.save)
    [got] = receiver.received
    assert verify(got, secret)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://hooks.example.com/in", "http:// or https://"),
        ("javascript:alert(1)", "http:// or https://"),
        ("hooks.example.com/in", "http:// or https://"),
        ("https:///in", "http:// or https://"),
        ("http://user:pw@127.0.0.1/in", "user name or password"),
        ("http://127.0.0.1:99999/in", "port"),
        ("http://127.0.0.1/" + "a" * 2000, "at most 2000 characters"),
        ("http://no-such-host.invalid/in", "could not be resolved"),
    ],
)
def test_a_bad_url_is_a_400_naming_url(staff_api, url, why):
    response = register(staff_api, url=url, events=["order.paid"])
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert why in details(response)["url"][0]
    assert not Endpoint.objects.exists()


def test_unknown_events_are_a_400_listing_the_known_ones(staff_api, receiver):
    response = register(staff_api, url=receiver.url, events=["order.paid", "order.shipped"])
    assert response.status_code == 400
    [why] = details(response)["events"]
    assert "order.shipped" in why and all(name in why for name in EVENTS)
    assert register(staff_api, url=receiver.url, events=[]).status_code == 400
    assert register(staff_api, url=receiver.url, events="order.paid").status_code == 400


def test_every_bad_field_is_named_at_once(staff_api):
    response = register(staff_api, url="ftp://x", events=["nope"], secret="short")
    assert response.status_code == 400
    assert set(details(response)) == {"url", "events", "secret"}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/in",
        "http://127.1.2.3/in",
        "http://10.0.0.8/in",
        "http://172.16.4.4/in",
        "http://192.168.1.20/in",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/in",
        "http://[::1]:8000/in",
        "http://[::ffff:127.0.0.1]/in",
        "http://[fe80::1]/in",
        "http://[fd00::1]/in",
        "http://localhost:8000/in",
    ],
)
def test_urls_inside_the_network_are_refused(settings, staff_api, url):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    response = register(staff_api, url=url, events=["order.paid"])
    assert response.status_code == 400, response.content
    assert "public addresses only" in details(response)["url"][0]


def test_private_urls_are_allowed_with_the_setting(staff_api, receiver):
    assert register(staff_api, url=receiver.url, events=["order.paid"]).status_code == 201
    assert (
        register(staff_api, url="http://localhost:8000/in", events=["order.paid"]).status_code
        == 201
    )


@pytest.fixture
def dns(monkeypatch):
    """Answers for hooks.example.com, as a DNS server would, one after the other."""
    answers: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host != "hooks.example.com":
            return real(host, port, *args, **kwargs)
        address = answers.pop(0) if len(answers) > 1 else answers[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(network.socket, "getaddrinfo", getaddrinfo)
    return answers


def test_a_name_that_resolves_inside_at_delivery_is_not_sent_to(
    settings, dns, staff_api, receiver, committed
):
    """DNS rebinding: public when registered, loopback when the delivery goes."""
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    dns += ["93.184.215.14", "127.0.0.1"]
    url = f"http://hooks.example.com:{receiver.port}/in"
    assert register(staff_api, url=url, events=["product.updated"]).status_code == 201
    committed(builders.product("Lamp").save)
    assert receiver.received == []
    delivery = Delivery.objects.get()
    assert delivery.status == "retrying"
    assert "resolves to 127.0.0.1" in delivery.log.get().error


def test_the_connection_goes_to_the_address_checked_with_the_host_named(
    dns, staff_api, receiver, committed
):
    dns.append("127.0.0.1")
    url = f"http://hooks.example.com:{receiver.port}/in"
    assert register(staff_api, url=url, events=["product.updated"]).status_code == 201
    committed(builders.product("Lamp").save)
    [got] = receiver.received
    assert got.headers["Host"] == f"hooks.example.com:{receiver.port}"


def test_changing_and_deleting_an_endpoint(staff_api, receiver):
    made = register(staff_api, url=receiver.url, events=["order.paid"]).json()
    path = f"/api/staff/webhooks/{made['id']}"
    changed = staff_api.patch(
        path, {"events": ["stock.changed"], "description": "ERP", "is_active": False}, format="json"
    ).json()
    assert (changed["events"], changed["description"], changed["is_active"]) == (
        ["stock.changed"],
        "ERP",
        False,
    )
    assert changed["disabled_reason"] == "Disabled by staff."
    again = staff_api.patch(path, {"is_active": True}, format="json").json()
    assert (again["is_active"], again["disabled_reason"], again["consecutive_failures"]) == (
        True,
        "",
        0,
    )
    bad = staff_api.patch(path, {"url": "gopher://x", "events": ["x"]}, format="json")
    assert bad.status_code == 400 and set(details(bad)) == {"url", "events"}
    assert staff_api.delete(path).status_code == 204
    assert staff_api.get(path).status_code == 404
    assert staff_api.delete(path).status_code == 404
    assert staff_api.get("/api/staff/webhooks/abc").status_code == 404


def test_the_delivery_log_and_resending(staff_api, receiver, committed):
    made = register(staff_api, url=receiver.url, events=["product.updated"]).json()
    receiver.script = [500]
    committed(builders.product("Lamp").save)
    path = f"/api/staff/webhooks/{made['id']}/deliveries"

    page = staff_api.get(path).json()
    assert (page["count"], page["limit"], page["offset"]) == (1, 20, 0)
    [delivery] = page["results"]
    assert (delivery["event"], delivery["status"], delivery["last_status_code"]) == (
        "product.updated",
        "retrying",
        500,
    )
    assert delivery["payload"]["id"] == delivery["event_id"]
    assert delivery["payload"]["data"]["product"]["name"] == "Lamp"
    [attempt] = delivery["attempts"]
    assert (attempt["status_code"], attempt["response_excerpt"]) == (500, "nope: 500")
    assert attempt["duration_ms"] >= 0 and attempt["at"]

    resent = committed(lambda: staff_api.post(f"{path}/{delivery['id']}/resend"))
    assert (resent.status_code, resent.json()["status"]) == (202, "pending")  # on its way
    [delivery] = staff_api.get(path).json()["results"]
    assert delivery["status"] == "succeeded"
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 200]
    assert len({r.headers["Webhook-Id"] for r in receiver.received}) == 1
    assert staff_api.post(f"{path}/999/resend").status_code == 404

    staff_api.patch(f"/api/staff/webhooks/{made['id']}", {"is_active": False}, format="json")
    refused = staff_api.post(f"{path}/{delivery['id']}/resend")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "endpoint_disabled"


def test_webhooks_are_for_staff_only(api, user_api, receiver):
    endpoint = Endpoint.objects.create(url=receiver.url, events=["order.paid"], secret="s" * 20)
    for path in (
        "/api/staff/webhooks",
        f"/api/staff/webhooks/{endpoint.pk}",
        f"/api/staff/webhooks/{endpoint.pk}/deliveries",
    ):
        assert api.get(path).status_code == 401
        assert user_api.get(path).status_code == 403
    assert register(user_api, url=receiver.url, events=["order.paid"]).status_code == 403
    assert user_api.delete(f"/api/staff/webhooks/{endpoint.pk}").status_code == 403
    assert Endpoint.objects.count() == 1
