"""Documented defaults. Every key can be set from the environment as FESTIVAL_<KEY>.

``create_app`` layers: these defaults, then ``FESTIVAL_*`` variables (Flask's
``from_prefixed_env``, JSON-decoded when possible), then the overrides given by the caller.
"""

from datetime import timedelta

# SQLAlchemy URL. None means an SQLite file in the instance folder (see create_app).
DATABASE_URL = None
# Flask's secret. None means: read instance/secret_key, generating 256 bits there on first run.
SECRET_KEY = None
# redis://… enables Redis-backed rate limits and the RQ mail queue. None: memory limits, and
# mail delivered in this process as MAIL_DELIVERY says.
REDIS_URL = None

# Outgoing mail. Without MAIL_SERVER, messages are written as .eml files in instance/mail/.
MAIL_SERVER = None
MAIL_PORT = 25
MAIL_USE_TLS = False
MAIL_USE_SSL = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = "Meltingpotch <festival@localhost>"
# Without REDIS_URL: "thread" delivers on one background thread per process, after the
# response (rendering a confirmation with its PDF tickets costs ~110 ms of CPU); "inline"
# delivers before the request ends (tests that read the email at once). None: "inline" under
# TESTING, "thread" otherwise. With REDIS_URL, RQ delivers (see README: `rq worker`).
MAIL_DELIVERY = None
# The mail thread lets requests go first: it sends once the process is idle, or when a message
# has waited this long (seconds).
MAIL_MAX_DELAY_SECONDS = 30
# At exit, how long the mail thread may finish its queue; what is left stays pending in the
# outbox for `flask mail-retry`.
MAIL_EXIT_WAIT_SECONDS = 10

# Absolute URLs in emails and tickets are built from this, never from the Host header.
PUBLIC_BASE_URL = "http://127.0.0.1:5000"
# Host names the app answers to (None: any, for development). Production sets its domain.
TRUSTED_HOSTS = None
# How many reverse proxies sit in front of the app; client IPs are taken from them only.
PROXY_COUNT = 0
# Redirect to HTTPS, HSTS and Secure cookies. On in production.
FORCE_HTTPS = False

# Interface languages: French is the source language.
LOCALES = ("fr", "en", "ar")
BABEL_DEFAULT_LOCALE = "fr"
BABEL_DEFAULT_TIMEZONE = "Europe/Paris"

# Walking time between two venues under which a booking pair gives a warning (minutes).
WALKING_MINUTES = 10
# Attendees one registration may hold (a family); groups use a head count instead.
MAX_ATTENDEES = 10
MAX_GROUP_SIZE = 60
# Flask-Limiter limits per client on the registration form and API POSTs.
REGISTRATION_RATE_LIMIT = "20/minute;300/hour"
# An undo of a scan is allowed for this long.
UNDO_MINUTES = 5
# Personal data is purged this many days after the edition ends.
PURGE_AFTER_DAYS = 90

MAX_CONTENT_LENGTH = 1024 * 1024
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False
REMEMBER_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_HTTPONLY = True
PERMANENT_SESSION_LIFETIME = timedelta(hours=14)

RATELIMIT_DEFAULT = None
RATELIMIT_HEADERS_ENABLED = True
SQLALCHEMY_TRACK_MODIFICATIONS = False
WTF_CSRF_TIME_LIMIT = None
