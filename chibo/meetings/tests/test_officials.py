"""Officials who follow cells: the assign and end services (rules, bad input, nothing half-saved,
the read access that comes and goes with the assignment, audit), attendance from the meeting
records, the three indicators on the structure of their date, every page for every persona
(allowed, read-only, outsider) with its database effect, exports, query counts at two sizes."""

import datetime
import io
import re

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from chibo.accounts.models import Role, RoleAssignment, User
from chibo.accounts.scope import Scope
from chibo.core.models import AuditEvent
from chibo.meetings.models import CellMeeting, FollowAssignment, Guest
from chibo.meetings.officials import exports, services
from chibo.meetings.officials import indicators as ind
from chibo.meetings.officials import selectors as sel
from chibo.organizations import services as org_services
from chibo.organizations.models import Organization
from conftest import shared

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = D(2023, 3, 31)  # the article's date; the 12 months before it start on 01/04/2022
K = FollowAssignment.Kind
PERSONAS = ("admin", "analyst", "commune", "secretary_a", "member_a", "official", "secretary_b")
OK, NO = 200, 404


def months(first: D, n: int):
    y, m = first.year, first.month
    for _ in range(n):
        yield D(y, m, 1)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def make_meeting(cell, month: D, status=CellMeeting.Status.CONFIRMED, **kw):
    day = month.replace(day=24)
    held = status != CellMeeting.Status.PLANNED
    return CellMeeting.objects.create(
        cell=cell,
        month=month,
        scheduled_date=day,
        held_on=day if held else None,
        status=status,
        **kw,
    )


def cadre(username, full_name):
    return User.objects.create_user(username=username, full_name=full_name)


def attend(meeting, user, guidance="", kind=Guest.Kind.ASSIGNED_OFFICIAL):
    return Guest.objects.create(
        meeting=meeting, kind=kind, user=user, name=str(user), guidance=guidance
    )


@shared
def world(tree, personas):
    """Meetings of cells A, A2 and B from 03/2022 to 03/2023, recorded, and 04/2023 planned.

    - the `official` persona (district cadre) follows cell A from 01/01/2022 and came to 8 of
      the 12 meetings of the window (not to the one of 03/2022, before the window), leaving
      guidance at two;
    - Lê Văn Xã (commune cadre) follows cell A2 from 01/10/2022: 6 meetings, came to 3;
    - Vì Văn Công (commune police) follows cell B from 01/01/2022 and came to every one,
      recorded by the secretary as commune police.
    """
    t = tree
    meetings = {}
    for cell in (t.cell_a, t.cell_a2, t.cell_b):
        meetings[cell.pk] = [make_meeting(cell, m) for m in months(D(2022, 3, 1), 13)]
        make_meeting(cell, D(2023, 4, 1), status=CellMeeting.Status.PLANNED)
    official = personas["official"]
    xa = cadre("xa", "Lê Văn Xã")
    police = cadre("congan", "Vì Văn Công")
    a_official = services.follow_assign(
        official=official,
        cell=t.cell_a,
        kind=K.DISTRICT_CADRE,
        start=D(2022, 1, 1),
        decision="QĐ 12-QĐ/HU",
        actor=None,
    )
    a_xa = services.follow_assign(
        official=xa, cell=t.cell_a2, kind=K.COMMUNE_CADRE, start=D(2022, 10, 1), actor=None
    )
    a_police = services.follow_assign(
        official=police, cell=t.cell_b, kind=K.COMMUNE_POLICE, start=D(2022, 1, 1), actor=None
    )
    a = meetings[t.cell_a.pk]
    attend(a[0], official)  # 03/2022: before the window
    for i, m in enumerate(a[1:9]):
        attend(m, official, guidance="Đẩy mạnh phát triển đảng viên trẻ" if i == 0 else "")
    attend(a[12], official, guidance="Rà soát hộ nghèo trước 30/04")
    a2 = meetings[t.cell_a2.pk]
    for m in (a2[7], a2[8], a2[12]):  # 10/2022, 11/2022, 03/2023
        attend(m, xa)
    attend(a2[2], xa)  # 05/2022: before Xã was assigned
    for m in meetings[t.cell_b.pk]:
        attend(m, police, kind=Guest.Kind.COMMUNE_POLICE)
    return {
        "tree": t,
        "meetings": meetings,
        "official": official,
        "xa": xa,
        "police": police,
        "a_official": a_official,
        "a_xa": a_xa,
        "a_police": a_police,
    }


