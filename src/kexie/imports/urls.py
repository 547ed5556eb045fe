from django.urls import path

from kexie.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.batches, name="batches"),
    path("batch/<int:pk>/", views.batch_detail, name="batch"),
    path("batch/<int:pk>/commit/", views.batch_commit, name="commit"),
    path("batch/<int:pk>/discard/", views.batch_discard, name="discard"),
    path("batch/<int:pk>/fix/", views.batch_fix, name="fix"),
    path("batch/<int:pk>/progress/", views.batch_progress, name="progress"),
    path("batch/<int:pk>/cancel/", views.batch_cancel, name="cancel"),
    path("batch/<int:pk>/rollback/", views.batch_rollback, name="rollback"),
    path("<slug:key>/", views.upload, name="upload"),
    path("<slug:key>/template.xlsx", views.template, name="template"),
]
