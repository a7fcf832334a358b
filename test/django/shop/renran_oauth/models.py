from django.db import models


class BaseModel(models.Model):
    """基本公共模型 (seed 002)."""

    orders = models.IntegerField(default=0, null=True, blank=True, verbose_name="排序")
    is_show = models.BooleanField(default=True, verbose_name="是否展示")
    is_deleted = models.BooleanField(default=False, verbose_name="是否删除")
    created_time = models.DateTimeField(auto_now_add=True, verbose_name="创建时间")
    updated_time = models.DateTimeField(auto_now=True, verbose_name="更新时间")

    class Meta:
        abstract = True


class OAuthQQUser(BaseModel):
    """QQ登录用户数据 (seed 002)."""

    qq_user = models.OneToOneField(to="users.User", on_delete=models.CASCADE, verbose_name="QQ 用户名")
    qq_openid = models.CharField(max_length=64, verbose_name="QQ 账号 openid", db_index=True)
    qq_access_token = models.CharField(max_length=500, verbose_name="临时访问票据", help_text="有效期:3个月")

    class Meta:
        db_table = "rr_oauth_qq"
