"""The API's movements: a member's and an organization's lists (scope: outside is 404), and the
recording of one through the page's registry, form and service (bad input 422, nothing
written)."""

import datetime
import json

import pytest
from django.test import Client

from chibo.accounts.models import ApiToken
from chibo.api.services import token_issue
from chibo.core.models import AuditEvent
from chibo.members.models import Member, Membership, StatusChange, TemporaryStay
from chibo.members.movements import services

pytestmark = pytest.mark.django_db
D = datetime.date


def head(user, scope=ApiToken.Access.READ) -> dict:
    token, _ = token_issue(user=user, scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def get(path, user, **params):
    return Client().get(path, params, **head(user))


def post(path, user, body, scope=ApiToken.Access.WRITE):
    return Client().post(
        path, data=json.dumps(body), content_type="application/json", **head(user, scope)
    )


def items(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["items"]


def snapshot():
    return (
        sorted(Member.objects.values_list("pk", "cell_id", "status", "status_since")),
        sorted(Membership.objects.values_list("pk", "cell_id", "start", "end")),
        StatusChange.objects.count(),
        TemporaryStay.objects.count(),
        AuditEvent.objects.exclude(action=AuditEvent.Action.LOGIN).count(),  # tokens audit theirs
    )


@pytest.fixture
def moved(tree, personas):
    """Member A: exempt, back, transferred to cell A2, then in temporary activity in cell B;
    member B: died."""
    admin, a = personas["admin"], tree.member_a
    services.member_exempt(member=a, on=D(2023, 1, 10), reason="Ốm", actor=admin)
    services.member_end_exemption(member=a, on=D(2023, 6, 1), actor=admin)
    services.member_transfer_within(
        member=a, to_cell=tree.cell_a2, on=D(2023, 7, 1), letter_number="12-GGT", actor=admin
    )
    services.member_temporary_start(
        member=a, on=D(2023, 8, 1), letter_number="T-1", host_cell=tree.cell_b, actor=admin
    )
    services.member_record_death(member=tree.member_b, on=D(2023, 9, 1), actor=admin)
    return tree


def test_a_member_s_movements_oldest_first(moved, personas):
    tree = moved
    got = items(get(f"/api/v1/members/{tree.member_a.pk}/movements", personas["commune"]))
    assert [(m["kind"], m["on"]) for m in got] == [
        ("exemption", "2023-01-10"),
        ("return", "2023-06-01"),
        ("transfer", "2023-07-01"),
        ("temporary", "2023-08-01"),
    ]
    exempt, _back, transfer, stay = got
    assert (exempt["status"], exempt["previous"], exempt["reason"]) == ("exempt", "active", "Ốm")
    assert exempt["cell"]["id"] == tree.cell_a.pk and exempt["to_cell"] is None
    assert exempt["id"].startswith("status-") and transfer["id"].startswith("transfer-")
    assert (transfer["cell"]["id"], transfer["to_cell"]["id"]) == (tree.cell_a.pk, tree.cell_a2.pk)
    assert transfer["letter_number"] == "12-GGT" and transfer["status"] is None
    assert (stay["cell"]["id"], stay["to_cell"]["id"], stay["until"]) == (
        tree.cell_a2.pk,
        tree.cell_b.pk,
        None,
    )
    assert got[0]["member"] == {"id": tree.member_a.pk, "full_name": "Nguyễn Văn An"}
    # Their own record for the member; outside the scope, 404 as a missing member.
    assert len(items(get(f"/api/v1/members/{tree.member_a.pk}/movements", personas["member_a"])))
    for persona, member in (("secretary_b", tree.member_a), ("member_a", tree.member_b)):
        r = get(f"/api/v1/members/{member.pk}/movements", personas[persona])
        assert r.status_code == 404 and r.json() == {"detail": "Không tìm thấy."}
    assert get("/api/v1/members/999999/movements", personas["admin"]).status_code == 404


def test_the_movements_under_an_organization_newest_first(moved, personas):
    tree = moved
    url = f"/api/v1/organizations/{tree.commune_a.pk}/movements"
    got = items(get(url, personas["commune"]))
    assert [(m["kind"], m["member"]["id"]) for m in got] == [
        ("temporary", tree.member_a.pk),
        ("transfer", tree.member_a.pk),
        ("return", tree.member_a.pk),
        ("exemption", tree.member_a.pk),
    ]
    # A period, both days included; a kind.
    got = items(get(url, personas["commune"], start="01/06/2023", end="2023-07-01"))
    assert [m["kind"] for m in got] == ["transfer", "return"]
    assert [m["kind"] for m in items(get(url, personas["commune"], kind="exemption"))] == [
        "exemption"
    ]
    # Cell A2 holds the transfer in and what came after; cell A the transfer out and before.
    cell_a2 = items(get(f"/api/v1/organizations/{tree.cell_a2.pk}/movements", personas["admin"]))
    assert [m["kind"] for m in cell_a2] == ["temporary", "transfer"]
    cell_a = items(get(f"/api/v1/organizations/{tree.cell_a.pk}/movements", personas["admin"]))
    assert [m["kind"] for m in cell_a] == ["transfer", "return", "exemption"]
    # Cell B: its member's death, and the member it hosts in temporary activity.
    cell_b = items(
        get(f"/api/v1/organizations/{tree.cell_b.pk}/movements", personas["secretary_b"])
    )
    assert [(m["kind"], m["member"]["id"]) for m in cell_b] == [
        ("death", tree.member_b.pk),
        ("temporary", tree.member_a.pk),
    ]
    assert (
        len(items(get(f"/api/v1/organizations/{tree.district.pk}/movements", personas["analyst"])))
        == 5
    )
    # Outside the scope: 404, as a missing organization.
    for persona, org in (
        ("secretary_b", tree.commune_a),
        ("commune", tree.commune_b),
        ("member_a", tree.cell_a),
    ):
        r = get(f"/api/v1/organizations/{org.pk}/movements", personas[persona])
        assert r.status_code == 404 and r.json() == {"detail": "Không tìm thấy."}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "31/02/2023"}, "start"),
        ({"end": "2023-13-01"}, "end"),
        ({"start": "01/07/2023", "end": "01/06/2023"}, "end"),
        ({"start": "01/01/0001"}, "start"),
        ({"kind": "holiday"}, "kind"),
        ({"start": "x" * 11}, "start"),
        ({"page": 0}, "page"),
    ],
)
def test_bad_list_parameters_are_422(params, field, tree, personas):
    r = get(f"/api/v1/organizations/{tree.commune_a.pk}/movements", personas["commune"], **params)
    assert r.status_code == 422, r.content
    assert [d["loc"][-1] for d in r.json()["detail"]] == [field]


