"""Secretary contest pages: the list, a contest with its rounds and ranked results, and the
forms to create a contest or a round, enter contestants and record scores."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chibo.accounts.scope import Scope
from chibo.committees.tables import url_maker
from chibo.core import audit
from chibo.core.submissions import create_once, repeated_message
from chibo.core.web import add_errors, bad_query, reader_or_404, xlsx_response
from chibo.members.models import Member
from chibo.organizations.models import subtree_q

from . import exports, indicators, selectors, services
from .forms import ContestantCellForm, ContestantForm, ContestForm, RoundForm, ScoreForm
from .permissions import contest_or_404, contestant_or_404, round_or_404
from .views import indicator_links, organizer_choices


@login_required
def contest_list(request):
    scope = reader_or_404(Scope.for_user(request.user))
    context = {
        "contests": list(selectors.contest_list(scope)),
        "can_create": organizer_choices(scope).exists(),
        "indicator_links": indicator_links(indicators.CONTEST_CODES),
    }
    return render(request, "training/contest_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contest_create(request):
    scope = Scope.for_user(request.user)
    organizers = organizer_choices(scope)
    if not organizers.exists():
        raise Http404
    form = ContestForm(request.POST or None, organizers=organizers)
    if form.is_valid():
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.contest_create(actor=request.user, **form.cleaned_data),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                messages.success(request, _("Đã tạo hội thi."))
            return redirect("training:contest_detail", pk=result.obj.pk)
    return render(request, "training/form.html", {"form": form, "title": _("Thêm hội thi")})


@login_required
def contest_detail(request, pk):
    scope = reader_or_404(Scope.for_user(request.user))
    contest = contest_or_404(scope, pk)
    results = selectors.contest_results(scope, contest)
    score_url = url_maker("training:score_record")  # reversed once, not once a contestant
    for block in results:
        block["can_write"] = scope.can_write(block["round"].organizer)
        if block["can_write"]:
            for c in block["contestants"]:
                c.score_url = score_url(c.pk)
    context = {
        "contest": contest,
        "results": results,
        "can_add_round": scope.can_write(contest.organizer),
        "audit_events": list(audit.events_for(contest)[:20]),
    }
    return render(request, "training/contest_detail.html", context)


@login_required
def contest_export(request, pk):
    scope = reader_or_404(Scope.for_user(request.user))
    contest = contest_or_404(scope, pk)
    rows = []
    for block in selectors.contest_results(scope, contest):
        r = block["round"]
        for c in block["contestants"]:
            rows.append(
                (
                    r.get_level_display(),
                    r.organizer.name,
                    r.held_on,
                    c.rank,
                    c.member.full_name,
                    c.cell.name,
                    c.score,
                    c.get_prize_display() if c.prize else "",
                )
            )
    headers = [
        (_("Cấp thi"), 12),
        (_("Đơn vị tổ chức"), 28),
        (_("Ngày thi"), 12),
        (_("Xếp hạng"), 9),
        (_("Họ và tên"), 26),
        (_("Chi bộ"), 30),
        (_("Điểm"), 8),
        (_("Giải"), 18),
    ]
    content = exports.workbook(_("Kết quả hội thi"), headers, rows)
    return xlsx_response(content, f"ket-qua-hoi-thi-{contest.pk}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request, pk):
    scope = Scope.for_user(request.user)
    contest = contest_or_404(scope, pk, write=True)
    organizers = organizer_choices(scope).filter(subtree_q(contest.organizer.path))
    form = RoundForm(request.POST or None, organizers=organizers)
    if form.is_valid():
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.round_create(
                    contest=contest, actor=request.user, **form.cleaned_data
                ),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                messages.success(request, _("Đã thêm vòng thi."))
            return redirect("training:contest_detail", pk=contest.pk)
    title = _("Thêm vòng thi: %(c)s") % {"c": contest.name}
    return render(request, "training/form.html", {"form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def contestant_add(request, pk):
    """Two steps on one page: pick a cell (GET ?cell=), then one of its members."""
    scope = Scope.for_user(request.user)
    rnd = round_or_404(scope, pk)
    cells = selectors.round_cells(scope, rnd)
    pick = ContestantCellForm(request.GET)
    if not pick.is_valid():
        return bad_query(pick, request=request)
    cell = None
    if pick.cleaned_data.get("cell"):
        cell = cells.filter(pk=pick.cleaned_data["cell"]).first()
        if cell is None:
            raise Http404
    form = None
    if cell is not None:
        members = Member.objects.in_cell().filter(cell=cell).order_by("sort_key", "id")
        form = ContestantForm(request.POST or None, members=members)
        if form.is_valid():
            try:
                result = create_once(
                    key=form.submission_key,
                    actor=request.user,
                    create=lambda: services.contestant_add(
                        round=rnd, member=form.cleaned_data["member"], cell=cell, actor=request.user
                    ),
                )
            except ValidationError as e:
                add_errors(form, e)
            else:
                if result.repeated:
                    messages.info(request, repeated_message())
                else:
                    messages.success(request, _("Đã thêm thí sinh."))
                return redirect("training:contest_detail", pk=rnd.contest_id)
    elif request.method == "POST":
        raise Http404
    context = {"round": rnd, "cells": cells, "cell": cell, "form": form}
    return render(request, "training/contestant_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def score_record(request, pk):
    scope = Scope.for_user(request.user)
    contestant = contestant_or_404(scope, pk)
    initial = {
        "score": "" if contestant.score is None else f"{contestant.score.normalize():f}",
        "prize": contestant.prize,
    }
    form = ScoreForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            services.score_record(contestant=contestant, actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(
                request, _("Đã ghi điểm của %(n)s.") % {"n": contestant.member.full_name}
            )
            return redirect("training:contest_detail", pk=contestant.round.contest_id)
    title = _("Điểm thi: %(n)s") % {"n": contestant.member.full_name}
    return render(
        request,
        "training/form.html",
        {"form": form, "title": title, "contest": contestant.round.contest},
    )
