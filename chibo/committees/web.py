"""What the committees' views share beyond chibo.core.web: the page's query string (a bad one is
a 400, core.web.bad_query), the .xlsx file name and export link, the organization's ancestors,
and for the write views the organization (or commune) in the write scope or a 404, and the form
page.

Every page starts from the user's scope: an organization outside it is a 404, like a missing
one; write forms and write views need scope.can_write. Each list page answers `?format=xlsx`
with the same list as a spreadsheet.
"""

import datetime
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from chibo.accounts.scope import Scope
from chibo.core import vn, web
from chibo.core.dates import today
from chibo.organizations.models import Organization


class BadQuery(Exception):
    def __init__(self, form):
        self.form = form


def page_query(request, form_class, **kwargs):
    """(form, cleaned data) of the query string, `as_of` today when not given; BadQuery when the
    form does not validate (handles_bad_query answers it with a 400)."""
    form = form_class(request.GET, **kwargs)
    if not form.is_valid():
        raise BadQuery(form)
    data = form.cleaned_data
    data["as_of"] = data.get("as_of") or today()
    return form, data


def export_url(request) -> str:
    query = request.GET.copy()
    query["format"] = "xlsx"
    return f"{request.path}?{query.urlencode()}"


def handles_bad_query(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadQuery as e:
            return web.bad_query(e.form, request=request)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def xlsx_name(org, what, as_of) -> str:
    return f"{what}-{org.code}-{as_of:%Y%m%d}.xlsx"


def above_grassroots(org) -> bool:
    return org.kind in (Organization.Kind.DISTRICT_COMMITTEE, Organization.Kind.PROVINCE_COMMITTEE)


def ancestors(scope, org):
    return [
        a
        for a in Organization.objects.filter(path__in=org.ancestor_paths()[:-1]).order_by("path")
        if scope.covers(a)
    ]


def page_url(org) -> str:
    return reverse("committees:cell" if org.is_cell else "committees:org", args=[org.pk])


def flagged_cells_url(org, on: datetime.date, flag: str, *, residential=False) -> str:
    """The page that lists the cells under `org` flagged `flag` on `on` (of them the village
    cells only, when `residential`); for a cell, its own page, which shows its flags."""
    query = {"as_of": vn.day_text(on)}
    if not org.is_cell:
        query["flag"] = flag
        if residential:
            query["residential"] = "on"
    return f"{page_url(org)}?{urlencode(query)}"


# --- writes -------------------------------------------------------------------------------------


def form_page(request, form, title, back, subject=""):
    return render(
        request,
        "committees/form.html",
        {"form": form, "title": title, "back": back, "subject": subject},
    )


def write_org(request, pk):
    scope = Scope.for_user(request.user)
    return scope, scope.org_or_404(pk, write=True)


def commune_or_404(request, pk):
    """A commune committee the user may write to."""
    scope, org = write_org(request, pk)
    if not org.is_commune:
        raise Http404
    return scope, org
