from django.urls import path

from . import views

app_name = "workbook"
urlpatterns = [
    path("", views.index, name="index"),
    path("template/", views.template, name="template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("export/<int:pk>/", views.export, name="export"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/file/", views.export_file, name="export_file"),
]
