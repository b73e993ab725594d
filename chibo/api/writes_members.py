"""POST /members, PATCH /members/{id}, POST /members/{id}/status and /transfer.

Each does what the member pages do (chibo.members.views): the write scope's lookup, the page's
form, the page's service (its checks, its transaction, its audit row).
"""

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy
from ninja import Header, Path
from ninja.errors import HttpError
from pydantic import BaseModel, Field

from chibo.members import services
from chibo.members.forms import MemberCreateForm, MemberForm, StatusForm, TransferForm
from chibo.members.models import Member, Sex, Status, TheoryLevel
from chibo.members.permissions import member_or_404
from chibo.organizations.models import Organization

from .members import MemberOut, etag, router
from .schemas import MAX_ID, TEXT_PATTERN, responses
from .security import scope_of
from .writes import IDEMPOTENCY_HEADER, WRITE_AUTH, VNDate, bound, cleaned, confirmed, write

WRITE_ERRORS = (401, 403, 404, 422)


def _text(max_length: int, description: str = ""):
    return Field(None, max_length=max_length, pattern=TEXT_PATTERN, description=description)


ACCEPT_WARNINGS = Field(
    False,
    description=(
        "Confirms the register's warnings (data the rules find suspicious, not impossible: "
        "an admission more than 12 months back with no official date, an official date long "
        "after the probation ended). Without it, a write whose data has warnings answers "
        '422 listing them (`"type": "warning"`, at their field) and writes nothing; read '
        "them, then send the same request with `true`. Not kept: each write confirms its own."
    ),
)


class MemberPatch(BaseModel):
    """The member record's fields; in a PATCH, those left out keep their value. And
    `accept_warnings`, the page's confirmation box."""

    full_name: str | None = _text(120, "Family, middle and given name.")
    other_names: str | None = _text(120)
    sex: Sex | None = None
    birth_date: str | None = VNDate(default=None)
    birthplace: str | None = _text(200)
    hometown: str | None = _text(200)
    residence: str | None = _text(200)
    ethnicity: str | None = _text(40)
    religion: str | None = _text(40)
    occupation: str | None = _text(100)
    citizen_id: str | None = _text(12, "12 digits.")
    party_card_number: str | None = _text(20)
    admission_date: str | None = VNDate(default=None)
    official_date: str | None = VNDate("Empty or null while probationary.", default=None)
    education: str | None = _text(20)
    qualification: str | None = _text(100)
    theory_level: TheoryLevel | None = None
    foreign_language: str | None = _text(60)
    it_level: str | None = _text(60)
    accept_warnings: bool = ACCEPT_WARNINGS


class MemberIn(MemberPatch):
    """A new member, in `cell` from the date of admission."""

    cell: int = Field(ge=1, le=MAX_ID, description="The cell's organization id.")
    full_name: str = Field(max_length=120, pattern=TEXT_PATTERN)
    sex: Sex
    birth_date: str = VNDate()
    ethnicity: str = Field(max_length=40, pattern=TEXT_PATTERN)
    admission_date: str = VNDate()


class StatusIn(BaseModel):
    status: Status
    on: str = VNDate("The first day of the new status; not in the future.")
    note: str = Field("", max_length=300, pattern=TEXT_PATTERN)


class TransferIn(BaseModel):
    to_cell: int = Field(ge=1, le=MAX_ID, description="A cell in the user's write scope.")
    on: str = VNDate("The first day in the new cell.")
    note: str = Field("", max_length=200, pattern=TEXT_PATTERN)


def _write_cells(scope):
    # The cells the member pages offer (members.views._write_cells).
    return (
        scope.organizations()
        .filter(scope.paths_q(paths=scope.write_paths))
        .active()
        .cells()
        .order_by("path")
    )


def _member_etag(member) -> dict:
    return {"ETag": etag(member)}


@router.post(
    "",
    auth=WRITE_AUTH,
    response=responses(MemberOut, *WRITE_ERRORS, status=201),
    summary="Add a member",
    description=(
        "Adds a member to `cell` with the checks of the page (age at admission, dates, "
        "duplicate citizen ID or card number, …) and an audit row; the register's warnings "
        "need `accept_warnings` (else 422 listing them). A `cell` outside the "
        "user's write scope answers 404. Needs a write token."
    ),
)
def member_create(request, data: MemberIn, idempotency_key: str | None = IDEMPOTENCY_HEADER):
    def action():
        scope = scope_of(request)
        cell = scope.org_or_404(data.cell, write=True)
        form = bound(MemberCreateForm, data, cells=Organization.objects.filter(pk=cell.pk))
        fields = confirmed(form)
        fields.pop("cell")
        return services.member_create(actor=request.user, cell=cell, **fields)

    return write(
        request,
        action,
        out=MemberOut,
        key=idempotency_key,
        status=201,
        fields=MemberIn.model_fields,
        headers=_member_etag,
    )


