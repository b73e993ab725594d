"""Writes of congresses: a plan and its congresses (of the cells under the organization, or of
the grassroots committees under a province or district), each congress's preparation steps,
and the congress held, which opens the organization's term and seats its committee through the
committees' services (so the terms and positions pages, the indicators and the documents read
one record).

Each service runs in one transaction, takes the acting user and writes an audit event.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from chibo.committees.models import Term
from chibo.committees.positions import services as positions
from chibo.core import audit
from chibo.core.dated import end_dated_row
from chibo.core.dates import today
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text
from chibo.members.models import Member
from chibo.organizations.models import Organization
from chibo.organizations.selectors import periods_under

from . import documents
from .models import (
    CellCongress,
    CongressDraft,
    CongressPlan,
    CongressTemplate,
    DocumentKind,
    RegulationReview,
    WorkingRegulation,
)

STEP_FIELDS = ("drafted_on", "opinion_on", "personnel_on", "scheduled_on")


def _check_plan(*, organization, term_name, term_start, term_end, deadline) -> str:
    name = " ".join((term_name or "").split())
    if not name:
        raise ValidationError({"term_name": _("Hãy nhập tên nhiệm kỳ, ví dụ 2025–2030.")})
    if organization.is_cell:
        raise ValidationError(_("Kế hoạch đại hội do cấp ủy cấp trên của chi bộ lập."))
    if term_end <= term_start:
        raise ValidationError({"term_end": _("Ngày kết thúc phải sau ngày bắt đầu.")})
    if not term_start <= deadline < term_end:
        raise ValidationError(
            {
                "deadline": _("Hạn hoàn thành phải nằm trong nhiệm kỳ (%(s)s – %(e)s).")
                % {"s": day_text(term_start), "e": day_text(term_end)}
            }
        )
    return name


@transaction.atomic
def plan_create(
    *,
    organization: Organization,
    term_name: str,
    term_start: datetime.date,
    term_end: datetime.date,
    deadline: datetime.date,
    reference: str = "",
    grassroots: bool = False,
    actor,
) -> CongressPlan:
    """The plan of `organization` for the congresses of the cells under it in a term, with a
    row per cell (deadline: the plan's); with `grassroots`, of a province or district for the
    congresses of the grassroots committees under it (đại hội đảng bộ cơ sở), a row per
    committee. Those already in another plan for an overlapping term (a commune's own plan
    under the district's) stay in that plan."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if grassroots and not org.is_upper_committee:
        raise ValidationError(_("Đại hội đảng bộ cơ sở do tỉnh ủy, huyện ủy lập kế hoạch."))
    name = _check_plan(
        organization=org,
        term_name=term_name,
        term_start=term_start,
        term_end=term_end,
        deadline=deadline,
    )
    clash = CongressPlan.objects.filter(
        organization=org, term_start__lt=term_end, term_end__gt=term_start
    ).first()
    if clash is not None:
        raise ValidationError(
            {
                "term_start": _("Đã có kế hoạch đại hội nhiệm kỳ %(n)s của tổ chức này.")
                % {"n": clash.term_name}
            }
        )
    held_by = Organization.Kind.GRASSROOTS if grassroots else Organization.Kind.CELL
    cell_ids = set(
        periods_under(org, term_start)
        .filter(organization__kind=held_by)
        .values_list("organization_id", flat=True)
    )
    planned = set(
        CellCongress.objects.filter(
            cell_id__in=cell_ids,
            plan__term_start__lt=term_end,
            plan__term_end__gt=term_start,
        ).values_list("cell_id", flat=True)
    )
    plan = CongressPlan.objects.create(
        organization=org,
        term_name=name,
        term_start=term_start,
        term_end=term_end,
        deadline=deadline,
        reference=(reference or "").strip(),
        actor=actor,
    )
    CellCongress.objects.bulk_create(
        [CellCongress(plan=plan, cell_id=c, deadline=deadline) for c in sorted(cell_ids - planned)]
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=plan,
        changes={
            **audit.snapshot(
                plan,
                ["organization", "term_name", "term_start", "term_end", "deadline", "reference"],
            ),
            "cells": [None, len(cell_ids - planned)],
            "grassroots": [None, grassroots],
        },
        note=_("%(n)d tổ chức đã thuộc kế hoạch khác") % {"n": len(planned)} if planned else "",
    )
    return plan


def _congress_of_term(org: Organization, start: datetime.date, end: datetime.date):
    """The term of `org` opened by a congress held in [start, end), if any."""
    return (
        Term.objects.filter(organization=org, congress_date__gte=start, congress_date__lt=end)
        .order_by("congress_date")
        .first()
    )


@transaction.atomic
def committee_congress_add(
    *,
    plan: CongressPlan,
    organization: Organization,
    deadline: datetime.date | None = None,
    actor,
) -> CellCongress:
    """Add the congress of the grassroots committee `organization` (đảng bộ xã, đảng bộ cơ sở)
    to the plan of the province or district above it (deadline: the plan's, or `deadline`).
    Refused, nothing written: a plan not of a province or district, an organization that is not
    a grassroots committee under the plan's organization in the term, one already in a plan for
    an overlapping term, or one that already held its congress in the term."""
    plan = CongressPlan.objects.select_for_update().select_related("organization").get(pk=plan.pk)
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if not plan.organization.is_upper_committee:
        raise ValidationError(_("Đại hội đảng bộ cơ sở do tỉnh ủy, huyện ủy lập kế hoạch."))
    if org.kind != Organization.Kind.GRASSROOTS:
        raise ValidationError(
            {
                "organization": _(
                    "%(org)s không phải đảng bộ cơ sở: đại hội chi bộ do cấp ủy trực tiếp "
                    "lập kế hoạch."
                )
                % {"org": org}
            }
        )
    in_term = org.valid_from < plan.term_end and (
        org.valid_to is None or org.valid_to > plan.term_start
    )
    under = org.path.startswith(plan.organization.path) and org != plan.organization
    if not in_term or not under:
        raise ValidationError(
            {
                "organization": _("%(org)s không trực thuộc %(upper)s trong nhiệm kỳ %(n)s.")
                % {"org": org, "upper": plan.organization, "n": plan.term_name}
            }
        )
    deadline = deadline or plan.deadline
    if not plan.term_start <= deadline < plan.term_end:
        raise ValidationError(
            {
                "deadline": _("Hạn hoàn thành phải nằm trong nhiệm kỳ (%(s)s – %(e)s).")
                % {"s": day_text(plan.term_start), "e": day_text(plan.term_end)}
            }
        )
    other = (
        CellCongress.objects.filter(
            cell=org, plan__term_start__lt=plan.term_end, plan__term_end__gt=plan.term_start
        )
        .select_related("plan", "plan__organization")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "organization": _(
                    "Đại hội nhiệm kỳ %(n)s của %(org)s đã có trong kế hoạch của %(upper)s."
                )
                % {"n": other.plan.term_name, "org": org, "upper": other.plan.organization}
            }
        )
    held = _congress_of_term(org, plan.term_start, plan.term_end)
    if held is not None:
        raise ValidationError(
            {
                "organization": _("%(org)s đã tổ chức đại hội nhiệm kỳ %(n)s ngày %(d)s.")
                % {"org": org, "n": held.name, "d": day_text(held.congress_date)}
            }
        )
    row = CellCongress.objects.create(plan=plan, cell=org, deadline=deadline)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=row,
        changes=audit.snapshot(row, ["plan", "cell", "deadline"]),
    )
    return row


