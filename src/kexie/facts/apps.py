from django.apps import AppConfig


class FactsConfig(AppConfig):
    name = "kexie.facts"
    verbose_name = "荣誉与排名"
