"""The REST API: tokens, bearer auth, scope per persona, search, pagination, query counts."""

import datetime
import hashlib
import json
from collections.abc import Mapping

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from chibo.accounts.models import ApiToken
from chibo.api.services import token_issue
from chibo.core.models import AuditEvent
from conftest import make_member, queries_left_out

TOKEN_URL = "/api/v1/auth/token"


def post_token(client, **body):
    return client.post(TOKEN_URL, data=json.dumps(body), content_type="application/json")


def bearer(user) -> dict:
    token, _ = token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


class Tokens(Mapping):
    """persona name -> headers carrying a fresh bearer token of that persona, issued on first
    use (a test that reads as one persona issues one token, not seven). Issuing is the
    fixture's work: its queries are taken out of the connection's log, so a count around
    `get(path, auth["admin"])` counts the request alone, as when every token was issued before
    the test (conftest's `Clients` does the same)."""

    def __init__(self, personas):
        self._personas = personas
        self._headers = {}

    def __getitem__(self, name) -> dict:
        if name not in self._headers:
            with queries_left_out():
                self._headers[name] = bearer(self._personas[name])
        return self._headers[name]

    def __iter__(self):
        return iter(self._personas)

    def __len__(self):
        return len(self._personas)


@pytest.fixture
def auth(personas):
    return Tokens(personas)


def get(path, headers, **params):
    return Client().get(path, params, **headers)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# --- token issue ------------------------------------------------------------------------


def test_token_issue_stores_only_the_hash_and_audits(personas):
    user = personas["analyst"]
    before = timezone.now()
    r = post_token(Client(), username="analyst", password="pw-analyst")
    assert r.status_code == 200, r.content
    body = r.json()
    token = body["token"]
    row = ApiToken.objects.get(user=user)
    assert row.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.key_hash
    assert not row.revoked
    expected = before + datetime.timedelta(hours=12)
    assert abs((row.expires_at - expected).total_seconds()) < 60
    assert datetime.datetime.fromisoformat(body["expires_at"]) == row.expires_at
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert event.actor == user
    assert event.object_id == str(user.pk)
    assert event.note == "api token"
    # The token works at once.
    r = Client().get("/api/v1/organizations", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200


def test_token_issue_works_with_csrf_checks_enforced(personas):
    r = post_token(Client(enforce_csrf_checks=True), username="analyst", password="pw-analyst")
    assert r.status_code == 200


def test_wrong_password_is_401_without_a_token(personas):
    r = post_token(Client(), username="analyst", password="wrong")
    assert r.status_code == 401
    assert r.json()["detail"]
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()


def test_unknown_user_is_401(personas):
    r = post_token(Client(), username="nobody", password="pw")
    assert r.status_code == 401


def test_lockout_after_five_failures_answers_429_in_json(personas):
    client = Client()
    for _ in range(4):
        assert post_token(client, username="analyst", password="wrong").status_code == 401
    fifth = post_token(client, username="analyst", password="wrong")
    assert fifth.status_code == 429
    # Even the right password is refused while locked out, in JSON (not axes' HTML page).
    r = post_token(client, username="analyst", password="pw-analyst")
    assert r.status_code == 429
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert "30" in body["detail"]
    assert body["retry_after"] == 1800
    assert r["Retry-After"] == "1800"
    assert not ApiToken.objects.exists()
    # Another username from the same address is not locked out.
    assert post_token(client, username="commune", password="pw-commune").status_code == 200


def test_success_resets_the_failure_count(personas):
    client = Client()
    for _ in range(4):
        assert post_token(client, username="analyst", password="wrong").status_code == 401
    assert post_token(client, username="analyst", password="pw-analyst").status_code == 200
    for _ in range(4):
        assert post_token(client, username="analyst", password="wrong").status_code == 401


def test_admin_without_otp_is_401(personas):
    confirmed_device(personas["admin"])
    r = post_token(Client(), username="admin", password="pw-admin")
    assert r.status_code == 401
    assert "otp" in r.json()["detail"]
    assert not ApiToken.objects.exists()


def test_admin_without_a_device_is_told_to_set_one_up(personas):
    r = post_token(Client(), username="admin", password="pw-admin", otp="123456")
    assert r.status_code == 401
    assert "web" in r.json()["detail"]
    assert not ApiToken.objects.exists()


def test_admin_with_wrong_otp_is_401(personas):
    device = confirmed_device(personas["admin"])
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    r = post_token(Client(), username="admin", password="pw-admin", otp=wrong)
    assert r.status_code == 401
    assert not ApiToken.objects.exists()


def test_admin_with_otp_gets_a_token(personas):
    device = confirmed_device(personas["admin"])
    r = post_token(Client(), username="admin", password="pw-admin", otp=code_for(device))
    assert r.status_code == 200, r.content
    assert ApiToken.objects.filter(user=personas["admin"]).count() == 1


def test_wrong_otps_count_toward_the_lockout(personas):
    confirmed_device(personas["admin"])
    client = Client()
    codes = [post_token(client, username="admin", password="pw-admin") for _ in range(5)]
    assert [r.status_code for r in codes] == [401, 401, 401, 401, 429]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": "analyst"},
        {"username": "", "password": "x"},
        {"username": "ana\x00lyst", "password": "x"},
        {"username": "analyst", "password": "x", "otp": "12ab56"},
        {"username": ["analyst"], "password": "x"},
    ],
)
def test_bad_token_bodies_are_422(personas, body):
    r = post_token(Client(), **body)
    assert r.status_code == 422
    assert isinstance(r.json()["detail"], list)


