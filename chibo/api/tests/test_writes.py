"""API writes: write tokens, the pages' checks and messages, scope, audit, idempotency, as_of."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from chibo.accounts.models import ApiToken
from chibo.api.models import IdempotencyKey
from chibo.api.services import token_issue
from chibo.committees.models import ConcurrentRole, Position
from chibo.core.models import AuditEvent
from chibo.members.models import Member, Membership, StatusChange
from chibo.organizations.models import Organization, OrganizationPeriod, Village

D = datetime.date
PERSONAS = ["admin", "analyst", "commune", "secretary_a", "member_a", "official", "secretary_b"]


def headers(user, scope=ApiToken.Access.WRITE, **extra) -> dict:
    token, _ = token_issue(user=user, scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", **extra}


def send(method, path, head, body):
    call = getattr(Client(), method)
    return call(path, data=json.dumps(body), content_type="application/json", **head)


def msgs(response) -> dict:
    """field (None for the whole body) -> messages of a 422."""
    assert response.status_code == 422, response.content
    out = {}
    for d in response.json()["detail"]:
        name = d["loc"][2] if len(d["loc"]) > 2 else None
        out.setdefault(name, []).append(d["msg"])
    return out


NEW_MEMBER = {
    "full_name": "Lường Văn Mới",
    "sex": "male",
    "birth_date": "02/03/1990",
    "ethnicity": "Thái",
    "admission_date": "2015-05-19",
    "official_date": "19/05/2016",
    "party_card_number": "01000099",
}


# --- tokens ---------------------------------------------------------------------------------


def test_a_writer_gets_a_write_token_and_others_403(personas):
    r = send(
        "post",
        "/api/v1/auth/token",
        {},
        {"username": "commune", "password": "pw-commune", "scope": "write"},
    )
    assert r.status_code == 200, r.content
    assert r.json()["scope"] == "write"
    assert ApiToken.objects.get(user=personas["commune"]).scope == "write"
    for name in ("analyst", "member_a", "official"):
        r = send(
            "post",
            "/api/v1/auth/token",
            {},
            {"username": name, "password": f"pw-{name}", "scope": "write"},
        )
        assert r.status_code == 403
        assert "chỉ cấp được mã đọc" in r.json()["detail"]
    assert not ApiToken.objects.exclude(user=personas["commune"]).exists()
    # Without `scope` a token reads only.
    r = send("post", "/api/v1/auth/token", {}, {"username": "analyst", "password": "pw-analyst"})
    assert r.json()["scope"] == "read"
    assert (
        send(
            "post",
            "/api/v1/auth/token",
            {},
            {"username": "analyst", "password": "x", "scope": "all"},
        ).status_code
        == 422
    )


def _write_calls(tree):
    """(method, path, a valid body) of every write operation, each on cell A's side."""
    village = Village.objects.get(code="V-A1")
    return [
        ("post", "/api/v1/members", {**NEW_MEMBER, "cell": tree.cell_a.pk}),
        ("patch", f"/api/v1/members/{tree.member_a.pk}", {"residence": "Bản Áng"}),
        (
            "post",
            f"/api/v1/members/{tree.member_a.pk}/status",
            {"status": "exempt", "on": "01/02/2024", "note": "Tuổi cao"},
        ),
        (
            "post",
            f"/api/v1/members/{tree.member_a.pk}/transfer",
            {"to_cell": tree.cell_a2.pk, "on": "01/02/2024"},
        ),
        (
            "post",
            f"/api/v1/organizations/{tree.commune_a.pk}/children",
            {
                "code": "XA-03",
                "name": "Chi bộ bản Mới",
                "kind": "cell",
                "cell_type": "residential",
                "valid_from": "01/01/2024",
            },
        ),
        (
            "post",
            f"/api/v1/organizations/{tree.cell_a.pk}/rename",
            {"name": "Chi bộ bản Áng Mới", "on": "01/01/2024"},
        ),
        (
            "post",
            f"/api/v1/organizations/{tree.cell_a.pk}/positions",
            {"member": tree.secretary_member_a.pk, "title": "secretary", "start": "01/01/2022"},
        ),
        (
            "post",
            f"/api/v1/villages/{village.pk}/posts",
            {"kind": "village_head", "person_name": "Lò Văn Trưởng", "start": "01/01/2022"},
        ),
    ]


