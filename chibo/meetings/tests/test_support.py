"""Organizations that help especially disadvantaged villages: the services (one helper per
village at a time, visits inside the assignment, nothing half-saved, audit), the
supported_villages indicator on the structure of its date, every page for every persona with its
database effect, exports and query counts at two sizes."""

import datetime
import io
import re

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from chibo.core.models import AuditEvent
from chibo.core.tests.indicator_batch import assert_batch_agrees
from chibo.meetings.models import SupportAssignment, SupportVisit
from chibo.meetings.officials import exports
from chibo.meetings.officials import indicators as ind
from chibo.meetings.officials import support_services as services
from chibo.organizations import services as org_services
from chibo.organizations.models import Commune, Village
from chibo.organizations.services_villages import (
    commune_create,
    commune_merge,
    village_create,
    village_link_cell,
)
from conftest import make_agency, shared

from .test_officials import NO, OK, persona_cases

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = D(2023, 3, 31)


def agency(tree, code="CQ", name="Đảng bộ Cơ quan Chính quyền huyện"):
    return make_agency(tree.district, code, name)


@shared
def world(tree, personas):
    """Village Áng (cell A, especially disadvantaged) helped by the district agency's Party
    organization from 01/01/2022, with two visits; village Bó (commune B, especially
    disadvantaged) without a helper; village Đông (cell A2) not disadvantaged."""
    helper = agency(tree)
    ang = Village.objects.get(code="V-A1")
    commune_b = Commune.objects.create(
        code="C-B", name="Bình", party_committee=tree.commune_b, valid_from=D(2015, 1, 1)
    )
    bo = village_create(
        actor=None,
        kind="ban",
        code="V-B1",
        name="Bó",
        commune=commune_b,
        cell=tree.cell_b,
        especially_disadvantaged=True,
        valid_from=D(2015, 1, 1),
    )
    dong = village_create(
        actor=None,
        kind="ban",
        code="V-A2",
        name="Đông",
        commune=ang.commune,
        cell=tree.cell_a2,
        valid_from=D(2015, 1, 1),
    )
    a = services.support_assign(
        village=ang, helper=helper, start=D(2022, 1, 1), decision="QĐ 88-QĐ/HU", actor=None
    )
    services.support_visit_record(
        assignment=a,
        on=D(2022, 5, 10),
        visitors="Đoàn cơ quan huyện",
        activities="Tặng 20 con giống bò",
        actor=None,
    )
    services.support_visit_record(
        assignment=a,
        on=D(2023, 2, 14),
        visitors="Đồng chí Phó Chủ tịch huyện",
        activities="Hướng dẫn làm đường bê tông nội bản",
        actor=None,
    )
    return {"tree": tree, "helper": helper, "ang": ang, "bo": bo, "dong": dong, "assignment": a}


# --- services ---------------------------------------------------------------------------------


def counts():
    return (
        SupportAssignment.objects.count(),
        SupportVisit.objects.count(),
        AuditEvent.objects.count(),
    )


def test_assign_visit_end_are_audited(world, personas):
    before = AuditEvent.objects.count()
    a = services.support_assign(
        village=world["bo"],
        helper=world["tree"].district,
        start=D(2023, 1, 1),
        actor=personas["admin"],
    )
    v = services.support_visit_record(
        assignment=a,
        on=D(2023, 2, 1),
        visitors=" Ban  Dân vận ",
        activities="Họp dân",
        actor=personas["secretary_b"],
    )
    assert v.visitors == "Ban Dân vận" and v.recorded_by == personas["secretary_b"]
    services.support_end(assignment=a, end=D(2023, 3, 1), actor=personas["admin"])
    a.refresh_from_db()
    assert a.end == D(2023, 3, 1)
    events = AuditEvent.objects.order_by("id")[before:]
    assert [(e.object_type, e.action) for e in events] == [
        ("meetings.supportassignment", "create"),
        ("meetings.supportvisit", "create"),
        ("meetings.supportassignment", "update"),
    ]
    assert events[2].changes == {"end": [None, "2023-03-01"]}