# --- services -------------------------------------------------------------------------------------


def counts():
    return (
        FollowAssignment.objects.count(),
        RoleAssignment.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )


def test_follow_assign_creates_the_assignment_the_role_and_the_audit(tree, personas):
    official = cadre("hu1", "Hoàng Văn Huyện")
    before = AuditEvent.objects.count()
    a = services.follow_assign(
        official=official,
        cell=tree.cell_a,
        kind=K.DISTRICT_CADRE,
        start=D(2022, 1, 1),
        end=D(2023, 1, 1),
        decision="QĐ 5",
        actor=personas["admin"],
    )
    role = a.role_assignment
    assert (role.user, role.role, role.organization) == (
        official,
        Role.ASSIGNED_OFFICIAL,
        tree.cell_a,
    )
    # [start, end) for the assignment and for the role: the same days.
    assert (role.valid_from, role.valid_to) == (D(2022, 1, 1), D(2023, 1, 1))
    events = AuditEvent.objects.order_by("id")[before:]
    assert [(e.object_type, e.action) for e in events] == [
        ("accounts.roleassignment", "create"),
        ("meetings.followassignment", "create"),
    ]
    assert all(e.actor == personas["admin"] for e in events)
    assert Scope.for_user(official, on=D(2022, 12, 31)).covers(tree.cell_a)
    assert not Scope.for_user(official, on=D(2023, 1, 1)).covers(tree.cell_a)
    assert not Scope.for_user(official, on=D(2022, 6, 1)).can_write(tree.cell_a)


def test_follow_assign_creates_the_account_of_a_cadre_who_has_none(tree, personas):
    a = services.follow_assign(
        official=services.NewAccount("  Lò  Văn Mới ", "lovanmoi", "moi@example.vn"),
        cell=tree.cell_a,
        kind=K.COMMUNE_CADRE,
        start=D(2023, 1, 1),
        actor=personas["commune"],
    )
    user = User.objects.get(username="lovanmoi")
    assert a.official == user and user.full_name == "Lò Văn Mới"
    assert user.email == "moi@example.vn" and not user.has_usable_password()
    assert AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk)).exists()


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"end": D(2021, 12, 31)}, "end", "Ngày thôi theo dõi phải sau ngày bắt đầu"),
        ({"end": D(2022, 1, 1)}, "end", "Ngày thôi theo dõi phải sau ngày bắt đầu"),
        ({"start": D(2014, 1, 1)}, "start", "không còn hoặc chưa hoạt động"),
        ({"kind": "mayor"}, "kind", "Loại cán bộ không hợp lệ"),
    ],
)
def test_follow_assign_bad_input_saves_nothing(tree, personas, change, field, text):
    official = cadre("hu1", "Hoàng Văn Huyện")
    before = counts()
    kwargs = {
        "official": official,
        "cell": tree.cell_a,
        "kind": K.DISTRICT_CADRE,
        "start": D(2022, 1, 1),
        "actor": None,
        **change,
    }
    with pytest.raises(ValidationError) as e:
        services.follow_assign(**kwargs)
    assert field in e.value.error_dict and text in " ".join(e.value.messages)
    assert counts() == before


def test_follow_assign_refuses_a_non_cell_and_overlapping_dates(tree, personas):
    official = cadre("hu1", "Hoàng Văn Huyện")
    with pytest.raises(ValidationError) as e:
        services.follow_assign(
            official=official,
            cell=tree.commune_a,
            kind=K.DISTRICT_CADRE,
            start=D(2022, 1, 1),
            actor=personas["admin"],
        )
    assert "không phải là chi bộ" in " ".join(e.value.messages)
    services.follow_assign(
        official=official,
        cell=tree.cell_a,
        kind=K.DISTRICT_CADRE,
        start=D(2022, 1, 1),
        end=D(2022, 7, 1),
        actor=None,
    )
    before = counts()
    with pytest.raises(ValidationError) as e:
        services.follow_assign(
            official=official,
            cell=tree.cell_a,
            kind=K.DISTRICT_CADRE,
            start=D(2022, 6, 1),
            actor=None,
        )
    assert "từ 01/01/2022 đến 01/07/2022: trùng thời gian" in " ".join(e.value.messages)
    assert counts() == before
    # Back to back is not an overlap; another cell neither.
    services.follow_assign(
        official=official, cell=tree.cell_a, kind=K.DISTRICT_CADRE, start=D(2022, 7, 1), actor=None
    )
    services.follow_assign(
        official=official, cell=tree.cell_b, kind=K.DISTRICT_CADRE, start=D(2022, 6, 1), actor=None
    )
    assert FollowAssignment.objects.filter(official=official).count() == 3


