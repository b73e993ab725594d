"""The cell's meeting list, the read view, the record page and the month's generation through the
web: scope (allowed / read-only / outsider 404) with the database state, bad input as 400 or 409
with nothing saved, a repeated submit, query counts at two sizes."""

import datetime
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo.meetings import selectors
from chibo.meetings.models import Attendance, CellMeeting, Guest, MeetingSubmission, Task
from chibo.meetings.record.services import meeting_record
from chibo.targets import services
from conftest import login_client, make_member

from .core_helpers import APRIL, MARCH, D, follow, key, meeting_of, record_data

pytestmark = pytest.mark.django_db
READERS = ["admin", "analyst", "commune", "secretary_a", "official"]
WRITERS = ["admin", "commune", "secretary_a"]
OUTSIDERS = ["member_a", "secretary_b"]


def post_data(tree, meeting, **over):
    data = {
        "version": str(meeting.version),
        "submission_key": str(uuid.uuid4()),
        "held_on": "2023-03-24",
        "start_time": "19:30",
        "end_time": "21:30",
        "place": "Nhà văn hóa bản Áng",
        "chair": str(tree.secretary_member_a.pk),
        "minute_taker": str(tree.member_a.pk),
        f"att_{tree.member_a.pk}": "present",
        f"att_{tree.secretary_member_a.pk}": "present",
        "task0_title": "Sửa đường",
        "task0_owner": f"m{tree.member_a.pk}",
        "task0_deadline": "20/04/2023",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


# --- scope ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", READERS + OUTSIDERS)
def test_the_cell_meetings_page(tree, personas, who):
    meeting_of(tree.cell_a)
    r = login_client(personas[who]).get(reverse("meetings:cell", args=[tree.cell_a.pk]))
    if who in OUTSIDERS:
        assert r.status_code == 404
        return
    assert r.status_code == 200
    text = r.content.decode()
    assert "03/2023" in text and "Dự kiến" in text
    assert ("Tạo lịch sinh hoạt tháng" in text) == (who in WRITERS)
    assert ("Ghi biên bản" in text) == (who in WRITERS)


@pytest.mark.parametrize("who", READERS + OUTSIDERS)
def test_the_read_view(tree, personas, who):
    m = meeting_of(tree.cell_a)
    meeting_record(
        meeting=m,
        data=dict(
            record_data(m, selectors.roll_call(tree.cell_a, m.scheduled_date)),
            chair=tree.secretary_member_a.pk,
            minute_taker=tree.member_a.pk,
            conclusions="Kết luận XYZ",
        ),
        actor=personas["secretary_a"],
        submission_key=key(),
        version=1,
    )
    r = login_client(personas[who]).get(reverse("meetings:detail", args=[m.pk]))
    if who in OUTSIDERS:
        assert r.status_code == 404
        return
    assert r.status_code == 200
    text = r.content.decode()
    assert "Kết luận XYZ" in text and "Triệu tập 2 · có mặt 2" in text
    assert ("Sửa biên bản" in text) == (who in WRITERS)


def test_a_guests_unit_is_not_said_twice(tree, personas):
    m = meeting_of(tree.cell_a)
    meeting_record(
        meeting=m,
        data=dict(
            record_data(m, selectors.roll_call(tree.cell_a, m.scheduled_date)),
            chair=tree.secretary_member_a.pk,
            minute_taker=tree.member_a.pk,
        ),
        actor=personas["secretary_a"],
        submission_key=key(),
        version=1,
    )
    Guest.objects.create(
        meeting=m, kind=Guest.Kind.COMMUNE_POLICE, name="Lò Văn Thưởng", organization="Công an xã"
    )
    Guest.objects.create(
        meeting=m, kind=Guest.Kind.OTHER, name="Cầm Thị Hoa", organization="Hội Phụ nữ xã"
    )
    text = login_client(personas["secretary_a"]).get(reverse("meetings:detail", args=[m.pk]))
    text = text.content.decode()
    assert 'Lò Văn Thưởng</strong> <span class="muted">(Công an xã)</span>' in text
    assert "Hội Phụ nữ xã" in text


@pytest.mark.parametrize("who", READERS + OUTSIDERS)
def test_the_record_page_is_for_write_roles(tree, personas, who):
    m = meeting_of(tree.cell_a)
    client = login_client(personas[who])
    url = reverse("meetings:record", args=[m.pk])
    r = client.get(url)
    assert r.status_code == (200 if who in WRITERS else 404)
    r = client.post(url, post_data(tree, m))
    m.refresh_from_db()
    if who in WRITERS:
        assert r.status_code == 302 and r["Location"] == reverse("meetings:detail", args=[m.pk])
        assert m.status == "held" and m.recorded_by == personas[who]
    else:
        assert r.status_code == 404
        assert m.status == "planned" and not Attendance.objects.exists()


@pytest.mark.parametrize(
    "who, org, created",
    [
        ("secretary_a", "cell_a", 1),
        ("secretary_a", "commune_a", None),
        ("commune", "commune_a", 2),
        ("commune", "commune_b", None),
        ("admin", "district", 3),
        ("analyst", "cell_a", None),
        ("official", "cell_a", None),
        ("secretary_b", "cell_a", None),
    ],
)
def test_the_generate_button(tree, personas, who, org, created):
    org = getattr(tree, org)
    r = login_client(personas[who]).post(
        reverse("meetings:generate", args=[org.pk]), {"month": "2023-03"}
    )
    if created is None:
        assert r.status_code == 404
        assert not CellMeeting.objects.exists()
        return
    assert r.status_code == 302
    assert CellMeeting.objects.count() == created
    assert CellMeeting.objects.filter(month=MARCH).count() == created


def test_generate_redirects_and_refuses_a_bad_month(tree, personas):
    client = login_client(personas["commune"])
    url = reverse("meetings:generate", args=[tree.commune_a.pk])
    r = client.post(url, {"month": "2023-3x"})
    assert r.status_code == 400 and "Tháng không hợp lệ" in r.content.decode()
    r = client.post(url, {"month": "2023-03", "next": "https://evil.example/"})
    assert r["Location"] == f"{reverse('meetings:month')}?org={tree.commune_a.pk}&month=2023-03"
    back = reverse("meetings:cell", args=[tree.cell_a.pk])
    r = client.post(url, {"month": "03/2023", "next": back}, follow=True)
    assert r.redirect_chain == [(back, 302)]
    assert "đã có đủ; không tạo thêm" in r.content.decode()
    assert CellMeeting.objects.count() == 2


def test_a_bad_query_string_is_a_400(tree, personas):
    r = login_client(personas["secretary_a"]).get(
        reverse("meetings:cell", args=[tree.cell_a.pk]), {"page": "abc"}
    )
    assert r.status_code == 400


def test_thematic_plan_through_the_page(tree, personas):
    client = login_client(personas["secretary_a"])
    url = reverse("meetings:thematic_plan", args=[tree.cell_a.pk])
    r = client.post(url, {"scheduled_date": "10/03/2023", "topic": "Chuyển đổi số"})
    m = CellMeeting.objects.get(kind="thematic")
    assert r["Location"] == reverse("meetings:prepare", args=[m.pk])
    assert m.topic == "Chuyển đổi số" and m.scheduled_date == D(2023, 3, 10)
    r = client.post(url, {"scheduled_date": "31/02/2023", "topic": ""}, follow=True)
    assert CellMeeting.objects.count() == 1
    text = r.content.decode()
    assert "Ngày họp dự kiến: Ngày không hợp lệ" in text and "Chuyên đề: Trường này" in text
    assert login_client(personas["secretary_b"]).post(url, {"topic": "X"}).status_code == 404


# --- the record page: bad input, conflicts, repeats ---------------------------------------------


def test_a_record_through_the_page(tree, personas):
    m = meeting_of(tree.cell_a)
    follow(personas["official"], tree.cell_a)
    client = login_client(personas["secretary_a"])
    url = reverse("meetings:record", args=[m.pk])
    page = client.get(url).content.decode()
    assert 'name="submission_key"' in page and "Lò Thị Ánh" in page
    assert "meeting-record.js" in page and 'data-draft-key="chibo:meeting:' in page
    r = client.post(
        url,
        post_data(
            tree,
            m,
            **{
                f"fguest_{personas['official'].pk}": "on",
                f"fguidance_{personas['official'].pk}": "Giữ gìn an ninh",
                "guest0_kind": "commune_police",
                "guest0_name": "Lò Văn Công",
                "speech0_member": str(tree.member_a.pk),
                "speech0_gist": "Ý kiến",
                "resolution": "Nghị quyết tháng 3",
            },
        ),
        headers={"X-Chibo-Fetch": "1"},
    )
    assert r.status_code == 200
    assert r.json() == {
        "saved": True,
        "redirect": reverse("meetings:detail", args=[m.pk]),
        "version": 2,
    }
    m.refresh_from_db()
    assert (m.status, m.summoned, m.present, m.resolution) == ("held", 2, 2, "Nghị quyết tháng 3")
    assert [g.name for g in m.guests.order_by("id")] == ["official", "Lò Văn Công"]
    assert m.tasks.get().owner_member == tree.member_a
    detail = client.get(reverse("meetings:detail", args=[m.pk])).content.decode()
    assert "Đã lưu biên bản." in detail and "Giữ gìn an ninh" in detail


def test_the_form_shows_the_saved_record(tree, personas):
    m = meeting_of(tree.cell_a)
    client = login_client(personas["secretary_a"])
    url = reverse("meetings:record", args=[m.pk])
    client.post(url, post_data(tree, m, place="Nhà ông Lò"))
    page = client.get(url).content.decode()
    assert 'value="Nhà ông Lò"' in page and 'name="version" value="2"' in page
    assert 'value="Sửa đường"' in page and 'name="task0_remove"' in page


@pytest.mark.parametrize(
    "over, text",
    [
        ({"end_time": "19:00"}, "Giờ kết thúc phải sau giờ bắt đầu."),
        ({"task0_deadline": "01/03/2023"}, "đã qua so với ngày họp"),
        ({"score_conduct": "45"}, "phải từ 0 đến 30"),
        ({"held_on": "31/02/2023"}, "Ngày không hợp lệ"),
        ({"start_time": "25:99"}, "Bắt đầu"),
        ({"att_999999": "present"}, "Không phải đảng viên của chi bộ vào ngày họp: (không rõ)."),
    ],
)
def test_bad_input_is_a_400_with_nothing_saved(tree, personas, over, text):
    m = meeting_of(tree.cell_a)
    r = login_client(personas["secretary_a"]).post(
        reverse("meetings:record", args=[m.pk]), post_data(tree, m, **over)
    )
    assert r.status_code == 400
    assert text in r.content.decode()
    m.refresh_from_db()
    assert m.status == "planned" and m.version == 1
    assert not Attendance.objects.exists() and not Task.objects.exists()


def test_a_form_sent_back_shows_what_the_page_shows(tree, personas):
    """A sent form is checked without what only the page shows (the rule's minimum length, the
    targets' earlier progress); sent back with its problems, the page has them again."""
    m = meeting_of(tree.cell_a)
    client = login_client(personas["secretary_a"])
    url = reverse("meetings:record", args=[m.pk])
    shown = client.get(url).content.decode()
    r = client.post(url, post_data(tree, m, end_time="19:00"))
    assert r.status_code == 400
    duration = re.compile(r'<p class="muted" id="duration"[^>]*>')
    assert 'data-min=""' not in duration.search(shown).group()
    assert duration.search(r.content.decode()).group() == duration.search(shown).group()


def test_a_months_progress_is_read_as_every_number_box_reads_it(tree, personas):
    """«1.250» typed for a target in metres is twelve hundred and fifty: a text box read as the
    plan's and the criteria's are (the browser's number box read it by the phone's own locale,
    and sent nothing for what it could not read)."""
    m = meeting_of(tree.cell_a)
    target = services.target_add(
        cell=tree.cell_a, year=m.month.year, name="Bê tông đường", unit="m", yearly_value=3000,
        actor=None,
    )  # fmt: skip
    client = login_client(personas["secretary_a"])
    url = reverse("meetings:record", args=[m.pk])
    box = re.search(rf'<input[^>]*name="progress{target.pk}_value"[^>]*>', client.get(url).text)
    assert 'type="text"' in box.group() and 'inputmode="decimal"' in box.group()
    r = client.post(url, post_data(tree, m, **{f"progress{target.pk}_value": "1.250"}))
    assert r.status_code == 302
    assert target.progress.get().value == 1250


def test_attendance_for_a_member_of_another_cell(tree, personas):
    m = meeting_of(tree.cell_a)
    r = login_client(personas["secretary_a"]).post(
        reverse("meetings:record", args=[m.pk]),
        post_data(tree, m, **{f"att_{tree.member_b.pk}": "present"}),
    )
    assert r.status_code == 400
    assert "Không phải đảng viên của chi bộ vào ngày họp: Cầm Văn Bình." in r.content.decode()
    assert not Attendance.objects.exists()


def test_two_people_editing_the_same_record(tree, personas):
    m = meeting_of(tree.cell_a)
    url = reverse("meetings:record", args=[m.pk])
    a, b = login_client(personas["secretary_a"]), login_client(personas["commune"])
    form_a, form_b = post_data(tree, m, place="A"), post_data(tree, m, place="B")
    assert a.post(url, form_a).status_code == 302
    r = b.post(url, form_b)
    assert r.status_code == 409
    text = r.content.decode()
    assert "vừa được secretary_a lưu" in text and 'name="version" value="2"' in text
    m.refresh_from_db()
    assert m.place == "A" and m.version == 2 and MeetingSubmission.objects.count() == 1


def test_a_repeated_submit_through_the_page(tree, personas):
    m = meeting_of(tree.cell_a)
    client = login_client(personas["secretary_a"])
    url = reverse("meetings:record", args=[m.pk])
    form = post_data(tree, m)
    assert client.post(url, form).status_code == 302
    r = client.post(url, form, follow=True)
    assert "đã được lưu từ lần gửi trước; không ghi thêm" in r.content.decode()
    assert Task.objects.count() == 1 and MeetingSubmission.objects.count() == 1
    m.refresh_from_db()
    assert m.version == 2


def test_a_confirmed_record_opens_read_only(tree, personas):
    m = meeting_of(tree.cell_a)
    CellMeeting.objects.filter(pk=m.pk).update(status="confirmed")
    client = login_client(personas["secretary_a"])
    r = client.get(reverse("meetings:record", args=[m.pk]))
    assert r["Location"] == reverse("meetings:detail", args=[m.pk])
    r = client.post(reverse("meetings:record", args=[m.pk]), post_data(tree, m))
    assert r.status_code == 302
    assert not Attendance.objects.exists()


# --- query counts -----------------------------------------------------------------------------


def grow(tree, n, personas):
    """n more of what the pages list: members, months of meetings with tasks to review, targets,
    officials following the cell."""
    for i in range(n):
        make_member(tree.cell_a, f"Thành viên {tree.grown + i}", admitted=D(2012, 1, 1))
        services.target_add(
            cell=tree.cell_a,
            year=2023,
            name=f"Chỉ tiêu {tree.grown + i}",
            unit="hộ",
            yearly_value=5,
            actor=None,
        )
        month = D(2020 + (tree.grown + i) // 12, (tree.grown + i) % 12 + 1, 1)
        old = meeting_of(tree.cell_a, month)
        Task.objects.create(
            cell=tree.cell_a,
            meeting=old,
            title=f"Việc {i}",
            owner_kind="member",
            owner_member=tree.member_a,
            deadline=D(2023, 3, 30),
        )
    tree.grown += n


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_at_two_sizes(tree, personas):
    tree.grown = 0
    march = meeting_of(tree.cell_a, D(2023, 3, 1))
    client = login_client(personas["secretary_a"])
    official = personas["official"]
    follow(official, tree.cell_a)
    urls = [
        reverse("meetings:cell", args=[tree.cell_a.pk]),
        reverse("meetings:record", args=[march.pk]),
        reverse("meetings:detail", args=[march.pk]),
        reverse("meetings:prepare", args=[march.pk]),
    ]
    grow(tree, 2, personas)
    small = [count(client, u) for u in urls]
    grow(tree, 8, personas)
    # Recorded, so the read view lists attendance, tasks and reviews too.
    assert len(selectors.roll_call(tree.cell_a, march.scheduled_date)) == 12
    large = [count(client, u) for u in urls]
    assert small == large, (small, large)
    assert large[1] <= 30  # record page: base 7 + the meeting, roll, statuses, follows, ...


def test_query_counts_of_a_recorded_meeting(tree, personas):
    tree.grown = 0
    march = meeting_of(tree.cell_a)
    client = login_client(personas["secretary_a"])
    sizes = []
    for n in (1, 6):
        grow(tree, n, personas)
        march.refresh_from_db()
        client.post(
            reverse("meetings:record", args=[march.pk]),
            post_data(
                tree,
                march,
                **{
                    f"att_{e.member.pk}": "present"
                    for e in selectors.roll_call(tree.cell_a, march.scheduled_date)
                },
            ),
        )
        march.refresh_from_db()
        assert march.status == "held"
        sizes.append(
            [
                count(client, reverse("meetings:detail", args=[march.pk])),
                count(client, reverse("meetings:record", args=[march.pk])),
            ]
        )
    assert sizes[0] == sizes[1], sizes


def test_april_follows_march(tree, personas):
    meeting_of(tree.cell_a)
    meeting_of(tree.cell_a, APRIL)
    r = login_client(personas["secretary_a"]).get(reverse("meetings:cell", args=[tree.cell_a.pk]))
    text = r.content.decode()
    assert text.index("04/2023") < text.index("03/2023")
    assert datetime.date(2023, 5, 1).strftime("%Y-%m") in text  # the next month to generate
