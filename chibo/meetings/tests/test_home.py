"""The role homes at the root: each persona lands on the home of their most local role, which shows
what waits on them in the state it is in, with links to their other homes; a home one does not
have is a 404; each home's queries do not grow with its data."""

import datetime

import pytest
from django.urls import reverse

from chibo.accounts.models import Role, RoleAssignment
from chibo.core.dates import today
from chibo.meetings import lifecycle
from chibo.meetings.models import CellMeeting, Task
from chibo.meetings.schedule import first_of_month
from conftest import D0, login_client, make_member

from .core_helpers import follow

pytestmark = pytest.mark.django_db
S = CellMeeting.Status


def this_month(cell) -> CellMeeting:
    lifecycle.meetings_generate(org=cell, month=first_of_month(today()), actor=None)
    return CellMeeting.objects.get(cell=cell, month=first_of_month(today()), kind="regular")


def task(meeting, title, *, owner=None, days=10):
    return Task.objects.create(
        cell=meeting.cell,
        meeting=meeting,
        title=title,
        owner_kind="member" if owner else "committee",
        owner_member=owner,
        deadline=today() + datetime.timedelta(days=days),
    )


def home_html(client) -> str:
    r = client.get("/")
    assert r.status_code == 200
    return r.content.decode()


def test_the_secretary_starts_with_this_months_meeting(tree, personas, clients):
    c = clients["secretary_a"]
    html = home_html(c)
    assert "Chi bộ bản Áng" in html and "Tạo lịch sinh hoạt tháng này" in html
    assert f'action="{reverse("meetings:generate", args=[tree.cell_a.pk])}"' in html
    r = c.post(
        reverse("meetings:generate", args=[tree.cell_a.pk]),
        {"month": f"{today():%Y-%m}", "next": "/"},
    )
    assert r.status_code == 302 and r["Location"] == "/"
    m = CellMeeting.objects.get(cell=tree.cell_a, month=first_of_month(today()))
    html = home_html(c)
    assert reverse("meetings:record", args=[m.pk]) in html
    assert reverse("meetings:prepare", args=[m.pk]) in html and "Chưa gửi giấy mời" in html
    CellMeeting.objects.filter(pk=m.pk).update(status=S.HELD, held_on=today())
    html = home_html(c)
    assert "chờ Đảng ủy xác nhận" in html and reverse("meetings:detail", args=[m.pk]) in html
    minutes = reverse("meetings:document", kwargs={"pk": m.pk, "kind": "minutes", "fmt": "docx"})
    assert minutes in html  # the documents, from the home
    CellMeeting.objects.filter(pk=m.pk).update(status=S.RETURNED, review_comment="Thiếu chữ ký")
    html = home_html(c)
    assert "Thiếu chữ ký" in html and "Sửa biên bản" in html
    CellMeeting.objects.filter(pk=m.pk).update(status=S.CONFIRMED)
    assert "Sửa biên bản" not in home_html(c)


def test_the_secretary_sees_this_months_thematic_meetings(tree, personas, clients):
    m = this_month(tree.cell_a)
    thematic = CellMeeting.objects.create(
        cell=tree.cell_a,
        month=m.month,
        kind=CellMeeting.Kind.THEMATIC,
        topic="Học tập Chỉ thị 50",
        scheduled_date=m.scheduled_date,
    )
    html = home_html(clients["secretary_a"])
    assert "Học tập Chỉ thị 50" in html and reverse("meetings:detail", args=[thematic.pk]) in html
    assert m.scheduled_date.strftime("%d/%m/%Y") in html


def test_the_secretary_sees_the_cells_open_tasks(tree, personas, clients):
    m = this_month(tree.cell_a)
    task(m, "Làm đường nội bản", owner=tree.member_a)
    task(m, "Việc quá hạn", days=-2)
    Task.objects.create(
        cell=m.cell,
        meeting=m,
        title="Đã xong",
        owner_kind="committee",
        deadline=today(),
        state=Task.State.DONE,
    )
    task(this_month(tree.cell_b), "Việc bản Bó")
    html = home_html(clients["secretary_a"])
    assert "Làm đường nội bản" in html and "Nguyễn Văn An" in html and "Việc quá hạn" in html
    assert html.index("Việc quá hạn") < html.index("Làm đường nội bản")  # overdue first
    assert "Đã xong" not in html and "Việc bản Bó" not in html


def test_the_member_sees_their_tasks_and_next_meeting(tree, personas, clients):
    m = this_month(tree.cell_a)
    CellMeeting.objects.filter(pk=m.pk).update(
        scheduled_date=today() + datetime.timedelta(days=3), place="Nhà văn hóa bản Áng"
    )
    task(m, "Vận động hộ nghèo", owner=tree.member_a)
    task(m, "Việc của người khác", owner=tree.secretary_member_a)
    html = home_html(clients["member_a"])
    assert "Nguyễn Văn An" in html and "Nhà văn hóa bản Áng" in html
    assert "Vận động hộ nghèo" in html and "Việc của người khác" not in html
    assert "Các vai trò khác" not in html  # one role, no other home


