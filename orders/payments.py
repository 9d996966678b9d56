"""Payment gateways: an interface (authorize, refund) and the mock that API.md describes.
settings.PAYMENT_GATEWAY names the class; a real provider's adapter goes beside the mock."""

import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import PaymentMethod


@dataclass(frozen=True)
class PaymentResult:
    status: str  # "succeeded" or "declined"
    payment_id: str
    transaction_id: str
    message: str
    timestamp: datetime = field(default_factory=timezone.now)

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"


@dataclass(frozen=True)
class RefundResult:
    status: str  # "succeeded" or "failed"
    refund_id: str
    amount: Decimal
    message: str
    timestamp: datetime = field(default_factory=timezone.now)


class PaymentGateway(Protocol):
    def authorize(
        self, *, amount: Decimal, currency: str, method: PaymentMethod, reference: str
    ) -> PaymentResult: ...

    def refund(self, *, payment_id: str, amount: Decimal, reference: str) -> RefundResult: ...

    def find(self, *, reference: str) -> PaymentResult | None:
        """What became of the authorization made with ``reference``: None when the gateway has
        none; GatewayError when it can't say. How a crashed or timed-out order is settled."""
        ...


class GatewayError(Exception):
    """The gateway could not be reached or answered nonsense: the outcome is unknown."""


class MockGateway:
    """Deterministic test values, random failures at PAYMENT_FAILURE_RATE, a small delay. Its
    records live in the cache (Redis in full mode), as a real gateway's outlive our process."""

    RECORD_SECONDS = 30 * 24 * 3600

    APPROVED_CARD = ("424242", "4242")
    DECLINED_CARD = ("400000", "0002")

    def __init__(self, *, failure_rate: float | None = None, delay: float | None = None, rng=None):
        self.failure_rate = settings.PAYMENT_FAILURE_RATE if failure_rate is None else failure_rate
        self.delay = settings.PAYMENT_DELAY_SECONDS if delay is None else delay
        self.rng = rng or random.Random()

    def authorize(self, *, amount, currency, method, reference) -> PaymentResult:
        if self.delay:
            time.sleep(self.delay)
        decline = self._decline_reason(method)
        payment_id = f"pay_{uuid.uuid4().hex[:24]}"
        if decline:
            result = PaymentResult("declined", payment_id, "", decline)
        else:
            result = PaymentResult(
                "succeeded",
                payment_id,
                f"txn_{uuid.uuid4().hex[:24]}",
                f"Approved {currency} {amount}.",
            )
        cache.set(self._record_key(reference), result, timeout=self.RECORD_SECONDS)
        return result

    def find(self, *, reference) -> PaymentResult | None:
        try:
            return cache.get(self._record_key(reference))
        except Exception as exc:
            raise GatewayError(f"Payment records unreachable: {exc}") from exc

    @staticmethod
    def _record_key(reference: str) -> str:
        return f"mock-gateway:payment:{reference}"

    def refund(self, *, payment_id, amount, reference) -> RefundResult:
        if self.delay:
            time.sleep(self.delay)
        return RefundResult(
            "succeeded", f"re_{uuid.uuid4().hex[:24]}", amount, f"Refunded {amount}."
        )

    def _decline_reason(self, method: PaymentMethod) -> str:
        card = (method.prefix, method.last_four)
        if method.type == PaymentMethod.Type.CARD:
            if card == self.DECLINED_CARD:
                return "Your card was declined."
            if card == self.APPROVED_CARD:
                return ""
        elif method.type == PaymentMethod.Type.UPI and method.upi_id.lower().endswith("@fail"):
            return "The UPI payment was declined by your bank."
        elif method.type == PaymentMethod.Type.GIFT_CARD and method.prefix.upper().startswith(
            "EMPTY"
        ):
            return "This gift card has no balance left."
        if self.failure_rate and self.rng.random() < self.failure_rate:
            return "The payment was declined by the issuer."
        return ""


def get_gateway() -> PaymentGateway:
    return import_string(settings.PAYMENT_GATEWAY)()
