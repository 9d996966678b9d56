from django.conf import settings
from django.db import models
from django.utils import timezone


class ChatSession(models.Model):
    """A conversation with the sales agent; ``state`` remembers what "it" and "the first one"
    refer to."""

    session_id = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_sessions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_activity = models.DateTimeField(default=timezone.now, db_index=True)
    is_active = models.BooleanField(default=True)
    state = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-last_activity"]

    def __str__(self) -> str:
        return f"Chat {self.session_id} ({self.user})"


class ChatMessage(models.Model):
    class Type(models.TextChoices):
        USER = "user", "Shopper"
        ASSISTANT = "assistant", "Agent"
        TOOL_CALL = "tool_call", "Tool call"
        TOOL_RESULT = "tool_result", "Tool result"
        SYSTEM = "system", "System"
        ERROR = "error", "Error"

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="messages")
    type = models.CharField(max_length=16, choices=Type.choices)
    content = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
