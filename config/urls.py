from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from chibo.core import webapp
from chibo.meetings.home import views as home_views

urlpatterns = [
    # The home of the user's most local role (chibo.meetings.home); the organization board's is
    # the organization's page.
    path("", home_views.home, name="home"),
    path("healthz", lambda r: HttpResponse("ok"), name="healthz"),
    # The installable app: the service worker at the root so that its scope is the whole site.
    path("sw.js", webapp.service_worker, name="service_worker"),
    path("manifest.webmanifest", webapp.manifest, name="manifest"),
    path("offline/", webapp.offline, name="offline"),
    path("accounts/", include("chibo.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include("chibo.organizations.urls")),
    # A cell's merge and split move its members: the members app's pages at the cell's address.
    path("org/", include("chibo.members.urls_cells")),
    path("members/", include("chibo.members.urls")),
    path("committees/", include("chibo.committees.urls")),
    path("criteria/", include("chibo.criteria.urls")),
    path("plans/", include("chibo.plans.urls")),
    path("training/", include("chibo.training.urls")),
    path("meetings/", include("chibo.meetings.urls")),
    path("admissions/", include("chibo.admissions.urls")),
    path("congresses/", include("chibo.congresses.urls")),
    path("reorg/", include("chibo.reorg.urls")),
    path("ratings/", include("chibo.ratings.urls")),
    path("reports/", include("chibo.reports.urls")),
    path("workbook/", include("chibo.workbook.urls")),
    path("api/v1/", include("chibo.api.urls")),
    path("admin/", admin.site.urls),
]