# Never equal to a saved `updated_at`: an If-Match that cannot be read is a stale version.
_UNREADABLE = datetime.datetime.min.replace(tzinfo=datetime.UTC)


def _version(if_match: str | None) -> datetime.datetime | None:
    """The `updated_at` an If-Match names; None for no header or `*` (no guard)."""
    if not if_match or if_match.strip() == "*":
        return None
    # A weak tag (W/"…", as a compressing proxy may make it) names the same version.
    text = if_match.strip().removeprefix("W/").strip('"')
    try:
        return parse_datetime(text) or _UNREADABLE
    except ValueError:
        return _UNREADABLE


STALE = gettext_lazy(
    "Hồ sơ này vừa được người khác sửa. Hãy đọc lại (GET) để lấy bản mới và ETag mới rồi sửa lại."
)


@router.patch(
    "/{member_id}",
    auth=WRITE_AUTH,
    response=responses(MemberOut, *WRITE_ERRORS, 409),
    summary="Change a member's record",
    description=(
        "Changes the fields sent; the others keep their value. The page's checks apply to "
        "the whole record. With `If-Match` (the `ETag` of `GET /members/{member_id}` or of "
        "the last write's answer), a record changed since by someone else is not "
        "overwritten: 409. Warnings the change brings need `accept_warnings` (else 422 "
        "listing them). Status and cell change through `/status` and `/transfer`. Needs a "
        "write token; a member outside the write scope answers 404."
    ),
)
def member_update(
    request,
    data: MemberPatch,
    member_id: int = Path(..., ge=1, le=MAX_ID),
    if_match: str | None = Header(
        None,
        alias="If-Match",
        max_length=100,
        description="The record's `ETag`: refuse the change (409) if it changed since.",
    ),
    idempotency_key: str | None = IDEMPOTENCY_HEADER,
):
    expected = _version(if_match)

    def action():
        member = member_or_404(scope_of(request), member_id, write=True)
        if expected is not None and member.updated_at != expected:
            raise HttpError(409, str(STALE))
        fields = confirmed(bound(MemberForm, data, instance=member))
        try:
            return services.member_update(
                member=member, actor=request.user, expected_updated_at=expected, **fields
            )
        except DjangoValidationError:
            # Changed between the read above and the service's locked read.
            if (
                expected is not None
                and not Member.objects.filter(pk=member.pk, updated_at=expected).exists()
            ):
                raise HttpError(409, str(STALE)) from None
            raise

    return write(
        request,
        action,
        out=MemberOut,
        key=idempotency_key,
        fields=MemberPatch.model_fields,
        headers=_member_etag,
    )


@router.post(
    "/{member_id}/status",
    auth=WRITE_AUTH,
    response=responses(MemberOut, *WRITE_ERRORS),
    summary="Change a member's status",
    description=(
        "Exemption, return to active or death from `on`, as the page records it (a death "
        "closes the cell membership that day); the change is kept in the member's history. "
        "A removal, an expulsion, a transfer out and their undoing need their documents: "
        "`removed` and `transferred_out` answer 422: record them with "
        "`POST /members/{member_id}/movements`. "
        "Needs a write token; a member outside the write scope answers 404."
    ),
)
def member_status(
    request,
    data: StatusIn,
    member_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str | None = IDEMPOTENCY_HEADER,
):
    def action():
        member = member_or_404(scope_of(request), member_id, write=True)
        fields = cleaned(bound(StatusForm, data))
        services.member_change_status(member=member, actor=request.user, **fields)
        return member_or_404(scope_of(request), member_id)

    return write(
        request,
        action,
        out=MemberOut,
        key=idempotency_key,
        fields=StatusIn.model_fields,
        headers=_member_etag,
    )


@router.post(
    "/{member_id}/transfer",
    auth=WRITE_AUTH,
    response=responses(MemberOut, *WRITE_ERRORS),
    summary="Transfer a member to another cell",
    description=(
        "Ends the member's time in their cell on `on` (the first day they are no longer "
        "there) and opens it in `to_cell` from `on`, as the page does; `to_cell` must be an "
        "active cell in the "
        "user's write scope (else 422). Needs a write token; a member outside the write "
        "scope answers 404."
    ),
)
def member_transfer(
    request,
    data: TransferIn,
    member_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str | None = IDEMPOTENCY_HEADER,
):
    def action():
        scope = scope_of(request)
        member = member_or_404(scope, member_id, write=True)
        form = bound(TransferForm, data, cells=_write_cells(scope).exclude(pk=member.cell_id))
        services.member_transfer(member=member, actor=request.user, **cleaned(form))
        return member_or_404(scope, member_id)

    return write(
        request,
        action,
        out=MemberOut,
        key=idempotency_key,
        fields=TransferIn.model_fields,
        headers=_member_etag,
    )
