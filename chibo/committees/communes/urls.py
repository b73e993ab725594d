"""Routes of what a commune records, under the app's `committees` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("org/<int:pk>/leaders/", views.leaders, name="leaders"),
    path("org/<int:pk>/leaders/new/", views.leader_assign, name="leader_assign"),
    path("leaders/<int:pk>/end/", views.leader_end, name="leader_end"),
    path("org/<int:pk>/leaders/target/", views.target_set, name="target_set"),
    path("org/<int:pk>/qualification/", views.qualification, name="qualification"),
    path("org/<int:pk>/officials/", views.officials, name="officials"),
    path("org/<int:pk>/officials/new/", views.official_add, name="official_add"),
    path("officials/<int:pk>/assess/", views.official_assess, name="official_assess"),
    path("officials/<int:pk>/end/", views.official_end, name="official_end"),
]
