from django.apps import AppConfig


class RegistriesConfig(AppConfig):
    name = "kexie.registries"
    verbose_name = "阵地与平台"

    def ready(self):
        # registers Designation, Evaluation, Expert, Facility, FacilityTrip with the scoping (selectors),
        # then the designation lifecycle with the one transition mechanism
        from kexie.registries import merge, selectors  # noqa: F401  (merge: the unit-merge handler)
        from kexie.registries.models import Designation
        from kexie.registries.workflow import DESIGNATION
        from kexie.workflows.definitions import register

        register(DESIGNATION, Designation, related=("programme",))
