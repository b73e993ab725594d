"""The demo's annual ratings (chibo/demo/ratings.py): every cell rated and decided in 2021 and
2022 and the years after (to the one before the build's) under the set of each year, realistic
shares, each member in a cell rated once a year."""

from collections import defaultdict

import pytest

from chibo.demo import data as d
from chibo.members.models import Membership
from chibo.organizations.models import Organization
from chibo.ratings import selectors
from chibo.ratings.models import CellRating, MemberRating, year_end

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.mark.parametrize("year", [2021, 2022, 2024, 2025])
def test_every_cell_and_member_is_rated_with_realistic_shares(demo, year):
    # The district's cells until it ended (30/06/2025), then the province's.
    code = d.DISTRICT[0] if year < 2025 else d.PROVINCE[0]
    district = Organization.objects.get(code=code)
    rows = selectors.cell_rows(district, year)
    assert rows and all(r["rating"] is not None for r in rows)
    reference = "132-QĐ/TW" if year < 2025 else "366-QĐ/TW"
    assert {r["rating"].rating_set.reference for r in rows} == {reference}
    shares = selectors.shares(rows, year)
    assert (shares.pending, shares.unrated, shares.rated) == (0, 0, len(rows))
    by_code = {s.level.code: s.count / s.total for s in shares.decided}
    assert 0.05 < by_code["excellent"] < 0.2 and by_code["good"] > 0.5
    assert by_code["not_done"] < 0.06
    end = year_end(year)
    in_force = Membership.objects.filter(start__lte=end).exclude(end__lte=end).count()
    assert MemberRating.objects.filter(year=year).count() == in_force
    assert not CellRating.objects.filter(year=year, decided_level__isnull=True).exists()


def test_decision_numbers_restart_at_the_new_committees(demo):
    """The ratings of 2024 were decided in January 2025 by the old commune committees, those of
    2025 in January 2026 by the new ones (01/07/2025): each issuer numbers its decisions from
    101, and the number names it."""
    for year, prefix in ((2024, "MS-X"), (2025, "SL-X")):
        numbers = defaultdict(list)
        for number in CellRating.objects.filter(year=year).values_list(
            "decision_number", flat=True
        ):
            n, issuer = number.split("-QĐ/")
            numbers[issuer].append(int(n))
        communes = [i for i in numbers if i.startswith(prefix)]
        assert len(communes) == (22 if year == 2024 else 9), sorted(numbers)
        assert not [i for i in numbers if i.startswith("SL-X" if year == 2024 else "MS-X")]
        for issuer, ns in numbers.items():
            assert sorted(ns) == list(range(101, 101 + len(ns))), issuer