def test_unparsable_token_body_is_400(personas):
    r = Client().post(TOKEN_URL, data="{not json", content_type="application/json")
    assert r.status_code == 400
    assert r.json()["detail"]


# --- bearer authentication --------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/api/v1/organizations", "/api/v1/organizations/1", "/api/v1/members", "/api/v1/members/1"],
)
def test_bearer_token_is_required(personas, path):
    r = Client().get(path)
    assert r.status_code == 401
    assert r["WWW-Authenticate"] == "Bearer"
    assert r.json()["detail"]
    assert Client().get(path, HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401
    assert Client().get(path, HTTP_AUTHORIZATION="Basic YTpi").status_code == 401


def test_expired_revoked_and_inactive_tokens_are_401(personas):
    user = personas["analyst"]
    headers = bearer(user)
    row = ApiToken.objects.get(user=user)
    assert get("/api/v1/organizations", headers).status_code == 200

    row.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    row.save()
    assert get("/api/v1/organizations", headers).status_code == 401

    row.expires_at = timezone.now() + datetime.timedelta(hours=1)
    row.revoked = True
    row.save()
    assert get("/api/v1/organizations", headers).status_code == 401

    row.revoked = False
    row.save()
    user.is_active = False
    user.save()
    assert get("/api/v1/organizations", headers).status_code == 401


def test_unauthenticated_bad_params_are_401_not_422(personas):
    assert Client().get("/api/v1/members", {"page": "x"}).status_code == 401


# --- organizations ----------------------------------------------------------------------


def test_organization_list_per_persona(tree, auth):
    everything = [
        tree.district.pk,
        tree.commune_a.pk,
        tree.cell_a.pk,
        tree.cell_a2.pk,
        tree.commune_b.pk,
        tree.cell_b.pk,
    ]
    assert sorted(ids(get("/api/v1/organizations", auth["admin"]))) == sorted(everything)
    assert sorted(ids(get("/api/v1/organizations", auth["analyst"]))) == sorted(everything)
    assert sorted(ids(get("/api/v1/organizations", auth["commune"]))) == sorted(
        [tree.commune_a.pk, tree.cell_a.pk, tree.cell_a2.pk]
    )
    assert ids(get("/api/v1/organizations", auth["secretary_b"])) == [tree.cell_b.pk]
    assert ids(get("/api/v1/organizations", auth["member_a"])) == []


def test_organization_list_is_in_tree_order(tree, auth):
    got = ids(get("/api/v1/organizations", auth["admin"]))
    assert got[0] == tree.district.pk
    assert got.index(tree.commune_a.pk) < got.index(tree.cell_a.pk)


def test_organization_list_filters(tree, auth):
    admin = auth["admin"]
    r = get("/api/v1/organizations", admin, parent=tree.commune_a.pk)
    assert sorted(ids(r)) == sorted([tree.cell_a.pk, tree.cell_a2.pk])
    r = get("/api/v1/organizations", admin, kind="grassroots")
    assert sorted(ids(r)) == sorted([tree.commune_a.pk, tree.commune_b.pk])
    # Accents and case ignored; every word must appear.
    assert ids(get("/api/v1/organizations", admin, q="ban ang")) == [tree.cell_a.pk]
    assert ids(get("/api/v1/organizations", admin, q="DONG")) == [tree.cell_a2.pk]
    assert ids(get("/api/v1/organizations", admin, q="chi bo", kind="cell")) == [
        tree.cell_a.pk,
        tree.cell_a2.pk,
        tree.cell_b.pk,
    ]
    assert ids(get("/api/v1/organizations", admin, active="false")) == []
    # The filters narrow the scoped list; they never widen it.
    commune = auth["commune"]
    assert ids(get("/api/v1/organizations", commune, q="bo")) == [
        tree.commune_a.pk,
        tree.cell_a.pk,
        tree.cell_a2.pk,
    ]


@pytest.mark.parametrize("as_of", [None, "01/06/2023"])
def test_organization_list_with_a_parent_outside_the_scope_is_404(tree, auth, as_of):
    # As every other outside id: a parent outside the scope (beside it, above it, or missing)
    # answers 404, the same for each, never an empty list that tells it exists.
    commune = auth["commune"]
    extra = {"as_of": as_of} if as_of else {}
    for outside in (tree.commune_b.pk, tree.cell_b.pk, tree.district.pk, 10**9):
        r = get("/api/v1/organizations", commune, parent=outside, **extra)
        assert (r.status_code, r.json()) == (404, {"detail": "Không tìm thấy."}), outside
    r = get("/api/v1/organizations", commune, parent=tree.commune_a.pk, **extra)
    assert sorted(ids(r)) == sorted([tree.cell_a.pk, tree.cell_a2.pk])


def test_organization_search_paginates(tree, auth):
    r = get("/api/v1/organizations", auth["admin"], q="chi bo", page_size=2, page=2)
    body = r.json()
    assert body["count"] == 3
    assert [o["id"] for o in body["items"]] == [tree.cell_b.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "village"},
        {"parent": "x"},
        {"parent": 0},
        {"parent": 2**70},
        {"active": "maybe"},
        {"q": "a" * 101},
        {"q": "nul\x00"},
        {"page": 0},
        {"page_size": 201},
        {"page": 10**12},
    ],
)
def test_organization_list_bad_params_are_422(tree, auth, params):
    r = get("/api/v1/organizations", auth["admin"], **params)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"]


