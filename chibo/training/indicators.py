"""Indicators of training and the secretary contest, on the structure of the date asked for.

Each indicator has a `*_rows(org, as_of)` queryset: the list behind the figure, shown by the
page training:indicator (/training/indicators/<code>/?org=<id>&as_of=dd/mm/yyyy).

The training window starts at `training_since()`: the article's "since 2021" (từ năm 2021),
1 January 2021 unless settings.CHIBO_TRAINING_SINCE (an ISO date) says otherwise.
"""

import datetime

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from chibo.committees.models import Position, in_force_q
from chibo.core.indicators import (
    Value,
    once_per_batch,
    prime,
    primed,
    register,
    register_preload,
)
from chibo.organizations.models import PATH_STEP, Organization
from chibo.organizations.selectors import (
    ids_at,
    ids_under,
    path_as_of,
    preload_closed,
    preload_paths,
    preload_per_org,
    preloaded_ids,
    preloaded_tops,
    preloaded_under,
    village_cell_count,
)

from .models import Contest, Contestant, ContestRound, Enrollment, TrainingCourse
from .selectors import committee_standard, levels_below, theory_level_on

TRAINING_SINCE = datetime.date(2021, 1, 1)  # the article: "từ năm 2021 đến nay"
TRAINING_KINDS = (TrainingCourse.Kind.PARTY_WORK, TrainingCourse.Kind.GOVERNMENT_WORK)


def training_since() -> datetime.date:
    value = getattr(settings, "CHIBO_TRAINING_SINCE", None)
    if not value:
        return TRAINING_SINCE
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _org_ids(path, as_of):
    return ids_at(path, as_of)


def _village_cell_ids(path, as_of):
    return ids_at(path, as_of, "village_cells")


# --- courses --------------------------------------------------------------------------------


def training_courses_rows(org, as_of, since=None):
    """Party-work and government-work courses organized under `org` (itself included, on the
    structure of `as_of`) that started between `since` and `as_of`."""
    since = since or training_since()
    return TrainingCourse.objects.filter(
        kind__in=TRAINING_KINDS,
        organizer_id__in=ids_under(org, as_of),
        start__gte=since,
        start__lte=as_of,
    )


def training_attendances_rows(org, as_of, since=None):
    """Enrolments in those courses, except those marked absent (they did not attend)."""
    return Enrollment.objects.filter(
        course__in=training_courses_rows(org, as_of, since).values("pk")
    ).exclude(status=Enrollment.Status.ABSENT)


def _course_counts(org, as_of) -> dict[str, int]:
    """{"courses": training_courses_rows' count, "attendances": training_attendances_rows'}.
    One query, read once for the two indicators of a compute_all."""

    def read():
        return training_courses_rows(org, as_of).aggregate(**_course_figures())

    return once_per_batch(("training.course_counts", org.pk, as_of), read)


def _course_figures() -> dict:
    return {
        "courses": Count("pk", distinct=True),
        "attendances": Count(
            "enrollments", filter=~Q(enrollments__status=Enrollment.Status.ABSENT)
        ),
    }


@register_preload
def preload(orgs, as_of: datetime.date) -> None:
    """_course_counts of every organization of a compute_many: each organizer's read once (a
    course has one organizer: the counts add up over the organizers under an organization)."""
    by_organizer = {
        row.pop("organizer_id"): row
        for row in TrainingCourse.objects.filter(
            kind__in=TRAINING_KINDS, start__gte=training_since(), start__lte=as_of
        )
        .values("organizer_id")
        .annotate(**_course_figures())
        .order_by()
    }

    def figures(ids):
        found = [by_organizer[i] for i in ids & by_organizer.keys()]
        return {name: sum(row[name] for row in found) for name in ("courses", "attendances")}

    preload_per_org(orgs, as_of, "all", "training.course_counts", figures)
    _preload_theory(orgs, as_of)
    _preload_sent(orgs, as_of)
    _preload_contests(orgs, as_of)


