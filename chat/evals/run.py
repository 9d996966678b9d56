"""Runs the scripted conversations against the agent, each as a fresh shopper, and reports
which passed. Used by tests/chat/test_agent_eval.py and `make agent-eval`."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from accounts import services as accounts
from accounts.models import User
from cart import services as cart_services
from cart.models import Cart
from catalog.demo import seed_catalog
from catalog.models import Product
from chat import services
from chat.agent import build_agent, run
from chat.evals.conversations import CONVERSATIONS
from loyalty import services as loyalty
from loyalty.demo import seed_loyalty
from orders import fulfilment as order_fulfilment
from orders import placing as order_placing
from reviews.demo import seed_reviews
from reviews.models import Review

REQUIRED_RATE = 0.9


@dataclass
class Outcome:
    id: str
    intent: str
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def prepare_catalog() -> None:
    """The demo shop as seed_demo loads it: its catalog, coupons and buyers' reviews."""
    if not Product.objects.exists():
        seed_catalog(products=300, seed=42)
    seed_loyalty()
    if not Review.objects.exists():
        seed_reviews(seed=42)


def _shopper(number: int, setup: list[str]) -> User:
    user = User.objects.create_user(f"eval{number}", f"eval{number}@example.com", "eval-pass-2026")
    address = accounts.add_address(
        user=user, street="1 Main St", city="Springfield", zip_code="62701", country="US"
    )
    card = accounts.add_payment_method(
        user=user, type="card", card_number="4242424242424242", exp_month=12, exp_year=2031
    )
    if "gold" in setup:
        loyalty.earn_points(user=user, points=2600)
    if "paid_order" in setup or "delivered_order" in setup:
        product = Product.objects.filter(
            stock__gt=5, variants__size="", variants__color__gt=""
        ).first()
        variant = product.variants.first()
        cart_services.add_item(
            cart=cart_services.cart_for(user=user),
            product_id=product.pk,
            quantity=1,
            color=variant.color,
        )
        placed = order_placing.place_order(
            user=user, address_id=address.pk, payment_method_id=card.pk
        )
        if "delivered_order" in setup:
            for step in ("processing", "shipped", "out_for_delivery", "delivered"):
                order_fulfilment.advance(order_id=placed.order.pk, status=step)
    return user


def take_turn(agent, said: str, state: dict) -> tuple[dict, list, str, dict]:
    """One shopper message through the agent as the chat socket runs it: the state after it,
    the tool calls made, the answer and what came with it (products, cart)."""
    calls, reply, extras = [], "", {}
    seen, state = state, services.next_turn(state)
    for kind, name, data in run(agent, said, seen):
        if kind == "tool_call":
            calls.append((name, data))
        elif kind == "tool_result":
            state = services.remember(
                state, tool=name, args=calls[-1][1] if calls else {}, result=data
            )
        else:
            reply, extras = name, data
    return state, calls, reply, extras


def run_conversation(number: int, conversation: dict) -> Outcome:
    outcome = Outcome(conversation["id"], conversation["intent"])
    user = _shopper(number, conversation["setup"])
    agent, state = build_agent(user), {}
    for turn in conversation["turns"]:
        state, calls, reply, _ = take_turn(agent, turn["say"], state)
        _check_turn(outcome, turn, calls, reply)
    _check_end(outcome, conversation["end"], user)
    return outcome


def _check_turn(outcome: Outcome, turn: dict, calls: list, reply: str) -> None:
    said = f"{turn['say']!r}"
    if turn["tool"] is None:
        if calls:
            outcome.problems.append(f"{said}: expected no tool, got {calls[0][0]}")
    elif not calls or calls[0][0] != turn["tool"]:
        outcome.problems.append(
            f"{said}: expected {turn['tool']}, got {calls[0][0] if calls else 'no tool'}"
        )
    else:
        args = calls[0][1]
        for key, value in turn["args"].items():
            if args.get(key) != value:
                outcome.problems.append(f"{said}: {key}={args.get(key)!r}, expected {value!r}")
    for fact in turn["reply"]:
        if not any(option in reply.lower() for option in fact.lower().split("|")):
            outcome.problems.append(f"{said}: reply lacks {fact!r}: {reply[:120]!r}")


def _check_end(outcome: Outcome, end: dict, user: User) -> None:
    cart = Cart.objects.filter(user=user).first()
    lines = list(cart.items.all()) if cart else []
    checks = {
        "cart_lines": len(lines),
        "cart_quantity": sum(line.quantity for line in lines),
        "coupon": cart.coupon.code if cart and cart.coupon_id else None,
        "order_status": user.orders.order_by("-id").values_list("status", flat=True).first(),
        "returns": sum(order.returns.count() for order in user.orders.all()),
    }
    for key, expected in end.items():
        if checks[key] != expected:
            outcome.problems.append(f"end: {key} is {checks[key]!r}, expected {expected!r}")


def evaluate(conversations=CONVERSATIONS) -> list[Outcome]:
    prepare_catalog()
    outcomes = []
    for number, conversation in enumerate(conversations):
        with transaction.atomic():
            outcomes.append(run_conversation(number, conversation))
            transaction.set_rollback(True)  # each shopper starts from the same shop
    return outcomes


def report(outcomes: list[Outcome]) -> str:
    by_intent = defaultdict(list)
    for outcome in outcomes:
        by_intent[outcome.intent].append(outcome)
    rows = [f"{'intent':<16} {'passed':>6} {'of':>4} {'rate':>6}"]
    for intent, group in by_intent.items():
        passed = sum(o.passed for o in group)
        rows.append(f"{intent:<16} {passed:>6} {len(group):>4} {passed / len(group):>6.0%}")
    total = sum(o.passed for o in outcomes)
    rows.append(f"{'all':<16} {total:>6} {len(outcomes):>4} {total / len(outcomes):>6.1%}")
    rows += [f"FAILED {o.id}: {'; '.join(o.problems)}" for o in outcomes if not o.passed]
    return "\n".join(rows)
