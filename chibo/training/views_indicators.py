"""The list behind each training and contest indicator, for an organization as of a date (the
lists are training/lists.py's, registered with the indicator registry)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from chibo.accounts.scope import Scope
from chibo.core import indicators as registry
from chibo.core.dates import today
from chibo.core.web import bad_query, reader_or_404

from . import indicators
from .forms import IndicatorForm

PAGE_SIZE = 100


@login_required
def indicator_rows(request, code):
    found = registry.list_for(code, "training:indicator")
    if found is None:
        raise Http404
    scope = reader_or_404(Scope.for_user(request.user))
    form = IndicatorForm(request.GET)
    if not form.is_valid():
        return bad_query(form, request=request)
    data = form.cleaned_data
    if data.get("org"):
        org = scope.org_or_404(data["org"])
    else:
        org = scope.top_organizations().order_by("path").first()
        if org is None:
            raise Http404
    as_of = data.get("as_of") or today()
    indicator = registry.get(code)
    value = indicator.compute(org, as_of)
    rows, extra = found.rows(org, as_of, **{name: data[name] for name in found.filters})
    page = Paginator(rows, PAGE_SIZE).get_page(data.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "code": code,
        "indicator": indicator,
        "value": value,
        "org": org,
        "as_of": as_of,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "since": indicators.training_since(),
        "filters": found.filters,
        **extra,
    }
    return render(request, "training/indicator.html", context)
