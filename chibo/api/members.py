"""GET /members and /members/{id}: members in the user's scope, or only oneself for a member."""

import datetime
import enum

from django.http import Http404, HttpResponse
from ninja import Field, Path, Query, Router
from ninja.pagination import paginate
from pydantic import BaseModel, model_validator

from chibo.core.keyset import beyond_q, cursor_values
from chibo.core.web import get_or_404
from chibo.members.indicators import memberships_open_on
from chibo.members.models import IN_CELL_STATUSES, Member, Sex, Status, TheoryLevel
from chibo.members.selectors import counted_total, page_rows, scoped_members, search_count
from chibo.organizations.selectors import org_ids_under

from .as_of import set_cells
from .schemas import (
    AS_OF,
    MAX_ID,
    TEXT_MAX,
    TEXT_PATTERN,
    PageParams,
    Pagination,
    as_of_date,
    responses,
)
from .security import scope_of

router = Router(tags=["members"])

StatusFilter = enum.Enum(
    "StatusFilter",
    {"IN_CELL": "in_cell", "ALL": "all", **{s.name: s.value for s in Status}},
    type=str,
)


class CellRef(BaseModel):
    id: int
    code: str
    name: str


# A plain pydantic model read from a Member by _from_member (one dict a member, which pydantic
# validates in its compiled core): a ninja Schema reads each field through a Python getter,
# ~0,1 ms a member, a fifth of a province-wide search's time.
class MemberOut(BaseModel):
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

    @model_validator(mode="before")
    @classmethod
    def _from_member(cls, obj, info):
        if not isinstance(obj, Member):
            return obj
        scope = scope_of(info.context["request"])
        data = {name: getattr(obj, name) for name in PLAIN_FIELDS}
        cell = obj.cell
        data["cell"] = {"id": cell.pk, "code": cell.code, "name": cell.name}
        # The citizen ID in full only where the user may see personal data; masked
        # (•••…123) elsewhere.
        if obj.citizen_id:
            data["citizen_id"] = (
                obj.citizen_id if scope.can_see_pii(cell) else obj.citizen_id_masked
            )
        else:
            data["citizen_id"] = None
        # As of the request's `as_of`, else the scope's date (today's, worked out once for the
        # request rather than per item).
        request = info.context["request"]
        data["is_official"] = obj.is_official(getattr(request, "api_as_of", None) or scope.on)
        return data


# The fields read as they are from the Member (the others are worked out in _from_member).
PLAIN_FIELDS = tuple(
    n for n in MemberOut.model_fields if n not in {"cell", "citizen_id", "is_official"}
)


class KeysetPagination(Pagination):
    """The members' pages: `page` as every list, or `after`, a member's id (the previous
    answer's `next_after`): the page then starts after that member in the list's order, found
    in the list's index rather than by skipping `(page - 1) × page_size` members (core.keyset):
    page 20 of a country's list costs what the first costs. The answer's `count` comes from
    the members-per-cell counters when only `org` narrows the list (chibo.members.counts)."""

    class Input(PageParams):
        after: int | None = Field(
            None,
            ge=1,
            le=MAX_ID,
            description=(
                "A member's id, the previous page's `next_after`: this page starts after that "
                "member (then `page` only labels the answer). 404 for a member outside the scope."
            ),
        )

    class Output(Pagination.Output):
        next_after: int | None = Field(
            description="When more items follow, the last item's id: send it as `after`."
        )

    def paginate_queryset(self, queryset, pagination, request, **params):
        size = pagination.page_size
        search = bool(params.get("q"))
        if search:
            count, capped = search_count(queryset)
        else:
            counted = getattr(request, "api_member_count", lambda: None)()
            count, capped = (queryset.count() if counted is None else counted), False
        offset = (pagination.page - 1) * size
        if pagination.after is not None:
            order = list(queryset.query.order_by)
            cursor = cursor_values(scoped_members(scope_of(request)), pagination.after, order)
            if cursor is None:
                raise Http404
            queryset, offset = queryset.filter(beyond_q(order, cursor)), 0
        if search:
            # A search skips most of what it walks: the page's ids first, from one index.
            items = page_rows(queryset, offset, size + 1)
        else:
            items = list(queryset[offset : offset + size + 1])
        more = len(items) > size
        answer = self.answer(items[:size], pagination, count, capped, request)
        answer["next_after"] = answer["items"][-1].pk if more else None
        return answer


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
        "lists every status. Citizen IDs are masked unless the user may see them. Paginated. "
        "With `as_of`, the list is the one of that date: `in_cell` and `org` keep the members "
        "whose cell membership was open that day (in a cell under `org` then), each with "
        "that day's `cell` and `is_official`; `status` stays today's."
    ),
)
@paginate(KeysetPagination)
def member_list(
    request,
    q: str | None = Query(None, max_length=TEXT_MAX, pattern=TEXT_PATTERN),
    org: int | None = Query(None, ge=1, le=MAX_ID, description="Organization id."),
    status: StatusFilter = StatusFilter.IN_CELL,
    as_of: str | None = AS_OF,
):
    scope = scope_of(request)
    when = as_of_date(as_of, scope.on) if as_of else None
    request.api_as_of = when
    qs = scoped_members(scope).select_related("cell")
    node = scope.org_or_404(org) if org is not None else None
    if when is None:
        if node is not None:
            qs = qs.under(node)
        if status == StatusFilter.IN_CELL:
            qs = qs.filter(status__in=IN_CELL_STATUSES)
    else:
        # The memberships of that day, in the tree of that day.
        ships = memberships_open_on(when)
        if node is not None:
            ships = ships.filter(cell_id__in=org_ids_under(node, when))
        if node is not None or status == StatusFilter.IN_CELL:
            qs = qs.filter(pk__in=ships.values("member_id"))
        request.api_after_page = lambda members: set_cells(members, when)
    if status not in (StatusFilter.IN_CELL, StatusFilter.ALL):
        qs = qs.filter(status=status.value)
    if q:
        qs = qs.search(q)
    elif when is None and status == StatusFilter.IN_CELL:
        request.api_member_count = lambda: counted_total(scope, {}, node)
    return qs.order_by("sort_key", "id")


@router.get(
    "/{member_id}",
    response=responses(MemberOut, 401, 404, 422),
    summary="One member",
    description=(
        "A member in the user's scope; outside it the answer is 404, as if missing. "
        "With `as_of`, `cell` is the member's cell that day (today's if they were in none) and "
        "`is_official` is worked out as of that day. The `ETag` header holds the record's "
        "version: send it back as `If-Match` with `PATCH /members/{member_id}`."
    ),
)
def member_detail(
    request,
    response: HttpResponse,
    member_id: int = Path(..., ge=1, le=MAX_ID),
    as_of: str | None = AS_OF,
):
    scope = scope_of(request)
    when = as_of_date(as_of, scope.on) if as_of else None
    request.api_as_of = when
    member = get_or_404(scoped_members(scope).select_related("cell"), pk=member_id)
    response["ETag"] = etag(member)
    if when is not None:
        set_cells([member], when)
    return member


def etag(member: Member) -> str:
    """The version of a member's record (its `updated_at`), as an HTTP entity tag."""
    return f'"{member.updated_at.isoformat()}"'
