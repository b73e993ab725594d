"""The list behind each training and contest indicator, for an organization as of a date."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render

from chibo.core import indicators as registry
from chibo.core.dates import today
from chibo.members.models import TheoryLevel
from chibo.organizations.models import Organization

from . import indicators
from .forms import IndicatorForm
from .models import Enrollment
from .views import bad_query, reader_scope_or_404

PAGE_SIZE = 100


def _rows(code, org, as_of):
    """(queryset of the rows, extra context) for one indicator."""
    if code == "training_courses":
        qs = (
            indicators.training_courses_rows(org, as_of)
            .select_related("organizer")
            .annotate(
                attended=Count(
                    "enrollments", filter=~Q(enrollments__status=Enrollment.Status.ABSENT)
                )
            )
            .order_by("start", "id")
        )
        return qs, {}
    if code == "village_committee_theory_ok":
        standard, below, qs = indicators.village_committee_theory_rows(org, as_of)
        qs = qs.select_related("member", "organization").order_by(
            "organization__path", "title", "member__sort_key", "id"
        )
        return qs, {"standard": standard, "below": below}
    if code == "training_attendances":
        qs = indicators.training_attendances_rows(org, as_of)
    elif code == "sent_intermediate_theory":
        qs = indicators.sent_intermediate_theory_rows(org, as_of).distinct()
    elif code == "sent_basic_theory":
        qs = indicators.sent_basic_theory_rows(org, as_of).distinct()
    elif code == "contest_district_contestants":
        contests, qs = indicators.contest_district_contestants_rows(org, as_of)
        qs = qs.select_related("member", "cell", "round").order_by(
            "-score", "member__sort_key", "id"
        )
        return qs, {"contests": contests}
    else:  # contest_cells: every village cell, with or without a contestant
        contests, cells, entered = indicators.contest_cells_rows(org, as_of)
        entered_ids = set(entered.values_list("cell_id", flat=True)) if contests else set()
        qs = Organization.objects.filter(pk__in=cells).order_by("path")
        return qs, {"contests": contests, "entered_ids": entered_ids}
    qs = qs.select_related("member", "member__cell", "course").order_by(
        "course__start", "course_id", "member__sort_key", "id"
    )
    return qs, {}


@login_required
def indicator_rows(request, code):
    if code not in indicators.CODES:
        raise Http404
    scope = reader_scope_or_404(request)
    form = IndicatorForm(request.GET)
    if not form.is_valid():
        return bad_query(form)
    data = form.cleaned_data
    if data.get("org"):
        org = scope.org_or_404(data["org"])
    else:
        org = scope.top_organizations().order_by("path").first()
        if org is None:
            raise Http404
    as_of = data.get("as_of") or today()
    indicator = registry.get(code)
    value = indicator.compute(org, as_of)
    qs, extra = _rows(code, org, as_of)
    page = Paginator(qs, PAGE_SIZE).get_page(data.get("page") or 1)
    if code == "village_committee_theory_ok":
        page.object_list = list(page.object_list)
        for p in page.object_list:
            p.level_then_label = TheoryLevel(p.level_then).label
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "code": code,
        "indicator": indicator,
        "value": value,
        "org": org,
        "as_of": as_of,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "since": indicators.training_since(),
        **extra,
    }
    return render(request, "training/indicator.html", context)
