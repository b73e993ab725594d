"""`chibo init` (the first run) and the home page of an empty database."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from chibo.accounts.models import Role, RoleAssignment, User
from chibo.accounts.scope import Scope
from chibo.core.models import AuditEvent
from chibo.organizations.models import Organization, OrganizationEvent, OrganizationPeriod
from conftest import login_client

PASSWORD = "mat-khau-rat-dai-2024"
ARGS = {
    "code": "HTN",
    "name": "Đảng bộ huyện Thử Nghiệm",
    "kind": "district_committee",
    "since": "2020-01-01",
    "admin": "bantochuc",
    "password": PASSWORD,
    "full_name": "Nguyễn Văn Quản",
}


def run_init(**overrides):
    out = io.StringIO()
    call_command("init", stdout=out, **{**ARGS, **overrides})
    return out.getvalue()


def state():
    return (
        Organization.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.django_db
def test_init_creates_the_root_and_its_admin():
    out = run_init()
    root = Organization.objects.get()
    assert (root.code, root.name, root.kind, root.parent) == (
        "HTN",
        "Đảng bộ huyện Thử Nghiệm",
        Organization.Kind.DISTRICT_COMMITTEE,
        None,
    )
    assert root.valid_from == datetime.date(2020, 1, 1)
    assert root.path == f"{root.pk:08d}/"
    period = OrganizationPeriod.objects.get(organization=root)
    assert (period.valid_from, period.valid_to, period.parent) == (root.valid_from, None, None)
    assert OrganizationEvent.objects.get(organization=root).kind == OrganizationEvent.Kind.FOUNDED
    user = User.objects.get(username="bantochuc")
    assert user.full_name == "Nguyễn Văn Quản"
    assert user.check_password(PASSWORD)
    assert not user.is_superuser
    role = RoleAssignment.objects.get(user=user)
    assert (role.role, role.organization, role.valid_from, role.valid_to) == (
        Role.ORG_ADMIN,
        root,
        datetime.date(2020, 1, 1),
        None,
    )
    audited = {(e.object_type, e.object_id, e.action, e.actor_id) for e in AuditEvent.objects.all()}
    assert audited == {
        ("organizations.organization", str(root.pk), "create", None),
        ("accounts.user", str(user.pk), "create", None),
        ("accounts.roleassignment", str(role.pk), "create", None),
    }
    assert "HTN" in out and "bantochuc" in out
    assert "chibo template --out" in out and "chibo import-workbook" in out


@pytest.mark.django_db
def test_the_admin_signs_in_sets_up_totp_and_administers_the_root():
    run_init()
    user = User.objects.get(username="bantochuc")
    assert Scope.for_user(user).is_org_admin
    client = Client()
    assert client.post(
        "/accounts/login/", {"username": "bantochuc", "password": PASSWORD}
    ).status_code in (302, 303)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp")
    # Past the TOTP step, the home page is the root's page.
    response = login_client(user).get("/", follow=True)
    assert response.status_code == 200
    assert "Đảng bộ huyện Thử Nghiệm" in response.content.decode()


@pytest.mark.django_db
def test_a_commune_committee_root_in_dd_mm_yyyy():
    run_init(kind="grassroots", code="XMS", name="Đảng bộ xã Mai Sơn", since="01/07/2025")
    root = Organization.objects.get()
    assert root.kind == Organization.Kind.GRASSROOTS
    assert root.grassroots_type == Organization.GrassrootsType.COMMUNE
    assert root.valid_from == datetime.date(2025, 7, 1)


@pytest.mark.django_db
def test_the_password_is_asked_twice_when_not_given(monkeypatch):
    answers = iter(["khong-khop-1", "khong-khop-2", PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    run_init(password=None)
    assert User.objects.get(username="bantochuc").check_password(PASSWORD)


@pytest.mark.django_db
def test_a_second_init_is_refused():
    run_init()
    before = state()
    with pytest.raises(CommandError, match="đã có tổ chức gốc"):
        run_init(code="KHAC", admin="khac")
    assert state() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"since": "31/02/2020"}, "Ngày không hợp lệ"),
        ({"since": "năm 2020"}, "Ngày không hợp lệ"),
        ({"kind": "cell"}, "Loại tổ chức không hợp lệ"),
        ({"kind": "huyen"}, "Loại tổ chức không hợp lệ"),
        ({"password": "123"}, "Không tạo được"),
        ({"admin": "có dấu cách"}, "Tên đăng nhập chỉ gồm"),
        ({"code": "mã có dấu"}, "Mã chỉ gồm"),
        ({"since": "01/01/2099"}, "không được sau hôm nay"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(overrides, message):
    with pytest.raises(CommandError, match=message):
        run_init(**overrides)
    assert state() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_an_existing_username_is_refused():
    User.objects.create_user(username="BanToChuc", password="x")
    with pytest.raises(CommandError, match="Tên đăng nhập bantochuc đã có"):
        run_init()
    assert Organization.objects.count() == 0
    assert RoleAssignment.objects.count() == 0


@pytest.mark.django_db
def test_a_cell_cannot_be_a_root_through_the_service():
    from django.core.exceptions import ValidationError

    from chibo.organizations import services

    with pytest.raises(ValidationError, match="Chi bộ phải có tổ chức cấp trên"):
        services.org_create(
            code="CB",
            name="Chi bộ",
            kind=Organization.Kind.CELL,
            cell_type="agency",
            parent=None,
            valid_from=datetime.date(2020, 1, 1),
            actor=None,
        )
    assert Organization.objects.count() == 0


# --- the home page of an empty database -----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("superuser", [True, False])
@pytest.mark.parametrize("url", ["/", "/org/"])
def test_an_empty_database_says_what_to_do(superuser, url):
    if superuser:
        user = User.objects.create_superuser(username="root", password="x")
    else:
        user = User.objects.create_user(username="nobody", password="x")
    response = login_client(user).get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Chưa có tổ chức đảng nào" in text
    assert "chibo init --code" in text and "README" in text
    assert "Không có tổ chức nào" not in text


@pytest.mark.django_db
def test_once_a_root_exists_a_user_without_a_role_is_told_so():
    run_init()
    user = User.objects.create_user(username="nobody", password="x")
    response = login_client(user).get("/")
    assert response.status_code == 403
    assert "Chưa có tổ chức đảng nào" not in response.content.decode()
