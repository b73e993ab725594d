"""A member's own page (upcoming meetings, their tasks, progress reports), the cell task board of
the secretary and commune and the calendar feeds (the inbox is chibo.accounts').

Scope: the own page and the personal feed belong to a user linked to a member who holds a current
role (selectors); the task board and cell feeds to roles that read the cell; a task opens for
its owner or a reader of its cell and takes reports from its owner or a writer of its cell. Anything
else is 404, the same as missing. The feed URL takes no session: the token alone decides, and the
token owner's scope is checked again on every fetch.
"""

import hashlib
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from chibo.accounts.scope import Scope
from chibo.core import web
from chibo.core.dates import today
from chibo.core.submissions import create_once, repeated_message
from chibo.organizations.models import Organization

from ..models import Task
from . import ical, services
from . import selectors as sel
from .forms import CalendarFeedForm, CellTaskFilterForm, PageForm, TaskProgressForm

PAGE_SIZE = 50
NEW_FEED_KEY = "meetings_new_feed"


def self_member_or_404(scope):
    member = sel.self_member(scope)
    if member is None:
        raise Http404
    return member


# --- the member's own page ----------------------------------------------------------------------


@login_required
@require_GET
def my_page(request):
    scope = Scope.for_user(request.user)
    member = self_member_or_404(scope)
    on = today()
    in_cell = sel.in_cell(member)
    open_tasks = sel.member_open_tasks(member, on)
    for task in open_tasks:  # each report form its submission key, as TaskProgressForm's
        task.submission_key = uuid.uuid4()
    context = {
        "member": member,
        "in_cell": in_cell,
        # a secretary (any role that reads the cell) also opens the meeting's own page
        "reads_cell": in_cell and scope.covers(member.cell),
        "on": on,
        "upcoming": sel.upcoming_meetings(member.cell_id, on) if in_cell else [],
        "recent": sel.recent_meetings(member.cell_id, on) if in_cell else [],
        "open_tasks": open_tasks,
        "reviewed_tasks": sel.member_reviewed_tasks(member, on),
    }
    return render(request, "meetings/my_page.html", context)


# --- tasks ---------------------------------------------------------------------------------------


def _back_url(back: str, task: Task) -> str:
    if back == "my":
        return reverse("meetings:my") + f"#task-{task.pk}"
    if back == "cell":
        return reverse("meetings:cell_tasks", args=[task.cell_id]) + f"#task-{task.pk}"
    return reverse("meetings:task", args=[task.pk])


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request, pk):
    """A task with its progress reports; its owner or a writer of its cell reports here."""
    scope = Scope.for_user(request.user)
    task = sel.task_or_404(scope, pk)
    form = TaskProgressForm(request.POST or None, initial={"progress": task.progress})
    status = 200
    if request.method == "POST":
        if not task.can_report:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = create_once(
                    key=form.submission_key,
                    actor=request.user,
                    create=lambda: services.task_progress_report(
                        task=task, progress=data["progress"], note=data["note"], actor=request.user
                    ),
                )
            except services.NotAllowed:
                raise Http404 from None
            except ValidationError as e:
                web.add_errors(form, e)
            else:
                if result.repeated:
                    messages.info(request, repeated_message())
                else:
                    messages.success(
                        request,
                        _("Đã ghi báo cáo tiến độ %(p)s%% cho nhiệm vụ “%(t)s”.")
                        % {"p": task.progress, "t": task.title},
                    )
                return redirect(_back_url(data.get("back") or "", task))
        status = 400
    task.overdue = task.state == Task.State.OPEN and task.deadline < today()
    context = {
        "task": task,
        "form": form,
        "closed": task.state != Task.State.OPEN,
        "closed_message": services.closed_message(task) if task.state != Task.State.OPEN else "",
        "updates": sel.task_updates(task),
        "can_read_cell": scope.covers(task.cell),
    }
    return render(request, "meetings/tasks_detail.html", context, status=status)


