"""赛事 pages at /contests/editions/ (the record layer's pages)."""

from kexie.contests.records import EDITIONS
from kexie.records.urls import record_urls

app_name = "contest_editions"
urlpatterns = record_urls(EDITIONS)
