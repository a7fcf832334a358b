from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "meiduo_users"
    label = "users"
