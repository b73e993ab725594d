"""What a commune records through pages: its leaders (local or not), the non-local leaders'
target, its officials and their assessment against the standard, and the role model of its
villages. Every persona against every form (allowed, read-only, outsider), the database after
each write, and bad input shown as a message with nothing saved."""

import datetime

import pytest

from chibo.committees.models import (
    CommuneLeader,
    CommuneOfficial,
    LeadershipTarget,
    RoleModel,
)
from chibo.core.models import AuditEvent

pytestmark = pytest.mark.django_db
D = datetime.date
PERSONAS = ("admin", "analyst", "commune", "secretary_a", "member_a", "official", "secretary_b")
OK, NO = 200, 404
# Only the org-board admin and the commune's staff write for a commune; a cell secretary, though
# a writer in cell A, reads commune A's pages but does not write there.
WRITE_COMMUNE_A = (OK, NO, OK, NO, NO, NO, NO)
WRITE_DISTRICT = (OK, NO, NO, NO, NO, NO, NO)
COMMUNE_WRITERS = {p: code == OK for p, code in zip(PERSONAS, WRITE_COMMUNE_A, strict=True)}


@pytest.fixture
def rows(tree, page_data):
    """The commune's leader, an official and the Nà Bó model of page_data, by name."""
    return {
        "leader": CommuneLeader.objects.get(commune=tree.commune_a),
        "official": CommuneOfficial.objects.get(commune=tree.commune_a),
        "model": RoleModel.objects.get(commune=tree.commune_a),
    }


def url(page, t, r):
    xa, hu, ca = t.commune_a.pk, t.district.pk, t.cell_a.pk
    return {
        "leader_assign": f"/committees/org/{xa}/leaders/new/",
        "leader_end": f"/committees/leaders/{r['leader'].pk}/end/",
        "target_district": f"/committees/org/{hu}/leaders/target/",
        "target_commune_a": f"/committees/org/{xa}/leaders/target/",
        "official_add": f"/committees/org/{xa}/officials/new/",
        "official_assess": f"/committees/officials/{r['official'].pk}/assess/",
        "official_end": f"/committees/officials/{r['official'].pk}/end/",
        "role_model_adopt": f"/committees/org/{xa}/role-model/",
        "role_model_end": f"/committees/role-models/{r['model'].pk}/end/",
        # Not communes: nothing to record there.
        "leader_assign_district": f"/committees/org/{hu}/leaders/new/",
        "leader_assign_cell": f"/committees/org/{ca}/leaders/new/",
        "official_add_cell": f"/committees/org/{ca}/officials/new/",
        "role_model_adopt_cell": f"/committees/org/{ca}/role-model/",
        "target_cell": f"/committees/org/{ca}/leaders/target/",
    }[page]


POLICY = {
    "leader_assign": WRITE_COMMUNE_A,
    "leader_end": WRITE_COMMUNE_A,
    "target_district": WRITE_DISTRICT,
    "target_commune_a": WRITE_COMMUNE_A,
    "official_add": WRITE_COMMUNE_A,
    "official_assess": WRITE_COMMUNE_A,
    "official_end": WRITE_COMMUNE_A,
    "role_model_adopt": WRITE_COMMUNE_A,
    "role_model_end": WRITE_COMMUNE_A,
    "leader_assign_district": (NO,) * 7,
    "leader_assign_cell": (NO,) * 7,
    "official_add_cell": (NO,) * 7,
    "role_model_adopt_cell": (NO,) * 7,
    "target_cell": (NO,) * 7,
}
TITLES = {
    "leader_assign": "Ghi lãnh đạo xã",
    "leader_end": "Thôi Bí thư Đảng ủy: Hà Văn Ngoài",
    "target_district": "Chỉ tiêu lãnh đạo xã không phải người địa phương",
    "official_add": "Thêm cán bộ, công chức xã",
    "official_assess": "Đánh giá chuẩn: =HYPERLINK(",
    "official_end": "Thôi chức vụ: =HYPERLINK(",
    "role_model_adopt": "Áp dụng mô hình kiêm nhiệm",
    "role_model_end": "Thôi áp dụng mô hình: Mô hình Nà Bó",
}


