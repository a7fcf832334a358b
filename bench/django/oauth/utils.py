"""
meiduo's QQ helper (oauth/utils.py of the DRF edition; seeds 000 and 003 call it): urllib
calls to graph.qq.com without fmt=json, the token's URL-encoded answer read with parse_qs,
the openid's JSONP answer sliced as `[10:-4]`. One change: QQ's address comes from
settings.QQ_API_BASE (the bench's fake QQ) instead of being written into each URL.
"""
import json
import logging
from urllib.parse import parse_qs, urlencode
from urllib.request import urlopen

from django.conf import settings

logger = logging.getLogger("django")


class OAuthQQAPIError(Exception):
    pass


class OAuthQQ(object):
    """QQ认证辅助工具类"""

    def __init__(self, client_id=None, client_secret=None, redirect_uri=None, state=None):
        self.client_id = client_id or settings.QQ_CLIENT_ID
        self.client_secret = client_secret or settings.QQ_CLIENT_SECRET
        self.redirect_uri = redirect_uri or settings.QQ_REDIRECT_URI
        self.state = state or "/"  # 用于保存登录成功后的跳转页面路径

    def get_qq_login_url(self):
        """QQ登录网址"""
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "state": self.state,
        }
        return settings.QQ_API_BASE + "/oauth2.0/authorize?" + urlencode(params)

    def get_access_token(self, code):
        """用code换access_token"""
        params = {
            "grant_type": "authorization_code",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "code": code,
            "redirect_uri": self.redirect_uri,
        }
        url = settings.QQ_API_BASE + "/oauth2.0/token?" + urlencode(params)
        response = urlopen(url)
        response_data = response.read().decode()
        # access_token=FE04…CCE2&expires_in=7776000&refresh_token=88E4…BE14
        data = parse_qs(response_data)
        access_token = data.get("access_token", None)
        if not access_token:
            logger.error("code=%s msg=%s" % (data.get("code"), data.get("msg")))
            raise OAuthQQAPIError
        return access_token[0]

    def get_openid(self, access_token):
        """用access_token换openid"""
        url = settings.QQ_API_BASE + "/oauth2.0/me?access_token=" + access_token
        response = urlopen(url)
        response_data = response.read().decode()
        try:
            # callback( {"client_id":"YOUR_APPID","openid":"YOUR_OPENID"} );\n
            data = json.loads(response_data[10:-4])
        except Exception:
            data = parse_qs(response_data)
            logger.error("code=%s msg=%s" % (data.get("code"), data.get("msg")))
            raise OAuthQQAPIError
        return data.get("openid", None)
