from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from webhooks.models import EVENTS, Attempt, Delivery, Endpoint
from webhooks.network import MAX_URL_LENGTH
from webhooks.services import MIN_SECRET_LENGTH


class EndpointSerializer(serializers.ModelSerializer):
    """An endpoint as staff see it from then on: its secret only as a hint."""

    secret_hint = serializers.CharField(read_only=True)

    class Meta:
        model = Endpoint
        fields = (
            "id",
            "url",
            "description",
            "events",
            "is_active",
            "secret_hint",
            "consecutive_failures",
            "disabled_reason",
            "disabled_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class CreatedEndpointSerializer(EndpointSerializer):
    """The answer to registering: the one time the secret is shown."""

    class Meta(EndpointSerializer.Meta):
        fields = (*EndpointSerializer.Meta.fields, "secret")
        read_only_fields = fields


# The bodies are checked by webhooks.services, which names every bad field at once (and lists
# the known events); these fields only parse, and tell the schema what is allowed.


@extend_schema_field(
    {"type": "string", "format": "uri", "maxLength": MAX_URL_LENGTH, "pattern": "^https?://"}
)
class URLField(serializers.CharField):
    pass


@extend_schema_field(
    {"type": "array", "items": {"type": "string", "enum": list(EVENTS)}, "minItems": 1}
)
class EventsField(serializers.ListField):
    child = serializers.CharField()


@extend_schema_field(
    {"type": "string", "minLength": MIN_SECRET_LENGTH, "maxLength": 200, "pattern": r"^\S+$"}
)
class SecretField(serializers.CharField):
    pass


class EndpointCreateSerializer(serializers.Serializer):
    url = URLField()
    events = EventsField()
    # Blank allowed (a secret is made then), so the schema keeps the minimum length it states.
    secret = SecretField(required=False, allow_blank=True, help_text="Made for you when not given.")
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)


class EndpointUpdateSerializer(serializers.Serializer):
    url = URLField(required=False)
    events = EventsField(required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)
    is_active = serializers.BooleanField(required=False)


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attempt
        fields = ("at", "status_code", "duration_ms", "response_excerpt", "error")


class DeliverySerializer(serializers.ModelSerializer):
    event = serializers.CharField(source="event.name")
    event_id = serializers.CharField()
    payload = serializers.SerializerMethodField()
    attempts = AttemptSerializer(source="log", many=True)

    class Meta:
        model = Delivery
        fields = (
            "id",
            "event_id",
            "event",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "last_error",
            "created_at",
            "delivered_at",
            "payload",
        )

    def get_payload(self, delivery: Delivery) -> dict:
        return delivery.event.payload()
