"""POST /auth/token: a bearer token for a username and password (and a TOTP code for admins).

Sign-in goes through django.contrib.auth.authenticate(request=...), so django-axes counts
failures and locks the username out from this address after AXES_FAILURE_LIMIT of them,
exactly as on the web sign-in page. Axes marks a refused request with
`request.axes_locked_out`, and its middleware would then replace our answer with the HTML
lockout page; this view answers 429 in JSON itself and clears the mark.
"""

import datetime
import math

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status

from chibo.accounts.middleware import needs_otp
from chibo.accounts.models import ApiToken
from chibo.accounts.scope import Scope
from chibo.core.web import get_or_404

from .schemas import MAX_ID, TEXT_PATTERN, responses
from .security import scope_of
from .services import token_issue

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=150, pattern=TEXT_PATTERN)
    password: str = Field(min_length=1, max_length=4096)
    otp: str | None = Field(
        None,
        pattern=r"^\d{6}$",
        description="6-digit TOTP code; required for org-board admins.",
    )
    scope: ApiToken.Access = Field(
        ApiToken.Access.READ,
        description=(
            "`read` (default) or `write`. Only users who hold a role that writes (org-board "
            "admin, commune staff, cell secretary) get a write token; others answer 403."
        ),
    )


class TokenOut(Schema):
    token: str = Field(description="Send as `Authorization: Bearer <token>`. Shown only once.")
    scope: ApiToken.Access = Field(description="`read` or `write`.")
    expires_at: datetime.datetime = Field(description="Time after which the token is refused.")


def _locked_out(request) -> bool:
    return bool(getattr(request, "axes_locked_out", False))


def _lockout_response(request, response):
    # Answer in JSON here; with the mark left on, AxesMiddleware would render its HTML page.
    request.axes_locked_out = False
    cool_off = get_cool_off(request)
    seconds = math.ceil(cool_off.total_seconds()) if cool_off else 0
    minutes = max(1, math.ceil(seconds / 60)) if seconds else 0
    if minutes:
        detail = ngettext(
            "Tài khoản tạm bị khóa vì đăng nhập sai quá nhiều lần. "
            "Hãy thử lại sau %(minutes)d phút.",
            "Tài khoản tạm bị khóa vì đăng nhập sai quá nhiều lần. "
            "Hãy thử lại sau %(minutes)d phút.",
            minutes,
        ) % {"minutes": minutes}
    else:
        detail = _("Tài khoản bị khóa vì đăng nhập sai quá nhiều lần. Hãy liên hệ quản trị viên.")
    if seconds:
        response["Retry-After"] = str(seconds)
    return Status(429, {"detail": detail, "retry_after": seconds})


def _may_write(user) -> bool:
    scope = Scope.for_user(user)
    return scope.superuser or bool(scope.write_paths)


def _otp_ok(user, code: str | None) -> bool:
    if not code:
        return False
    # Locked rows so that one code cannot be accepted twice by concurrent requests; a wrong
    # code still commits the device's throttling counters.
    with transaction.atomic():
        devices = TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update()
        return any(device.verify_token(code) for device in devices)


@router.post(
    "/token",
    auth=None,
    response=responses(TokenOut, 400, 401, 403, 422, 429),
    summary="Issue a bearer token",
    description=(
        "Exchange a username and password for a bearer token valid for "
        f"{ApiToken.LIFETIME_HOURS} hours. "
        "Org-board admins must also send `otp`, a current 6-digit code from their "
        "authenticator app (set up on the web first). Wrong credentials or a missing or "
        "wrong code answer 401; after repeated failures the username is locked out from "
        "this address and every attempt answers 429 until the cool-off ends. "
        '`"scope": "write"` asks for a token that may also write; a user with no role '
        "that writes gets 403."
    ),
)
def token_create(request, data: TokenIn, response: HttpResponse):
    user = authenticate(request=request, username=data.username, password=data.password)
    if _locked_out(request):
        return _lockout_response(request, response)
    if user is None:
        return Status(401, {"detail": _("Tên đăng nhập hoặc mật khẩu không đúng.")})
    if needs_otp(user) and not _otp_ok(user, data.otp):
        # A missing or wrong code counts as a failed sign-in for the lockout.
        user_login_failed.send(
            sender=__name__, credentials={"username": data.username}, request=request
        )
        if _locked_out(request):
            return _lockout_response(request, response)
        if not TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
            detail = _(
                "Tài khoản quản trị cần xác thực hai lớp: hãy đăng nhập trên web để cài đặt "
                "ứng dụng tạo mã trước."
            )
        elif data.otp:
            detail = _("Mã xác thực không đúng hoặc đã hết hạn. Hãy thử mã mới.")
        else:
            detail = _("Tài khoản quản trị cần gửi kèm mã xác thực 6 số (otp).")
        return Status(401, {"detail": detail})
    if user.must_change_password:
        return Status(
            403,
            {
                "detail": _(
                    "Mật khẩu vừa được quản trị viên đặt lại: hãy đăng nhập trên web và đổi mật "
                    "khẩu trước khi xin mã API."
                )
            },
        )
    if data.scope == ApiToken.Access.WRITE and not _may_write(user):
        return Status(
            403,
            {
                "detail": _(
                    "Tài khoản này không có vai trò được ghi dữ liệu (quản trị Ban Tổ chức, cán bộ "
                    "Đảng ủy xã, bí thư chi bộ): chỉ cấp được mã đọc."
                )
            },
        )
    token, row = token_issue(user=user, scope=data.scope)
    if settings.AXES_RESET_ON_SUCCESS:
        AxesProxyHandler.update_request(request)
        AxesProxyHandler.reset_attempts(username=data.username, ip_address=request.axes_ip_address)
    return Status(200, {"token": token, "scope": row.scope, "expires_at": row.expires_at})


class TokenRow(Schema):
    id: int
    user_id: int
    scope: ApiToken.Access
    created_at: datetime.datetime
    expires_at: datetime.datetime
    revoked: bool


@router.get(
    "/tokens",
    response=responses(list[TokenRow], 401, 404, 422),
    summary="List API tokens",
    description=(
        "The requester's own tokens, newest first (their values are never shown again); with "
        "`user`, an org-board admin lists the tokens of a user who holds a role under their "
        "nodes (anyone else: 404, as if missing)."
    ),
)
def token_list(request, user: int | None = Query(None, ge=1, le=MAX_ID)):
    from chibo.accounts.views_security import managed_users

    target = request.auth.pk if user is None or user == request.auth.pk else None
    if target is None:
        if not managed_users(scope_of(request)).filter(pk=user).exists():
            raise Http404
        target = user
    return list(ApiToken.objects.filter(user_id=target).order_by("-created_at", "-id"))


@router.post(
    "/tokens/{token_id}/revoke",
    response=responses(TokenRow, 401, 404, 422),
    summary="Revoke an API token",
    description=(
        "Revokes one of the requester's tokens (the one in use included), or, for an org-board "
        "admin, a token of a user who holds a role under their nodes; anything else answers "
        "404. Revoking a revoked token changes nothing. A password change revokes them all."
    ),
)
def token_revoke_view(request, token_id: int = Path(..., ge=1, le=MAX_ID)):
    from chibo.accounts.services import token_revoke
    from chibo.accounts.views_security import managed_users

    row = get_or_404(ApiToken.objects.select_related("user"), pk=token_id)
    if row.user_id != request.auth.pk and not (
        managed_users(scope_of(request)).filter(pk=row.user_id).exists()
    ):
        raise Http404
    token_revoke(token=row, actor=request.auth)
    return row
