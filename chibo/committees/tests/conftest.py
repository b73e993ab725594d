"""Helpers for the committee tests, on the shared tree of the root conftest.

Every member of the tree is admitted 19/05/2010 and official 19/05/2011 unless told otherwise;
DAY (31/03/2023) is the date of the article's figures, under the pre-2025 committee rule
(9 official members elect a committee of at most 7, one deputy).
"""

import datetime

import pytest

from chibo.committees import services
from chibo.committees.models import Position, Title
from conftest import make_member

DAY = datetime.date(2023, 3, 31)
START = datetime.date(2020, 6, 1)


def fill(cell, n, *, official=True, prefix="Đảng viên", admitted=datetime.date(2012, 1, 9)):
    return [
        make_member(cell, f"{prefix} {cell.code} {i}", official=official, admitted=admitted)
        for i in range(n)
    ]


def seat(org, member, title, start=START, **kw):
    return services.position_assign(
        organization=org,
        member=member,
        title=title,
        start=start,
        obtained=Position.Obtained.ELECTED,
        actor=None,
        **kw,
    )


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Seven personas per page test: a fast hasher keeps the matrix quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def big_cell(tree):
    """Cell A2 with 10 official members and 2 probationary ones (admitted 2022)."""
    official = fill(tree.cell_a2, 10)
    probationary = fill(
        tree.cell_a2, 2, official=False, prefix="Dự bị", admitted=datetime.date(2022, 9, 1)
    )
    return tree.cell_a2, official, probationary


@pytest.fixture
def committee(big_cell):
    """Cell A2 with a committee of 3 from START: secretary, deputy, one member."""
    cell, official, _prob = big_cell
    seat(cell, official[0], Title.SECRETARY)
    seat(cell, official[1], Title.DEPUTY_SECRETARY)
    seat(cell, official[2], Title.COMMITTEE_MEMBER)
    return cell, official
