"""The committees' index, an organization's overview (its own committee, every cell under it with
its flags, the lists behind the indicators) and those lists. Each part's pages are in its own
views: positions, villages, communes, succession."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from chibo.accounts.scope import Scope
from chibo.core import indicators as registry
from chibo.core.web import reader_or_404

from . import lists, rules
from .exports import xlsx_response
from .forms import IndicatorForm, OrgPageForm
from .positions import selectors as position_selectors
from .positions.tables import cells_table, positions_table
from .selectors import term_on
from .web import (
    above_grassroots,
    ancestors,
    export_url,
    handles_bad_query,
    page_query,
    xlsx_name,
)

INDICATOR_PAGE_SIZE = 100  # as the meeting lists; the .xlsx export has every row


@login_required
def index(request):
    """The committees of the organizations the user's roles sit at."""
    scope = reader_or_404(Scope.for_user(request.user))
    tops = list(scope.top_organizations().order_by("path")[:50])
    if len(tops) == 1:
        top = tops[0]
        return redirect("committees:cell" if top.is_cell else "committees:org", pk=top.pk)
    return render(request, "committees/index.html", {"tops": tops})


@login_required
@handles_bad_query
def org(request, pk):
    """An organization's own committee and every cell under it with its flags."""
    scope = reader_or_404(Scope.for_user(request.user))
    org = scope.org_or_404(pk)
    if org.is_cell:
        return redirect("committees:cell", pk=org.pk)
    form, q = page_query(request, OrgPageForm)
    on = q["as_of"]
    # Above the grassroots level the page sums up per grassroots organization; the cells are
    # listed there, or here when asked for the flagged ones only (and always in the export).
    summary = above_grassroots(org)
    xlsx = q["format"] == "xlsx"
    residential = q["residential"]
    # Only the flagged cells listed: those with a flag, or with the flag asked for.
    flagged_only = q["flagged"] or bool(q["flag"])

    def listed(codes) -> bool:
        return q["flag"] in codes if q["flag"] else bool(codes)

    if summary and not xlsx:
        # Hundreds of cells: counted in SQL; only the flagged ones listed are read in full.
        rule, reports = position_selectors.cell_tallies(org, on, residential=residential)
        flagged = [r.cell.pk for r in reports if listed(r.codes)]
        shown = []
        if flagged_only and flagged:
            shown = position_selectors.cell_reports(org, on, only=flagged)[1]
    else:
        rule, reports = position_selectors.cell_reports(org, on, residential=residential)
        shown = [r for r in reports if listed(r.codes)] if flagged_only else reports
    counts = position_selectors.flag_counts(reports)
    positions = position_selectors.committee_on(org, on)
    if xlsx:
        tables = [cells_table(shown), positions_table(positions, _("Cấp ủy"))]
        return xlsx_response(tables, xlsx_name(org, "chi-uy", on))
    can_write = scope.can_write(org)
    context = {
        "org": org,
        "ancestors": ancestors(scope, org),
        "form": form,
        "as_of": on,
        "rule": rule,
        "reports": shown if (flagged_only or not summary) else [],
        "groups": position_selectors.cells_by_parent(reports) if summary else [],
        "flagged_only": flagged_only,
        "flag_label": rules.Flag(q["flag"]).label if q["flag"] else "",
        "residential": residential,
        "cells_total": len(reports),
        "cells_flagged": sum(1 for r in reports if r.codes),
        "cells_with_committee": sum(1 for r in reports if r.has_committee),
        "flag_counts": counts,
        "positions": positions,
        "term": term_on(org, on),
        "can_write": can_write,
        "export_url": export_url(request),
        "indicator_names": {c: registry.get(c).name for c in registry.listed_on(lists.VIEW)},
    }
    return render(request, "committees/org.html", context)


@login_required
@handles_bad_query
def indicator(request, pk, code):
    """The list behind one indicator, with the figure; which rows count is the last column."""
    scope = reader_or_404(Scope.for_user(request.user))
    org = scope.org_or_404(pk)
    found = registry.list_for(code, lists.VIEW)
    if found is None:
        raise Http404
    form, q = page_query(request, IndicatorForm)
    on = q["as_of"]
    if q["format"] == "xlsx":
        return xlsx_response([found.table(org, on)], xlsx_name(org, code, on))
    rows, extra = found.rows(org, on)
    ind = registry.get(code)
    page = Paginator(rows, INDICATOR_PAGE_SIZE).get_page(q.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "org": org,
        "ancestors": ancestors(scope, org),
        "form": form,
        "as_of": on,
        "code": code,
        "name": ind.name,
        "page": page,
        "query": query.urlencode(),
        "export_url": export_url(request),
        **extra,  # the table's title and headers, the figure
    }
    return render(request, "committees/indicator.html", context)