def test_organization_detail_for_admin(tree, auth):
    r = get(f"/api/v1/organizations/{tree.cell_a.pk}", auth["admin"])
    assert r.status_code == 200
    assert r.json() == {
        "id": tree.cell_a.pk,
        "code": "XA-01",
        "name": "Chi bộ bản Áng",
        "kind": "cell",
        "cell_type": "residential",
        "grassroots_type": "",
        "parent_id": tree.commune_a.pk,
        "valid_from": "2015-01-01",
        "valid_to": None,
        "member_count": 2,
    }
    r = get(f"/api/v1/organizations/{tree.district.pk}", auth["analyst"])
    assert r.json()["member_count"] == 3
    assert r.json()["parent_id"] is None


def test_organization_detail_scope(tree, auth):
    commune = auth["commune"]
    assert get(f"/api/v1/organizations/{tree.commune_a.pk}", commune).json()["member_count"] == 2
    assert get(f"/api/v1/organizations/{tree.cell_a2.pk}", commune).status_code == 200
    for org in (tree.district, tree.commune_b, tree.cell_b):
        r = get(f"/api/v1/organizations/{org.pk}", commune)
        assert r.status_code == 404
    outsider = auth["secretary_b"]
    assert get(f"/api/v1/organizations/{tree.cell_a.pk}", outsider).status_code == 404
    assert get(f"/api/v1/organizations/{tree.cell_b.pk}", outsider).status_code == 200
    assert get(f"/api/v1/organizations/{tree.cell_a.pk}", auth["member_a"]).status_code == 404
    # Outside the scope answers exactly like a missing id.
    missing = get("/api/v1/organizations/999999", outsider)
    hidden = get(f"/api/v1/organizations/{tree.cell_a.pk}", outsider)
    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()


