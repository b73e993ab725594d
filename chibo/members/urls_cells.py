"""A cell's merge and split pages, under the organization's address (config/urls.py)."""

from django.urls import path

from . import views_cells

app_name = "cells"
urlpatterns = [
    path("<int:pk>/merge/", views_cells.merge, name="merge"),
    path("<int:pk>/split/", views_cells.split, name="split"),
]
