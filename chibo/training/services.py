"""Writes to courses, enrolments, theory levels and the contest.

Each runs in one transaction, takes the acting user and writes its audit rows in it: a refused
write leaves nothing behind. `actor=None` is the system (demo builder, commands): it skips the
scope checks that a signed-in user is held to.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from chibo.accounts.scope import Scope
from chibo.core import audit
from chibo.core.dates import today
from chibo.core.forms import vn_decimal
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text
from chibo.members.models import IN_CELL_STATUSES, THEORY_RANK, Member, Membership
from chibo.organizations.models import Organization

from .models import Contest, Contestant, ContestRound, Enrollment, TheoryLevelChange, TrainingCourse

COURSE_FIELDS = ["kind", "title", "organizer", "start", "end", "place"]
CONTEST_FIELDS = ["name", "organizer", "year", "max_score"]
EARLIEST = datetime.date(1990, 1, 1)


def _names(members) -> str:
    return ", ".join(m.full_name for m in sorted(members, key=lambda m: m.sort_key))


def _check_valid_on(org: Organization, on: datetime.date | None, field: str):
    """The organization existed on `on` (history may be recorded after a node has closed)."""
    if on is None:
        return
    if org.valid_from > on or (org.valid_to is not None and org.valid_to <= on):
        raise ValidationError(
            {
                field: _("%(org)s không có hiệu lực vào ngày %(d)s.")
                % {"org": org.name, "d": day_text(on)}
            }
        )


def _check_course(course: TrainingCourse):
    errors = {}
    if course.kind not in TrainingCourse.Kind.values:
        errors["kind"] = _("Loại lớp không hợp lệ.")
    if not (course.title or "").strip():
        errors["title"] = _("Hãy nhập tên lớp.")
    if course.start and course.start < EARLIEST:
        errors["start"] = _("Ngày bắt đầu quá xa trong quá khứ.")
    if course.start and course.end and course.end < course.start:
        errors["end"] = _("Ngày kết thúc không được trước ngày bắt đầu.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def course_create(
    *,
    actor,
    kind: str,
    title: str,
    organizer: Organization,
    start: datetime.date,
    end: datetime.date,
    place: str = "",
) -> TrainingCourse:
    course = TrainingCourse(
        kind=kind,
        title=" ".join(title.split()),
        organizer=organizer,
        start=start,
        end=end,
        place=place.strip(),
    )
    _check_course(course)
    _check_valid_on(organizer, start, "organizer")
    course.save()
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=course,
        changes=audit.snapshot(course, COURSE_FIELDS),
    )
    return course


@transaction.atomic
def course_update(*, course: TrainingCourse, actor, **fields) -> TrainingCourse:
    """Change a course's fields (any of COURSE_FIELDS). Enrolments stay as they are."""
    locked = TrainingCourse.objects.select_for_update().get(pk=course.pk)
    before = audit.snapshot(locked, COURSE_FIELDS)
    for name, value in fields.items():
        if name not in COURSE_FIELDS:
            raise ValueError(name)
        setattr(locked, name, value)
    locked.title = " ".join(locked.title.split())
    _check_course(locked)
    if locked.organizer_id != before["organizer"] or locked.start.isoformat() != before["start"]:
        _check_valid_on(locked.organizer, locked.start, "organizer")
    kind_changed = locked.kind != before["kind"]
    if kind_changed and locked.enrollments.filter(status=Enrollment.Status.COMPLETED).exists():
        # The theory levels already granted came from the old kind; keep history truthful.
        raise ValidationError({"kind": _("Lớp đã có người hoàn thành nên không thể đổi loại lớp.")})
    first_completion = (
        locked.enrollments.filter(completed_on__isnull=False)
        .order_by("completed_on")
        .values_list("completed_on", flat=True)
        .first()
    )
    if first_completion and first_completion < locked.start:
        raise ValidationError(
            {
                "start": _("Đã có người hoàn thành ngày %(d)s, trước ngày bắt đầu mới.")
                % {"d": day_text(first_completion)}
            }
        )
    changes = audit.diff(before, audit.snapshot(locked, COURSE_FIELDS))
    if not changes:
        return locked
    locked.save()
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=locked, changes=changes)
    return locked


def _writable(actor, members) -> list[Member]:
    """The members the actor may not write (outside the write scope); none for the system."""
    if actor is None:
        return []
    scope = Scope.for_user(actor)
    return [m for m in members if not scope.can_write(m.cell)]


