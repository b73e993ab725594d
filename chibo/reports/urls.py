from django.urls import include, path

from . import views

app_name = "reports"
urlpatterns = [
    path("", include("chibo.reports.dashboards.urls")),
    path("", views.index, name="index"),
    path("org/<int:pk>/", views.report, name="report"),
    path("org/<int:pk>/report.docx", views.download, name="download"),
    path("org/<int:pk>/templates/", views.templates, name="templates"),
    path("templates/default.docx", views.template_default, name="template_default"),
    path("templates/<int:pk>.docx", views.template_file, name="template_file"),
]