def test_a_read_token_writes_nothing(tree, personas):
    head = headers(personas["admin"], scope=ApiToken.Access.READ)
    before = AuditEvent.objects.count()
    for method, path, body in _write_calls(tree):
        r = send(method, path, head, body)
        assert r.status_code == 403, (path, r.content)
        assert "chỉ được đọc" in r.json()["detail"]
        # Before the body is read: a read token learns that first.
        assert send(method, path, head, {"bad": 1}).status_code == 403
        assert send(method, path, {}, body).status_code == 401
    assert AuditEvent.objects.count() == before
    assert Member.objects.count() == 3


# Who may do each write of _write_calls (on cell A's side): the pages' policy.
#            admin analyst commune sec_a member_a official sec_b
CELL_WRITERS = (1, 0, 1, 1, 0, 0, 0)
BOARD_ONLY = (1, 0, 0, 0, 0, 0, 0)
POLICY = [CELL_WRITERS] * 4 + [BOARD_ONLY] * 2 + [CELL_WRITERS] * 2


@pytest.mark.parametrize("index", range(8))
def test_every_write_per_persona(tree, personas, index):
    """Allowed personas write (one audit row at least); the others, read-only roles and the
    outsider alike, get 404 and nothing changes. Every persona has a write token here: a token
    does not widen what the roles allow."""
    for persona, allowed in zip(PERSONAS, POLICY[index], strict=True):
        if allowed:
            continue
        method, path, body = _write_calls(tree)[index]
        head = headers(personas[persona])
        before = AuditEvent.objects.count()
        r = send(method, path, head, body)
        assert r.status_code == 404, (persona, path, r.content)
        assert r.json() == {"detail": "Không tìm thấy."}
        assert AuditEvent.objects.count() == before
    for persona, allowed in zip(PERSONAS, POLICY[index], strict=True):
        if not allowed:
            continue
        method, path, body = _write_calls(tree)[index]
        head = headers(personas[persona])
        before = AuditEvent.objects.count()
        r = send(method, path, head, body)
        assert r.status_code in (200, 201), (persona, path, r.content)
        assert AuditEvent.objects.filter(actor=personas[persona]).count() >= 1
        assert AuditEvent.objects.count() > before
        break  # one writer is enough to show it is allowed; the write is not repeatable


# --- members ------------------------------------------------------------------------------


def test_member_create(tree, personas):
    user = personas["secretary_a"]
    r = send("post", "/api/v1/members", headers(user), {**NEW_MEMBER, "cell": tree.cell_a.pk})
    assert r.status_code == 201, r.content
    body = r.json()
    member = Member.objects.get(pk=body["id"])
    assert member.full_name == "Lường Văn Mới" and member.cell == tree.cell_a
    assert member.birth_date == D(1990, 3, 2) and member.official_date == D(2016, 5, 19)
    assert member.theory_level == "none" and member.religion == "Không"  # the page's defaults
    assert body["cell"]["id"] == tree.cell_a.pk and body["is_official"] is True
    assert r["ETag"] == f'"{member.updated_at.isoformat()}"'
    ship = Membership.objects.get(member=member)
    assert (ship.cell, ship.start, ship.end) == (tree.cell_a, D(2015, 5, 19), None)
    event = AuditEvent.objects.get(object_type="members.member", object_id=str(member.pk))
    assert event.action == AuditEvent.Action.CREATE and event.actor == user
    assert "Lường Văn Mới" in json.dumps(event.changes["full_name"], ensure_ascii=False)


def test_member_create_refusals_in_vietnamese(tree, personas):
    head = headers(personas["commune"])
    url = "/api/v1/members"
    r = send("post", url, head, {**NEW_MEMBER, "cell": tree.cell_a.pk, "birth_date": "02/03/2000"})
    assert msgs(r) == {
        "admission_date": [
            "Vào Đảng 19/05/2015 khi mới 15 tuổi (sinh 02/03/2000), chưa đủ 18 tuổi."
        ]
    }
    r = send(
        "post", url, head, {**NEW_MEMBER, "cell": tree.cell_a.pk, "party_card_number": "01000001"}
    )
    assert msgs(r) == {
        "party_card_number": ["Số thẻ đảng viên 01000001 đã có trong danh sách đảng viên."]
    }
    r = send(
        "post",
        url,
        head,
        {
            **NEW_MEMBER,
            "cell": tree.cell_a.pk,
            "admission_date": "31/02/2015",
            "citizen_id": "12ab",
        },
    )
    assert msgs(r) == {
        "admission_date": ["Ngày không hợp lệ (dd/mm/yyyy)."],
        "citizen_id": ["Số CCCD phải gồm đúng 12 chữ số."],
    }
    assert ["body", "data", "admission_date"] in [d["loc"] for d in r.json()["detail"]]
    # A commune's staff writes in its commune only: cell B is outside, as if missing.
    r = send("post", url, head, {**NEW_MEMBER, "cell": tree.cell_b.pk})
    assert r.status_code == 404
    # Not a cell.
    r = send("post", url, head, {**NEW_MEMBER, "cell": tree.commune_a.pk})
    assert msgs(r) == {"cell": ["Hãy chọn một chi bộ đang hoạt động."]}
    assert Member.objects.count() == 3


