from django.urls import path

from kexie.workflows import views

app_name = "workflows"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("workflows/<int:ct>/<int:pk>/<slug:code>/", views.take, name="take"),
]
