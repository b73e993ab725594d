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
