"""
Merges an export of the QQ login worker (`npm run accounts -- export accounts.json`) into a
running Django shop, changing only the exported fields:

    ACCOUNTS_FILE=accounts.json python manage.py shell < merge_into_django.py

`loaddata` saves whole rows, so on accounts the shop already has it would also reset what
the export does not carry (email, names, is_staff, is_superuser, last_login). This updates
users by pk and QQ bindings by openid, creates what is missing, and changes nothing else,
in one transaction. QQ_MODEL names the binding model when it is not oauth.OAuthQQUser.
Works with meiduo's (user, openid) and renran's (qq_user, qq_openid) bindings.
"""
import json
import os

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

User = get_user_model()
QQ = apps.get_model(os.environ.get("QQ_MODEL", "oauth.OAuthQQUser"))
TIME_FIELDS = {"date_joined", "create_time", "update_time", "created_time", "updated_time"}


def value(name, raw):
    if name not in TIME_FIELDS or raw is None:
        return raw
    moment = parse_datetime(raw)
    if settings.USE_TZ and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    if not settings.USE_TZ and timezone.is_aware(moment):
        return timezone.make_naive(moment)
    return moment


def merge(records):
    users = created = bindings = 0
    qq_label = QQ._meta.label_lower
    for record in records:
        fields = {name: value(name, raw) for name, raw in record["fields"].items()}
        if record["model"] == User._meta.label_lower:
            _, new = User.objects.update_or_create(pk=record["pk"], defaults=fields)
            users += 1
            created += new
        elif record["model"] == qq_label:
            user_field, openid_field = ("qq_user", "qq_openid") if "qq_openid" in fields else ("user", "openid")
            fields[f"{user_field}_id"] = fields.pop(user_field)
            openid = fields.pop(openid_field)
            QQ.objects.update_or_create(**{openid_field: openid}, defaults=fields)
            bindings += 1
        else:
            raise SystemExit(f"unknown model {record['model']}: expected {User._meta.label_lower} or {qq_label}")
    return users, created, bindings


with open(os.environ.get("ACCOUNTS_FILE", "accounts.json"), encoding="utf-8") as file:
    records = json.load(file)
with transaction.atomic():
    counts = merge(records)
print("merged %d users (%d new) and %d QQ bindings" % counts)
