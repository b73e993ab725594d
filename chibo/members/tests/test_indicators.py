"""members_probationary: the members counted by `members` who are probationary on the date."""

import datetime

import pytest

from chibo.core.indicators import all_indicators, get
from chibo.members import services
from chibo.members.indicators import members, members_probationary
from conftest import make_member

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def people(tree):
    """Besides the tree's three official members (admitted 19/05/2010):"""
    return {
        # probationary from 01/09/2022, official on 01/09/2023
        "dung": make_member(tree.cell_a2, "Lò Văn Dũng", admitted=D(2022, 9, 1)),
        # probationary from 10/01/2023, never made official
        "em": make_member(tree.cell_a2, "Cà Thị Em", official=False, admitted=D(2023, 1, 10)),
        # probationary in commune B, moved to cell A on 01/06/2023
        "giang": make_member(tree.cell_b, "Vì Văn Giang", official=False, admitted=D(2022, 12, 1)),
        # probationary, died on 01/03/2023
        "hoa": make_member(tree.cell_a, "Lường Thị Hoa", official=False, admitted=D(2022, 11, 1)),
    }


def figures(org, day):
    v = members_probationary(org, day)
    assert v.of == members(org, day).value  # `of` is what `members` counts then
    return v.value, v.of


def test_registered_after_members():
    codes = [i.code for i in all_indicators()]
    assert codes.index("members_probationary") == codes.index("members") + 1
    assert str(get("members_probationary").name) == "Đảng viên dự bị"


def test_as_of_two_dates(tree, people):
    services.member_change_status(
        member=people["hoa"], status="deceased", on=D(2023, 3, 1), actor=None
    )
    services.member_transfer(
        member=people["giang"], to_cell=tree.cell_a, on=D(2023, 6, 1), actor=None
    )
    # 31/12/2022: Dũng, Giang, Hoa probationary; Em not yet admitted (nor counted)
    assert figures(tree.district, D(2022, 12, 31)) == (3, 6)
    assert figures(tree.commune_a, D(2022, 12, 31)) == (2, 4)
    assert figures(tree.commune_b, D(2022, 12, 31)) == (1, 2)
    assert figures(tree.cell_a2, D(2022, 12, 31)) == (1, 1)
    # 01/09/2023: Dũng official that day, Hoa dead, Giang in commune A now
    assert figures(tree.district, D(2023, 9, 1)) == (2, 6)
    assert figures(tree.commune_a, D(2023, 9, 1)) == (2, 5)
    assert figures(tree.commune_b, D(2023, 9, 1)) == (0, 1)
    # the day before Dũng's official date he is still probationary
    assert figures(tree.cell_a2, D(2023, 8, 31)) == (2, 2)
    assert members_probationary(tree.district, D(2023, 9, 1)).text == "2/6 (33,3%)"


def test_nobody_before_the_tree(tree, people):
    assert figures(tree.district, D(2000, 1, 1)) == (0, 0)


@pytest.mark.parametrize("extra", [1, 6])
def test_two_queries_whatever_the_data(extra, tree, django_assert_num_queries):
    for i in range(extra):
        make_member(tree.cell_a2, f"Dự bị {i}", official=False, admitted=D(2023, 1, 1))
    # the organization's path on the date (1); both counts in one query (1)
    with django_assert_num_queries(2):
        v = members_probationary(tree.district, D(2023, 3, 31))
    assert (v.value, v.of) == (extra, 3 + extra)
