from django.apps import AppConfig


class OAuthConfig(AppConfig):
    name = "renran_oauth"
    label = "oauth"