def _cases():
    for page, row in POLICY.items():
        for persona, expected in zip(PERSONAS, row, strict=True):
            yield pytest.param(persona, page, expected, id=f"{page}-{persona}")


@pytest.mark.parametrize(("persona", "page", "expected"), list(_cases()))
def test_get(persona, page, expected, tree, rows, clients):
    r = clients[persona].get(url(page, tree, rows))
    assert r.status_code == expected
    if expected == OK and page in TITLES:
        assert TITLES[page] in r.content.decode().replace("&quot;", '"')


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_pages_offer_the_forms_only_to_writers(persona, tree, page_data, clients):
    xa = tree.commune_a.pk
    allowed = COMMUNE_WRITERS[persona]
    for page, action in (
        ("leaders", f"/committees/org/{xa}/leaders/new/"),
        ("officials", f"/committees/org/{xa}/officials/new/"),
        ("roles", f"/committees/org/{xa}/role-model/"),
    ):
        r = clients[persona].get(f"/committees/org/{xa}/{page}/")
        if r.status_code == NO:
            assert not allowed
            continue
        body = r.content.decode()
        assert (action in body) == allowed, (page, persona)
        assert ("/end/" in body) == allowed, (page, persona)


def _post(clients, persona, page, tree, rows, data):
    before = AuditEvent.objects.count()
    r = clients[persona].post(url(page, tree, rows), data)
    return r, AuditEvent.objects.count() - before


# --- leaders ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_post_leader_assign(persona, tree, rows, clients):
    data = {"post": "pc_chairman", "full_name": "Lường Văn Chủ", "is_local": "0"}
    r, audits = _post(
        clients, persona, "leader_assign", tree, rows, {**data, "start": "01/02/2021"}
    )
    created = CommuneLeader.objects.filter(full_name="Lường Văn Chủ")
    if COMMUNE_WRITERS[persona]:
        assert r.status_code == 302
        assert r["Location"] == f"/committees/org/{tree.commune_a.pk}/leaders/"
        leader = created.get()
        assert (leader.commune, leader.post, leader.is_local) == (
            tree.commune_a,
            "pc_chairman",
            False,
        )
        assert (leader.start, leader.end, leader.member) == (D(2021, 2, 1), None, None)
        assert audits == 1
        body = clients[persona].get(r["Location"]).content.decode()
        assert "Lường Văn Chủ" in body and "Đã ghi Chủ tịch UBND: Lường Văn Chủ." in body
    else:
        assert r.status_code == NO and not created.exists() and audits == 0


def test_leader_from_the_members_takes_the_members_name(tree, rows, clients):
    r, _ = _post(
        clients,
        "commune",
        "leader_assign",
        tree,
        rows,
        {"post": "pc_chairman", "member": tree.member_a.pk, "is_local": "1", "start": "01/02/2021"},
    )
    assert r.status_code == 302
    leader = CommuneLeader.objects.get(post="pc_chairman", commune=tree.commune_a)
    assert (leader.member, leader.full_name, leader.is_local) == (
        tree.member_a,
        "Nguyễn Văn An",
        True,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # Hà Văn Ngoài is the party secretary from 01/06/2020.
        (
            {"post": "party_secretary", "full_name": "Người Thứ Hai", "start": "01/01/2022"},
            "Đảng bộ xã An đã có Bí thư Đảng ủy Hà Văn Ngoài từ 01/06/2020 đến nay",
        ),
        (
            {"post": "party_secretary", "full_name": "Người Cũ", "start": "01/01/2019",
             "end": "01/07/2020"},
            "Đảng bộ xã An đã có Bí thư Đảng ủy Hà Văn Ngoài",
        ),
        (
            {"post": "pc_chairman", "full_name": "Ngược Ngày", "start": "01/01/2022",
             "end": "01/01/2021"},
            "Ngày kết thúc phải sau ngày bắt đầu.",
        ),
        ({"post": "pc_chairman", "start": "01/01/2022"}, "Chọn một đảng viên hoặc ghi họ tên"),
        ({"post": "pc_chairman", "full_name": "X", "start": "31/02/2022"}, "dd/mm/yyyy"),
        ({"post": "mayor", "full_name": "X", "start": "01/01/2022"}, "Hãy chọn"),
    ],
    ids=["overlap-open", "overlap-before", "end-before-start", "no-holder", "bad-date", "post"],
)  # fmt: skip
def test_leader_bad_input_is_a_message_and_nothing_is_saved(data, message, tree, rows, clients):
    r, audits = _post(clients, "commune", "leader_assign", tree, rows, {"is_local": "1", **data})
    assert r.status_code == 200
    body = r.content.decode()
    assert "Chưa có gì được lưu." in body
    assert message in body, body[body.find("errorlist") :][:600]
    assert CommuneLeader.objects.count() == 2 and audits == 0


