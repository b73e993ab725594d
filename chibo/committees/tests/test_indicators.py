"""The committee indicators on the small tree, the lists behind them agreeing with the figures,
and their query counts at two sizes."""

import datetime

import pytest

from chibo.committees import indicators as ind
from chibo.committees import lists
from chibo.committees.communes import selectors
from chibo.committees.models import (
    CommuneLeader,
    CommuneOfficial,
    ConcurrentRole,
    LeadershipTarget,
    SuccessionPlan,
    Term,
    Title,
)
from chibo.committees.villages import services as village_services
from chibo.core.indicators import all_indicators
from chibo.core.tests.indicator_batch import assert_batch_agrees
from chibo.organizations import services as org_services
from chibo.organizations.models import Commune, Village
from chibo.organizations.services_villages import village_create

from .conftest import DAY, START, fill, seat

pytestmark = pytest.mark.django_db
D = datetime.date
CODES = [
    "cells_with_committee",
    "secretary_is_village_head",
    "nonlocal_commune_leaders",
    "nonlocal_commune_leaders_target",
    "commune_officials_qualified",
    "positions_without_successor",
]


@pytest.fixture
def data(tree, committee):
    """Cell A: a secretary who heads the village. Cell A2: a committee of 3 (no theory).
    Leaders, officials, a target and plans as described in each test."""
    cell_a2, official = committee
    seat(tree.cell_a, tree.secretary_member_a, Title.SECRETARY)
    village = Village.objects.get(code="V-A1")
    village_services.concurrent_role_assign(
        village=village,
        kind=ConcurrentRole.Kind.VILLAGE_HEAD,
        start=START,
        member=tree.secretary_member_a,
        actor=None,
    )
    leader = CommuneLeader.objects.create
    leader(
        commune=tree.commune_a,
        post="party_secretary",
        full_name="Hà Văn Ngoài",
        is_local=False,
        start=START,
    )
    leader(
        commune=tree.commune_a,
        post="pc_chairman",
        full_name="Lò Văn Bản",
        is_local=True,
        start=START,
    )
    leader(
        commune=tree.commune_b,
        post="party_secretary",
        full_name="Cầm Văn Cũ",
        is_local=False,
        start=D(2015, 1, 1),
        end=D(2020, 1, 1),
    )
    leader(
        commune=tree.commune_b,
        post="party_secretary",
        full_name="Cầm Văn Mới",
        is_local=True,
        start=D(2020, 1, 1),
    )
    LeadershipTarget.objects.create(
        organization=tree.district,
        term_name="2020–2025",
        start=D(2020, 1, 1),
        end=D(2025, 12, 31),
        nonlocal_target=2,
    )
    official_ = CommuneOfficial.objects.create
    for name, ok, reason in [("A", True, ""), ("B", True, ""), ("C", False, "Chưa có trung cấp")]:
        official_(
            commune=tree.commune_a,
            full_name=f"Cán bộ {name}",
            post="Văn phòng",
            meets_standard=ok,
            reason=reason,
            assessed_on=D(2022, 1, 1),
            start=START,
        )
    official_(
        commune=tree.commune_a,
        full_name="Cán bộ đã nghỉ",
        post="x",
        meets_standard=False,
        assessed_on=D(2019, 1, 1),
        start=D(2015, 1, 1),
        end=D(2020, 1, 1),
    )
    Term.objects.create(organization=cell_a2, name="2020–2025", start=START, end=D(2025, 9, 30))
    plan = SuccessionPlan.objects.create
    plan(
        organization=tree.cell_a,
        term_name="2025–2030",
        title="secretary",
        member=tree.member_a,
        approved_on=D(2022, 1, 1),
    )
    plan(
        organization=cell_a2,
        term_name="2020–2025",
        title="secretary",
        member=official[3],
        approved_on=D(2022, 1, 1),
    )
    plan(
        organization=cell_a2,
        term_name="2025–2030",
        title="deputy_secretary",
        member=official[4],
        approved_on=D(2022, 1, 1),
    )
    plan(
        organization=cell_a2,
        term_name="2020–2025",
        title="committee_member",
        member=official[5],
        approved_on=D(2022, 1, 1),
        removed_on=D(2023, 1, 1),
    )
    return tree


