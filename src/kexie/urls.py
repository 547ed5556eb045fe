"""URL root. Django's admin site is deliberately not mounted: it would bypass org scoping."""

from django.urls import include, path

urlpatterns = [
    path("", include("kexie.web.urls")),
    path("accounts/", include("kexie.accounts.urls")),
    path("orgs/", include("kexie.orgs.urls")),
    path("imports/", include("kexie.imports.urls")),
    path("activities/", include("kexie.activities.urls")),
    path("indicators/", include("kexie.indicators.urls")),
    path("analytics/", include("kexie.analytics.urls")),
    path("facts/", include("kexie.facts.urls")),
    path("records/", include("kexie.records.urls")),
    path("registries/", include("kexie.registries.urls")),
    path("facilities/", include("kexie.registries.facility_urls")),
    path("reports/", include("kexie.reports.urls")),
    path("", include("kexie.workflows.urls")),
]
