"""The outbox: a mail is written with the change it tells about and sent after commit, once;
the user's choices; welcome mail; staff's view of it."""

from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.db import transaction
from django.utils import timezone

from core.jobs import run_now
from mail import services
from mail.models import Email
from tests.accounts.test_auth_api import SIGNUP, error_of

pytestmark = pytest.mark.django_db


def test_a_mail_queued_in_a_rolled_back_transaction_is_never_sent(
    user, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.queue(event="welcome", user=user)
        raise RuntimeError("the change failed")
    assert not Email.objects.exists()
    assert django_mail.outbox == []


def test_the_same_event_about_the_same_object_is_one_mail(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.queue(event="welcome", user=user, about=user)
        second = services.queue(event="welcome", user=user, about=user)
    assert first == second
    assert Email.objects.get().status == "sent"
    assert len(django_mail.outbox) == 1
    # Delivering again, as a retried task would, sends nothing more.
    assert services.deliver(key=first) == "not_queued"
    assert len(django_mail.outbox) == 1


def test_mail_whose_task_was_lost_is_sent_by_the_periodic_job(user):
    # Queued, but its after-commit hand-off never ran (the broker was down).
    key = services.queue(event="welcome", user=user)
    assert Email.objects.get(key=key).status == "queued"
    assert run_now("send_queued_mail") == {"sent": 0, "not_sent": 0}  # not idle long enough
    Email.objects.filter(key=key).update(updated_at=timezone.now() - timedelta(minutes=6))
    assert run_now("send_queued_mail") == {"sent": 1, "not_sent": 0}
    assert [m.subject for m in django_mail.outbox] == ["Welcome to Shop"]
    assert run_now("send_queued_mail") == {"sent": 0, "not_sent": 0}


def test_signing_up_sends_a_welcome(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/api/auth/signup", SIGNUP, format="json").status_code == 201
    [welcome] = django_mail.outbox
    assert (welcome.to, welcome.subject) == (["new@example.com"], "Welcome to Shop")
    assert "/account/" in welcome.body
    assert "/account/" in welcome.alternatives[0][0]


def test_a_refused_signup_sends_nothing(api, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/auth/signup", {**SIGNUP, "email": "ann@example.com"}, format="json"
        )
    assert response.status_code == 400
    assert django_mail.outbox == []


# The user's choices


def test_preferences_default_and_change_one_at_a_time(user_api):
    assert user_api.get("/api/users/notifications").json() == {
        "order_updates": True,
        "back_in_stock": True,
        "marketing": False,
    }
    changed = user_api.put("/api/users/notifications", {"marketing": True}, format="json")
    assert changed.json() == {"order_updates": True, "back_in_stock": True, "marketing": True}
    again = user_api.put(
        "/api/users/notifications/", {"back_in_stock": False, "order_updates": False}, format="json"
    )
    assert again.json() == {"order_updates": False, "back_in_stock": False, "marketing": True}
    assert user_api.get("/api/users/notifications").json() == again.json()


def test_a_bad_preference_is_a_400_naming_it(user_api):
    response = user_api.put("/api/users/notifications", {"marketing": "maybe"}, format="json")
    assert list(error_of(response, 400)["details"]) == ["marketing"]


def test_preferences_are_the_users_own(api):
    error_of(api.get("/api/users/notifications"), 401)


def test_the_account_page_shows_and_saves_the_choices(client, user):
    client.force_login(user)
    page = client.get("/account/")
    assert b'name="order_updates" id="mail_order_updates" checked' in page.content
    client.post("/account/mail/", {"back_in_stock": "on"})
    assert user_api_view(user) == {
        "order_updates": False,
        "back_in_stock": True,
        "marketing": False,
    }
    assert (
        b'name="order_updates" id="mail_order_updates" checked'
        not in client.get("/account/").content
    )


def user_api_view(user) -> dict:
    preferences = services.preferences_of(user.pk)
    return {
        "order_updates": preferences.order_updates,
        "back_in_stock": preferences.back_in_stock,
        "marketing": preferences.marketing,
    }


# Staff


def test_staff_send_failed_mail_again_from_the_admin(
    client, user, django_user_model, django_capture_on_commit_callbacks
):
    key = services.queue(event="welcome", user=user)
    Email.objects.filter(key=key).update(status="failed", attempts=8, last_error="refused")
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.com", "x"))
    listing = client.get("/admin/mail/email/?status__exact=failed")
    assert b"welcome" in listing.content
    pk = Email.objects.get(key=key).pk
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/mail/email/",
            {"action": "send_again", "_selected_action": [pk]},
            follow=True,
        )
    assert response.status_code == 200
    row = Email.objects.get(key=key)
    assert (row.status, row.attempts) == ("sent", 1)
    assert [m.subject for m in django_mail.outbox] == ["Welcome to Shop"]