def test_follow_assign_new_account_with_bad_input_creates_no_account(tree, personas):
    before = counts()
    with pytest.raises(ValidationError):
        services.follow_assign(
            official=services.NewAccount("Lò Văn Mới", "lovanmoi"),
            cell=tree.cell_a,
            kind=K.COMMUNE_CADRE,
            start=D(2023, 1, 1),
            end=D(2022, 1, 1),
            actor=None,
        )
    with pytest.raises(ValidationError) as e:
        services.follow_assign(
            official=services.NewAccount("", "ADMIN", "not-an-address"),
            cell=tree.cell_a,
            kind=K.COMMUNE_CADRE,
            start=D(2023, 1, 1),
            actor=None,
        )
    assert set(e.value.error_dict) == {"full_name", "username", "email"}
    assert "đã có" in " ".join(e.value.error_dict["username"][0].messages)
    assert counts() == before


def test_who_may_assign(tree, personas):
    official = cadre("hu1", "Hoàng Văn Huyện")
    kwargs = {"official": official, "start": D(2022, 1, 1)}
    # Commune staff: commune cadres and police in their commune only.
    with pytest.raises(ValidationError) as e:
        services.follow_assign(
            cell=tree.cell_a, kind=K.DISTRICT_CADRE, actor=personas["commune"], **kwargs
        )
    assert "kind" in e.value.error_dict
    with pytest.raises(Http404):
        services.follow_assign(
            cell=tree.cell_b, kind=K.COMMUNE_POLICE, actor=personas["commune"], **kwargs
        )
    for persona in ("secretary_a", "analyst", "official", "member_a"):
        with pytest.raises(Http404):
            services.follow_assign(
                cell=tree.cell_a, kind=K.COMMUNE_CADRE, actor=personas[persona], **kwargs
            )
    assert not FollowAssignment.objects.exists()
    a = services.follow_assign(
        cell=tree.cell_a, kind=K.COMMUNE_POLICE, actor=personas["commune"], **kwargs
    )
    assert a.kind == K.COMMUNE_POLICE


def test_follow_end_ends_the_role_too(world, personas):
    a = world["a_official"]
    with pytest.raises(ValidationError) as e:
        services.follow_end(assignment=a, end=D(2021, 6, 1), actor=None)
    assert "phải sau ngày bắt đầu (01/01/2022)" in " ".join(e.value.messages)
    with pytest.raises(ValidationError):  # commune staff do not end a district cadre's
        services.follow_end(assignment=a, end=D(2023, 4, 1), actor=personas["commune"])
    services.follow_end(assignment=a, end=D(2023, 4, 1), actor=personas["admin"])
    a.refresh_from_db()
    a.role_assignment.refresh_from_db()
    assert a.end == D(2023, 4, 1) and a.role_assignment.valid_to == D(2023, 4, 1)
    assert AuditEvent.objects.filter(
        object_type="accounts.roleassignment", object_id=str(a.role_assignment.pk), action="update"
    ).exists()
    with pytest.raises(ValidationError) as e:
        services.follow_end(assignment=a, end=D(2023, 5, 1), actor=None)
    assert "đã kết thúc từ 01/04/2023" in " ".join(e.value.messages)


# --- attendance and indicators ------------------------------------------------------------------


def test_attendance_comes_from_the_meeting_records(world):
    t = world["tree"]
    people = {str(p.official): p for p in sel.officials_under(t.district, DAY)}
    assert set(people) == {"official", "Lê Văn Xã", "Vì Văn Công"}
    assert people["official"].share == (9, 12)  # 8 + March 2023; March 2022 is before
    assert people["Lê Văn Xã"].share == (3, 6)  # 10/2022–03/2023; May 2022 was before
    assert people["Vì Văn Công"].share == (12, 12)  # recorded as commune police: counted
    # The planned April meeting counts nowhere, even on its day; 24/04/2022 is now out.
    later = {str(p.official): p for p in sel.officials_under(t.district, D(2023, 4, 24))}
    assert later["official"].share == (8, 11)
    # Under commune A only its cells.
    assert {str(p.official) for p in sel.officials_under(t.commune_a, DAY)} == {
        "official",
        "Lê Văn Xã",
    }
    # Before Xã's assignment began, without the ended ones: not there.
    assert "Lê Văn Xã" not in {
        str(p.official) for p in sel.officials_under(t.district, D(2022, 9, 1))
    }


