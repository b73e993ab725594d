"""The lists behind the training and contest indicators, registered with the indicator registry
and shown by training:indicator (/training/indicators/<code>/?org=<id>&as_of=dd/mm/yyyy)."""

from django.db.models import Count, Q

from chibo.core.indicators import register_list
from chibo.core.web import LazyRows
from chibo.members.models import TheoryLevel
from chibo.organizations.models import Organization

from . import indicators
from .models import Enrollment

VIEW = "training:indicator"


def _enrollments(qs):
    return qs.select_related("member", "member__cell", "course").order_by(
        "course__start", "course_id", "member__sort_key", "id"
    )


def _training_courses(org, as_of):
    qs = (
        indicators.training_courses_rows(org, as_of)
        .select_related("organizer")
        .annotate(
            attended=Count("enrollments", filter=~Q(enrollments__status=Enrollment.Status.ABSENT))
        )
        .order_by("start", "id")
    )
    return qs, {}


def _training_attendances(org, as_of):
    return _enrollments(indicators.training_attendances_rows(org, as_of)), {}


def _sent_intermediate_theory(org, as_of):
    return _enrollments(indicators.sent_intermediate_theory_rows(org, as_of).distinct()), {}


def _sent_basic_theory(org, as_of):
    return _enrollments(indicators.sent_basic_theory_rows(org, as_of).distinct()), {}


def _with_level_then_label(positions):
    for p in positions:
        p.level_then_label = TheoryLevel(p.level_then).label
    return positions


def _village_committee_theory_ok(org, as_of, *, below=False, title=""):
    """The positions in force with their holders' level then; `below`: only those below the
    standard's minimum (none without one), `title`: of that title only."""
    standard, levels_below, qs = indicators.village_committee_theory_rows(org, as_of)
    if below:
        qs = qs.filter(level_then__in=levels_below)
    if title:
        qs = qs.filter(title=title)
    qs = qs.select_related("member", "organization").order_by(
        "organization__path", "title", "member__sort_key", "id"
    )
    rows = LazyRows(qs, _with_level_then_label, length=qs.count())
    return rows, {"standard": standard, "below": levels_below}


def _contest_cells(org, as_of):
    """Every village cell, with or without a contestant."""
    contests, cells, entered = indicators.contest_cells_rows(org, as_of)
    entered_ids = set(entered.values_list("cell_id", flat=True)) if contests else set()
    qs = Organization.objects.filter(pk__in=cells).order_by("path")
    return qs, {"contests": contests, "entered_ids": entered_ids}


def _contest_district_contestants(org, as_of):
    contests, qs = indicators.contest_district_contestants_rows(org, as_of)
    qs = qs.select_related("member", "cell", "round").order_by("-score", "member__sort_key", "id")
    return qs, {"contests": contests}


register_list("training_courses", view=VIEW, rows=_training_courses)
register_list("training_attendances", view=VIEW, rows=_training_attendances)
register_list("sent_intermediate_theory", view=VIEW, rows=_sent_intermediate_theory)
register_list("sent_basic_theory", view=VIEW, rows=_sent_basic_theory)
register_list(
    "village_committee_theory_ok",
    view=VIEW,
    rows=_village_committee_theory_ok,
    filters=("below", "title"),
)
register_list("contest_cells", view=VIEW, rows=_contest_cells)
register_list("contest_district_contestants", view=VIEW, rows=_contest_district_contestants)