def test_member_create_with_warnings_needs_accept_warnings(tree, personas):
    """The register's warnings are confirmed as on the page: without `accept_warnings` the
    write answers 422 listing them (type "warning", at their field) and writes nothing."""
    head = headers(personas["secretary_a"], HTTP_IDEMPOTENCY_KEY="warn-create-1")
    body = {**NEW_MEMBER, "cell": tree.cell_a.pk, "official_date": None}
    r = send("post", "/api/v1/members", head, body)
    assert r.status_code == 422, r.content
    assert r.json()["detail"] == [
        {
            "type": "warning",
            "loc": ["body", "data", "official_date"],
            "msg": "Đảng viên vào Đảng 19/05/2015, đã quá 12 tháng dự bị nhưng chưa có ngày "
            "chính thức.",
        }
    ]
    # With an error too: both, the error by its field and the warning by its own.
    r = send("post", "/api/v1/members", head, {**body, "citizen_id": "12ab"})
    assert [(d["type"], d["loc"][2]) for d in r.json()["detail"]] == [
        ("invalid", "citizen_id"),
        ("warning", "official_date"),
    ]
    # Confirmed, the same key writes once (a 422 is not kept).
    assert r.status_code == 422 and not Member.objects.filter(full_name="Lường Văn Mới").exists()
    assert not IdempotencyKey.objects.exists()
    r = send("post", "/api/v1/members", head, {**body, "accept_warnings": True})
    assert r.status_code == 201, r.content
    member = Member.objects.get(full_name="Lường Văn Mới")
    assert member.official_date is None and r.json()["is_official"] is False
    # `accept_warnings` is not a member field: not answered, not audited.
    assert "accept_warnings" not in r.json()
    event = AuditEvent.objects.get(object_type="members.member", object_id=str(member.pk))
    assert "accept_warnings" not in event.changes
    # A request without warnings needs no confirmation (test_member_create), and a
    # confirmation that is not needed changes nothing.
    r = send(
        "post",
        "/api/v1/members",
        headers(personas["secretary_a"]),
        {
            **NEW_MEMBER,
            "cell": tree.cell_a.pk,
            "party_card_number": "01000098",
            "citizen_id": "014090000098",
            "accept_warnings": True,
        },
    )
    assert r.status_code == 201, r.content


def test_member_update_with_if_match(tree, personas):
    head = headers(personas["secretary_a"])
    url = f"/api/v1/members/{tree.member_a.pk}"
    etag = Client().get(url, **head)["ETag"]
    # Clearing the official date of a member admitted in 2010 is a register warning: 422
    # until confirmed, nothing written.
    r = send(
        "patch",
        url,
        {**head, "HTTP_IF_MATCH": etag},
        {"residence": "Bản Áng", "official_date": None},
    )
    assert msgs(r) == {
        "official_date": [
            "Đảng viên vào Đảng 19/05/2010, đã quá 12 tháng dự bị nhưng chưa có ngày chính thức."
        ]
    }
    assert r.json()["detail"][0]["type"] == "warning"
    assert Member.objects.get(pk=tree.member_a.pk).residence == ""
    r = send(
        "patch",
        url,
        {**head, "HTTP_IF_MATCH": etag},
        {"residence": "Bản Áng", "official_date": None, "accept_warnings": True},
    )
    assert r.status_code == 200, r.content
    member = Member.objects.get(pk=tree.member_a.pk)
    assert member.residence == "Bản Áng" and member.official_date is None
    assert member.full_name == "Nguyễn Văn An" and member.citizen_id == "014080000001"  # kept
    assert r.json()["is_official"] is False and r["ETag"] != etag
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.UPDATE, object_type="members.member", object_id=str(member.pk)
    )
    assert event.changes["residence"] == ["", "Bản Áng"] and event.actor == personas["secretary_a"]
    # The old ETag is stale now: 409, nothing written.
    r = send("patch", url, {**head, "HTTP_IF_MATCH": etag}, {"residence": "Khác"})
    assert r.status_code == 409 and "vừa được người khác sửa" in r.json()["detail"]
    r = send("patch", url, {**head, "HTTP_IF_MATCH": '"not a date"'}, {"residence": "Khác"})
    assert r.status_code == 409
    assert Member.objects.get(pk=member.pk).residence == "Bản Áng"
    # The current one (weak, as a compressing proxy sends it) and no If-Match both write.
    etag = Client().get(url, **head)["ETag"]
    r = send("patch", url, {**head, "HTTP_IF_MATCH": f"W/{etag}"}, {"residence": "Bản Áng 2"})
    assert r.status_code == 200
    r = send("patch", url, head, {"full_name": ""})
    assert list(msgs(r)) == ["full_name"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).count() == 2


