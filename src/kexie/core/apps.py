from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kexie.core"
    verbose_name = "基础"
