"""The list of pages a phone keeps for use with no signal."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("offline/pages.json", v.pages, name="offline_pages"),
]
