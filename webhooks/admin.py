"""Staff register endpoints (the secret is shown once, after adding), see each one's recent
deliveries and a warning when one was disabled, enable it again, and resend deliveries."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core.admin import JobsAdminMixin, ReadOnlyInline
from webhooks import services
from webhooks.models import EVENTS, Attempt, Delivery, Endpoint

RECENT = 20


class EndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=[(name, name) for name in EVENTS], widget=forms.CheckboxSelectMultiple
    )
    secret = forms.CharField(
        required=False,
        help_text="Leave empty to have a strong one made. Shown once, after saving.",
    )

    class Meta:
        model = Endpoint
        fields = ("url", "description", "events", "is_active")

    def clean(self):
        cleaned = super().clean()
        # An unchanged URL isn't checked again: its host may have gone, and staff must still be
        # able to turn the endpoint off.
        checked = ("url", "events", "secret") if self.instance.pk is None else self.changed_data
        given = {field: cleaned[field] for field in ("url", "events", "secret") if field in checked}
        given = {field: value for field, value in given.items() if value}
        try:
            services.checked(**given)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field, errors)
        return cleaned


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ("url", "event_list", "is_active", "consecutive_failures", "created_at")
    list_filter = ("is_active",)
    search_fields = ("url", "description")
    readonly_fields = (
        "secret_hint",
        "consecutive_failures",
        "disabled_reason",
        "disabled_at",
        "created_by",
        "created_at",
        "recent_deliveries",
    )
    actions = ["enable", "roll_secret"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("url", "description", "events", "secret")
        return ("url", "description", "events", "is_active", *self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    @admin.display(description="events")
    def event_list(self, endpoint: Endpoint) -> str:
        return ", ".join(endpoint.events)

    @admin.display(description="recent deliveries")
    def recent_deliveries(self, endpoint: Endpoint) -> str:
        recent = endpoint.deliveries.select_related("event").order_by("-created_at", "-id")[:RECENT]
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:webhooks_delivery_change", args=[d.pk]),
                    f"{d.created_at:%Y-%m-%d %H:%M:%S}",
                    d.event.name,
                    d.status,
                    d.attempts,
                    d.last_status_code or d.last_error or "",
                )
                for d in recent
            ),
        )
        if not rows:
            return "None yet."
        return format_html(
            "<table><tr><th>created</th><th>event</th><th>status</th><th>attempts</th>"
            "<th>last answer</th></tr>{}</table>",
            rows,
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.update_endpoint(
                endpoint_id=obj.pk,
                url=data["url"] if "url" in form.changed_data else None,
                events=data["events"],
                description=data["description"],
                is_active=data["is_active"],
            )
            return
        endpoint, secret = services.create_endpoint(
            url=data["url"],
            events=data["events"],
            secret=data["secret"] or None,
            description=data["description"],
            created_by=request.user,
        )
        obj.pk = endpoint.pk  # for the admin's log entry and redirect
        _show_secret(request, endpoint, secret)

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            for endpoint in Endpoint.objects.filter(is_active=False):
                _warn_disabled(request, endpoint)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        endpoint = Endpoint.objects.filter(pk=object_id, is_active=False).first()
        if request.method == "GET" and endpoint is not None:
            _warn_disabled(request, endpoint)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Enable again (after the receiver is fixed)")
    def enable(self, request, queryset):
        for pk in queryset.filter(is_active=False).values_list("pk", flat=True):
            services.update_endpoint(endpoint_id=pk, is_active=True)
        self.message_user(request, "Enabled. Resend their failed deliveries if they need them.")

    @admin.action(description="Make a new signing secret (shown once)")
    def roll_secret(self, request, queryset):
        for endpoint in queryset:
            _show_secret(request, endpoint, services.roll_secret(endpoint_id=endpoint.pk))


def _show_secret(request, endpoint: Endpoint, secret: str) -> None:
    messages.warning(
        request,
        f"Signing secret of {endpoint.url}: {secret} (copy it to the receiver now: it is not "
        "shown again).",
    )


def _warn_disabled(request, endpoint: Endpoint) -> None:
    messages.warning(
        request,
        f"Webhook endpoint {endpoint} is disabled: {endpoint.disabled_reason or 'by staff.'}",
    )


class AttemptInline(ReadOnlyInline):
    model = Attempt
    fields = ("at", "status_code", "duration_ms", "error", "response_excerpt")
    readonly_fields = fields
    verbose_name_plural = "attempts"


@admin.register(Delivery)
class DeliveryAdmin(JobsAdminMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "event_name",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("status", "event__name", "endpoint")
    list_select_related = ("event", "endpoint")
    search_fields = ("event__id", "endpoint__url")
    date_hierarchy = "created_at"
    fields = (
        "event_id_shown",
        "event_name",
        "endpoint",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
        "payload",
    )
    readonly_fields = fields
    inlines = [AttemptInline]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="event", ordering="event__name")
    def event_name(self, delivery: Delivery) -> str:
        return delivery.event.name

    @admin.display(description="event id")
    def event_id_shown(self, delivery: Delivery) -> str:
        return delivery.event_id

    @admin.display(description="payload")
    def payload(self, delivery: Delivery) -> str:
        return format_html("<pre>{}</pre>", json.dumps(delivery.event.payload(), indent=2))

    @admin.action(description="Resend")
    def resend(self, request, queryset):
        counts = services.resend(delivery_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{counts['resent']} resent.", messages.SUCCESS)
        if counts["skipped"]:
            self.message_user(
                request,
                f"{counts['skipped']} skipped: their endpoint is disabled; enable it first.",
                messages.WARNING,
            )
