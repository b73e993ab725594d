from django.urls import path

from . import views, views_spreadsheets
from .badges import urls as badge_urls
from .movements import urls as movement_urls
from .statistics import urls as statistics_urls

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("count/", views.member_count, name="count"),
    path("new/", views.member_create, name="create"),
    path("status/", views.member_status_many, name="status_many"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/transfer/", views.member_transfer, name="transfer"),
    path("<int:pk>/status/", views.member_status, name="status"),
    # Spreadsheets: template, upload + preview, confirm, export of the filtered list.
    path("import/", views_spreadsheets.import_upload, name="import"),
    path("import/template.xlsx", views_spreadsheets.import_template, name="import_template"),
    path("import/<str:token>/confirm/", views_spreadsheets.import_confirm, name="import_confirm"),
    path("export.xlsx", views_spreadsheets.export, name="export"),
    # The lifecycle: movements (members/movements), badges and statistics.
    *movement_urls.urlpatterns,
    *badge_urls.urlpatterns,
    *statistics_urls.urlpatterns,
]
