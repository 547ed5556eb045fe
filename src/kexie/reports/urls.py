from django.urls import include, path

from kexie.reports import views

app_name = "reports"
urlpatterns = [
    path("check/", include("kexie.reports.factcheck.urls")),  # the fact-checker (its own sub-package)
    path("", views.report_list, name="list"),
    path("new/", views.generate, name="generate"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/status/", views.set_status, name="set_status"),
    path("<int:pk>/blocks/<slug:block_id>/", views.save_block, name="save_block"),
    path("<int:pk>/versions/<int:number>/restore/", views.restore, name="restore"),
    path("<int:pk>/versions/<int:number>/docx/", views.docx, name="docx"),
    path("<int:pk>/versions/<int:number>/pdf/", views.pdf_request, name="pdf_request"),
    path("<int:pk>/versions/<int:number>/pdf/status/", views.pdf_status, name="pdf_status"),
    path("<int:pk>/versions/<int:number>/pdf/download/", views.pdf_download, name="pdf_download"),
]