@pytest.mark.parametrize("bad", ["abc", "0", "-1", str(2**70), "1.5"])
def test_organization_detail_bad_ids_are_422(tree, auth, bad):
    assert get(f"/api/v1/organizations/{bad}", auth["admin"]).status_code == 422


# --- members ----------------------------------------------------------------------------


def test_member_list_for_admin_in_vietnamese_order(tree, auth):
    r = get("/api/v1/members", auth["admin"])
    body = r.json()
    # Given name first: An < Ánh < Bình.
    assert [m["full_name"] for m in body["items"]] == [
        "Nguyễn Văn An",
        "Lò Thị Ánh",
        "Cầm Văn Bình",
    ]
    assert body["count"] == 3
    an = body["items"][0]
    assert an["citizen_id"] == "014080000001"
    assert an["cell"] == {"id": tree.cell_a.pk, "code": "XA-01", "name": "Chi bộ bản Áng"}
    assert an["is_official"] is True
    assert an["status"] == "active"
    assert an["party_card_number"] == "01000001"
    assert set(an) == {
        "id",
        "full_name",
        "other_names",
        "sex",
        "birth_date",
        "ethnicity",
        "religion",
        "hometown",
        "residence",
        "citizen_id",
        "party_card_number",
        "admission_date",
        "official_date",
        "is_official",
        "theory_level",
        "education",
        "qualification",
        "status",
        "cell",
    }


def test_analyst_reads_members_with_masked_citizen_ids(tree, auth):
    body = get("/api/v1/members", auth["analyst"]).json()
    assert body["count"] == 3
    by_id = {m["id"]: m for m in body["items"]}
    assert by_id[tree.member_a.pk]["citizen_id"] == "•" * 9 + "001"
    assert by_id[tree.secretary_member_a.pk]["citizen_id"] is None
    r = get(f"/api/v1/members/{tree.member_b.pk}", auth["analyst"])
    assert r.json()["citizen_id"] == "•" * 9 + "002"


def test_member_list_for_commune_staff_is_their_commune(tree, auth):
    commune = auth["commune"]
    assert sorted(ids(get("/api/v1/members", commune))) == sorted(
        [tree.member_a.pk, tree.secretary_member_a.pk]
    )
    assert get("/api/v1/members", commune, org=tree.commune_b.pk).status_code == 404
    assert get("/api/v1/members", commune, org=tree.cell_b.pk).status_code == 404
    assert get("/api/v1/members", commune, org=999999).status_code == 404
    assert ids(get("/api/v1/members", commune, org=tree.cell_a2.pk)) == []
    r = get(f"/api/v1/members/{tree.member_a.pk}", commune)
    assert r.json()["citizen_id"] == "014080000001"
    assert get(f"/api/v1/members/{tree.member_b.pk}", commune).status_code == 404


