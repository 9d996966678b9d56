"""The registry of transactional mail: each app declares its events (in its emails.py, imported
by its AppConfig.ready) with the templates that draw them and the function that gathers what
they show. The outbox row stores only the event, its subject (an order) and a little data; the
mail is drawn when it is sent, from the data as it is then."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# The choices a user has (mail.models.Preferences' fields). An event in none of them is
# always sent: order confirmations and security mail.
CATEGORIES = ("order_updates", "back_in_stock", "marketing")


@dataclass(frozen=True)
class MailEvent:
    name: str
    template: str  # "<app>/mail/<name>": drawn from .txt and .html
    subject: str  # str.format() over the context
    category: str | None
    context: Callable[[Any], dict]  # the outbox row -> the templates' context


_events: dict[str, MailEvent] = {}


def mail_event(name: str, *, template: str, subject: str, category: str | None = None):
    """Declare the decorated function, outbox row -> context, as the event ``name``."""
    if category is not None and category not in CATEGORIES:
        raise ValueError(f"Unknown mail category {category!r}; known: {', '.join(CATEGORIES)}.")

    def register(context):
        _events[name] = MailEvent(name, template, subject, category, context)
        return context

    return register


def get_event(name: str) -> MailEvent:
    return _events[name]


def event_names() -> list[str]:
    return sorted(_events)