def _preload_contests(orgs, as_of: datetime.date) -> None:
    """contests_in_force and _contest_counts of every organization of a compute_many: the
    contests with a round held by `as_of` organized above or under the batch's organizations,
    and their contestants from cells under them, read once (two queries); each organization's
    those organized above or under it, and those of the latest year's contestants from its
    cells."""
    tops, under = preloaded_tops(as_of), preloaded_under(as_of)
    if not tops or under is None:
        return
    above = {i for top in tops for i in _above(top)}
    contests = list(
        Contest.objects.filter(
            Q(organizer_id__in=above) | Q(organizer_id__in=under), rounds__held_on__lte=as_of
        )
        .distinct()
        .order_by("-year", "id")
    )
    by_cell: dict[int, list] = {}  # cell id -> (contest id, grassroots village cell, district)
    if contests:
        levels = ContestRound.Level
        for contest_id, level, cell_id, kind, cell_type in Contestant.objects.filter(
            round__contest__in=[c.pk for c in contests],
            round__held_on__lte=as_of,
            cell_id__in=under,
        ).values_list(
            "round__contest_id", "round__level", "cell_id", "cell__kind", "cell__cell_type"
        ):
            village = (
                level == levels.GRASSROOTS
                and kind == Organization.Kind.CELL
                and cell_type == Organization.CellType.RESIDENTIAL
            )
            by_cell.setdefault(cell_id, []).append((contest_id, village, level == levels.DISTRICT))
    for org, path in preload_paths(orgs, as_of):
        ids = preloaded_ids(path, as_of, "all")
        if ids is None:
            continue
        mine = set(_above(path)) | ids
        held = [c for c in contests if c.organizer_id in mine]
        in_force = [c for c in held if c.year == held[0].year]
        prime(("training.contests_in_force", path, as_of), in_force)
        pks = {c.pk for c in in_force}
        rows = [(i, *row) for i in ids & by_cell.keys() for row in by_cell[i] if row[0] in pks]
        counts = {
            "cells": len({i for i, _contest, village, _district in rows if village}),
            "district": sum(1 for *_row, district in rows if district),
        }
        prime(("training.contest_counts", org.pk, as_of), counts)
    for org in preload_closed(orgs, as_of):  # no contest in force at no path
        prime(("training.contest_counts", org.pk, as_of), {"cells": 0, "district": 0})


def _preload_theory(orgs, as_of: datetime.date) -> None:
    """_theory_counts of every organization of a compute_many: each cell's positions once."""
    standard = committee_standard(as_of)
    minimum = standard.min_theory_level if standard else ""
    below = levels_below(minimum) if minimum else []
    positions = Position.objects.filter(
        in_force_q(as_of), organization__kind=Organization.Kind.CELL
    )
    if below:
        rows = positions.alias(level_then=theory_level_on(as_of)).values("organization_id")
        rows = rows.annotate(**_theory_figures(below))
    else:  # every holder meets the standard
        rows = positions.values("organization_id").annotate(total=Count("id"))
    by_cell = {row.pop("organization_id"): row for row in rows.order_by()}

    def figures(ids):
        found = [by_cell[i] for i in ids & by_cell.keys()]
        return {name: sum(row.get(name, 0) for row in found) for name in ("total", "below")}

    preload_per_org(orgs, as_of, "village_cells", "training.theory_counts", figures)


@register("training_courses", _("Lớp tập huấn nghiệp vụ công tác đảng, chính quyền (từ 2021)"))
def training_courses(org: Organization, as_of: datetime.date) -> Value:
    """Two queries: the org's path on the date; the count (shared with training_attendances)."""
    return Value(_course_counts(org, as_of)["courses"])


@register("training_attendances", _("Lượt người tham gia tập huấn (từ 2021)"))
def training_attendances(org: Organization, as_of: datetime.date) -> Value:
    """Two queries: the org's path on the date; the count (shared with training_courses)."""
    return Value(_course_counts(org, as_of)["attendances"])


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


def _sent_counts(org, as_of) -> dict[str, int]:
    """{"intermediate": the distinct members of sent_intermediate_theory_rows, "basic": those
    of sent_basic_theory_rows}: one query over the enrolments of both kinds of members then in
    a cell under `org`, the basic ones counted when that cell is a village cell (the village
    cells under `org` are its cells that are residential). Read once for the two indicators of
    a compute_all."""

    def read():
        kinds = TrainingCourse.Kind
        in_village_cell = Q(
            member__memberships__cell__kind=Organization.Kind.CELL,
            member__memberships__cell__cell_type=Organization.CellType.RESIDENTIAL,
        )
        return (
            _theory_enrollments(as_of, member__memberships__cell_id__in=ids_under(org, as_of))
            # The conditions below reuse the join to the memberships of the filter above.
            .aggregate(
                intermediate=Count(
                    "member_id", distinct=True, filter=Q(course__kind=kinds.INTERMEDIATE_THEORY)
                ),
                basic=Count(
                    "member_id",
                    distinct=True,
                    filter=Q(course__kind=kinds.BASIC_THEORY) & in_village_cell,
                ),
            )
        )

    return once_per_batch(("training.sent_counts", org.pk, as_of), read)


