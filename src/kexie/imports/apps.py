from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "kexie.imports"
    verbose_name = "数据导入"

    def ready(self):
        from kexie.imports import selectors  # noqa: F401  (registers ImportBatch with the scoping)
