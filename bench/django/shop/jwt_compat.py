"""
The parts of djangorestframework-jwt (`rest_framework_jwt`, 1.11) that the seeds' QQ login
uses, on PyJWT: `api_settings.JWT_PAYLOAD_HANDLER` and `JWT_ENCODE_HANDLER` to sign, and
`JSONWebTokenAuthentication` as meiduo's first authentication class. That library is
unmaintained and Debian does not package it; what it does per login is this: a payload
dict and one HS256 signature with PyJWT.
"""
import uuid
from calendar import timegm
from datetime import datetime

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.encoding import smart_str
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

DEFAULTS = {
    "JWT_SECRET_KEY": None,  # settings.SECRET_KEY
    "JWT_ALGORITHM": "HS256",
    "JWT_VERIFY_EXPIRATION": True,
    "JWT_LEEWAY": 0,
    "JWT_AUDIENCE": None,
    "JWT_ISSUER": None,
    "JWT_ALLOW_REFRESH": False,
    "JWT_AUTH_HEADER_PREFIX": "JWT",
}


def jwt_payload_handler(user):
    username_field = get_user_model().USERNAME_FIELD
    username = user.get_username()
    payload = {
        "user_id": user.pk,
        "username": username,
        "exp": datetime.utcnow() + api_settings.JWT_EXPIRATION_DELTA,
    }
    if hasattr(user, "email"):
        payload["email"] = user.email
    if isinstance(user.pk, uuid.UUID):
        payload["user_id"] = str(user.pk)
    payload[username_field] = username
    if api_settings.JWT_ALLOW_REFRESH:
        payload["orig_iat"] = timegm(datetime.utcnow().utctimetuple())
    if api_settings.JWT_AUDIENCE is not None:
        payload["aud"] = api_settings.JWT_AUDIENCE
    if api_settings.JWT_ISSUER is not None:
        payload["iss"] = api_settings.JWT_ISSUER
    return payload


def jwt_encode_handler(payload):
    return jwt.encode(payload, api_settings.JWT_SECRET_KEY, api_settings.JWT_ALGORITHM)


def jwt_decode_handler(token):
    return jwt.decode(
        token,
        api_settings.JWT_SECRET_KEY,
        algorithms=[api_settings.JWT_ALGORITHM],
        options={"verify_exp": api_settings.JWT_VERIFY_EXPIRATION},
        leeway=api_settings.JWT_LEEWAY,
        audience=api_settings.JWT_AUDIENCE,
        issuer=api_settings.JWT_ISSUER,
    )


class _Settings:
    """`rest_framework_jwt.settings.api_settings`: settings.JWT_AUTH over the defaults."""

    def __getattr__(self, name):
        handlers = {
            "JWT_PAYLOAD_HANDLER": jwt_payload_handler,
            "JWT_ENCODE_HANDLER": jwt_encode_handler,
            "JWT_DECODE_HANDLER": jwt_decode_handler,
        }
        if name in handlers:
            return handlers[name]
        configured = getattr(settings, "JWT_AUTH", {})
        if name in configured:
            return configured[name]
        if name == "JWT_SECRET_KEY":
            return settings.SECRET_KEY
        if name in DEFAULTS:
            return DEFAULTS[name]
        raise AttributeError(name)


api_settings = _Settings()


class JSONWebTokenAuthentication(BaseAuthentication):
    """`Authorization: JWT <token>`; requests without it pass on to the next class."""

    www_authenticate_realm = "api"

    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        prefix = api_settings.JWT_AUTH_HEADER_PREFIX.lower()
        if not auth or smart_str(auth[0].lower()) != prefix:
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header."))
        try:
            payload = jwt_decode_handler(auth[1])
        except jwt.ExpiredSignatureError:
            raise exceptions.AuthenticationFailed(_("Signature has expired."))
        except jwt.InvalidTokenError:
            raise exceptions.AuthenticationFailed(_("Error decoding signature."))
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(payload.get("username"))
        except User.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid signature."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User account is disabled."))
        return (user, payload)

    def authenticate_header(self, request):
        return f'{api_settings.JWT_AUTH_HEADER_PREFIX} realm="{self.www_authenticate_realm}"'