def _checked_members(course: TrainingCourse, members, actor) -> list[Member]:
    """Fresh rows of `members` (each once, with its cell), refused with the names when any is
    outside the actor's write scope or left the Party's ranks before the course began."""
    unique = list({m.pk: m for m in members}.values())
    if not unique:
        raise ValidationError(_("Hãy chọn ít nhất một đảng viên."))
    # Fresh rows with their cells: the scope check must not trust what the caller loaded.
    fresh = list(Member.objects.select_related("cell").filter(pk__in=[m.pk for m in unique]))
    if len(fresh) != len(unique):
        raise ValidationError(_("Có đảng viên không tồn tại."))
    outside = _writable(actor, fresh)
    if outside:
        raise ValidationError(
            _("Không thuộc phạm vi bạn được cử đi học: %(names)s.") % {"names": _names(outside)}
        )
    # Left the Party's ranks (death, transfer out...) before the course began.
    gone = [
        m
        for m in fresh
        if m.status not in IN_CELL_STATUSES
        and (m.status_since is None or m.status_since <= course.start)
    ]
    if gone:
        raise ValidationError(
            _("Không còn sinh hoạt ở chi bộ: %(names)s.") % {"names": _names(gone)}
        )
    return fresh


def _create_enrollments(course: TrainingCourse, members: list[Member], actor) -> list[Enrollment]:
    try:
        with transaction.atomic():
            created = Enrollment.objects.bulk_create(
                Enrollment(course=course, member=m)
                for m in sorted(members, key=lambda m: m.sort_key)
            )
    except IntegrityError:
        # A concurrent nomination won the race for one of them.
        raise ValidationError(
            _("Danh sách lớp vừa được người khác cập nhật. Hãy tải lại trang.")
        ) from None
    audit.record_many(
        [
            audit.event(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=e,
                changes={"course": [None, course.pk], "member": [None, e.member_id]},
            )
            for e in created
        ]
    )
    return created


@transaction.atomic
def enroll(*, course: TrainingCourse, members, actor) -> list[Enrollment]:
    """Nominate `members` to `course` in one go; all or nothing.

    Refused with the names: members already enrolled, members outside the actor's write scope,
    members no longer in a cell. The same member twice in `members` counts once.
    """
    course = TrainingCourse.objects.select_for_update().get(pk=course.pk)
    fresh = _checked_members(course, members, actor)
    already = set(
        Enrollment.objects.filter(course=course, member__in=fresh).values_list(
            "member_id", flat=True
        )
    )
    if already:
        raise ValidationError(
            _("Đã có tên trong lớp này: %(names)s.")
            % {"names": _names(m for m in fresh if m.pk in already)}
        )
    return _create_enrollments(course, fresh, actor)


@dataclass
class ManyEnrolled:
    """What enrollments_create_many did: the enrolments created, the members skipped because
    they were already enrolled."""

    created: list[Enrollment]
    skipped: list[Member]


@transaction.atomic
def enrollments_create_many(*, course: TrainingCourse, members, actor) -> ManyEnrolled:
    """Enrol many members in `course` at once (ticked across cells), each enrolment audited.

    Members already enrolled are skipped and reported, not refused. Refused with the names
    (nothing written): members outside the actor's write scope, members no longer in a cell.
    """
    course = TrainingCourse.objects.select_for_update().get(pk=course.pk)
    fresh = _checked_members(course, members, actor)
    already = set(
        Enrollment.objects.filter(course=course, member__in=fresh).values_list(
            "member_id", flat=True
        )
    )
    skipped = sorted((m for m in fresh if m.pk in already), key=lambda m: m.sort_key)
    created = _create_enrollments(course, [m for m in fresh if m.pk not in already], actor)
    return ManyEnrolled(created=created, skipped=skipped)


