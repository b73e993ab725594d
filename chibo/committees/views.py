"""The committees' index and the lists behind the committees' indicators. Each part's pages are
in its own views: positions, villages, communes, succession."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from chibo.core import indicators as registry

from . import lists
from .exports import xlsx_response
from .forms import IndicatorForm
from .web import ancestors, export_url, handles_bad_query, page_query, reader_scope, xlsx_name

INDICATOR_PAGE_SIZE = 100  # as the meeting lists; the .xlsx export has every row


@login_required
def index(request):
    """The committees of the organizations the user's roles sit at."""
    scope = reader_scope(request)
    tops = list(scope.top_organizations().order_by("path")[:50])
    if len(tops) == 1:
        top = tops[0]
        return redirect("committees:cell" if top.is_cell else "committees:org", pk=top.pk)
    return render(request, "committees/index.html", {"tops": tops})


@login_required
@handles_bad_query
def indicator(request, pk, code):
    """The list behind one indicator, with the figure; which rows count is the last column."""
    scope = reader_scope(request)
    org = scope.org_or_404(pk)
    if code not in lists.INDICATOR_LISTS:
        raise Http404
    form, q = page_query(request, IndicatorForm)
    on = q["as_of"]
    if q["format"] == "xlsx":
        return xlsx_response([lists.indicator_list(code, org, on)], xlsx_name(org, code, on))
    table, value = lists.indicator_page(code, org, on)
    ind = registry.get(code)
    page = Paginator(table.linked_rows, INDICATOR_PAGE_SIZE).get_page(q.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "org": org,
        "ancestors": ancestors(scope, org),
        "form": form,
        "as_of": on,
        "code": code,
        "name": ind.name,
        "value": value,
        "table": table,
        "page": page,
        "query": query.urlencode(),
        "export_url": export_url(request),
    }
    return render(request, "committees/indicator.html", context)
