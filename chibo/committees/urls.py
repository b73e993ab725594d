from django.urls import path

from . import views, views_communes, views_write

app_name = "committees"
urlpatterns = [
    path("", views.index, name="index"),
    path("cell/<int:pk>/", views.cell, name="cell"),
    path("cell/<int:pk>/congress/", views_write.congress, name="congress"),
    path("org/<int:pk>/", views.org, name="org"),
    path("org/<int:pk>/roles/", views.roles, name="roles"),
    path("org/<int:pk>/leaders/", views.leaders, name="leaders"),
    path("org/<int:pk>/qualification/", views.qualification, name="qualification"),
    path("org/<int:pk>/succession/", views.succession, name="succession"),
    path("org/<int:pk>/succession/add/", views_write.succession_add, name="succession_add"),
    path("org/<int:pk>/indicators/<slug:code>/", views.indicator, name="indicator"),
    path("org/<int:pk>/terms/new/", views_write.term_create, name="term_create"),
    path("org/<int:pk>/positions/new/", views_write.position_assign, name="position_assign"),
    path("positions/<int:pk>/end/", views_write.position_end, name="position_end"),
    path("village/<int:pk>/roles/new/", views_write.role_assign, name="role_assign"),
    path("roles/<int:pk>/end/", views_write.role_end, name="role_end"),
    path("succession/<int:pk>/remove/", views_write.succession_remove, name="succession_remove"),
    path("org/<int:pk>/leaders/new/", views_communes.leader_assign, name="leader_assign"),
    path("leaders/<int:pk>/end/", views_communes.leader_end, name="leader_end"),
    path("org/<int:pk>/leaders/target/", views_communes.target_set, name="target_set"),
    path("org/<int:pk>/officials/", views.officials, name="officials"),
    path("org/<int:pk>/officials/new/", views_communes.official_add, name="official_add"),
    path("officials/<int:pk>/assess/", views_communes.official_assess, name="official_assess"),
    path("officials/<int:pk>/end/", views_communes.official_end, name="official_end"),
    path("org/<int:pk>/role-model/", views_communes.role_model_adopt, name="role_model_adopt"),
    path("role-models/<int:pk>/end/", views_communes.role_model_end, name="role_model_end"),
]
