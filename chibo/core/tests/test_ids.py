"""Digits and ids from the outside: only ASCII digits are digits ("²" and "١٢" pass
str.isdigit()), and an id no database takes is refused before a query (SQLite raises
OverflowError, a 500, on one over 2^63 - 1)."""

import pytest
from django import forms

from chibo.core.forms import MAX_ID, IdField, ModelMultipleChoiceField, digits
from chibo.organizations.models import Organization
from chibo.workbook import spec


def test_digits_are_ascii_digits():
    assert digits("0123") and not digits("²") and not digits("١٢") and not digits("")
    assert not digits("-1") and not digits("1.0")


def test_an_id_field_takes_what_a_database_takes():
    field = IdField(required=False)
    assert field.clean(str(MAX_ID)) == MAX_ID
    for bad in (str(MAX_ID + 1), "0", "-3", "²"):
        with pytest.raises(forms.ValidationError):
            field.clean(bad)


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [str(MAX_ID + 1), "99999999999999999999", "²", "-1", "0"])
def test_a_choice_of_rows_refuses_an_id_no_database_takes(bad, tree):
    field = ModelMultipleChoiceField(queryset=Organization.objects.all())
    assert list(field.clean([str(tree.cell_a.pk)])) == [tree.cell_a]
    with pytest.raises(forms.ValidationError) as caught:
        field.clean([str(tree.cell_a.pk), bad])
    assert caught.value.code == "invalid_pk_value"


def test_the_workbook_reads_only_ascii_digits_as_a_number():
    assert spec.integer("-12") == -12 and spec.integer("1.234") == 1234
    for bad in ("²", "١٢", "-²"):
        with pytest.raises(spec.Invalid):
            spec.integer(bad)


def test_the_workbook_reads_only_finite_numbers_in_ascii_digits():
    assert spec.decimal("1.234,5") == spec.decimal("1234.5") == spec.decimal(1234.5)
    for bad in ("NaN", "Infinity", "-inf", "١٢", "1e400x", float("nan"), float("inf")):
        with pytest.raises(spec.Invalid):
            spec.decimal(bad)


def test_the_workbook_reads_days_and_numbers_within_their_bounds():
    """A real date cell of 31/12/9999 and a year of -1 or 2^64 reached the services (the
    probation's end, a rating's year) and crashed the import's task."""
    import datetime

    assert spec.date(datetime.date(2023, 3, 31)) == datetime.date(2023, 3, 31)
    year = spec.Col("Năm", "year", "int", bounds=spec.YEARS)
    count = spec.Col("Số hộ", "households", "int")
    for bad in (datetime.date(9999, 12, 31), datetime.date(1, 1, 1)):
        with pytest.raises(spec.Invalid):
            spec.date(bad)
        with pytest.raises(spec.Invalid):
            spec.read_column(spec.Col("Ngày", "on", "date"), [datetime.date(2023, 1, 1), bad])
    assert spec.read_column(year, [2023.0, "2024", ""]) == [2023, 2024, None]
    for bad in (-1, 99999999999999999999, 1899, 2101, "2101"):
        for read in (lambda v: spec.read(year, v), spec.reader(year)):
            with pytest.raises(spec.Invalid):
                read(bad)
        with pytest.raises(spec.Invalid):
            spec.read_column(year, [2023, bad])
    with pytest.raises(spec.Invalid):
        spec.read(count, 2**31)
    assert spec.read(count, 2**31 - 1) == 2**31 - 1


def test_a_badge_rule_holds_the_lists_the_badge_pages_read():
    """The back office's JSON fields took ["x"], [1e30] or NaN; the badge pages were then 500s."""
    import datetime

    from django.core.exceptions import ValidationError

    from chibo.members.models import BadgeRule

    def rule(years, days):
        return BadgeRule(
            effective_from=datetime.date(2027, 1, 1), years=years, award_days=days, source="QĐ"
        )

    rule([30, 40, 45], [[2, 3], [5, 19]]).clean()
    for years, days in (
        (["x"], [[2, 3]]),
        ([float("nan")], [[2, 3]]),
        ([99999999999999999999], [[2, 3]]),
        ([40, 30], [[2, 3]]),
        ([], [[2, 3]]),
        ([30], [[2, 30]]),
        ([30], [[13, 1]]),
        ([30], [["2", 3]]),
        ([30], []),
        ([30], "2/3"),
    ):
        with pytest.raises(ValidationError):
            rule(years, days).clean()