def test_leader_missing_local_choice_is_a_message(tree, rows, clients):
    r, _ = _post(
        clients,
        "commune",
        "leader_assign",
        tree,
        rows,
        {"post": "pc_chairman", "full_name": "X", "start": "01/01/2022"},
    )
    assert r.status_code == 200 and "Hãy chọn một." in r.content.decode()


def test_a_member_of_another_commune_is_refused(tree, rows, clients, personas):
    """The form offers the commune's members; a member of commune B is not a valid choice."""
    r, audits = _post(
        clients,
        "admin",
        "leader_assign",
        tree,
        rows,
        {"post": "pc_chairman", "member": tree.member_b.pk, "is_local": "1", "start": "01/01/2022"},
    )
    assert r.status_code == 200 and audits == 0
    assert "Hãy chọn một lựa chọn hợp lệ." in r.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_post_leader_end_then_a_successor(persona, tree, rows, clients):
    r, audits = _post(clients, persona, "leader_end", tree, rows, {"end": "01/01/2023"})
    leader = CommuneLeader.objects.get(pk=rows["leader"].pk)
    if not COMMUNE_WRITERS[persona]:
        assert r.status_code == NO and leader.end is None and audits == 0
        return
    assert r.status_code == 302 and leader.end == D(2023, 1, 1) and audits == 1
    # The post is free from that day: the successor is recorded.
    r, _ = _post(
        clients,
        persona,
        "leader_assign",
        tree,
        rows,
        {"post": "party_secretary", "full_name": "Người Kế Nhiệm", "is_local": "1",
         "start": "01/01/2023"},
    )  # fmt: skip
    assert r.status_code == 302
    # An end before the start is refused.
    r, audits = _post(clients, persona, "leader_end", tree, rows, {"end": "01/01/2019"})
    assert r.status_code == 200 and audits == 0
    assert "Ngày kết thúc phải sau ngày bắt đầu (01/06/2020)." in r.content.decode()
    r, audits = _post(clients, persona, "leader_end", tree, rows, {"end": "01/02/2023"})
    assert r.status_code == 200 and audits == 0
    assert "Mục này đã kết thúc ngày 01/01/2023." in r.content.decode()


def test_the_leaders_page_shows_the_new_figure(tree, rows, clients):
    _post(
        clients,
        "commune",
        "leader_assign",
        tree,
        rows,
        {"post": "pc_chairman", "full_name": "Lường Văn Chủ", "is_local": "0",
         "start": "01/02/2021"},
    )  # fmt: skip
    page = f"/committees/org/{tree.district.pk}/leaders/?as_of=31/03/2023"
    body = clients["admin"].get(page).content.decode()
    # Non-local: Hà Văn Ngoài and Lường Văn Chủ, of 3 posts; 2 of the district's target of 2.
    assert "2/3 (66,66%)" in body and "2/2 (100%)" in body


# --- the target ---------------------------------------------------------------------------------


