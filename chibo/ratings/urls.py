from django.urls import path

from . import views

app_name = "ratings"
urlpatterns = [
    path("", views.index, name="index"),
    path("org/<int:pk>/", views.org_ratings, name="org"),
    path("sets/", views.sets, name="sets"),
    path("sets/new/", views.set_create, name="set_create"),
    path("sets/<int:pk>/", views.set_detail, name="set"),
]
