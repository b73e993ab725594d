"""Oversight pages: the month at a glance (every cell's meeting of a month), the district's
overview (one row per grassroots organization), the review of one record (confirm or return),
and the lists behind the meeting indicators.

Every page starts from the user's scope: an organization or a meeting outside it is a 404, like
a missing one; confirming and returning need a review role over the cell (commune staff or the
organization board's admin), checked here and again in the service. Query strings go through
forms; bad input is a 400 with a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from chibo.accounts.scope import Scope
from chibo.committees.exports import xlsx_response
from chibo.committees.web import export_url
from chibo.core import audit, dates, web
from chibo.core import indicators as registry
from chibo.organizations import search as org_search
from chibo.organizations.models import Organization

from ..models import CellMeeting
from ..selectors import meeting_or_404
from . import exports, lists, selectors, services
from . import overview as selectors_overview
from .forms import ConfirmForm, IndicatorForm, MonthPageForm, MonthQueryForm, ReturnForm

INDICATOR_PAGE_SIZE = 100
MONTH_PAGE_SIZE = 50
ABOVE_GRASSROOTS = (Organization.Kind.DISTRICT_COMMITTEE, Organization.Kind.PROVINCE_COMMITTEE)


def _roots(scope, org) -> list[Organization]:
    """The chosen organization (already in the scope), or the nodes the user's roles sit at."""
    if org is not None:
        return [org]
    roots = list(scope.top_organizations().order_by("path"))
    if not roots:
        raise Http404
    return roots


MARKER = "987654321"


def _split(name) -> tuple[str, str]:
    head, tail = reverse(name, args=[MARKER]).split(MARKER)
    return head, tail


def _record_link() -> dict:
    """Heads and tails of the URLs a row links to, for templates to build them without
    reversing per row ({{ record_head }}{{ pk }}{{ record_tail }}): a meeting's record (the
    record's read view, meetings:detail in record.views; this module's review page where that
    is not mounted), its review page, confirm and return."""
    try:
        record = _split("meetings:detail")
    except NoReverseMatch:
        record = _split("meetings:meeting_review")
    links = {"record": record}
    for key, name in (
        ("review", "meetings:meeting_review"),
        ("confirm", "meetings:review_confirm"),
        ("return", "meetings:review_return"),
    ):
        links[key] = _split(name)
    return {
        f"{k}_{part}": v[i] for k, v in links.items() for i, part in enumerate(("head", "tail"))
    }


def _link_rows(rows, links: dict) -> None:
    """Set the URLs of each month row's meeting (record, review, confirm, return) from the
    heads and tails of _record_link: a row uses each one or twice."""
    for r in rows:
        if r.meeting is not None:
            pk = r.meeting.pk
            for key in ("record", "review", "confirm", "return"):
                setattr(r, f"{key}_url", f"{links[key + '_head']}{pk}{links[key + '_tail']}")


def _title(roots) -> str:
    return roots[0].name if len(roots) == 1 else _("Các chi bộ trong phạm vi")


def _month_query(request, roots, month):
    """The page's query string for another month (the status filter dropped)."""
    query = request.GET.copy()
    for key in ("status", "format", "page"):
        query.pop(key, None)
    query["month"] = f"{month:%Y-%m}"
    return query.urlencode()


def _months_around(request, roots, month):
    prev = selectors.add_months(month, -1)
    nxt = selectors.add_months(month, 1)
    return {
        "prev_month": prev,
        "next_month": nxt,
        "prev_query": _month_query(request, roots, prev),
        "next_query": _month_query(request, roots, nxt),
    }


# --- the month at a glance ------------------------------------------------------------------


