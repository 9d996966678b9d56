"""Settings for the shop, driven by the environment (see .env.example).

Embedded default: SQLite, local-memory cache, in-memory channel layer, Celery eager.
Full mode: DATABASE_URL and REDIS_URL point at PostgreSQL and Redis.
"""

from datetime import timedelta
from pathlib import Path

import environ
import redis.exceptions
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from core.logging import build_logging_config, configure_structlog

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# ENV_FILE may be set empty to ignore a local .env (the test suite does).
ENV_FILE = env.str("ENV_FILE", default=str(BASE_DIR / ".env"))
if ENV_FILE and Path(ENV_FILE).is_file():
    environ.Env.read_env(ENV_FILE)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",  # first, so runserver serves ASGI (HTTP and WebSockets)
    "core.apps.ShopAdminConfig",  # django.contrib.admin with the shop's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "csp",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "import_export",
    "core",
    "mail",
    "accounts",
    "catalog",
    "cart",
    "loyalty",
    "orders",
    "reviews",
    "wishlist",
    "reports",
    "webhooks",
    "chat",
]

MIDDLEWARE = [
    "core.middleware.RequestIDMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.csp.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Anonymous API reads answered from the cache: after the middlewares that dress every
    # answer (request id, security headers, CSP, CORS), before those a cached answer for a
    # visitor without a session has no use for (session, CSRF, user, messages).
    "core.answer_cache.CachedAnswerMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "catalog.context_processors.navigation",
                "cart.context_processors.cart_count",
                "core.page_cache.hole_markers",  # last: holes of pages built for the cache
            ],
        },
    },
]

# Database

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE takes the write lock at BEGIN,
    # so concurrent writers queue (busy timeout) instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
USING_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if USING_POSTGRES and env.bool("DB_POOL", default=True):
    # A pool instead of one persistent connection per thread: under ASGI every sync view runs
    # in a thread of its own, and persistent connections would exhaust PostgreSQL's limit.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env.int("DB_POOL_MAX_SIZE", default=10),
        "timeout": 10,
    }

if USING_POSTGRES:
    # core.sql's compiled reads bind on the server: psycopg prepares each once it has run this
    # many times on a connection. Django's own cursors bind on the client and never prepare.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Redis: cache, rate limits, channel layer and Celery broker in full mode.

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",  # a Redis outage degrades, not breaks
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="shop"),
            # Fail fast when Redis is away instead of hanging a request.
            "OPTIONS": {
                "socket_connect_timeout": 2,
                "socket_timeout": 2,
                "retry_on_error": [redis.exceptions.ConnectionError],
            },
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py's default socket_timeout (5 s) equals the layer's blocking-read
                # timeout and its pool stops at 100 connections; both fail under load.
                # After Redis restarts, a pooled connection fails once: it is dropped and the
                # command sent again on a new one, instead of losing an event.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": 30,
                        "max_connections": 5000,
                        "retry_on_error": [redis.exceptions.ConnectionError],
                    }
                ],
                "prefix": env.str("CHANNEL_LAYER_PREFIX", default="asgi"),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# WebSockets: the heartbeat (sockets missing two pongs are closed) and the largest frame read.
WS_PING_INTERVAL_SECONDS = env.float("WS_PING_INTERVAL_SECONDS", default=30.0)
WS_MAX_FRAME_CHARS = env.int("WS_MAX_FRAME_CHARS", default=4000)

# Celery: a real worker with Redis; without it, tasks run eagerly in the caller.

CELERY_BROKER_URL = REDIS_URL or "memory://"
# kombu's Redis transport, with one client per channel for publishing (core.broker).
CELERY_BROKER_TRANSPORT = "core.broker:Transport" if REDIS_URL.startswith("redis://") else None
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A worker process killed mid-task (OOM, deploy) gives its task back to the queue instead of
# acknowledging it: the jobs are idempotent, so running one again is safe.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_RETRY_DELAY = 10