def test_post_target(tree, rows, clients):
    LeadershipTarget.objects.all().delete()
    data = {"term_name": "2020–2025", "start": "01/07/2020", "end": "30/06/2025"}
    r, audits = _post(
        clients, "admin", "target_district", tree, rows, {**data, "nonlocal_target": "3"}
    )
    assert r.status_code == 302 and audits == 1
    t = LeadershipTarget.objects.get()
    assert (t.organization, t.nonlocal_target, t.start, t.end) == (
        tree.district,
        3,
        D(2020, 7, 1),
        D(2025, 6, 30),
    )
    # Overlapping another target of the district; a negative figure; end before start.
    for bad, message in (
        ({**data, "nonlocal_target": "2"}, "Trùng thời gian với chỉ tiêu nhiệm kỳ 2020–2025"),
        ({**data, "start": "01/07/2025", "end": "30/06/2030", "nonlocal_target": "-1"},
         "Chỉ tiêu phải là số không âm."),
        ({**data, "start": "01/07/2030", "end": "30/06/2025", "nonlocal_target": "1"},
         "Ngày kết thúc phải sau ngày bắt đầu."),
    ):  # fmt: skip
        r, audits = _post(clients, "admin", "target_district", tree, rows, bad)
        assert r.status_code == 200 and message in r.content.decode() and audits == 0
    assert LeadershipTarget.objects.count() == 1
    # The commune's staff cannot set the district's target.
    r, _ = _post(
        clients, "commune", "target_district", tree, rows, {**data, "nonlocal_target": "1"}
    )
    assert r.status_code == NO


# --- officials ----------------------------------------------------------------------------------

OFFICIAL = {
    "full_name": "Quàng Thị Mới",
    "post": "Công chức Văn phòng - Thống kê",
    "start": "01/03/2022",
    "meets_standard": "1",
    "assessed_on": "15/03/2022",
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_post_official_add(persona, tree, rows, clients):
    r, audits = _post(clients, persona, "official_add", tree, rows, OFFICIAL)
    created = CommuneOfficial.objects.filter(full_name="Quàng Thị Mới")
    if COMMUNE_WRITERS[persona]:
        assert r.status_code == 302
        assert r["Location"] == f"/committees/org/{tree.commune_a.pk}/officials/"
        o = created.get()
        assert (o.commune, o.post, o.meets_standard, o.reason) == (
            tree.commune_a,
            "Công chức Văn phòng - Thống kê",
            True,
            "",
        )
        assert (o.start, o.assessed_on, o.end) == (D(2022, 3, 1), D(2022, 3, 15), None)
        assert audits == 1
    else:
        assert r.status_code == NO and not created.exists() and audits == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"meets_standard": "0"}, "Hãy ghi lý do chưa đạt chuẩn."),
        ({"reason": "Thiếu bằng"}, "Chỉ ghi lý do khi chưa đạt chuẩn."),
        ({"assessed_on": "01/01/2099"}, "Ngày đánh giá không được ở tương lai."),
        ({"end": "01/01/2022"}, "Ngày kết thúc phải sau ngày bắt đầu."),
        ({"post": "  "}, "Trường này là bắt buộc."),
        # The same person in the same post, accents aside, at an overlapping time.
        ({"full_name": '=HYPERLINK("x")', "post": "dia chinh"}, "đã được ghi là Địa chính"),
    ],
    ids=["no-reason", "reason-when-met", "future", "end-before-start", "no-post", "twice"],
)
def test_official_bad_input_is_a_message_and_nothing_is_saved(change, message, tree, rows, clients):
    count = CommuneOfficial.objects.count()
    r, audits = _post(clients, "commune", "official_add", tree, rows, {**OFFICIAL, **change})
    assert r.status_code == 200
    body = r.content.decode().replace("&quot;", '"')
    assert any(m in body for m in message.split("|")), body[body.find("errorlist") :][:600]
    assert CommuneOfficial.objects.count() == count and audits == 0


