"""
Settings of the bench's Django shop: meiduo's production settings (the DRF edition of the
seeds, 000/001/003/004) where they touch the QQ login path, on SQLite instead of MySQL.
Everything the bench varies comes from the environment (bench/lib/django.mjs):

DJBENCH_DB      the SQLite file (on /dev/shm during a bench)
QQ_API_BASE     the fake QQ; the seeds hard-code https://graph.qq.com
QQ_CLIENT_ID, QQ_CLIENT_SECRET, QQ_REDIRECT_URI   the same app as the worker's
"""
import datetime
import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "bench-only-django-secret-key-0123456789abcdef")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "oauth",
]

# `django-admin startproject`'s middleware, as meiduo keeps it (meiduo adds django-cors-headers
# in front, which Debian does not package; it only acts on requests with an Origin header).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"
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
            ],
        },
    },
]

# meiduo: MySQL with Django's default CONN_MAX_AGE (0: a connection per request). Here SQLite,
# the same default.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DJBENCH_DB", "shop.sqlite3"),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
AUTH_USER_MODEL = "oauth.User"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"

# meiduo logs to a file at INFO; nothing on this path logs unless it fails, and the bench keeps
# logs off the disk: warnings and errors to stderr.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING"}},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": (
        "shop.jwt_compat.JSONWebTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ),
}

JWT_AUTH = {
    "JWT_EXPIRATION_DELTA": datetime.timedelta(days=1),
}

# QQ登录参数 (the seeds' names)
QQ_API_BASE = os.environ.get("QQ_API_BASE", "https://graph.qq.com")
QQ_CLIENT_ID = os.environ.get("QQ_CLIENT_ID", "")
QQ_CLIENT_SECRET = os.environ.get("QQ_CLIENT_SECRET", "")
QQ_REDIRECT_URI = os.environ.get("QQ_REDIRECT_URI", "")
# meiduo's constant: the bind token of a first QQ login lives 10 minutes.
SAVE_QQ_USER_TOKEN_EXPIRES = 600
