"""Reads [{"id", "password"}] on stdin; prints whether Django's check_password accepts each, with the stored user."""
import json
import sys

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        User = get_user_model()
        QQ = apps.get_model("oauth", "OAuthQQUser")
        user_field, openid_field = ("qq_user", "qq_openid") if hasattr(QQ, "qq_openid") else ("user", "openid")
        out = []
        for item in json.load(sys.stdin):
            user = User.objects.filter(pk=item["id"]).first()
            if user is None:
                out.append({"id": item["id"], "found": False, "ok": False})
                continue
            stored = user.password
            out.append({
                "id": user.pk, "found": True, "ok": user.check_password(item["password"]), "hash": stored,
                "username": user.username, "mobile": user.mobile, "is_active": user.is_active,
                "nickname": getattr(user, "nickname", None), "email": user.email,
                "openids": list(QQ.objects.filter(**{user_field: user}).values_list(openid_field, flat=True)),
            })
        self.stdout.write(json.dumps(out))
