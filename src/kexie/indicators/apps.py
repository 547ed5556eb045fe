from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "kexie.indicators"
    verbose_name = "指标"

    def ready(self):
        # the declarations register themselves (record types with the scoping, indicators by code)
        from kexie.indicators import catalogue  # noqa: F401
