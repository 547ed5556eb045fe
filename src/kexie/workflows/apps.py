from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "kexie.workflows"
    verbose_name = "流程与待办"
