from django.urls import path

from . import views, views_places

app_name = "organizations"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("find/", views.find, name="find"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/indicators/", views.indicators_fragment, name="indicators"),
    path("<int:pk>/rename/", views.rename, name="rename"),
    path("<int:pk>/reparent/", views.reparent, name="reparent"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/new/", views.create_child, name="create_child"),
    path("<int:pk>/places/", views_places.places, name="places"),
    path("<int:pk>/places/commune/new/", views_places.commune_create, name="commune_create"),
    path("<int:pk>/places/village/new/", views_places.village_create, name="village_create"),
    path("commune/<int:pk>/rename/", views_places.commune_rename, name="commune_rename"),
    path("commune/<int:pk>/merge/", views_places.commune_merge, name="commune_merge"),
    path("commune/<int:pk>/committee/", views_places.commune_committee, name="commune_committee"),
    path("village/<int:pk>/", views_places.village, name="village"),
    path("village/<int:pk>/rename/", views_places.village_rename, name="village_rename"),
    path("village/<int:pk>/cell/", views_places.village_link, name="village_link"),
    path("village/<int:pk>/unlink/", views_places.village_unlink, name="village_unlink"),
    path("village/<int:pk>/merge/", views_places.village_merge, name="village_merge"),
    path("village/<int:pk>/facts/", views_places.village_facts, name="village_facts"),
]
