"""Indicators of training and the secretary contest, on the structure of the date asked for.

Each indicator has a `*_rows(org, as_of)` queryset: the list behind the figure, shown by the
page training:indicator (/training/indicators/<code>/?org=<id>&as_of=dd/mm/yyyy).

The training window starts at `training_since()`: the article's "since 2021" (từ năm 2021),
1 January 2021 unless settings.CHIBO_TRAINING_SINCE (an ISO date) says otherwise.
"""

import datetime

from django.conf import settings
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from chibo.core.indicators import Value, register
from chibo.organizations.models import PATH_STEP, Organization, OrganizationPeriod, subtree_q
from chibo.organizations.selectors import path_as_of

from .models import Contest, Contestant, ContestRound, Enrollment, TrainingCourse

TRAINING_SINCE = datetime.date(2021, 1, 1)  # the article: "từ năm 2021 đến nay"
TRAINING_KINDS = (TrainingCourse.Kind.PARTY_WORK, TrainingCourse.Kind.GOVERNMENT_WORK)


def training_since() -> datetime.date:
    value = getattr(settings, "CHIBO_TRAINING_SINCE", None)
    if not value:
        return TRAINING_SINCE
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _periods(path: str | None, as_of: datetime.date):
    if path is None:
        return OrganizationPeriod.objects.none()
    return OrganizationPeriod.objects.filter(
        subtree_q(path), Q(valid_to__isnull=True) | Q(valid_to__gt=as_of), valid_from__lte=as_of
    )


def _org_ids(path, as_of):
    return _periods(path, as_of).values("organization_id")


def _village_cell_ids(path, as_of):
    return (
        _periods(path, as_of)
        .filter(
            organization__kind=Organization.Kind.CELL,
            organization__cell_type=Organization.CellType.RESIDENTIAL,
        )
        .values("organization_id")
    )


# --- courses --------------------------------------------------------------------------------


def training_courses_rows(org, as_of, since=None):
    """Party-work and government-work courses organized under `org` (itself included, on the
    structure of `as_of`) that started between `since` and `as_of`."""
    since = since or training_since()
    return TrainingCourse.objects.filter(
        kind__in=TRAINING_KINDS,
        organizer_id__in=_org_ids(path_as_of(org, as_of), as_of),
        start__gte=since,
        start__lte=as_of,
    )


def training_attendances_rows(org, as_of, since=None):
    """Enrolments in those courses, except those marked absent (they did not attend)."""
    return Enrollment.objects.filter(
        course__in=training_courses_rows(org, as_of, since).values("pk")
    ).exclude(status=Enrollment.Status.ABSENT)


@register("training_courses", _("Lớp tập huấn nghiệp vụ công tác đảng, chính quyền (từ 2021)"))
def training_courses(org: Organization, as_of: datetime.date) -> Value:
    """Two queries: the org's path on the date; the count."""
    return Value(training_courses_rows(org, as_of).count())


@register("training_attendances", _("Lượt người tham gia tập huấn (từ 2021)"))
def training_attendances(org: Organization, as_of: datetime.date) -> Value:
    """Two queries: the org's path on the date; the count."""
    return Value(training_attendances_rows(org, as_of).count())


# --- theory ---------------------------------------------------------------------------------


def _sent_rows(kind, cells, as_of, since):
    """Enrolments in `kind` courses that started between `since` and `as_of`, of members who
    were in one of `cells` (a subquery of ids) on the course's first day. Every nomination
    counts, whatever its result: the article counts people sent (cử đi học)."""
    return Enrollment.objects.filter(
        Q(member__memberships__end__isnull=True)
        | Q(member__memberships__end__gt=F("course__start")),
        course__kind=kind,
        course__start__gte=since,
        course__start__lte=as_of,
        member__memberships__cell_id__in=cells,
        member__memberships__start__lte=F("course__start"),
    )


def sent_intermediate_theory_rows(org, as_of, since=None):
    """Intermediate theory enrolments since `since` of members then in any cell under `org`
    (committee members and officials alike: agency cells count)."""
    since = since or training_since()
    return _sent_rows(
        TrainingCourse.Kind.INTERMEDIATE_THEORY,
        _org_ids(path_as_of(org, as_of), as_of),
        as_of,
        since,
    )


