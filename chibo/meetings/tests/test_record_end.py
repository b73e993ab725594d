"""A record says what happened: a meeting held today cannot be recorded as ending later than now
(issue 14: a meeting could be recorded as ended in the future)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chibo.meetings import selectors
from chibo.meetings.models import CellMeeting
from chibo.meetings.record.services import meeting_record

from .core_helpers import MARCH, key, meeting_of, record_data

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime.datetime(2023, 3, 24, 10, 0))  # Asia/Ho_Chi_Minh


@pytest.fixture
def at_ten(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def send(tree, personas, meeting, end):
    roll = selectors.roll_call(tree.cell_a, meeting.scheduled_date)
    data = record_data(
        meeting, roll, held_on=datetime.date(2023, 3, 24),
        start_time=datetime.time(8, 0), end_time=end,
        chair=tree.secretary_member_a.pk, minute_taker=tree.member_a.pk,
    )  # fmt: skip
    return meeting_record(
        meeting=meeting, data=data, actor=personas["secretary_a"], submission_key=key(),
        version=meeting.version,
    )  # fmt: skip


def test_an_end_later_than_now_is_refused(tree, personas, at_ten):
    meeting = meeting_of(tree.cell_a, MARCH)
    with pytest.raises(ValidationError) as e:
        send(tree, personas, meeting, datetime.time(11, 30))
    assert e.value.message_dict["end_time"] == [
        "Giờ kết thúc 11:30 chưa đến (bây giờ là 10:00): hãy ghi giờ đã kết thúc."
    ]
    meeting.refresh_from_db()
    assert meeting.status == CellMeeting.Status.PLANNED and meeting.end_time is None


def test_an_end_already_past_is_recorded(tree, personas, at_ten):
    meeting = meeting_of(tree.cell_a, MARCH)
    send(tree, personas, meeting, datetime.time(9, 55))
    meeting.refresh_from_db()
    assert meeting.status == CellMeeting.Status.HELD
    assert meeting.end_time == datetime.time(9, 55)