def test_indicator_figures(world):
    t = world["tree"]
    assert ind.assigned_officials(t.district, DAY).text == "1"
    assert ind.assigned_officials(t.commune_b, DAY).text == "0"
    # A second district cadre on two cells counts once; one whose assignment ended, not at all.
    second = cadre("hu2", "Đinh Văn Hai")
    for cell in (t.cell_a2, t.cell_b):
        services.follow_assign(
            official=second, cell=cell, kind=K.DISTRICT_CADRE, start=D(2023, 1, 1), actor=None
        )
    gone = cadre("hu3", "Bạc Văn Ba")
    services.follow_assign(
        official=gone,
        cell=t.cell_b,
        kind=K.DISTRICT_CADRE,
        start=D(2022, 1, 1),
        end=D(2023, 3, 1),
        actor=None,
    )
    assert ind.assigned_officials(t.district, DAY).text == "2"
    assert ind.assigned_officials(t.district, D(2023, 2, 1)).text == "3"
    # Attendance: 9/12 + 3/6 + 12/12, then the new cadres: A2 and B from 01/2023 (3 each, none
    # attended), and Ba on B 04/2022–02/2023 (11 meetings, none attended).
    assert ind.official_attendance_rate(t.commune_a, DAY).text == "12/21 (57,1%)"
    assert ind.official_attendance_rate(t.district, DAY).text == "24/47 (51%)"


def test_indicators_follow_the_structure_of_their_date(world, personas):
    t = world["tree"]
    org_services.org_reparent(org=t.cell_a, new_parent=t.commune_b, on=D(2023, 1, 1), actor=None)
    t.cell_a.refresh_from_db()
    assert ind.assigned_officials(t.commune_a, D(2022, 12, 31)).value == 1
    assert ind.assigned_officials(t.commune_a, DAY).value == 0
    assert ind.assigned_officials(t.commune_b, DAY).value == 1
    assert ind.official_attendance_rate(t.commune_b, DAY).text == "21/24 (87,5%)"


@pytest.mark.parametrize("code", ind.CODES)
def test_the_list_behind_agrees_with_the_figure(world, code):
    t = world["tree"]
    for org in (t.district, t.commune_a, t.cell_b):
        value = ind.__dict__[code](org, DAY)
        table = exports.indicator_table(code, org, DAY)
        counted = [row[-1] for row in table.rows]
        assert counted.count("Có") == value.value, (code, org)
        if value.of is not None:
            assert len(table.rows) == value.of, (code, org)


def test_indicator_query_counts(world, django_assert_num_queries):
    t = world["tree"]
    # assigned_officials: path, count. official_attendance_rate: path, the pairs counted per
    # official.
    expected = {"assigned_officials": 2, "official_attendance_rate": 2}

    def check():
        for code, n in expected.items():
            with django_assert_num_queries(n):
                ind.__dict__[code](t.district, DAY)

    check()
    grow(t, 4)
    check()


# --- pages --------------------------------------------------------------------------------------


def url(page, w):
    t = w["tree"]
    return {
        "list_commune_a": f"/meetings/officials/org/{t.commune_a.pk}/",
        "list_cell_a": f"/meetings/officials/org/{t.cell_a.pk}/",
        "list_district": f"/meetings/officials/org/{t.district.pk}/",
        "official": f"/meetings/officials/user/{w['official'].pk}/",
        "police": f"/meetings/officials/user/{w['police'].pk}/",
        "mine": "/meetings/officials/mine/",
        "assign_commune_a": f"/meetings/officials/org/{t.commune_a.pk}/assign/",
        "assign_cell_a": f"/meetings/officials/org/{t.cell_a.pk}/assign/",
        "end_official": f"/meetings/officials/assignments/{w['a_official'].pk}/end/",
        "end_xa": f"/meetings/officials/assignments/{w['a_xa'].pk}/end/",
        "indicator_commune_a": (
            f"/meetings/officials/org/{t.commune_a.pk}/indicators/official_attendance_rate/"
        ),
        "indicator_cell_a": f"/meetings/officials/org/{t.cell_a.pk}/indicators/assigned_officials/",
    }[page]


