"""Issue 11 on the demo district: the member statistics' .xlsx equals its page and agrees with
the `members` indicator; the badge lists of 2023 follow the badges the demo awarded."""

import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from chibo.accounts.models import User
from chibo.members.badges.selectors import award_dates, due_at
from chibo.members.indicators import members as members_indicator
from chibo.members.models import BadgeAward
from chibo.organizations.models import Organization
from conftest import login_client

from .. import data as d

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def district(demo):
    return Organization.objects.get(code=d.DISTRICT[0])


def test_statistics_xlsx_equals_the_page_and_the_indicator(district):
    client = login_client(User.objects.get(username="demo-admin"))
    url = f"/members/statistics/{district.pk}/?start=01/07/2022&end=31/12/2022"
    body = client.get(url).content.decode()
    numbers = {
        k: int(v.replace(".", ""))
        for k, v in re.findall(r'data-key="([^"]+)" href="[^"]+">([\d.]+)</a>', body)
    }
    wb = load_workbook(io.BytesIO(client.get(url + "&format=xlsx").content))
    in_xlsx = [
        row[1] for ws in wb.worksheets[1:] for row in ws.iter_rows(min_row=2, values_only=True)
    ]
    assert in_xlsx == list(numbers.values())
    # The opening and closing figures are the members indicator the day before and on the end.
    assert numbers["change:opening"] == members_indicator(district, D(2022, 6, 30)).value
    assert numbers["change:closing"] == members_indicator(district, D(2022, 12, 31)).value
    assert (
        numbers["change:opening"] + numbers["change:increase"] - numbers["change:decrease"]
        == numbers["change:closing"]
    )
    assert numbers["change:admitted"] > 0
    assert (
        numbers["standing:official"] + numbers["standing:probationary"]
        == (numbers["change:closing"])
    )


def test_badges_due_in_2023_follow_the_awards(district):
    assert BadgeAward.objects.filter(awarded_on__lte=D(2022, 11, 7)).exists()
    assert not BadgeAward.objects.filter(awarded_on__gt=D(2022, 11, 7)).exists()
    (feb, rule), *_rest = award_dates(2023)
    due = due_at(district, feb, D(2022, 11, 7), rule)
    assert 0 < len(due) < 300
    for row in due:
        assert D(2022, 11, 7) < row.reached <= feb
        assert not row.late
