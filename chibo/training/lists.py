"""The lists behind the training and contest indicators, registered with the indicator registry
and shown by training:indicator (/training/indicators/<code>/?org=<id>&as_of=dd/mm/yyyy)."""

from django.core.paginator import Paginator
from django.db.models import Count, Q

from chibo.core.indicators import register_list
from chibo.members.models import TheoryLevel
from chibo.organizations.models import Organization

from . import indicators
from .models import Enrollment

PAGE_SIZE = 100
VIEW = "training:indicator"


def _enrollments(qs):
    return qs.select_related("member", "member__cell", "course").order_by(
        "course__start", "course_id", "member__sort_key", "id"
    )


def _page(qs, number):
    return Paginator(qs, PAGE_SIZE).get_page(number)


def _training_courses(org, as_of, number):
    qs = (
        indicators.training_courses_rows(org, as_of)
        .select_related("organizer")
        .annotate(
            attended=Count("enrollments", filter=~Q(enrollments__status=Enrollment.Status.ABSENT))
        )
        .order_by("start", "id")
    )
    return _page(qs, number), {}


def _training_attendances(org, as_of, number):
    return _page(_enrollments(indicators.training_attendances_rows(org, as_of)), number), {}


def _sent_intermediate_theory(org, as_of, number):
    qs = indicators.sent_intermediate_theory_rows(org, as_of).distinct()
    return _page(_enrollments(qs), number), {}


def _sent_basic_theory(org, as_of, number):
    qs = indicators.sent_basic_theory_rows(org, as_of).distinct()
    return _page(_enrollments(qs), number), {}


def _village_committee_theory_ok(org, as_of, number):
    standard, below, qs = indicators.village_committee_theory_rows(org, as_of)
    qs = qs.select_related("member", "organization").order_by(
        "organization__path", "title", "member__sort_key", "id"
    )
    page = _page(qs, number)
    page.object_list = list(page.object_list)
    for p in page.object_list:
        p.level_then_label = TheoryLevel(p.level_then).label
    return page, {"standard": standard, "below": below}


def _contest_cells(org, as_of, number):
    """Every village cell, with or without a contestant."""
    contests, cells, entered = indicators.contest_cells_rows(org, as_of)
    entered_ids = set(entered.values_list("cell_id", flat=True)) if contests else set()
    qs = Organization.objects.filter(pk__in=cells).order_by("path")
    return _page(qs, number), {"contests": contests, "entered_ids": entered_ids}


def _contest_district_contestants(org, as_of, number):
    contests, qs = indicators.contest_district_contestants_rows(org, as_of)
    qs = qs.select_related("member", "cell", "round").order_by("-score", "member__sort_key", "id")
    return _page(qs, number), {"contests": contests}


register_list("training_courses", view=VIEW, page=_training_courses)
register_list("training_attendances", view=VIEW, page=_training_attendances)
register_list("sent_intermediate_theory", view=VIEW, page=_sent_intermediate_theory)
register_list("sent_basic_theory", view=VIEW, page=_sent_basic_theory)
register_list("village_committee_theory_ok", view=VIEW, page=_village_committee_theory_ok)
register_list("contest_cells", view=VIEW, page=_contest_cells)
register_list("contest_district_contestants", view=VIEW, page=_contest_district_contestants)