@pytest.mark.parametrize("extra", [2, 12])
def test_the_lists_query_counts_do_not_grow(extra, moved, personas, django_assert_num_queries):
    tree = moved
    admin = personas["admin"]
    for i in range(extra):  # more exemptions and returns for member B's cell-mate
        m = Member.objects.get(pk=tree.secretary_member_a.pk)
        if i % 2 == 0:
            services.member_exempt(member=m, on=D(2020, 1, 1 + i), reason="Ốm", actor=admin)
        else:
            services.member_end_exemption(member=m, on=D(2020, 1, 1 + i), actor=admin)
    auth = head(personas["commune"])
    url = f"/api/v1/organizations/{tree.commune_a.pk}/movements"
    # 1 token + user, 2 role grants, 3 the organization, 4–6 the keys of each record, then the
    # page's rows of each record with their members (7–9), and their cells (10).
    with django_assert_num_queries(10):
        r = Client().get(url, {"page_size": 200}, **auth)
    assert len(items(r)) == 4 + extra
    # The member: 1 token + user, 2 grants, 3 the member, 4–6 keys, 7 the rows of the one record
    # they have (status changes: a record with nothing on the page is not read), 8 the cells.
    with django_assert_num_queries(8):
        r = Client().get(f"/api/v1/members/{tree.secretary_member_a.pk}/movements", **auth)
    assert len(items(r)) == extra


# --- recording one ------------------------------------------------------------------------------


def test_record_an_exemption_then_its_return(tree, personas):
    user = personas["secretary_a"]
    url = f"/api/v1/members/{tree.member_a.pk}/movements"
    r = post(url, user, {"kind": "exemption", "on": "10/01/2023", "reason": "Tuổi cao"})
    assert r.status_code == 201, r.content
    body = r.json()
    change = StatusChange.objects.get(member=tree.member_a)
    assert body["id"] == f"status-{change.pk}"
    assert (body["kind"], body["on"], body["status"], body["reason"]) == (
        "exemption",
        "2023-01-10",
        "exempt",
        "Tuổi cao",
    )
    assert (change.kind, change.actor) == ("exemption", user)
    event = AuditEvent.objects.get(action=AuditEvent.Action.STATUS, object_id=str(tree.member_a.pk))
    assert event.actor == user
    r = post(url, user, {"kind": "return", "on": "2023-06-01"})
    assert r.status_code == 201 and r.json()["status"] == "active"
    assert Member.objects.get(pk=tree.member_a.pk).status == "active"


