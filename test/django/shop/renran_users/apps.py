from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "renran_users"
    label = "users"
