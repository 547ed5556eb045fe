from django.apps import AppConfig


class FactsConfig(AppConfig):
    name = "kexie.facts"
    verbose_name = "荣誉与排名"

    def ready(self):
        # registers Fact with the scoping; facts/records.py (荣誉与排名 on the record layer) is
        # found and registered by kexie.records
        from kexie.facts import selectors  # noqa: F401
