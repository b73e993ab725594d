"""Writes to admissions: candidates, their steps, targets. Each runs in one transaction, takes the
acting user and writes an audit event in it. The ceremony creates the member record and the
recognition makes it official, both through chibo.members.services: nothing is typed twice."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chibo.core import audit, changelog
from chibo.core.dated import end_dated_row
from chibo.core.dates import in_range, today
from chibo.core.models import AuditEvent
from chibo.core.templatetags.vn import vndate
from chibo.members import services as member_services
from chibo.members.models import Member, Membership, Status, StatusChange
from chibo.members.movements import services as movements
from chibo.members.rules import canonical_ethnicity, unknown_ethnicity_message
from chibo.organizations.models import Organization

from . import reminders, rules
from .models import (
    AdmissionRule,
    AdmissionStep,
    AdmissionTarget,
    Candidate,
    CandidateCell,
    Step,
)
from .selectors import candidate_cell_on, rules_all

# The day a candidate moved to another cell, in their page's change log (chibo.core.changelog).
changelog.describe(Candidate, "on", label=gettext_lazy("Từ ngày"), alone=True)

CANDIDATE_FIELDS = [
    "full_name",
    "sex",
    "birth_date",
    "ethnicity",
    "religion",
    "occupation",
    "education",
    "qualification",
    "hometown",
    "residence",
    "citizen_id",
]


def _check_cell(cell: Organization, on: datetime.date):
    if cell.kind != Organization.Kind.CELL or not (
        cell.valid_from <= on and (cell.valid_to is None or on < cell.valid_to)
    ):
        raise ValidationError({"cell": _("Hãy chọn một chi bộ đang hoạt động vào ngày đó.")})


def _check_date(field: str, day: datetime.date):
    if not in_range(day):
        raise ValidationError({field: _("Ngày phải trong các năm 1900–2100.")})
    if day > today():
        raise ValidationError({field: _("Ngày %(d)s ở tương lai.") % {"d": vndate(day)}})


@transaction.atomic
def candidate_create(*, actor, cell: Organization, listed_on: datetime.date, **fields) -> Candidate:
    """A new candidate of `cell`, listed on `listed_on`."""
    _check_date("listed_on", listed_on)
    _check_cell(cell, listed_on)
    unknown = set(fields) - set(CANDIDATE_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    if fields.get("ethnicity"):
        canonical = canonical_ethnicity(fields["ethnicity"])
        if canonical is None:
            raise ValidationError({"ethnicity": unknown_ethnicity_message(fields["ethnicity"])})
        fields["ethnicity"] = canonical
    fields["citizen_id"] = fields.get("citizen_id") or None
    if fields["citizen_id"] and (
        Member.objects.filter(citizen_id=fields["citizen_id"]).exists()
        or Candidate.objects.filter(citizen_id=fields["citizen_id"], member__isnull=True).exists()
    ):
        raise ValidationError({"citizen_id": _("Số CCCD này đã có trong danh sách.")})
    candidate = Candidate(cell=cell, listed_on=listed_on, **fields)
    candidate.full_name = " ".join(candidate.full_name.split())
    candidate.full_clean(exclude=["member"])
    candidate.save()
    CandidateCell.objects.create(candidate=candidate, cell=cell, start=listed_on)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=candidate,
        changes=audit.snapshot(candidate, CANDIDATE_FIELDS + ["cell", "listed_on"]),
    )
    return candidate


@transaction.atomic
def candidate_move_cell(
    *, candidate: Candidate, to_cell: Organization, on: datetime.date, actor, note: str = ""
) -> CandidateCell:
    """Move a candidate on the way in to `to_cell` from `on` (their cell merged or split): the
    next steps are the new cell's; the steps recorded stay as they are. Their cell's running row
    (CandidateCell) ends on `on` and a row in `to_cell` opens that day, so the board of a day
    before keeps them where they were; a row that begins on or after `on` (listed that day or
    later) has no day before the move to keep, and takes `to_cell` itself. Returns the row in
    `to_cell` (the candidate's open row, unchanged when it is already there). Refused for a
    candidacy ended by then or a cell not open that day."""
    locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
    _check_cell(to_cell, on)
    if locked.steps.filter(kind__in=rules.ENDING, on__lte=on).exists():
        raise ValidationError(
            _("%(n)s không còn trong danh sách xét kết nạp vào ngày %(d)s.")
            % {"n": locked.full_name, "d": vndate(on)}
        )
    current = CandidateCell.objects.select_for_update().get(candidate=locked, end__isnull=True)
    before = locked.cell_id
    if before == to_cell.pk:
        return current
    if on <= current.start:
        row = current
        row.cell = to_cell
        row.save(update_fields=["cell", "updated_at"])
    else:
        end_dated_row(row=current, on=on, actor=actor, note=note[:300], error_field="on")
        row = CandidateCell.objects.create(candidate=locked, cell=to_cell, start=on)
    locked.cell = to_cell
    locked.save(update_fields=["cell", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.TRANSFER,
        obj=locked,
        changes={"cell": [before, to_cell.pk], "on": [None, on.isoformat()]},
        note=note[:300],
    )
    return row


def _official_member_of_cell(member: Member, cell_id: int, on: datetime.date) -> bool:
    """Whether `member` was an official member of the cell on `on` (a membership open then,
    official by then, still in a cell: not removed, deceased or transferred out)."""
    if not member.is_official(on):
        return False
    return Membership.objects.in_force(on).filter(
        member=member, cell_id=cell_id
    ).exists() and member.status in (Status.ACTIVE, Status.EXEMPT)


def _check_sponsors(candidate: Candidate, on: datetime.date, sponsors, required: int):
    sponsors = [s for s in sponsors if s is not None]
    if len(sponsors) < required or len({s.pk for s in sponsors}) < len(sponsors):
        raise ValidationError(
            {
                "sponsor_1": _("Cần %(n)s đảng viên chính thức khác nhau giới thiệu.")
                % {"n": required}
            }
        )
    cell = candidate_cell_on(candidate, on)  # their cell that day, before a move since
    for i, sponsor in enumerate(sponsors, start=1):
        if not sponsor.is_official(on):
            raise ValidationError(
                {
                    f"sponsor_{i}": _(
                        "%(name)s là đảng viên dự bị vào ngày %(d)s: người giới thiệu phải là "
                        "đảng viên chính thức."
                    )
                    % {"name": sponsor.full_name, "d": vndate(on)}
                }
            )
        if not _official_member_of_cell(sponsor, cell.pk, on):
            raise ValidationError(
                {
                    f"sponsor_{i}": _(
                        "%(name)s không sinh hoạt ở %(cell)s vào ngày %(d)s: người giới thiệu "
                        "phải cùng chi bộ với quần chúng."
                    )
                    % {
                        "name": sponsor.full_name,
                        "cell": cell.name,
                        "d": vndate(on),
                    }
                }
            )


@transaction.atomic
def step_record(
    *,
    actor,
    candidate: Candidate,
    kind: str,
    on: datetime.date,
    number: str = "",
    issuer: str = "",
    note: str = "",
    sponsor_1: Member | None = None,
    sponsor_2: Member | None = None,
    until: datetime.date | None = None,
) -> AdmissionStep:
    """Record the next step of `candidate`'s admission. The ceremony creates the member (through
    members.services.member_create, admitted on the ceremony's day); the recognition makes them
    official (member_update, official from the end of probation); a removal during probation
    removes them (member_change_status). Refused, with nothing written, when a rule forbids it."""
    locked = Candidate.objects.select_for_update().select_related("cell").get(pk=candidate.pk)
    if kind not in Step.values:
        raise ValidationError({"kind": _("Bước không hợp lệ.")})
    if not in_range(on):
        raise ValidationError({"on": _("Ngày phải trong các năm 1900–2100.")})
    done = {s.kind: s for s in locked.steps.all()}
    all_rules = rules_all()
    errors = rules.step_errors(
        kind,
        on,
        number=number,
        until=until,
        done=done,
        issuer=issuer,
        rules=all_rules,
        today=today(),
    )
    if errors:
        raise ValidationError(errors)
    if kind == Step.SPONSORS:
        required = rules.rule_on(all_rules, on).sponsors_required
        _check_sponsors(locked, on, [sponsor_1, sponsor_2], required)
    elif sponsor_1 or sponsor_2:
        sponsor_1 = sponsor_2 = None
    step = AdmissionStep(
        candidate=locked,
        kind=kind,
        on=on,
        number=number.strip(),
        issuer=issuer.strip(),
        note=note.strip(),
        sponsor_1=sponsor_1,
        sponsor_2=sponsor_2,
        until=until if kind == Step.EXTENSION else None,
        actor=actor if actor is not None and actor.is_authenticated else None,
    )
    step.full_clean(exclude=["candidate", "actor", "sponsor_1", "sponsor_2"])
    step.save()
    done[kind] = step
    if kind == Step.CEREMONY:
        _admit(locked, step, actor)
    elif kind == Step.RECOGNITION:
        _recognize(locked, done, all_rules, actor)
    elif kind == Step.REMOVAL:
        # Xóa tên of a probationary member, through the members' movements.
        movements.member_remove(
            member=locked.member,
            on=on,
            kind=StatusChange.Kind.REMOVAL,
            decided_by=step.issuer,
            decision_number=step.number,
            actor=actor,
            reason=step.note,
            note=_("Xóa tên đảng viên dự bị, quyết định số %(n)s") % {"n": step.number},
        )
    # What this step answers is done: its reminders are settled for everyone.
    reminders.settle_step(candidate_id=locked.pk, kind=kind, done=done, all_rules=all_rules)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=step,
        changes={
            "candidate": [None, locked.pk],
            "kind": [None, kind],
            "on": [None, on.isoformat()],
            "number": [None, step.number],
        },
    )
    return step


def _admit(candidate: Candidate, ceremony: AdmissionStep, actor):
    _check_cell(candidate.cell, ceremony.on)
    fields = {k: getattr(candidate, k) for k in CANDIDATE_FIELDS}
    member = member_services.member_create(
        actor=actor,
        cell=candidate.cell,
        admission_date=ceremony.on,
        official_date=None,
        reason=Membership.Reason.ADMITTED,
        **fields,
    )
    candidate.member = member
    candidate.save(update_fields=["member", "updated_at"])


def _recognize(candidate: Candidate, done: dict, all_rules, actor):
    member = Member.objects.get(pk=candidate.member_id)
    member_services.member_update(
        member=member, actor=actor, official_date=rules.earliest_recognition(done, all_rules)
    )


# --- targets ------------------------------------------------------------------------------------


def target_kind(org: Organization) -> str:
    """'grassroots' for an organization the upper level sets a target for (a grassroots
    organization or a grassroots cell), 'cell' for a cell under a grassroots organization (its
    share of the grassroots target); '' for any other (an upper committee sums them)."""
    if org.kind == Organization.Kind.GRASSROOTS or org.is_grassroots_cell:
        return "grassroots"
    if org.kind == Organization.Kind.CELL:
        return "cell"
    return ""


@transaction.atomic
def target_set(
    *,
    actor,
    organization: Organization,
    year: int,
    value: int,
    decided_on: datetime.date,
    number: str = "",
) -> AdmissionTarget:
    """Set (or revise, from `decided_on`) `organization`'s admission target for `year`. A
    cell's share may not make its cells' shares exceed the grassroots target in force then."""
    from .selectors import target_values

    _check_date("decided_on", decided_on)
    kind = target_kind(organization)
    if not kind:
        raise ValidationError(
            _("Chỉ tiêu kết nạp được giao cho tổ chức cơ sở đảng hoặc chia cho chi bộ.")
        )
    if value < 0:
        raise ValidationError({"value": _("Chỉ tiêu không được âm.")})
    if not 1930 <= year <= 2100:
        raise ValidationError({"year": _("Năm không hợp lệ.")})
    if kind == "cell":
        parent = organization.parent
        ceiling = target_values([parent.pk], year, decided_on).get(parent.pk)
        if ceiling is None:
            raise ValidationError(
                _("%(org)s chưa được giao chỉ tiêu năm %(y)s để chia cho chi bộ.")
                % {"org": parent.name, "y": year}
            )
        siblings = Organization.objects.filter(parent=parent, kind=Organization.Kind.CELL)
        shares = target_values(
            list(siblings.exclude(pk=organization.pk).values_list("pk", flat=True)),
            year,
            decided_on,
        )
        if sum(shares.values()) + value > ceiling:
            raise ValidationError(
                {
                    "value": _(
                        "Tổng chỉ tiêu chia cho các chi bộ (%(s)s) vượt chỉ tiêu của %(org)s "
                        "(%(c)s)."
                    )
                    % {"s": sum(shares.values()) + value, "org": parent.name, "c": ceiling}
                }
            )
    target, created = AdmissionTarget.objects.update_or_create(
        organization=organization,
        year=year,
        decided_on=decided_on,
        defaults={"value": value, "number": number.strip(), "actor": actor},
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        obj=target,
        changes={
            "organization": [None, organization.pk],
            "year": [None, year],
            "value": [None, value],
            "decided_on": [None, decided_on.isoformat()],
        },
    )
    return target


def rule_in_force(on: datetime.date) -> AdmissionRule:
    return rules.rule_on(rules_all(), on)
