"""Schemathesis over /api/schema/ as a signed-in shopper: no 500, every error in the envelope,
every status and body as the schema says, and input the schema allows never refused as invalid
except by the rules a schema can't state."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from tests.conftest import bearer_client

# The same cases on every run: Schemathesis' learning from earlier responses (values they
# carried, the errors they named) would make each run differ, so it is off.
SAME_CASES_EVERY_RUN = SchemathesisConfig.from_dict(
    {
        "phases": {
            phase: {"extra-data-sources": {"responses": False}}
            for phase in ("examples", "coverage", "fuzzing")
        }
        | {
            "fuzzing": {
                "extra-data-sources": {"responses": False},
                "error-feedback": {"enabled": False},
            }
        }
    }
)
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json", get_wsgi_application(), config=SAME_CASES_EVERY_RUN
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes the database connection after each request, which would end the
    test's transaction on PostgreSQL; Django's own test client holds it open the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


EXAMPLES_PER_OPERATION = 30
SCHEMATHESIS_CHECKS_LEFT_OUT = [
    # Schema-valid input may be refused for the state it meets (an empty cart, points beyond the
    # balance): a domain error with its own code. The test below checks field validation instead.
    schemathesis.checks.positive_data_acceptance,
    # DRF reads 0/1 as booleans and numbers as strings, on purpose; wrong input that can't be
    # read is still a 400, which the envelope check below sees.
    schemathesis.checks.negative_data_rejection,
]
# Fields with rules beyond what the schema can say: they may refuse schema-valid values.
RULES_BEYOND_THE_SCHEMA = {
    "POST /api/auth/signup/": {"email", "username", "password"},  # real address, charset, strength
    "POST /api/auth/password-reset/": {"email"},  # a real address
    "POST /api/auth/password-reset/confirm/": {"new_password"},  # strength
    "POST /api/auth/change-password/": {
        "current_password",
        "new_password",
    },  # the right one; strength
    "POST /api/users/payment-methods/": {"card_number", "exp_month", "exp_year", "upi_id", "code"},
    # Existing slugs; max >= min; a rating 0 to 5.
    "GET /api/products/": {"brand", "category", "max_price", "min_rating"},
    "POST /api/staff/loyalty/adjust/": {"points"},  # not zero
    # A range in order, of at most 366 days.
    "GET /api/staff/reports/sales/": {"from", "to"},
    "GET /api/staff/reports/top-products/": {"from", "to"},
    # A host that resolves, to public addresses only.
    "POST /api/staff/webhooks/": {"url"},
    "PATCH /api/staff/webhooks/{endpoint_id}/": {"url"},
    # A new code; amounts above zero (decimal strings: no minimum in the schema); dates in order.
    "POST /api/staff/coupons/": {
        "code",
        "discount_value",
        "min_purchase",
        "max_discount",
        "valid_until",
    },
}
NUL_REFUSED = "Null characters are not allowed."  # PostgreSQL text can't hold them


def _only_whitespace(value) -> bool:
    """DRF trims strings, so "  " is refused as blank: a rule the schema can't state either."""
    return isinstance(value, str) and value != "" and not value.strip()


def assert_error_envelope(response) -> None:
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "details", "request_id"} <= set(body["error"]), body
    assert response.headers["x-request-id"] == [body["error"]["request_id"]]


def call_and_check(case, as_user) -> None:
    headers = {"Authorization": f"Bearer {bearer_client(as_user).tokens['access']}"}
    response = case.call_and_validate(headers=headers, excluded_checks=SCHEMATHESIS_CHECKS_LEFT_OUT)
    if response.status_code >= 400:
        assert_error_envelope(response)
    error = response.json().get("error", {}) if response.status_code == 400 else {}
    if error.get("code") == "validation_error" and not case.meta.generation.mode.is_negative:
        sent = case.body if isinstance(case.body, dict) else {}
        refused = {
            field
            for field, why in error["details"].items()
            if why != [NUL_REFUSED] and not _only_whitespace(sent.get(field))
        }
        refused -= RULES_BEYOND_THE_SCHEMA.get(case.operation.label, set())
        assert not refused, (case.as_curl_command(), error)


FUZZ_SETTINGS = settings(
    # The same examples on every run and machine: no saved examples, a seed from the test.
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ_SETTINGS
@pytest.mark.django_db
def test_api_as_a_shopper(case, user):
    call_and_check(case, user)


@schema.include(path_regex=r"^/api/staff/").parametrize()
@FUZZ_SETTINGS
@pytest.mark.django_db
def test_staff_api_as_staff(case, staff_user):
    call_and_check(case, staff_user)
