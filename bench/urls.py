"""config.urls with one extra view: the cheapest JSON response the middleware stack can give.

Every endpoint's req/s is reported as a share of this one's, so the figures say what the
view itself costs rather than what the machine or the server can do.
"""

from django.http import JsonResponse
from django.urls import include, path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401


def trivial(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/trivial", trivial),
    path("", include("config.urls")),
]