@login_required
def month(request):
    """Every cell under the chosen organization (default: the user's own) with its meeting of
    the month: on the day, late, overdue, planned; attendance, guests, quality, thematic part."""
    scope = web.reader_or_404(Scope.for_user(request.user))
    form = MonthPageForm(request.GET)
    if not form.is_valid():
        return web.bad_query(form, request=request)
    data = form.cleaned_data
    chosen = org_search.chosen(scope, form, request.GET)
    roots = _roots(scope, chosen.pop("org"))
    month = data.get("month") or selectors.default_month(roots)
    view = selectors.month_view(roots, month, scope=scope)
    status = data.get("status") or ""
    rows = [r for r in view.rows if r.matches(status)]
    title = _title(roots)
    if data.get("format") == "xlsx":
        table = exports.month_table(rows, view.month, title)
        return xlsx_response([table], f"sinh-hoat-{view.month:%Y-%m}.xlsx")
    # A commune has a few dozen cells; a district's hundreds come a page at a time.
    page = Paginator(rows, MONTH_PAGE_SIZE).get_page(data.get("page") or 1)
    links = _record_link()
    _link_rows(page.object_list, links)
    query = request.GET.copy()
    for key in ("status", "format", "page"):
        query.pop(key, None)
    page_query = request.GET.copy()
    page_query.pop("page", None)
    context = {
        "form": form,
        "roots": roots,
        "org": roots[0] if len(roots) == 1 else None,
        "title": title,
        "month": view.month,
        "view": view,
        "rows": page.object_list,
        "page": page,
        "page_query": page_query.urlencode(),
        "status": status,
        "filters": [(code, label, view.counts.get(code, 0)) for code, label in selectors.FILTERS],
        "base_query": query.urlencode(),
        **chosen,
        "org_filter": org_search.offered(scope),
        "export_url": export_url(request),
        "next_url": request.get_full_path(),
        **links,
        "overview": len(roots) > 1 or roots[0].kind in ABOVE_GRASSROOTS,
        "show_parent": len({r.parent_name for r in view.rows}) > 1,
        **_months_around(request, roots, view.month),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    return render(
        request, "meetings/month.html#results" if partial else "meetings/month.html", context
    )


# --- the district overview ------------------------------------------------------------------


@login_required
def overview(request):
    """One row per grassroots organization under the chosen node for a month."""
    scope = web.reader_or_404(Scope.for_user(request.user))
    form = MonthQueryForm(request.GET)
    if not form.is_valid():
        return web.bad_query(form, request=request)
    data = form.cleaned_data
    chosen = org_search.chosen(scope, form, request.GET)
    roots = _roots(scope, chosen.pop("org"))
    if all(r.is_cell for r in roots):  # a cell's own month is the month page
        query = request.GET.copy()
        query.pop("format", None)
        return redirect(f"{reverse('meetings:month')}?{query.urlencode()}")
    month = data.get("month") or selectors.default_month(roots)
    ov = selectors_overview.overview(roots, month)
    title = _title(roots)
    if data.get("format") == "xlsx":
        table = exports.overview_table(ov, title)
        return xlsx_response([table], f"tong-hop-sinh-hoat-{ov.month:%Y-%m}.xlsx")
    context = {
        "form": form,
        "roots": roots,
        "org": roots[0] if len(roots) == 1 else None,
        "title": title,
        "month": ov.month,
        "ov": ov,
        "indicators": [registry.get(c) for c in registry.listed_on(lists.VIEW)],
        "as_of": selectors.month_end(ov.month),
        **chosen,
        "org_filter": org_search.offered(scope),
        "export_url": export_url(request),
        **_months_around(request, roots, ov.month),
    }
    return render(request, "meetings/overview.html", context)


# --- review ---------------------------------------------------------------------------------


REVIEW_RELATED = ("recorded_by", "reviewed_by")  # the review page shows both


def _status_labels(events) -> list:
    """The events, each status change as its two labels (e.g. Đã ghi biên bản → Đảng ủy đã xác
    nhận) in `status_change`."""
    labels = dict(CellMeeting.Status.choices)
    out = []
    for e in events:
        pair = e.changes.get("status") if isinstance(e.changes, dict) else None
        e.status_change = [labels.get(v, v) for v in pair] if pair else None
        out.append(e)
    return out


def _review_context(scope, meeting, *, confirm_form=None, return_form=None, error=""):
    reviewer = services.can_review(scope, meeting.cell.path)
    initial = {"version": meeting.version}
    row = selectors.month_row(meeting, scope=scope)
    return {
        "m": meeting,
        "row": row,
        "can_review": reviewer and meeting.status == CellMeeting.Status.HELD,
        "confirm_form": confirm_form or ConfirmForm(initial=initial),
        "return_form": return_form or ReturnForm(initial=initial),
        "guests": list(meeting.guests.all()),
        "error": error,
        "audit_events": _status_labels(audit.events_for(meeting)[:20]),
        "month_query": f"org={meeting.cell_id}&month={meeting.month:%Y-%m}",
        **_record_link(),
    }


@login_required
def meeting_review(request, pk):
    """One meeting as the commune reviews it: dates, attendance, guests and their guidance,
    quality, the review so far; confirm or return it."""
    scope = web.reader_or_404(Scope.for_user(request.user))
    meeting = meeting_or_404(scope, pk, related=REVIEW_RELATED)
    return render(request, "meetings/review.html", _review_context(scope, meeting))


def _reviewer_meeting_or_404(request, pk):
    scope = web.reader_or_404(Scope.for_user(request.user))
    meeting = meeting_or_404(scope, pk, related=REVIEW_RELATED)
    if not services.can_review(scope, meeting.cell.path):
        raise Http404  # read-only roles and secretaries: the same answer as outside the scope
    return scope, meeting


def _after_review(request, scope, meeting, *, ok_message, error=None, form=None, which=None):
    """HTMX (a row of the month page): the row again, with the error if any. Otherwise: back to
    `next` (a path on this site) or the review page; an error re-renders the review page with
    a 400 (bad input) or a 409 (changed by someone else)."""
    if request.htmx:
        row = selectors.month_row(meeting, scope=scope)
        links = _record_link()
        _link_rows([row], links)
        context = {
            "r": row,
            "row_error": error or "",
            "next_url": request.POST.get("next", ""),
            "show_parent": request.POST.get("show_parent") == "1",
            **links,
        }
        response = render(request, "meetings/month.html#row", context)
        if error is None:  # the month page's counts by situation refresh themselves
            response["HX-Trigger"] = "meeting-reviewed"
        return response
    if error is None:
        messages.success(request, ok_message)
        nxt = request.POST.get("next", "")
        if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}):
            return redirect(nxt)
        return redirect("meetings:meeting_review", pk=meeting.pk)
    forms_ = {"confirm_form": form} if which == "confirm" else {"return_form": form}
    context = _review_context(scope, meeting, error=error, **forms_)
    conflict = form is not None and "conflict" in getattr(form, "codes", ())
    return render(request, "meetings/review.html", context, status=409 if conflict else 400)


