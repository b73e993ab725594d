"""Lookups of courses, enrolments and the contest through the scope: outside it, 404."""

from django.http import Http404

from chibo.core.web import covers_or_404, get_or_404, scoped_or_404

from .models import Contest, Contestant, ContestRound, Enrollment, TrainingCourse
from .selectors import scoped_contests, scoped_courses


def course_or_404(scope, pk, write=False) -> TrainingCourse:
    """A course the scope sees (organized above for the people it covers, or within); with
    `write`, one the scope organizes."""
    course = get_or_404(scoped_courses(scope).select_related("organizer"), pk=pk)
    if write:
        covers_or_404(scope, course.organizer, write=True)
    return course


def can_record_result(scope, enrollment: Enrollment) -> bool:
    """The member's own committee, or whoever runs the course for the people it covers."""
    cell = enrollment.member.cell
    return scope.can_write(cell) or (
        scope.can_write(enrollment.course.organizer) and scope.covers(cell)
    )


def enrollment_or_404(scope, pk, write=False) -> Enrollment:
    enrollment = scoped_or_404(
        scope, Enrollment.objects.select_related("course__organizer"), pk, org="member__cell"
    )
    course_or_404(scope, enrollment.course_id)
    if write and not can_record_result(scope, enrollment):
        raise Http404
    return enrollment


def contest_or_404(scope, pk, write=False) -> Contest:
    contest = get_or_404(scoped_contests(scope).select_related("organizer"), pk=pk)
    if write:
        covers_or_404(scope, contest.organizer, write=True)
    return contest


def round_or_404(scope, pk) -> ContestRound:
    """A round its organizer's writers may enter contestants in and score."""
    rounds = ContestRound.objects.select_related("contest")
    return scoped_or_404(scope, rounds, pk, org="organizer", write=True)


def contestant_or_404(scope, pk) -> Contestant:
    """A contestant of a round the scope organizes, from a cell the scope reads."""
    c = get_or_404(
        Contestant.objects.select_related(
            "round__contest__organizer", "round__organizer", "member", "cell"
        ),
        pk=pk,
    )
    covers_or_404(scope, c.round.organizer, write=True)
    covers_or_404(scope, c.cell)
    return c
