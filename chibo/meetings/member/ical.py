"""iCal (RFC 5545) feeds of cell meetings, made with the icalendar package.

One VEVENT per meeting, its UID stable across fetches (the meeting's id), so a calendar app
updates the event when the meeting moves instead of adding another. Times are in
Asia/Ho_Chi_Minh with its VTIMEZONE; a meeting with no start time yet is an all-day event on its
day. A meeting with a start and no end lasts the rule's minimum (90 minutes, 120 with a thematic
part: MeetingRule's defaults; the cell's own rule is not looked up for a calendar block).
"""

import datetime
import zoneinfo

from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vText

from ..models import CellMeeting, MeetingRule

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
PRODID = "-//chibo//Sinh hoat chi bo//VI"
UID_DOMAIN = "chibo"
REFRESH = datetime.timedelta(hours=6)
MIN_MINUTES = MeetingRule._meta.get_field("min_minutes").default
MIN_MINUTES_THEMATIC = MeetingRule._meta.get_field("min_minutes_thematic").default


def meeting_day(meeting: CellMeeting) -> datetime.date:
    return meeting.held_on or meeting.scheduled_date


def summary(meeting: CellMeeting) -> str:
    """ "Sinh hoạt chi bộ bản Áng tháng 03/2023" (+ ": topic")."""
    name = meeting.cell.name
    if name.lower().startswith("chi bộ "):
        name = name[len("chi bộ ") :]
    text = _("Sinh hoạt chi bộ %(cell)s tháng %(month)s") % {
        "cell": name,
        "month": meeting.month.strftime("%m/%Y"),
    }
    if meeting.topic:
        return f"{text}: {meeting.topic}"
    if meeting.kind == CellMeeting.Kind.THEMATIC:
        return f"{text} ({_('chuyên đề')})"
    return text


def status(meeting: CellMeeting) -> str:
    """TENTATIVE while only planned and no invitation has gone out; CONFIRMED after."""
    if meeting.status == CellMeeting.Status.PLANNED and meeting.invitations_sent_at is None:
        return "TENTATIVE"
    return "CONFIRMED"


def description(meeting: CellMeeting) -> str:
    lines = [f"{_('Trạng thái')}: {meeting.get_status_display()}"]
    agenda = getattr(meeting, "agenda_items", None) or []
    if agenda:
        lines.append(_("Nội dung sinh hoạt:"))
        lines += [f"{i}. {item.title}" for i, item in enumerate(agenda, 1)]
    return "\n".join(lines)


def event(meeting: CellMeeting) -> Event:
    ev = Event()
    ev.add("uid", f"meeting-{meeting.pk}@{UID_DOMAIN}")
    ev.add("summary", summary(meeting))
    day = meeting_day(meeting)
    if meeting.start_time:
        start = datetime.datetime.combine(day, meeting.start_time, tzinfo=TZ)
        if meeting.end_time and meeting.end_time > meeting.start_time:
            end = datetime.datetime.combine(day, meeting.end_time, tzinfo=TZ)
        else:
            minutes = MIN_MINUTES_THEMATIC if meeting.has_thematic_part else MIN_MINUTES
            end = start + datetime.timedelta(minutes=minutes)
        ev.add("dtstart", start)
        ev.add("dtend", end)
    else:
        ev.add("dtstart", day)
        ev.add("dtend", day + datetime.timedelta(days=1))
    if meeting.place:
        ev.add("location", vText(meeting.place))
    ev.add("status", status(meeting))
    ev.add("description", description(meeting))
    ev.add("dtstamp", meeting.updated_at)
    ev.add("created", meeting.created_at)
    ev.add("last-modified", meeting.updated_at)
    return ev


def calendar(meetings, name: str) -> bytes:
    """The feed of `meetings` (each with its cell loaded; `agenda_items` if prefetched)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", REFRESH)
    for meeting in meetings:
        cal.add_component(event(meeting))
    cal.add_missing_timezones()
    return cal.to_ical()
