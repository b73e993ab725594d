import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from chibo.accounts.scope import Scope
from chibo.core import dates
from chibo.core.charts import columns, hbars
from chibo.core.web import bad_query, reader_or_404

from . import selectors
from .forms import DashboardForm

# The date a reader chose on a dashboard, kept for the next dashboard they open (ISO format).
SESSION_KEY = "reports.dashboard_as_of"


def _chosen_date(request, form) -> datetime.date:
    """The date asked for (remembered for the next pages; an empty one forgets it), else the one
    remembered, else today."""
    if form.is_bound and "as_of" in request.GET:
        day = form.cleaned_data["as_of"]
        if day is None:
            request.session.pop(SESSION_KEY, None)
        else:
            request.session[SESSION_KEY] = day.isoformat()
        return day or dates.today()
    kept = request.session.get(SESSION_KEY)
    try:
        return min(datetime.date.fromisoformat(kept), dates.today()) if kept else dates.today()
    except ValueError:
        return dates.today()


@login_required
def dashboard(request, pk):
    """The dashboard of an organization: trends, comparison of its children, cells to watch."""
    scope = reader_or_404(Scope.for_user(request.user))
    org = scope.org_or_404(pk)
    form = DashboardForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return bad_query(form, request=request, title=_("Bảng theo dõi: %s") % org.name)
    as_of = _chosen_date(request, form)
    if not form.is_bound:
        form = DashboardForm(initial={"as_of": as_of})
    data = selectors.dashboard_cached(org, as_of)
    charts = {
        "trend_charts": [(t, columns(t["points"])) for t in data["trends"]],
        "comparison_charts": [(c, hbars(c["items"])) for c in data["comparison"]],
    }
    return render(
        request,
        "reports/dashboard.html",
        {"org": org, "as_of": as_of, "form": form, **data, **charts},
    )
