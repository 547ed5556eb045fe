from django.urls import path

from kexie.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.batches, name="batches"),
    path("batch/<int:pk>/", views.batch_detail, name="batch"),
    path("batch/<int:pk>/commit/", views.batch_commit, name="commit"),
    path("batch/<int:pk>/discard/", views.batch_discard, name="discard"),
    path("<slug:key>/", views.upload, name="upload"),
    path("<slug:key>/template.xlsx", views.template, name="template"),
]