def _theory_enrollments(as_of, **where):
    """Enrolments in theory courses since training_since() up to `as_of`, joined to the
    memberships their member had on the course's first day (among `where`'s)."""
    kinds = TrainingCourse.Kind
    return Enrollment.objects.filter(
        Q(member__memberships__end__isnull=True)
        | Q(member__memberships__end__gt=F("course__start")),
        course__kind__in=(kinds.INTERMEDIATE_THEORY, kinds.BASIC_THEORY),
        course__start__gte=training_since(),
        course__start__lte=as_of,
        member__memberships__start__lte=F("course__start"),
        **where,
    )


def _preload_sent(orgs, as_of: datetime.date) -> None:
    """_sent_counts of every organization of a compute_many: the members sent, by the cell they
    were in on the course's first day, read once (counted distinct over the cells)."""
    sent: dict[str, dict[int, set]] = {"intermediate": {}, "basic": {}}
    kinds = TrainingCourse.Kind
    for member_id, cell_id, kind in _theory_enrollments(
        as_of, member__memberships__isnull=False
    ).values_list("member_id", "member__memberships__cell_id", "course__kind"):
        which = "intermediate" if kind == kinds.INTERMEDIATE_THEORY else "basic"
        sent[which].setdefault(cell_id, set()).add(member_id)

    def union(by_cell, ids):
        found = set()
        for i in ids & by_cell.keys():
            found |= by_cell[i]
        return len(found)

    # "basic" counts the village cells under the organization: those of its cells that are
    # residential, as the query's condition on the membership's cell.
    for org in orgs:
        path = primed(("path_as_of", org.pk, as_of))
        everything = preloaded_ids(path, as_of, "all") if path is not None else None
        if everything is not None:
            village_cells = preloaded_ids(path, as_of, "village_cells")
            prime(
                ("training.sent_counts", org.pk, as_of),
                {
                    "intermediate": union(sent["intermediate"], everything),
                    "basic": union(sent["basic"], village_cells),
                },
            )


@register(
    "sent_intermediate_theory",
    _("Cán bộ, cấp ủy viên được cử đi học trung cấp lý luận chính trị (từ 2021)"),
)
def sent_intermediate_theory(org: Organization, as_of: datetime.date) -> Value:
    """Distinct members. Two queries: the org's path; the count (shared with
    sent_basic_theory)."""
    return Value(_sent_counts(org, as_of)["intermediate"])


@register(
    "sent_basic_theory", _("Cấp ủy viên chi bộ thôn, bản được cử đi học sơ cấp lý luận (từ 2021)")
)
def sent_basic_theory(org: Organization, as_of: datetime.date) -> Value:
    """Distinct members. Two queries: the org's path; the count (shared with
    sent_intermediate_theory)."""
    return Value(_sent_counts(org, as_of)["basic"])


def village_committee_theory_rows(org, as_of):
    """(standard, levels below it, positions in force on `as_of` in the village cells under
    `org`, each annotated `level_then`: the holder's theory level on that date)."""
    standard = committee_standard(as_of)
    minimum = standard.min_theory_level if standard else ""
    below = levels_below(minimum) if minimum else []
    positions = Position.objects.filter(
        in_force_q(as_of), organization_id__in=ids_under(org, as_of, "village_cells")
    ).annotate(level_then=theory_level_on(as_of))
    return standard, below, positions


@register(
    "village_committee_theory_ok",
    _("Cấp ủy viên chi bộ thôn, bản đạt chuẩn lý luận chính trị"),
)
def village_committee_theory_ok(org: Organization, as_of: datetime.date) -> Value:
    """Positions in force in village cells whose holder had, on `as_of`, the theory level of the
    cell committee standard then in force, of those positions (all of them without a
    standard). Three queries: the standard, the path, the aggregate."""
    c = once_per_batch(
        ("training.theory_counts", org.pk, as_of), lambda: _theory_counts(org, as_of)
    )
    return Value(c["total"] - c["below"], c["total"])


def _theory_counts(org, as_of) -> dict[str, int]:
    _standard, below, positions = village_committee_theory_rows(org, as_of)
    if not below:  # no standard, or no minimum level: every holder meets it
        return {"total": positions.count(), "below": 0}
    return positions.aggregate(**_theory_figures(below))


def _theory_figures(below) -> dict:
    return {"total": Count("id"), "below": Count("id", filter=Q(level_then__in=below))}