def test_record_a_removal_an_expulsion_and_a_transfer(tree, personas):
    user = personas["commune"]
    r = post(
        f"/api/v1/members/{tree.member_a.pk}/movements",
        user,
        {
            "kind": "expulsion",
            "on": "01/02/2023",
            "decided_by": "Ủy ban Kiểm tra Huyện ủy",
            "decision_number": "15-QĐ/UBKT",
            "reason": "Vi phạm",
        },
    )
    assert r.status_code == 201, r.content
    assert (r.json()["kind"], r.json()["decision_number"]) == ("expulsion", "15-QĐ/UBKT")
    assert Member.objects.get(pk=tree.member_a.pk).status == "removed"
    assert Membership.objects.get(member=tree.member_a).end == D(2023, 2, 1)
    r = post(
        f"/api/v1/members/{tree.secretary_member_a.pk}/movements",
        user,
        {"kind": "transfer", "on": "01/03/2023", "to_cell": tree.cell_a2.pk, "letter_number": "9"},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["id"].startswith("transfer-") and body["kind"] == "transfer"
    assert (body["cell"]["id"], body["to_cell"]["id"]) == (tree.cell_a.pk, tree.cell_a2.pk)


def _messages(response) -> dict:
    assert response.status_code == 422, response.content
    out = {}
    for d in response.json()["detail"]:
        out.setdefault(d["loc"][-1] if len(d["loc"]) > 2 else None, []).append(d["msg"])
    return out


def test_bad_movements_are_refused_and_write_nothing(tree, personas):
    user = personas["commune"]
    url = f"/api/v1/members/{tree.member_a.pk}/movements"
    before = snapshot()
    # The page's form: a removal needs the deciding body and the decision number.
    got = _messages(post(url, user, {"kind": "removal", "on": "01/02/2023"}))
    assert set(got) == {"decided_by", "decision_number"}
    # The service's checks: before the admission, in the future, a cell it cannot write.
    got = _messages(post(url, user, {"kind": "death", "on": "01/01/2001"}))
    assert "trước ngày vào Đảng" in got["on"][0]
    got = _messages(
        post(
            url,
            user,
            {
                "kind": "transfer",
                "on": "01/03/2023",
                "to_cell": tree.cell_b.pk,
                "letter_number": "1",
            },
        )
    )
    assert list(got) == ["to_cell"]
    # A movement the status does not allow; a field the movement does not have.
    got = _messages(post(url, user, {"kind": "return", "on": "01/02/2023"}))
    assert "Trở lại sinh hoạt" in got["kind"][0] and "đang sinh hoạt" in got["kind"][0]
    got = _messages(post(url, user, {"kind": "death", "on": "01/02/2023", "decision_number": "1"}))
    assert got == {"decision_number": ["Biến động này không có trường này."]}
    # The schema: an unknown kind, a bad date, a control character.
    assert post(url, user, {"kind": "holiday", "on": "01/02/2023"}).status_code == 422
    got = _messages(post(url, user, {"kind": "death", "on": "31/02/2023"}))
    assert list(got) == ["on"]
    assert (
        post(url, user, {"kind": "death", "on": "01/02/2023", "note": "a\x00"}).status_code == 422
    )
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["analyst", "official", "member_a", "secretary_b"])
def test_recording_outside_the_write_scope_is_404(persona, tree, personas):
    before = snapshot()
    r = post(
        f"/api/v1/members/{tree.member_a.pk}/movements",
        personas[persona],
        {"kind": "death", "on": "01/02/2023"},
    )
    assert r.status_code == 404 and r.json() == {"detail": "Không tìm thấy."}
    assert snapshot() == before


def test_a_read_token_records_nothing(tree, personas):
    before = snapshot()
    r = post(
        f"/api/v1/members/{tree.member_a.pk}/movements",
        personas["admin"],
        {"kind": "death", "on": "01/02/2023"},
        scope=ApiToken.Access.READ,
    )
    assert r.status_code == 403
    assert snapshot() == before


def test_a_retry_with_the_same_key_records_once(tree, personas):
    user = personas["secretary_a"]
    token, _ = token_issue(user=user, scope=ApiToken.Access.WRITE)
    body = json.dumps({"kind": "death", "on": "01/02/2023"})
    kwargs = {
        "content_type": "application/json",
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "HTTP_IDEMPOTENCY_KEY": "death-of-an",
    }
    url = f"/api/v1/members/{tree.member_a.pk}/movements"
    first = Client().post(url, data=body, **kwargs)
    again = Client().post(url, data=body, **kwargs)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert StatusChange.objects.filter(member=tree.member_a).count() == 1
