"""Helpers of the oversight tests (month page, overview, review, indicators): meetings made with
the models directly, so these tests do not depend on how a record is entered.

On the shared tree (root conftest): district HU > commune XA (cells XA-01 "Chi bộ bản Áng",
XA-02 "Chi bộ bản Đông") and commune XB (cell XB-01 "Chi bộ bản Bó").
"""

import datetime

import pytest

from chibo.core import dates
from chibo.meetings.models import CellMeeting, Guest, Task

D = datetime.date
MARCH = D(2023, 3, 1)
TODAY = D(2023, 3, 31)
S = CellMeeting.Status


def meet(
    cell,
    month=MARCH,
    *,
    day=24,
    held_on=None,
    status=None,
    present=0,
    summoned=0,
    points=None,
    quality="",
    topic="",
    kind=CellMeeting.Kind.REGULAR,
    recorded_by=None,
    guests=0,
) -> CellMeeting:
    """A meeting of `cell` in `month` scheduled on `day`; recorded (held) when `held_on` is
    given, else planned."""
    scheduled = month.replace(day=day)
    if status is None:
        status = S.HELD if held_on else S.PLANNED
    m = CellMeeting.objects.create(
        cell=cell,
        month=month,
        kind=kind,
        topic=topic,
        scheduled_date=scheduled,
        held_on=held_on,
        status=status,
        present=present,
        summoned=summoned,
        absent_excused=max(summoned - present, 0),
        quality_points=points,
        quality_class=quality,
        recorded_by=recorded_by,
    )
    for i in range(guests):
        Guest.objects.create(meeting=m, kind=Guest.Kind.OTHER, name=f"Khách {i + 1}")
    return m


def task(meeting, title, deadline, state=Task.State.OPEN):
    return Task.objects.create(
        cell=meeting.cell,
        meeting=meeting,
        title=title,
        owner_kind=Task.Owner.COMMITTEE,
        deadline=deadline,
        state=state,
    )


@pytest.fixture
def fixed_today(monkeypatch):
    """Today is 31/03/2023 for the oversight selectors and views (overdue, default month)."""
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    return TODAY


# session, the user with the roles held today (the session is written a minute at most)
BASE = 2
# the session's TOTP device, read for a user who must pass the TOTP step (an org admin)
OTP = 1


def chrome_queries(user) -> int:
    """Queries that base.html itself costs for `user` (the top bar, e.g. an unread count), once
    the view has read the user's scope: a full page costs BASE + this + the view's own."""
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from chibo.accounts.scope import Scope

    request = RequestFactory().get("/")
    request.user = user
    Scope.for_user(user)
    with CaptureQueriesContext(connection) as q:
        render_to_string("base.html", request=request)
    return len(q)
