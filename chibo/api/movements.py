"""A member's movements: GET /members/{id}/movements and /organizations/{id}/movements, and
POST /members/{id}/movements, which records one as the member page's movement forms do
(chibo.members.movements: the same registry, form, service, checks and audit)."""

import datetime
import enum

from django.utils.translation import gettext as _
from ninja import Path, Query
from ninja.errors import ValidationError as Invalid
from ninja.pagination import paginate
from pydantic import BaseModel, Field

from chibo.core.web import LazyRows, get_or_404
from chibo.members.models import Status, TemporaryStay
from chibo.members.movements import selectors
from chibo.members.movements.forms import EVENT_KINDS, MovementFilterForm
from chibo.members.movements.kinds import API_KINDS, MOVEMENTS, available, cells_for
from chibo.members.permissions import member_or_404
from chibo.members.selectors import scoped_members

from .members import CellRef
from .members import router as members_router
from .organizations import router as organizations_router
from .schemas import MAX_ID, TEXT_PATTERN, Pagination, responses
from .security import scope_of
from .writes import IDEMPOTENCY_HEADER, WRITE_AUTH, VNDate, bound, cleaned, write

MovementKind = enum.Enum("MovementKind", {v.upper(): v for v, _label in EVENT_KINDS}, type=str)
NewMovementKind = enum.Enum("NewMovementKind", {k.upper(): k for k in API_KINDS}, type=str)


class MemberRef(BaseModel):
    id: int
    full_name: str


class MovementOut(BaseModel):
    id: str = Field(description="The record and its id: `status-12`, `transfer-3`, `temporary-5`.")
    kind: MovementKind
    on: datetime.date
    member: MemberRef
    cell: CellRef | None = Field(
        description=(
            "The member's cell for this movement: the cell left (a leaving change, a transfer "
            "within the tree), entered (a transfer in, a reinstatement), or kept (an "
            "exemption, a temporary stay)."
        )
    )
    to_cell: CellRef | None = Field(
        description="Where a transfer within the tree went; the host cell of a temporary stay."
    )
    status: Status | None = Field(description="The status from that day (status changes).")
    previous: Status | None
    until: datetime.date | None = Field(
        description="The end of an exemption the decision set; the end of a temporary stay."
    )
    reason: str
    decided_by: str
    decision_number: str
    letter_number: str
    place: str = Field(
        description="Where a transfer out went or a transfer in came from; a temporary stay's "
        "place outside the tree."
    )
    note: str


def _cell(org) -> dict | None:
    return None if org is None else {"id": org.pk, "code": org.code, "name": org.name}


def _out(event: selectors.Event) -> dict:
    return {
        "id": event.key,
        "kind": event.kind,
        "on": event.on,
        "member": {"id": event.member.pk, "full_name": event.member.full_name},
        "cell": _cell(event.cell),
        "to_cell": _cell(event.to_cell),
        "status": event.status,
        "previous": event.previous,
        "until": event.until,
        "reason": event.reason,
        "decided_by": event.decided_by,
        "decision_number": event.decision_number,
        "letter_number": event.letter_number,
        "place": event.place,
        "note": event.note,
    }


def _shown(rows) -> LazyRows:
    """`rows` (events) as the API's dicts, a page at a time: paginate slices out its page."""
    return LazyRows(rows, lambda events: [_out(e) for e in events])


@members_router.get(
    "/{member_id}/movements",
    response=responses(list[MovementOut], 401, 404, 422),
    summary="A member's movements",
    description=(
        "The member's movements, oldest first: exemptions and returns, transfers within the "
        "tree, out and in (with the introduction letter), temporary stays elsewhere, death, "
        "removal from the rolls, expulsion and reinstatement (with the deciding body and the "
        "decision number), and status changes recorded without a kind (`status`). None is "
        "ever edited or deleted: a movement is undone by a later one. A member outside the "
        "user's scope answers 404. Paginated."
    ),
)
@paginate(Pagination)
def member_movements(request, member_id: int = Path(..., ge=1, le=MAX_ID)):
    member = get_or_404(scoped_members(scope_of(request)), pk=member_id)
    return _shown(selectors.member_movements(member))


