"""评选与推荐 (rounds) pages at /honours/rounds/."""

from kexie.honours.records import ROUNDS
from kexie.records.urls import record_urls

app_name = "honour_rounds"
urlpatterns = record_urls(ROUNDS)
