"""The back office of users and roles: a role assignment posted with an organization or a user
that is no id at all (typed into the form, or sent by hand) is answered with the form and its
errors, never a crash while the form is drawn again. Nothing is deleted there, every save is
audited (the password's hash never), and a password is set on chibo's own page."""

import datetime

import pytest
from django.utils import timezone

from chibo.accounts.models import RoleAssignment, User
from chibo.core.models import AuditEvent
from chibo.members.tests.test_admin import superclient  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

NOT_IDS = ["abc", "-1", "1.5", "٣", "99999999999999999999999", "9223372036854775808"]


@pytest.mark.parametrize("bad", NOT_IDS)
def test_a_role_assignment_with_no_such_user_or_organization_is_refused_with_the_form(
    superclient,  # noqa: F811
    tree,
    bad,
):
    before = RoleAssignment.objects.count()
    response = superclient.post(
        "/admin/accounts/roleassignment/add/",
        {
            "user": bad,
            "role": "org_admin",
            "organization": bad,
            "valid_from": "01/01/2024",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "errorlist" in page
    assert RoleAssignment.objects.count() == before


def test_a_user_page_with_a_role_of_no_such_organization_is_refused_with_the_form(
    superclient,  # noqa: F811
    personas,
):
    user = personas["member_a"]
    form = superclient.get(f"/admin/accounts/user/{user.pk}/change/")
    assert form.status_code == 200
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "is_active": "on",
        "date_joined_0": "01/01/2024",
        "date_joined_1": "00:00:00",
        "roles-TOTAL_FORMS": "1",
        "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
        "roles-0-role": "org_admin",
        "roles-0-organization": "abc",
        "roles-0-valid_from": "01/01/2024",
    }
    response = superclient.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def _user_form(user, **roles):
    """The user's change form as the page sends it back unchanged (the day joined set to one
    the form shows whole)."""
    joined = datetime.datetime(2024, 1, 1, tzinfo=timezone.get_current_timezone())
    User.objects.filter(pk=user.pk).update(date_joined=joined)
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "member": str(user.member_id or ""),
        "is_active": "on",
        "date_joined_0": "01/01/2024",
        "date_joined_1": "00:00:00",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
    }
    data.update(roles)
    return data


def test_no_user_and_no_role_is_deleted_from_the_back_office(superclient, personas):  # noqa: F811
    user = personas["secretary_a"]
    role = user.roles.get()
    assert superclient.get(f"/admin/accounts/user/{user.pk}/delete/").status_code == 403
    assert superclient.get(f"/admin/accounts/roleassignment/{role.pk}/delete/").status_code == 403
    listing = superclient.get("/admin/accounts/user/").content.decode()
    assert "delete_selected" not in listing
    page = superclient.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert 'name="roles-0-DELETE"' not in page


def test_a_users_edit_and_a_role_added_are_audited_without_the_password(
    superclient,  # noqa: F811
    personas,
    tree,
):
    user = personas["member_a"]
    hashed = user.password
    data = _user_form(
        user,
        **{
            "roles-TOTAL_FORMS": "1",
            "roles-0-role": "cell_secretary",
            "roles-0-organization": str(tree.cell_a2.pk),
            "roles-0-valid_from": "01/02/2024",
        },
    )
    data["full_name"] = "Nguyễn Văn An (sửa)"
    response = superclient.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.full_name == "Nguyễn Văn An (sửa)" and user.password == hashed
    edit = AuditEvent.objects.get(object_type="accounts.user", object_id=str(user.pk))
    assert edit.actor.username == "root" and edit.action == AuditEvent.Action.UPDATE
    assert edit.changes == {"full_name": [user.username, "Nguyễn Văn An (sửa)"]}
    role = user.roles.get(organization=tree.cell_a2)
    added = AuditEvent.objects.get(object_type="accounts.roleassignment", object_id=str(role.pk))
    assert added.action == AuditEvent.Action.CREATE
    assert added.changes["role"] == [None, "cell_secretary"]
    assert not any("password" in e.changes for e in AuditEvent.objects.all())


def test_a_role_assignment_saved_on_its_own_page_is_audited(superclient, personas, tree):  # noqa: F811
    user = personas["member_a"]
    response = superclient.post(
        "/admin/accounts/roleassignment/add/",
        {
            "user": str(user.pk),
            "role": "org_analyst",
            "organization": str(tree.district.pk),
            "valid_from": "01/03/2024",
        },
    )
    assert response.status_code == 302
    role = RoleAssignment.objects.get(user=user, role="org_analyst")
    event = AuditEvent.objects.get(object_type="accounts.roleassignment", object_id=str(role.pk))
    assert event.actor.username == "root" and event.note == "admin"


def test_a_user_added_in_the_back_office_must_change_the_password_given(superclient):  # noqa: F811
    response = superclient.post(
        "/admin/accounts/user/add/",
        {
            "username": "moi",
            "usable_password": "true",
            "password1": "Mat-khau-tam-2024",
            "password2": "Mat-khau-tam-2024",
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="moi")
    assert user.must_change_password
    event = AuditEvent.objects.get(object_type="accounts.user", object_id=str(user.pk))
    assert "password" not in event.changes and event.changes["username"] == [None, "moi"]


def test_the_back_offices_password_page_is_chibos_reset(superclient, personas):  # noqa: F811
    user = personas["member_a"]
    response = superclient.get(f"/admin/accounts/user/{user.pk}/password/")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/users/{user.pk}/password/"
    # The superuser manages every user, this one too: the reset forces a change at sign-in.
    response = superclient.post(
        response["Location"],
        {"new_password1": "Tam-thoi-2024-xyz", "new_password2": "Tam-thoi-2024-xyz"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.must_change_password and user.check_password("Tam-thoi-2024-xyz")
    root = User.objects.get(username="root")
    assert superclient.get(f"/admin/accounts/user/{root.pk}/password/")["Location"] == (
        "/accounts/password/"
    )
    assert superclient.get("/admin/accounts/user/999999/password/").status_code == 404
