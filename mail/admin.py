"""Staff see every mail (and, on an order's page, that order's mail) and send failed ones again."""

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline

from mail import services
from mail.models import Email

SHOWN = ("created_at", "event", "to", "subject", "status", "attempts", "sent_at", "last_error")


class EmailInline(GenericTabularInline):
    """The mail sent about the object on the page (an order), for its admin's inlines."""

    model = Email
    fields = SHOWN
    readonly_fields = SHOWN
    extra = 0
    can_delete = False
    verbose_name_plural = "mail sent"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "event", "to", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "event", "created_at")
    search_fields = ("to", "subject", "key")
    readonly_fields = (*SHOWN, "key", "user", "content_type", "object_id", "data", "updated_at")
    fields = readonly_fields
    date_hierarchy = "created_at"
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send again (failed or skipped mail)")
    def send_again(self, request, queryset):
        count = services.send_again(keys=list(queryset.values_list("key", flat=True)))
        self.message_user(request, f"{count} mail queued again.", messages.SUCCESS)