def test_outsider_sees_neither_cell_a_nor_its_members(tree, auth):
    outsider = auth["secretary_b"]
    assert ids(get("/api/v1/members", outsider)) == [tree.member_b.pk]
    assert get("/api/v1/members", outsider, org=tree.cell_a.pk).status_code == 404
    assert get(f"/api/v1/members/{tree.member_a.pk}", outsider).status_code == 404
    assert get(f"/api/v1/members/{tree.member_b.pk}", outsider).status_code == 200
    assert ids(get("/api/v1/members", outsider, q="nguyen van an")) == []


def test_member_role_sees_only_self(tree, auth):
    member = auth["member_a"]
    assert ids(get("/api/v1/members", member)) == [tree.member_a.pk]
    r = get(f"/api/v1/members/{tree.member_a.pk}", member)
    assert r.status_code == 200
    # Citizen IDs stay masked for a plain member, even their own.
    assert r.json()["citizen_id"] == "•" * 9 + "001"
    assert get(f"/api/v1/members/{tree.secretary_member_a.pk}", member).status_code == 404
    assert get("/api/v1/members", member, org=tree.cell_a.pk).status_code == 404


def test_member_search_ignores_accents_and_case(tree, auth):
    r = get("/api/v1/members", auth["admin"], q="nguyen van an")
    assert [m["full_name"] for m in r.json()["items"]] == ["Nguyễn Văn An"]
    assert ids(get("/api/v1/members", auth["admin"], q="NGUYỄN")) == [tree.member_a.pk]
    assert ids(get("/api/v1/members", auth["admin"], q="02000001")) == [tree.member_b.pk]
    assert ids(get("/api/v1/members", auth["commune"], q="binh")) == []


def test_a_broad_search_counts_up_to_the_cap(tree, auth, monkeypatch):
    from chibo.members.models import Member

    monkeypatch.setattr("chibo.members.selectors.SEARCH_COUNT_CAP", 2)
    admin = auth["admin"]
    body = get("/api/v1/members", admin, q="van").json()  # two matches: exact
    assert (body["count"], body["count_capped"]) == (2, False)
    Member.objects.filter(pk=tree.secretary_member_a.pk).update(search_text="lo thi anh van")
    body = get("/api/v1/members", admin, q="van").json()  # three: "at least 2"
    assert (body["count"], body["count_capped"]) == (2, True) and len(body["items"]) == 3
    body = get("/api/v1/members", admin).json()  # no search: always exact
    assert (body["count"], body["count_capped"]) == (3, False)


def test_member_status_filter(tree, auth, personas):
    from chibo.members.models import Status

    tree.member_b.status = Status.TRANSFERRED_OUT
    tree.member_b.save()
    admin = auth["admin"]
    assert tree.member_b.pk not in ids(get("/api/v1/members", admin))
    assert tree.member_b.pk in ids(get("/api/v1/members", admin, status="all"))
    assert ids(get("/api/v1/members", admin, status="transferred_out")) == [tree.member_b.pk]
    assert get("/api/v1/members", admin, status="gone").status_code == 422


def test_member_pagination(tree, auth):
    admin = auth["admin"]
    first = get("/api/v1/members", admin, page_size=2).json()
    assert first["count"] == 3 and first["page"] == 1 and first["page_size"] == 2
    assert [m["full_name"] for m in first["items"]] == ["Nguyễn Văn An", "Lò Thị Ánh"]
    second = get("/api/v1/members", admin, page_size=2, page=2).json()
    assert [m["full_name"] for m in second["items"]] == ["Cầm Văn Bình"]
    assert get("/api/v1/members", admin, page=5).json()["items"] == []
    assert get("/api/v1/members", admin, page_size=200).status_code == 200
    assert get("/api/v1/members", admin, page_size=201).status_code == 422
    assert get("/api/v1/members", admin, page_size=0).status_code == 422


