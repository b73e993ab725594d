"""Helpers for the committee tests, on the shared tree of the root conftest.

Every member of the tree is admitted 19/05/2010 and official 19/05/2011 unless told otherwise;
DAY (31/03/2023) is the date of the article's figures, under the pre-2025 committee rule
(9 official members elect a committee of at most 7, one deputy).
"""

import datetime

import pytest

from chibo.committees.models import (
    CommuneLeader,
    CommuneOfficial,
    ConcurrentRole,
    LeadershipTarget,
    Position,
    RoleModel,
    RoleModelRule,
    SuccessionPlan,
    Term,
    Title,
)
from chibo.committees.positions import services
from chibo.committees.villages import services as village_services
from chibo.organizations.models import Village
from conftest import make_member, shared

DAY = datetime.date(2023, 3, 31)
START = datetime.date(2020, 6, 1)
D = datetime.date


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


@shared
def big_cell(tree):
    """Cell A2 with 10 official members and 2 probationary ones (admitted 2022), built once per
    module."""
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


@shared
def page_data(tree):
    """Cell A: secretary Lò Thị Ánh (also village head), a term, a successor; commune A: a
    leader, an official below the standard, the Nà Bó model; district: the leader target."""
    term = Term.objects.create(
        organization=tree.cell_a, name="2020–2025", start=START, end=D(2025, 9, 30)
    )
    pos = seat(tree.cell_a, tree.secretary_member_a, Title.SECRETARY, term=term)
    village = Village.objects.get(code="V-A1")
    role = village_services.concurrent_role_assign(
        village=village,
        kind=ConcurrentRole.Kind.VILLAGE_HEAD,
        start=START,
        member=tree.secretary_member_a,
        actor=None,
    )
    model = RoleModel.objects.create(
        name="Mô hình Nà Bó", commune=tree.commune_a, effective_from=D(2021, 1, 1)
    )
    RoleModelRule.objects.create(role_model=model, title="secretary", kind="village_head")
    CommuneLeader.objects.create(
        commune=tree.commune_a,
        post="party_secretary",
        full_name="Hà Văn Ngoài",
        is_local=False,
        start=START,
    )
    CommuneLeader.objects.create(
        commune=tree.commune_b,
        post="party_secretary",
        full_name="@SUM(A1)",
        is_local=True,
        start=START,
    )
    LeadershipTarget.objects.create(
        organization=tree.district,
        term_name="2020–2025",
        start=D(2020, 1, 1),
        end=D(2025, 12, 31),
        nonlocal_target=2,
    )
    CommuneOfficial.objects.create(
        commune=tree.commune_a,
        full_name='=HYPERLINK("x")',
        post="Địa chính",
        meets_standard=False,
        reason="Chưa tốt nghiệp THPT",
        assessed_on=D(2022, 1, 1),
        start=START,
    )
    plan = SuccessionPlan.objects.create(
        organization=tree.cell_a,
        term_name="2020–2025",
        title="secretary",
        member=tree.member_a,
        approved_on=D(2021, 1, 1),
    )
    return {"term": term, "position": pos, "village": village, "role": role, "plan": plan}