def _raise_theory(*, enrollment: Enrollment, on: datetime.date, actor) -> TheoryLevelChange | None:
    """Raise the member's theory level to the course's, never lowering it; history and audit."""
    level = TrainingCourse.THEORY_OF_KIND.get(enrollment.course.kind)
    if level is None:
        return None
    member = Member.objects.select_for_update().get(pk=enrollment.member_id)
    if THEORY_RANK[level] <= THEORY_RANK[member.theory_level]:
        return None
    change = TheoryLevelChange.objects.create(
        member=member,
        previous=member.theory_level,
        level=level,
        on=on,
        enrollment=enrollment,
        actor=actor if (actor is not None and actor.is_authenticated) else None,
    )
    previous = member.theory_level
    member.theory_level = level
    # updated_at moves too, so an open edit form of the member sees the change (lost update).
    member.save(update_fields=["theory_level", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=member,
        changes={"theory_level": [previous, level]},
        note=str(enrollment.course),
    )
    return change


@transaction.atomic
def record_result(
    *,
    enrollment: Enrollment,
    status: str,
    certificate: str = "",
    completed_on: datetime.date | None = None,
    actor,
) -> Enrollment:
    """Record the outcome of one participant.

    Completing a basic or intermediate theory course raises the member's theory level when the
    course's is higher, with a TheoryLevelChange; a level is never lowered, not even when a
    completion is later corrected to another result (the member record is corrected by hand).
    """
    locked = (
        Enrollment.objects.select_for_update()
        .select_related("course", "member")
        .get(pk=enrollment.pk)
    )
    certificate = (certificate or "").strip()
    errors = {}
    if status not in Enrollment.Status.values:
        errors["status"] = _("Kết quả không hợp lệ.")
    elif status == Enrollment.Status.COMPLETED:
        if completed_on is None:
            errors["completed_on"] = _("Hãy nhập ngày hoàn thành.")
        elif completed_on < locked.course.start:
            errors["completed_on"] = _(
                "Ngày hoàn thành không được trước ngày khai giảng (%(d)s)."
            ) % {"d": day_text(locked.course.start)}
        elif completed_on > today():
            errors["completed_on"] = _("Ngày hoàn thành không được ở tương lai.")
    else:
        if certificate:
            errors["certificate"] = _("Chỉ người hoàn thành mới có số chứng chỉ.")
        if completed_on is not None:
            errors["completed_on"] = _("Chỉ người hoàn thành mới có ngày hoàn thành.")
    if len(certificate) > 60:
        errors["certificate"] = _("Số chứng chỉ dài quá 60 ký tự.")
    if errors:
        raise ValidationError(errors)
    fields = ["status", "certificate", "completed_on"]
    before = audit.snapshot(locked, fields)
    was_completed = locked.status == Enrollment.Status.COMPLETED
    locked.status, locked.certificate, locked.completed_on = status, certificate, completed_on
    changes = audit.diff(before, audit.snapshot(locked, fields))
    if not changes:
        return locked
    locked.save(update_fields=[*fields, "updated_at"])
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=locked, changes=changes)
    if status == Enrollment.Status.COMPLETED and not was_completed:
        _raise_theory(enrollment=locked, on=completed_on, actor=actor)
    return locked


# --- the secretary contest ------------------------------------------------------------------


def _check_contest(contest: Contest):
    errors = {}
    if not (contest.name or "").strip():
        errors["name"] = _("Hãy nhập tên hội thi.")
    if contest.year is None or not (EARLIEST.year <= contest.year <= today().year + 2):
        errors["year"] = _("Năm không hợp lệ.")
    if contest.max_score is None or not (0 < contest.max_score <= 999):
        errors["max_score"] = _("Điểm tối đa phải lớn hơn 0 và không quá 999.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def contest_create(
    *, actor, name: str, organizer: Organization, year: int, max_score=Decimal(100)
) -> Contest:
    contest = Contest(
        name=" ".join(name.split()), organizer=organizer, year=year, max_score=max_score
    )
    _check_contest(contest)
    # The organizer existed at some time in the contest's year.
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if organizer.valid_from > last:
        _check_valid_on(organizer, last, "organizer")
    if organizer.valid_to is not None and organizer.valid_to <= first:
        _check_valid_on(organizer, first, "organizer")
    contest.save()
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=contest,
        changes=audit.snapshot(contest, CONTEST_FIELDS),
    )
    return contest


