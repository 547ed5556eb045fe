from kexie.facts.records import FACTS
from kexie.records.urls import record_urls

app_name = "facts"
urlpatterns = record_urls(FACTS)