def test_member_status_change(tree, personas):
    head = headers(personas["commune"])
    url = f"/api/v1/members/{tree.member_a.pk}/status"
    future = (timezone.localdate() + datetime.timedelta(days=2)).strftime("%d/%m/%Y")
    r = send("post", url, head, {"status": "exempt", "on": future, "note": "Tuổi cao"})
    assert msgs(r) == {"on": ["Ngày không được ở tương lai."]}
    # An exemption is granted for a reason: none given, nothing written.
    r = send("post", url, head, {"status": "exempt", "on": "01/02/2024", "note": "  "})
    assert msgs(r) == {"note": ["Ghi lý do miễn sinh hoạt (tuổi cao, sức yếu, đi làm ăn xa…)."]}
    assert not StatusChange.objects.filter(member=tree.member_a).exists()
    r = send("post", url, head, {"status": "exempt", "on": "01/02/2024", "note": "Tuổi cao"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "exempt"
    change = StatusChange.objects.get(member=tree.member_a)
    assert (change.status, change.on, change.actor) == (
        "exempt",
        D(2024, 2, 1),
        personas["commune"],
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.STATUS)
    assert event.changes["status"] == ["active", "exempt"]
    # The service's own refusal, by field.
    r = send("post", url, head, {"status": "exempt", "on": "01/03/2024", "note": "Ốm"})
    assert msgs(r) == {"status": ["Đảng viên đã ở trạng thái này."]}
    r = send("post", url, head, {"status": "gone", "on": "01/03/2024"})
    assert r.status_code == 422


def test_member_status_refuses_a_removal_without_its_decision(tree, personas):
    head = headers(personas["commune"])
    url = f"/api/v1/members/{tree.member_a.pk}/status"
    for status in ("removed", "transferred_out"):
        r = send("post", url, head, {"status": status, "on": "01/02/2024", "note": "x"})
        [message] = msgs(r)["status"]
        assert "cần" in message and "trên trang của đảng viên" in message
    assert not StatusChange.objects.exists()
    assert Member.objects.get(pk=tree.member_a.pk).status == "active"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.STATUS).exists()


def test_member_transfer(tree, personas):
    head = headers(personas["commune"])
    url = f"/api/v1/members/{tree.member_a.pk}/transfer"
    # Cell B is not in the commune's write scope: the page's form does not offer it.
    r = send("post", url, head, {"to_cell": tree.cell_b.pk, "on": "01/02/2024"})
    assert list(msgs(r)) == ["to_cell"]
    r = send("post", url, head, {"to_cell": tree.cell_a2.pk, "on": "01/02/2009"})
    assert "Ngày chuyển phải sau ngày bắt đầu" in msgs(r)["on"][0]
    r = send("post", url, head, {"to_cell": tree.cell_a2.pk, "on": "01/02/2024"})
    assert r.status_code == 200, r.content
    assert r.json()["cell"]["id"] == tree.cell_a2.pk
    ships = list(Membership.objects.filter(member=tree.member_a).order_by("start"))
    assert [(s.cell_id, s.start, s.end) for s in ships] == [
        (tree.cell_a.pk, D(2010, 5, 19), D(2024, 2, 1)),
        (tree.cell_a2.pk, D(2024, 2, 1), None),
    ]
    assert AuditEvent.objects.get(action=AuditEvent.Action.TRANSFER).actor == personas["commune"]


# --- organizations ------------------------------------------------------------------------


def test_organization_create_and_rename(tree, personas):
    head = headers(personas["admin"])
    body = _write_calls(tree)[4][2]
    r = send("post", f"/api/v1/organizations/{tree.cell_a.pk}/children", head, body)
    assert r.status_code == 404  # a cell has no children
    r = send("post", f"/api/v1/organizations/{tree.commune_a.pk}/children", head, body)
    assert r.status_code == 201, r.content
    org = Organization.objects.get(code="XA-03")
    assert r.json() == {
        "id": org.pk,
        "code": "XA-03",
        "name": "Chi bộ bản Mới",
        "kind": "cell",
        "cell_type": "residential",
        "grassroots_type": "",
        "parent_id": tree.commune_a.pk,
        "valid_from": "2024-01-01",
        "valid_to": None,
    }
    created = AuditEvent.objects.get(
        action=AuditEvent.Action.CREATE,
        object_type="organizations.organization",
        object_id=str(org.pk),
    )
    assert created.actor
    r = send("post", f"/api/v1/organizations/{tree.commune_a.pk}/children", head, body)
    assert msgs(r) == {None: ["Mã XA-03 đã được dùng."]}
    r = send(
        "post",
        f"/api/v1/organizations/{tree.commune_a.pk}/children",
        head,
        {**body, "code": "XA 04", "cell_type": None},
    )
    assert msgs(r) == {
        "code": ["Mã chỉ gồm chữ không dấu, số, . _ -"],
        "cell_type": ["Hãy chọn loại chi bộ."],
    }

    # Under the district: a grassroots cell (chi bộ cơ sở), as the page offers it.
    r = send(
        "post",
        f"/api/v1/organizations/{tree.district.pk}/children",
        head,
        {
            "code": "HU-YT",
            "name": "Chi bộ Trạm y tế",
            "kind": "grassroots_cell",
            "valid_from": "01/01/2024",
        },
    )
    assert r.status_code == 201, r.content
    assert (r.json()["kind"], r.json()["cell_type"]) == ("cell", "agency")
    r = send(
        "post",
        f"/api/v1/organizations/{tree.district.pk}/children",
        head,
        {**body, "code": "HU-02"},
    )
    assert list(msgs(r)) == ["kind"]  # a plain cell goes under a grassroots organization

    url = f"/api/v1/organizations/{org.pk}/rename"
    r = send("post", url, head, {"name": "Chi bộ bản Mới Hơn", "on": "01/06/2024"})
    assert r.status_code == 200 and r.json()["name"] == "Chi bộ bản Mới Hơn"
    periods = OrganizationPeriod.objects.filter(organization=org).order_by("valid_from")
    assert [(p.name, p.valid_to) for p in periods] == [
        ("Chi bộ bản Mới", D(2024, 6, 1)),
        ("Chi bộ bản Mới Hơn", None),
    ]
    r = send("post", url, head, {"name": "Chi bộ bản Mới Hơn", "on": "01/07/2024"})
    assert msgs(r) == {None: ["Tên mới phải khác tên cũ."]}


# --- positions and posts ------------------------------------------------------------------


def test_position_seat_and_end(tree, personas):
    head = headers(personas["secretary_a"])
    url = f"/api/v1/organizations/{tree.cell_a.pk}/positions"
    r = send(
        "post", url, head, {"member": tree.member_b.pk, "title": "secretary", "start": "01/01/2022"}
    )
    assert list(msgs(r)) == ["member"]  # not a member of the cell: not a choice
    r = send(
        "post",
        url,
        head,
        {
            "member": tree.secretary_member_a.pk,
            "title": "secretary",
            "start": "01/01/2022",
            "decision": "QĐ 12",
        },
    )
    assert r.status_code == 201, r.content
    position = Position.objects.get()
    assert r.json()["member"] == {"id": tree.secretary_member_a.pk, "full_name": "Lò Thị Ánh"}
    assert (position.title, position.start, position.decision) == (
        "secretary",
        D(2022, 1, 1),
        "QĐ 12",
    )
    r = send(
        "post", url, head, {"member": tree.member_a.pk, "title": "secretary", "start": "01/01/2023"}
    )
    assert "đã có bí thư Lò Thị Ánh" in " ".join(sum(msgs(r).values(), []))
    end = f"/api/v1/positions/{position.pk}/end"
    assert (
        send("post", end, headers(personas["secretary_b"]), {"end": "01/01/2024"}).status_code
        == 404
    )
    r = send("post", end, head, {"end": "01/01/2021"})
    assert "Ngày kết thúc phải sau ngày bắt đầu" in msgs(r)["end"][0]
    r = send("post", end, head, {"end": "01/01/2024"})
    assert r.status_code == 200 and r.json()["end"] == "2024-01-01"
    position.refresh_from_db()
    assert position.end == D(2024, 1, 1)
    assert AuditEvent.objects.filter(object_type="committees.position").count() == 2


def test_commune_seat_names_members_by_id(tree, personas):
    head = headers(personas["admin"])
    r = send(
        "post",
        f"/api/v1/organizations/{tree.district.pk}/positions",
        head,
        {"member": tree.member_b.pk, "title": "committee_member", "start": "01/01/2022"},
    )
    assert r.status_code == 201, r.content
    assert Position.objects.get().organization == tree.district


def test_village_post_and_end(tree, personas):
    village = Village.objects.get(code="V-A1")
    head = headers(personas["secretary_a"])
    url = f"/api/v1/villages/{village.pk}/posts"
    r = send("post", url, head, {"kind": "village_head", "start": "01/01/2022"})
    assert msgs(r) == {
        None: ["Chọn một đảng viên, hoặc ghi họ tên người không phải đảng viên (một trong hai)."]
    }
    r = send(
        "post",
        url,
        head,
        {"kind": "village_head", "member": tree.member_a.pk, "start": "01/01/2022"},
    )
    assert r.status_code == 201, r.content
    post = ConcurrentRole.objects.get()
    assert r.json() == {
        "id": post.pk,
        "village_id": village.pk,
        "kind": "village_head",
        "member_id": tree.member_a.pk,
        "person_name": "",
        "start": "2022-01-01",
        "end": None,
    }
    r = send(
        "post",
        url,
        head,
        {"kind": "village_head", "person_name": "Lò Văn Khác", "start": "01/01/2023"},
    )
    assert "đã có" in msgs(r)["start"][0]
    assert (
        send(
            "post",
            url,
            headers(personas["secretary_b"]),
            {"kind": "front_head", "person_name": "A", "start": "01/01/2023"},
        ).status_code
        == 404
    )
    r = send("post", f"/api/v1/posts/{post.pk}/end", head, {"end": "01/07/2023"})
    assert r.status_code == 200 and r.json()["end"] == "2023-07-01"
    assert ConcurrentRole.objects.get().end == D(2023, 7, 1)
    assert send("post", "/api/v1/posts/999999/end", head, {"end": "01/07/2023"}).status_code == 404


# --- idempotency --------------------------------------------------------------------------


def test_the_same_key_twice_writes_once_and_answers_the_same(tree, personas):
    head = headers(personas["commune"], HTTP_IDEMPOTENCY_KEY="0d7a6c1e-create-1")
    body = {**NEW_MEMBER, "cell": tree.cell_a.pk}
    first = send("post", "/api/v1/members", head, body)
    assert first.status_code == 201
    # The same body with its keys in another order is the same request.
    again = send("post", "/api/v1/members", head, dict(reversed(list(body.items()))))
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Member.objects.filter(full_name="Lường Văn Mới").count() == 1
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.CREATE, object_type="members.member"
        ).count()
        == 4
    )
    key = IdempotencyKey.objects.get()
    assert (key.user, key.method, key.path, key.response_status) == (
        personas["commune"],
        "POST",
        "/api/v1/members",
        201,
    )
    assert key.response_body == first.json()
    # The same key with another body is refused, and writes nothing.
    r = send("post", "/api/v1/members", head, {**body, "full_name": "Lường Văn Khác"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert "đã được dùng cho một yêu cầu khác" in r.json()["detail"][0]["msg"]
    assert not Member.objects.filter(full_name="Lường Văn Khác").exists()
    # ... and so is the same key on another operation.
    r = send("patch", f"/api/v1/members/{tree.member_a.pk}", head, {"residence": "X"})
    assert r.status_code == 422 and Member.objects.get(pk=tree.member_a.pk).residence == ""
    # Another user's key of the same text is theirs.
    other = headers(personas["admin"], HTTP_IDEMPOTENCY_KEY="0d7a6c1e-create-1")
    r = send(
        "post",
        "/api/v1/members",
        other,
        {**body, "party_card_number": "01000098", "full_name": "Lường Văn Hai"},
    )
    assert r.status_code == 201 and IdempotencyKey.objects.count() == 2


def test_a_refused_write_keeps_no_key(tree, personas):
    head = headers(personas["commune"], HTTP_IDEMPOTENCY_KEY="k-422")
    body = {**NEW_MEMBER, "cell": tree.cell_a.pk, "birth_date": "02/03/2000"}
    assert send("post", "/api/v1/members", head, body).status_code == 422
    assert not IdempotencyKey.objects.exists()
    # Fixed and sent again with the same key: written.
    r = send("post", "/api/v1/members", head, {**body, "birth_date": "02/03/1990"})
    assert r.status_code == 201 and IdempotencyKey.objects.count() == 1


@pytest.mark.parametrize("key", ["", "a" * 256, "with space", "tab\tkey"])
def test_bad_keys_are_422(tree, personas, key):
    head = headers(personas["commune"], HTTP_IDEMPOTENCY_KEY=key)
    r = send("post", "/api/v1/members", head, {**NEW_MEMBER, "cell": tree.cell_a.pk})
    assert r.status_code == 422
    assert Member.objects.count() == 3


def test_keys_expire_after_24_hours_and_the_command_prunes_them(tree, personas):
    head = headers(personas["commune"], HTTP_IDEMPOTENCY_KEY="k-old")
    url = f"/api/v1/members/{tree.member_a.pk}"
    assert send("patch", url, head, {"residence": "A"}).status_code == 200
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    # Expired: the same key with another body is a new request.
    r = send("patch", url, head, {"residence": "B"})
    assert r.status_code == 200 and "Idempotent-Replayed" not in r
    assert Member.objects.get(pk=tree.member_a.pk).residence == "B"
    assert IdempotencyKey.objects.count() == 1
    fresh = IdempotencyKey.objects.get()
    old = IdempotencyKey.objects.create(
        user=personas["admin"],
        key="k-older",
        method="POST",
        path="/api/v1/members",
        request_hash="0" * 64,
        response_status=201,
        response_body={},
    )
    IdempotencyKey.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=24, seconds=1)
    )
    out = StringIO()
    call_command("api_prune_keys", stdout=out)
    assert "1" in out.getvalue()
    assert list(IdempotencyKey.objects.all()) == [fresh]
    call_command("api_prune_keys", stdout=StringIO())  # idempotent
    assert list(IdempotencyKey.objects.all()) == [fresh]