def _lock(congress: CellCongress) -> CellCongress:
    return (
        CellCongress.objects.select_for_update().select_related("plan", "cell").get(pk=congress.pk)
    )


@transaction.atomic
def congress_update(
    *,
    congress: CellCongress,
    actor,
    deadline: datetime.date | None = None,
    **steps: datetime.date | None,
) -> CellCongress:
    """Set the days the preparation steps were done (None: not yet) and, when given, the cell's
    own deadline (the plan's organization sets it). Steps come in order: a step is not dated
    before the one it follows."""
    row = _lock(congress)
    unknown = set(steps) - set(STEP_FIELDS)
    if unknown:
        raise TypeError(f"unknown steps: {sorted(unknown)}")
    before = {f: getattr(row, f) for f in (*STEP_FIELDS, "deadline")}
    for field, value in steps.items():
        setattr(row, field, value)
    if deadline is not None:
        plan = row.plan
        if not plan.term_start <= deadline < plan.term_end:
            raise ValidationError(
                {
                    "deadline": _("Hạn hoàn thành phải nằm trong nhiệm kỳ (%(s)s – %(e)s).")
                    % {"s": day_text(plan.term_start), "e": day_text(plan.term_end)}
                }
            )
        row.deadline = deadline
    previous = None
    for field in STEP_FIELDS:
        value = getattr(row, field)
        if value is None:
            continue
        if previous is not None and value < previous[1]:
            raise ValidationError(
                {
                    field: _("Ngày này trước ngày của bước “%(step)s” (%(d)s).")
                    % {
                        "step": CellCongress._meta.get_field(previous[0]).verbose_name,
                        "d": day_text(previous[1]),
                    }
                }
            )
        previous = (field, value)
    changes = {
        f: [
            before[f].isoformat() if before[f] else None,
            getattr(row, f).isoformat() if getattr(row, f) else None,
        ]
        for f in before
        if before[f] != getattr(row, f)
    }
    if changes:
        row.save()
        audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=row, changes=changes)
    return row


