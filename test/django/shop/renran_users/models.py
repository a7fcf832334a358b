from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """renran's user: a mobile, a nickname and an avatar (an ImageField there; a FileField here, so no Pillow is needed)."""

    mobile = models.CharField(max_length=15, unique=True, verbose_name="手机号码")
    avatar = models.FileField(upload_to="avatar", null=True, blank=True, verbose_name="头像")
    nickname = models.CharField(max_length=20, null=True, blank=True, verbose_name="昵称")

    class Meta:
        db_table = "rr_users"
