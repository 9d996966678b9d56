"""The reports' query parameters and answers (API.md, "Staff reports")."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import serializers

from reports.queries import DEFAULT_DAYS, INTERVALS, MAX_DAYS, DateRange


def _money() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2)


class RangeParams(serializers.Serializer):
    """``from`` and ``to``: the shop's days, both included; the last 30 days by default.
    Validated into ``dates``, a DateRange."""

    def get_fields(self):
        # "from" is a Python keyword: the fields are named here rather than as attributes.
        fields = super().get_fields()
        fields["from"] = serializers.DateField(
            required=False, help_text=f"YYYY-MM-DD; default: {DEFAULT_DAYS - 1} days before to."
        )
        fields["to"] = serializers.DateField(
            required=False, help_text="YYYY-MM-DD, included; default: today (the shop's)."
        )
        return fields

    def validate(self, attrs):
        given = [name for name in ("from", "to") if name in attrs]
        end = attrs.pop("to", None) or timezone.localdate()
        start = attrs.pop("from", None) or end - timedelta(days=DEFAULT_DAYS - 1)
        if end < start:
            raise serializers.ValidationError({"to": [f"Must not be before from ({start})."]})
        dates = DateRange(start, end)
        if dates.days > MAX_DAYS:
            # Name the date the client gave (to, when it gave both).
            raise serializers.ValidationError(
                {given[-1]: [f"A report covers at most {MAX_DAYS} days; this is {dates.days}."]}
            )
        return {**attrs, "dates": dates}


class SalesParams(RangeParams):
    interval = serializers.ChoiceField(choices=INTERVALS, default="day")


class TopProductsParams(RangeParams):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=10)


class SalesTotalsSerializer(serializers.Serializer):
    orders = serializers.IntegerField()
    revenue = _money()
    refunds = _money()
    net = _money()
    average_order = _money()


class SalesPointSerializer(serializers.Serializer):
    period = serializers.DateField(help_text="The period's first day.")
    orders = serializers.IntegerField()
    revenue = _money()
    refunds = _money()


class SalesSerializer(serializers.Serializer):
    currency = serializers.CharField()
    totals = SalesTotalsSerializer()
    series = SalesPointSerializer(many=True)


class TopProductSerializer(serializers.Serializer):
    product_id = serializers.IntegerField()
    name = serializers.CharField()
    units = serializers.IntegerField()
    revenue = _money()


class StockReportSerializer(serializers.Serializer):
    out_of_stock = serializers.IntegerField()
    low_stock = serializers.IntegerField()
    in_stock = serializers.IntegerField()
    open_alerts = serializers.IntegerField()
