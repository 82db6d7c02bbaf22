"""Milepost settings. Everything comes from the environment; `.env.example` documents each name.

Production differs from a local instance only through environment variables.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import env_bool, env_int, env_list, env_secret, env_str
from milepost.domain.audit_chain import key_from_secret

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MILEPOST_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

_secret = env_secret("SECRET_KEY", fallback_file=VAR_DIR / "secret_key")
if _secret is None:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set SECRET_KEY or SECRET_KEY_FILE, or run `make run`, "
        "which generates a local key under var/."
    )
SECRET_KEY = _secret

# The audit trail's key (HMAC-SHA-256 over each event and checkpoint; decision 0016). It must
# not live in the database: AUDIT_KEY or AUDIT_KEY_FILE. Without one, a key is derived from
# SECRET_KEY (HMAC-SHA-256 of "milepost audit key" under SECRET_KEY), fine for development;
# `check --deploy` warns (audit.W001). AUDIT_PREVIOUS_KEYS (or _FILE): earlier keys, one per
# line or comma-separated, so events signed before a change of key still verify.
_audit_key = env_secret("AUDIT_KEY")
AUDIT_KEY_DERIVED = _audit_key is None
AUDIT_KEY = _audit_key or key_from_secret(SECRET_KEY)
AUDIT_PREVIOUS_KEYS = (env_secret("AUDIT_PREVIOUS_KEYS") or "").replace(",", "\n").split()
# Where `milepost audit checkpoint` appends its signed records and `verify` reads them.
AUDIT_CHECKPOINT_FILE = env_str("AUDIT_CHECKPOINT_FILE", "")
# Live feedback while typing: repeats of the same reads within this many quiet minutes count
# on one event (decision 0017).
AUDIT_REPEAT_MINUTES = env_int("AUDIT_REPEAT_MINUTES", 10, minimum=1)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "django_tasks_db",
    "oauth2_provider",
    "milepost.accounts",
    "milepost.audit",
    "milepost.clients",
    "milepost.measures",
    "milepost.plans",
    "milepost.notes",
    "milepost.drafting",
    "milepost.interop",
    "milepost.api",
    "milepost.fhirapi",
    "milepost.portal",
    "milepost.invites",
    "milepost.directory",
    "milepost.reports",
    "milepost.outcomes",
    "milepost.web",
    "milepost.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "milepost.audit.middleware.AuditContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Nothing a page, partial, download or API answer shows is kept by a browser or a proxy
    # (static files are answered above, by WhiteNoise, with their own headers).
    "milepost.lib.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "milepost.accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Two-factor sign-in: after the idle timeout (a stale session is signed out before it is
    # asked for a code) and inside the header middleware (its redirects get CSP too).
    "milepost.accounts.middleware.MfaMiddleware",
    # django-axes must come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

# SMART on FHIR authorisation by django-oauth-toolkit (docs/fhir.md, decision 0920): PKCE
# (S256) on every authorisation code, SMART scopes, private_key_jwt for backend services.
OAUTH2_PROVIDER = {
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "milepost.fhirapi.oauth.SmartValidator",
    "SCOPES_BACKEND_CLASS": "milepost.fhirapi.oauth.SmartScopes",
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 8 * 3600,
    "ROTATE_REFRESH_TOKEN": True,
    "REQUEST_APPROVAL_PROMPT": "force",
    # The OAuth 2.0 Security BCP (RFC 9700) throughout: no implicit or password grant, S256
    # PKCE only, tokens only in the Authorization header, hashed at rest, refresh tokens
    # rotated, the issuer in every authorisation response, safe redirect URI schemes.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    # Behind HTTPS, apps must return to https; without it (development, the demo's loopback
    # app), http is allowed too and the toolkit only warns.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if env_bool("HTTPS", False) else ["https", "http"],
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": env_bool("HTTPS", False),
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
}
# OpenID Connect for SMART's `openid fhirUser` (decision 0931): id_tokens are signed RS256 with
# this private key (PEM), from OIDC_RSA_PRIVATE_KEY or OIDC_RSA_PRIVATE_KEY_FILE, else the key
# `make run` generates under var/. Without one, OpenID Connect is off: `openid` and `fhirUser`
# are refused and not advertised. Never commit the key.
_oidc_key = env_secret("OIDC_RSA_PRIVATE_KEY", fallback_file=VAR_DIR / "oidc_rsa_key.pem")
if _oidc_key:
    OAUTH2_PROVIDER |= {
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": _oidc_key + "\n",
        "ID_TOKEN_EXPIRE_SECONDS": 3600,
    }
# The toolkit's own models, named so that migrations referring to them resolve.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"  # noqa: S105 (a model name)
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"  # noqa: S105 (a model name)
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"  # noqa: S105 (a model name)
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
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "milepost.accounts.context_processors.membership",
                "milepost.accounts.context_processors.mfa_suggestion",
            ],
        },
    },
]

# Database: the embedded SQLite file under var/ unless DATABASE_URL names another.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'milepost.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so two writers never
    # read the same audit-chain head (see docs/decisions/0004-audit-chain.md).
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "timeout": 20,
    }
DATABASES = {"default": _db}
# A read replica of the primary (PostgreSQL streaming replication, docs/deployment.md): the
# outcome reports read from it (milepost/outcomes/routers.py); tests mirror it onto default.
REPLICA_DATABASE_URL = env_str("REPLICA_DATABASE_URL", "")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(
            REPLICA_DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0)
        ),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["milepost.outcomes.routers.ReportReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes must come first.
    "axes.backends.AxesStandaloneBackend",
    "milepost.accounts.throttle.AccountThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 12, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling (docs/decisions/0006-lockout.md, milepost/accounts/throttle.py):
# django-axes locks an account at one address after LOGIN_FAILURE_LIMIT failures, so wrong
# passwords typed elsewhere never lock a clinician out at their own address; guessing one
# account from many addresses meets a progressive delay that spares the account's usual
# addresses.
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
LOGIN_ACCOUNT_DELAY_AFTER = env_int("LOGIN_ACCOUNT_DELAY_AFTER", 10, minimum=1)
LOGIN_USUAL_ADDRESS_DAYS = env_int("LOGIN_USUAL_ADDRESS_DAYS", 90, minimum=1)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = LOGIN_LOCKOUT_MINUTES / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "milepost.accounts.access.login_name"
# The same address the audit trail records (behind a trusted proxy, the one it appended).
AXES_CLIENT_IP_CALLABLE = "milepost.audit.middleware.client_address"
AXES_RESET_ON_SUCCESS = True
# An attempt refused during a lockout or a delay is not another failure: it neither extends
# the lockout nor lengthens the account's delay.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
SILENCED_SYSTEM_CHECKS: list[str] = []
# No PASSKEY_ORIGINS: PasskeyHelper takes the request's own origin (see below).
if not env_list("PASSKEY_ORIGINS", []):
    SILENCED_SYSTEM_CHECKS.append("otp_webauthn.E030")
# A typed one-time code never reaches axes' record of a failed attempt.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_code"]

# Two-factor sign-in (django-otp, TOTP with recovery codes; docs/decisions/0602-mfa.md).
# The issuer names the account in the authenticator app (the otpauth:// URI).
MFA_ISSUER = env_str("MFA_ISSUER", "Milepost")
OTP_TOTP_ISSUER = MFA_ISSUER
# Recovery codes handed out at enrolment, each good once.
MFA_RECOVERY_CODES = 10
# Django's admin never shows a device's secret key.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Codes: one 30-second step either side of the server's clock, always (docs/decisions/0605).
# django-otp's drift learning would shift that window after one late code, so it is off, and
# so is its throttle (a right code right after a wrong one waited): the services keep their
# own, which starts after MFA_FREE_TRIES wrong codes in a row on a device and then doubles.
OTP_TOTP_SYNC = False
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
MFA_FREE_TRIES = 3
# Passkeys (django-otp-webauthn) as a second factor only, never instead of the password.
# The relying party ID is the site's domain (PASSKEY_RP_ID, else the request's host name):
# a passkey works only under the domain it was made for. The origins a passkey may be used
# from are PASSKEY_ORIGINS, else the request's own origin (its host already passed
# ALLOWED_HOSTS); milepost/accounts/passkeys.py.
PASSKEY_RP_ID = env_str("PASSKEY_RP_ID", "")
OTP_WEBAUTHN_RP_ID_CALLABLE = "milepost.accounts.passkeys.relying_party_id"
OTP_WEBAUTHN_RP_NAME = MFA_ISSUER
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("PASSKEY_ORIGINS", [])
OTP_WEBAUTHN_HELPER_CLASS = "milepost.accounts.passkeys.PasskeyHelper"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

# Sessions: an idle timeout (IdleTimeoutMiddleware) inside an absolute lifetime.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_MINUTES", 15, minimum=1) * 60
# "Break the glass": how long an emergency access to a client outside one's care team lasts.
EMERGENCY_ACCESS_HOURS = env_int("EMERGENCY_ACCESS_HOURS", 4, minimum=1)
# Retention: how long the practice must keep a discharged client's record (state laws differ;
# HIPAA's own documentation rule is six years). Milepost deletes nothing; `milepost retention`
# lists what is older, for the practice to decide.
RETENTION_YEARS = env_int("RETENTION_YEARS", 7, minimum=1)
# Portal: the address in invitation and reminder e-mails (else the request's own host), and
# how long an invitation link stays valid.
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "").rstrip("/")
INVITATION_DAYS = env_int("INVITATION_DAYS", 7, minimum=1)
SESSION_COOKIE_AGE = env_int("SESSION_MAX_HOURS", 12, minimum=1) * 3600
# Password reset links work once and for an hour; requests are limited per hour per address
# and per e-mail (milepost/accounts/password_views.py).
PASSWORD_RESET_TIMEOUT = 3600
PASSWORD_RESET_PER_ADDRESS = env_int("PASSWORD_RESET_PER_ADDRESS", 10, minimum=1)
PASSWORD_RESET_PER_EMAIL = env_int("PASSWORD_RESET_PER_EMAIL", 3, minimum=1)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and env_bool("HTTPS", False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Transport and headers.
SECURE_SSL_REDIRECT = env_bool("HTTPS", False)
# HTTPS=true alone turns HSTS on for a year (the security guide's setting); HSTS_SECONDS
# overrides it (0 turns it off, e.g. while trying HTTPS out).
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000 if SECURE_SSL_REDIRECT else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# Preloading asks browsers never to try plain HTTP; on by default for a year or more of HSTS.
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", SECURE_HSTS_SECONDS >= 31_536_000)
# Behind a reverse proxy, the client's address for the audit trail is the last entry the
# proxy appended to X-Forwarded-For; otherwise REMOTE_ADDR.
AUDIT_TRUST_X_FORWARDED_FOR = env_bool("BEHIND_HTTPS_PROXY", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# E-mail (Django 6.1 MAILERS): the console by default; SMTP when EMAIL_BACKEND says so.
EMAIL_BACKEND_PATH = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
if env_bool("HTTPS", False) and EMAIL_BACKEND_PATH.endswith("console.EmailBackend"):
    # A deployment never prints one-time links to its logs (milepost/invites/mail.py);
    # `check --deploy` refuses this backend (milepost.E001).
    EMAIL_BACKEND_PATH = "milepost.invites.mail.RedactingConsoleBackend"
_mail_options: dict[str, object] = {}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25, minimum=1),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_secret("EMAIL_HOST_PASSWORD") or "",
        "use_tls": env_bool("EMAIL_USE_TLS", False),
    }
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "milepost@localhost")

# Logs carry no PHI: request paths hold opaque ids only, and nothing logs bodies.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Invitation links carry a one-time token in their path: it never reaches a log.
    "filters": {"invite_tokens": {"()": "milepost.invites.logs.TokenFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["invite_tokens"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.security.DisallowedHost": {"level": "ERROR"},
    },
}

# Background work (Django's tasks framework, decision 0840): stored in the database and run
# by `manage.py db_worker`, which `make run` starts beside the web server. Tasks carry ids,
# never client text (a task's arguments and result are rows anyone with the database sees).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# How often the worker sends due reminders (the task schedules its own next run).
REMINDER_INTERVAL_MINUTES = env_int("REMINDER_INTERVAL_MINUTES", 5, minimum=1)
# The outcomes dashboard hides any group of fewer people than this (decision 1003).
OUTCOMES_MINIMUM_CELL = env_int("OUTCOMES_MINIMUM_CELL", 5, minimum=1)

# Demo data (`milepost demo`): the password every demo login shares.
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "milepost-demo-2026")

CSRF_FAILURE_VIEW = "milepost.web.views.csrf_failure"
# Flash messages can name a client: keep them server-side, never in a readable cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
