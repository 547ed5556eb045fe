"""获奖/入选 pages at /honours/ — the record layer's pages of the awards declaration — and 荣誉项目."""

from django.urls import path

from kexie.honours import views
from kexie.honours.records import AWARDS
from kexie.records.urls import record_urls

app_name = "honours"
urlpatterns = [
    *record_urls(AWARDS),
    path("programmes/", views.programmes, name="programmes"),
    path("card/", views.dashboard_card, name="dashboard_card"),
]
