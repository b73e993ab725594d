"""Lookups of courses, enrolments and the contest through the scope: outside it, 404."""

from django.http import Http404

from chibo.members.models import Member

from .models import Contest, Contestant, ContestRound, Enrollment, TrainingCourse
from .selectors import scoped_contests, scoped_courses


def _get_or_404(qs, pk):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def member_or_404(scope, pk) -> Member:
    """A member whose training the user may read: in their scope, or themselves."""
    member = _get_or_404(Member.objects.select_related("cell"), pk)
    if scope.covers(member.cell) or scope.member_self_id == member.pk:
        return member
    raise Http404


def course_or_404(scope, pk, write=False) -> TrainingCourse:
    course = _get_or_404(scoped_courses(scope).select_related("organizer"), pk)
    if write and not scope.can_write(course.organizer):
        raise Http404
    return course


def can_record_result(scope, enrollment: Enrollment) -> bool:
    """The member's own committee, or whoever runs the course for the people it covers."""
    cell = enrollment.member.cell
    return scope.can_write(cell) or (
        scope.can_write(enrollment.course.organizer) and scope.covers(cell)
    )


def enrollment_or_404(scope, pk, write=False) -> Enrollment:
    enrollment = _get_or_404(
        Enrollment.objects.select_related("course__organizer", "member__cell"), pk
    )
    if not scope.covers(enrollment.member.cell):
        raise Http404
    course_or_404(scope, enrollment.course_id)
    if write and not can_record_result(scope, enrollment):
        raise Http404
    return enrollment


def contest_or_404(scope, pk, write=False) -> Contest:
    contest = _get_or_404(scoped_contests(scope).select_related("organizer"), pk)
    if write and not scope.can_write(contest.organizer):
        raise Http404
    return contest


def round_or_404(scope, pk) -> ContestRound:
    """A round its organizer's writers may enter contestants in and score."""
    rnd = _get_or_404(ContestRound.objects.select_related("contest", "organizer"), pk)
    if not scope.can_write(rnd.organizer):
        raise Http404
    return rnd


def contestant_or_404(scope, pk) -> Contestant:
    c = _get_or_404(
        Contestant.objects.select_related(
            "round__contest__organizer", "round__organizer", "member", "cell"
        ),
        pk,
    )
    if not (scope.can_write(c.round.organizer) and scope.covers(c.cell)):
        raise Http404
    return c