def test_the_commune_sees_what_waits_for_it(tree, personas, clients):
    held = this_month(tree.cell_a)
    CellMeeting.objects.filter(pk=held.pk).update(status=S.HELD, held_on=today())
    this_month(tree.cell_b)  # another commune's
    html = home_html(clients["commune"])
    assert "Đảng bộ xã An" in html
    assert reverse("meetings:meeting_review", args=[held.pk]) in html
    # the cards link to the month page filtered by what waits
    assert "status=to_review" in html and f"org={tree.commune_a.pk}" in html
    assert "Chi bộ bản Đông" in html  # no meeting planned yet
    assert "Chi bộ bản Bó" not in html


def test_the_official_sees_the_cells_they_follow(tree, personas, clients):
    follow(personas["official"], tree.cell_a)
    m = this_month(tree.cell_a)
    CellMeeting.objects.filter(pk=m.pk).update(scheduled_date=today() + datetime.timedelta(days=1))
    html = home_html(clients["official"])
    assert "Chi bộ bản Áng" in html and reverse("meetings:detail", args=[m.pk]) in html
    assert "Chi bộ bản Bó" not in html


def test_the_organization_board_keeps_the_organizations_page(personas, clients, tree):
    r = clients["admin"].get("/")
    assert r.status_code == 302
    assert r["Location"] == reverse("organizations:detail", args=[tree.district.pk])


def test_several_roles_the_most_local_first_with_links_to_the_others(tree, personas):
    user = personas["secretary_a"]
    RoleAssignment.objects.create(
        user=user, role=Role.COMMUNE_STAFF, organization=tree.commune_a, valid_from=D0
    )
    RoleAssignment.objects.create(
        user=user, role=Role.MEMBER, organization=tree.cell_a, valid_from=D0
    )
    c = login_client(user)
    html = home_html(c)
    assert "Bí thư chi bộ" in html and "Tạo lịch sinh hoạt tháng này" in html
    commune = reverse("meetings:home_for", args=["commune", tree.commune_a.pk])
    member = reverse("meetings:home_for", args=["member", tree.cell_a.pk])
    assert commune in html and member in html
    assert "Đảng bộ xã An" in c.get(commune).content.decode()
    assert "Lò Thị Ánh" in c.get(member).content.decode()


@pytest.mark.parametrize(
    "who, kind, org",
    [
        ("secretary_b", "secretary", "cell_a"),  # another cell's secretary
        ("member_a", "secretary", "cell_a"),  # a member of the cell
        ("secretary_a", "commune", "commune_a"),  # a role they do not hold
        ("commune", "commune", "commune_b"),  # another commune
        ("secretary_a", "bogus", "cell_a"),
    ],
)
def test_a_home_one_does_not_have_is_404(tree, personas, clients, who, kind, org):
    url = reverse("meetings:home_for", args=[kind, getattr(tree, org).pk])
    assert clients[who].get(url).status_code == 404


def test_anonymous_goes_to_sign_in(tree, client):
    r = client.get("/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


# --- query counts -------------------------------------------------------------------------------
# Every signed-in page costs 2 queries before the view (session, the user with the roles held
# today; none of these users must pass the TOTP step, so no TOTP device is read) and 1 while
# rendering (the unread count of the top bar).
BASE = 3


def grow(tree, n):
    last = first_of_month(today()) - datetime.timedelta(days=1)
    lifecycle.meetings_generate(org=tree.cell_a, month=first_of_month(last), actor=None)
    m = this_month(tree.cell_a)
    b = this_month(tree.cell_b)
    for i in range(n):
        member = make_member(tree.cell_a, f"Đảng viên {i} {n}")
        task(m, f"Việc {i} {n}", owner=member)
        task(m, f"Việc của An {i} {n}", owner=tree.member_a)
        task(b, f"Việc B {i} {n}")


HOMES = {
    # names of the homes' nodes; this month's meetings; the open tasks, their count, their
    # latest reports; the open reminders ("Cần làm")
    "secretary_a": BASE + 6,
    # the homes' nodes; the member; the next meetings, their agenda, their materials; the open
    # tasks, their latest reports
    "member_a": BASE + 7,
    # the homes' nodes; the month view (the roots' paths, the cells, the meetings, the rules);
    # the open reminders ("Cần làm")
    "commune": BASE + 6,
    # the homes' nodes; the cells followed, their meetings, the official's attendance, the
    # follow assignments
    "official": BASE + 5,
}


@pytest.mark.parametrize("who", list(HOMES))
def test_query_count_does_not_grow(tree, personas, who, django_assert_num_queries):
    follow(personas["official"], tree.cell_a)
    client = login_client(personas[who])
    grow(tree, 1)
    with django_assert_num_queries(HOMES[who]):
        assert client.get("/").status_code == 200
    grow(tree, 5)
    with django_assert_num_queries(HOMES[who]):
        r = client.get("/")
    assert r.status_code == 200
