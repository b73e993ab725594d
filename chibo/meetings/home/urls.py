"""The role homes other than the one at chibo's root (config/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("home/<slug:kind>/<int:pk>/", views.home_for, name="home_for"),
]
