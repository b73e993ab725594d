"""Writes to accounts: the first run of a new installation (its root and first admin)."""

import datetime
import re

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chibo.core import audit
from chibo.core.dates import today
from chibo.core.models import AuditEvent
from chibo.organizations import services as org_services
from chibo.organizations.models import Organization

from .models import Role, RoleAssignment, User

K = Organization.Kind
# The kinds a root may have, with the grassroots type each implies (a commune committee directly
# under a province after 2025 is a grassroots organization of type commune).
ROOT_KINDS = {
    K.PROVINCE_COMMITTEE: "",
    K.DISTRICT_COMMITTEE: "",
    K.GRASSROOTS: Organization.GrassrootsType.COMMUNE,
}
ROLE_FIELDS = ["user", "role", "organization", "valid_from", "valid_to", "note"]


def has_root() -> bool:
    return Organization.objects.filter(parent__isnull=True).exists()


def check_new_admin(username: str, password: str, full_name: str = "") -> None:
    """The first admin's username is free and well formed, the password passes Django's
    validators. Raises ValidationError with every problem found."""
    errors = {}
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        errors["username"] = _(
            "Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _ (không có dấu cách)."
        )
    if not username:
        errors["username"] = _("Hãy nhập tên đăng nhập.")
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("Tên đăng nhập %(u)s đã có.") % {"u": username}
    try:
        validate_password(password, User(username=username, full_name=full_name))
    except ValidationError as e:
        errors["password"] = e.messages
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def first_run(
    *,
    code: str,
    name: str,
    kind: str,
    since: datetime.date,
    username: str,
    password: str,
    full_name: str = "",
) -> tuple[Organization, User]:
    """Create the root organization and its first org-board admin (ORG_ADMIN at the root from
    `since`), audited as the system. Refused (ValidationError, nothing written) on a database
    that already has a root, a kind a root cannot have (a cell), a `since` after today, a
    username already taken or a password Django's validators refuse. The admin sets up TOTP at
    the first sign-in, as every org-board admin does."""
    if has_root():
        raise ValidationError(
            _("Cơ sở dữ liệu đã có tổ chức gốc: lệnh này chỉ dùng cho lần chạy đầu tiên.")
        )
    if kind not in ROOT_KINDS:
        raise ValidationError(
            {
                "kind": _("Loại tổ chức gốc không hợp lệ: «%(k)s»; chọn một trong: %(ok)s.")
                % {"k": kind, "ok": ", ".join(ROOT_KINDS)}
            }
        )
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,30}", code or ""):
        raise ValidationError({"code": _("Mã chỉ gồm chữ không dấu, số, . _ - (tối đa 30 ký tự).")})
    if not (name or "").strip():
        raise ValidationError({"name": _("Hãy nhập tên tổ chức.")})
    if since > today():
        raise ValidationError({"since": _("Ngày thành lập không được sau hôm nay.")})
    full_name = " ".join((full_name or "").split())
    check_new_admin(username, password, full_name)
    root = org_services.org_create(
        code=code,
        name=name.strip(),
        kind=kind,
        parent=None,
        valid_from=since,
        actor=None,
        grassroots_type=ROOT_KINDS[kind],
    )
    user = User.objects.create_user(username=username, password=password, full_name=full_name)
    audit.record(
        actor=None,
        action=AuditEvent.Action.CREATE,
        obj=user,
        changes=audit.snapshot(user, ["username", "full_name"]),
        note=_("Quản trị Ban Tổ chức đầu tiên (chibo init)"),
    )
    role = RoleAssignment.objects.create(
        user=user, role=Role.ORG_ADMIN, organization=root, valid_from=since, note="chibo init"
    )
    audit.record(
        actor=None,
        action=AuditEvent.Action.CREATE,
        obj=role,
        changes=audit.snapshot(role, ROLE_FIELDS),
    )
    return root, user


# --- passwords and API tokens -------------------------------------------------------------------


def _revoke_tokens(user: User) -> int:
    from .models import ApiToken

    return ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)


@transaction.atomic
def password_change(*, user: User, new_password: str, actor) -> int:
    """The user's own new password (already validated by the form); their API tokens are revoked:
    a token obtained with the old password must not outlive it. Returns the tokens revoked."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.set_password(new_password)
    locked.must_change_password = False
    locked.save(update_fields=["password", "must_change_password"])
    revoked = _revoke_tokens(locked)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        changes={"password": "changed", "api_tokens_revoked": revoked},
        note=_("Đổi mật khẩu"),
    )
    user.password, user.must_change_password = locked.password, False
    return revoked


@transaction.atomic
def password_reset(*, user: User, new_password: str, actor) -> int:
    """An admin sets another user's password (validated by the form): the user must choose their
    own at the next sign-in; their API tokens are revoked. Returns the tokens revoked."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.set_password(new_password)
    locked.must_change_password = True
    locked.save(update_fields=["password", "must_change_password"])
    revoked = _revoke_tokens(locked)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        changes={"password": "reset", "api_tokens_revoked": revoked},
        note=_("Đặt lại mật khẩu (phải đổi khi đăng nhập)"),
    )
    return revoked


@transaction.atomic
def token_revoke(*, token, actor) -> bool:
    """Revoke one API token; False if it was revoked already. Audited."""
    from .models import ApiToken

    changed = ApiToken.objects.filter(pk=token.pk, revoked=False).update(revoked=True)
    if changed:
        token.revoked = True
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=token,
            changes={"revoked": [False, True]},
            note=_("Thu hồi mã API của %(u)s") % {"u": token.user},
        )
    return bool(changed)