def test_one_helper_per_village_at_a_time(world):
    other = agency(world["tree"], "CQ2", "Đảng bộ Quân sự huyện")
    before = counts()
    with pytest.raises(ValidationError) as e:
        services.support_assign(village=world["ang"], helper=other, start=D(2023, 1, 1), actor=None)
    text = " ".join(e.value.messages)
    assert "đã có Đảng bộ Cơ quan Chính quyền huyện giúp đỡ từ 01/01/2022 đến nay" in text
    assert "mỗi bản một tổ chức giúp đỡ" in text
    # Before the current one, ending the day it starts: no overlap.
    services.support_assign(
        village=world["ang"], helper=other, start=D(2021, 1, 1), end=D(2022, 1, 1), actor=None
    )
    with pytest.raises(ValidationError):
        services.support_assign(
            village=world["ang"], helper=other, start=D(2020, 1, 1), end=D(2021, 6, 1), actor=None
        )
    assert counts()[0] == before[0] + 1
    # After ending the current one, another helper.
    services.support_end(assignment=world["assignment"], end=D(2023, 3, 1), actor=None)
    services.support_assign(village=world["ang"], helper=other, start=D(2023, 3, 1), actor=None)


@pytest.mark.parametrize(
    ("village", "helper", "change", "text"),
    [
        ("dong", "agency", {}, "không thuộc diện đặc biệt khó khăn"),
        ("bo", "commune_a", {}, "không thể nhận giúp đỡ bản"),
        ("bo", "cell_a", {}, "không thể nhận giúp đỡ bản"),
        ("bo", "agency", {"end": D(2022, 12, 1)}, "Ngày kết thúc phải sau ngày bắt đầu"),
        ("bo", "agency", {"end": D(2023, 1, 1)}, "Ngày kết thúc phải sau ngày bắt đầu"),
        ("bo", "agency", {"start": D(2014, 1, 1)}, "không còn hoặc chưa hoạt động"),
    ],
)
def test_assign_bad_input_saves_nothing(world, village, helper, change, text):
    t = world["tree"]
    helpers = {"agency": world["helper"], "commune_a": t.commune_a, "cell_a": t.cell_a}
    before = counts()
    with pytest.raises(ValidationError) as e:
        services.support_assign(
            village=world[village],
            helper=helpers[helper],
            **{"start": D(2023, 1, 1), "actor": None, **change},
        )
    assert text in " ".join(e.value.messages)
    assert counts() == before


def test_only_org_board_admins_assign_helpers(world, personas):
    for persona in ("commune", "analyst", "secretary_b", "official"):
        with pytest.raises(Http404):
            services.support_assign(
                village=world["bo"],
                helper=world["helper"],
                start=D(2023, 1, 1),
                actor=personas[persona],
            )
        with pytest.raises(Http404):
            services.support_end(
                assignment=world["assignment"], end=D(2023, 3, 1), actor=personas[persona]
            )
    assert SupportAssignment.objects.count() == 1


@pytest.mark.parametrize(
    ("on", "visitors", "activities", "field", "text"),
    [
        (D(2021, 12, 31), "A", "B", "on", "ngoài thời gian"),
        (D(2099, 1, 1), "A", "B", "on", "chưa đến"),
        (D(2023, 1, 5), "  ", "B", "visitors", "người đến giúp đỡ"),
        (D(2023, 1, 5), "A", "", "activities", "nội dung đã giúp đỡ"),
    ],
)
def test_visit_bad_input_saves_nothing(world, on, visitors, activities, field, text):
    before = counts()
    with pytest.raises(ValidationError) as e:
        services.support_visit_record(
            assignment=world["assignment"],
            on=on,
            visitors=visitors,
            activities=activities,
            actor=None,
        )
    assert field in e.value.error_dict and text in " ".join(e.value.messages)
    assert counts() == before


