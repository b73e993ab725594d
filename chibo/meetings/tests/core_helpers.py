"""Helpers of the core meeting tests (schedule, preparation, record), on the shared tree of the
root conftest: district HU > commune XA (cells XA-01, XA-02) and commune XB (cell XB-01), members
admitted 19/05/2010, official 19/05/2011."""

import datetime
import uuid

from chibo.meetings import lifecycle as services
from chibo.meetings.models import CellMeeting, FollowAssignment

D = datetime.date
MARCH = D(2023, 3, 1)
APRIL = D(2023, 4, 1)


def plan(org, month=MARCH, actor=None) -> list[CellMeeting]:
    return services.meetings_generate(org=org, month=month, actor=actor)


def meeting_of(cell, month=MARCH) -> CellMeeting:
    services.meetings_generate(org=cell, month=month, actor=None)
    return CellMeeting.objects.get(cell=cell, month=month, kind=CellMeeting.Kind.REGULAR)


def follow(user, cell, kind=FollowAssignment.Kind.DISTRICT_CADRE, start=None, end=None):
    return FollowAssignment.objects.create(
        official=user, cell=cell, kind=kind, start=start or D(2020, 1, 1), end=end
    )


def key() -> str:
    return str(uuid.uuid4())


def record_data(meeting, roll, **over) -> dict:
    """A valid record of `meeting`: everyone summoned present, 19:30–21:30, full marks."""
    held = over.pop("held_on", meeting.scheduled_date)
    data = {
        "held_on": held,
        "start_time": datetime.time(19, 30),
        "end_time": datetime.time(21, 30),
        "place": "Nhà văn hóa bản",
        "chair": None,
        "minute_taker": None,
        "topic": meeting.topic,
        "summary": "Tình hình tháng qua ổn định.",
        "conclusions": "Tập trung thu hoạch.",
        "resolution": "Hoàn thành thu hoạch cà phê.",
        "attendance": [
            {"member": e.member.pk, "presence": "present", "reason": ""} for e in roll if e.summoned
        ],
        "guests": [],
        "speeches": [],
        "reviews": [],
        "progress": [],
        "tasks": [],
        "scores": {},
    }
    data.update(over)
    return data
