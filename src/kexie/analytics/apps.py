from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "kexie.analytics"
    verbose_name = "统计分析"
