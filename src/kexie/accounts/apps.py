from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kexie.accounts"
    verbose_name = "账号"
