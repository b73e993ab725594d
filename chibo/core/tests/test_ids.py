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