@login_required
@require_GET
def task_board(request):
    """The cells in scope with open tasks, the most overdue first; a user who reads one cell
    only (a secretary, an official following one cell) goes straight to it."""
    scope = web.reader_or_404(Scope.for_user(request.user))
    form = PageForm(request.GET)
    if not form.is_valid():
        return web.bad_query(form, request=request)
    tops = list(scope.top_organizations()[:2])
    if len(tops) == 1 and tops[0].kind == Organization.Kind.CELL:
        return redirect("meetings:cell_tasks", cell=tops[0].pk)
    on = today()
    page = Paginator(sel.task_board_cells(scope, on), PAGE_SIZE).get_page(
        form.cleaned_data.get("page") or 1
    )
    return render(request, "meetings/tasks_board.html", {"page": page, "on": on})


@login_required
@require_GET
def cell_tasks(request, cell):
    """A cell's tasks: overdue first and marked, the latest report of each; filtered by state
    and owner. Readers of the cell see it; writers also report from it."""
    scope = web.reader_or_404(Scope.for_user(request.user))
    org = scope.org_or_404(cell)
    if org.kind != Organization.Kind.CELL:
        raise Http404
    form = CellTaskFilterForm(request.GET, members=sel.owner_choices(org))
    if not form.is_valid():
        return web.bad_query(form, request=request)
    data = form.cleaned_data
    on = today()
    state = data.get("state") or "open"
    tasks = sel.cell_tasks(org, on=on, state=state, owner=data.get("owner") or "")
    page = Paginator(tasks, PAGE_SIZE).get_page(data.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "cell": org,
        "form": form,
        "state": state,
        "page": page,
        "tasks": sel.mark_tasks(list(page.object_list), on),
        "query": query.urlencode(),
        "can_write": scope.can_write(org),
        "on": on,
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "meetings/tasks_cell.html#results" if partial else "meetings/tasks_cell.html"
    response = render(request, template, context)
    # The same URL answers a partial or a page: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- calendar feeds ------------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@web.no_compression  # it shows a secret once
def calendar_page(request):
    """Make a feed URL (shown once), see the live ones, revoke them."""
    scope = Scope.for_user(request.user)
    if not sel.has_any_role(scope):
        raise Http404
    cells = list(sel.feed_cell_choices(scope))
    form = CalendarFeedForm(request.POST or None, cells=cells)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                feed, raw = services.calendar_feed_create(
                    user=request.user, cell=form.cell(), actor=request.user
                )
            except services.NotAllowed:
                raise Http404 from None
            request.session[NEW_FEED_KEY] = {"id": feed.pk, "token": raw}
            return redirect("meetings:calendar")
        status = 400
    new = request.session.pop(NEW_FEED_KEY, None)
    feeds = list(sel.user_feeds(request.user))
    new_url = None
    if new and any(f.pk == new["id"] for f in feeds):
        new_url = request.build_absolute_uri(reverse("meetings:calendar_feed", args=[new["token"]]))
    context = {
        "form": form,
        "feeds": feeds,
        "new_url": new_url,
        "new_id": new and new["id"],
    }
    return render(request, "meetings/calendar.html", context, status=status)


@login_required
@require_POST
def calendar_revoke(request, pk):
    feed = sel.own_feed_or_404(request.user, pk)
    services.calendar_feed_revoke(feed=feed, actor=request.user)
    messages.success(request, _("Đã thu hồi đường dẫn lịch. Ứng dụng lịch sẽ không cập nhật nữa."))
    return redirect("meetings:calendar")


@require_safe
def calendar_feed(request, token):
    """The iCal feed of a token. No session: the token decides, and what it shows is the token
    owner's scope today. 404 for a revoked or unknown token, an inactive owner, an owner with no
    role left, and a cell feed whose cell the owner no longer reads. An ETag lets a calendar app
    that polls get a bodiless 304 while nothing changed (phones on weak connections)."""
    feed = sel.feed_by_token_or_404(token)
    owner = feed.user
    if not owner.is_active:
        raise Http404
    scope = Scope.for_user(owner)
    if not sel.has_any_role(scope):
        raise Http404
    on = today()
    if feed.cell_id:
        if not scope.covers(feed.cell):
            raise Http404
        cells, name = [feed.cell_id], feed.cell.name
    else:
        cells = sel.personal_feed_cells(scope, on)
        name = _("Sinh hoạt chi bộ – %(who)s") % {"who": owner}
    body = ical.calendar(sel.feed_meetings(cells, on), name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = web.content_disposition("chibo.ics", inline=True)
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response)
