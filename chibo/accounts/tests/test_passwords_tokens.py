"""Passwords (change one's own; an org-board admin resets another's, who must change it at the
next sign-in) and API tokens (list and revoke one's own, an admin anyone's they manage; a
password change revokes them), on the pages and in the API."""

import json

import pytest
from django.test import Client

from chibo.accounts.models import ApiToken, User
from chibo.api.services import token_issue
from chibo.core.models import AuditEvent
from conftest import login_client

NEW = "Mật-khẩu-mới-đủ-dài-2026"


def bearer(user):
    token, row = token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}, row


@pytest.mark.django_db
def test_change_own_password_revokes_the_tokens(clients, personas):
    user = personas["secretary_a"]
    headers, row = bearer(user)
    client = clients["secretary_a"]
    assert client.get("/accounts/password/").status_code == 200
    wrong = client.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": NEW, "new_password2": NEW},
    )
    assert wrong.status_code == 200 and not User.objects.get(pk=user.pk).check_password(NEW)
    r = client.post(
        "/accounts/password/",
        {"old_password": "pw-secretary_a", "new_password1": NEW, "new_password2": NEW},
    )
    assert r.status_code == 302
    assert User.objects.get(pk=user.pk).check_password(NEW)
    row.refresh_from_db()
    assert row.revoked
    assert client.get("/api/v1/members", **headers).status_code == 401
    assert client.get("/members/").status_code == 200  # this session stays signed in
    event = AuditEvent.objects.get(
        object_type="accounts.user", object_id=str(user.pk), action="update"
    )
    assert event.changes == {"password": "changed", "api_tokens_revoked": 1}
    assert "pw-" not in json.dumps(event.changes) and NEW not in json.dumps(event.changes)


@pytest.mark.django_db
def test_admin_resets_a_password_and_the_user_must_change_it(clients, personas):
    target = personas["secretary_a"]
    _, row = bearer(target)
    r = clients["admin"].post(
        f"/accounts/users/{target.pk}/password/",
        {"new_password1": "Tạm-thời-2026-xyz", "new_password2": "Tạm-thời-2026-xyz"},
    )
    assert r.status_code == 302
    target.refresh_from_db()
    row.refresh_from_db()
    assert target.must_change_password and row.revoked
    client = Client()
    r = client.post(
        "/accounts/login/", {"username": "secretary_a", "password": "Tạm-thời-2026-xyz"}
    )
    assert r.status_code == 302
    r = client.get("/members/")
    assert (r.status_code, r["Location"]) == (302, "/accounts/password/")
    page = client.get("/accounts/password/").content.decode()
    assert "vừa được quản trị viên đặt lại" in page
    api = Client().post(
        "/api/v1/auth/token",
        data=json.dumps({"username": "secretary_a", "password": "Tạm-thời-2026-xyz"}),
        content_type="application/json",
    )
    assert api.status_code == 403 and "đổi mật khẩu" in api.json()["detail"]
    client.post(
        "/accounts/password/",
        {"old_password": "Tạm-thời-2026-xyz", "new_password1": NEW, "new_password2": NEW},
    )
    target.refresh_from_db()
    assert not target.must_change_password
    assert client.get("/members/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["commune", "analyst", "secretary_b", "member_a"])
def test_only_an_org_board_admin_resets_passwords(clients, personas, persona):
    target = personas["secretary_a"]
    before = User.objects.get(pk=target.pk).password
    r = clients[persona].post(
        f"/accounts/users/{target.pk}/password/",
        {"new_password1": "Tạm-thời-2026-xyz", "new_password2": "Tạm-thời-2026-xyz"},
    )
    assert r.status_code == 404
    assert User.objects.get(pk=target.pk).password == before
    assert clients[persona].get(f"/accounts/tokens/?user={target.pk}").status_code == 404


@pytest.mark.django_db
def test_token_pages_list_and_revoke(clients, personas):
    mine = token_issue(user=personas["secretary_a"])[1]
    theirs = token_issue(user=personas["secretary_b"])[1]
    page = clients["secretary_a"].get("/accounts/tokens/")
    assert page.status_code == 200 and list(page.context["tokens"]) == [mine]
    assert clients["secretary_a"].post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404
    r = clients["secretary_a"].post(f"/accounts/tokens/{mine.pk}/revoke/")
    assert r.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked and not theirs.revoked
    assert clients["secretary_a"].get("/accounts/tokens/?user=x").status_code == 400
    page = clients["admin"].get(f"/accounts/tokens/?user={personas['secretary_b'].pk}")
    assert list(page.context["tokens"]) == [theirs]
    assert clients["admin"].post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 302
    theirs.refresh_from_db()
    assert theirs.revoked
    assert AuditEvent.objects.filter(object_type="accounts.apitoken").count() == 2


@pytest.mark.django_db
def test_the_own_token_page_says_how_a_program_gets_one(clients, personas):
    """An empty list alone leaves a user asking where a token comes from: the page says (the
    API's sign-in, the lifetime read from the model) and links to the API's documentation."""
    page = clients["secretary_a"].get("/accounts/tokens/").content.decode()
    how = page[page.index('id="tokens-how"') :]
    assert "POST /api/v1/auth/token" in how and "12 giờ" in how
    assert 'href="/api/v1/docs"' in how
    assert clients["secretary_a"].get("/api/v1/docs").status_code == 200
    # An admin reading another's tokens manages them; the how-to is for one's own.
    other = clients["admin"].get(f"/accounts/tokens/?user={personas['secretary_a'].pk}")
    assert 'id="tokens-how"' not in other.content.decode()


@pytest.mark.django_db
def test_token_api_list_and_revoke(client, personas):
    headers, row = bearer(personas["secretary_a"])
    other = token_issue(user=personas["secretary_b"])[1]
    got = client.get("/api/v1/auth/tokens", **headers)
    assert got.status_code == 200 and [t["id"] for t in got.json()] == [row.pk]
    assert "key_hash" not in got.json()[0]
    outside = f"/api/v1/auth/tokens?user={personas['secretary_b'].pk}"
    assert client.get(outside, **headers).status_code == 404
    assert client.post(f"/api/v1/auth/tokens/{other.pk}/revoke", **headers).status_code == 404
    admin_headers, _ = bearer(personas["admin"])
    got = client.get(outside, **admin_headers)
    assert [t["id"] for t in got.json()] == [other.pk]
    r = client.post(f"/api/v1/auth/tokens/{other.pk}/revoke", **admin_headers)
    assert r.status_code == 200 and r.json()["revoked"] is True
    r = client.post(f"/api/v1/auth/tokens/{row.pk}/revoke", **headers)  # the one in use
    assert r.status_code == 200
    assert client.get("/api/v1/auth/tokens", **headers).status_code == 401
    assert ApiToken.objects.filter(revoked=False).count() == 1  # the admin's


@pytest.mark.django_db
def test_the_demo_password_is_to_be_changed(personas):
    user = personas["member_a"]
    user.set_password("chibo-demo-2023")
    user.save()
    client = Client()
    r = client.post(
        "/accounts/login/", {"username": "member_a", "password": "chibo-demo-2023"}, follow=True
    )
    assert "mật khẩu chung của bản trình diễn" in r.content.decode()
    other = login_client(personas["secretary_a"])
    assert "mật khẩu chung" not in other.get("/members/").content.decode()
