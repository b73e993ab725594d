"""Routes of the villages' posts and the role model, under the app's `committees` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("org/<int:pk>/roles/", views.roles, name="roles"),
    path("village/<int:pk>/roles/new/", views.role_assign, name="role_assign"),
    path("roles/<int:pk>/end/", views.role_end, name="role_end"),
    path("org/<int:pk>/role-model/", views.role_model_adopt, name="role_model_adopt"),
    path("role-models/<int:pk>/end/", views.role_model_end, name="role_model_end"),
]
