"""
meiduo's QQ login views (DRF edition; seeds 000 and 003), returning-user path and all:

GET /oauth/qq/authorization/?next=/orders  → {"login_url": …}: `state` is `next` itself,
                                              neither random nor kept anywhere.
GET /oauth/qq/user/?code=…&state=…          → QQ token, QQ openid, the binding by openid,
                                              then {"token", "user_id", "username"}; `state`
                                              is never checked (the page redirects to it).
"""
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.jwt_compat import api_settings

from .models import OAuthQQUser
from .utils import OAuthQQ


class QQAuthURLView(APIView):
    """获取QQ登录的网址 GET /oauth/qq/authorization/?next=xxx"""

    def get(self, request):
        next = request.query_params.get("next")
        oauth = OAuthQQ(state=next)
        login_url = oauth.get_qq_login_url()
        return Response({"login_url": login_url})


class QQAuthUserView(APIView):
    """QQ登录的用户 GET /oauth/qq/user/?code=xxx"""

    def get(self, request):
        # 获取code,并进行判断
        code = request.query_params.get("code")
        if code is None:
            return Response({"message": "缺少参数"}, status=status.HTTP_400_BAD_REQUEST)

        oauth = OAuthQQ()
        try:
            access_token = oauth.get_access_token(code)
            openid = oauth.get_openid(access_token)
        except Exception:
            return Response({"message": "服务异常"}, status=status.HTTP_503_SERVICE_UNAVAILABLE)

        # 判断用户是否存在
        try:
            qq_user = OAuthQQUser.objects.get(openid=openid)
        except OAuthQQUser.DoesNotExist:
            # 不存在就是第一次授权登录
            token = OAuthQQUser.generate_save_user_token(openid)
            return Response({"access_token": token})

        # 查询用户,生成登录token
        user = qq_user.user
        jwt_payload_handler = api_settings.JWT_PAYLOAD_HANDLER
        jwt_encode_handler = api_settings.JWT_ENCODE_HANDLER
        payload = jwt_payload_handler(user)
        token = jwt_encode_handler(payload)
        return Response({"token": token, "user_id": user.id, "username": user.username})
