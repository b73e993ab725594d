"""Rating pages: the rating sets (read by every reader, entered by the org board); an
organization's cells with their rating for a year and the share of each
level (a warning where the top level's quota is exceeded); on a cell's page, its self-rating,
the upper level's decision and its members' ratings. Every lookup goes through the scope (404
outside it); a form shows to those who may write it, and the view checks it again on POST."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chibo.accounts.scope import Scope
from chibo.core.dates import today
from chibo.core.submissions import create_once, repeated_message, submitted_before
from chibo.core.web import add_errors, admin_or_404, bad_query, get_or_404, reader_or_404
from chibo.members.models import Member

from . import selectors, services
from .forms import (
    DecideForm,
    MemberDecideForm,
    MemberRateForm,
    RatingSetForm,
    SelfRateForm,
    YearForm,
    levels_text,
)
from .models import MemberRating, RatingLevel, RatingSet, year_end


def _reader(request) -> Scope:
    return reader_or_404(Scope.for_user(request.user))


@login_required
@require_GET
def index(request):
    """The rating page of the highest organization the user reads."""
    top = _reader(request).top_organizations().order_by("path").first()
    if top is None:
        raise Http404
    return redirect("ratings:org", pk=top.pk)


@login_required
@require_http_methods(["GET", "POST"])
def org_ratings(request, pk):
    """The cells under the organization for `?year=` (last year by default) with the share of
    each level; for a cell, its rating, the forms that apply and its members' ratings."""
    scope = _reader(request)
    org = scope.org_or_404(pk)
    query = YearForm(request.GET)
    if not query.is_valid():
        return bad_query(query, request=request)
    year = query.chosen_year()
    rating_set = RatingSet.objects.in_force(year_end(year)).first()
    levels = RatingLevel.objects.filter(rating_set=rating_set)
    rows = selectors.cell_rows(org, year)
    context = {"org": org, "year": year, "query": query, "rating_set": rating_set}
    status = 200
    if org.is_cell:
        rating = rows[0]["rating"] if rows else None
        members = Member.objects.filter(cell=org).in_cell().order_by("sort_key", "id")
        can_self = scope.can_write(org) and rating is None and rating_set is not None
        parent = org.parent
        can_decide = (
            rating is not None
            and rating.decided_level_id is None
            and parent is not None
            and scope.can_write(parent)
        )
        can_members = scope.can_write(org) and rating_set is not None
        # The committee over the cell decides its members' ratings, once the cell proposed.
        awaiting = (
            MemberRating.objects.filter(
                cell=org, year=year, proposed_level__isnull=False, decided_level__isnull=True
            )
            .select_related("member")
            .order_by("member__sort_key", "pk")
        )
        can_decide_members = parent is not None and scope.can_write(parent)
        forms = {
            "self": SelfRateForm(request.POST or None, prefix="self") if can_self else None,
            "decide": DecideForm(request.POST or None, prefix="decide", levels=levels)
            if can_decide
            else None,
            "member": MemberRateForm(
                request.POST or None, prefix="member", members=members, levels=levels
            )
            if can_members
            else None,
            "member_decide": MemberDecideForm(
                request.POST or None, prefix="member_decide", levels=levels, ratings=awaiting
            )
            if can_decide_members
            else None,
        }
        if request.method == "POST":
            action = request.POST.get("action")
            done = reverse("ratings:org", args=[org.pk])
            if (
                action == "self"
                and scope.can_write(org)
                and submitted_before(request, prefix="self") is not None
            ):
                # The self-rating sent again: the cell is rated and the form gone; answer as the
                # first submit did rather than 404.
                messages.info(request, repeated_message())
                return redirect(f"{done}?year={year}")
            form = forms.get(action)
            if form is None:
                raise Http404
            if form.is_valid():
                try:
                    if action in ("self", "member"):  # a new row, made once per submission key
                        repeated = create_once(
                            key=form.submission_key,
                            actor=request.user,
                            create=lambda: _write(
                                action, form.cleaned_data, org, year, request.user
                            ),
                        ).repeated
                    else:
                        _write(action, form.cleaned_data, org, year, request.user)
                        repeated = False
                except ValidationError as e:
                    add_errors(form, e)
                else:
                    if repeated:
                        messages.info(request, repeated_message())
                    else:
                        messages.success(request, _("Đã ghi đánh giá, xếp loại."))
                    return redirect(f"{done}?year={year}")
            status = 400
            for name in forms:
                if name != action and forms[name] is not None:
                    forms[name] = type(forms[name])(
                        prefix=name, **_form_kwargs(name, members, levels, awaiting)
                    )
        rated = selectors.cell_member_ratings(org, year)
        context |= {
            "rating": rating,
            "forms": forms,
            "members": [{"member": m, "rating": rated.get(m.pk)} for m in members],
        }
    elif request.method == "POST":
        raise Http404
    else:
        context |= {"rows": rows, "shares": selectors.shares(rows, year)}
    return render(request, "ratings/org.html", context, status=status)


def _form_kwargs(name, members, levels, awaiting) -> dict:
    return {
        "self": {},
        "decide": {"levels": levels},
        "member_decide": {"levels": levels, "ratings": awaiting},
    }.get(name, {"members": members, "levels": levels})


def _write(action, data, cell, year, actor):
    if action == "self":
        return services.cell_self_rate(
            cell=cell, year=year, points=data["points"], on=data["on"], actor=actor
        )
    if action == "decide":
        return services.cell_decide(
            cell=cell,
            year=year,
            level=data["level"],
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
            actor=actor,
        )
    if action == "member_decide":
        return services.member_decide(
            rating=data["rating"],
            level=data["level"],
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
            actor=actor,
        )
    return services.member_rate(
        member=data["member"],
        year=year,
        self_level=data["self_level"],
        proposed_level=data.get("proposed_level"),
        actor=actor,
    )


def member_section(request, member, scope) -> str:
    """The member's ratings, a part of the member's record (registered with members.sections);
    the record's page has checked the reader's scope."""
    ratings = list(selectors.member_ratings(member))
    return render_to_string("ratings/_member.html", {"ratings": ratings}, request)


# --- the rating sets: versioned rules, read by every reader, entered by the org board ----------


@login_required
@require_GET
def sets(request):
    scope = _reader(request)
    rows = RatingSet.objects.annotate(n_levels=Count("levels")).order_by("-valid_from", "-id")
    return render(request, "ratings/sets.html", {"sets": rows, "can_write": scope.is_org_admin})


@login_required
@require_GET
def set_detail(request, pk):
    scope = _reader(request)
    rating_set = get_or_404(RatingSet.objects.prefetch_related("levels"), pk=pk)
    context = {"set": rating_set, "can_write": scope.is_org_admin}
    return render(request, "ratings/set.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def set_create(request):
    admin_or_404(Scope.for_user(request.user))
    running = RatingSet.objects.in_force(today()).prefetch_related("levels").first()
    initial = {}
    if running is not None:
        initial = {"levels": levels_text(running), "top_quota_percent": running.top_quota_percent}
    form = RatingSetForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.set_create(actor=request.user, **form.cleaned_data),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            return redirect("ratings:set", pk=result.obj.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "ratings/set_form.html", {"form": form}, status=status)