#               admin analyst commune sec_a member_a official sec_b
CELL_A = (OK, OK, OK, OK, NO, OK, NO)
COMMUNE_A = (OK, OK, OK, NO, NO, NO, NO)
ASSIGNERS = (OK, NO, OK, NO, NO, NO, NO)
GET_POLICY = {
    "list_commune_a": COMMUNE_A,
    "list_cell_a": CELL_A,
    "list_district": (OK, OK, NO, NO, NO, NO, NO),
    "official": CELL_A,
    "police": (OK, OK, NO, NO, NO, NO, OK),
    "mine": (NO, NO, NO, NO, NO, OK, NO),
    "assign_commune_a": ASSIGNERS,
    "assign_cell_a": ASSIGNERS,
    "end_official": (OK, NO, NO, NO, NO, NO, NO),  # a district cadre: the org board's
    "end_xa": ASSIGNERS,
    "indicator_commune_a": COMMUNE_A,
    "indicator_cell_a": CELL_A,
}
EXPECTED_TEXT = {
    "list_commune_a": ["official", "Lê Văn Xã", "Chi bộ bản Áng", "9/12", "3/6 (50%)"],
    "list_cell_a": ["official", "9/12 (75%)", "QĐ 12-QĐ/HU"],
    "list_district": ["Vì Văn Công", "12/12 (100%)"],
    "official": [
        "Chi bộ bản Áng",
        "Đẩy mạnh phát triển đảng viên trẻ",
        "<strong>9/12</strong> (75%)",
        "Có mặt",
    ],
    "police": ["Chi bộ bản Bó", "12/12"],
    "mine": ["Chi bộ bản Áng", "24/04/2023", "24/03/2023", "Tôi có dự"],
    "assign_commune_a": ["Phân công cán bộ theo dõi chi bộ", "Chi bộ bản Đông"],
    "end_official": ["Thôi theo dõi Chi bộ bản Áng: official"],
    "indicator_commune_a": ["12/18 (66,6%)", "Lê Văn Xã"],
    "indicator_cell_a": ["1", "official"],
}
HIDDEN = ["Đẩy mạnh phát triển đảng viên trẻ", "Lê Văn Xã", "Vì Văn Công"]


def persona_cases(policy):
    for page, row in policy.items():
        for persona, expected in zip(PERSONAS, row, strict=True):
            yield pytest.param(persona, page, expected, id=f"{page}-{persona}")


@pytest.mark.parametrize(("persona", "page", "expected"), list(persona_cases(GET_POLICY)))
def test_get(persona, page, expected, world, clients):
    response = clients[persona].get(url(page, world) + "?as_of=31/03/2023")
    assert response.status_code == expected, response.content[:300]
    body = response.content.decode()
    if expected == OK:
        for text in EXPECTED_TEXT.get(page, []):
            assert text in body, (page, text)
    else:
        for text in HIDDEN:
            assert text not in body


def test_the_official_sees_only_their_own_cells(world, clients):
    client = clients["official"]
    body = client.get(url("mine", world) + "?as_of=31/03/2023").content.decode()
    assert "Chi bộ bản Áng" in body and "Chi bộ bản Đông" not in body and "Bó" not in body
    for page in ("list_commune_a", "police", "assign_cell_a", "end_official"):
        assert client.get(url(page, world)).status_code == 404, page
    assert client.post(url("end_official", world), {"end": "01/04/2023"}).status_code == 404
    world["a_official"].refresh_from_db()
    assert world["a_official"].end is None
    body = client.get(url("list_cell_a", world) + "?as_of=31/03/2023").content.decode()
    assert "Phân công cán bộ theo dõi" not in body
    # Xã's page shows nothing the official may read: a 404.
    assert client.get(f"/meetings/officials/user/{world['xa'].pk}/").status_code == 404


def test_mine_links_the_meetings_and_flags_an_unrecorded_one(world, clients):
    t = world["tree"]
    m = world["meetings"][t.cell_a.pk][-1]  # 03/2023
    m.status = CellMeeting.Status.PLANNED
    m.held_on = None
    m.save()
    body = clients["official"].get(url("mine", world) + "?as_of=31/03/2023").content.decode()
    assert "Chưa ghi biên bản" in body
    assert clients["official"].get(url("mine", world) + "?as_of=99/99/2023").status_code == 400


