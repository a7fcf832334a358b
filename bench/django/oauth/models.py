from django.contrib.auth.models import AbstractUser
from django.conf import settings
from django.core import signing
from django.db import models


class BaseModel(models.Model):
    """meiduo's common times."""

    create_time = models.DateTimeField(auto_now_add=True, verbose_name="创建时间")
    update_time = models.DateTimeField(auto_now=True, verbose_name="更新时间")

    class Meta:
        abstract = True


class User(AbstractUser):
    """meiduo's user (its `users` app): Django's, with a unique mobile."""

    mobile = models.CharField(max_length=11, unique=True, verbose_name="手机号")

    class Meta:
        db_table = "tb_users"


class OAuthQQUser(BaseModel):
    """QQ登录用户数据 (seeds 000/001): an openid bound to a user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, verbose_name="用户")
    openid = models.CharField(max_length=64, verbose_name="openid", db_index=True)

    class Meta:
        db_table = "tb_oauth_qq"

    @staticmethod
    def generate_save_user_token(openid):
        """
        The bind token of a first QQ login (not on the returning user's path). meiduo signs it
        with itsdangerous' TimedJSONWebSignatureSerializer, which itsdangerous 2.1 (Debian's)
        no longer has; Django's own signing does the same job here.
        """
        return signing.dumps({"openid": openid}, salt="qq-bind")

    @staticmethod
    def check_save_user_token(token):
        try:
            data = signing.loads(token, salt="qq-bind", max_age=settings.SAVE_QQ_USER_TOKEN_EXPIRES)
        except signing.BadSignature:
            return None
        return data.get("openid")
