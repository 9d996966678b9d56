"""WebSocket routes: each app's consumers are listed here."""

websocket_urlpatterns: list = []