WRITERS = {
    "admin": True,
    "commune": True,
    "analyst": False,
    "secretary_a": False,
    "member_a": False,
    "official": False,
    "secretary_b": False,
}


@pytest.mark.parametrize("persona", list(WRITERS))
def test_post_assign_with_a_new_account(persona, world, clients):
    t = world["tree"]
    before = AuditEvent.objects.count()
    r = clients[persona].post(
        url("assign_commune_a", world),
        {
            "cell": t.cell_a2.pk,
            "full_name": "Quàng Văn Mới",
            "username": "quangvanmoi",
            "kind": "commune_police",
            "start": "01/03/2023",
            "decision": "QĐ 7",
        },
    )
    created = FollowAssignment.objects.filter(official__username="quangvanmoi")
    if WRITERS[persona]:
        assert r.status_code == 302
        assert r["Location"] == f"/meetings/officials/org/{t.commune_a.pk}/"
        a = created.get()
        assert (a.cell, a.kind, a.start, a.decision) == (
            t.cell_a2,
            "commune_police",
            D(2023, 3, 1),
            "QĐ 7",
        )
        assert a.role_assignment.role == Role.ASSIGNED_OFFICIAL
        assert AuditEvent.objects.count() == before + 3  # user, role, assignment
    else:
        assert r.status_code == 404
        assert not created.exists() and not User.objects.filter(username="quangvanmoi").exists()
        assert AuditEvent.objects.count() == before


def test_an_assignment_sent_twice_is_made_once(world, clients):
    """The form carries a submission key (issue 14): back, then submit again, leads where the
    first submit led; before, the second was refused (the account name was taken)."""
    t = world["tree"]
    client = clients["commune"]
    page = url("assign_commune_a", world)
    body = client.get(page).content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', body)[1]
    data = {"cell": t.cell_a2.pk, "full_name": "Quàng Văn Mới", "username": "quangvanmoi"}
    data |= {"kind": "commune_police", "start": "01/03/2023", "submission_key": key}
    first = client.post(page, data)
    assert first.status_code == 302
    again = client.post(page, data, follow=True)
    assert again.redirect_chain == [(first["Location"], 302)]
    assert "Trang này đã được gửi trước đó; không tạo thêm." in again.content.decode()
    assert FollowAssignment.objects.filter(official__username="quangvanmoi").count() == 1


def test_post_assign_bad_input_shows_the_message_and_saves_nothing(world, clients, personas):
    t = world["tree"]
    client = clients["commune"]
    before = counts()
    post = {"cell": t.cell_a.pk, "official": world["official"].pk, "kind": "commune_cadre"}
    # The same official on the same cell for overlapping dates.
    r = client.post(url("assign_commune_a", world), {**post, "start": "01/06/2022"})
    assert r.status_code == 200 and "trùng thời gian" in r.content.decode()
    # End before start.
    r = client.post(
        url("assign_commune_a", world),
        {**post, "official": world["xa"].pk, "start": "01/06/2022", "end": "01/01/2022"},
    )
    assert "Ngày thôi theo dõi phải sau ngày bắt đầu" in r.content.decode()
    # Commune staff may not assign a district cadre: not even a choice.
    r = client.post(
        url("assign_commune_a", world), {**post, "kind": "district_cadre", "start": "01/06/2023"}
    )
    assert r.status_code == 200 and "kind" in r.context["form"].errors
    # A cell of another commune is not a choice either; neither is a commune.
    for cell in (t.cell_b, t.commune_a):
        r = client.post(
            url("assign_commune_a", world), {**post, "cell": cell.pk, "start": "01/06/2023"}
        )
        assert r.status_code == 200 and "cell" in r.context["form"].errors
    # Neither an official nor a new account; both.
    r = client.post(
        url("assign_commune_a", world),
        {"cell": t.cell_a.pk, "kind": "commune_cadre", "start": "01/06/2023"},
    )
    assert "Hãy chọn cán bộ đã có tài khoản" in r.content.decode()
    r = client.post(
        url("assign_commune_a", world), {**post, "username": "x", "start": "01/06/2023"}
    )
    assert "không cả hai" in r.content.decode()
    # A taken username.
    r = client.post(
        url("assign_commune_a", world),
        {**post, "official": "", "full_name": "Ai Đó", "username": "Admin", "start": "01/06/2023"},
    )
    assert "Tên đăng nhập Admin đã có" in r.content.decode()
    assert counts() == before


