from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "kexie.volunteers"
    verbose_name = "科技志愿服务"

    def ready(self):
        # registers the models with the scoping (selectors), then the service-record confirmation on
        # the one transition mechanism; volunteers/records.py is found and registered by kexie.records
        from kexie.volunteers import merge, selectors  # noqa: F401
        from kexie.volunteers.models import ServiceRecord
        from kexie.volunteers.workflow import SERVICE
        from kexie.workflows.definitions import register

        register(SERVICE, ServiceRecord)
