from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "kexie.activities"
    verbose_name = "活动"
