from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "kexie.honours"
    verbose_name = "人才举荐与表彰"

    def ready(self):
        # registers Round, Nomination, Award, Recipient with the scoping (selectors), then the
        # nomination lifecycle with the one transition mechanism
        from kexie.honours import merge, selectors  # noqa: F401  (merge: the unit-merge handler)
        from kexie.honours.models import Nomination
        from kexie.honours.workflow import NOMINATION
        from kexie.workflows.definitions import register

        register(NOMINATION, Nomination)
