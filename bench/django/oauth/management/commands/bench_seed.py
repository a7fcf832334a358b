"""
`manage.py bench_seed --filler N --openid X --mobile M`: the bench's database. Django's
migrations, then N other accounts each bound to a QQ openid (the same rows as the bench's
D1 filler: mobiles 177xxxxxxxx, openids F1 + 30 hex digits), then the returning user, bound
to the fake QQ's preset openid, as meiduo's bind view would have left them.
"""
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from oauth.models import OAuthQQUser, User


class Command(BaseCommand):
    help = "Creates and fills the bench's database."

    def add_arguments(self, parser):
        parser.add_argument("--filler", type=int, default=10000)
        parser.add_argument("--openid", required=True)
        parser.add_argument("--mobile", required=True)
        parser.add_argument("--password", default="bench-password-0001")

    def handle(self, *args, filler, openid, mobile, password, **options):
        call_command("migrate", verbosity=0, interactive=False)
        # Stored as Django stores them in SQLite: UTC, without an offset.
        now = timezone.now().replace(tzinfo=None).isoformat(sep=" ")
        with transaction.atomic(), connection.cursor() as cursor:
            # The login path never checks a filler account's password: "!" is Django's
            # unusable-password mark.
            cursor.execute(
                """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s)
                   INSERT INTO tb_users (id, password, last_login, is_superuser, username, first_name,
                                         last_name, email, is_staff, is_active, date_joined, mobile)
                   SELECT i, '!', NULL, 0, printf('177%%08d', i), '', '', '', 0, 1, %s, printf('177%%08d', i) FROM n""",
                [filler, now],
            )
            cursor.execute(
                """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s)
                   INSERT INTO tb_oauth_qq (id, create_time, update_time, user_id, openid)
                   SELECT i, %s, %s, i, printf('F1%%030X', i) FROM n""",
                [filler, now, now],
            )
            user = User.objects.create(username=mobile, mobile=mobile, password=make_password(password))
            OAuthQQUser.objects.create(user=user, openid=openid)
        self.stdout.write(f"user {user.id} ({mobile}) bound to {openid[:8]}…, {filler} filler accounts")