# When the periodic jobs run (each app's tasks.py declares its jobs with these schedules).
CLEANUP_AT_HOUR = env.int("CLEANUP_AT_HOUR", default=2)
CLEANUP_AT_MINUTE = env.int("CLEANUP_AT_MINUTE", default=0)
INVENTORY_SYNC_EVERY_MINUTES = env.int("INVENTORY_SYNC_EVERY_MINUTES", default=15)
LOW_STOCK_ALERTS_EVERY_MINUTES = env.int("LOW_STOCK_ALERTS_EVERY_MINUTES", default=60)
RELEASE_RESERVATIONS_EVERY_MINUTES = env.int("RELEASE_RESERVATIONS_EVERY_MINUTES", default=5)
# Where the supplier's stock feed is: a CSV or JSON file path or URL; "demo" makes up changes
# to about a tenth of the stock levels (for the demo); empty: no sync.
INVENTORY_FEED = env.str("INVENTORY_FEED", default="")
LOW_STOCK_THRESHOLD = env.int("LOW_STOCK_THRESHOLD", default=10)
EMPTY_CART_DAYS = env.int("EMPTY_CART_DAYS", default=7)
ANONYMOUS_CART_DAYS = env.int("ANONYMOUS_CART_DAYS", default=30)
CHAT_IDLE_DAYS = env.int("CHAT_IDLE_DAYS", default=30)
CHAT_MESSAGES_PER_MINUTE = env.int("CHAT_MESSAGES_PER_MINUTE", default=20)
# The sales agent's brain: empty for the built-in offline one; or openai, anthropic or ollama
# (install its langchain package; the provider's key comes from its usual variable).
LLM_PROVIDER = env.str("LLM_PROVIDER", default="")
LLM_MODEL = env.str("LLM_MODEL", default="")
LLM_TIMEOUT_SECONDS = env.float("LLM_TIMEOUT_SECONDS", default=20.0)
CHAT_PURGE_MESSAGES = env.bool("CHAT_PURGE_MESSAGES", default=False)

# Mail: where it goes (smtp://user:pass@host:587, smtp+tls://..., smtps://..., consolemail://,
# filemail:///path), who it is from, and the shop's name and address its links point to.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Shop <shop@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)  # seconds a mail server may keep a worker
SHOP_NAME = env.str("SHOP_NAME", default="Shop")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Attempts at one mail before it is marked failed (staff can send it again), the longest wait
# between two, and how often send_queued_mail picks up mail whose task was lost.
MAIL_MAX_ATTEMPTS = env.int("MAIL_MAX_ATTEMPTS", default=8)
MAIL_RETRY_MAX_SECONDS = env.int("MAIL_RETRY_MAX_SECONDS", default=600)
MAIL_RETRY_EVERY_MINUTES = env.int("MAIL_RETRY_EVERY_MINUTES", default=5)
# Webhooks (README, "Webhooks"): seconds a receiver may take, the waits before each retry,
# failed deliveries in a row that disable an endpoint, how often send_due_webhooks sends the
# due retries (and any whose task was lost), days the delivery log is kept, and whether
# endpoints may be on loopback, private or link-local addresses (off: no requests into the
# shop's own network).
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=5.0)
WEBHOOKS_RETRY_DELAYS_SECONDS = env.list(
    "WEBHOOKS_RETRY_DELAYS_SECONDS", cast=int, default=[60, 300, 1800, 7200, 21600]
)
WEBHOOKS_DISABLE_AFTER_FAILURES = env.int("WEBHOOKS_DISABLE_AFTER_FAILURES", default=5)
WEBHOOKS_RETRY_EVERY_MINUTES = env.int("WEBHOOKS_RETRY_EVERY_MINUTES", default=1)
WEBHOOKS_KEEP_DAYS = env.int("WEBHOOKS_KEEP_DAYS", default=30)
WEBHOOKS_ALLOW_PRIVATE = env.bool("WEBHOOKS_ALLOW_PRIVATE", default=False)
# A password reset link works once, for an hour.
PASSWORD_RESET_TIMEOUT = 3600

# Payments: the gateway class, and the mock's behaviour (see orders/payments.py).

PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="orders.payments.MockGateway")
PAYMENT_FAILURE_RATE = env.float("PAYMENT_FAILURE_RATE", default=0.0)
PAYMENT_DELAY_SECONDS = env.float("PAYMENT_DELAY_SECONDS", default=0.2)
# Orders left in pending_payment longer than this are settled by release_stale_orders.
ORDER_RESERVATION_MINUTES = env.int("ORDER_RESERVATION_MINUTES", default=15)

