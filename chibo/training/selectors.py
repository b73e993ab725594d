"""Reads of courses, enrolments, nomination candidates and the contest, from the user's scope.

Who sees a course or a contest (kept simple on purpose):
  * its organizer is in the user's subtree (they run it or supervise who does), or
  * its organizer is above one of the user's nodes (a district course is open to its communes
    and cells: they must see it to nominate), or
  * one of its participants (contestants) is in a cell the user covers.
Inside a visible course or contest, people are listed only when their cell is in the user's
scope: a commune sees its own members in a district course, never another commune's.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from chibo.committees.models import (
    ConcurrentRole,
    Position,
    QualificationStandard,
    SuccessionPlan,
    Title,
    in_force_q,
)
from chibo.core.indicators import once_per_batch
from chibo.members.models import IN_CELL_STATUSES, THEORY_RANK, Member, TheoryLevel
from chibo.organizations.models import PATH_STEP, Organization, subtree_q

from .models import Contest, Contestant, ContestRound, Enrollment, TheoryLevelChange, TrainingCourse


def _ancestor_ids(paths) -> set[int]:
    """Ids of the nodes above (and at) the given tree paths, read from the paths themselves."""
    ids = set()
    for p in paths:
        ids.update(int(p[i : i + PATH_STEP - 1]) for i in range(0, len(p), PATH_STEP))
    return ids


def _visible_q(scope, people_ids) -> Q:
    """Organized in or above the scope's nodes, or with one of `people_ids` (a subquery)."""
    q = scope.paths_q("organizer__path")
    q |= Q(organizer_id__in=_ancestor_ids(scope.read_paths))
    q |= Q(pk__in=people_ids)
    return q


def people_q(scope, cell_path: str = "member__cell__path", write=False) -> Q:
    """Rows whose person's cell the scope covers (Q() for a superuser)."""
    return scope.paths_q(cell_path, paths=scope.write_paths if write else None)


def scoped_courses(scope):
    qs = TrainingCourse.objects.all()
    if scope.superuser:
        return qs
    if not scope.read_paths:
        return qs.none()
    participants = Enrollment.objects.filter(people_q(scope)).values("course_id")
    return qs.filter(_visible_q(scope, participants))


def scoped_contests(scope):
    qs = Contest.objects.all()
    if scope.superuser:
        return qs
    if not scope.read_paths:
        return qs.none()
    entries = Contestant.objects.filter(people_q(scope, "cell__path")).values("round__contest_id")
    return qs.filter(_visible_q(scope, entries))


def _count(relation: str, q: Q, **extra) -> Count:
    """Count of `relation` rows matching q (no FILTER clause when q is empty)."""
    cond = Q(**extra) & q
    return Count(relation, filter=cond, distinct=True) if cond else Count(relation, distinct=True)


def course_list(scope, filters: dict, org: Organization | None = None):
    """Courses for validated CourseFilterForm data; `org` (already scope-checked) filters the
    organizer's subtree. Each row has .participants and .completed among the visible people."""
    qs = scoped_courses(scope).select_related("organizer")
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "organizer__path"))
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("year"):
        qs = qs.filter(start__year=filters["year"])
    visible = people_q(scope, "enrollments__member__cell__path")
    return qs.annotate(
        participants=_count("enrollments", visible),
        completed=_count("enrollments", visible, enrollments__status=Enrollment.Status.COMPLETED),
    ).order_by("-start", "title", "id")


def course_participants(scope, course: TrainingCourse):
    return (
        course.enrollments.filter(people_q(scope))
        .select_related("member", "member__cell")
        .order_by("member__sort_key", "member_id")
    )


def member_history(member: Member) -> dict:
    """A member's enrolments (with their courses) and theory level changes: two queries."""
    return {
        "enrollments": list(
            member.enrollments.select_related("course", "course__organizer").order_by(
                "-course__start", "-id"
            )
        ),
        "theory_changes": list(
            TheoryLevelChange.objects.filter(member=member)
            .select_related("enrollment__course", "actor")
            .order_by("on", "id")
        ),
    }


