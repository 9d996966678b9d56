from django.conf import settings

from chat import services
from core.jobs import daily, job


@job("close_idle_chat_sessions", schedule=daily)
def close_idle_chat_sessions() -> dict:
    return services.close_idle_sessions(
        idle_days=settings.CHAT_IDLE_DAYS, purge_messages=settings.CHAT_PURGE_MESSAGES
    )
