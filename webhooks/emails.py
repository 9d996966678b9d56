"""The webhooks' mail: staff are told when an endpoint is disabled after repeated failures."""

from urllib.parse import urlsplit

from django.urls import reverse

from accounts.emails import site_link
from mail.events import mail_event
from webhooks.services import ENDPOINT_DISABLED


@mail_event(
    ENDPOINT_DISABLED,
    template="webhooks/mail/endpoint_disabled",
    subject="Webhook endpoint disabled: {host}",
)
def endpoint_disabled(email) -> dict:
    url = email.data["url"]
    return {
        "url": url,
        "host": urlsplit(url).hostname or url,
        "reason": email.data["reason"],
        "endpoint_url": site_link(
            reverse("admin:webhooks_endpoint_change", args=[email.object_id])
        ),
    }
