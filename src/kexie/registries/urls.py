"""称号/平台认定 pages at /registries/ — the record layer's pages plus the yearly grade and experts."""

from django.urls import path

from kexie.records.urls import record_urls
from kexie.registries import views
from kexie.registries.records import DESIGNATIONS

app_name = "registries"
urlpatterns = [
    *record_urls(DESIGNATIONS),
    path("<int:pk>/grades/", views.designation_grade, name="grade"),
    path("<int:pk>/experts/", views.designation_expert, name="expert"),
]