def test_visit_after_the_end_the_same_visit_twice_and_an_end_before_a_visit(world, personas):
    a = world["assignment"]
    with pytest.raises(ValidationError) as e:
        services.support_end(assignment=a, end=D(2023, 2, 14), actor=None)
    assert "Đã ghi chuyến giúp đỡ ngày 14/02/2023" in " ".join(e.value.messages)
    services.support_end(assignment=a, end=D(2023, 3, 1), actor=None)
    with pytest.raises(ValidationError) as e:
        services.support_visit_record(
            assignment=a, on=D(2023, 3, 1), visitors="A", activities="B", actor=None
        )
    assert "(01/01/2022 – 28/02/2023)" in " ".join(e.value.messages)
    with pytest.raises(ValidationError) as e:
        services.support_visit_record(
            assignment=a,
            on=D(2023, 2, 14),
            visitors="Đồng chí Phó Chủ tịch huyện",
            activities="Hướng dẫn làm đường bê tông nội bản",
            actor=None,
        )
    assert "đã được ghi" in " ".join(e.value.messages)
    with pytest.raises(ValidationError) as e:
        services.support_end(assignment=a, end=D(2023, 3, 5), actor=None)
    assert "đã kết thúc từ 01/03/2023" in " ".join(e.value.messages)
    # Visits: cell A's secretary may record them; the commune B secretary may not.
    with pytest.raises(Http404):
        services.support_visit_record(
            assignment=a,
            on=D(2023, 1, 5),
            visitors="A",
            activities="B",
            actor=personas["secretary_b"],
        )
    services.support_visit_record(
        assignment=a, on=D(2023, 1, 5), visitors="A", activities="B", actor=personas["secretary_a"]
    )


# --- the indicator ------------------------------------------------------------------------------


def test_supported_villages(world):
    t = world["tree"]
    assert ind.supported_villages(t.district, DAY).text == "1/2 (50%)"
    assert ind.supported_villages(t.commune_a, DAY).text == "1/1 (100%)"
    assert ind.supported_villages(t.commune_b, DAY).text == "0/1 (0%)"
    assert ind.supported_villages(t.district, D(2021, 12, 31)).text == "0/2 (0%)"
    # Ended: no longer counted from its end.
    services.support_end(assignment=world["assignment"], end=D(2023, 3, 1), actor=None)
    assert ind.supported_villages(t.district, DAY).value == 0
    assert ind.supported_villages(t.district, D(2023, 2, 28)).value == 1


def test_supported_villages_on_the_structure_of_the_date(world):
    t = world["tree"]
    # Cell A moves to commune B on 01/01/2023; village Áng still belongs to commune An (the
    # administrative unit), so commune B counts it through its cell from that day.
    org_services.org_reparent(org=t.cell_a, new_parent=t.commune_b, on=D(2023, 1, 1), actor=None)
    assert ind.supported_villages(t.commune_b, D(2022, 12, 31)).text == "0/1 (0%)"
    assert ind.supported_villages(t.commune_b, DAY).text == "1/2 (50%)"
    # compute_many reads every organization's villages at once, on the structure of the date
    assert_batch_agrees(t, [D(2021, 12, 31), D(2022, 12, 31), DAY], ind.CODES)


def test_the_list_behind_agrees_with_the_figure(world):
    t = world["tree"]
    for org in (t.district, t.commune_a, t.commune_b):
        value = ind.supported_villages(org, DAY)
        table = exports.indicator_table("supported_villages", org, DAY)
        assert [r[-1] for r in table.rows].count("Có") == value.value
        assert len(table.rows) == value.of


def test_indicator_query_count(world, django_assert_num_queries):
    # The path on the date, the aggregate.
    with django_assert_num_queries(2):
        ind.supported_villages(world["tree"].district, DAY)
    grow(world, 5)
    with django_assert_num_queries(2):
        ind.supported_villages(world["tree"].district, DAY)


# --- pages --------------------------------------------------------------------------------------


def url(page, w):
    t = w["tree"]
    return {
        "list_commune_a": f"/meetings/support/org/{t.commune_a.pk}/",
        "list_district": f"/meetings/support/org/{t.district.pk}/",
        "list_cell_a": f"/meetings/support/org/{t.cell_a.pk}/",
        "village_ang": f"/meetings/support/village/{w['ang'].pk}/",
        "village_bo": f"/meetings/support/village/{w['bo'].pk}/",
        "assign_bo": f"/meetings/support/village/{w['bo'].pk}/assign/",
        "end_ang": f"/meetings/support/assignments/{w['assignment'].pk}/end/",
        "visit_ang": f"/meetings/support/assignments/{w['assignment'].pk}/visit/",
        "indicator_district": (
            f"/meetings/officials/org/{t.district.pk}/indicators/supported_villages/"
        ),
    }[page]


