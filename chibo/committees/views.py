"""Committee pages: a cell's committee, an organization's cells with their flags, village posts
and the role model, commune leaders, qualification, succession planning and the indicator lists.

Every page starts from the user's scope: an organization outside it is a 404, like a missing
one; write forms and write views need scope.can_write. Query strings go through forms; bad
input is a 400. Each list page answers `?format=xlsx` with the same list as a spreadsheet.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from chibo.accounts.scope import Scope
from chibo.core import audit, web
from chibo.core import indicators as registry
from chibo.core.dates import today
from chibo.organizations.models import Organization

from . import forms, lists, selectors, selectors_succession
from .exports import xlsx_response

INDICATOR_PAGE_SIZE = 100  # as the meeting lists; the .xlsx export has every row


class BadQuery(Exception):
    def __init__(self, form):
        self.form = form


def _scope(request) -> Scope:
    scope = Scope.for_user(request.user)
    if not scope.read_paths and not scope.superuser:
        raise Http404  # a member alone reads only their own record
    return scope


def _query(request, form_class, **kwargs):
    form = form_class(request.GET, **kwargs)
    if not form.is_valid():
        raise BadQuery(form)
    data = form.cleaned_data
    data["as_of"] = data.get("as_of") or today()
    return form, data


_bad = web.bad_query


def _export_url(request) -> str:
    query = request.GET.copy()
    query["format"] = "xlsx"
    return f"{request.path}?{query.urlencode()}"


def handles_bad_query(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadQuery as e:
            return _bad(e.form)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _file(org, what, as_of) -> str:
    return f"{what}-{org.code}-{as_of:%Y%m%d}.xlsx"


def _above_grassroots(org) -> bool:
    return org.kind in (Organization.Kind.DISTRICT_COMMITTEE, Organization.Kind.PROVINCE_COMMITTEE)


def _ancestors(scope, org):
    return [
        a
        for a in Organization.objects.filter(path__in=org.ancestor_paths()[:-1]).order_by("path")
        if scope.covers(a)
    ]


@login_required
def index(request):
    """The committees of the organizations the user's roles sit at."""
    scope = _scope(request)
    tops = list(scope.top_organizations().order_by("path")[:50])
    if len(tops) == 1:
        top = tops[0]
        return redirect("committees:cell" if top.is_cell else "committees:org", pk=top.pk)
    return render(request, "committees/index.html", {"tops": tops})


@login_required
@handles_bad_query
def cell(request, pk):
    """A cell's committee: positions in force, term, flags, history, the villages' posts."""
    scope = _scope(request)
    org = scope.org_or_404(pk)
    if not org.is_cell:
        return redirect("committees:org", pk=org.pk)
    form, q = _query(request, forms.PageForm)
    on = q["as_of"]
    _rule, reports = selectors.cell_reports(org, on)
    report = reports[0] if reports else None
    history = selectors.position_history(org)
    if q["format"] == "xlsx":
        tables = [lists.positions_table(history)]
        if report:
            tables.insert(0, lists.cells_table([report]))
        return xlsx_response(tables, _file(org, "chi-uy", on))
    can_write = scope.can_write(org)
    context = {
        "org": org,
        "ancestors": _ancestors(scope, org),
        "form": form,
        "as_of": on,
        "report": report,
        "positions": selectors.committee_on(org, on),
        "term": selectors.term_on(org, on),
        "history": history,
        "villages": selectors.village_roles(org, on),
        "can_write": can_write,
        "export_url": _export_url(request),
        "audit_events": list(audit.events_for(org)[:10]),
    }
    if can_write:
        members = selectors.members_for_positions(org, on)
        context["position_form"] = forms.PositionForm(org=org, members=members)
        context["congress_form"] = forms.CongressForm(org=org, members=members)
        context["term_form"] = forms.TermForm()
    return render(request, "committees/cell.html", context)


