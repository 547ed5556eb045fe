from django.apps import AppConfig


class ContestsConfig(AppConfig):
    name = "kexie.contests"
    verbose_name = "青少年科技教育"

    def ready(self):
        # registers Edition, Entry and EntryMember with the scoping; contests/records.py (赛事、参赛作品
        # on the record layer) is found and registered by kexie.records
        from kexie.contests import merge, selectors  # noqa: F401