#               admin analyst commune sec_a member_a official sec_b
CELL_A = (OK, OK, OK, OK, NO, OK, NO)
DISTRICT = (OK, OK, NO, NO, NO, NO, NO)
ADMIN = (OK, NO, NO, NO, NO, NO, NO)
GET_POLICY = {
    "list_commune_a": (OK, OK, OK, NO, NO, NO, NO),
    "list_district": DISTRICT,
    "list_cell_a": CELL_A,
    "village_ang": CELL_A,
    "village_bo": (OK, OK, NO, NO, NO, NO, OK),
    "assign_bo": ADMIN,
    "end_ang": ADMIN,
    "visit_ang": (OK, NO, OK, OK, NO, NO, NO),
    "indicator_district": DISTRICT,
}
EXPECTED_TEXT = {
    "list_commune_a": ["Bản Áng", "Đảng bộ Cơ quan Chính quyền huyện", "14/02/2023"],
    "list_district": ["Bản Bó", "Chưa có tổ chức giúp đỡ", "1/2"],
    "list_cell_a": ["Bản Áng"],
    "village_ang": ["Tặng 20 con giống bò", "Hướng dẫn làm đường", "QĐ 88-QĐ/HU"],
    "village_bo": ["Chưa có tổ chức giúp đỡ"],
    "assign_bo": ["Phân công tổ chức giúp đỡ bản", "Đảng bộ Cơ quan Chính quyền huyện"],
    "end_ang": ["Kết thúc giúp đỡ: Đảng bộ Cơ quan Chính quyền huyện"],
    "visit_ang": ["Ghi chuyến giúp đỡ"],
    "indicator_district": ["1/2 (50%)", "Bó"],
}
HIDDEN = ["Tặng 20 con giống bò", "Đảng bộ Cơ quan Chính quyền huyện"]


@pytest.mark.parametrize(("persona", "page", "expected"), list(persona_cases(GET_POLICY)))
def test_get(persona, page, expected, world, clients):
    r = clients[persona].get(url(page, world) + ("?as_of=31/03/2023" if "list" in page else ""))
    assert r.status_code == expected
    body = r.content.decode()
    if expected == OK:
        for text in EXPECTED_TEXT.get(page, []):
            assert text in body, (page, text)
    else:
        for text in HIDDEN:
            assert text not in body


def test_the_list_flags_villages_without_a_helper(world, clients):
    body = clients["admin"].get(url("list_district", world) + "?missing=on").content.decode()
    assert "Bản Bó" in body and "Bản Áng" not in body
    assert "1/2" in body  # the figures stay those of every village
    body = clients["admin"].get(url("list_district", world)).content.decode()
    assert "Bản Đông" not in body  # not especially disadvantaged, not helped
    assert clients["admin"].get(url("list_district", world) + "?as_of=x").status_code == 400


def test_write_buttons_only_for_writers(world, clients):
    body = clients["admin"].get(url("village_bo", world)).content.decode()
    assert url("assign_bo", world) in body
    for persona in ("analyst", "secretary_b"):
        body = clients[persona].get(url("village_bo", world)).content.decode()
        assert url("assign_bo", world) not in body
    body = clients["secretary_a"].get(url("village_ang", world)).content.decode()
    assert url("visit_ang", world) in body and url("end_ang", world) not in body
    body = clients["official"].get(url("village_ang", world)).content.decode()
    assert url("visit_ang", world) not in body and url("end_ang", world) not in body


VISITORS = {
    "admin": True,
    "commune": True,
    "secretary_a": True,
    "analyst": False,
    "official": False,
    "member_a": False,
    "secretary_b": False,
}


@pytest.mark.parametrize("persona", list(VISITORS))
def test_post_visit(persona, world, clients):
    r = clients[persona].post(
        url("visit_ang", world),
        {"on": "01/03/2023", "visitors": "Tổ công tác", "activities": "Kiểm tra mô hình"},
    )
    saved = SupportVisit.objects.filter(activities="Kiểm tra mô hình")
    if VISITORS[persona]:
        assert r.status_code == 302 and r["Location"] == url("village_ang", world)
        assert saved.get().on == D(2023, 3, 1)
    else:
        assert r.status_code == 404 and not saved.exists()


