"""ASGI entry point: HTTP to Django, WebSockets to Channels consumers."""

import gc
import os
import threading

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# An open socket keeps about 300 objects the collector tracks. At CPython's default of a young
# collection every 700 allocations, enough of them survived to set off a full collection (0.4 s
# at 2,000 sockets) every minute or two, and one falling inside a broadcast delayed every
# recipient by that much; at 50,000 none ran while 2,000 sockets received five broadcasts
# (docs/PERFORMANCE.md).
YOUNG_COLLECTION_EVERY = 50_000
gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])
# Django first: the routing below imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator

from chat.understanding import classifier
from config.routing import websocket_urlpatterns
from core.fanout import KeepServerSend
from core.socket_auth import SocketAuthStack

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            KeepServerSend(SocketAuthStack(URLRouter(websocket_urlpatterns)))
        ),
    }
)

# The sales agent's intent classifier trains in a couple of seconds: begin as the server starts.
threading.Thread(target=classifier, name="agent-classifier", daemon=True).start()
