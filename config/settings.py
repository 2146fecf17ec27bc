"""Settings for the Tianfu Technology Trading Market, read from the environment (12-factor).

Every variable is documented in ``.env.example`` and the README. Two modes:

* embedded default: ``scripts/launch.py`` (used by ``make run`` / ``make test``) starts a local
  PostgreSQL and sets ``DATABASE_URL``; without ``REDIS_URL`` Celery tasks run in-process;
* services: ``DATABASE_URL`` and ``REDIS_URL`` point at real servers and a worker and beat run.
"""

import re
from datetime import timedelta
from pathlib import Path

import environ
import pghistory
from celery.schedules import crontab
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false (production mode)."
        )
    # Development only: a fresh key per process; `make run` passes a stable one from .data/.
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_celery_beat",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # ours, in the order of DESIGN.md: each may import only those before it
    "core",
    "notifications",
    "accounts",
    "institutions",
    "achievements",
    "market",
    # the demo (seed_demo and its data) comes last: it uses every app above and none uses it
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.RequestIdMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.DefaultLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # outside CommonMiddleware, so it sees the final answer to an unknown /api/ address
    "core.middleware.ApiErrorMiddleware",
    "core.middleware.PrivateCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.RefuseNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.AuditContextMiddleware",
    "accounts.middleware.PasswordExpiryMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "institutions.context_processors.roles",
                "notifications.context_processors.navigation_counts",
                "core.context_processors.todo_counts",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database: PostgreSQL only ------------------------------------------------------------------
if "DATABASE_URL" not in env:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use `make run` / `make test`, which start an embedded "
        "PostgreSQL, or point DATABASE_URL at a PostgreSQL server."
    )
DATABASES = {"default": env.db_url("DATABASE_URL")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL, the only supported engine.")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache when configured ----------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tianfu",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ------------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Longer than the longest task (the nightly full matching run); no ETA may exceed it (DESIGN.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", 7200)}
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=3600)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_SERIALIZER = "json"
# Deadlines live in the database; beat only wakes the tasks that act on them (each expires before
# the next run, so a stopped beat never piles them up).
CELERY_BEAT_SCHEDULE = {
    "market-close-publicity": {
        "task": "market.tasks.listings.listing_close_publicity_task",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "market-expire-listings": {
        "task": "market.tasks.listings.listing_expire_task",
        "schedule": 3600.0,
        "options": {"expires": 3500},
    },
    "market-flag-overdue-registrations": {
        "task": "market.tasks.contracts.contract_flag_overdue_task",
        "schedule": 3600.0,
        "options": {"expires": 3500},
    },
    # The nightly full recompute of supply–demand matches: plans chunks that spread across workers.
    "market-recompute-matches": {
        "task": "market.tasks.matching.match_recompute_task",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 3 * 3600},
    },
    # Submission keys of create forms past their retention (core.submissions), nightly.
    "core-purge-submission-keys": {
        "task": "core.tasks.submission_purge_task",
        "schedule": crontab(hour=3, minute=15),
        "options": {"expires": 3 * 3600},
    },
    # Platform admins told when this year's or (from 1 November) next year's holiday calendar is missing.
    "notifications-holiday-calendar-due": {
        "task": "notifications.tasks.holiday_calendar_due_task",
        "schedule": crontab(hour=8, minute=0),
        "options": {"expires": 3 * 3600},
    },
    # Strong matches found by the recompute's chunks, one message per record (refreshes send their own).
    "market-send-match-notices": {
        "task": "market.tasks.matching.match_notices_send_task",
        "schedule": 600.0,
        "options": {"expires": 590},
    },
}
CELERY_ACCEPT_CONTENT = ["json"]

# --- Accounts, passwords, lock-out, sessions (DOMAIN.md §10) -------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=8)
PASSWORD_MIN_CHARACTER_CLASSES = env.int("PASSWORD_MIN_CHARACTER_CLASSES", default=3)
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {
        "NAME": "accounts.validators.CharacterClassValidator",
        "OPTIONS": {"min_classes": PASSWORD_MIN_CHARACTER_CLASSES},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed sign-ins lock a username at one address (accounts/lockout.py): the LOGIN_FAILURE_LIMIT-th
# failure locks it for LOGIN_LOCKOUT_MINUTES, each further failure once a lock has ended doubles the
# lock, up to LOGIN_LOCKOUT_MAX_HOURS, which is also how long failures are remembered. Locking the pair,
# not the username alone, means nobody can lock someone else out of their own office (a university's
# shared NAT address still holds every username apart); a password reset by e-mail unlocks at once.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_FIRST = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_COOLOFF_TIME = timedelta(hours=env.int("LOGIN_LOCKOUT_MAX_HOURS", default=24))
AXES_HANDLER = "accounts.lockout.SignInLockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# A second factor (等保 level 3 asks for two for administrators): officials, registrars and platform
# admins may enrol an authenticator app (TOTP, django-otp) on their account-security page, after which
# signing in asks for its 6-digit code. With OTP_REQUIRED_FOR_ADMINS on, a platform admin without one
# must enrol before the sign-in completes; off by default, so the demo signs in with passwords.
OTP_REQUIRED_FOR_ADMINS = env.bool("OTP_REQUIRED_FOR_ADMINS", default=False)
OTP_TOTP_ISSUER = "Tianfu Technology Trading Market"
# Minutes between the password step of a sign-in and its code step.
OTP_SIGN_IN_MINUTES = 5
AXES_IPWARE_PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)

# Idle timeout: the session expires this long after the last request (DOMAIN.md §10).
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- Internationalisation: Chinese by default, English switchable --------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# --- E-mail ------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# The platform's public address, for links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@tianfu-market.example")
# The footer of every page: who runs the platform, how to reach them, and the ICP filing (ICP备案号)
# a site in China shows; each line is hidden while its value is empty.
SITE_OPERATOR = env.str("SITE_OPERATOR", default="")
SITE_CONTACT = env.str("SITE_CONTACT", default="")
SITE_ICP = env.str("SITE_ICP", default="")

# --- Security (production mode) ----------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_COOKIES = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp) on every answer. Scripts come only from our own static files
# or carry the request's nonce (``{{ CSP_NONCE }}``): no inline script or event handler runs, nor any
# ``eval``. Styles may be inline: ECharts' SVG renderer and tooltips, Bootstrap's popper and the API
# docs set style attributes, and a style cannot run code. Pictures from our files or data: URIs
# (the favicon, Tabler's icons); requests, forms and frames stay on this site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF, csp_constants.NONCE],
        "style-src": [csp_constants.SELF, csp_constants.UNSAFE_INLINE],
        "img-src": [csp_constants.SELF, "data:"],
        "font-src": [csp_constants.SELF, "data:"],
        "connect-src": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
        "base-uri": [csp_constants.SELF],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
    }
}

