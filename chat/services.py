"""Chat sessions: their lifecycle and tidy-up."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from chat.models import ChatMessage, ChatSession


@transaction.atomic
def close_idle_sessions(*, idle_days: int, purge_messages: bool) -> dict:
    """Close sessions idle for ``idle_days``; their messages are kept unless ``purge_messages``."""
    idle = ChatSession.objects.filter(is_active=True, last_activity__lt=timezone.now() - timedelta(days=idle_days))
    ids = list(idle.values_list("pk", flat=True))
    closed = ChatSession.objects.filter(pk__in=ids).update(is_active=False)
    purged = ChatMessage.objects.filter(session_id__in=ids).delete()[0] if purge_messages else 0
    return {"sessions_closed": closed, "messages_purged": purged}
