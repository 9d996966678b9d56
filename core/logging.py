"""Structured logging: structlog for our lines, the same renderer for the standard library's.

Every line carries the request id bound by core.middleware.RequestIDMiddleware.
"""

import structlog

SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure_structlog(*, json: bool) -> None:
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def build_logging_config(*, json: bool, level: str) -> dict:
    renderer = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    final_processors = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if json:
        final_processors.append(structlog.processors.format_exc_info)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [*final_processors, renderer],
                "foreign_pre_chain": SHARED_PROCESSORS,
            },
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "structured"},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # The access line of core.middleware replaces django.request's 4xx warnings;
            # unhandled exceptions are still logged, with their traceback, at ERROR.
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "WARNING"},
            "daphne": {"level": "WARNING"},
        },
    }
