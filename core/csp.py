"""django-csp's middleware, with the headers of the settings' policy built once per process."""

from csp import middleware as csp_middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings

# What a view's csp_* decorators leave on its answer: such an answer's policy is its own.
PER_VIEW = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)


class CSPMiddleware(csp_middleware.CSPMiddleware):
    """Most answers use no nonce and no decorator, so their headers are the settings' policy as
    it stands: built once (and again when the settings change), where django-csp builds them
    for every answer, about a tenth of a millisecond each time. Any other answer is django-csp's
    to dress."""

    _built: tuple = (None, None, "", "")  # (policy, report-only policy, their headers)

    def process_response(self, request, response):
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in PER_VIEW)
            or (policy or {}).get("EXCLUDE_URL_PREFIXES")
            or (report_only or {}).get("EXCLUDE_URL_PREFIXES")
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        built_for, built_for_ro, header, header_ro = self._built
        if built_for is not policy or built_for_ro is not report_only:
            header, header_ro = build_policy(), build_policy(report_only=True)
            type(self)._built = (policy, report_only, header, header_ro)
        if header and HEADER not in response:
            response[HEADER] = header
        if header_ro and HEADER_REPORT_ONLY not in response:
            response[HEADER_REPORT_ONLY] = header_ro
        # As django-csp does: a nonce asked for after this would not be in the header.
        request.csp_nonce = csp_middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response