def test_member_pages_go_on_after_a_member(tree, auth):
    """`after` (the previous page's `next_after`) starts the page after that member in the
    list's order, without skipping (core.keyset); the count comes from the counters."""
    admin = auth["admin"]
    first = get("/api/v1/members", admin, page_size=2).json()
    assert first["next_after"] == tree.secretary_member_a.pk and first["count"] == 3
    second = get("/api/v1/members", admin, page_size=2, after=first["next_after"], page=2).json()
    assert [m["full_name"] for m in second["items"]] == ["Cầm Văn Bình"]
    assert second["next_after"] is None and second["page"] == 2 and second["count"] == 3
    searched = get("/api/v1/members", admin, q="van", page_size=1).json()
    assert [m["full_name"] for m in searched["items"]] == ["Nguyễn Văn An"]
    after = get("/api/v1/members", admin, q="van", page_size=1, after=searched["next_after"])
    assert [m["full_name"] for m in after.json()["items"]] == ["Cầm Văn Bình"]
    # A member outside the scope is as missing as one that is not there.
    commune = auth["commune"]
    assert get("/api/v1/members", commune, after=tree.member_b.pk).status_code == 404
    assert get("/api/v1/members", commune, after=0).status_code == 422


@pytest.mark.parametrize(
    "params", [{"org": "x"}, {"org": 2**64}, {"q": "x\x00y"}, {"page": "-1"}, {"q": "é" * 101}]
)
def test_member_list_bad_params_are_422(tree, auth, params):
    assert get("/api/v1/members", auth["admin"], **params).status_code == 422


@pytest.mark.parametrize("bad", ["abc", "0", str(2**64)])
def test_member_detail_bad_ids_are_422(tree, auth, bad):
    assert get(f"/api/v1/members/{bad}", auth["admin"]).status_code == 422


def test_member_detail_missing_is_404(tree, auth):
    assert get("/api/v1/members/999999", auth["admin"]).status_code == 404


# --- query counts -----------------------------------------------------------------------


def _add_members(tree, n):
    for i in range(n):
        make_member(
            tree.cell_a2 if i % 2 else tree.cell_b,
            f"Hà Văn Thử {i:03d}",
            card=f"09{i:06d}",
            cid=f"0140900{i:05d}",
        )


@pytest.mark.parametrize("extra", [0, 60])
def test_member_list_query_count_does_not_grow(tree, auth, django_assert_num_queries, extra):
    _add_members(tree, extra)
    # 1 token + user, 2 role grants, 3 count, 4 the page with its cells.
    with django_assert_num_queries(4):
        r = get("/api/v1/members", auth["admin"], page_size=200)
    assert r.json()["count"] == 3 + extra
    # With `org`: one more query to look the organization up in the scope.
    with django_assert_num_queries(5):
        r = get("/api/v1/members", auth["commune"], org=tree.commune_a.pk, page_size=200)
    assert r.json()["count"] == 2 + extra // 2


@pytest.mark.parametrize("extra", [0, 60])
def test_member_detail_query_count(tree, auth, django_assert_num_queries, extra):
    _add_members(tree, extra)
    # 1 token + user, 2 role grants, 3 the member with its cell.
    with django_assert_num_queries(3):
        r = get(f"/api/v1/members/{tree.member_a.pk}", auth["commune"])
    assert r.status_code == 200


@pytest.mark.parametrize("extra", [0, 20])
def test_organization_queries_do_not_grow(tree, auth, django_assert_num_queries, extra):
    from chibo.organizations import services as org_services

    for i in range(extra):
        org_services.org_create(
            code=f"XA-9{i:02d}",
            name=f"Chi bộ bản Mới {i}",
            kind="cell",
            cell_type="residential",
            parent=tree.commune_a,
            valid_from=tree.cell_a.valid_from,
            actor=None,
        )
    # 1 token + user, 2 role grants, 3 count, 4 the page.
    with django_assert_num_queries(4):
        r = get("/api/v1/organizations", auth["admin"], page_size=200)
    assert r.json()["count"] == 6 + extra
    # With `q`: 3 ids and names, 4 the page's rows.
    with django_assert_num_queries(4):
        r = get("/api/v1/organizations", auth["admin"], q="ban", page_size=200)
    assert r.json()["count"] == 3 + extra
    # Detail: 1 token + user, 2 role grants, 3 the organization, 4 its member count.
    with django_assert_num_queries(4):
        r = get(f"/api/v1/organizations/{tree.commune_a.pk}", auth["commune"])
    assert r.json()["member_count"] == 2


