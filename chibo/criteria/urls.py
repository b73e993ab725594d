from django.urls import path

from . import views

app_name = "criteria"

urlpatterns = [
    path("", views.sets, name="sets"),
    path("new/", views.set_create, name="set_create"),
    path("<int:pk>/", views.set_detail, name="set"),
    path("village/<int:pk>/", views.village, name="village"),
    path("commune/<int:pk>/", views.commune, name="commune"),
]