# Internationalization

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files: WhiteNoise serves them under any server, DEBUG or not.

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# STATIC_HASHED_NAMES (after collectstatic, as deploy/ does): file names carry a hash of their
# content, so a proxy or browser may keep them for a year and a deploy still shows new ones.
STATIC_HASHED_NAMES = env.bool("STATIC_HASHED_NAMES", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_HASHED_NAMES
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True  # no collectstatic step needed to serve
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploaded product photos (README, "Product photos"): in MEDIA_ROOT, served by the site under
# MEDIA_URL; or, with AWS_STORAGE_BUCKET_NAME, in an S3-compatible bucket that serves them
# itself. The keys come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or boto3's other
# sources, e.g. an instance role), read by boto3 from the environment.
MEDIA_BUCKET = env.str("AWS_STORAGE_BUCKET_NAME", default="")
MEDIA_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default="")
if MEDIA_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "custom_domain": MEDIA_CUSTOM_DOMAIN or None,
            "location": env.str("AWS_LOCATION", default=""),
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
            # Plain URLs (a public-read bucket or a CDN), cacheable: every name is new.
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }

LOGIN_URL = "/accounts/signin/"
LOGIN_REDIRECT_URL = "/account/"
LOGOUT_REDIRECT_URL = "/"
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailOrUsernameBackend"]

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(hours=1),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "UPDATE_LAST_LOGIN": True,
}
# Sign-in attempts allowed per client IP and per account in each window.
SIGNIN_RATE_LIMIT = env.int("SIGNIN_RATE_LIMIT", default=5)
SIGNIN_RATE_WINDOW_SECONDS = env.int("SIGNIN_RATE_WINDOW_SECONDS", default=60)

# Security. Safe by default; behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER.

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/?$", r"^metrics/?$"]  # probes and scrapers use plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Where product photos come from when a bucket serves them (STORAGES above).
_MEDIA_ORIGINS = []
if MEDIA_BUCKET:
    _endpoint = env.str("AWS_S3_ENDPOINT_URL", default="")
    _region = env.str("AWS_S3_REGION_NAME", default="")
    if MEDIA_CUSTOM_DOMAIN:
        _MEDIA_ORIGINS = [MEDIA_CUSTOM_DOMAIN]
    elif _endpoint:
        _MEDIA_ORIGINS = [_endpoint.rstrip("/"), _endpoint.replace("://", f"://{MEDIA_BUCKET}.", 1)]
    else:
        _MEDIA_ORIGINS = [f"https://{MEDIA_BUCKET}.s3.amazonaws.com"]
        if _region:
            _MEDIA_ORIGINS.append(f"https://{MEDIA_BUCKET}.s3.{_region}.amazonaws.com")
# Content-Security-Policy: the pages load only their own scripts, styles, images and sockets,
# and run no inline script. Inline style attributes (a progress bar's width) are allowed, not
# <style> elements. The API docs views relax it for themselves (config/api.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", *_MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Request bodies above this are refused: 413 in the envelope under /api/ (config/errors.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
# How many proxies in front of the site append to X-Forwarded-For (client IP for rate limits).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# GET /metrics answers these addresses (or networks), and anyone sending
# "Authorization: Bearer $METRICS_TOKEN"; everyone else gets a 404.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# CORS: only on /api/, only for the listed origins.

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_EXPOSE_HEADERS = ["X-Request-ID"]
CORS_ALLOW_HEADERS = [
    "accept",
    "authorization",
    "content-type",
    "idempotency-key",
    "x-csrftoken",
    "x-request-id",
]

# REST API

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    # Per user (per client address for visitors); views opt in with throttle_scope.
    "DEFAULT_THROTTLE_RATES": {"cart": env.str("CART_THROTTLE_RATE", default="120/min")},
    "COERCE_DECIMAL_TO_STRING": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Shop API",
    "DESCRIPTION": "Catalog, cart, loyalty, orders and staff operations of the shop.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/",
    # Swagger UI and ReDoc from the sidecar package: the docs work with no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The API takes JSON bodies (API.md); form parsers stay only for the browsable API's forms.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # Request bodies get components of their own, so read-only fields aren't asked for.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.openapi.document_errors",
    ],
}

# Logging: one JSON line per event in production, readable console lines in DEBUG.

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_JSON = env.bool("LOG_JSON", default=not DEBUG)
configure_structlog(json=LOG_JSON)
LOGGING = build_logging_config(json=LOG_JSON, level=LOG_LEVEL)

SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(dsn=SENTRY_DSN, send_default_pii=False, traces_sample_rate=0.0)