@transaction.atomic
def round_create(
    *, contest: Contest, level: str, held_on: datetime.date, organizer: Organization, actor
) -> ContestRound:
    """A round of `contest`, organized at the contest's organizer or a node under it."""
    contest = Contest.objects.select_for_update().select_related("organizer").get(pk=contest.pk)
    errors = {}
    if level not in ContestRound.Level.values:
        errors["level"] = _("Cấp thi không hợp lệ.")
    if not organizer.path.startswith(contest.organizer.path):
        errors["organizer"] = _("Đơn vị tổ chức vòng thi phải thuộc %(org)s.") % {
            "org": contest.organizer.name
        }
    if held_on is None or abs(held_on.year - contest.year) > 1:
        errors["held_on"] = _("Ngày thi phải trong năm %(y)s hoặc năm liền kề.") % {
            "y": contest.year
        }
    if not errors:
        try:
            _check_valid_on(organizer, held_on, "organizer")
        except ValidationError as e:
            errors.update(e.message_dict)
    if (
        not errors
        and ContestRound.objects.filter(contest=contest, level=level, organizer=organizer).exists()
    ):
        errors["organizer"] = _("Đơn vị này đã có vòng thi cấp này.")
    if errors:
        raise ValidationError(errors)
    rnd = ContestRound.objects.create(
        contest=contest, level=level, held_on=held_on, organizer=organizer
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=rnd,
        changes={
            "contest": [None, contest.pk],
            "level": [None, level],
            "held_on": [None, held_on.isoformat()],
            "organizer": [None, organizer.pk],
        },
    )
    return rnd


def in_cell_on(member: Member, cell: Organization, on: datetime.date) -> bool:
    return Membership.objects.filter(
        Q(end__isnull=True) | Q(end__gt=on), member=member, cell=cell, start__lte=on
    ).exists()


@transaction.atomic
def contestant_add(
    *, round: ContestRound, member: Member, actor, cell: Organization | None = None
) -> Contestant:
    """Enter `member` in `round` for `cell` (default: the member's cell).

    The member must belong to the cell on the round's date, the cell must be under the round's
    organizer, and a member enters a round once.
    """
    rnd = ContestRound.objects.select_for_update().select_related("organizer").get(pk=round.pk)
    cell = cell or member.cell
    errors = {}
    if cell.kind != Organization.Kind.CELL:
        errors["cell"] = _("Hãy chọn một chi bộ.")
    elif not cell.path.startswith(rnd.organizer.path):
        errors["cell"] = _("Chi bộ không thuộc đơn vị tổ chức vòng thi (%(org)s).") % {
            "org": rnd.organizer.name
        }
    elif not in_cell_on(member, cell, rnd.held_on):
        errors["member"] = _("%(name)s không sinh hoạt ở %(cell)s vào ngày thi %(d)s.") % {
            "name": member.full_name,
            "cell": cell.name,
            "d": day_text(rnd.held_on),
        }
    if not errors and Contestant.objects.filter(round=rnd, member=member).exists():
        errors["member"] = _("%(name)s đã có tên trong vòng thi này.") % {"name": member.full_name}
    if errors:
        raise ValidationError(errors)
    if actor is not None and not Scope.for_user(actor).can_write(cell):
        raise ValidationError({"cell": _("Chi bộ này ngoài phạm vi của bạn.")})
    contestant = Contestant.objects.create(round=rnd, cell=cell, member=member)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=contestant,
        changes={"round": [None, rnd.pk], "cell": [None, cell.pk], "member": [None, member.pk]},
    )
    return contestant


def parse_score(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return vn_decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"score": _("Điểm phải là một số.")}) from None


@transaction.atomic
def score_record(*, contestant: Contestant, score, prize: str = "", actor) -> Contestant:
    """Record a contestant's score (0 to the contest's maximum, two decimals) and prize."""
    locked = (
        Contestant.objects.select_for_update()
        .select_related("round__contest", "member")
        .get(pk=contestant.pk)
    )
    score = parse_score(score)
    max_score = locked.round.contest.max_score
    errors = {}
    if score is not None:
        if score < 0 or score > max_score:
            errors["score"] = _("Điểm phải từ 0 đến %(max)s.") % {
                "max": f"{max_score.normalize():f}".replace(".", ",")
            }
        elif score != score.quantize(Decimal("0.01")):
            errors["score"] = _("Điểm chỉ lấy tới hai chữ số thập phân.")
    prize = prize or ""
    if prize not in Contestant.Prize.values:
        errors["prize"] = _("Giải không hợp lệ.")
    elif prize and score is None:
        errors["prize"] = _("Hãy nhập điểm trước khi trao giải.")
    if errors:
        raise ValidationError(errors)
    if score is not None:
        score = score.quantize(Decimal("0.01"))  # as stored, so the audit diff compares alike
    fields = ["score", "prize"]
    before = audit.snapshot(locked, fields)
    locked.score, locked.prize = score, prize
    changes = audit.diff(before, audit.snapshot(locked, fields))
    if not changes:
        return locked
    locked.save(update_fields=[*fields, "updated_at"])
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=locked, changes=changes)
    return locked