def sent_basic_theory_rows(org, as_of, since=None):
    """Basic theory enrolments since `since` of members then in a village cell under `org`.

    The article says "village committee members"; a seat on the committee is not required
    here because people are sent before they are elected as often as after (planned
    successors), and the committee seats of 2021 may not all be on record.
    """
    since = since or training_since()
    return _sent_rows(
        TrainingCourse.Kind.BASIC_THEORY,
        _village_cell_ids(path_as_of(org, as_of), as_of),
        as_of,
        since,
    )


@register(
    "sent_intermediate_theory",
    _("Cán bộ, cấp ủy viên được cử đi học trung cấp lý luận chính trị (từ 2021)"),
)
def sent_intermediate_theory(org: Organization, as_of: datetime.date) -> Value:
    """Distinct members. Two queries: the org's path; the count."""
    rows = sent_intermediate_theory_rows(org, as_of)
    return Value(rows.values("member_id").distinct().count())


@register(
    "sent_basic_theory", _("Cấp ủy viên chi bộ thôn, bản được cử đi học sơ cấp lý luận (từ 2021)")
)
def sent_basic_theory(org: Organization, as_of: datetime.date) -> Value:
    """Distinct members. Two queries: the org's path; the count."""
    rows = sent_basic_theory_rows(org, as_of)
    return Value(rows.values("member_id").distinct().count())


# --- the contest ----------------------------------------------------------------------------


def contest_in_force(path: str | None, as_of: datetime.date) -> Contest | None:
    """The latest contest (by year) organized at the node of `path` or above it with a round
    held on or before `as_of`: the one whose results stand on that date."""
    if path is None:
        return None
    ids = [int(path[i : i + PATH_STEP - 1]) for i in range(0, len(path), PATH_STEP)]
    return (
        Contest.objects.filter(organizer_id__in=ids, rounds__held_on__lte=as_of)
        .order_by("-year", "-id")
        .distinct()
        .first()
    )


def _contestants(contest, level, cells, as_of):
    if contest is None:
        return Contestant.objects.none()
    return Contestant.objects.filter(
        round__contest=contest, round__level=level, round__held_on__lte=as_of, cell_id__in=cells
    )


def contest_cells_rows(org, as_of):
    """(contest, village cells under `org` with their grassroots-round contestants' count)."""
    path = path_as_of(org, as_of)
    contest = contest_in_force(path, as_of)
    cells = _village_cell_ids(path, as_of)
    entered = _contestants(contest, ContestRound.Level.GRASSROOTS, cells, as_of)
    return contest, cells, entered


@register("contest_cells", _("Chi bộ thôn, bản có bí thư dự Hội thi Bí thư chi bộ giỏi cấp cơ sở"))
def contest_cells(org: Organization, as_of: datetime.date) -> Value:
    """Village cells with a contestant in a grassroots round of the contest in force, of the
    village cells under `org` on `as_of`. Four queries: path, contest, two counts."""
    contest, cells, entered = contest_cells_rows(org, as_of)
    n = entered.values("cell_id").distinct().count() if contest else 0
    return Value(n, cells.count())


def contest_district_contestants_rows(org, as_of):
    path = path_as_of(org, as_of)
    contest = contest_in_force(path, as_of)
    return _contestants(contest, ContestRound.Level.DISTRICT, _org_ids(path, as_of), as_of)


@register("contest_district_contestants", _("Thí sinh dự Hội thi Bí thư chi bộ giỏi cấp huyện"))
def contest_district_contestants(org: Organization, as_of: datetime.date) -> Value:
    """District-round contestants of the contest in force from cells under `org`. Three
    queries: path, contest, count."""
    return Value(contest_district_contestants_rows(org, as_of).count())


COURSE_CODES = (
    "training_courses",
    "training_attendances",
    "sent_intermediate_theory",
    "sent_basic_theory",
)
CONTEST_CODES = ("contest_cells", "contest_district_contestants")
CODES = COURSE_CODES + CONTEST_CODES
