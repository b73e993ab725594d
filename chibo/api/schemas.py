"""Shapes shared by every operation: error bodies and the page envelope."""

import datetime
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Query, Schema
from ninja.errors import ValidationError as Invalid
from ninja.pagination import PageNumberPagination

from chibo.members.models import Member
from chibo.members.selectors import page_rows, search_count
from chibo.organizations.forms import AsOfForm

# Ids, pages and sizes are bounded so that no query parameter can overflow a database integer.
MAX_ID = 2**63 - 1
MAX_PAGE = 1_000_000
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Free-text filters: printable text only (NUL is refused by PostgreSQL), at most 100 characters.
TEXT_PATTERN = r"^[^\x00-\x1f\x7f]*$"
TEXT_MAX = 100


AS_OF = Query(
    None,
    max_length=10,
    description=(
        "The date the answer describes, dd/mm/yyyy or yyyy-mm-dd; today when left out. "
        "Date-dependent fields are worked out as of that date (see the operation)."
    ),
)


def as_of_date(value: str | None, today: datetime.date) -> datetime.date:
    """The `as_of` query parameter read as the pages read theirs; 422 with their message."""
    if not value:
        return today
    form = AsOfForm({"as_of": value})
    if not form.is_valid():
        raise Invalid(
            [
                {"type": "date", "loc": ["query", "as_of"], "msg": message}
                for message in form.errors["as_of"]
            ]
        )
    return form.cleaned_data["as_of"] or today


class Error(Schema):
    """Every error that is not a validation error: one message."""

    detail: str


class ValidationIssue(Schema):
    """One invalid input, as pydantic reports it."""

    type: str
    loc: list[str | int]
    msg: str

    model_config = {"extra": "allow"}


class ValidationErrorOut(Schema):
    """422: the request's parameters or body did not validate."""

    detail: list[ValidationIssue]


class LockedOut(Schema):
    """429: too many failed sign-ins from this address for this username."""

    detail: str
    retry_after: int = Field(description="Seconds until sign-in may be tried again.")


class PageParams(Schema):
    """The query parameters of every list."""

    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page, 1 to 200."
    )


class Pagination(PageNumberPagination):
    """`?page=1&page_size=50`: pages count from 1; a page holds at most 200 items.

    The answer is `{items, count, count_capped, page, page_size}` where `count` is the number
    of items on all pages. A search (`q`) counts up to 1,000 only: past that `count` is 1,000
    and `count_capped` is true (the pages go on; narrow the search instead). A page past the
    end has no items.
    """

    Input = PageParams

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="Items on all pages; with `q`, at most 1,000.")
        count_capped: bool = Field(
            description="True when `q` matched more than 1,000 items and `count` stopped there."
        )
        page: int
        page_size: int

    def __init__(self, **kwargs):
        super().__init__(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)

    def paginate_queryset(self, queryset, pagination, request, **params):
        size = pagination.page_size
        offset = (pagination.page - 1) * size
        search = bool(params.get("q")) and isinstance(queryset, QuerySet)
        if search:
            count, capped = search_count(queryset)
        else:
            count, capped = self._items_count(queryset), False
        if search and queryset.model is Member:
            # A search skips most of what it walks: the page's ids first, from one index.
            # (Reading the first 1.001 ids in order to count them too is no cheaper: "lo van"
            # sorts all its matches for it, 25 ms, where the count alone takes 12.)
            items = page_rows(queryset, offset, size)
        else:
            items = queryset[offset : offset + size]
        return self.answer(items, pagination, count, capped, request)

    def answer(self, items, pagination, count: int, capped: bool, request) -> dict:
        """The answer for a page of `items`. A list as of a date first sets on the page's items
        what they were that day (api.as_of)."""
        after_page = getattr(request, "api_after_page", None)
        if after_page is not None:
            items = list(items)
            after_page(items)
        return {
            "items": items,
            "count": count,
            "count_capped": capped,
            "page": pagination.page,
            "page_size": pagination.page_size,
        }


def responses(ok, *codes: int, status: int = 200) -> dict:
    """The documented responses of an operation: `status` (200, or 201 for a creation) with
    `ok`, plus the given error codes."""
    bodies = {
        400: Error,
        401: Error,
        403: Error,
        404: Error,
        409: Error,
        422: ValidationErrorOut,
        429: LockedOut,
    }
    return {status: ok, **{code: bodies[code] for code in codes}}
