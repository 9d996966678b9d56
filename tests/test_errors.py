"""Every /api/ error answers in one envelope: {"error": {code, message, details, request_id}}."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_views")]


def assert_envelope(response, *, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    assert error["code"] == code
    assert error["message"]
    assert error["request_id"] == response["X-Request-ID"]
    return error


def test_unknown_api_path_is_a_404_envelope(client):
    assert_envelope(client.get("/api/no-such-thing/"), status=404, code="not_found")


def test_unknown_api_path_is_a_404_envelope_in_debug_too(client, settings):
    settings.DEBUG = True
    assert_envelope(client.post("/api/no/such/thing"), status=404, code="not_found")


def test_malformed_id_is_a_404_not_a_500(client):
    assert client.get("/api/test/widgets/7").json() == {"id": 7}
    assert_envelope(client.get("/api/test/widgets/abc"), status=404, code="not_found")


@pytest.mark.urls("config.urls")
@pytest.mark.parametrize(
    "path",
    [
        "/api/products.json",
        "/api/products/1.json",
        "/api/products/search.json?q=shoe",
        "/api/brands.json",
    ],
)
def test_a_format_suffix_is_a_404_envelope_not_a_500(client, path):
    assert_envelope(client.get(path), status=404, code="not_found")
    assert client.get("/api/products?format=json")["Content-Type"] == "application/json"


def test_wrong_method_is_a_405_envelope(client):
    error = assert_envelope(client.get("/api/test/widgets"), status=405, code="method_not_allowed")
    assert "GET" in error["message"]


def test_validation_errors_name_each_field(client):
    response = client.post(
        "/api/test/widgets",
        {"name": "far too long a name", "quantity": 0},
        content_type="application/json",
    )
    error = assert_envelope(response, status=400, code="validation_error")
    assert set(error["details"]) == {"name", "quantity"}
    assert all(isinstance(msg, str) for msgs in error["details"].values() for msg in msgs)
    assert "name" in error["message"] and "quantity" in error["message"]


def test_missing_field_is_named(client):
    response = client.post("/api/test/widgets", {"name": "ok"}, content_type="application/json")
    error = assert_envelope(response, status=400, code="validation_error")
    assert error["details"] == {"quantity": ["This field is required."]}


def test_bad_json_is_a_400_envelope(client):
    response = client.post("/api/test/widgets", "{not json", content_type="application/json")
    assert_envelope(response, status=400, code="invalid_json")


def test_domain_error_carries_code_and_details(client):
    error = assert_envelope(client.get("/api/test/scarce"), status=409, code="insufficient_stock")
    assert error["message"] == "Only 3 left of Widget."
    assert error["details"] == {"available": 3}


def test_unhandled_exception_in_api_view_is_a_500_without_a_trace(client, caplog):
    error = assert_envelope(client.get("/api/test/broken"), status=500, code="server_error")
    body = str(error)
    assert "Traceback" not in body and "hunter2" not in body and "RuntimeError" not in body
    # ...but the log keeps the traceback for us.
    assert any(record.exc_info for record in caplog.records)


def test_unhandled_exception_in_api_view_has_no_trace_in_debug_either(client, settings):
    settings.DEBUG = True
    error = assert_envelope(client.get("/api/test/broken"), status=500, code="server_error")
    assert "hunter2" not in str(error)


def test_unhandled_exception_in_plain_view_under_api_is_an_envelope():
    client = Client(raise_request_exception=False)
    response = client.get("/api/test/broken-plain")
    error = assert_envelope(response, status=500, code="server_error")
    assert "secret internals" not in response.content.decode()
    assert error["details"] == {}


def test_page_errors_are_pages_not_json():
    client = Client(raise_request_exception=False)
    not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404
    assert not_found["Content-Type"].startswith("text/html")
    assert b"Page not found" in not_found.content
    broken = client.get("/broken-page")
    assert broken.status_code == 500
    assert b"Something went wrong" in broken.content
    assert b"secret internals" not in broken.content
