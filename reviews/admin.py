"""Staff admin for reviews: read them, find the recent and low-rated ones, hide or publish
them (actions on many at once, through reviews.services so ratings follow). Reviews are the
shoppers' words: staff neither write, edit nor delete them."""

from datetime import timedelta

from django.contrib import admin, messages
from django.utils import timezone

from core.errors import APIError
from reviews import services
from reviews.models import Review

LOW_RATING = 2
RECENT_DAYS = 7


class NeedsALookFilter(admin.SimpleListFilter):
    title = "needs a look"
    parameter_name = "look"

    def lookups(self, request, model_admin):
        return [
            ("recent_low", f"Low-rated (1-{LOW_RATING}★), last {RECENT_DAYS} days"),
            ("low", f"Low-rated (1-{LOW_RATING}★)"),
            ("recent", f"Last {RECENT_DAYS} days"),
        ]

    def queryset(self, request, queryset):
        since = timezone.now() - timedelta(days=RECENT_DAYS)
        if self.value() in ("recent_low", "low"):
            queryset = queryset.filter(rating__lte=LOW_RATING)
        if self.value() in ("recent_low", "recent"):
            queryset = queryset.filter(created_at__gte=since)
        return queryset


def _each(modeladmin, request, queryset, change, done: str) -> None:
    changed = 0
    for review in queryset:
        try:
            change(review_id=review.pk)
            changed += 1
        except APIError as exc:
            modeladmin.message_user(request, f"{review}: {exc.detail}", messages.ERROR)
    if changed:
        modeladmin.message_user(request, f"{changed} review(s) {done}.", messages.SUCCESS)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "product",
        "rating",
        "user",
        "status",
        "verified_purchase",
        "helpful_count",
        "created_at",
    )
    list_filter = (NeedsALookFilter, "status", "rating", "verified_purchase", "created_at")
    list_select_related = ("product", "user")
    search_fields = ("title", "product__name", "user__email", "user__username")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    actions = ["hide", "publish"]
    show_full_result_count = False
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Review._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Hide: off the product page and out of its rating")
    def hide(self, request, queryset):
        _each(self, request, queryset, services.hide_review, "hidden")

    @admin.action(description="Publish")
    def publish(self, request, queryset):
        _each(self, request, queryset, services.publish_review, "published")