# --- nomination candidates ------------------------------------------------------------------


def committee_standard(on: datetime.date) -> QualificationStandard | None:
    """The cell committee qualification standard in force on `on` (None if none recorded); read
    once for every organization of a batch."""
    return once_per_batch(
        ("training.committee_standard", on),
        lambda: (
            QualificationStandard.objects.filter(
                applies_to=QualificationStandard.AppliesTo.CELL_COMMITTEE, effective_from__lte=on
            )
            .order_by("-effective_from", "-id")
            .first()
        ),
    )


def theory_level_on(on: datetime.date, member: str = "member"):
    """An expression for the theory level the member of each row (`member` names the relation)
    had on `on`: the level before the first raise recorded after `on` (TheoryLevelChange),
    else the member's level now. A level entered by hand leaves no history and so reads as held
    all along."""
    later = (
        TheoryLevelChange.objects.filter(member_id=OuterRef(f"{member}_id"), on__gt=on)
        .order_by("on", "id")
        .values("previous")[:1]
    )
    return Coalesce(Subquery(later), F(f"{member}__theory_level"))


def levels_below(level: str) -> list[str]:
    return [lvl for lvl, rank in THEORY_RANK.items() if rank < THEORY_RANK[level]]


# What a candidate row reads of the member, then of the seat or plan (values, not models: a
# district's list holds over a thousand planned successors).
_CANDIDATE_VALUES = (
    "member_id",
    "member__full_name",
    "member__theory_level",
    "member__cell__name",
    "title",
    "organization__name",
)


def committee_below_standard(scope, standard: QualificationStandard | None, on: datetime.date):
    """Seats in force on `on` in village cells held by members (in the scope's write area,
    still in a cell) whose theory level is below the standard's minimum, as _CANDIDATE_VALUES
    tuples."""
    if standard is None or not standard.min_theory_level:
        return Position.objects.none().values_list(*_CANDIDATE_VALUES)
    return (
        Position.objects.filter(
            in_force_q(on),
            _under_q(scope, "member__cell__path"),
            organization__kind=Organization.Kind.CELL,
            organization__cell_type=Organization.CellType.RESIDENTIAL,
            organization__valid_to__isnull=True,
            member__status__in=IN_CELL_STATUSES,
            member__theory_level__in=levels_below(standard.min_theory_level),
        )
        .order_by("organization__path", "member__sort_key", "title")
        .values_list(*_CANDIDATE_VALUES)
    )


def _under_q(scope, cell_path: str) -> Q:
    """people_q(write=True) as prefix matches: with the path range, SQLite walks every member
    of the subtree to find the few with a seat or a plan; with LIKE it reads the seats or the
    plans and their members (a district's plans: 15 ms instead of 45)."""
    if scope.superuser:
        return Q()
    q = Q(pk__in=[])
    for p in scope.write_paths:
        q |= Q(**{f"{cell_path}__startswith": p})
    return q


def successors_lacking(scope, level: str | None):
    """Planned successors (not removed from the plan) in the scope's write area who lack
    `level`; every planned successor when `level` is None (a course without a theory level).
    As _CANDIDATE_VALUES tuples and the term name."""
    qs = SuccessionPlan.objects.filter(
        _under_q(scope, "member__cell__path"),
        removed_on__isnull=True,
        member__status__in=IN_CELL_STATUSES,
    )
    if level is not None:
        qs = qs.filter(member__theory_level__in=levels_below(level))
    return qs.order_by("organization__path", "member__sort_key", "title").values_list(
        *_CANDIDATE_VALUES, "term_name"
    )


@dataclass(frozen=True, slots=True)
class CandidateMember:
    pk: int
    full_name: str
    theory_level: str
    cell_name: str

    def get_theory_level_display(self):
        return _THEORY_LABELS.get(self.theory_level, self.theory_level)


