"""Staff admin for orders and returns. Every change goes through orders.fulfilment and
orders.returns, as actions that work on many rows at once."""

from django.contrib import admin, messages
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX

from core.admin import ReadOnlyInline
from core.errors import APIError
from mail.admin import EmailInline
from orders import fulfilment, returns
from orders.models import Order, OrderItem, Return, ReturnItem, StatusChange
from orders.resources import OrderExportForm, OrderResource


class OrderItemInline(ReadOnlyInline):
    model = OrderItem
    fields = ("sku", "product_name", "color", "size", "quantity", "price", "subtotal")
    readonly_fields = fields


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ("at", "status", "note", "by")
    readonly_fields = fields


def _each(modeladmin, request, queryset, action, done: str):
    succeeded = 0
    for row in queryset:
        try:
            action(row)
            succeeded += 1
        except APIError as exc:
            modeladmin.message_user(request, f"{row}: {exc.detail}", messages.ERROR)
    if succeeded:
        modeladmin.message_user(request, f"{succeeded} {done}.", messages.SUCCESS)


def _step_action(status: str, label: str):
    def step(modeladmin, request, queryset):
        _each(
            modeladmin,
            request,
            queryset,
            lambda order: fulfilment.advance(order_id=order.pk, status=status, by=request.user),
            f"order(s) marked {label.lower()}",
        )

    step.short_description = f"Mark as {label.lower()}"
    step.__name__ = f"mark_{status}"
    return step


@admin.register(Order)
class OrderAdmin(ExportMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "user",
        "status",
        "total",
        "refunded_total",
        "created_at",
        "estimated_delivery",
    )
    list_filter = ("status", "created_at")
    search_fields = ("number", "user__email", "user__username", "tracking_number")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    inlines = [OrderItemInline, StatusChangeInline, EmailInline]
    actions = [
        _step_action("processing", "Processing"),
        _step_action("shipped", "Shipped"),
        _step_action("out_for_delivery", "Out for delivery"),
        _step_action("delivered", "Delivered"),
    ]
    show_full_result_count = False
    # Export: the orders placed between two days (orders/resources.py), within the list's filters.
    resource_classes = [OrderResource]
    export_formats = [CSV, XLSX]
    export_form_class = OrderExportForm
    to_encoding = "utf-8-sig"  # a BOM, so spreadsheet programs read the CSV as UTF-8

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Order._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReturnItemInline(ReadOnlyInline):
    model = ReturnItem
    fields = ("order_item", "quantity")
    readonly_fields = fields


@admin.register(Return)
class ReturnAdmin(admin.ModelAdmin):
    list_display = ("id", "order", "status", "refund_amount", "points_reversed", "created_at")
    list_filter = ("status",)
    search_fields = ("order__number", "order__user__email")
    list_select_related = ("order",)
    inlines = [ReturnItemInline]
    actions = ["approve", "receive_and_refund", "reject"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Return._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Approve")
    def approve(self, request, queryset):
        _each(
            self,
            request,
            queryset,
            lambda r: returns.approve_return(return_id=r.pk, by=request.user),
            "return(s) approved",
        )

    @admin.action(description="Mark received: restock and refund")
    def receive_and_refund(self, request, queryset):
        _each(
            self,
            request,
            queryset,
            lambda r: returns.receive_return(return_id=r.pk, by=request.user),
            "return(s) refunded",
        )

    @admin.action(description="Reject")
    def reject(self, request, queryset):
        _each(
            self,
            request,
            queryset,
            lambda r: returns.reject_return(
                return_id=r.pk, note="Rejected after inspection.", by=request.user
            ),
            "return(s) rejected",
        )