def _apply(form, error: ValidationError):
    web.add_errors(form, error)
    form.codes = set() if hasattr(error, "error_dict") else {e.code for e in error.error_list}
    return " ".join(m for m in error.messages)


REVIEWS = {
    "confirm": (ConfirmForm, services.meeting_confirm, _lazy("Đã xác nhận biên bản.")),
    "return": (
        ReturnForm,
        services.meeting_return,
        _lazy("Đã trả lại biên bản để chi bộ bổ sung."),
    ),
}


def _review_post(request, pk, which):
    scope, meeting = _reviewer_meeting_or_404(request, pk)
    form_class, service, done = REVIEWS[which]
    form = form_class(request.POST)
    error = None
    if form.is_valid():
        try:
            meeting = service(meeting=meeting, actor=request.user, **form.cleaned_data)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as e:
            error = _apply(form, e)
            meeting.refresh_from_db()
    else:
        error = web.errors_text(form)
    return _after_review(
        request, scope, meeting, ok_message=str(done), error=error, form=form, which=which
    )


@login_required
@require_POST
def review_confirm(request, pk):
    """Confirm a record (held → confirmed): a row of the month page (HTMX) or the review page."""
    return _review_post(request, pk, "confirm")


@login_required
@require_POST
def review_return(request, pk):
    """Return a record with a comment (held → returned)."""
    return _review_post(request, pk, "return")


# --- the lists behind the indicators --------------------------------------------------------


@login_required
def indicator(request, code):
    """The list behind one meeting indicator for an organization as of a date."""
    found = registry.list_for(code, lists.VIEW)
    if found is None:
        raise Http404
    scope = web.reader_or_404(Scope.for_user(request.user))
    form = IndicatorForm(request.GET)
    if not form.is_valid():
        return web.bad_query(form, request=request)
    data = form.cleaned_data
    (org,) = _roots(scope, scope.org_or_404(data["org"]) if data.get("org") else None)[:1]
    as_of = data.get("as_of") or dates.today()
    ind = registry.get(code)
    rows, extra = found.rows(org, as_of)
    value = extra.pop("value", None)
    page = Paginator(rows, INDICATOR_PAGE_SIZE).get_page(data.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "code": code,
        "indicator": ind,
        "value": ind.compute(org, as_of) if value is None else value,
        "org": org,
        "as_of": as_of,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        **_record_link(),
        **extra,
    }
    return render(request, "meetings/overview_indicator.html", context)