# --- Audit trail (django-pghistory) --------------------------------------------------------------
# Event tables are append-only: a database trigger refuses UPDATE and DELETE on them.
PGHISTORY_APPEND_ONLY = True
# Every tracked model records creates, updates and deletes.
PGHISTORY_DEFAULT_TRACKERS = (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
# The moment of each change, not of its transaction's start, so events order as they happened.
PGHISTORY_CREATED_AT_FUNCTION = "CLOCK_TIMESTAMP()"
PGHISTORY_MIDDLEWARE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# --- REST API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.PartnerAPIKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies are bounded in size and depth and hold only storable strings (core/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
    },
}
API_MAX_PAGE_SIZE = 100
# Wrong partner keys one client address may send in a window before its Api-Key requests are refused
# with 429 until the window ends (accounts/api/authentication.py).
API_KEY_FAILURE_LIMIT = env.int("API_KEY_FAILURE_LIMIT", default=10)
API_KEY_FAILURE_WINDOW_MINUTES = env.int("API_KEY_FAILURE_WINDOW_MINUTES", default=15)
# The largest JSON body the API reads (core.api.parsers.JSONParser); a larger one is a 413.
API_MAX_JSON_BYTES = 1024 * 1024

SPECTACULAR_SETTINGS = {
    "TITLE": "天府技术交易大市场 API (Tianfu Technology Trading Market)",
    "DESCRIPTION": (
        "REST API for partner systems and the platform's own pages. Authenticate with a session or "
        "with a partner key: `Authorization: Api-Key <key>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ListingStatusEnum": "market.choices.ListingStatus",
        "ObjectionStatusEnum": "market.choices.ObjectionStatus",
        # One enum of modes (交易方式): the market's fields offer all of them, an achievement all but
        # consulting; the schema keeps the names partner clients know.
        "TransactionModeEnum": "achievements.choices.CooperationMode",
        "PricingMethodEnum": "market.choices.PricingMethod",
        "DemandStatusEnum": "market.choices.DemandStatus",
        "InquiryStatusEnum": "market.choices.InquiryStatus",
        "DealStatusEnum": "market.choices.DealStatus",
        "BrokerRoleEnum": "market.choices.BrokerRole",
        "PartyKindEnum": "market.choices.PartyKind",
        "MembershipRoleEnum": "institutions.choices.MembershipRole",
        "MatchSideEnum": "market.choices.MatchSide",
        "MatchVerdictEnum": "market.choices.MatchVerdict",
        "MatchFeedbackReasonEnum": "market.choices.MatchFeedbackReason",
        "FeeBasisEnum": "market.choices.FeeBasis",
        "ContractCategoryEnum": "market.choices.ContractCategory",
        "ContractSubTypeEnum": "market.choices.ContractSubType",
        "LicenceScopeEnum": "market.choices.LicenceScope",
        "PaymentMethodEnum": "market.choices.PaymentMethod",
        "ContractIPTypeEnum": "market.choices.CONTRACT_IP_TYPES",
        "RejectionReasonEnum": "market.choices.RejectionReason",
        "CancellationReasonEnum": "market.models.registration_lifecycle.CancellationReason",
        "SecondCheckStatusEnum": "market.models.registration_lifecycle.SecondCheckStatus",
        "VerificationOutcomeEnum": [("valid", "valid"), ("altered", "altered"), ("cancelled", "cancelled")],
        "RegionLevelEnum": "institutions.choices.RegionLevel",
        "DesignationLevelEnum": "institutions.choices.DesignationLevel",
        "ServiceTypeEnum": "institutions.choices.ServiceType",
        "OrganisationKindEnum": "institutions.choices.OrganisationKind",
        "DesignationStatusEnum": "institutions.choices.DesignationStatus",
        "AchievementStatusEnum": "achievements.choices.AchievementStatus",
        "CooperationModeEnum": "achievements.choices.ACHIEVEMENT_COOPERATION_MODES",
        "IPKindEnum": "achievements.choices.IPKind",
        "IPStatusEnum": "achievements.choices.IPStatus",
        "OwnerKindEnum": "achievements.choices.OwnerKind",
        "CatalogueKindEnum": "achievements.choices.CatalogueKind",
        "CatalogueStatusEnum": "achievements.choices.CatalogueStatus",
        "ImportStatusEnum": "achievements.choices.ImportStatus",
    },
    "APPEND_COMPONENTS": {
        "securitySchemes": {"PartnerApiKey": {"type": "apiKey", "in": "header", "name": "Authorization"}}
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"jieba": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
if CELERY_TASK_ALWAYS_EAGER:
    # In-process tasks would log a line per task into the web server's (or seed_demo's) output.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}

# --- Forms sent once (core.submissions) -------------------------------------------------------------
# Days a create form's submission key is kept: the same form sent again within them gets its first
# record back; the nightly purge deletes older keys.
SUBMISSION_KEY_RETENTION_DAYS = env.int("SUBMISSION_KEY_RETENTION_DAYS", default=2)

# --- Working days (core.workdays, core/data/holidays/) -------------------------------------------
# Seconds a process keeps a year's holiday calendar before reading it again (loading a year clears it).
HOLIDAY_CALENDAR_CACHE_SECONDS = env.int("HOLIDAY_CALENDAR_CACHE_SECONDS", default=3600)
# From this day of the year (month, day) platform admins are told when next year's calendar is missing.
HOLIDAY_CALENDAR_WARN_FROM = tuple(env.list("HOLIDAY_CALENDAR_WARN_FROM", cast=int, default=[11, 1]))

# --- Institution network (DOMAIN.md §8) --------------------------------------------------------
# The province whose organisations, officials and jurisdictions the platform serves (GB/T 2260, ending
# 0000). Regions elsewhere in China are loaded for contract counterparties (JJ-001 行政区划代码) only.
PLATFORM_PROVINCE_CODE = env.str("PLATFORM_PROVINCE_CODE", default="510000")
if not re.fullmatch(r"\d{2}0000", PLATFORM_PROVINCE_CODE):
    raise ImproperlyConfigured("PLATFORM_PROVINCE_CODE must be a province's six-digit code, e.g. 510000.")

# --- Achievements (科技成果汇交) ----------------------------------------------------------------
ACHIEVEMENT_MAX_KEYWORDS = env.int("ACHIEVEMENT_MAX_KEYWORDS", default=5)
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_MB", default=20) * 1024 * 1024
# Zip-based uploads (.docx, .xlsx, .pptx) are refused, from their directory alone, when they would unpack
# to more than this in all, when a member unpacks to more than this many times its packed size (a
# compression bomb; ordinary office files stay well under 100) or when they hold more members than this.
UPLOAD_MAX_UNPACKED_BYTES = env.int("UPLOAD_MAX_UNPACKED_MB", default=100) * 1024 * 1024
UPLOAD_MAX_COMPRESSION_RATIO = env.int("UPLOAD_MAX_COMPRESSION_RATIO", default=100)
UPLOAD_MAX_ARCHIVE_MEMBERS = env.int("UPLOAD_MAX_ARCHIVE_MEMBERS", default=5000)
# An import workbook is read row by row and refused past this many achievement rows or cells read.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=5000)
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=250_000)
# Titles at least this similar (0–1, after removing spaces and punctuation) are shown as possible duplicates.
DUPLICATE_TITLE_SIMILARITY = env.float("DUPLICATE_TITLE_SIMILARITY", default=0.85)

# --- Market (DOMAIN.md §2, §9): practice values, overridable per deployment ------------------------
# 协议定价 publicity (公示) in calendar days, frozen onto each listing when it is published.
MARKET_PUBLICITY_DAYS = env.int("MARKET_PUBLICITY_DAYS", default=15)
# 成交公示 of registered deals, in working days after the day of registration (32号令: ≥ 5), counted
# with the holiday calendar (core.workdays).
MARKET_DISCLOSURE_WORKING_DAYS = env.int("MARKET_DISCLOSURE_WORKING_DAYS", default=5)
# Days a registration body has to decide, when the rule set in force does not say (2000 办法 第14条: 30).
MARKET_REGISTRATION_DECISION_DAYS = env.int("MARKET_REGISTRATION_DECISION_DAYS", default=30)
# Which date picks the registration rule set: "application" (default) or "signing" (DOMAIN §2.1).
MARKET_RULE_SET_REFERENCE_DATE = env.str("MARKET_RULE_SET_REFERENCE_DATE", default="application")
# Longest listing period a seller may choose, in days.
MARKET_LISTING_MAX_DAYS = env.int("MARKET_LISTING_MAX_DAYS", default=730)

# --- Supply–demand matching (market.matching_engine, market.policies.matching) ---------------------
# score = text relevance × (1 − FIT_SHARE + FIT_SHARE × fit); fit = weighted mean of the other factors.
# Weights as "field=0.25,trl=0.2,..." (normalised; factors not named keep their default: field 0.25,
# trl 0.20, budget 0.17, mode 0.17, region 0.13, freshness 0.08).
MARKET_MATCH_WEIGHTS = env.dict("MARKET_MATCH_WEIGHTS", cast={"value": float}, default={})
MARKET_MATCH_FIT_SHARE = env.float("MARKET_MATCH_FIT_SHARE", default=0.4)
# Cosine of two records' word vectors at which text relevance counts as full.
MARKET_MATCH_TEXT_SATURATION = env.float("MARKET_MATCH_TEXT_SATURATION", default=0.3)
# Matches kept per demand (offers) and per listing (demands).
MARKET_MATCH_TOP = env.int("MARKET_MATCH_TOP", default=20)
# Lowest text relevance (cosine, 0–1) for a pair to be considered at all.
MARKET_MATCH_MIN_TEXT = env.float("MARKET_MATCH_MIN_TEXT", default=0.03)
# Lowest score shown to people; a new match at or above MARKET_MATCH_NOTIFY_SCORE is announced once.
MARKET_MATCH_MIN_SCORE = env.float("MARKET_MATCH_MIN_SCORE", default=0.12)
MARKET_MATCH_NOTIFY_SCORE = env.float("MARKET_MATCH_NOTIFY_SCORE", default=0.7)
# Freshness halves with every this many days since the older side was published.
MARKET_MATCH_FRESHNESS_HALF_LIFE_DAYS = env.float("MARKET_MATCH_FRESHNESS_HALF_LIFE_DAYS", default=180.0)
# Candidates are looked up by each record's strongest words only (0: all); scores use every word.
MARKET_MATCH_QUERY_TERMS = env.int("MARKET_MATCH_QUERY_TERMS", default=30)
# Records per chunk of the nightly recompute (one Celery task each).
MARKET_MATCH_CHUNK_SIZE = env.int("MARKET_MATCH_CHUNK_SIZE", default=1000)

PLATFORM_NAME = _("Tianfu Technology Trading Market")
