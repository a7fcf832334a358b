"""
Settings of the test shop. SHOP picks the seeds' models: meiduo (USE_TZ = True) or renran
(USE_TZ = False); SHOP_DB is the SQLite file. JWT_SECRET and JWT_ISSUER are the worker's,
set as docs/django.md tells a shop to set them.
"""
import importlib.util
import os

SHOP = os.environ.get("SHOP", "meiduo")
SECRET_KEY = "test-shop-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
HAS_SIMPLEJWT = importlib.util.find_spec("rest_framework_simplejwt") is not None

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    f"{SHOP}_users",
    f"{SHOP}_oauth",
    "tools",
] + (["rest_framework"] if HAS_SIMPLEJWT else [])

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ.get("SHOP_DB", "shop.sqlite3")}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
AUTH_USER_MODEL = "users.User"
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_TZ = SHOP == "meiduo"

# Django's defaults (PBKDF2 first, 260,000 iterations in Django 3.2), plus MD5 for an old account.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]

# The worker's tokens, verified here (docs/django.md).
JWT_SECRET = os.environ.get("JWT_SECRET", "")
JWT_ISSUER = os.environ.get("JWT_ISSUER", "qq-login-worker")
SIMPLE_JWT = {
    "ALGORITHM": "HS256",
    "SIGNING_KEY": JWT_SECRET,
    "ISSUER": JWT_ISSUER,
    "USER_ID_CLAIM": "sub",
    "USER_ID_FIELD": "id",
    "AUTH_HEADER_TYPES": ("Bearer",),
    "TOKEN_TYPE_CLAIM": None,
    "JTI_CLAIM": None,
}
