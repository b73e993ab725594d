"""The minutes and the resolution of a meeting: /meetings/documents/<pk>/minutes.docx,
/meetings/documents/<pk>/resolution.pdf."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "documents/<int:pk>/<slug:kind>.<slug:fmt>",
        views.document,
        name="document",
    ),
]
