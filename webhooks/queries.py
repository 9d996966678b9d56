from django.db.models import Prefetch, QuerySet

from webhooks.models import Attempt, Delivery, Endpoint


def endpoints() -> QuerySet[Endpoint]:
    return Endpoint.objects.all()


def deliveries_of(endpoint_id: int) -> QuerySet[Delivery]:
    """Newest first, each with its event and its attempts in order."""
    return (
        Delivery.objects.filter(endpoint_id=endpoint_id)
        .select_related("event")
        .prefetch_related(Prefetch("log", queryset=Attempt.objects.order_by("at", "id")))
        .order_by("-created_at", "-id")
    )
