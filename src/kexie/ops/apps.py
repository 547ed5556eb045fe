from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "kexie.ops"
    verbose_name = "运维"
