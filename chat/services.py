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


def next_turn(state: dict) -> dict:
    """The state a turn starts keeping: a question the assistant asked (a yes/no, a missing
    colour or size) is for the next message only, answered or not."""
    return {key: value for key, value in state.items() if key not in ("pending", "asking")}


# Tools that ask for a missing colour or size, which the next message may answer.
ASKS_FOR_OPTIONS = ("add_to_cart", "save_to_wishlist", "notify_when_back")


def remember(state: dict, *, tool: str, args: dict, result: dict) -> dict:
    """What later messages may lean on, after a tool's result: the last search's constraints,
    the products just shown, the product in hand and the options chosen for it, and a
    question asked (a yes/no: confirm a cancel or return, add what is in stock after all, ask
    for a notice when a sold-out addition is back; a colour or size an addition, a wishlist
    entry or a notice lacks)."""
    state = dict(state)
    for question in ("pending", "asking"):
        state.pop(question, None)
    if result.get("pending"):
        state["pending"] = result["pending"]
    if tool == "search_products" and "error" not in result:
        state["search"] = {k: v for k, v in args.items() if v not in (None, "")}
    if tool in ("search_products", "similar_products") and result.get("products") is not None:
        state["last_products"] = [p["id"] for p in result["products"]]
        if len(result["products"]) == 1:
            state["last_product"] = result["products"][0]["id"]
        else:
            state.pop("last_product", None)
    if args.get("product_id") and "error" not in result:
        state["last_product"] = args["product_id"]
    if tool == "product_details" and "error" not in result:
        state["last_products"] = [args["product_id"]]  # what is on screen now
    state["last_tool"] = tool
    if result.get("order_number") and "error" not in result:
        state["last_order"] = result["order_number"]
    cart = result.get("cart", result if tool == "show_cart" else None)
    if isinstance(cart, dict) and "items" in cart:
        state["cart_products"] = [item["product_id"] for item in cart["items"]]
    if tool in ASKS_FOR_OPTIONS:
        missing = [f for f in ("color", "size") if f in result.get("fields", {})]
        if missing:
            state["asking"] = {"tool": tool, "args": args, "missing": missing[0]}
    if tool == "add_to_cart" and "added" in result:
        state["last_product"] = args["product_id"]
        state["options"] = {
            "product_id": args["product_id"],
            **{
                option: result["added"][option]
                for option in ("color", "size")
                if result["added"].get(option)
            },
        }
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
