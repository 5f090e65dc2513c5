"""Crier settings: everything comes from environment variables (see README, Configuration)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from corsheaders.defaults import default_headers as default_cors_headers
from django.core.exceptions import ImproperlyConfigured

from config.env import comma_list, env_bool, env_int, env_list, env_or_file, env_str
from core.fastpaths import NAMES as FAST_PATHS

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CRIER_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_or_file("SECRET_KEY", VAR_DIR)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off (make run creates one in "
            f"{VAR_DIR / 'secret_key'})."
        )
    SECRET_KEY = "insecure-debug-only-key"  # noqa: S105 - only reachable with DEBUG on

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Browser clients (Publora's upload example is browser JavaScript): the origins allowed to
# call the API and PUT to signed upload URLs. None by default: which to trust is a
# deployment decision. S3 buckets need their own CORS rule for direct uploads.
CORS_ALLOWED_ORIGINS = env_list("CRIER_CORS_ORIGINS")
CORS_URLS_REGEX = r"^/(api/v1|public/v1|api/public/v1|uploads|media)/"
CORS_ALLOW_HEADERS = (
    *default_cors_headers,
    "idempotency-key",
    "publer-workspace-id",
    "x-publora-key",
    "x-api-key",
    "x-postpost-user-id",
    "x-postpost-client",
)
CORS_EXPOSE_HEADERS = ["X-RateLimit-Limit", "X-RateLimit-Remaining", "Retry-After"]

INSTALLED_APPS = [
    "config.apps.CrierAdminConfig",  # django.contrib.admin, with the pipeline index
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "posts",
    "media",
    "webhooks",
    "planning",
    "analytics",
    "compat",
    "config.apps.CrierConfig",
]

MIDDLEWARE = [
    "config.middleware.RequestLogMiddleware",
    "core.health.ProbeMiddleware",  # probes by address, whatever ALLOWED_HOSTS says
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.ApiErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

# Shortcuts through Django's and DRF's internals, each measured (core/fastpaths lists them
# and what they lean on): CRIER_FAST_<NAME>=0 puts the framework's own path back, e.g. after
# an upgrade that broke one.
CRIER_FAST_PATHS = {name: env_bool(f"CRIER_FAST_{name.upper()}", True) for name in FAST_PATHS}

# SQLite file under var/ by default (make run); DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'crier.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    if CRIER_FAST_PATHS["pg_health_check"]:
        # Django's, with a health check that sends no SELECT 1 while the connection is quiet.
        DATABASES["default"]["ENGINE"] = "core.fastpaths.postgresql"
    # Values bound by the server, and a statement run DATABASE_PREPARE_THRESHOLD times on a
    # connection is prepared there: PostgreSQL parses and plans each hot query (API key,
    # job status, claims) once per connection, not per call (bench/api.py: its CPU per
    # request 1.0 -> 0.3 ms). 0 turns it off, e.g. behind a pooler that cannot keep
    # prepared statements (PgBouncer before 1.21 in transaction mode).
    prepare_threshold = env_int("DATABASE_PREPARE_THRESHOLD", 5)
    if prepare_threshold:
        DATABASES["default"]["OPTIONS"] = {
            "server_side_binding": True,
            "prepare_threshold": prepare_threshold,
        }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let web, worker and beat share one SQLite file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]  # the admin's times with seconds and zone

STATIC_URL = "static/"
STATIC_ROOT = env_str("STATIC_ROOT", str(VAR_DIR / "static"))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env_str("MEDIA_ROOT", str(VAR_DIR / "media"))

# Bodies above this are refused with 413 before they are read (media uploads stream instead).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("API_MAX_BODY_BYTES", 2 * 1024 * 1024)

# --- Security: secure by default; SECURE_HTTPS=0 is for plain-HTTP local runs (make run).
SECURE_HTTPS = env_bool("SECURE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Redis and Celery
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers log through LOGGING (one JSON object per line, with the task's ids), not Celery's
# own text format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Celery's Django fixup would close the database connection around every task; workers
# close them the way Django does instead (config/celery.py), honouring CONN_MAX_AGE.
CELERY_DB_REUSE_MAX = 10**9
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TASK_ROUTES = {
    "posts.tasks.publish_deliveries": {"queue": "publish"},
    "posts.tasks.publish_delivery": {"queue": "publish"},
    "posts.tasks.poll_delivery": {"queue": "publish"},
    "media.tasks.*": {"queue": "media"},
}

# --- Secrets at rest: comma-separated Fernet keys; the first encrypts, all decrypt.
CRIER_ENCRYPTION_KEYS = comma_list(env_or_file("CRIER_ENCRYPTION_KEYS", VAR_DIR))
if not CRIER_ENCRYPTION_KEYS and not DEBUG:
    raise ImproperlyConfigured(
        "CRIER_ENCRYPTION_KEYS is required when DEBUG is off (make run creates one in "
        f"{VAR_DIR / 'crier_encryption_keys'})."
    )

# --- API
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "60/minute")
# Failed authentications per client address, every dialect (accounts/throttling.py).
API_FAILED_AUTH_LIMIT = env_str("API_FAILED_AUTH_LIMIT", "60/minute")
# Repostra clients are promised 60 requests a minute per key (compat/repostra/base.py).
REPOSTRA_RATE_LIMIT = env_str("REPOSTRA_RATE_LIMIT", "60/minute")
# The Postiz dialect (/public/v1/): requests per minute per workspace, its own variable.
POSTIZ_API_LIMIT = env_int("API_LIMIT", 60)
# Postiz's POST /public/v1/postsurl fetches its imageUrls inside the request: how many one
# request may name, and the seconds they may take in all (compat/postiz_posts.py).
POSTIZ_MAX_IMAGE_URLS = env_int("CRIER_POSTIZ_MAX_IMAGE_URLS", 20)
POSTIZ_IMAGE_URLS_TIMEOUT = env_int("CRIER_POSTIZ_IMAGE_URLS_TIMEOUT", 60)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.HasWorkspaceScope"],
    "DEFAULT_THROTTLE_CLASSES": ["accounts.throttling.ApiKeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "accounts.api_errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    # Proxies in front of Crier whose X-Forwarded-For names the client (failed logins are
    # counted per client address); 0 reads REMOTE_ADDR, which no client can forge.
    "NUM_PROXIES": env_int("CRIER_NUM_PROXIES", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Crier API",
    "DESCRIPTION": (
        "Self-hosted social-media publishing. Authenticate with "
        "`Authorization: Bearer-API <key>` (or `Bearer <key>`) and select a workspace with "
        '`Publer-Workspace-Id`. Errors are `{"errors": ["..."]}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI assets served by Crier itself: /api/docs/ works offline and pins a version.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "PREPROCESSING_HOOKS": ["compat.postiz_urls.document_one_prefix"],
    # Paths two dialects share document the native operation and describe the other there.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "compat.routing.describe_shared_paths",
    ],
    # `state` takes queue on creation only (planning); name both choice sets once.
    "ENUM_NAME_OVERRIDES": {
        "BulkStateEnum": ["scheduled", "draft", "queue"],
        "ScheduleStateEnum": ["scheduled", "draft"],
        "PostizPostTypeEnum": ["now", "schedule", "draft"],
    },
}

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}

# --- Publishing pipeline
from datetime import timedelta  # noqa: E402

CRIER_DISPATCH_INTERVAL = env_int("CRIER_DISPATCH_INTERVAL", 5)  # seconds between beat ticks
CRIER_DISPATCH_BATCH = env_int("CRIER_DISPATCH_BATCH", 500)  # deliveries claimed per query
# Due times closer than this get a wake-up message at that instant (posts/wakeups.py), so
# posts go out on time rather than at the next tick; 0 leaves them to the tick alone.
CRIER_WAKEUP_HORIZON = env_int("CRIER_WAKEUP_HORIZON", 2 * CRIER_DISPATCH_INTERVAL)
if 0 < CRIER_WAKEUP_HORIZON < CRIER_DISPATCH_INTERVAL:
    # A tick arms only what falls due within the horizon: a shorter one misses posts.
    raise ImproperlyConfigured(
        "CRIER_WAKEUP_HORIZON must be 0 (no wake-ups) or at least CRIER_DISPATCH_INTERVAL."
    )
CRIER_PUBLISH_BATCH = env_int("CRIER_PUBLISH_BATCH", 20)  # deliveries per publish message
CRIER_MAX_ATTEMPTS = env_int("CRIER_MAX_ATTEMPTS", 5)
CRIER_HTTP_TIMEOUT = env_int("CRIER_HTTP_TIMEOUT", 30)  # seconds, one platform call
# A platform call made while an API request waits (an account's recent posts): shorter.
CRIER_REQUEST_HTTP_TIMEOUT = env_int("CRIER_REQUEST_HTTP_TIMEOUT", 10)
CRIER_RETRY_BASE = env_int("CRIER_RETRY_BASE", 15)  # first backoff, doubled each attempt
CRIER_RETRY_MAX = env_int("CRIER_RETRY_MAX", 3600)
# A queued delivery whose message has not started by then is sent again (lost message).
CRIER_QUEUE_LEASE = timedelta(seconds=env_int("CRIER_QUEUE_LEASE", 300))
# A publishing delivery whose worker has not reported by then died mid-call.
CRIER_PUBLISH_LEASE = timedelta(seconds=env_int("CRIER_PUBLISH_LEASE", 2 * CRIER_HTTP_TIMEOUT + 30))
CRIER_POLL_INTERVAL = timedelta(seconds=env_int("CRIER_POLL_INTERVAL", 10))
CRIER_PROCESSING_TIMEOUT = timedelta(seconds=env_int("CRIER_PROCESSING_TIMEOUT", 3600))
CRIER_PAST_TOLERANCE = timedelta(seconds=env_int("CRIER_PAST_TOLERANCE", 60))
CRIER_BULK_LIMIT = env_int("CRIER_BULK_LIMIT", 500)
CRIER_IDEMPOTENCY_TTL = timedelta(hours=24)

CELERY_BEAT_SCHEDULE = {
    "dispatch-due-deliveries": {
        "task": "posts.tasks.dispatch",
        "schedule": float(CRIER_DISPATCH_INTERVAL),
        "options": {"expires": float(CRIER_DISPATCH_INTERVAL)},
    },
    "purge-idempotency-records": {
        "task": "posts.tasks.purge_idempotency_records",
        "schedule": 3600.0,
    },
}

# --- Webhooks and operations
CRIER_WEBHOOK_TIMEOUT = env_int("CRIER_WEBHOOK_TIMEOUT", 10)
CRIER_WEBHOOK_MAX_ATTEMPTS = env_int("CRIER_WEBHOOK_MAX_ATTEMPTS", 8)
CRIER_WEBHOOK_RETRY_BASE = env_int("CRIER_WEBHOOK_RETRY_BASE", 30)  # doubled per attempt
CRIER_WEBHOOK_RETRY_MAX = env_int("CRIER_WEBHOOK_RETRY_MAX", 6 * 3600)
# Empty: /metrics answers loopback clients only (config/metrics.py).
CRIER_METRICS_TOKEN = env_str("CRIER_METRICS_TOKEN")
CRIER_OVERDUE_AFTER = timedelta(seconds=env_int("CRIER_OVERDUE_AFTER", 300))
CELERY_BEAT_SCHEDULE["dispatch-webhooks"] = {
    "task": "webhooks.tasks.dispatch",
    "schedule": float(CRIER_DISPATCH_INTERVAL),
    "options": {"expires": float(CRIER_DISPATCH_INTERVAL)},
}

# --- Connecting accounts
CRIER_REFRESH_AHEAD = timedelta(
    seconds=env_int("CRIER_REFRESH_AHEAD", 900)
)  # refresh before expiry
CELERY_BEAT_SCHEDULE["refresh-expiring-tokens"] = {
    "task": "accounts.tasks.refresh_expiring_tokens",
    "schedule": 300.0,
}
# Where Crier is reached from outside (OAuth redirect URIs are built on it).
CRIER_PUBLIC_URL = env_str("CRIER_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# CRIER_OAUTH_<PLATFORM>_CLIENT_ID / _CLIENT_SECRET for each OAuth platform offered.
CRIER_OAUTH_APPS = {
    name.removeprefix("CRIER_OAUTH_").removesuffix("_CLIENT_ID").lower(): {
        "client_id": value,
        "client_secret": env_str(name.removesuffix("_CLIENT_ID") + "_CLIENT_SECRET"),
    }
    for name, value in os.environ.items()
    if name.startswith("CRIER_OAUTH_") and name.endswith("_CLIENT_ID") and value
}

# What each connector is configured with (connectors.base.ConnectorConfig): read here, once,
# and handed in by accounts.platforms, since a connector reads no environment. Empty means
# the connector's own default; the OAuth client ids and secrets come from CRIER_OAUTH_APPS.
# Any: each connector's frozen configuration class checks the values it takes.
CRIER_CONNECTORS: dict[str, dict[str, Any]] = {
    "sandbox": {"api_url": env_str("CRIER_SIMULATOR_URL")},
    "x": {
        "api_url": env_str("CRIER_X_API_URL"),
        "authorize_url": env_str("CRIER_X_AUTHORIZE_URL"),
        "scopes": env_str("CRIER_X_SCOPES"),
    },
    "linkedin": {
        "api_version": env_str("CRIER_LINKEDIN_VERSION"),
        "scopes": env_str("CRIER_LINKEDIN_SCOPES"),
    },
    "facebook": {
        "api_version": env_str("CRIER_GRAPH_VERSION"),
        "scopes": env_str("CRIER_FACEBOOK_SCOPES"),
    },
    "instagram": {
        "api_version": env_str("CRIER_GRAPH_VERSION"),
        "scopes": env_str("CRIER_INSTAGRAM_SCOPES"),
    },
    "threads": {
        "api_url": env_str("CRIER_THREADS_GRAPH_URL"),
        "api_version": env_str("CRIER_THREADS_API_VERSION"),
        "authorize_url": env_str("CRIER_THREADS_AUTHORIZE_URL"),
        "scopes": env_str("CRIER_THREADS_SCOPES"),
    },
    "tiktok": {
        "scopes": env_str("CRIER_TIKTOK_SCOPES"),
        "video_source": env_str("CRIER_TIKTOK_VIDEO_SOURCE").strip().upper() or "FILE_UPLOAD",
        "moderation_wait": env_int("CRIER_TIKTOK_MODERATION_WAIT", 15 * 60),
    },
    "youtube": {"scopes": env_str("CRIER_YOUTUBE_SCOPES")},
    "pinterest": {"scopes": env_str("CRIER_PINTEREST_SCOPES")},
    "telegram": {"api_url": env_str("CRIER_TELEGRAM_API_URL")},
    "bluesky": {"api_url": env_str("CRIER_BLUESKY_SERVICE_URL")},
}
CRIER_CONNECTORS["sandbox_plain"] = CRIER_CONNECTORS["sandbox"]
if CRIER_CONNECTORS["tiktok"]["video_source"] not in ("FILE_UPLOAD", "PULL_FROM_URL"):
    raise ImproperlyConfigured("CRIER_TIKTOK_VIDEO_SOURCE must be FILE_UPLOAD or PULL_FROM_URL.")

# --- Media (README, Media): local files by default, S3 (django-storages) with CRIER_STORAGE=s3.
CRIER_STORAGE = env_str("CRIER_STORAGE", "local")
# What platforms fetch: the storage's own URL unless a public base (CDN, proxy) is given.
CRIER_PUBLIC_MEDIA_URL = env_str("CRIER_PUBLIC_MEDIA_URL", f"{CRIER_PUBLIC_URL}/media/")
if CRIER_STORAGE == "local":
    STORAGES["media"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Overwrite: a repeated PUT to a signed URL replaces the object under its one key.
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": "/media/", "allow_overwrite": True},
    }
elif CRIER_STORAGE == "s3":
    if not env_str("CRIER_S3_BUCKET"):
        raise ImproperlyConfigured("CRIER_STORAGE=s3 needs CRIER_S3_BUCKET.")
    STORAGES["media"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("CRIER_S3_BUCKET"),
            "region_name": env_str("CRIER_S3_REGION") or None,
            "endpoint_url": env_str("CRIER_S3_ENDPOINT_URL") or None,
            "file_overwrite": True,
            "signature_version": "s3v4",  # botocore may presign with the deprecated SigV2
            # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY come from the usual boto3 sources.
        },
    }
    CRIER_PUBLIC_MEDIA_URL = env_str("CRIER_S3_PUBLIC_URL") or env_str("CRIER_PUBLIC_MEDIA_URL")
else:
    raise ImproperlyConfigured("CRIER_STORAGE must be local or s3.")
CRIER_MEDIA_MAX_IMAGE_BYTES = env_int("CRIER_MEDIA_MAX_IMAGE_BYTES", 20 * 1024 * 1024)
CRIER_MEDIA_MAX_VIDEO_BYTES = env_int("CRIER_MEDIA_MAX_VIDEO_BYTES", 512 * 1024 * 1024)
CRIER_MEDIA_MAX_IMAGE_PIXELS = env_int("CRIER_MEDIA_MAX_IMAGE_PIXELS", 89_478_485)  # Pillow's
# 8K UHD (7680x4320): past every platform's own limit; the poster rendition decodes a frame.
CRIER_MEDIA_MAX_VIDEO_PIXELS = env_int("CRIER_MEDIA_MAX_VIDEO_PIXELS", 7680 * 4320)
CRIER_UPLOAD_URL_TTL = timedelta(seconds=env_int("CRIER_UPLOAD_URL_TTL", 3600))
# --- Egress (core/netguard.py): hosts users choose (connector URLs, webhooks, media from a
# URL) must resolve to globally routable addresses; this one switch admits private and
# loopback ones too (tests, demos).
CRIER_ALLOW_PRIVATE_URLS = env_bool("CRIER_ALLOW_PRIVATE_URLS", False)
# Where Crier serves its own media: a connector downloading a file to upload it reaches
# these as named, even on a private address (a local or in-cluster store); nothing else does.
CRIER_MEDIA_ORIGINS = [
    url
    for url in (CRIER_PUBLIC_URL, CRIER_PUBLIC_MEDIA_URL, env_str("CRIER_S3_ENDPOINT_URL"))
    if url
]
CRIER_MEDIA_FETCH_TIMEOUT = env_int("CRIER_MEDIA_FETCH_TIMEOUT", 300)  # whole download, seconds
CRIER_MEDIA_SWEEP_INTERVAL = env_int("CRIER_MEDIA_SWEEP_INTERVAL", 600)
# How long past its time a delivery waits for media still being uploaded, then fails.
CRIER_MEDIA_WAIT = timedelta(seconds=env_int("CRIER_MEDIA_WAIT_SECONDS", 600))
CELERY_BEAT_SCHEDULE["media-sweep"] = {
    "task": "media.tasks.sweep",
    "schedule": float(CRIER_MEDIA_SWEEP_INTERVAL),
    "options": {"expires": float(CRIER_MEDIA_SWEEP_INTERVAL)},
}

# --- Planning: queue slots, recurrence, quotas (README, Planning)
CRIER_QUEUE_HORIZON_DAYS = env_int("CRIER_QUEUE_HORIZON_DAYS", 366)  # how far a queue looks
CRIER_PLANNING_INTERVAL = env_int("CRIER_PLANNING_INTERVAL", 60)  # seconds between runs
# An occurrence becomes a delivery this long before it is due; one missed by more than the
# grace (beat was down) is skipped, not published late.
CRIER_RECURRENCE_LEAD = timedelta(seconds=env_int("CRIER_RECURRENCE_LEAD", 3600))
CRIER_RECURRENCE_GRACE = timedelta(seconds=env_int("CRIER_RECURRENCE_GRACE", 3600))
CRIER_RECURRENCE_MAX_COUNT = env_int("CRIER_RECURRENCE_MAX_COUNT", 1000)
CRIER_QUOTA_WARN_RATIO = env_int("CRIER_QUOTA_WARN_PERCENT", 80) / 100
# Free evergreen slots this far ahead are filled from the rotation.
CRIER_EVERGREEN_LEAD = timedelta(seconds=env_int("CRIER_EVERGREEN_LEAD", 24 * 3600))
CELERY_BEAT_SCHEDULE["planning-evergreen"] = {
    "task": "planning.tasks.fill_evergreen_slots",
    "schedule": float(CRIER_PLANNING_INTERVAL),
    "options": {"expires": float(CRIER_PLANNING_INTERVAL)},
}
# Content generator: an OpenAI-compatible chat-completions server (or a plain webhook).
CRIER_GENERATOR_URL = env_str("CRIER_GENERATOR_URL").strip()
CRIER_GENERATOR_KIND = env_str("CRIER_GENERATOR_KIND", "openai")  # openai | webhook
CRIER_GENERATOR_MODEL = env_str("CRIER_GENERATOR_MODEL", "gpt-4o-mini")
CRIER_GENERATOR_KEY = env_str("CRIER_GENERATOR_KEY")
CRIER_GENERATOR_TIMEOUT = env_int("CRIER_GENERATOR_TIMEOUT", 60)
CRIER_GENERATOR_MAX_ATTEMPTS = env_int("CRIER_GENERATOR_MAX_ATTEMPTS", 5)
CRIER_GENERATOR_RETRY_BASE = env_int("CRIER_GENERATOR_RETRY_BASE", 30)  # doubled per attempt
CRIER_GENERATOR_RETRY_MAX = env_int("CRIER_GENERATOR_RETRY_MAX", 3600)
if CRIER_GENERATOR_KIND not in ("openai", "webhook"):
    raise ImproperlyConfigured("CRIER_GENERATOR_KIND must be openai or webhook.")
CELERY_BEAT_SCHEDULE["planning-drafts"] = {
    "task": "planning.tasks.generate_due_drafts",
    "schedule": float(CRIER_PLANNING_INTERVAL),
    "options": {"expires": float(CRIER_PLANNING_INTERVAL)},
}
CELERY_BEAT_SCHEDULE["planning-recurrences"] = {
    "task": "planning.tasks.materialize_recurrences",
    "schedule": float(CRIER_PLANNING_INTERVAL),
    "options": {"expires": float(CRIER_PLANNING_INTERVAL)},
}

# --- Analytics: post metrics and follower counts (analytics/services.py)
CRIER_ANALYTICS_INTERVAL = env_int("CRIER_ANALYTICS_INTERVAL", 900)  # seconds between runs
# Posts are sampled for this many days after publishing, each at most once per EVERY hours.
CRIER_ANALYTICS_WINDOW = timedelta(days=env_int("CRIER_ANALYTICS_WINDOW_DAYS", 30))
CRIER_ANALYTICS_EVERY = timedelta(hours=env_int("CRIER_ANALYTICS_EVERY_HOURS", 6))
CRIER_ANALYTICS_BATCH = env_int("CRIER_ANALYTICS_BATCH", 100)  # posts (and accounts) per run
CELERY_BEAT_SCHEDULE["analytics-collect"] = {
    "task": "analytics.tasks.collect_metrics",
    "schedule": float(CRIER_ANALYTICS_INTERVAL),
    "options": {"expires": float(CRIER_ANALYTICS_INTERVAL)},
}
