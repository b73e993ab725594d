"""Pages of the officials who follow cells: the officials under a node (with .xlsx), one
official's cells with their meetings and guidance, the official's own "Chi bộ tôi theo dõi",
the assign and end forms, and the lists behind the three indicators.

Every page starts from the user's scope: an organization, official or assignment outside it
is a 404, like a missing one. Assigning and ending are for org-board admins (any kind) and
commune staff (commune cadres and police): everyone else gets a 404 there too. Query strings
go through forms; bad input is a 400.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chibo.accounts.models import Role
from chibo.accounts.scope import Scope
from chibo.committees.exports import xlsx_response
from chibo.committees.web import (
    BadQuery,
    export_url,
    form_page,
    handles_bad_query,
    page_query,
    xlsx_name,
)
from chibo.core import indicators as registry
from chibo.core import web
from chibo.core.dates import today
from chibo.core.submissions import create_once, repeated_message, submitted_before
from chibo.organizations.models import Organization

from ..models import FollowAssignment
from . import exports, forms, services
from . import selectors as sel

INDICATOR_PAGE_SIZE = 200
OFFICIALS_PAGE_SIZE = 50


def without_page(request) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    return q.urlencode()


def meeting_url_maker():
    """pk -> the meeting's page (record.views: meetings:detail), or None while the record
    module is not mounted."""
    try:
        return exports.url_maker("meetings:detail")
    except NoReverseMatch:
        return lambda pk: None


def indicator_links(org):
    return [
        (code, registry.get(code).name, reverse(exports.VIEW, args=[org.pk, code]))
        for code in registry.listed_on(exports.VIEW)
    ]


@login_required
@handles_bad_query
def officials(request, pk):
    """The officials who follow cells under a node: kind, cells, dates, attendance in the last
    12 months."""
    scope = web.reader_or_404(Scope.for_user(request.user))
    org = scope.org_or_404(pk)
    form, q = page_query(request, forms.OfficialsQueryForm)
    on = q["as_of"]
    xlsx = q["format"] == "xlsx"
    people = sel.officials_under(org, on, kind=q["kind"], include_ended=q["ended"], attendance=xlsx)
    if xlsx:
        return xlsx_response([exports.officials_table(people)], xlsx_name(org, "can-bo", on))
    page = Paginator(people, OFFICIALS_PAGE_SIZE).get_page(q.get("page") or 1)
    sel.count_attendance(page.object_list, on)  # the page's officials only
    official_url = exports.url_maker("meetings:official")
    for person in page.object_list:
        person.url = official_url(person.official.pk)
    context = {
        "org": org,
        "form": form,
        "as_of": on,
        "first": sel.window(on)[0],
        "people": people,
        "page": page,
        "query": without_page(request),
        "assignments": sum(len(p.rows) for p in people),
        "can_assign": bool(services.assignable_kinds(scope, org)),
        "export_url": export_url(request),
        "indicators": indicator_links(org),
    }
    return render(request, "meetings/official_list.html", context)


@login_required
@handles_bad_query
def official(request, pk):
    """One official's cells (those the viewer reads), each with its meetings while assigned,
    whether the official came, and the guidance they left."""
    scope = web.reader_or_404(Scope.for_user(request.user))
    person = web.get_or_404(get_user_model(), pk=pk)
    form, q = page_query(request, forms.AsOfForm)
    on = q["as_of"]
    cells = sel.official_cells(person, scope, on)
    if not cells and person != request.user:
        raise Http404
    url = meeting_url_maker()
    for row in cells:
        a = row.assignment
        row.can_end = a.end is None and a.kind in services.assignable_kinds(scope, a.cell)
        for seen in row.meetings:
            seen.url = url(seen.meeting.pk)
    context = {
        "person": person,
        "form": form,
        "as_of": on,
        "first": sel.window(on)[0],
        "cells": cells,
    }
    return render(request, "meetings/official_detail.html", context)


@login_required
@handles_bad_query
def mine(request):
    """ "Chi bộ tôi theo dõi": the cells the user follows, the next and the last meeting."""
    scope = Scope.for_user(request.user)
    if Role.ASSIGNED_OFFICIAL not in scope.roles:
        raise Http404
    form, q = page_query(request, forms.AsOfForm)
    rows = sel.my_cells(request.user, scope, q["as_of"])
    url = meeting_url_maker()
    for row in rows:
        row.next_url = url(row.next_meeting.pk) if row.next_meeting else None
        row.last_url = url(row.last_meeting.pk) if row.last_meeting else None
    context = {"form": form, "as_of": q["as_of"], "rows": rows}
    return render(request, "meetings/official_mine.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assign(request, pk):
    """Assign an official (an existing account or a new one) to follow a cell under `pk`."""
    scope = Scope.for_user(request.user)
    org = scope.org_or_404(pk)
    kinds = services.assignable_kinds(scope, org)
    if not kinds:
        raise Http404
    cells = (
        Organization.objects.cells()
        .active()
        .under(org)
        .filter(scope.paths_q())
        .select_related("parent")
        .order_by("path")
    )
    form = forms.FollowAssignForm(
        request.POST or None,
        cells=cells,
        officials=sel.officials_in_scope(scope),
        kinds=kinds,
        initial={"cell": org.pk, "start": today()} if org.is_cell else {"start": today()},
    )
    back = reverse("meetings:officials", args=[org.pk])
    if form.is_valid():
        d = form.cleaned_data
        person = d["official"] or services.NewAccount(
            full_name=d["full_name"], username=d["username"], email=d["email"]
        )
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.follow_assign(
                    official=person,
                    cell=d["cell"],
                    kind=d["kind"],
                    start=d["start"],
                    end=d["end"],
                    decision=d["decision"],
                    actor=request.user,
                ),
            )
        except ValidationError as e:
            web.add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
                return redirect(back)
            a = result.obj
            messages.success(
                request,
                _("Đã phân công %(u)s theo dõi %(c)s từ %(d)s.")
                % {"u": a.official, "c": a.cell, "d": services.day_text(a.start)},
            )
            if not a.official.has_usable_password():
                messages.info(
                    request,
                    _(
                        "Tài khoản %(u)s chưa có mật khẩu: quản trị hệ thống đặt mật khẩu và "
                        "thiết bị xác thực hai lớp cho cán bộ."
                    )
                    % {"u": a.official.username},
                )
            return redirect(back)
    return form_page(request, form, _("Phân công cán bộ theo dõi chi bộ"), back, org.name)


def _assign_done(request, assignments):
    a = assignments[0]
    messages.success(
        request,
        _("Đã phân công %(u)s theo dõi %(n)s chi bộ từ %(d)s: %(c)s.")
        % {
            "u": a.official,
            "n": len(assignments),
            "d": services.day_text(a.start),
            "c": ", ".join(str(x.cell) for x in assignments),
        },
    )
    if not a.official.has_usable_password():
        messages.info(
            request,
            _(
                "Tài khoản %(u)s chưa có mật khẩu: quản trị hệ thống đặt mật khẩu và "
                "thiết bị xác thực hai lớp cho cán bộ."
            )
            % {"u": a.official.username},
        )


@login_required
@handles_bad_query
@require_http_methods(["GET", "POST"])
def assign_many(request, pk):
    """Assign one official to follow many cells under `pk` at once, ticked in a list that
    `?commune=` narrows to one commune's cells."""
    scope = Scope.for_user(request.user)
    org = scope.org_or_404(pk)
    kinds = services.assignable_kinds(scope, org)
    if not kinds or org.is_cell:
        raise Http404
    back = reverse("meetings:officials", args=[org.pk])
    if request.method == "POST" and submitted_before(request) is not None:
        # The page sent again: its new account's name is taken and its cells followed by then;
        # answer as the first submit did rather than with those refusals.
        messages.info(request, repeated_message())
        return redirect(back)
    in_scope = Organization.objects.active().under(org).filter(scope.paths_q())
    communes = in_scope.filter(kind=Organization.Kind.GRASSROOTS).order_by("name")
    filters = forms.CommuneFilterForm(request.GET, communes=communes)
    if not filters.is_valid():
        raise BadQuery(filters)
    commune = filters.cleaned_data["commune"]
    cells = (in_scope.under(commune) if commune else in_scope).cells()
    form = forms.FollowAssignManyForm(
        request.POST or None,
        cells=cells.select_related("parent").order_by("path"),
        officials=sel.officials_in_scope(scope),
        kinds=kinds,
        initial={"start": today()},
    )
    if form.is_valid():
        d = form.cleaned_data
        person = d["official"] or services.NewAccount(
            full_name=d["full_name"], username=d["username"], email=d["email"]
        )
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.follow_assign_many(
                    official=person,
                    cells=list(d["cells"]),
                    kind=d["kind"],
                    start=d["start"],
                    end=d["end"],
                    decision=d["decision"],
                    actor=request.user,
                ),
                leads_to=org,
            )
        except ValidationError as e:
            web.add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                _assign_done(request, result.made)
            return redirect(back)
    context = {"org": org, "form": form, "filters": filters, "back": back}
    return render(request, "meetings/official_assign_many.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def end(request, pk):
    """End a follow assignment (and the read access that came with it)."""
    scope = Scope.for_user(request.user)
    a = web.get_or_404(FollowAssignment.objects.select_related("cell", "official"), pk=pk)
    if not scope.covers(a.cell) or a.kind not in services.assignable_kinds(scope, a.cell):
        raise Http404
    form = forms.EndForm(request.POST or None, initial={"end": today()})
    back = reverse("meetings:official", args=[a.official_id])
    if form.is_valid():
        try:
            services.follow_end(assignment=a, end=form.cleaned_data["end"], actor=request.user)
        except ValidationError as e:
            web.add_errors(form, e)
        else:
            messages.success(
                request, _("Đã ghi %(u)s thôi theo dõi %(c)s.") % {"u": a.official, "c": a.cell}
            )
            return redirect(back)
    title = _("Thôi theo dõi %(c)s: %(u)s") % {"c": a.cell, "u": a.official}
    return form_page(request, form, title, back, a.get_kind_display())


@login_required
@handles_bad_query
def indicator(request, pk, code):
    """The list behind one of the officials' indicators; the last column says what counts."""
    scope = web.reader_or_404(Scope.for_user(request.user))
    org = scope.org_or_404(pk)
    found = registry.list_for(code, exports.VIEW)
    if found is None:
        raise Http404
    form, q = page_query(request, forms.IndicatorForm)
    on = q["as_of"]
    if q["format"] == "xlsx":
        return xlsx_response([found.table(org, on)], xlsx_name(org, code, on))
    ind = registry.get(code)
    rows, extra = found.rows(org, on)
    value = extra.pop("value", None)
    page = Paginator(rows, INDICATOR_PAGE_SIZE).get_page(q.get("page") or 1)
    context = {
        "org": org,
        "form": form,
        "as_of": on,
        "code": code,
        "name": ind.name,
        "value": ind.compute(org, on) if value is None else value,
        "page": page,
        "query": without_page(request),
        "export_url": export_url(request),
        "first": sel.window(on)[0],
        **extra,  # the table's title and headers
    }
    return render(request, "meetings/official_indicator.html", context)