@pytest.mark.parametrize("persona", PERSONAS)
def test_post_official_assess_keeps_the_earlier_result(persona, tree, rows, clients):
    """Địa chính did not meet the standard (assessed 01/01/2022); met it on 01/03/2023."""
    old = rows["official"]
    r, audits = _post(
        clients,
        persona,
        "official_assess",
        tree,
        rows,
        {"meets_standard": "1", "assessed_on": "01/03/2023"},
    )
    history = list(CommuneOfficial.objects.filter(post="Địa chính").order_by("start"))
    if not COMMUNE_WRITERS[persona]:
        assert r.status_code == NO and len(history) == 1 and audits == 0
        return
    assert r.status_code == 302 and audits == 2
    before, now = history
    assert (before.pk, before.meets_standard, before.reason, before.end) == (
        old.pk,
        False,
        "Chưa tốt nghiệp THPT",
        D(2023, 3, 1),
    )
    assert (now.meets_standard, now.reason, now.start, now.end, now.assessed_on) == (
        True,
        "",
        D(2023, 3, 1),
        None,
        D(2023, 3, 1),
    )
    body = clients[persona].get(f"/committees/org/{tree.commune_a.pk}/qualification/").content
    assert "Tất cả đạt chuẩn." in body.decode()


def test_official_assess_bad_input(tree, rows, clients):
    for data, message in (
        ({"meets_standard": "1", "assessed_on": "01/01/2019"}, "Ngày đánh giá phải từ ngày giữ"),
        ({"meets_standard": "1", "assessed_on": "01/12/2021"}, "Đã có lần đánh giá sau ngày này"),
        ({"meets_standard": "0", "assessed_on": "01/03/2023"}, "Hãy ghi lý do chưa đạt chuẩn."),
        ({"assessed_on": "01/03/2023"}, "Hãy chọn một."),
    ):
        r, audits = _post(clients, "commune", "official_assess", tree, rows, data)
        assert r.status_code == 200 and message in r.content.decode() and audits == 0
    assert CommuneOfficial.objects.count() == 1


def test_a_second_assessment_the_same_day_corrects_the_first(tree, rows, clients):
    data = {"meets_standard": "1", "assessed_on": "01/03/2023"}
    r, audits = _post(clients, "commune", "official_assess", tree, rows, data)
    assert r.status_code == 302 and audits == 2
    new = CommuneOfficial.objects.get(end__isnull=True)
    data = {**data, "meets_standard": "0", "reason": "Bằng chưa được công nhận"}
    r, audits = _post(clients, "commune", "official_assess", tree, {**rows, "official": new}, data)
    assert r.status_code == 302 and audits == 1  # the row of 01/03/2023, corrected
    before, now = CommuneOfficial.objects.order_by("start")
    assert (before.meets_standard, before.end) == (False, D(2023, 3, 1))
    assert (now.meets_standard, now.reason, now.start) == (
        False,
        "Bằng chưa được công nhận",
        D(2023, 3, 1),
    )


def test_post_official_end(tree, rows, clients):
    r, audits = _post(clients, "commune", "official_end", tree, rows, {"end": "01/01/2023"})
    assert r.status_code == 302 and audits == 1
    assert CommuneOfficial.objects.get().end == D(2023, 1, 1)
    body = clients["commune"].get(f"/committees/org/{tree.commune_a.pk}/officials/").content
    assert "Chưa ghi cán bộ, công chức xã nào." in body.decode()
    # Ended: a later assessment is refused.
    r, _ = _post(
        clients,
        "commune",
        "official_assess",
        tree,
        rows,
        {"meets_standard": "1", "assessed_on": "01/02/2023"},
    )
    assert r.status_code == 200 and "đã thôi chức vụ này ngày 01/01/2023" in r.content.decode()


# --- the role model -----------------------------------------------------------------------------

