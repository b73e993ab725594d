"""A cell's meetings, a meeting's read view and the secretary's record page; the month's
generation and thematic meetings. The preparation pages are in prepare.views.

Every page starts from the user's scope: a cell or meeting outside it is a 404, like a missing
one; writes need the write scope (org-board admin, commune staff, the cell's secretary), so an
analyst or an assigned official reads and a member of another cell sees nothing. Query strings go
through forms; bad input is a 400 with the message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chibo.accounts.scope import Scope
from chibo.committees.web import ancestors
from chibo.core import audit, web
from chibo.core.dates import today

from .. import lifecycle, selectors
from ..fields import DateField
from ..models import CellMeeting
from ..schedule import add_months, first_of_month, quarter_of
from . import forms
from .forms import RecordForm
from .selectors import complete_record_context, record_context
from .services import RecordConflict, meeting_record, warnings_for

PAGE_SIZE = 24
FETCH_HEADER = "X-Chibo-Fetch"  # meeting-record.js sends it and wants JSON on success


def _cell_or_404(scope, pk, write=False):
    org = scope.org_or_404(pk, write=write)
    if not org.is_cell:
        raise Http404
    return org


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- a cell's meetings ------------------------------------------------------------------------


@login_required
@require_GET
def cell_meetings(request, pk):
    """A cell's meetings, newest first, with their status and the links to prepare, record and
    read them; the month's generation and a thematic meeting for write roles."""
    scope = web.reader_or_404(Scope.for_user(request.user))
    cell = _cell_or_404(scope, pk)
    form = forms.CellMeetingsForm(request.GET)
    if not form.is_valid():
        return web.bad_query(form, request=request)
    meetings = selectors.cell_meetings(cell)
    if form.cleaned_data["year"]:
        meetings = meetings.filter(month__year=form.cleaned_data["year"])
    page = Paginator(meetings, PAGE_SIZE).get_page(form.cleaned_data["page"] or 1)
    page.object_list = list(page.object_list)
    can_write = scope.can_write(cell)
    latest = page.object_list[0].month if page.object_list else first_of_month(today())
    quarter = quarter_of(latest)
    context = {
        "cell": cell,
        "ancestors": ancestors(scope, cell),
        "page": page,
        "form": form,
        "can_write": can_write,
        "quarter": quarter,
        "without_thematic": bool(selectors.cells_without_thematic(cell, quarter[0])),
        "today": today(),
    }
    if can_write:
        upcoming = add_months(latest, 1) if page.object_list else first_of_month(today())
        context["month_form"] = forms.MonthForm(initial={"month": upcoming})
        context["thematic_form"] = forms.ThematicForm()
    return render(request, "meetings/cell_meetings.html", context)


@login_required
@require_POST
def generate(request, pk):
    """Plan the month's regular meetings of every cell under an organization in the user's write
    scope (a cell, a commune...). Idempotent: a second press creates nothing."""
    scope = Scope.for_user(request.user)
    org = scope.org_or_404(pk, write=True)
    form = forms.MonthForm(request.POST)
    if not form.is_valid():
        return web.bad_query(form, request=request)
    month = form.cleaned_data["month"]
    created = lifecycle.meetings_generate(org=org, month=month, actor=request.user)
    if created:
        messages.success(
            request,
            _("Đã tạo lịch %(n)s buổi sinh hoạt tháng %(m)s.")
            % {"n": len(created), "m": f"{month:%m/%Y}"},
        )
    else:
        messages.info(
            request,
            _("Lịch sinh hoạt tháng %(m)s đã có đủ; không tạo thêm.") % {"m": f"{month:%m/%Y}"},
        )
    if org.is_cell:
        default = reverse("meetings:cell", args=[org.pk])
    else:
        default = f"{reverse('meetings:month')}?org={org.pk}&month={month:%Y-%m}"
    return redirect(_next_url(request, default))


@login_required
@require_POST
def thematic_plan(request, pk):
    scope = Scope.for_user(request.user)
    cell = _cell_or_404(scope, pk, write=True)
    form = forms.ThematicForm(request.POST)
    if form.is_valid():
        try:
            meeting = lifecycle.meeting_plan_thematic(
                cell=cell, actor=request.user, **form.cleaned_data
            )
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("Đã lên lịch sinh hoạt chuyên đề."))
            return redirect("meetings:prepare", pk=meeting.pk)
    else:
        messages.error(request, web.errors_text(form))
    return redirect("meetings:cell", pk=cell.pk)