# --- as_of ----------------------------------------------------------------------------------


def test_is_official_as_of(tree, personas):
    head = headers(personas["admin"], scope=ApiToken.Access.READ)
    # Every member of the tree: admitted 19/05/2010, official 19/05/2011.
    url = f"/api/v1/members/{tree.member_a.pk}"
    assert Client().get(url, **head).json()["is_official"] is True
    assert Client().get(url, {"as_of": "18/05/2011"}, **head).json()["is_official"] is False
    assert Client().get(url, {"as_of": "2011-05-19"}, **head).json()["is_official"] is True
    items = Client().get("/api/v1/members", {"as_of": "01/01/2011"}, **head).json()["items"]
    assert [m["is_official"] for m in items] == [False, False, False]
    for bad in ("31/02/2011", "2011/05/19", "hôm qua", "1" * 11):
        r = Client().get(url, {"as_of": bad}, **head)
        assert r.status_code == 422, bad
        assert r.json()["detail"][0]["loc"] == ["query", "as_of"]
    assert Client().get(url, {"as_of": "31/02/2011"}, **head).json()["detail"][0]["msg"] == (
        "Ngày không hợp lệ (dd/mm/yyyy)."
    )


def test_the_tree_and_the_lists_as_of_a_date(tree, personas):
    from chibo.members import services as member_services
    from chibo.organizations import services as org_services

    admin = personas["admin"]
    member_services.member_transfer(
        member=tree.member_a, to_cell=tree.cell_b, on=D(2024, 2, 1), actor=admin
    )
    org_services.org_rename(
        org=tree.cell_a, name="Chi bộ bản Áng Mới", on=D(2024, 6, 1), actor=admin
    )
    org_services.org_reparent(
        org=tree.cell_a2, new_parent=tree.commune_b, on=D(2024, 3, 1), actor=admin
    )
    head = headers(admin, scope=ApiToken.Access.READ)

    def get(path, **params):
        r = Client().get(path, params, **head)
        assert r.status_code == 200, r.content
        return r.json()

    cell_a = f"/api/v1/organizations/{tree.cell_a.pk}"
    assert get(cell_a)["name"] == "Chi bộ bản Áng Mới"
    assert get(cell_a, as_of="31/05/2024")["name"] == "Chi bộ bản Áng"
    assert get(cell_a, as_of="2024-06-01")["name"] == "Chi bộ bản Áng Mới"
    commune_a = f"/api/v1/organizations/{tree.commune_a.pk}"
    commune_b = f"/api/v1/organizations/{tree.commune_b.pk}"
    assert get(commune_a)["member_count"] == 1
    assert get(commune_a, as_of="31/01/2024")["member_count"] == 2
    assert get(commune_a, as_of="01/02/2024")["member_count"] == 1
    assert get(commune_b, as_of="31/01/2024")["member_count"] == 1
    assert get(commune_b, as_of="01/02/2024")["member_count"] == 2
    cell_a2 = f"/api/v1/organizations/{tree.cell_a2.pk}"
    assert get(cell_a2)["parent_id"] == tree.commune_b.pk
    assert get(cell_a2, as_of="29/02/2024")["parent_id"] == tree.commune_a.pk

    def ids(body):
        return sorted(o["id"] for o in body["items"])

    orgs = "/api/v1/organizations"
    assert ids(get(orgs, parent=tree.commune_a.pk)) == [tree.cell_a.pk]
    assert ids(get(orgs, parent=tree.commune_a.pk, as_of="29/02/2024")) == sorted(
        [tree.cell_a.pk, tree.cell_a2.pk]
    )
    names = {o["id"]: o["name"] for o in get(orgs, as_of="01/01/2024")["items"]}
    assert names[tree.cell_a.pk] == "Chi bộ bản Áng"
    assert ids(get(orgs, active="true", as_of="01/01/2014")) == []  # founded 01/01/2015
    assert len(ids(get(orgs, active="false", as_of="01/01/2014"))) == 6

    members = "/api/v1/members"
    now = get(members, org=tree.commune_a.pk)
    assert [m["id"] for m in now["items"]] == [tree.secretary_member_a.pk]
    then = get(members, org=tree.commune_a.pk, as_of="31/01/2024")["items"]
    assert [(m["id"], m["cell"]["id"]) for m in then] == [
        (tree.member_a.pk, tree.cell_a.pk),
        (tree.secretary_member_a.pk, tree.cell_a.pk),
    ]
    then = get(members, org=tree.cell_b.pk, as_of="01/02/2024")["items"]
    assert [(m["id"], m["cell"]["id"]) for m in then] == [
        (tree.member_a.pk, tree.cell_b.pk),
        (tree.member_b.pk, tree.cell_b.pk),
    ]
    # Before anyone was admitted (19/05/2010): nobody was in a cell.
    assert get(members, as_of="01/01/2010")["count"] == 0
    assert get(members, as_of="01/01/2010", status="all")["count"] == 3
    one = f"/api/v1/members/{tree.member_a.pk}"
    assert get(one)["cell"]["id"] == tree.cell_b.pk
    assert get(one, as_of="31/01/2024")["cell"]["id"] == tree.cell_a.pk
    bad = Client().get(commune_a, {"as_of": "32/01/2024"}, **head)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "as_of"]