def test_registered():
    codes = [i.code for i in all_indicators()]
    assert [c for c in codes if c in CODES] == CODES


def test_figures_on_the_small_tree(data):
    t = data
    assert ind.cells_with_committee(t.district, DAY).text == "1/3 (33,3%)"
    assert ind.cells_with_committee(t.commune_b, DAY).text == "0/1 (0%)"
    assert ind.secretary_is_village_head(t.district, DAY).text == "1/3 (33,3%)"
    assert ind.nonlocal_commune_leaders(t.district, DAY).text == "1/3 (33,33%)"
    assert ind.nonlocal_commune_leaders(t.district, D(2019, 6, 1)).text == "1/1 (100%)"
    assert ind.nonlocal_commune_leaders_target(t.district, DAY).text == "1/2 (50%)"
    # A commune has no target of its own.
    assert ind.nonlocal_commune_leaders_target(t.commune_a, DAY).of is None
    assert ind.commune_officials_qualified(t.district, DAY).text == "2/3 (66,6%)"
    # (cell A, secretary) is planned (cell A has no term: any term counts); in cell A2 only the
    # secretary is planned for its running term 2020–2025.
    assert ind.positions_without_successor(t.district, DAY).text == "2/4 (50%)"
    assert ind.positions_without_successor(t.cell_a, DAY).text == "0/1 (0%)"


def test_figures_follow_the_date(data):
    t = data
    # Before any position, nothing; the village cells are still counted.
    before = START - datetime.timedelta(days=1)
    assert ind.cells_with_committee(t.district, before).text == "0/3 (0%)"
    assert ind.secretary_is_village_head(t.district, before).value == 0
    assert (
        ind.positions_without_successor(t.district, before).text == "—"
    )  # nothing to count: no position yet


def test_the_target_of_a_node_without_its_own_is_the_sum_of_those_below(data):
    t = data
    target = LeadershipTarget.objects.get(organization=t.district)
    term = {"term_name": "2020–2025", "start": D(2020, 1, 1), "end": D(2025, 12, 31)}
    LeadershipTarget.objects.create(organization=t.commune_a, nonlocal_target=1, **term)
    # The district's own target (2) stands; the commune's is its own.
    assert ind.nonlocal_commune_leaders_target(t.district, DAY).text == "1/2 (50%)"
    assert ind.nonlocal_commune_leaders_target(t.commune_a, DAY).text == "1/1 (100%)"
    assert ind.nonlocal_commune_leaders_target(t.commune_b, DAY).of is None
    # Without it, the district answers for the targets set under it.
    target.delete()
    LeadershipTarget.objects.create(organization=t.commune_b, nonlocal_target=2, **term)
    assert ind.nonlocal_commune_leaders_target(t.district, DAY).text == "1/3 (33,33%)"
    summed = selectors.leadership_target(t.district, DAY)
    assert (summed.term_name, summed.nonlocal_target) == ("2020–2025", 3)
    assert {x.organization_id for x in summed.targets} == {t.commune_a.pk, t.commune_b.pk}
    # A target that has ended (or not begun) on the date does not count.
    assert ind.nonlocal_commune_leaders_target(t.district, D(2019, 6, 1)).of is None