@dataclass(frozen=True, slots=True)
class CandidatePost:
    """A seat held or a plan, as the candidate list shows it."""

    title: str
    organization_name: str
    term_name: str = ""

    def get_title_display(self):
        return Title(self.title).label


_THEORY_LABELS = dict(TheoryLevel.choices)


def nomination_candidates(scope, course: TrainingCourse, on: datetime.date) -> dict:
    """Candidates for `course`, one row per member: (a) village committee members below the
    committee standard, (b) planned successors lacking the course's theory level. Each row:
    {member, seats, plans, enrolled}. Three queries plus one for the standard."""
    standard = committee_standard(on)
    level = TrainingCourse.THEORY_OF_KIND.get(course.kind)
    rows: dict[int, dict] = {}

    def row_of(values, found):
        row = rows.get(values[0])
        if row is None:
            member = CandidateMember(*values[:4])
            row = rows[values[0]] = {"member": member, "seats": [], "plans": []}
            found.append(row)
        return row

    below = []
    for values in committee_below_standard(scope, standard, on):
        row_of(values, below)["seats"].append(CandidatePost(*values[4:]))
    successors = []
    for values in successors_lacking(scope, level):
        row_of(values, successors)["plans"].append(CandidatePost(*values[4:]))
    enrolled = (
        set(
            Enrollment.objects.filter(course=course, member_id__in=list(rows)).values_list(
                "member_id", flat=True
            )
        )
        if rows
        else set()
    )
    for member_id, row in rows.items():
        row["enrolled"] = member_id in enrolled
    return {
        "standard": standard,
        "level": level,
        "below": below,
        "successors": successors,
        "open_ids": [pk for pk in rows if pk not in enrolled],
    }


def enrollable_members(scope, filters: dict):
    """Members in the scope's write area, still in a cell, for the enrol page's search."""
    qs = Member.objects.in_cell().filter(people_q(scope, "cell__path", write=True))
    if filters.get("cell"):
        qs = qs.filter(cell_id=filters["cell"])
    if filters.get("q"):
        qs = qs.search(filters["q"])
    return qs.select_related("cell").order_by("sort_key", "id")


# The current posts the bulk enrolment page filters by: (label, what it matches).
POST_CHOICES = {
    "secretary": Title.SECRETARY.label,
    "deputy_secretary": Title.DEPUTY_SECRETARY.label,
    "committee": _("Chi ủy viên (mọi chức danh trong chi ủy)"),
    "village_head": ConcurrentRole.Kind.VILLAGE_HEAD.label,
}


def _post_q(post: str, on: datetime.date) -> Q:
    """Members holding `post` on `on`: a seat on a cell's committee or the village head."""
    if post == "village_head":
        heads = ConcurrentRole.objects.filter(
            in_force_q(on), kind=ConcurrentRole.Kind.VILLAGE_HEAD, member_id=OuterRef("pk")
        )
        return Q(Exists(heads))
    seats = Position.objects.filter(
        in_force_q(on), organization__kind=Organization.Kind.CELL, member_id=OuterRef("pk")
    )
    if post != "committee":
        seats = seats.filter(title=post)
    return Q(Exists(seats))


