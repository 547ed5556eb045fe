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
    path("people/", include("kexie.people.urls")),
    path("posts/", include("kexie.people.post_urls")),
    path("honours/rounds/", include("kexie.honours.round_urls")),
    path("honours/nominations/", include("kexie.honours.nomination_urls")),
    path("honours/", include("kexie.honours.urls")),
    path("contests/editions/", include("kexie.contests.edition_urls")),
    path("contests/", include("kexie.contests.urls")),
    path("volunteers/teams/", include("kexie.volunteers.teams_urls")),
    path("volunteers/roster/", include("kexie.volunteers.members_urls")),
    path("volunteers/service/", include("kexie.volunteers.service_urls")),
    path("volunteers/stars/", include("kexie.volunteers.stars_urls")),
    path("volunteers/", include("kexie.volunteers.urls")),
    path("reports/", include("kexie.reports.urls")),
    path("", include("kexie.workflows.urls")),
]