def test_the_officials_to_pick_are_those_in_scope(world, clients):
    t = world["tree"]
    form = clients["commune"].get(url("assign_commune_a", world)).context["form"]
    names = {str(u) for u in form.fields["official"].queryset}
    assert {"official", "Lê Văn Xã", "commune"} <= names
    assert "Vì Văn Công" not in names and "admin" not in names
    kinds = [k for k, _ in form.fields["kind"].choices]
    assert kinds == ["commune_cadre", "commune_police"]
    form = clients["admin"].get(url("assign_cell_a", world)).context["form"]
    assert "Vì Văn Công" in {str(u) for u in form.fields["official"].queryset}
    assert [c.pk for c in form.fields["cell"].queryset] == [t.cell_a.pk]


@pytest.mark.parametrize("persona", list(WRITERS))
def test_post_end(persona, world, clients):
    r = clients[persona].post(url("end_xa", world), {"end": "01/03/2023"})
    a = world["a_xa"]
    a.refresh_from_db()
    if WRITERS[persona]:
        assert r.status_code == 302 and a.end == D(2023, 3, 1)
        a.role_assignment.refresh_from_db()
        assert a.role_assignment.valid_to == D(2023, 3, 1)
    else:
        assert r.status_code == 404 and a.end is None


def test_end_links_only_for_who_may_end(world, clients):
    body = clients["admin"].get(url("official", world)).content.decode()
    assert url("end_official", world) in body
    body = clients["commune"].get(url("official", world)).content.decode()
    assert url("end_official", world) not in body  # a district cadre
    body = clients["commune"].get(f"/meetings/officials/user/{world['xa'].pk}/").content.decode()
    assert url("end_xa", world) in body


def test_bad_query_strings_are_400(world, clients):
    for q in ("?as_of=32/01/2023", "?kind=mayor", "?format=pdf"):
        r = clients["admin"].get(url("list_district", world) + q)
        assert r.status_code == 400, q
    r = clients["admin"].get(url("indicator_commune_a", world) + "?page=0")
    assert r.status_code == 400
    t = world["tree"]
    r = clients["admin"].get(f"/meetings/officials/org/{t.district.pk}/indicators/nope/")
    assert r.status_code == 404


def test_list_and_indicator_pages_are_paged(world, clients, monkeypatch):
    from chibo.meetings.officials import views as views_officials

    monkeypatch.setattr(views_officials, "OFFICIALS_PAGE_SIZE", 2)
    monkeypatch.setattr(views_officials, "INDICATOR_PAGE_SIZE", 10)
    base = url("list_district", world) + "?as_of=31/03/2023"
    body = clients["admin"].get(base).content.decode()
    # By given name: Công, official, Xã.
    assert "Trang 1/2" in body and "Vì Văn Công" in body and "Lê Văn Xã" not in body
    body = clients["admin"].get(base + "&page=2").content.decode()
    assert "Trang 2/2" in body and "Lê Văn Xã" in body
    assert clients["admin"].get(base + "&page=0").status_code == 400
    body = clients["admin"].get(url("indicator_commune_a", world) + "?as_of=31/03/2023&page=2")
    body = body.content.decode()
    assert "Trang 2/2" in body


def test_meetings_link_to_their_record_page(world, clients):
    from django.urls import NoReverseMatch, reverse

    m = world["meetings"][world["tree"].cell_a.pk][-1]
    try:
        link = reverse("meetings:detail", args=[m.pk])
    except NoReverseMatch:  # the record module is not mounted: no link, no error
        link = None
    for page in ("mine", "official"):
        body = clients["official"].get(url(page, world) + "?as_of=31/03/2023").content.decode()
        if link:
            assert f'href="{link}"' in body, page


def test_list_filters(world, clients):
    base = url("list_district", world) + "?as_of=31/03/2023"
    body = clients["admin"].get(base + "&kind=commune_police").content.decode()
    assert "Vì Văn Công" in body and "Lê Văn Xã" not in body
    services.follow_end(assignment=world["a_xa"], end=D(2023, 3, 1), actor=None)
    assert "Lê Văn Xã" not in clients["admin"].get(base).content.decode()
    assert "Lê Văn Xã" in clients["admin"].get(base + "&ended=on").content.decode()


