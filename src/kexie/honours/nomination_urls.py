"""推荐人选 (nominations) pages at /honours/nominations/; the lifecycle panel posts to workflows:take."""

from kexie.honours.records import NOMINATIONS
from kexie.records.urls import record_urls

app_name = "nominations"
urlpatterns = record_urls(NOMINATIONS)