def test_the_article_formatting_of_the_target_share(tree):
    """21 non-local of 44 posts is 47,72% and 95,45% of a target of 22: cut, not rounded."""
    communes = []
    for i in range(22):
        communes.append(
            org_services.org_create(
                code=f"XT{i:02d}",
                name=f"Đảng bộ xã Thử {i}",
                kind="grassroots",
                grassroots_type="commune",
                parent=tree.district,
                valid_from=START,
                actor=None,
            )
        )
    for i, c in enumerate(communes):
        for post in ("party_secretary", "pc_chairman"):
            nonlocal_ = post == "party_secretary" and i < 21
            CommuneLeader.objects.create(
                commune=c, post=post, full_name=f"{post} {i}", is_local=not nonlocal_, start=START
            )
    LeadershipTarget.objects.create(
        organization=tree.district,
        term_name="2020–2025",
        start=D(2020, 1, 1),
        end=D(2025, 12, 31),
        nonlocal_target=22,
    )
    assert ind.nonlocal_commune_leaders(tree.district, DAY).text == "21/44 (47,72%)"
    assert ind.nonlocal_commune_leaders_target(tree.district, DAY).text == "21/22 (95,45%)"


@pytest.mark.parametrize("code", CODES)
def test_the_list_behind_agrees_with_the_figure(data, code):
    for org in (data.district, data.commune_a, data.cell_a2):
        value = ind.__dict__[code](org, DAY)
        table = lists.indicator_list(code, org, DAY)
        counted = [row[-1] for row in table.rows]
        assert counted.count("Có") == value.value, (code, org)
        if code != "nonlocal_commune_leaders_target":
            assert len(table.rows) == (value.of or 0), (code, org)


def test_query_counts_do_not_grow(data, django_assert_num_queries):
    # cells_with_committee: path, rule, positions per cell, then (read once in a compute_all)
    # the path again and the number of cells.
    # secretary_is_village_head: path, positions per cell (with EXISTS), path, number of cells.
    # nonlocal_commune_leaders: path, aggregate. The target: path, aggregate, path, targets.
    # commune_officials_qualified: path, aggregate.
    # positions_without_successor: path, (organization, title) pairs, terms, plans.
    expected = {
        "cells_with_committee": 5,
        "secretary_is_village_head": 4,
        "nonlocal_commune_leaders": 2,
        "nonlocal_commune_leaders_target": 4,
        "commune_officials_qualified": 2,
        "positions_without_successor": 4,
    }

    def check():
        for code, n in expected.items():
            with django_assert_num_queries(n):
                ind.__dict__[code](data.district, DAY)

    check()
    commune = Commune.objects.create(
        code="C-B", name="Bình", party_committee=data.commune_b, valid_from=START
    )
    for i in range(4):
        cell = org_services.org_create(
            code=f"XB-3{i}",
            name=f"Chi bộ bản Thêm {i}",
            kind="cell",
            cell_type="residential",
            parent=data.commune_b,
            valid_from=START,
            actor=None,
        )
        village = village_create(
            actor=None,
            kind="ban",
            code=f"V-B{i}",
            name=f"Thêm {i}",
            commune=commune,
            cell=cell,
            valid_from=START,
        )
        people = fill(cell, 9)
        for m, title in zip(
            people[:3], ["secretary", "deputy_secretary", "committee_member"], strict=True
        ):
            seat(cell, m, title)
        village_services.concurrent_role_assign(
            village=village, kind="village_head", start=START, member=people[0], actor=None
        )
    check()
    assert ind.cells_with_committee(data.district, DAY).text == "5/7 (71,4%)"
    assert ind.secretary_is_village_head(data.district, DAY).text == "5/7 (71,4%)"


def test_a_batch_gives_each_organization_its_own_figures(data):
    # compute_many reads every organization's leaders, targets and successors at once: a
    # commune's own target beside the district's (which hides it above the commune).
    LeadershipTarget.objects.create(
        organization=data.commune_b,
        term_name="2021–2026",
        start=D(2021, 1, 1),
        end=D(2026, 1, 1),
        nonlocal_target=1,
    )
    assert_batch_agrees(data, [D(2015, 6, 1), D(2020, 6, 1), DAY], CODES)
