"""Member pages: list with filters and search, detail with history, and the write forms."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chibo.accounts.scope import Scope
from chibo.core import audit
from chibo.core.forms import digits
from chibo.core.keyset import KeysetPage, cursor_values
from chibo.core.submissions import create_once, repeated_message
from chibo.core.web import add_errors, bad_query, reader_or_404, writer_or_404
from chibo.organizations import search as org_search

from . import rules, sections, selectors, services
from .forms import (
    BulkStatusForm,
    MemberCreateForm,
    MemberFilterForm,
    MemberForm,
    StatusForm,
    TransferForm,
)
from .models import Member, Status
from .movements import kinds as movements
from .permissions import member_or_404
from .selectors import filtered_members, members_for_forms, page_rows, search_count

PAGE_SIZE = 50
# The columns the list's rows show (templatetags/member_rows.py), besides the cell's name.
ROW_FIELDS = ("full_name", "other_names", "birth_date", "ethnicity", "party_card_number", "status")


class SearchPage:
    """One page of a search, without counting the matches: its rows, and whether more follow.

    Counting "nguyen van" in a province (up to SEARCH_COUNT_CAP) took as long as the rest of
    the search: the page shows the rows at once and asks members:count for the number after.
    A search pages through its first SEARCH_COUNT_CAP matches at most, as far as it counts
    (past them the count says to narrow the search): no page asks the database to skip more.
    """

    paginator = None  # no total: core/pager.html says "Trang N" alone

    def __init__(self, qs, number: int, size: int):
        last = -(-selectors.SEARCH_COUNT_CAP // size)
        number = min(number, last)
        rows = page_rows(
            qs, (number - 1) * size, size + 1, fields=ROW_FIELDS, cell_fields=("name", "path")
        )
        self.number = number
        self.object_list = rows[:size]
        self.has_next = len(rows) > size and number < last
        self.has_previous = number > 1

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


def _write_cells(scope):
    return (
        scope.organizations()
        .filter(scope.paths_q(paths=scope.write_paths))
        .active()
        .cells()
        .order_by("path")
    )


def _list_request(request):
    """(scope, filter form, organization, filtered members) of a member-list query string:
    Http404 if the user reads no list or names an organization outside the scope; the members
    are None if the filters are invalid."""
    scope = reader_or_404(Scope.for_user(request.user))
    form = MemberFilterForm(request.GET)
    if not form.is_valid():
        return scope, form, None, None
    data = form.cleaned_data
    org = scope.org_or_404(data["org"]) if data.get("org") else None
    org, form.org_matches = org_search.resolve(scope, org, request.GET, data.get("org_q"))
    return scope, form, org, filtered_members(scope, data, org=org)


def _bad_filter(request, form):
    """400 naming each bad filter by its label, as the filters show it, the error beside it."""
    return bad_query(form, _("Bộ lọc không hợp lệ: %(p)s"), request=request)


def _keyset_page(scope, form, org, qs):
    """The list's page (core.keyset): after or before the member the pager's link names, or
    page `?page=N` by skipping; None (with the form's error) if that member is not one the
    user reads. The total comes from the counters when the filters allow."""
    data = form.cleaned_data
    order = selectors.list_order(data)
    cursors = {}
    for side in ("after", "before"):
        if data.get(side):
            cursors[side] = cursor_values(selectors.scoped_members(scope), data[side], order)
            if cursors[side] is None:
                form.add_error(side, _("Không có đảng viên này trong phạm vi xem."))
                return None
    total = selectors.counted_total(scope, data, org)
    return KeysetPage(
        qs.only("cell", *ROW_FIELDS, "cell__name", "cell__path"),
        order,
        size=PAGE_SIZE,
        number=data.get("page") or 1,
        count=qs.count() if total is None else total,
        **cursors,
    )


@login_required
def member_list(request):
    scope, form, org, qs = _list_request(request)
    if qs is None:
        return _bad_filter(request, form)
    data = form.cleaned_data
    if data.get("q"):
        page = SearchPage(qs, data.get("page") or 1, PAGE_SIZE)
    else:
        page = _keyset_page(scope, form, org, qs)
        if page is None:
            return _bad_filter(request, form)
    query = request.GET.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
    # A history restore (back button after hx-push-url) needs the whole page, not the partial.
    partial = request.htmx and not request.htmx.history_restore_request
    can_write = bool(scope.write_paths) or scope.superuser
    # The rows the user may tick for the bulk status change: those in their write scope.
    writable = {m.pk for m in page.object_list if scope.can_write(m.cell)} if can_write else None
    context = {
        "form": form,
        "page": page,
        "org": org,
        "org_q": data.get("org_q", ""),
        "org_matches": form.org_matches,
        "org_query": org_search.other_filters(request.GET),
        "ethnic_groups": rules.ETHNIC_GROUPS,
        "query": query.urlencode(),
        "search": bool(data.get("q")),
        "can_write": can_write,
        "writable": writable,
        "bulk_form": BulkStatusForm() if writable else None,
        # The rows' links and labels, worked out once for the page rather than per row.
        "detail_prefix": reverse("members:detail", args=[0]).removesuffix("0/"),
    }
    labels = {value: str(label) for value, label in Status.choices}
    for m in page.object_list:
        m.status_label = labels.get(m.status, m.status)
    template = "members/list.html#results" if partial else "members/list.html"
    response = render(request, template, context)
    # The same URL answers a partial or a page: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
def member_count(request):
    """How many members the list's filters match (a search: up to SEARCH_COUNT_CAP), as the
    line the list shows above its rows; the list asks for it after showing a search's rows."""
    scope, form, org, qs = _list_request(request)
    if qs is None:
        return _bad_filter(request, form)
    data = form.cleaned_data
    if data.get("q"):
        count, capped = search_count(qs)
    else:
        total = selectors.counted_total(scope, data, org)
        count, capped = (qs.count() if total is None else total), False
    return render(request, "members/list.html#count", {"count": count, "capped": capped})


@login_required
def member_detail(request, pk):
    scope = Scope.for_user(request.user)
    member = member_or_404(scope, pk)
    pii = scope.can_see_pii(member.cell) or scope.member_self_id == member.pk
    events = list(audit.events_for(member)[:30])
    if not pii:
        _mask_citizen_ids(events)
    can_write = scope.can_write(member.cell)
    stays = member.temporary_stays.all()
    context = {
        "m": member,
        "can_write": can_write,
        # A member alone reads their own record but not their cell's page (it 404s for them).
        "cell_readable": scope.covers(member.cell),
        "pii": pii,
        "memberships": member.memberships.all(),
        "status_changes": member.status_changes.all(),
        "temporary_stays": stays,
        "audit_events": events,
        "movements": (
            movements.available(member, any(s.end is None for s in stays)) if can_write else []
        ),
        # What the apps above members add to the record (the annual ratings).
        "sections": sections.render_all(request, member, scope),
    }
    return render(request, "members/detail.html", context)


def _mask_citizen_ids(events):
    """Mask citizen IDs in the logged changes, as the record itself is masked."""
    for event in events:
        values = event.changes.get("citizen_id")
        if values:
            masked = [("•" * (len(v) - 3) + v[-3:]) if v else v for v in values]
            event.changes = {**event.changes, "citizen_id": masked}


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request):
    scope = writer_or_404(Scope.for_user(request.user))
    cells = _write_cells(scope)
    initial = {}
    if digits(request.GET.get("cell", "")):
        initial["cell"] = request.GET["cell"]
    else:
        # A cell's secretary adds members to that one cell: it comes chosen.
        only = list(cells.values_list("pk", flat=True)[:2])
        if len(only) == 1:
            initial["cell"] = only[0]
    form = MemberCreateForm(request.POST or None, cells=cells, initial=initial)
    if form.is_valid():
        data = form.member_fields
        cell = data.pop("cell")
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.member_create(actor=request.user, cell=cell, **data),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                messages.success(request, _("Đã thêm đảng viên %(name)s.") % {"name": result.obj})
            return redirect("members:detail", pk=result.obj.pk)
    return render(request, "members/form.html", {"form": form, "title": _("Thêm đảng viên")})


