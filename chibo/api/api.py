"""The REST API (OpenAPI 3) under /api/v1/: schema at openapi.json, Swagger UI at docs."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from chibo.accounts.models import ApiToken

# movements and writes_* register their operations on the routers of members and organizations
# too.
from . import (
    members,
    movements,  # noqa: F401
    organizations,
    tokens,
    writes_committees,
    writes_members,  # noqa: F401
    writes_organizations,  # noqa: F401
)
from .docs import LocalSwagger
from .security import BearerAuth

DESCRIPTION = """\
Read and write access to the organization tree, the member list, committee positions and
village posts of chibo, for the systems a province already runs.

**Authentication.** `POST /api/v1/auth/token` with `{"username", "password"}` (org-board
admins add `"otp"`, a 6-digit TOTP code) answers `{"token", "scope", "expires_at"}`. Send
`Authorization: Bearer <token>` with every other request. Tokens last TOKEN_HOURS hours; an unknown,
expired or revoked token answers 401. Repeated failed sign-ins lock the username out from
the address for a while (429).

**Read and write tokens.** A token reads only, unless asked with `"scope": "write"`: only
users with a role that writes (org-board admin, commune staff, cell secretary) get one, others
403. Every write operation answers 403 to a read token.

**Scope.** Every answer is limited to the organizations under the nodes where the user
holds a role; a member sees only their own record. Anything outside the scope answers 404,
the same as a missing object. Writes need the write scope (the nodes of a role that writes;
restructuring the tree, the org board's): outside it, or for a role that only reads, 404.

**Writes.** Each write goes through the same checks, services and audit trail as the pages.
Dates in bodies are `dd/mm/yyyy` or `yyyy-mm-dd`. A creation answers 201, a change 200, each
with the object. A write the rules refuse answers 422 with the pages' messages (Vietnamese)
by field, in the shape of every 422 below. A member's data the register's rules find
suspicious but possible (an admission more than 12 months back with no official date, say)
is a warning: as the page asks to confirm, the write answers 422 listing the warnings (items
of `"type": "warning"`) and writes nothing, until sent again with `"accept_warnings": true`.
`PATCH /members/{member_id}` takes the record's
`ETag` (from `GET /members/{member_id}` or the last write) as `If-Match`: if someone changed
the record since, it answers 409 and changes nothing.

**Idempotency.** Every write takes an `Idempotency-Key` header (any unique text, a UUID say).
A retry with the same key by the same user within 24 hours writes nothing and answers the
first answer again, status and body, with `Idempotent-Replayed: true`; the same key with
another request answers 422. Only answers that wrote (201, 200) are kept: after a 4xx, fix
the request and send it again with the same key.

**As of a date.** Reads take `as_of` (`dd/mm/yyyy` or `yyyy-mm-dd`, default today; anything
else 422) and answer with what was true that day, from the dated history a change never
rewrites: a member's `is_official` and cell, who was in a cell under an organization (the
member list's `org` and `in_cell`), an organization's `name`, `parent_id` and
`member_count`, and which organizations were in force.

**Pagination.** Lists take `page` (from 1) and `page_size` (1 to 200, default 50) and
answer `{"items", "count", "page", "page_size"}`. The members' list also takes `after`, a
member's id, and answers `next_after`: the next page starts after that member, found in the
list's order rather than by skipping (page 20 of a country's list costs what the first costs).

**Errors.** `{"detail": "message"}`; invalid parameters answer 422 with
`{"detail": [{"type", "loc", "msg"}, ...]}`.
""".replace("TOKEN_HOURS", str(ApiToken.LIFETIME_HOURS))

api = NinjaAPI(
    title="chibo API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=BearerAuth(),
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    response = api.create_response(
        request, {"detail": _("Cần mã truy cập hợp lệ (Authorization: Bearer …).")}, status=401
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Không tìm thấy.")}, status=404)


api.add_router("/auth", tokens.router)
api.add_router("/organizations", organizations.router)
api.add_router("/members", members.router)
api.add_router("/positions", writes_committees.positions)
api.add_router("/villages", writes_committees.villages)
api.add_router("/posts", writes_committees.posts)
