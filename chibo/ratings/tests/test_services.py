"""The rating's writes: the shipped sets, the level the points reach, the refusals (points out of
0–100, a decision before the self-rating, a second rating for a year, overlapping sets), each
writing nothing, and a new set leaving the ratings made under the old one as they were."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from chibo.core.dated import end_dated_row
from chibo.core.models import AuditEvent
from chibo.core.tests.indicator_batch import assert_batch_agrees
from chibo.ratings import selectors, services
from chibo.ratings.models import CellRating, MemberRating, RatingLevel, RatingSet

pytestmark = pytest.mark.django_db
D = datetime.date

LEVELS = [
    ("top", "Xuất sắc", Decimal(95)),
    ("good", "Tốt", Decimal(75)),
    ("low", "Không đạt", Decimal(0)),
]


def level(year, code):
    return RatingLevel.objects.get(rating_set=services.set_in_force(year), code=code)


def test_the_shipped_sets_rate_2021_and_2025_with_the_thresholds_of_qd_366():
    old, new = services.set_in_force(2021), services.set_in_force(2025)
    assert old.reference == "132-QĐ/TW" and new.reference == "366-QĐ/TW"
    got = [(lv.code, lv.min_points) for lv in new.levels.all()]
    assert got == [("excellent", 90), ("good", 70), ("done", 50), ("not_done", 0)]
    assert new.top_quota_percent == 20


@pytest.mark.parametrize(
    ("points", "code"),
    [
        (100, "excellent"),
        (90, "excellent"),
        (Decimal("89.99"), "good"),
        (70, "good"),
        (Decimal("69.5"), "done"),
        (50, "done"),
        (Decimal("49.9"), "not_done"),
        (0, "not_done"),
    ],
)
def test_the_self_rating_proposes_the_level_the_points_reach(tree, points, code):
    row = services.cell_self_rate(
        cell=tree.cell_a, year=2025, points=points, on=D(2025, 12, 20), actor=None
    )
    assert row.proposed_level.code == code
    assert row.rating_set.reference == "366-QĐ/TW"
    assert AuditEvent.objects.filter(object_id=str(row.pk), action="create").exists()


@pytest.mark.parametrize("points", [Decimal("-0.5"), Decimal("100.01"), 250, None])
def test_points_out_of_0_100_are_refused(tree, points):
    with pytest.raises(ValidationError, match="0–100"):
        services.cell_self_rate(
            cell=tree.cell_a, year=2025, points=points, on=D(2025, 12, 20), actor=None
        )
    assert not CellRating.objects.exists()


def test_a_second_self_rating_for_the_year_is_refused(tree):
    services.cell_self_rate(cell=tree.cell_a, year=2024, points=80, on=D(2024, 12, 1), actor=None)
    with pytest.raises(ValidationError, match="đã tự đánh giá"):
        services.cell_self_rate(
            cell=tree.cell_a, year=2024, points=95, on=D(2024, 12, 2), actor=None
        )
    assert list(CellRating.objects.values_list("points", flat=True)) == [80]


def test_only_a_cell_rates_itself(tree):
    with pytest.raises(ValidationError, match="Chỉ chi bộ"):
        services.cell_self_rate(
            cell=tree.commune_a, year=2024, points=80, on=D(2024, 12, 1), actor=None
        )


def test_a_decision_before_the_self_rating_is_refused(tree):
    with pytest.raises(ValidationError, match="chưa tự đánh giá"):
        services.cell_decide(
            cell=tree.cell_a,
            year=2024,
            level=level(2024, "good"),
            decision_number="12-QĐ/ĐU",
            decision_date=D(2025, 1, 10),
            actor=None,
        )
    assert not CellRating.objects.exists()


def test_the_decision_is_recorded_once_with_a_level_of_the_years_set(tree):
    services.cell_self_rate(cell=tree.cell_a, year=2024, points=92, on=D(2024, 12, 1), actor=None)
    with pytest.raises(ValidationError, match="không thuộc"):
        services.cell_decide(
            cell=tree.cell_a,
            year=2024,
            level=level(2025, "good"),
            decision_number="12-QĐ/ĐU",
            decision_date=D(2025, 1, 10),
            actor=None,
        )
    row = services.cell_decide(
        cell=tree.cell_a,
        year=2024,
        level=level(2024, "good"),
        decision_number="12-QĐ/ĐU",
        decision_date=D(2025, 1, 10),
        actor=None,
    )
    assert (row.proposed_level.code, row.decided_level.code) == ("excellent", "good")
    with pytest.raises(ValidationError, match="đã quyết định"):
        services.cell_decide(
            cell=tree.cell_a,
            year=2024,
            level=level(2024, "excellent"),
            decision_number="13-QĐ/ĐU",
            decision_date=D(2025, 1, 11),
            actor=None,
        )
    row.refresh_from_db()
    assert (row.decided_level.code, row.decision_number) == ("good", "12-QĐ/ĐU")


def test_overlapping_sets_are_refused_and_a_new_set_leaves_old_ratings_alone(tree):
    rated = services.cell_self_rate(
        cell=tree.cell_a, year=2026, points=92, on=D(2026, 12, 1), actor=None
    )
    running = services.set_in_force(2026)
    with pytest.raises(ValidationError, match="Trùng thời gian"):
        services.set_create(
            name="Mới",
            reference="1-QĐ/TW",
            valid_from=D(2027, 1, 1),
            valid_to=None,
            top_quota_percent=Decimal(15),
            levels=LEVELS,
            actor=None,
        )
    assert RatingSet.objects.count() == 2
    end_dated_row(row=running, on=D(2027, 1, 1), actor=None, field_end="valid_to")
    new = services.set_create(
        name="Mới",
        reference="1-QĐ/TW",
        valid_from=D(2027, 1, 1),
        valid_to=None,
        top_quota_percent=Decimal(15),
        levels=LEVELS,
        actor=None,
    )
    assert services.set_in_force(2027) == new and services.set_in_force(2026) == running
    later = services.cell_self_rate(
        cell=tree.cell_a, year=2027, points=92, on=D(2027, 12, 1), actor=None
    )
    rated.refresh_from_db()
    assert (rated.rating_set, rated.proposed_level.code) == (running, "excellent")
    assert (later.rating_set, later.proposed_level.code) == (new, "good")


@pytest.mark.parametrize(
    "levels",
    [
        [("a", "A", Decimal(50)), ("b", "B", Decimal(70)), ("c", "C", Decimal(0))],
        [("a", "A", Decimal(150)), ("c", "C", Decimal(0))],
        [("a", "A", Decimal(50)), ("c", "C", Decimal(10))],
    ],
)
def test_a_set_with_bad_thresholds_is_refused(levels):
    with pytest.raises(ValidationError):
        services.set_create(
            name="Sai",
            reference="",
            valid_from=D(2010, 1, 1),
            valid_to=D(2018, 1, 1),
            top_quota_percent=Decimal(20),
            levels=levels,
            actor=None,
        )
    assert RatingSet.objects.count() == 2


def test_a_member_is_rated_once_a_year_and_decided_after_the_proposal(tree):
    row = services.member_rate(
        member=tree.member_a,
        year=2024,
        self_level=level(2024, "excellent"),
        proposed_level=None,
        actor=None,
    )
    with pytest.raises(ValidationError, match="đã được đánh giá"):
        services.member_rate(
            member=tree.member_a,
            year=2024,
            self_level=level(2024, "good"),
            proposed_level=None,
            actor=None,
        )
    with pytest.raises(ValidationError, match="chưa đề xuất"):
        services.member_decide(
            rating=row,
            level=level(2024, "good"),
            decision_number="3-QĐ/ĐU",
            decision_date=D(2025, 1, 5),
            actor=None,
        )
    assert MemberRating.objects.get().decided_level is None
    assert row.cell == tree.cell_a


def _rate(cell, year, points, decided):
    services.cell_self_rate(cell=cell, year=year, points=points, on=D(year, 12, 1), actor=None)
    if decided:
        services.cell_decide(
            cell=cell,
            year=year,
            level=level(year, decided),
            decision_number="1-QĐ",
            decision_date=D(year + 1, 1, 5),
            actor=None,
        )


def test_the_shares_count_decided_levels_and_warn_over_the_quota(tree):
    _rate(tree.cell_a, 2024, 95, "excellent")
    _rate(tree.cell_a2, 2024, 85, "good")
    _rate(tree.cell_b, 2024, 75, None)
    rows = selectors.cell_rows(tree.district, 2024)
    got = selectors.shares(rows, 2024)
    assert [(s.level.code, s.count) for s in got.decided] == [
        ("excellent", 1),
        ("good", 1),
        ("done", 0),
        ("not_done", 0),
    ]
    assert (got.rated, got.pending, got.unrated) == (2, 1, 0)
    # 20% of the 2 cells at the top two levels is 0 cells: one excellent is over the quota.
    assert (got.quota, got.over_quota, got.decided[0].warning) == (0, True, True)
    assert got.decided[0].percent == "50%"
    commune_b = selectors.shares(selectors.cell_rows(tree.commune_b, 2024), 2024)
    assert (commune_b.rated, commune_b.pending, commune_b.over_quota) == (0, 1, False)
    # compute_many reads every organization's decided ratings at once, on the structure of
    # the year's end
    days = [D(2024, 6, 30), D(2025, 3, 31)]
    assert_batch_agrees(tree, days, ["cells_rated_excellent"])
