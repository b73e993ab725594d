from django.urls import path

from . import views

app_name = "congresses"
urlpatterns = [
    path("", views.index, name="index"),
    path("org/<int:pk>/", views.plans, name="plans"),
    path("plan/<int:pk>/", views.plan, name="plan"),
    path("<int:pk>/", views.congress, name="congress"),
    path("<int:pk>/<str:kind>.<str:fmt>", views.document, name="document"),
    path("org/<int:pk>/templates/", views.templates, name="templates"),
    path("templates/default/<str:kind>.docx", views.template_default, name="template_default"),
    path("templates/<int:pk>.docx", views.template_file, name="template_file"),
    path("org/<int:pk>/regulations/", views.regulations, name="regulations"),
    path("cell/<int:pk>/regulations/", views.cell_regulations, name="cell_regulations"),
    path("regulations/<int:pk>/file", views.regulation_file, name="regulation_file"),
]
