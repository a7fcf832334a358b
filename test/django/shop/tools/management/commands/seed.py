"""Creates this shop's accounts and QQ bindings with Django's own create_user and hashers; prints them as JSON."""
import json

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher, PBKDF2PasswordHasher, make_password
from django.core.management.base import BaseCommand

PASSWORD = "django-pass-123"


def pbkdf2(iterations):
    hasher = PBKDF2PasswordHasher()
    hasher.iterations = iterations
    return hasher


def openid(n):
    return f"D1A{n:029X}"


# hasher None: create_user's default (PBKDF2 at 260,000 iterations in Django 3.2).
# edge: the worker can check the hash (pbkdf2_sha256 with at most 100,000 iterations).
MEIDUO = [
    dict(username="u100k", mobile="13800000001", email="u100k@shop.example", hasher=pbkdf2(100_000), openid=openid(1), edge=True),
    dict(username="u260k", mobile="13800000002", hasher=None, openid=openid(2), edge=False),
    dict(username="u20k", mobile="13800000003", hasher=pbkdf2(20_000), openid=openid(3), edge=True),
    dict(username="umd5", mobile="13800000004", hasher=MD5PasswordHasher(), edge=False),
    dict(username="inactive", mobile="13800000005", hasher=pbkdf2(100_000), active=False, openid=openid(5), edge=True),
    dict(username="o'brien; BEGIN TRANSACTION; --", mobile="13800000006", hasher=pbkdf2(100_000), edge=True),
    dict(username="nopass", mobile="13800000007", unusable=True, edge=False),
]
RENRAN = [
    dict(id=1001, username="13900001001", mobile="13900001001", nickname="荏苒一号", avatar="avatar/2024/1001.png",
         hasher=pbkdf2(100_000), openid=openid(1001), token="RENRAN-PLAINTEXT-QQ-TOKEN-1001", edge=True),
    dict(id=1002, username="13900001002", mobile="13900001002", nickname="荏苒二号", hasher=None,
         openid=openid(1002), token="RENRAN-PLAINTEXT-QQ-TOKEN-1002", deleted=True, edge=False),
]


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        User = get_user_model()
        OAuthQQUser = apps.get_model("oauth", "OAuthQQUser")
        out = []
        for spec in MEIDUO if settings.SHOP == "meiduo" else RENRAN:
            extra = {k: spec[k] for k in ("id", "nickname", "avatar", "email") if k in spec}
            user = User.objects.create_user(username=spec["username"], password=PASSWORD, mobile=spec["mobile"], **extra)
            if spec.get("hasher") is not None:
                user.password = make_password(PASSWORD, hasher=spec["hasher"])
            if spec.get("unusable"):
                user.set_unusable_password()
            user.is_active = spec.get("active", True)
            user.save()
            if "openid" in spec:
                if settings.SHOP == "meiduo":
                    OAuthQQUser.objects.create(user=user, openid=spec["openid"])
                else:
                    OAuthQQUser.objects.create(qq_user=user, qq_openid=spec["openid"], qq_access_token=spec["token"],
                                               is_deleted=spec.get("deleted", False))
            out.append({
                "id": user.pk, "username": user.username, "mobile": user.mobile, "hash": user.password,
                "active": user.is_active, "edge": spec["edge"], "unusable": bool(spec.get("unusable")),
                "openid": spec.get("openid"), "deleted": spec.get("deleted", False), "token": spec.get("token"),
            })
        self.stdout.write(json.dumps({"password": PASSWORD, "users": out}))
