from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "kexie.orgs"
    verbose_name = "组织机构"

    def ready(self):
        from kexie.orgs import importers, merging  # noqa: F401  (registers the import spec)

        merging.autodiscover()  # each kexie app's merge.py registers how its rows move on a unit merge
