from django.contrib import admin


class ReadOnlyInline(admin.TabularInline):
    """Rows staff may see but not touch here: they change through services."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
