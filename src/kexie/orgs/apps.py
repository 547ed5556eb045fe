from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "kexie.orgs"
    verbose_name = "组织机构"

    def ready(self):
        from kexie.orgs import importers  # noqa: F401  (registers the import spec)