# --- OpenAPI schema and docs ------------------------------------------------------------


def test_openapi_schema_lists_paths_and_status_codes(db):
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    assert schema["info"] == {**schema["info"], "title": "chibo API", "version": "1"}
    paths = schema["paths"]
    assert set(paths) == {
        "/api/v1/auth/token",
        "/api/v1/auth/tokens",
        "/api/v1/auth/tokens/{token_id}/revoke",
        "/api/v1/organizations",
        "/api/v1/organizations/{org_id}",
        "/api/v1/organizations/{org_id}/children",
        "/api/v1/organizations/{org_id}/rename",
        "/api/v1/organizations/{org_id}/positions",
        "/api/v1/organizations/{org_id}/movements",
        "/api/v1/members",
        "/api/v1/members/{member_id}",
        "/api/v1/members/{member_id}/status",
        "/api/v1/members/{member_id}/transfer",
        "/api/v1/members/{member_id}/movements",
        "/api/v1/positions/{position_id}/end",
        "/api/v1/villages/{village_id}/posts",
        "/api/v1/posts/{post_id}/end",
    }
    assert set(paths["/api/v1/auth/token"]["post"]["responses"]) == {
        "200",
        "400",
        "401",
        "403",
        "422",
        "429",
    }
    assert "security" not in paths["/api/v1/auth/token"]["post"]
    for path in (
        "/api/v1/organizations",
        "/api/v1/organizations/{org_id}",
        "/api/v1/members",
        "/api/v1/members/{member_id}",
        "/api/v1/members/{member_id}/movements",
        "/api/v1/organizations/{org_id}/movements",
    ):
        op = paths[path]["get"]
        assert set(op["responses"]) == {"200", "401", "404", "422"}
        assert op["security"] == [{"BearerAuth": []}]
    params = {p["name"] for p in paths["/api/v1/members"]["get"]["parameters"]}
    assert {"q", "org", "page", "page_size", "as_of"} <= params
    # Every write: a documented body, Idempotency-Key, 403 for a read token, 404 outside.
    writes = [
        (path, method, op)
        for path, item in paths.items()
        for method, op in item.items()
        if method in ("post", "put", "patch") and not path.startswith("/api/v1/auth/")
    ]
    assert len(writes) == 11
    for path, _method, op in writes:
        assert op["security"] == [{"BearerAuth": []}], path
        assert op["description"] and op["requestBody"], path
        headers = {p["name"] for p in op["parameters"] if p["in"] == "header"}
        assert "Idempotency-Key" in headers, path
        assert {"401", "403", "404", "422"} <= set(op["responses"]), path
        assert {"200", "201"} & set(op["responses"]), path
    patch = paths["/api/v1/members/{member_id}"]["patch"]
    assert "If-Match" in {p["name"] for p in patch["parameters"]}
    assert "409" in patch["responses"]
    assert "201" in paths["/api/v1/members"]["post"]["responses"]
    assert "Idempotency-Key" in schema["info"]["description"]
    assert schema["components"]["securitySchemes"]["BearerAuth"]["scheme"] == "bearer"


def test_docs_page_loads_nothing_from_outside(db):
    r = Client().get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert "cdn" not in html.lower()
    assert "https://" not in html and "http://" not in html
    assert '"validatorUrl": null' in html
    assert "/api/v1/openapi.json" in html
    for name in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js"):
        asset = Client().get(f"/api/v1/docs/assets/{name}")
        assert asset.status_code == 200
        assert b"".join(asset.streaming_content)
    assert Client().get("/api/v1/docs/assets/settings.py").status_code == 404
    assert Client().get("/api/v1/docs/assets/..%2F__init__.py").status_code == 404
