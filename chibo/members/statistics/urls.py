from django.urls import path

from . import views

urlpatterns = [
    path("statistics/<int:pk>/", views.statistics, name="statistics"),
    path("statistics/<int:pk>/members/", views.statistics_members, name="statistics_members"),
]
