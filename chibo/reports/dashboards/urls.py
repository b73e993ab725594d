from django.urls import path

from . import views

urlpatterns = [
    path("org/<int:pk>/dashboard/", views.dashboard, name="dashboard"),
]
