from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "kexie.people"
    verbose_name = "人员"

    def ready(self):
        # registers Person (and the people app's other models) with the scoping
        from kexie.people import selectors  # noqa: F401