# --- the contest ----------------------------------------------------------------------------


def contests_in_force(path: str | None, as_of: datetime.date) -> list[Contest]:
    """The contests whose results stand on `as_of` for the subtree at `path`: of the contests
    organized at that node, above it or under it (on the structure of `as_of`) with a round
    held on or before `as_of`, those of the latest year. So a district's contest counts for
    the province above it as a province's counts for its districts, and the contests two
    communes held in one year both count for their district. One query."""
    if path is None:
        return []

    def read():
        above = _above(path)
        held = list(
            Contest.objects.filter(
                Q(organizer_id__in=above) | Q(organizer_id__in=_org_ids(path, as_of)),
                rounds__held_on__lte=as_of,
            )
            .distinct()
            .order_by("-year", "id")
        )
        return [c for c in held if c.year == held[0].year]

    # Read once for the contest indicators of a compute_all.
    return once_per_batch(("training.contests_in_force", path, as_of), read)


def _above(path: str) -> list[int]:
    """The ids of the organization at `path` and of those above it (a path is their ids)."""
    return [int(path[i : i + PATH_STEP - 1]) for i in range(0, len(path), PATH_STEP)]


def _contestants(contests, level, cells, as_of):
    if not contests:
        return Contestant.objects.none()
    return Contestant.objects.filter(
        round__contest__in=[c.pk for c in contests],
        round__level=level,
        round__held_on__lte=as_of,
        cell_id__in=cells,
    )


def contest_cells_rows(org, as_of):
    """(contests in force, village cells under `org`, their grassroots-round contestants)."""
    path = path_as_of(org, as_of)
    contests = contests_in_force(path, as_of)
    cells = _village_cell_ids(path, as_of)
    entered = _contestants(contests, ContestRound.Level.GRASSROOTS, cells, as_of)
    return contests, cells, entered


def _contest_counts(org, as_of) -> dict[str, int]:
    """{"cells": the village cells with a contestant in contest_cells_rows' grassroots rounds,
    "district": contest_district_contestants_rows' count}: one query over the contestants of
    the contests in force from cells under `org` (a village cell under `org` is one of them
    that is residential). Read once for the two indicators of a compute_all."""

    def read():
        path = path_as_of(org, as_of)
        contests = contests_in_force(path, as_of)
        if not contests:
            return {"cells": 0, "district": 0}
        levels = ContestRound.Level
        return Contestant.objects.filter(
            round__contest__in=[c.pk for c in contests],
            round__held_on__lte=as_of,
            cell_id__in=_org_ids(path, as_of),
        ).aggregate(
            cells=Count(
                "cell_id",
                distinct=True,
                filter=Q(
                    round__level=levels.GRASSROOTS,
                    cell__kind=Organization.Kind.CELL,
                    cell__cell_type=Organization.CellType.RESIDENTIAL,
                ),
            ),
            district=Count("pk", filter=Q(round__level=levels.DISTRICT)),
        )

    return once_per_batch(("training.contest_counts", org.pk, as_of), read)


@register("contest_cells", _("Chi bộ thôn, bản có bí thư dự Hội thi Bí thư chi bộ giỏi cấp cơ sở"))
def contest_cells(org: Organization, as_of: datetime.date) -> Value:
    """Village cells with a contestant in a grassroots round of the contests in force, of the
    village cells under `org` on `as_of`. Four queries: path, contests, the contestants counted
    (shared with contest_district_contestants), the number of cells (shared)."""
    return Value(_contest_counts(org, as_of)["cells"], village_cell_count(org, as_of))


def contest_district_contestants_rows(org, as_of):
    """(contests in force, district-round contestants of them from cells under `org`)."""
    path = path_as_of(org, as_of)
    contests = contests_in_force(path, as_of)
    rows = _contestants(contests, ContestRound.Level.DISTRICT, _org_ids(path, as_of), as_of)
    return contests, rows


@register("contest_district_contestants", _("Thí sinh dự Hội thi Bí thư chi bộ giỏi cấp huyện"))
def contest_district_contestants(org: Organization, as_of: datetime.date) -> Value:
    """District-round contestants of the contests in force from cells under `org`. Queries
    shared with contest_cells."""
    return Value(_contest_counts(org, as_of)["district"])


COURSE_CODES = (
    "training_courses",
    "training_attendances",
    "sent_intermediate_theory",
    "sent_basic_theory",
    "village_committee_theory_ok",
)
CONTEST_CODES = ("contest_cells", "contest_district_contestants")
CODES = COURSE_CODES + CONTEST_CODES
