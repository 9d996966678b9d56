from django.contrib import admin

from chat.models import ChatMessage, ChatSession
from core.admin import ReadOnlyInline


class ChatMessageInline(ReadOnlyInline):
    model = ChatMessage
    fields = ("created_at", "type", "content")
    readonly_fields = fields


@admin.register(ChatSession)
class ChatSessionAdmin(admin.ModelAdmin):
    """Read-only: support can read a conversation, not change it."""

    list_display = ("session_id", "user", "last_activity", "is_active")
    list_filter = ("is_active",)
    search_fields = ("session_id", "user__email")
    list_select_related = ("user",)
    readonly_fields = ("session_id", "user", "created_at", "last_activity", "is_active", "state")
    inlines = [ChatMessageInline]

    def has_add_permission(self, request):
        return False