# --- one meeting ------------------------------------------------------------------------------


@login_required
@require_GET
def detail(request, pk):
    """The read view of a meeting, for every role that reads the cell (an assigned official
    too, read-only)."""
    scope = web.reader_or_404(Scope.for_user(request.user))
    meeting = selectors.meeting_detail(
        selectors.meeting_or_404(scope, pk, related=selectors.DETAIL_RELATED)
    )
    can_write = scope.can_write(meeting.cell)
    held = meeting.status != CellMeeting.Status.PLANNED
    context = {
        "meeting": meeting,
        "cell": meeting.cell,
        "ancestors": ancestors(scope, meeting.cell),
        "can_write": can_write,
        "can_record": can_write and meeting.status != CellMeeting.Status.CONFIRMED,
        "warnings": warnings_for(meeting) if held else [],
        "attendance": list(meeting.attendance.all()),
        "exempt_present": sum(
            1 for a in meeting.attendance.all() if not a.summoned and a.presence == "present"
        ),
        "audit_events": list(audit.events_for(meeting)[:10]) if can_write else [],
    }
    return render(request, "meetings/meeting_detail.html", context)


def _record_form(request, meeting, data=None):
    """The record form; a sent one (`data`) is built from what checking it needs, and
    _sent_form_page completes it if it is shown again."""
    held_on = None
    if data is not None:
        probe = DateField(required=False)
        try:
            held_on = probe.clean(data.get("held_on"))
        except ValidationError:
            held_on = None
    ctx = record_context(meeting, held_on, complete=data is None)
    return RecordForm(data, ctx=ctx, user=request.user)


def _sent_form_page(request, meeting, form):
    """The page again with a sent form's problems (a 400)."""
    complete_record_context(form.ctx)
    return _record_page(request, meeting, form, status=400)


def _record_page(request, meeting, form, status=200, conflict=None):
    return render(
        request,
        "meetings/record.html",
        {
            "meeting": meeting,
            "cell": meeting.cell,
            "form": form,
            "conflict": conflict,
            "draft_key": f"chibo:meeting:{meeting.pk}:v{form['version'].value()}",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def record(request, pk):
    """The secretary's one-page record of a meeting. A plain form POST (works without
    JavaScript); meeting-record.js keeps a draft in the browser until the server confirms, and
    sends the same submission key again after a dropped connection."""
    scope = Scope.for_user(request.user)
    meeting = selectors.meeting_or_404(scope, pk, write=True)
    if meeting.status == CellMeeting.Status.CONFIRMED:
        messages.info(request, _("Biên bản đã được Đảng ủy xác nhận; không sửa được nữa."))
        return redirect("meetings:detail", pk=meeting.pk)
    if request.method == "GET":
        return _record_page(request, meeting, _record_form(request, meeting))
    form = _record_form(request, meeting, request.POST)
    if not form.is_valid():
        return _sent_form_page(request, meeting, form)
    try:
        result = meeting_record(
            meeting=meeting,
            data=form.to_data(),
            actor=request.user,
            submission_key=form.cleaned_data["submission_key"],
            version=form.cleaned_data["version"],
        )
    except RecordConflict as e:
        fresh = CellMeeting.objects.select_related("cell").get(pk=meeting.pk)
        return _record_page(
            request, fresh, _record_form(request, fresh), status=409, conflict=e.messages[0]
        )
    except ValidationError as e:
        form.add_service_errors(e)
        return _sent_form_page(request, meeting, form)
    if result.repeated:
        messages.info(request, _("Biên bản này đã được lưu từ lần gửi trước; không ghi thêm."))
    else:
        messages.success(request, _("Đã lưu biên bản."))
    for w in result.warnings:
        messages.warning(request, w)
    url = reverse("meetings:detail", args=[meeting.pk])
    if request.headers.get(FETCH_HEADER):
        return JsonResponse({"saved": True, "redirect": url, "version": result.meeting.version})
    return redirect(url)
