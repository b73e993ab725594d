"""GET /members and /members/{id}: members in the user's scope, or only oneself for a member."""

import datetime
import enum

from django.http import Http404
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate

from chibo.members.models import IN_CELL_STATUSES, Sex, Status, TheoryLevel
from chibo.members.selectors import scoped_members

from .schemas import MAX_ID, TEXT_MAX, TEXT_PATTERN, Pagination, responses
from .security import scope_of

router = Router(tags=["members"])

StatusFilter = enum.Enum(
    "StatusFilter",
    {"IN_CELL": "in_cell", "ALL": "all", **{s.name: s.value for s in Status}},
    type=str,
)


class CellRef(Schema):
    id: int
    code: str
    name: str


class MemberOut(Schema):
    id: int
    full_name: str
    other_names: str
    sex: Sex
    birth_date: datetime.date
    ethnicity: str
    religion: str
    hometown: str
    residence: str
    citizen_id: str | None
    party_card_number: str | None
    admission_date: datetime.date
    official_date: datetime.date | None
    is_official: bool
    theory_level: TheoryLevel
    education: str
    qualification: str
    status: Status
    cell: CellRef

    @staticmethod
    def resolve_citizen_id(obj, context):
        """In full only where the user may see personal data; masked (•••…123) elsewhere."""
        if not obj.citizen_id:
            return None
        scope = scope_of(context["request"])
        return obj.citizen_id if scope.can_see_pii(obj.cell) else obj.citizen_id_masked

    @staticmethod
    def resolve_is_official(obj, context):
        # The scope's date is today's, worked out once for the request rather than per item.
        return obj.is_official(scope_of(context["request"]).on)


@router.get(
    "",
    response=responses(list[MemberOut], 401, 404, 422),
    summary="List members",
    description=(
        "Members in the user's scope in Vietnamese name order (given name, then middle and "
        "family name); a user who is only a member sees only their own record. `q` matches "
        "every word in the name, other names or party card number, accents and case ignored. "
        "`org` restricts to an organization's subtree and answers 404 when that organization "
        "is outside the scope. `status` defaults to `in_cell` (active or exempt); `all` "
        "lists every status. Citizen IDs are masked unless the user may see them. Paginated."
    ),
)
@paginate(Pagination)
def member_list(
    request,
    q: str | None = Query(None, max_length=TEXT_MAX, pattern=TEXT_PATTERN),
    org: int | None = Query(None, ge=1, le=MAX_ID, description="Organization id."),
    status: StatusFilter = StatusFilter.IN_CELL,
):
    scope = scope_of(request)
    qs = scoped_members(scope).select_related("cell")
    if org is not None:
        qs = qs.under(scope.org_or_404(org))
    if status == StatusFilter.IN_CELL:
        qs = qs.filter(status__in=IN_CELL_STATUSES)
    elif status != StatusFilter.ALL:
        qs = qs.filter(status=status.value)
    if q:
        qs = qs.search(q)
    return qs.order_by("sort_key", "id")


@router.get(
    "/{member_id}",
    response=responses(MemberOut, 401, 404, 422),
    summary="One member",
    description="A member in the user's scope; outside it the answer is 404, as if missing.",
)
def member_detail(request, member_id: int = Path(..., ge=1, le=MAX_ID)):
    member = scoped_members(scope_of(request)).select_related("cell").filter(pk=member_id).first()
    if member is None:
        raise Http404
    return member
