"""The orders domain's errors, one place for all of them: placing, fulfilment and returns raise
several of the same (NotAllowed, InvalidTransition, OrderNotFound), and the API, pages and the
sales agent each render them their own way."""

from core.errors import APIError


class OrderNotFound(APIError):
    status_code = 404
    default_code = "not_found"
    default_detail = "No such order."


class PaymentDeclined(APIError):
    status_code = 402
    default_code = "payment_declined"


class PaymentUnavailable(APIError):
    status_code = 502
    default_code = "payment_unavailable"
    default_detail = (
        "We could not reach the payment service; you have not been charged. Please try again."
    )


class RequestInProgress(APIError):
    status_code = 409
    default_code = "request_in_progress"
    default_detail = "An order with this Idempotency-Key is still being placed; retry in a moment."


class CheckoutExpired(APIError):
    status_code = 409
    default_code = "checkout_expired"
    default_detail = "This checkout has expired or the cart has changed since; review your cart."


class InvalidTransition(APIError):
    status_code = 409
    default_code = "invalid_transition"


class NotAllowed(APIError):
    status_code = 409
    default_code = "not_allowed"


class AddressNotFound(APIError):
    status_code = 404
    default_code = "address_not_found"
    default_detail = "No such address in your account."


class PaymentMethodNotFound(APIError):
    status_code = 404
    default_code = "payment_method_not_found"
    default_detail = "No such payment method in your account."
