"""A mock gateway that fails the way real ones do: a timeout before the charge, a timeout after
it (the money taken, the answer lost), records that can't be reached. Counts what it charged."""

from decimal import Decimal

from orders.payments import GatewayError, MockGateway


class FlakyGateway(MockGateway):
    fail: str | None = None  # "before" or "after" the charge
    records_down = False
    charged: list[Decimal] = []
    refunded: list[Decimal] = []

    @classmethod
    def reset(cls) -> None:
        cls.fail, cls.records_down, cls.charged, cls.refunded = None, False, [], []

    @classmethod
    def net_charged(cls) -> Decimal:
        return sum(cls.charged, Decimal(0)) - sum(cls.refunded, Decimal(0))

    def authorize(self, *, amount, currency, method, reference):
        if FlakyGateway.fail == "before":
            raise TimeoutError("connect timed out")
        result = super().authorize(
            amount=amount, currency=currency, method=method, reference=reference
        )
        if result.succeeded:
            FlakyGateway.charged.append(amount)
        if FlakyGateway.fail == "after":
            raise TimeoutError("read timed out")
        return result

    def refund(self, *, payment_id, amount, reference):
        FlakyGateway.refunded.append(amount)
        return super().refund(payment_id=payment_id, amount=amount, reference=reference)

    def find(self, *, reference):
        if FlakyGateway.records_down:
            raise GatewayError("records unreachable")
        return super().find(reference=reference)