# Never equal to a saved `updated_at`: a version that cannot be read is treated as stale.
_UNREADABLE_VERSION = datetime.datetime.min.replace(tzinfo=datetime.UTC)


def _posted_version(request):
    """The `updated_at` the edit form was loaded with (never None: a form without one is refused
    before, and one that cannot be read is stale)."""
    raw = request.POST.get("version", "")
    try:
        return parse_datetime(raw) or _UNREADABLE_VERSION
    except ValueError:  # well-formed but impossible, e.g. month 13
        return _UNREADABLE_VERSION


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    scope = Scope.for_user(request.user)
    member = member_or_404(scope, pk, write=True, queryset=members_for_forms())
    form = MemberForm(request.POST or None, instance=member)
    version = request.POST.get("version") if request.method == "POST" else member.updated_at
    if request.method == "POST" and not request.POST.get("version"):
        # Without the version the form was loaded with, a save could overwrite a newer record
        # unseen: refused, as the meeting record form refuses it.
        form.is_valid()
        form.add_error(None, _("Biểu mẫu thiếu phiên bản hồ sơ. Hãy tải lại trang rồi sửa lại."))
    elif request.method == "POST" and form.is_valid():
        try:
            services.member_update(
                member=member,
                actor=request.user,
                expected_updated_at=_posted_version(request),
                **form.member_fields,
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _("Đã lưu hồ sơ."))
            return redirect("members:detail", pk=member.pk)
    return render(
        request,
        "members/form.html",
        {
            "form": form,
            "m": member,
            "title": _("Sửa hồ sơ: %(n)s") % {"n": member},
            "version": version.isoformat() if hasattr(version, "isoformat") else version,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_transfer(request, pk):
    scope = Scope.for_user(request.user)
    member = member_or_404(scope, pk, write=True, queryset=members_for_forms())
    form = TransferForm(request.POST or None, cells=_write_cells(scope).exclude(pk=member.cell_id))
    if form.is_valid():
        try:
            services.member_transfer(member=member, actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _("Đã chuyển sinh hoạt."))
            return redirect("members:detail", pk=member.pk)
    return render(
        request,
        "members/form.html",
        {"form": form, "m": member, "title": _("Chuyển sinh hoạt: %(n)s") % {"n": member}},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_status(request, pk):
    scope = Scope.for_user(request.user)
    member = member_or_404(scope, pk, write=True, queryset=members_for_forms())
    form = StatusForm(request.POST or None)
    if form.is_valid():
        try:
            services.member_change_status(member=member, actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _("Đã cập nhật trạng thái."))
            return redirect("members:detail", pk=member.pk)
    return render(
        request,
        "members/form.html",
        {"form": form, "m": member, "title": _("Đổi trạng thái: %(n)s") % {"n": member}},
    )


@login_required
@require_POST
def member_status_many(request):
    """The list's bulk action: one status change for every ticked member, all or nothing.
    A ticked member outside the user's write scope (or missing) is a 404 for the whole."""
    scope = writer_or_404(Scope.for_user(request.user))
    form = BulkStatusForm(request.POST)
    try:
        wanted = form.fields["members"].clean(form["members"].value())
    except ValidationError:
        wanted = []  # the form says why
    members = list(Member.objects.select_related("cell").filter(pk__in=wanted))
    if len(members) != len(wanted) or not all(scope.can_write(m.cell) for m in members):
        raise Http404
    back = request.POST.get("next", "")
    if not back.startswith("/members/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        back = reverse("members:list")
    if form.is_valid():
        try:
            changes = services.members_change_status_many(
                members=members,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(
                request,
                _("Đã đổi trạng thái của %(n)s đảng viên.") % {"n": len(changes)},
            )
            return redirect(back)
    labels = dict(Status.choices)
    for m in members:
        m.status_label = labels.get(m.status, m.status)
    members.sort(key=lambda m: (m.sort_key, m.pk))
    return render(
        request,
        "members/status_many.html",
        {"form": form, "members": members, "next": back},
    )