def test_post_visit_bad_input_shows_the_message(world, clients):
    before = counts()
    r = clients["commune"].post(
        url("visit_ang", world), {"on": "01/12/2021", "visitors": "A", "activities": "B"}
    )
    assert r.status_code == 200 and "ngoài thời gian" in r.content.decode()
    r = clients["commune"].post(url("visit_ang", world), {"on": "31/02/2023", "visitors": "A"})
    assert r.status_code == 200 and "Ngày không hợp lệ" in r.content.decode()
    assert counts() == before


@pytest.mark.parametrize("persona", ["admin", "commune", "analyst", "secretary_b"])
def test_post_assign_and_end(persona, world, clients):
    r = clients[persona].post(
        url("assign_bo", world),
        {"helper": world["helper"].pk, "start": "01/03/2023", "decision": "QĐ 9"},
    )
    r2 = clients[persona].post(url("end_ang", world), {"end": "01/03/2023"})
    world["assignment"].refresh_from_db()
    if persona == "admin":
        assert r.status_code == 302 and r["Location"] == url("village_bo", world)
        assert SupportAssignment.objects.get(village=world["bo"]).decision == "QĐ 9"
        assert r2.status_code == 302 and world["assignment"].end == D(2023, 3, 1)
    else:
        assert r.status_code == r2.status_code == 404
        assert not SupportAssignment.objects.filter(village=world["bo"]).exists()
        assert world["assignment"].end is None


def _send_twice(client, page_url, data):
    body = client.get(page_url).content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', body)[1]
    first = client.post(page_url, {**data, "submission_key": key})
    assert first.status_code == 302
    again = client.post(page_url, {**data, "submission_key": key}, follow=True)
    assert again.redirect_chain == [(first["Location"], 302)]
    assert "Trang này đã được gửi trước đó; không tạo thêm." in again.content.decode()


def test_an_assignment_and_a_visit_sent_twice_are_recorded_once(world, clients):
    """The forms carry a submission key (issue 14): back, then submit again, leads to what the
    first submit made; before, the second was refused as overlapping or as the same visit."""
    data = {"helper": world["helper"].pk, "start": "01/03/2023", "decision": "QĐ 9"}
    _send_twice(clients["admin"], url("assign_bo", world), data)
    assert SupportAssignment.objects.filter(village=world["bo"]).count() == 1
    data = {"on": "01/03/2023", "visitors": "Tổ công tác", "activities": "Kiểm tra mô hình"}
    _send_twice(clients["commune"], url("visit_ang", world), data)
    assert SupportVisit.objects.filter(activities="Kiểm tra mô hình").count() == 1


def test_post_assign_overlap_shows_the_message(world, clients):
    other = agency(world["tree"], "CQ2", "Đảng bộ Quân sự huyện")
    r = clients["admin"].post(
        f"/meetings/support/village/{world['ang'].pk}/assign/",
        {"helper": other.pk, "start": "01/03/2023"},
    )
    assert r.status_code == 200 and "mỗi bản một tổ chức giúp đỡ" in r.content.decode()
    # A commune is not even a choice.
    r = clients["admin"].post(
        url("assign_bo", world), {"helper": world["tree"].commune_a.pk, "start": "01/03/2023"}
    )
    assert r.status_code == 200 and "helper" in r.context["form"].errors
    assert SupportAssignment.objects.count() == 1


