from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kexie.reports"
    verbose_name = "工作报告"

    def ready(self) -> None:
        from kexie.reports import catalogue  # noqa: F401 - the built-in templates register themselves
