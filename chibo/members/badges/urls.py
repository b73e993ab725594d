from django.urls import path

from . import views

urlpatterns = [
    path("badges/<int:pk>/", views.badge_list, name="badges"),
    path("<int:pk>/badge/", views.badge_award, name="badge_award"),
    path("<int:pk>/interruption/", views.interruption, name="interruption"),
]
