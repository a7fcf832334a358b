from django.apps import AppConfig


class OAuthConfig(AppConfig):
    name = "meiduo_oauth"
    label = "oauth"