@transaction.atomic
def congress_hold(
    *,
    congress: CellCongress,
    held_on: datetime.date,
    secretary: Member,
    deputy: Member | None = None,
    members: list[Member] = (),
    decision: str = "",
    deputies: list[Member] = (),
    standing: list[Member] = (),
    actor,
) -> CellCongress:
    """Record the congress held on `held_on` of the cell or the grassroots committee: its term
    of the plan opens that day (the term running then ends), and the elected committee takes
    its seats (the positions still held end), all or nothing: the secretary, the deputies
    (`deputy` and `deputies`), for a grassroots committee its standing committee's other
    members (`standing`), and the other committee members. A congress is recorded once, not
    after today, and once in a term (a term of the organization opened by a congress held on
    another day in the plan's term is a second congress: refused)."""
    row = _lock(congress)
    plan = row.plan
    if row.held_on is not None:
        raise ValidationError(
            {
                "held_on": (
                    _("Đại hội của đảng bộ này đã được ghi ngày %(d)s.")
                    if row.is_committee
                    else _("Đại hội của chi bộ này đã được ghi ngày %(d)s.")
                )
                % {"d": day_text(row.held_on)}
            }
        )
    if held_on > today():
        raise ValidationError({"held_on": _("Ngày đại hội không được sau hôm nay.")})
    if not plan.term_start <= held_on < plan.term_end:
        raise ValidationError(
            {
                "held_on": _("Ngày đại hội phải nằm trong nhiệm kỳ %(n)s (%(s)s – %(e)s).")
                % {
                    "n": plan.term_name,
                    "s": day_text(plan.term_start),
                    "e": day_text(plan.term_end),
                }
            }
        )
    cell = row.cell
    earlier = _congress_of_term(cell, plan.term_start, plan.term_end)
    if earlier is not None and earlier.congress_date != held_on:
        raise ValidationError(
            {
                "held_on": _("%(org)s đã tổ chức đại hội nhiệm kỳ %(n)s ngày %(d)s.")
                % {"org": cell, "n": earlier.name, "d": day_text(earlier.congress_date)}
            }
        )
    term = Term.objects.filter(organization=cell, start=held_on).first()
    if term is None:
        running = (
            Term.objects.select_for_update()
            .filter(organization=cell, start__lt=held_on, end__gt=held_on)
            .first()
        )
        if running is not None:
            end_dated_row(
                row=running,
                on=held_on,
                actor=actor,
                note=_("Kết thúc khi đại hội nhiệm kỳ mới"),
                error_field="held_on",
            )
        term = positions.term_create(
            organization=cell,
            name=plan.term_name,
            start=held_on,
            end=plan.term_end,
            congress_date=held_on,
            actor=actor,
        )
    elif term.congress_date != held_on:
        term.congress_date = held_on
        term.save(update_fields=["congress_date", "updated_at"])
    positions.record_committee_after_congress(
        organization=cell,
        term=term,
        secretary=secretary,
        deputy=deputy,
        deputies=list(deputies),
        standing=list(standing),
        members=list(members),
        on=held_on,
        actor=actor,
        decision=decision,
    )
    row.held_on = held_on
    row.term = term
    row.save(update_fields=["held_on", "term", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=row,
        changes={"held_on": [None, held_on.isoformat()], "term": [None, term.pk]},
    )
    return row


# --- documents ----------------------------------------------------------------------------------


@transaction.atomic
def template_upload(
    *,
    organization: Organization,
    kind: str,
    valid_from: datetime.date,
    name: str,
    content: bytes,
    actor,
) -> CongressTemplate:
    """Keep a new version of the organization's template of `kind`, in use from `valid_from`.
    A template with an unknown placeholder (or one that is not a .docx) is refused with each
    problem named and placed (documents.TemplateProblem -> ValidationError); nothing is
    written. The file is stored under a new name: no version is overwritten."""
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Loại văn kiện không hợp lệ.")})
    if organization.is_cell:
        raise ValidationError(_("Mẫu văn kiện do đảng ủy xã hoặc huyện ủy quản lý."))
    try:
        placeholders = documents.check_template(content, kind)
    except documents.TemplateProblem as e:
        raise ValidationError({"file": e.messages}) from None
    name = " ".join((name or "").split()) or DocumentKind(kind).label
    row = CongressTemplate(
        organization=organization,
        kind=kind,
        valid_from=valid_from,
        name=name[:200],
        placeholders=placeholders,
        actor=actor,
    )
    row.file.save(f"{kind}.docx", ContentFile(content), save=False)
    row.save()
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=row,
        changes={
            **audit.snapshot(row, ["organization", "kind", "valid_from", "name"]),
            "file": [None, row.file.name],
        },
    )
    return row


