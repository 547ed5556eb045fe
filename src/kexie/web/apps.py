from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kexie.web"
    verbose_name = "界面"
