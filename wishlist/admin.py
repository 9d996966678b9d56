from django.contrib import admin

from wishlist.models import StockWatch, WishlistItem


@admin.register(WishlistItem)
class WishlistItemAdmin(admin.ModelAdmin):
    """Read only: customers keep their own lists."""

    list_display = ("user", "product", "variant", "added_at")
    list_select_related = ("user", "product", "variant__product")
    search_fields = ("user__email", "user__username", "product__name")
    date_hierarchy = "added_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StockWatch)
class StockWatchAdmin(admin.ModelAdmin):
    """Who waits for what: staff see demand for sold-out variants. Read only: a request is
    claimed by the back-in-stock notice (wishlist.services), never edited."""

    list_display = ("product", "variant", "user", "status", "created_at", "notified_at")
    list_filter = ("status",)
    list_select_related = ("user", "product", "variant__product")
    search_fields = ("user__email", "product__name", "variant__sku")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