def bulk_enrollment_candidates(scope, filters: dict, on: datetime.date):
    """Members in the scope's write area, still in a cell, for the bulk enrolment page: under
    `org` (a cell or a commune), holding `post` on `on`, at `theory` level. Each with its
    cell and, in `current_positions` and `current_posts`, its cell seats and village posts in
    force on `on` (two queries for the whole list)."""
    qs = Member.objects.in_cell().filter(people_q(scope, "cell__path", write=True))
    if filters.get("org"):
        qs = qs.filter(subtree_q(filters["org"].path, "cell__path"))
    if filters.get("post"):
        qs = qs.filter(_post_q(filters["post"], on))
    if filters.get("theory"):
        qs = qs.filter(theory_level=filters["theory"])
    return (
        qs.select_related("cell")
        .prefetch_related(
            Prefetch(
                "positions",
                queryset=Position.objects.filter(
                    in_force_q(on), organization__kind=Organization.Kind.CELL
                ).order_by("title"),
                to_attr="current_positions",
            ),
            Prefetch(
                "concurrent_roles",
                queryset=ConcurrentRole.objects.filter(in_force_q(on)).order_by("kind"),
                to_attr="current_posts",
            ),
        )
        .order_by("sort_key", "id")
    )


# --- the contest ----------------------------------------------------------------------------


def contest_list(scope):
    visible = people_q(scope, "rounds__contestants__cell__path")
    return (
        scoped_contests(scope)
        .select_related("organizer")
        .annotate(
            round_count=Count("rounds", distinct=True),
            contestant_count=_count("rounds__contestants", visible),
        )
        .order_by("-year", "name", "id")
    )


def competition_ranks(scores) -> dict:
    """{score: rank} with standard competition ranking (1, 2, 2, 4) for the scores given."""
    ranks, ordered = {}, sorted(scores, reverse=True)
    for i, s in enumerate(ordered, start=1):
        ranks.setdefault(s, i)
    return ranks


# What the contest page and its export read of a contestant, its member and its cell.
_CONTESTANT_FIELDS = (
    *(
        f.name
        for f in Contestant._meta.concrete_fields
        if f.name not in ("created_at", "updated_at")
    ),
    "member__full_name",
    "member__sort_key",
    "cell__name",
)


def contest_results(scope, contest: Contest) -> list[dict]:
    """Per round: the round, its visible contestants ranked by score, and the number of
    distinct cells among them. Ranks are taken among all of the round's scores, so a commune
    sees its contestants' true places. Rounds of nodes outside the scope (another commune's)
    are left out unless they hold people in it. Three queries whatever the number of rounds."""
    rounds = list(contest.rounds.select_related("organizer").order_by("held_on", "level", "id"))
    all_scores: dict[int, list] = {r.pk: [] for r in rounds}
    for round_id, score in Contestant.objects.filter(
        round__contest=contest, score__isnull=False
    ).values_list("round_id", "score"):
        all_scores[round_id].append(score)
    ranks = {rid: competition_ranks(s) for rid, s in all_scores.items()}
    by_round: dict[int, list] = {r.pk: [] for r in rounds}
    contestants = (
        Contestant.objects.filter(people_q(scope, "cell__path"), round__contest=contest)
        .select_related("member", "cell")
        .only(*_CONTESTANT_FIELDS)
        .order_by("round_id", "member__sort_key", "id")
    )
    for c in contestants:
        c.rank = ranks[c.round_id].get(c.score) if c.score is not None else None
        by_round[c.round_id].append(c)
    result = []
    above = _ancestor_ids(scope.read_paths)
    for r in rounds:
        # Another commune's round stays unseen, as that commune does (outside = missing).
        shown = scope.superuser or scope.covers(r.organizer) or r.organizer_id in above
        if not (shown or by_round[r.pk]):
            continue
        rows = sorted(
            by_round[r.pk], key=lambda c: (c.rank is None, c.rank or 0, c.member.sort_key)
        )
        result.append(
            {
                "round": r,
                "contestants": rows,
                "cells": len({c.cell_id for c in rows}),
                "scored": len(all_scores[r.pk]),
            }
        )
    return result


def round_cells(scope, rnd: ContestRound):
    """Active cells under the round's organizer that the scope may write, for the entry form."""
    return Organization.objects.filter(
        subtree_q(rnd.organizer.path),
        scope.paths_q(paths=scope.write_paths),
        kind=Organization.Kind.CELL,
        valid_to__isnull=True,
    ).order_by("path")
