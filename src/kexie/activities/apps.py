from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "kexie.activities"
    verbose_name = "活动"

    def ready(self):
        # registers Activity and Attachment with the scoping, and the "activities" import spec
        from kexie.activities import (  # noqa: F401
            importers,
            merge,
            selectors,
        )