def test_officials_are_listed_by_given_name(world, clients):
    """Công before Xã, as Vietnamese names sort (the family names Lê, Vì would say otherwise)."""
    body = clients["admin"].get(url("list_district", world) + "?as_of=31/03/2023").content.decode()
    assert body.index("Vì Văn Công") < body.index("Lê Văn Xã")


def test_exports(world, clients):
    r = clients["analyst"].get(url("list_district", world) + "?format=xlsx&as_of=31/03/2023")
    assert r.status_code == 200 and r["Content-Disposition"].endswith('-20230331.xlsx"')
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.values)
    assert rows[0][0] == "Cán bộ" and len(rows) == 4
    official = next(row for row in rows if row[0] == "official")
    assert official[3] == "Chi bộ bản Áng" and official[7:10] == (9, 12, "75%")
    # A name that would be a formula stays text.
    world["xa"].full_name = "=HYPERLINK(1)"
    world["xa"].save()
    r = clients["analyst"].get(url("list_district", world) + "?format=xlsx&as_of=31/03/2023")
    values = [row[0] for row in openpyxl.load_workbook(io.BytesIO(r.content)).active.values]
    assert "'=HYPERLINK(1)" in values
    r = clients["commune"].get(url("indicator_commune_a", world) + "?format=xlsx&as_of=31/03/2023")
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.values)
    assert len(rows) == 1 + 18


# --- query counts ---------------------------------------------------------------------------------


def grow(t, n):
    """n more cells in commune A, each with a year of meetings and a district cadre following it
    who came to half of them; and n more assignments of Xã."""
    xa = User.objects.filter(username="xa").first()
    for _i in range(n):
        k = Organization.objects.count()
        cell = org_services.org_create(
            code=f"XA-9{k}",
            name=f"Chi bộ bản Thêm {k}",
            kind="cell",
            cell_type="residential",
            parent=t.commune_a,
            valid_from=D(2015, 1, 1),
            actor=None,
        )
        person = cadre(f"hu-{k}", f"Cán bộ {k}")
        services.follow_assign(
            official=person, cell=cell, kind=K.DISTRICT_CADRE, start=D(2022, 1, 1), actor=None
        )
        for j, month in enumerate(months(D(2022, 4, 1), 13)):
            m = make_meeting(cell, month, status="planned" if j == 12 else "held")
            if j % 2:
                attend(m, person, guidance=f"Ý kiến {j}")
        if xa is not None:
            services.follow_assign(
                official=xa, cell=cell, kind=K.COMMUNE_CADRE, start=D(2022, 6, 1), actor=None
            )


COUNTED = [
    ("list_commune_a", "commune"),
    ("list_district", "admin"),
    ("official", "admin"),
    ("mine", "official"),
    ("indicator_commune_a", "commune"),
    ("indicator_cell_a", "commune"),
]


def test_page_query_counts_do_not_grow(world, clients, personas):
    """Each page: the session, the user, the OTP device and the roles before the view; in the
    view a constant: the organization, its
    path on the date, the assignments, the meetings and guest rows (the list: the attendance of
    the page's officials counted in one query; the attendance indicator: the pairs counted per
    official, then the page's pairs); never one per row."""

    def measure():
        result = {}
        for page, persona in COUNTED:
            with CaptureQueriesContext(connection) as ctx:
                r = clients[persona].get(url(page, world) + "?as_of=31/03/2023")
            assert r.status_code == 200, page
            result[page] = len(ctx.captured_queries)
        return result

    small = measure()
    # The official follows the new cells too: their page and "mine" grow as well.
    grow(world["tree"], 2)
    for a in FollowAssignment.objects.filter(cell__code__startswith="XA-9"):
        if a.official.username.startswith("hu-"):
            RoleAssignment.objects.create(
                user=personas["official"],
                role=Role.ASSIGNED_OFFICIAL,
                organization=a.cell,
                valid_from=D(2022, 1, 1),
            )
            FollowAssignment.objects.create(
                official=personas["official"],
                cell=a.cell,
                kind=K.DISTRICT_CADRE,
                start=D(2022, 1, 1),
            )
    medium = measure()
    grow(world["tree"], 5)
    large = measure()
    assert small == medium == large, (small, medium, large)
    assert max(large.values()) < 25, large
