"""The admin: adding an endpoint shows its secret once, a bad URL is refused on the form, a
disabled endpoint is called out, and deliveries are resent from the log."""

import re

import pytest

from tests.catalog import builders
from webhooks import services
from webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-boss-2026")
    )
    return client


def test_adding_an_endpoint_shows_its_secret_once(boss, receiver):
    response = boss.post(
        "/admin/webhooks/endpoint/add/",
        {"url": receiver.url, "description": "ERP", "events": ["order.paid", "return.refunded"]},
        follow=True,
    )
    assert response.status_code == 200
    endpoint = Endpoint.objects.get()
    assert (endpoint.events, endpoint.description) == (["order.paid", "return.refunded"], "ERP")
    assert endpoint.created_by.username == "boss"
    page = response.content.decode()
    assert endpoint.secret in page and "not shown again" in page

    change = boss.get(f"/admin/webhooks/endpoint/{endpoint.pk}/change/").content.decode()
    assert endpoint.secret not in change and endpoint.secret_hint in change
    assert endpoint.secret not in boss.get("/admin/webhooks/endpoint/").content.decode()


def test_a_url_inside_the_network_is_refused_on_the_form(settings, boss):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    response = boss.post(
        "/admin/webhooks/endpoint/add/",
        {"url": "http://169.254.169.254/latest/", "events": ["order.paid"]},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "public addresses only" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_a_new_secret_is_shown_once(boss, receiver):
    endpoint, old = services.create_endpoint(url=receiver.url, events=["order.paid"])
    response = boss.post(
        "/admin/webhooks/endpoint/",
        {"action": "roll_secret", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in response.content.decode()


def test_a_disabled_endpoint_is_called_out_and_enabled_again(boss, receiver):
    endpoint, _ = services.create_endpoint(url=receiver.url, events=["order.paid"])
    Endpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False,
        consecutive_failures=5,
        disabled_reason="5 deliveries in a row failed; the last: HTTP 500",
    )
    listing = boss.get("/admin/webhooks/endpoint/").content.decode()
    assert re.search(r"is disabled: 5 deliveries in a row failed; the last: HTTP 500", listing)

    boss.post(
        "/admin/webhooks/endpoint/",
        {"action": "enable", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures, endpoint.disabled_reason) == (
        True,
        0,
        "",
    )
    assert "is disabled" not in boss.get("/admin/webhooks/endpoint/").content.decode()


def test_staff_resend_a_delivery_from_the_admin(boss, receiver, committed):
    endpoint, _ = services.create_endpoint(url=receiver.url, events=["product.updated"])
    receiver.script = [500]
    committed(builders.product("Lamp").save)
    delivery = Delivery.objects.get()

    page = boss.get(f"/admin/webhooks/delivery/{delivery.pk}/change/").content.decode()
    assert "nope: 500" in page and delivery.event_id in page  # the attempt and the payload
    endpoint_page = boss.get(f"/admin/webhooks/endpoint/{endpoint.pk}/change/").content.decode()
    assert f"/admin/webhooks/delivery/{delivery.pk}/change/" in endpoint_page

    response = committed(
        lambda: boss.post(
            "/admin/webhooks/delivery/",
            {"action": "resend", "_selected_action": [delivery.pk]},
            follow=True,
        )
    )
    assert "1 resent." in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    assert [a.status_code for a in delivery.log.all()] == [500, 200]
    assert len(receiver.received) == 2


def test_an_endpoint_whose_url_is_refused_now_can_still_be_turned_off(settings, boss, receiver):
    endpoint, _ = services.create_endpoint(url=receiver.url, events=["order.paid"])
    settings.WEBHOOKS_ALLOW_PRIVATE = False  # its loopback URL would be refused today
    form = {"url": receiver.url, "description": "", "events": ["order.paid"]}  # unticked: off
    response = boss.post(f"/admin/webhooks/endpoint/{endpoint.pk}/change/", form)
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.disabled_reason) == (False, "Disabled by staff.")
    moved = {**form, "url": "http://10.0.0.9/in", "is_active": "on"}
    response = boss.post(f"/admin/webhooks/endpoint/{endpoint.pk}/change/", moved)
    assert "public addresses only" in response.content.decode()
