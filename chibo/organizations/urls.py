from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/indicators/", views.indicators_fragment, name="indicators"),
    path("<int:pk>/rename/", views.rename, name="rename"),
    path("<int:pk>/reparent/", views.reparent, name="reparent"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/split/", views.split, name="split"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/new/", views.create_child, name="create_child"),
]
