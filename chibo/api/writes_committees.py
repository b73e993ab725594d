"""Committee positions and village posts, as the committee pages (committees.positions.views and
committees.villages.views: position_assign, position_end, role_assign, role_end) record them:
the write scope (404 outside it), the page's form, the page's service."""

import datetime

from django import forms
from ninja import Path, Router
from pydantic import BaseModel, Field

from chibo.committees import selectors
from chibo.committees.forms import EndForm
from chibo.committees.models import ConcurrentRole, Position, Title
from chibo.committees.positions import services as position_services
from chibo.committees.positions.forms import PositionForm
from chibo.committees.villages import selectors as village_selectors
from chibo.committees.villages import services as village_services
from chibo.committees.villages.forms import RoleForm
from chibo.core.dates import today
from chibo.core.web import scoped_or_404

from .organizations import router as organizations_router
from .schemas import MAX_ID, TEXT_PATTERN, responses
from .security import scope_of
from .writes import IDEMPOTENCY_HEADER, WRITE_AUTH, VNDate, bound, cleaned, write

positions = Router(tags=["committees"])
villages = Router(tags=["committees"])
posts = Router(tags=["committees"])

WRITE_ERRORS = (401, 403, 404, 422)


class MemberRef(BaseModel):
    id: int
    full_name: str

    model_config = {"from_attributes": True}


class PositionOut(BaseModel):
    id: int
    organization_id: int
    member: MemberRef
    title: Title
    start: datetime.date
    end: datetime.date | None = Field(description="The first day no longer held; null: held.")
    obtained: Position.Obtained
    term_id: int | None
    decision: str

    model_config = {"from_attributes": True}


class PostOut(BaseModel):
    id: int
    village_id: int
    kind: ConcurrentRole.Kind
    member_id: int | None = Field(description="The holder if a member; else `person_name`.")
    person_name: str
    start: datetime.date
    end: datetime.date | None = Field(description="The first day no longer held; null: held.")

    model_config = {"from_attributes": True}


class PositionIn(BaseModel):
    member: int = Field(
        ge=1, le=MAX_ID, description="Member id: in the cell, or in a cell under the committee."
    )
    title: Title = Field(description="A cell has no standing committee.")
    start: str = VNDate()
    end: str | None = VNDate("If already ended: the first day no longer held.", default=None)
    obtained: Position.Obtained = Position.Obtained.ELECTED
    term: int | None = Field(None, ge=1, le=MAX_ID, description="A term of the organization.")
    decision: str = Field("", max_length=100, pattern=TEXT_PATTERN)


class PostIn(BaseModel):
    kind: ConcurrentRole.Kind
    member: int | None = Field(None, ge=1, le=MAX_ID, description="The holder if a member.")
    person_name: str = Field(
        "", max_length=120, pattern=TEXT_PATTERN, description="Else the holder's name."
    )
    start: str = VNDate()
    end: str | None = VNDate("If already ended: the first day no longer held.", default=None)


class EndIn(BaseModel):
    end: str = VNDate("The first day no longer held.")


@organizations_router.post(
    "/{org_id}/positions",
    auth=WRITE_AUTH,
    response=responses(PositionOut, *WRITE_ERRORS, status=201),
    summary="Seat a member on a committee",
    description=(
        "A member's seat (secretary, deputy, standing or committee member) on the committee "
        "of `org_id` from `start`, with the page's checks (official member of the "
        "organization, one secretary at a time, the committee rule in force). Needs a write "
        "token; outside the write scope 404."
    ),
)
def position_assign(
    request,
    data: PositionIn,
    org_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str | None = IDEMPOTENCY_HEADER,
):
    def action():
        org = scope_of(request).org_or_404(org_id, write=True)
        members = selectors.members_for_positions(org, today())
        form = bound(PositionForm, data, org=org, members=members)
        # Above a commune the page asks for a card number rather than listing thousands of
        # members; the API names the member by id, among the same members.
        if not isinstance(form.fields["member"], forms.ModelChoiceField):
            form.fields["member"] = forms.ModelChoiceField(queryset=members)
        return position_services.position_assign(
            organization=org, actor=request.user, **cleaned(form)
        )

    return write(
        request,
        action,
        out=PositionOut,
        key=idempotency_key,
        status=201,
        fields=PositionIn.model_fields,
    )


@positions.post(
    "/{position_id}/end",
    auth=WRITE_AUTH,
    response=responses(PositionOut, *WRITE_ERRORS),
    summary="End a committee seat",
    description=(
        "The seat is no longer held from `end`; the row stays in the history. Needs a write "
        "token; outside the write scope 404."
    ),
)
def position_end(
    request,
    data: EndIn,
    position_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str | None = IDEMPOTENCY_HEADER,
):
    def action():
        positions = Position.objects.select_related("member")
        position = scoped_or_404(
            scope_of(request), positions, position_id, org="organization", write=True
        )
        end = cleaned(bound(EndForm, data))["end"]
        return position_services.position_end(position=position, end=end, actor=request.user)

    return write(request, action, out=PositionOut, key=idempotency_key, fields=EndIn.model_fields)


@villages.post(
    "/{village_id}/posts",
    auth=WRITE_AUTH,
    response=responses(PostOut, *WRITE_ERRORS, status=201),
    summary="Record who holds a village post",
    description=(
        "Village head, deputy head, Front committee head, village police… from `start`: a "
        "member (`member`) or a person who is not one (`person_name`), one of the two. One "
        "holder per post and village at a time. Needs a write token; a village outside the "
        "write scope (of its serving cell or of its commune's committee) answers 404."
    ),
)
def post_assign(
    request,
    data: PostIn,
    village_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str | None = IDEMPOTENCY_HEADER,
):
    def action():
        village = village_selectors.village_or_404(scope_of(request), village_id)
        members = selectors.members_for_positions(
            village.cell or village.commune.party_committee, today()
        )
        fields = cleaned(bound(RoleForm, data, members=members))
        return village_services.concurrent_role_assign(
            village=village, actor=request.user, **fields
        )

    return write(
        request, action, out=PostOut, key=idempotency_key, status=201, fields=PostIn.model_fields
    )


@posts.post(
    "/{post_id}/end",
    auth=WRITE_AUTH,
    response=responses(PostOut, *WRITE_ERRORS),
    summary="End a village post",
    description=(
        "The post is no longer held from `end`; the row stays in the history. Needs a write "
        "token; outside the write scope 404."
    ),
)
def post_end(
    request,
    data: EndIn,
    post_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str | None = IDEMPOTENCY_HEADER,
):
    def action():
        role, _village = village_selectors.post_or_404(scope_of(request), post_id)
        end = cleaned(bound(EndForm, data))["end"]
        return village_services.concurrent_role_end(role=role, end=end, actor=request.user)

    return write(request, action, out=PostOut, key=idempotency_key, fields=EndIn.model_fields)
