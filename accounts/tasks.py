from accounts import services
from core.jobs import daily, job


@job("flush_expired_tokens", schedule=daily)
def flush_expired_tokens() -> dict:
    return {"tokens_flushed": services.flush_expired_tokens()}
