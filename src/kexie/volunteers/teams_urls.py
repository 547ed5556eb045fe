"""服务队 pages (the record layer's pages)."""

from kexie.records.urls import record_urls
from kexie.volunteers.records import TEAMS

app_name = "volunteer_teams"
urlpatterns = record_urls(TEAMS)
