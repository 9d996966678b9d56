"""The orders export in the admin: the orders placed between two days, one row per order, as
CSV or XLSX. Days are the shop's (settings.TIME_ZONE), and so are the times written."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from import_export import resources, widgets
from import_export.fields import Field
from import_export.forms import ExportForm

from orders.models import Order, OrderItem

COLUMNS = (
    "number",
    "created_at",
    "paid_at",
    "status",
    "customer_email",
    "items_count",
    "subtotal",
    "discount",
    "tax",
    "shipping",
    "total",
    "refunded_total",
    "currency",
)


class OrderExportForm(ExportForm):
    date_from = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label="To", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_to"].help_text = (
            f"Orders placed on these days, both included, in the shop's time zone "
            f"({settings.TIME_ZONE})."
        )

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", "The last day can't be before the first.")
        return data


def placed_between(orders: QuerySet[Order], *, first: date, last: date) -> QuerySet[Order]:
    """The orders placed from the start of day ``first`` to the end of day ``last``, in the
    shop's time zone."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    return orders.filter(created_at__gte=start, created_at__lt=end)


class OrderResource(resources.ModelResource):
    customer_email = Field(attribute="user__email", column_name="customer_email")
    items_count = Field(
        attribute="items_count", column_name="items_count", widget=widgets.IntegerWidget()
    )

    class Meta:
        model = Order
        fields = COLUMNS
        export_order = COLUMNS

    @classmethod
    def get_display_name(cls) -> str:
        return "Orders"

    def filter_export(self, queryset, **kwargs):
        form = kwargs.get("export_form")
        if form is not None:
            queryset = placed_between(
                queryset, first=form.cleaned_data["date_from"], last=form.cleaned_data["date_to"]
            )
        units = (
            OrderItem.objects.filter(order=OuterRef("pk"))
            .values("order")
            .annotate(units=Sum("quantity"))
            .values("units")
        )
        # One query for the whole file: the customer joined, the units counted alongside.
        return (
            queryset.select_related("user")
            .annotate(items_count=Coalesce(Subquery(units), 0))
            .order_by("created_at", "pk")
        )
