"""Request id and access log: every response carries X-Request-ID, every request one log line
and its count and duration in the metrics."""

import re
import time
import uuid

import structlog
from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from core import metrics

access_log = structlog.get_logger("shop.access")

REQUEST_ID_HEADER = "X-Request-ID"
# A client's id is echoed only when it is short and plain, so it can't forge log lines.
_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_for(request) -> str:
    """The client's X-Request-ID when it is safe to echo, else a new one."""
    # From META: request.headers builds a dict of every header first, for this one.
    sent = request.META.get("HTTP_X_REQUEST_ID", "")
    return sent if _CLIENT_REQUEST_ID.match(sent) else uuid.uuid4().hex


class RequestIDMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self._acall(request)
        started = self._start(request)
        response = self.get_response(request)
        return self._finish(request, response, started)

    async def _acall(self, request):
        started = self._start(request)
        response = await self.get_response(request)
        return self._finish(request, response, started)

    def _start(self, request) -> float:
        request.request_id = request_id_for(request)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request.request_id)
        return time.perf_counter()

    def _finish(self, request, response, started: float):
        response[REQUEST_ID_HEADER] = request.request_id
        seconds = time.perf_counter() - started
        metrics.observe_request(request, response.status_code, seconds)
        user = getattr(request, "user", None)
        access_log.info(
            "request",
            method=request.method,
            path=request.path,
            status=response.status_code,
            duration_ms=round(seconds * 1000, 2),
            user_id=user.pk if user is not None and user.is_authenticated else None,
        )
        return response
