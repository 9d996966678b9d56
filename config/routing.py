"""WebSocket routes."""

from django.urls import re_path

from catalog.consumers import InventoryConsumer
from chat.consumers import ChatConsumer

websocket_urlpatterns = [
    re_path(r"^ws/inventory/?$", InventoryConsumer.as_asgi()),
    re_path(r"^ws/chat/(?P<session_id>[A-Za-z0-9_-]{1,64})/?$", ChatConsumer.as_asgi()),
]
