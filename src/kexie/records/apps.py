from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class RecordsConfig(AppConfig):
    name = "kexie.records"
    verbose_name = "记录"

    def ready(self):
        # every app's `records.py` declares its record types and registers them (pages, import spec)
        autodiscover_modules("records")