@transaction.atomic
def draft_save(*, congress: CellCongress, actor, **prose: str) -> CongressDraft:
    """Save the prose the cell writes for its congress documents (CongressDraft.PROSE)."""
    unknown = set(prose) - set(CongressDraft.PROSE)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    row = _lock(congress)
    draft, created = CongressDraft.objects.select_for_update().get_or_create(congress=row)
    changes = {}
    for field, value in prose.items():
        value = (value or "").replace("\r\n", "\n").strip()
        if getattr(draft, field) != value:
            changes[field] = [getattr(draft, field), value]
            setattr(draft, field, value)
    if changes or created:
        draft.actor = actor
        draft.save()
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
            obj=draft,
            changes=changes,
        )
    return draft


# --- working regulations ------------------------------------------------------------------------


@transaction.atomic
def regulation_adopt(
    *,
    cell: Organization,
    adopted_on: datetime.date,
    reference: str = "",
    text: str = "",
    content: bytes | None = None,
    filename: str = "",
    actor,
) -> WorkingRegulation:
    """A new version of the cell's working regulations, adopted on `adopted_on` (the earlier
    versions stay); adopting is also a review."""
    org = Organization.objects.select_for_update().get(pk=cell.pk)
    if not org.is_cell:
        raise ValidationError(_("Quy chế làm việc là của chi bộ."))
    if adopted_on > today():
        raise ValidationError({"adopted_on": _("Ngày ban hành không được sau hôm nay.")})
    if WorkingRegulation.objects.filter(cell=org, adopted_on=adopted_on).exists():
        raise ValidationError(
            {"adopted_on": _("Đã có quy chế ban hành ngày %(d)s.") % {"d": day_text(adopted_on)}}
        )
    if not (text or "").strip() and not content:
        raise ValidationError(_("Hãy nhập nội dung hoặc chọn tệp quy chế."))
    row = WorkingRegulation(
        cell=org,
        adopted_on=adopted_on,
        reference=(reference or "").strip(),
        text=(text or "").strip(),
        actor=actor,
    )
    if content:
        row.file.save(filename or "quy-che.docx", ContentFile(content), save=False)
    row.save()
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=row,
        changes={
            **audit.snapshot(row, ["cell", "adopted_on", "reference"]),
            "file": [None, row.file.name or None],
        },
    )
    return row


@transaction.atomic
def regulation_review(
    *, regulation: WorkingRegulation, reviewed_on: datetime.date, note: str = "", actor
) -> RegulationReview:
    """The cell reviewed its regulations on `reviewed_on` and kept them (a change is a new
    version)."""
    reg = WorkingRegulation.objects.select_for_update().get(pk=regulation.pk)
    if reviewed_on < reg.adopted_on:
        raise ValidationError(
            {
                "reviewed_on": _("Ngày rà soát trước ngày ban hành quy chế (%(d)s).")
                % {"d": day_text(reg.adopted_on)}
            }
        )
    if reviewed_on > today():
        raise ValidationError({"reviewed_on": _("Ngày rà soát không được sau hôm nay.")})
    if reg.reviews.filter(reviewed_on=reviewed_on).exists():
        raise ValidationError(
            {"reviewed_on": _("Đã ghi lần rà soát ngày %(d)s.") % {"d": day_text(reviewed_on)}}
        )
    review = RegulationReview.objects.create(
        regulation=reg, reviewed_on=reviewed_on, note=(note or "").strip(), actor=actor
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=review,
        changes=audit.snapshot(review, ["regulation", "reviewed_on", "note"]),
    )
    return review