@login_required
@handles_bad_query
def org(request, pk):
    """An organization's own committee and every cell under it with its flags."""
    scope = _scope(request)
    org = scope.org_or_404(pk)
    if org.is_cell:
        return redirect("committees:cell", pk=org.pk)
    form, q = _query(request, forms.OrgPageForm)
    on = q["as_of"]
    # Above the grassroots level the page sums up per grassroots organization; the cells are
    # listed there, or here when asked for the flagged ones only (and always in the export).
    summary = _above_grassroots(org)
    xlsx = q["format"] == "xlsx"
    if summary and not xlsx:
        # Hundreds of cells: counted in SQL; only the flagged ones listed are read in full.
        rule, reports = selectors.cell_tallies(org, on)
        flagged = [r.cell.pk for r in reports if r.codes]
        shown = []
        if q["flagged"] and flagged:
            shown = selectors.cell_reports(org, on, only=flagged)[1]
    else:
        rule, reports = selectors.cell_reports(org, on)
        shown = [r for r in reports if r.flags] if q["flagged"] else reports
    counts = selectors.flag_counts(reports)
    positions = selectors.committee_on(org, on)
    if xlsx:
        tables = [lists.cells_table(shown), lists.positions_table(positions, _("Cấp ủy"))]
        return xlsx_response(tables, _file(org, "chi-uy", on))
    can_write = scope.can_write(org)
    context = {
        "org": org,
        "ancestors": _ancestors(scope, org),
        "form": form,
        "as_of": on,
        "rule": rule,
        "reports": shown if (q["flagged"] or not summary) else [],
        "groups": selectors.cells_by_parent(reports) if summary else [],
        "flagged_only": q["flagged"],
        "cells_total": len(reports),
        "cells_flagged": sum(1 for r in reports if r.codes),
        "cells_with_committee": sum(1 for r in reports if r.has_committee),
        "flag_counts": counts,
        "positions": positions,
        "term": selectors.term_on(org, on),
        "can_write": can_write,
        "export_url": _export_url(request),
        "indicator_names": {code: registry.get(code).name for code in lists.INDICATOR_LISTS},
    }
    return render(request, "committees/org.html", context)


@login_required
@handles_bad_query
def roles(request, pk):
    """Village posts under an organization and each village's compliance with the role model."""
    scope = _scope(request)
    org = scope.org_or_404(pk)
    form, q = _query(request, forms.PageForm)
    on = q["as_of"]
    # Above the commune level, one row per commune; the villages are on each commune's page,
    # and the summary reads the posts of the villages under a role model only (the export, all).
    summary = _above_grassroots(org)
    xlsx = q["format"] == "xlsx"
    villages = selectors.village_roles(org, on, all_posts=xlsx or not summary)
    if xlsx:
        return xlsx_response(lists.roles_tables(villages), _file(org, "kiem-nhiem", on))
    with_model = [v for v in villages if v.role_model is not None]
    can_write = scope.can_write(org)
    context = {
        "org": org,
        "ancestors": _ancestors(scope, org),
        "form": form,
        "as_of": on,
        "villages": [] if summary else villages,
        "groups": selectors.villages_by_commune(villages) if summary else [],
        "villages_total": len(villages),
        "with_model": len(with_model),
        "compliant": sum(1 for v in with_model if v.compliant),
        "can_write": can_write,
        "role_model": (
            selectors.role_models_on([org.pk], on).get(org.pk) if org.is_commune else None
        ),
        "can_adopt": can_write and org.is_commune,
        "export_url": _export_url(request),
    }
    return render(request, "committees/roles.html", context)


@login_required
@handles_bad_query
def leaders(request, pk):
    """Commune Party secretaries and People's Committee chairmen, local or not, and the target."""
    scope = _scope(request)
    org = scope.org_or_404(pk)
    form, q = _query(request, forms.PageForm)
    on = q["as_of"]
    rows = selectors.commune_leaders(org, on)
    if q["format"] == "xlsx":
        return xlsx_response([lists.leaders_table(rows)], _file(org, "lanh-dao-xa", on))
    target = selectors.leadership_target(org, on)
    nonlocal_ = sum(1 for r in rows if not r.is_local)
    can_write = scope.can_write(org)
    context = {
        "org": org,
        "ancestors": _ancestors(scope, org),
        "form": form,
        "as_of": on,
        "leaders": rows,
        "nonlocal": nonlocal_,
        "target": target,
        "share": (nonlocal_, len(rows)),
        "target_share": (nonlocal_, target.nonlocal_target) if target else None,
        "can_add": can_write and org.is_commune,
        "can_set_target": can_write and not org.is_cell,
        "writable": {r.pk for r in rows if scope.can_write(r.commune)},
        "export_url": _export_url(request),
    }
    return render(request, "committees/leaders.html", context)


