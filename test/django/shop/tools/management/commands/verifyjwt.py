"""
Verifies tokens the ways docs/django.md gives: PyJWT, and djangorestframework-simplejwt
(JWTAuthentication, which loads the user, and JWTStatelessUserAuthentication). Prints one
JSON object per token, in a list.
"""
import json

import jwt
from django.conf import settings
from django.core.management.base import BaseCommand
from django.test import RequestFactory


def pyjwt(token):
    try:
        claims = jwt.decode(token, settings.JWT_SECRET, algorithms=["HS256"], issuer=settings.JWT_ISSUER,
                            options={"require": ["exp", "iat", "sub", "iss"]})
        return {"sub": claims["sub"]}
    except jwt.PyJWTError as err:
        return {"error": type(err).__name__}


def simplejwt(token, stateless):
    if not settings.HAS_SIMPLEJWT:
        return None
    from rest_framework.exceptions import AuthenticationFailed
    from rest_framework_simplejwt.authentication import JWTAuthentication, JWTStatelessUserAuthentication

    request = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {token}")
    backend = JWTStatelessUserAuthentication() if stateless else JWTAuthentication()
    try:
        user, _ = backend.authenticate(request)
        return {"user_id": str(user.id)}
    except AuthenticationFailed as err:
        return {"error": str(err.detail.get("detail", err.detail)) if isinstance(err.detail, dict) else str(err.detail)}


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("tokens", nargs="+")

    def handle(self, *args, tokens, **options):
        self.stdout.write(json.dumps([{
            "pyjwt": pyjwt(token),
            "simplejwt": simplejwt(token, stateless=False),
            "stateless": simplejwt(token, stateless=True),
        } for token in tokens]))
