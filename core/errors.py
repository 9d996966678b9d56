"""One JSON error envelope for every /api/ error, whatever raised it.

    {"error": {"code", "message", "details", "request_id"}}

Services raise ``APIError`` subclasses (or DRF exceptions); DRF routes every exception of an
API view here; Django's own 404 and 500 handlers use the same envelope under /api/.
"""

import structlog
from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback

log = structlog.get_logger(__name__)


class APIError(exceptions.APIException):
    """A domain error with a stable code, e.g. ``InsufficientStock(available=3)``."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_request"
    default_detail = "The request could not be processed."

    def __init__(self, message: str | None = None, *, code: str | None = None, **details):
        super().__init__(detail=message or self.default_detail, code=code or self.default_code)
        self.code = code or self.default_code
        self.details = details


# DRF's default codes, renamed where ours say more.
_CODES = {
    "invalid": "validation_error",
    "parse_error": "invalid_json",
    "error": "server_error",
}


def error_body(*, code: str, message: str, details=None, request=None) -> dict:
    return {
        "error": {
            "code": code,
            "message": message,
            "details": details or {},
            "request_id": getattr(request, "request_id", None),
        }
    }


def api_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every exception of an API view becomes the envelope."""
    request = context.get("request")
    if isinstance(exc, DjangoValidationError):  # raised by services
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, RequestDataTooBig):
        set_rollback()
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = error_body(
            code="request_too_large",
            message=f"Request bodies are at most {limit} bytes.",
            details={"max_bytes": limit},
            request=request,
        )
        return Response(body, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)

    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database went away mid-request; the transaction rolled back, so retrying is safe.
        log.exception("database_unavailable", path=getattr(request, "path", None))
        set_rollback()
        body = error_body(
            code="service_unavailable",
            message="The shop is briefly unavailable; please retry.",
            request=request,
        )
        return Response(
            body, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "5"}
        )

    if not isinstance(exc, exceptions.APIException):
        # Unhandled: log it with its traceback, answer without one.
        log.exception("unhandled_api_exception", path=getattr(request, "path", None))
        set_rollback()
        body = error_body(
            code="server_error", message="Something went wrong on our side.", request=request
        )
        return Response(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)

    set_rollback()
    code, message, details = _describe(exc)
    response = Response(
        error_body(code=code, message=message, details=details, request=request),
        status=exc.status_code,
    )
    if getattr(exc, "wait", None) is not None:
        response["Retry-After"] = str(int(exc.wait) or 1)
    if getattr(exc, "auth_header", None):
        response["WWW-Authenticate"] = exc.auth_header
    return response


def _describe(exc: exceptions.APIException) -> tuple[str, str, dict]:
    if isinstance(exc, APIError):
        return exc.code, str(exc.detail), exc.details
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if not isinstance(detail, dict):
            detail = {"non_field_errors": detail if isinstance(detail, list) else [detail]}
        fields = ", ".join(detail)
        return "validation_error", f"Invalid input: {fields}.", _plain(detail)
    detail = exc.detail
    if isinstance(detail, dict):
        # simplejwt's InvalidToken carries {"detail", "code", "messages"}.
        code = str(detail.get("code") or exc.default_code)
        message = str(detail.get("detail") or exc.default_detail)
    else:
        code = getattr(detail, "code", None) or exc.default_code
        message = str(detail)
    return _CODES.get(code, code), message, {}


def _plain(detail):
    """ErrorDetail trees to plain lists and dicts of strings."""
    if isinstance(detail, dict):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_plain(item) for item in detail]
    return str(detail)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    """handler404: the envelope under /api/, the shop's page elsewhere."""
    if _is_api(request):
        body = error_body(code="not_found", message="Not found.", request=request)
        return JsonResponse(body, status=404)
    return render(request, "404.html", status=404)


def bad_request(request, exception=None):
    """handler400: e.g. a Host header the site doesn't serve."""
    if _is_api(request):
        body = error_body(code="bad_request", message="Bad request.", request=request)
        return JsonResponse(body, status=400)
    return HttpResponseBadRequest(loader.get_template("400.html").render())


def permission_denied(request, exception=None):
    """handler403: under /api/ the envelope."""
    if _is_api(request):
        body = error_body(code="permission_denied", message="Permission denied.", request=request)
        return JsonResponse(body, status=403)
    return render(request, "403.html", status=403)


def server_error(request):
    """handler500: never a stack trace."""
    if _is_api(request):
        body = error_body(
            code="server_error", message="Something went wrong on our side.", request=request
        )
        return JsonResponse(body, status=500)
    # No request context: whatever broke may break the context processors too.
    return HttpResponseServerError(loader.get_template("500.html").render())
