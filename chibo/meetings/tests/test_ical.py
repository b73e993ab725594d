"""The iCal feeds: what a VEVENT holds (stable UID, Asia/Ho_Chi_Minh times or an all-day date,
summary, location, status, last-modified), whose meetings each feed shows, that the token alone
opens it and only while its owner's scope still covers it, and the query count at two sizes."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from chibo.accounts.models import RoleAssignment
from chibo.core.dates import today
from chibo.meetings.member import services
from chibo.meetings.models import AgendaItem, CellMeeting, FollowAssignment

from .test_member import DAY, make_meeting  # noqa: F401

pytestmark = pytest.mark.django_db


def feed_url(raw):
    return reverse("meetings:calendar_feed", args=[raw])


def fetch(raw, client=None):
    return (client or Client()).get(feed_url(raw))


def events(response) -> dict[str, object]:
    """SUMMARY -> VEVENT of a feed response."""
    cal = Calendar.from_ical(response.content)
    return {str(ev["SUMMARY"]): ev for ev in cal.walk("VEVENT")}


@pytest.fixture
def meetings(tree):
    on = today()
    timed = make_meeting(
        tree.cell_a,
        on + 10 * DAY,
        start_time=datetime.time(19, 30),
        end_time=datetime.time(21, 0),
        place="Nhà văn hóa bản Áng",
        invitations_sent_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
    )
    AgendaItem.objects.create(meeting=timed, section="opening", order=1, title="Khai mạc")
    AgendaItem.objects.create(
        meeting=timed, section="business", order=2, title="Đã bỏ", removed=True
    )
    all_day = make_meeting(
        tree.cell_a,
        on + 40 * DAY,
        kind=CellMeeting.Kind.THEMATIC,
        topic="Học tập Chỉ thị 50",
    )
    open_end = make_meeting(
        tree.cell_a,
        on - 40 * DAY,
        kind=CellMeeting.Kind.THEMATIC,
        topic="Chuyển đổi số",
        start_time=datetime.time(8, 0),
        status=CellMeeting.Status.CONFIRMED,
        held_on=on - 39 * DAY,
    )
    too_old = make_meeting(tree.cell_a, on - 500 * DAY, topic="Quá cũ")
    b = make_meeting(tree.cell_b, on + 11 * DAY, place="Nhà văn hóa bản Bó", topic="Bản Bó")
    a2 = make_meeting(tree.cell_a2, on + 12 * DAY, topic="Bản Đông")
    return {
        "timed": timed,
        "all_day": all_day,
        "open_end": open_end,
        "too_old": too_old,
        "b": b,
        "a2": a2,
    }


def title(m: CellMeeting, cell="bản Áng") -> str:
    base = f"Sinh hoạt chi bộ {cell} tháng {m.month:%m/%Y}"
    return f"{base}: {m.topic}" if m.topic else base


def make_feed(user, cell=None):
    return services.calendar_feed_create(user=user, cell=cell, actor=user)[1]


def test_member_feed_events(meetings, personas):
    r = fetch(make_feed(personas["member_a"]))
    assert r.status_code == 200
    assert r["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Set-Cookie" not in r.headers
    cal = Calendar.from_ical(r.content)
    assert str(cal["X-WR-CALNAME"]) == "Sinh hoạt chi bộ – member_a"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    evs = events(r)
    m = meetings
    assert set(evs) == {title(m["timed"]), title(m["all_day"]), title(m["open_end"])}

    timed = evs[title(m["timed"])]
    assert str(timed["UID"]) == f"meeting-{m['timed'].pk}@chibo"
    start, end = timed.decoded("DTSTART"), timed.decoded("DTEND")
    assert str(start.tzinfo) == "Asia/Ho_Chi_Minh"
    assert (start.date(), start.time(), end.time()) == (
        m["timed"].scheduled_date,
        datetime.time(19, 30),
        datetime.time(21, 0),
    )
    assert b"DTSTART;TZID=Asia/Ho_Chi_Minh:" in r.content
    assert str(timed["LOCATION"]) == "Nhà văn hóa bản Áng"
    assert str(timed["STATUS"]) == "CONFIRMED"  # invitations sent
    assert timed.decoded("LAST-MODIFIED") == m["timed"].updated_at.replace(microsecond=0)
    assert "Khai mạc" in str(timed["DESCRIPTION"]) and "Đã bỏ" not in str(timed["DESCRIPTION"])

    all_day = evs[title(m["all_day"])]
    assert all_day.decoded("DTSTART") == m["all_day"].scheduled_date  # a date: all day
    assert all_day.decoded("DTEND") == m["all_day"].scheduled_date + DAY
    assert str(all_day["STATUS"]) == "TENTATIVE"  # planned, no invitation yet
    assert "LOCATION" not in all_day

    # held on another day than planned; no end time: the thematic minimum, 120 minutes
    open_end = evs[title(m["open_end"])]
    start, end = open_end.decoded("DTSTART"), open_end.decoded("DTEND")
    assert start.date() == m["open_end"].held_on
    assert end - start == datetime.timedelta(minutes=120)


def test_uid_is_stable_and_follows_a_moved_meeting(meetings, personas):
    raw = make_feed(personas["member_a"])
    first = events(fetch(raw))[title(meetings["timed"])]
    m = meetings["timed"]
    m.scheduled_date += 2 * DAY
    m.save()
    second = events(fetch(raw))[title(meetings["timed"])]
    assert first["UID"] == second["UID"]
    assert second.decoded("DTSTART").date() == m.scheduled_date


def test_cell_feed(meetings, personas, tree):
    with pytest.raises(services.NotAllowed):  # a secretary of cell A does not read cell A2
        make_feed(personas["secretary_a"], tree.cell_a2)
    r = fetch(make_feed(personas["commune"], tree.cell_a2))
    assert set(events(r)) == {title(meetings["a2"], "bản Đông")}
    assert str(Calendar.from_ical(r.content)["X-WR-CALNAME"]) == tree.cell_a2.name


def test_cell_feed_is_404_once_the_owner_no_longer_reads_the_cell(meetings, personas, tree):
    raw = make_feed(personas["secretary_a"], tree.cell_a)
    assert fetch(raw).status_code == 200
    RoleAssignment.objects.filter(user=personas["secretary_a"]).update(valid_to=today())
    assert fetch(raw).status_code == 404


def test_official_feed_has_the_followed_cells_while_the_role_lasts(meetings, personas, tree):
    official = personas["official"]  # assigned official at cell A, no member record
    raw = make_feed(official)
    assert events(fetch(raw)) == {}
    follow = FollowAssignment.objects.create(
        official=official, cell=tree.cell_a, kind="district_cadre", start=today() - 30 * DAY
    )
    # followed, but outside the official's roles: left out
    FollowAssignment.objects.create(
        official=official, cell=tree.cell_b, kind="district_cadre", start=today() - 30 * DAY
    )
    assert set(events(fetch(raw))) == {title(meetings[k]) for k in ("timed", "all_day", "open_end")}
    follow.end = today()
    follow.save()
    assert events(fetch(raw)) == {}
    follow.end = None
    follow.save()
    RoleAssignment.objects.filter(user=official).update(valid_to=today())
    assert fetch(raw).status_code == 404


def test_staff_personal_feed_is_only_what_they_follow(meetings, personas, tree):
    raw = make_feed(personas["commune"])
    assert events(fetch(raw)) == {}  # reads every cell of commune A, follows none
    FollowAssignment.objects.create(
        official=personas["commune"], cell=tree.cell_a2, kind="commune_cadre", start=today()
    )
    assert set(events(fetch(raw))) == {title(meetings["a2"], "bản Đông")}


def test_member_feed_after_a_transfer_and_after_the_role(meetings, personas, tree):
    raw = make_feed(personas["member_a"])
    tree.member_a.cell = tree.cell_b
    tree.member_a.save()
    assert set(events(fetch(raw))) == {title(meetings["b"], "bản Bó")}
    tree.member_a.status = "transferred_out"
    tree.member_a.save()
    assert events(fetch(raw)) == {}
    RoleAssignment.objects.filter(user=personas["member_a"]).update(valid_to=today())
    assert fetch(raw).status_code == 404


def test_revoked_unknown_and_inactive_are_404(meetings, personas):
    member = personas["member_a"]
    raw = make_feed(member)
    assert fetch(raw + "x").status_code == 404
    assert fetch("x" * 200).status_code == 404
    services.calendar_feed_revoke(feed=member.calendar_feeds.get(), actor=member)
    assert fetch(raw).status_code == 404
    raw = make_feed(member)
    member.is_active = False
    member.save()
    assert fetch(raw).status_code == 404


def test_a_new_url_retires_the_old_one(meetings, personas):
    old = make_feed(personas["member_a"])
    new = make_feed(personas["member_a"])
    assert fetch(old).status_code == 404
    assert fetch(new).status_code == 200


def test_the_token_decides_not_the_session(meetings, personas, clients):
    raw = make_feed(personas["member_a"])
    # signed in as an outsider: still member A's feed, nothing of the outsider's
    r = fetch(raw, clients["secretary_b"])
    assert set(events(r)) == {title(meetings[k]) for k in ("timed", "all_day", "open_end")}
    assert fetch(raw, clients["secretary_b"]).status_code == 200
    assert Client().post(feed_url(raw)).status_code == 405


def test_unchanged_feed_is_a_304_and_head_works(meetings, personas):
    raw = make_feed(personas["member_a"])
    r = fetch(raw)
    etag = r["ETag"]
    again = Client().get(feed_url(raw), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    m = meetings["timed"]
    m.place = "Nhà bí thư"
    m.save()
    changed = Client().get(feed_url(raw), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Nhà bí thư".encode() in changed.content
    assert Client().head(feed_url(raw)).status_code == 200


def test_feed_through_the_page(meetings, clients):
    """Made on the calendar page, copied, fetched by a calendar app without a session."""
    c = clients["member_a"]
    c.post(reverse("meetings:calendar"), {"target": "me"})
    html = c.get(reverse("meetings:calendar")).content.decode()
    url = html.split('id="feed-url"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert url.startswith("http://testserver/meetings/ical/")
    r = Client().get(url.removeprefix("http://testserver"))
    assert r.status_code == 200 and title(meetings["timed"]) in events(r)


# --- query counts -------------------------------------------------------------------------------


def grow(tree, n, start):
    for i in range(start, start + n):
        for cell in (tree.cell_a, tree.cell_a2):
            m = make_meeting(
                cell, today() + (60 + i) * DAY, kind=CellMeeting.Kind.THEMATIC, topic=f"Đề {i}"
            )
            AgendaItem.objects.create(meeting=m, section="opening", order=1, title=f"Mục {i}")


@pytest.mark.parametrize(
    # the feed with its owner, member and cell; role assignments; [follow assignments];
    # meetings with cells; agenda
    "who, cell, expected",
    [("official", None, 5), ("member_a", None, 5), ("commune", "cell_a2", 4)],
)
def test_feed_query_count_does_not_grow(
    meetings, personas, tree, who, cell, expected, django_assert_num_queries
):
    user = personas[who]
    FollowAssignment.objects.create(
        official=user, cell=tree.cell_a, kind="district_cadre", start=today() - DAY
    )
    raw = make_feed(user, getattr(tree, cell) if cell else None)
    grow(tree, 1, 0)
    with django_assert_num_queries(expected):
        first = fetch(raw)
    grow(tree, 4, 1)
    with django_assert_num_queries(expected):
        r = fetch(raw)
    assert len(events(r)) == len(events(first)) + 4