@pytest.mark.parametrize("extra", [0, 60])
def test_lists_as_of_a_date_do_not_grow_in_queries(
    tree, personas, django_assert_num_queries, extra
):
    from chibo.api.tests.test_api import _add_members

    _add_members(tree, extra)
    head = headers(personas["admin"], scope=ApiToken.Access.READ)
    # 1 token + user, 2 role grants, 3 count, 4 the page with its cells, 5 the page's
    # memberships of that day with their cells.
    with django_assert_num_queries(5):
        r = Client().get("/api/v1/members", {"as_of": "01/01/2024", "page_size": 200}, **head)
    assert r.json()["count"] == 3 + extra
    # 1 token + user, 2 role grants, 3 count, 4 the page, 5 the page's periods of that day.
    with django_assert_num_queries(5):
        r = Client().get("/api/v1/organizations", {"as_of": "01/01/2024"}, **head)
    assert r.json()["count"] == 6


@pytest.mark.skipif(
    "postgres" not in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason="two connections writing at once: PostgreSQL (the test SQLite lives in memory)",
)
def test_two_identical_requests_at_once_write_once(transactional_db, tree, personas, monkeypatch):
    import threading
    import time

    from django.db import connection

    from chibo.members import services as member_services

    create = member_services.member_create

    def slow_create(**kwargs):
        member = create(**kwargs)
        time.sleep(0.5)  # the second request arrives while the first one has not committed
        return member

    monkeypatch.setattr(member_services, "member_create", slow_create)
    head = headers(personas["commune"], HTTP_IDEMPOTENCY_KEY="at-once")
    body = {**NEW_MEMBER, "cell": tree.cell_a.pk}
    answers = []

    def post():
        try:
            answers.append(send("post", "/api/v1/members", head, body))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
        time.sleep(0.1)
    for t in threads:
        t.join()
    assert [r.status_code for r in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert sorted(r.get("Idempotent-Replayed", "") for r in answers) == ["", "true"]
    assert Member.objects.filter(full_name="Lường Văn Mới").count() == 1
    assert IdempotencyKey.objects.count() == 1