def test_exports(world, clients):
    r = clients["commune"].get(url("list_commune_a", world) + "?format=xlsx&as_of=31/03/2023")
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.values)
    assert rows[0][0] == "Thôn, bản" and len(rows) == 2
    assert (
        rows[1][4] == "Đảng bộ Cơ quan Chính quyền huyện"
        and rows[1][9] == "Đồng chí Phó Chủ tịch huyện"
    )
    r = clients["admin"].get(url("list_district", world) + "?format=xlsx&missing=on")
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.values)
    assert [row[0] for row in rows[1:]] == ["Bó"] and rows[1][11] == "Chưa có tổ chức giúp đỡ"
    SupportVisit.objects.update(activities="=cmd|' /C calc'!A0")
    r = clients["secretary_a"].get(url("village_ang", world) + "?format=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.values)
    assert len(rows) == 3 and rows[1][5].startswith("'=")


def test_a_list_of_a_past_day_names_the_commune_and_cell_of_that_day(world, clients):
    """Village Bó's commune merges into a new one and another cell serves it from 01/06/2023:
    the list and the lists behind the figure as of 31/03/2023 still read Bình and cell B."""
    t, bo = world["tree"], world["bo"]
    new = commune_create(
        code="C-N", name="Bình Mới", kind="commune", valid_from=D(2023, 6, 1), actor=None
    )
    commune_merge(source=bo.commune, into=new, on=D(2023, 6, 1), actor=None)
    cell = org_services.org_create(
        code="XB-2",
        name="Chi bộ bản Bó Mới",
        kind="cell",
        cell_type="residential",
        parent=t.commune_b,
        valid_from=D(2015, 1, 1),
        actor=None,
    )
    village_link_cell(village=bo, cell=cell, on=D(2023, 6, 1), actor=None)
    admin = clients["admin"]

    def rows(path, day):
        r = admin.get(path + f"?format=xlsx&as_of={day}")
        return {
            row[0]: row[1:3] for row in openpyxl.load_workbook(io.BytesIO(r.content)).active.values
        }

    before, after = t.cell_b.name, cell.name
    assert rows(url("list_district", world), "31/03/2023")["Bó"] == ("Bình", before)
    assert rows(url("list_district", world), "01/07/2023")["Bó"] == ("Bình Mới", after)
    behind = url("indicator_district", world)
    assert rows(behind, "31/03/2023")["Bó"] == ("Bình", before)
    assert rows(behind, "01/07/2023")["Bó"] == ("Bình Mới", after)
    body = admin.get(url("list_district", world) + "?as_of=31/03/2023").content.decode()
    assert f"Bình · {before}" in body and "Bình Mới" not in body


# --- query counts ---------------------------------------------------------------------------------


def grow(w, n):
    """n more especially disadvantaged villages in commune A, each with its own cell, every
    other one helped with two visits."""
    t = w["tree"]
    for _i in range(n):
        k = Village.objects.count()
        cell = org_services.org_create(
            code=f"XA-8{k}",
            name=f"Chi bộ bản Mới {k}",
            kind="cell",
            cell_type="residential",
            parent=t.commune_a,
            valid_from=D(2015, 1, 1),
            actor=None,
        )
        v = village_create(
            actor=None,
            kind="ban",
            code=f"V-N{k}",
            name=f"Mới {k}",
            commune=w["ang"].commune,
            cell=cell,
            especially_disadvantaged=True,
            valid_from=D(2015, 1, 1),
        )
        if k % 2:
            a = services.support_assign(
                village=v, helper=w["helper"], start=D(2022, 1, 1), actor=None
            )
            for day in (D(2022, 3, 1), D(2022, 9, 1)):
                services.support_visit_record(
                    assignment=a, on=day, visitors="Đoàn", activities=f"Giúp {k}", actor=None
                )
    # More of the village's own log too.
    for day in range(1, n + 1):
        services.support_visit_record(
            assignment=w["assignment"],
            on=D(2022, 6, day),
            visitors="Đoàn",
            activities=f"Thêm {n}",
            actor=None,
        )


def test_page_query_counts_do_not_grow(world, clients):
    """Before the view: session, user, OTP device, roles. The list: the organization, the path
    on the date, the villages (annotated), the helpers, the last visits. The village: the
    village, its assignments, their visits, their recorders."""
    pages = [("list_commune_a", "commune"), ("list_district", "admin"), ("village_ang", "commune")]

    def measure():
        result = {}
        for page, persona in pages:
            with CaptureQueriesContext(connection) as ctx:
                r = clients[persona].get(url(page, world))
            assert r.status_code == 200
            result[page] = len(ctx.captured_queries)
        return result

    small = measure()
    grow(world, 2)
    medium = measure()
    grow(world, 5)
    assert small == medium == measure()
    assert max(small.values()) < 20, small