@organizations_router.get(
    "/{org_id}/movements",
    response=responses(list[MovementOut], 401, 404, 422),
    summary="The movements under an organization",
    description=(
        "The movements of the members of the cells under an organization (today's tree), "
        "newest first: those whose member's cell, or whose destination (a transfer within "
        "the tree, a temporary stay's host), is under it. `start` and `end` (dd/mm/yyyy or "
        "yyyy-mm-dd, both days included, either left open) bound the days; `kind` keeps one "
        "kind. An organization outside the user's scope answers 404. Paginated."
    ),
)
@paginate(Pagination)
def organization_movements(
    request,
    org_id: int = Path(..., ge=1, le=MAX_ID),
    start: str | None = Query(None, max_length=10, description="First day, included."),
    end: str | None = Query(None, max_length=10, description="Last day, included."),
    kind: MovementKind | None = None,
):
    org = scope_of(request).org_or_404(org_id)
    form = MovementFilterForm(
        {"start": start or "", "end": end or "", "kind": kind.value if kind else ""}
    )
    if not form.is_valid():
        raise Invalid(
            [
                {"type": "invalid", "loc": ["query", name], "msg": message}
                for name, messages in form.errors.items()
                for message in messages
            ]
        )
    f = form.cleaned_data
    rows = selectors.movements_under(org, start=f["start"], end=f["end"], kind=f["kind"] or None)
    return _shown(rows)


class MovementIn(BaseModel):
    """A movement to record; the fields its page's form has (others answer 422)."""

    kind: NewMovementKind = Field(
        description=(
            "`exemption` (on, reason; until, decided_by, decision_number), `return` (on), "
            "`transfer` within the tree (to_cell, on, letter_number), `transfer_out` (on, "
            "place, letter_number), `transfer_in` (to_cell, on, place, letter_number), "
            "`temporary` (on, letter_number, host_cell or host_name), `temporary_end` (on), "
            "`death` (on), `removal` and `expulsion` (on, decided_by, decision_number; "
            "reason), `reinstatement` (on, decided_by, decision_number). Each takes `note`."
        )
    )
    on: str = VNDate("The day of the movement; not in the future.")
    until: str | None = VNDate("The end of an exemption, if the decision sets one.", None)
    reason: str | None = Field(None, max_length=300, pattern=TEXT_PATTERN)
    decided_by: str | None = Field(None, max_length=200, pattern=TEXT_PATTERN)
    decision_number: str | None = Field(None, max_length=50, pattern=TEXT_PATTERN)
    letter_number: str | None = Field(None, max_length=50, pattern=TEXT_PATTERN)
    place: str | None = Field(None, max_length=200, pattern=TEXT_PATTERN)
    to_cell: int | None = Field(None, ge=1, le=MAX_ID, description="A cell id.")
    host_cell: int | None = Field(None, ge=1, le=MAX_ID, description="A cell id.")
    host_name: str | None = Field(None, max_length=200, pattern=TEXT_PATTERN)
    note: str | None = Field(None, max_length=300, pattern=TEXT_PATTERN)


def _not_for(fields) -> Invalid:
    return Invalid(
        [
            {
                "type": "invalid",
                "loc": ["body", "data", name],
                "msg": _("Biến động này không có trường này."),
            }
            for name in fields
        ]
    )


@members_router.post(
    "/{member_id}/movements",
    auth=WRITE_AUTH,
    response=responses(MovementOut, 401, 403, 404, 422, status=201),
    summary="Record a movement",
    description=(
        "Records one of the member's movements as the member page does, with its form's "
        "fields, checks and messages and its service (one dated event, the cell membership "
        "closed or opened as the movement requires, an audit row): see `kind`. A movement "
        "the member's status does not allow (a return for an active member, a reinstatement "
        "of a member not removed) answers 422, as do fields the movement does not have. A "
        "cell outside what the page offers (the user's write scope for a transfer, the "
        "cells they read for a temporary stay) answers 422. Needs a write token; a member "
        "outside the write scope answers 404."
    ),
)
def member_movement_create(
    request,
    data: MovementIn,
    member_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str | None = IDEMPOTENCY_HEADER,
):
    def action():
        scope = scope_of(request)
        member = member_or_404(scope, member_id, write=True)
        slug = API_KINDS[data.kind.value]
        mv = MOVEMENTS[slug]
        open_stay = TemporaryStay.objects.filter(member=member, end__isnull=True).exists()
        if slug not in dict(available(member, open_stay)):
            raise Invalid(
                [
                    {
                        "type": "invalid",
                        "loc": ["body", "data", "kind"],
                        "msg": _("Không ghi được «%(m)s» cho đảng viên %(status)s.")
                        % {"m": mv.title, "status": member.get_status_display().lower()},
                    }
                ]
            )
        kwargs = {"cells": cells_for(scope, mv.cells, member)} if mv.cells else {}
        form_fields = set(mv.form.base_fields) | {"kind"}
        extra = [n for n in data.model_fields_set if n not in form_fields]
        if extra:
            raise _not_for(extra)
        form = bound(mv.form, data, **kwargs)
        done = mv.service(member=member, actor=request.user, **cleaned(form))
        return _out(selectors.event_of(done))

    return write(
        request,
        action,
        out=MovementOut,
        key=idempotency_key,
        status=201,
        fields=MovementIn.model_fields,
    )