@login_required
@handles_bad_query
def qualification(request, pk):
    """Who falls short: commune officials below the standard, village committee members below
    the cell committee standard's theory level."""
    scope = _scope(request)
    org = scope.org_or_404(pk)
    form, q = _query(request, forms.QualificationForm)
    on = q["as_of"]
    officials = list(selectors.commune_officials(org, on))
    short = [o for o in officials if not o.meets_standard]
    standard, below = selectors.village_committee_below_standard(org, on)
    if q["format"] == "xlsx":
        tables = []
        if q["list"] in ("", "officials"):
            tables.append(lists.officials_table(short, _("Cán bộ xã chưa đạt chuẩn")))
        if q["list"] in ("", "theory"):
            tables.append(lists.theory_table(below))
        return xlsx_response(tables, _file(org, "chuan-hoa", on))
    context = {
        "org": org,
        "ancestors": _ancestors(scope, org),
        "form": form,
        "as_of": on,
        "officials_total": len(officials),
        "short": short,
        "standard": standard,
        "commune_standard": selectors.standard_on("commune_official", on),
        "below": below,
        "export_url": _export_url(request),
    }
    return render(request, "committees/qualification.html", context)


@login_required
@handles_bad_query
def officials(request, pk):
    """Commune officials in force under an organization, each with the last assessment against
    the standard; a commune's writers add, re-assess and end them from here."""
    scope = _scope(request)
    org = scope.org_or_404(pk)
    form, q = _query(request, forms.PageForm)
    on = q["as_of"]
    rows = list(selectors.commune_officials(org, on))
    if q["format"] == "xlsx":
        return xlsx_response([lists.officials_table(rows)], _file(org, "can-bo-xa", on))
    context = {
        "org": org,
        "ancestors": _ancestors(scope, org),
        "form": form,
        "as_of": on,
        "officials": rows,
        "short": sum(1 for o in rows if not o.meets_standard),
        "commune_standard": selectors.standard_on("commune_official", on),
        "can_add": org.is_commune and scope.can_write(org),
        "writable": {o.pk for o in rows if scope.can_write(o.commune)},
        "export_url": _export_url(request),
    }
    return render(request, "committees/officials.html", context)


@login_required
@handles_bad_query
def succession(request, pk):
    """Succession planning of one organization for one term: holders, planned successors with
    their criteria, titles without a successor, the shares under 40 / 45 and qualified."""
    scope = _scope(request)
    org = scope.org_or_404(pk)
    form, q = _query(request, forms.SuccessionQueryForm)
    on = q["as_of"]
    terms = selectors_succession.plan_terms(org)
    term_name = q["term"].strip() if q["term"] else ""
    if not term_name:
        running = selectors.term_on(org, on)
        term_name = running.name if running else (terms[0] if terms else "")
    view = selectors_succession.succession_view(org, term_name, on)
    if q["format"] == "xlsx":
        missing = [
            selectors_succession.MissingSuccessor(
                org, org.name, t, view.holders.get(t, []), term_name
            )
            for t in view.without_successor
        ]
        tables = [lists.succession_table(view), lists.missing_successor_table(missing)]
        return xlsx_response(tables, _file(org, "quy-hoach", on))
    can_write = scope.can_write(org)
    context = {
        "org": org,
        "ancestors": _ancestors(scope, org),
        "form": form,
        "as_of": on,
        "terms": terms,
        "term_name": term_name,
        "view": view,
        "can_write": can_write,
        "export_url": _export_url(request),
    }
    if can_write:
        context["add_form"] = forms.SuccessionAddForm(
            org=org,
            members=selectors.members_for_positions(org, on),
            initial={"term_name": term_name, "approved_on": on},
        )
    return render(request, "committees/succession.html", context)


@login_required
@handles_bad_query
def indicator(request, pk, code):
    """The list behind one indicator, with the figure; which rows count is the last column."""
    scope = _scope(request)
    org = scope.org_or_404(pk)
    if code not in lists.INDICATOR_LISTS:
        raise Http404
    form, q = _query(request, forms.IndicatorForm)
    on = q["as_of"]
    if q["format"] == "xlsx":
        return xlsx_response([lists.indicator_list(code, org, on)], _file(org, code, on))
    table, value = lists.indicator_page(code, org, on)
    ind = registry.get(code)
    page = Paginator(table.linked_rows, INDICATOR_PAGE_SIZE).get_page(q.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "org": org,
        "ancestors": _ancestors(scope, org),
        "form": form,
        "as_of": on,
        "code": code,
        "name": ind.name,
        "value": value,
        "table": table,
        "page": page,
        "query": query.urlencode(),
        "export_url": _export_url(request),
    }
    return render(request, "committees/indicator.html", context)


def page_url(org) -> str:
    return reverse("committees:cell" if org.is_cell else "committees:org", args=[org.pk])
