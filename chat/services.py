"""Chat sessions: their lifecycle and tidy-up."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from chat.models import ChatMessage, ChatSession


@transaction.atomic
def close_idle_sessions(*, idle_days: int, purge_messages: bool) -> dict:
    """Close sessions idle for ``idle_days``; their messages are kept unless ``purge_messages``."""
    idle = ChatSession.objects.filter(
        is_active=True, last_activity__lt=timezone.now() - timedelta(days=idle_days)
    )
    ids = list(idle.values_list("pk", flat=True))
    closed = ChatSession.objects.filter(pk__in=ids).update(is_active=False)
    purged = ChatMessage.objects.filter(session_id__in=ids).delete()[0] if purge_messages else 0
    return {"sessions_closed": closed, "messages_purged": purged}


HISTORY_ON_CONNECT = 20


def open_session(*, session_id: str, user) -> ChatSession | None:
    """The user's session with this id (made on first use); None when it is someone else's."""
    session, _ = ChatSession.objects.get_or_create(session_id=session_id, defaults={"user": user})
    if session.user_id != user.pk:
        return None
    if not session.is_active:
        session.is_active = True
        session.save(update_fields=["is_active"])
    return session


def history(session: ChatSession) -> list[dict]:
    recent = list(
        session.messages.filter(type__in=["user", "assistant"]).order_by("-created_at", "-id")[
            :HISTORY_ON_CONNECT
        ]
    )
    return [
        {
            "type": m.type,
            "content": m.content,
            "data": m.data,
            "timestamp": m.created_at.isoformat(),
        }
        for m in reversed(recent)
    ]


def remember(state: dict, *, tool: str, args: dict, result: dict) -> dict:
    """What later messages may refer to: the products just shown, the product just handled,
    and the color and size the shopper asked for."""
    state = dict(state)
    state.pop("pending", None)  # a question not answered with yes is dropped
    if result.get("pending"):
        state["pending"] = result["pending"]
    if tool in ("search_products", "similar_products") and result.get("products") is not None:
        state["last_products"] = [p["id"] for p in result["products"]]
    if tool == "search_products":
        for option in ("color", "size"):
            if args.get(option):
                state[option] = args[option]
            else:
                state.pop(option, None)
    if "product_id" in args and "error" not in result:
        state["last_product"] = args["product_id"]
    if tool == "add_to_cart" and "added" in result:
        for option in ("color", "size"):
            if result["added"].get(option):
                state[option] = result["added"][option]
    return state


@transaction.atomic
def record_turn(*, session: ChatSession, steps: list[dict], state: dict) -> None:
    ChatMessage.objects.bulk_create(
        [
            ChatMessage(
                session=session,
                type=s["type"],
                content=s.get("content", ""),
                data=s.get("data", {}),
            )
            for s in steps
        ]
    )
    ChatSession.objects.filter(pk=session.pk).update(state=state, last_activity=timezone.now())