NA_BO = {
    "name": "Mô hình Nà Bó mở rộng",
    "effective_from": "01/01/2023",
    "holder_1": "title:secretary",
    "post_1": "village_head",
    "holder_2": "title:deputy_secretary",
    "post_2": "front_head",
    "holder_3": "kind:deputy_village_head",
    "post_3": "village_police",
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_post_role_model_adopt(persona, tree, rows, clients):
    r, audits = _post(clients, persona, "role_model_adopt", tree, rows, NA_BO)
    models = list(RoleModel.objects.filter(commune=tree.commune_a).order_by("effective_from"))
    if not COMMUNE_WRITERS[persona]:
        assert r.status_code == NO and len(models) == 1 and audits == 0
        return
    assert r.status_code == 302 and r["Location"] == f"/committees/org/{tree.commune_a.pk}/roles/"
    old, new = models
    assert old.effective_to == D(2023, 1, 1) and audits == 2  # the old one ended, the new one
    assert (new.name, new.effective_from, new.effective_to) == (
        "Mô hình Nà Bó mở rộng",
        D(2023, 1, 1),
        None,
    )
    assert sorted((x.title, x.kind, x.paired_kind) for x in new.rules.all()) == [
        ("", "village_police", "deputy_village_head"),
        ("deputy_secretary", "front_head", ""),
        ("secretary", "village_head", ""),
    ]
    # Bản Áng's secretary heads the village; it has no deputy secretary nor posts: not compliant.
    body = clients[persona].get(r["Location"] + "?as_of=31/03/2023").content.decode()
    assert "Mô hình Nà Bó mở rộng" in body and "Chưa đúng mô hình" in body
    assert "Phó trưởng thôn, bản = Công an viên" in body
    body = clients[persona].get(r["Location"] + "?as_of=31/12/2022").content.decode()
    assert "Mô hình Nà Bó mở rộng" not in body and "Đúng mô hình" in body


def test_the_form_starts_from_the_na_bo_pairs(tree, rows, clients):
    body = clients["commune"].get(url("role_model_adopt", tree, rows)).content.decode()
    assert '<option value="title:secretary" selected>' in body
    assert '<option value="village_police" selected>' in body


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"post_3": ""}, "Hãy chọn đủ hai chức danh của cặp."),
        ({"post_3": "deputy_village_head"}, "Một chức danh thôn, bản không ghép với chính nó."),
        ({"holder_2": "title:secretary", "post_2": "village_head"}, "Có cặp chức danh bị lặp lại."),
        (
            {f"{k}_{i}": "" for k in ("holder", "post") for i in (1, 2, 3)},
            "Hãy chọn ít nhất một cặp chức danh.",
        ),
        ({"effective_from": "01/01/2021"}, "Xã đã áp dụng mô hình Mô hình Nà Bó từ 01/01/2021."),
        ({"holder_1": "title:chairman"}, "Hãy chọn một lựa chọn hợp lệ."),
        ({"name": ""}, "Trường này là bắt buộc."),
    ],
    ids=["half-pair", "self-pair", "twice", "none", "not-after-the-current", "bad-title", "name"],
)
def test_role_model_bad_input(change, message, tree, rows, clients):
    r, audits = _post(clients, "commune", "role_model_adopt", tree, rows, {**NA_BO, **change})
    assert r.status_code == 200
    body = r.content.decode()
    assert any(m in body for m in message.split("|")), body[body.find("errorlist") :][:600]
    assert RoleModel.objects.count() == 1 and audits == 0
    assert RoleModel.objects.get().effective_to is None


def test_post_role_model_end(tree, rows, clients):
    r, audits = _post(clients, "commune", "role_model_end", tree, rows, {"on": "01/01/2023"})
    assert r.status_code == 302 and audits == 1
    assert RoleModel.objects.get().effective_to == D(2023, 1, 1)
    body = clients["commune"].get(f"/committees/org/{tree.commune_a.pk}/roles/").content
    assert "Xã chưa áp dụng mô hình." in body.decode()
    for on, message in (
        ("01/02/2023", "Mô hình đã thôi áp dụng từ 01/01/2023."),
        ("31/12/2020", "Ngày thôi áp dụng phải sau ngày áp dụng (01/01/2021)."),
    ):
        r, audits = _post(clients, "commune", "role_model_end", tree, rows, {"on": on})
        assert r.status_code == 200 and message in r.content.decode() and audits == 0


def test_role_model_end_before_it_began(tree, rows, clients):
    r, audits = _post(clients, "commune", "role_model_end", tree, rows, {"on": "01/01/2021"})
    assert r.status_code == 200 and audits == 0
    assert "Ngày thôi áp dụng phải sau ngày áp dụng (01/01/2021)." in r.content.decode()
