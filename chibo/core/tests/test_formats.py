"""One date format (config/formats) and one month field for every form, message and page."""

import datetime
from decimal import Decimal, InvalidOperation

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from chibo.core import vn
from chibo.core.forms import (
    DateField,
    MonthField,
    VnDecimalField,
    VnIntegerField,
    vn_decimal,
    vn_integer,
)
from chibo.core.models import AuditEvent
from chibo.workbook import spec


class _MonthForm(forms.Form):
    month = MonthField(required=False)


def _clean_month(typed):
    form = _MonthForm({"month": typed})
    return form.is_valid(), form.cleaned_data.get("month"), form.errors.get("month")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_day_text_is_dd_mm_yyyy_in_both_languages(language):
    with translation.override(language):
        assert vn.day_text(datetime.date(1980, 3, 1)) == "01/03/1980"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_numbers_are_written_and_read_alike_in_both_languages(language):
    """The English UI shows 97,5 beside vn.format_percent's 95,9%, and reads 97,5 typed."""
    field = forms.DecimalField(max_digits=12, decimal_places=2, localize=True)
    with translation.override(language):
        page = Template('{{ v|floatformat:"-2" }} {{ v|floatformat:"1g" }}').render(
            Context({"v": 9300.5})
        )
        assert page == "9300,50 9.300,5"
        assert field.clean("97,5") == field.clean("97.5") == 97.5


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("9.300", "9300"),
        ("1.234.567", "1234567"),
        ("1.234,5", "1234.5"),
        ("95,9", "95.9"),
        ("-1.500", "-1500"),
        ("95.9", "95.9"),  # a point before one, two or four digits: a decimal point
        ("12.50", "12.5"),
        ("1.5000", "1.5"),
        ("0.300", "0.3"),  # 0 starts no group of thousands
        ("1234.5", "1234.5"),
        (" 9 300 ", "9300"),
    ],
)
def test_a_typed_number_is_read_one_way_by_forms_and_the_workbook(typed, number):
    """vn_decimal is the one reading: the criteria and rating sets' lines, the number boxes
    users type into (VnDecimalField) and the workbook's import of a number written as text."""
    assert vn_decimal(typed) == Decimal(number)
    assert VnDecimalField(max_digits=12, decimal_places=4).clean(typed) == Decimal(number)
    assert spec.decimal(typed) == Decimal(number)


@pytest.mark.parametrize(
    "typed", ["9.30.0", "1,2,3", "NaN", "1e5", "1_000", "١٢", "9.300,5,1", "abc", "."]
)
def test_what_is_not_a_number_is_refused_alike(typed):
    with pytest.raises(InvalidOperation):
        vn_decimal(typed)
    with pytest.raises(ValidationError):
        VnDecimalField(max_digits=12, decimal_places=2).clean(typed)
    with pytest.raises(spec.Invalid):
        spec.decimal(typed)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("1086", "1.086"),
        ("1500.55", "1.500,55"),
        ("1234567.5", "1.234.567,5"),
        ("-1234.5", "-1.234,5"),
        ("97.50", "97,5"),
        ("0", "0"),
        ("999.999", "999,99"),  # cut, not rounded
    ],
)
def test_an_amount_is_written_as_9_300_and_read_back_alike(value, text):
    assert vn.format_decimal(Decimal(value), 2) == text
    assert vn_decimal(text) == vn.cut(Decimal(value), 2)


@pytest.mark.parametrize(
    ("typed", "count"), [("1.200", 1200), ("1200", 1200), ("-3", -3), ("1.234.567", 1234567)]
)
def test_a_count_is_read_one_way_by_forms_and_the_workbook(typed, count):
    assert vn_integer(typed) == VnIntegerField().clean(typed) == spec.integer(typed) == count


@pytest.mark.parametrize("typed", ["1.5", "1.20", "12,5", "1e3", "abc", "1.2.3"])
def test_what_is_not_a_count_is_refused_alike(typed):
    """(The workbook read «1.5» as 15.)"""
    with pytest.raises(ValueError):
        vn_integer(typed)
    with pytest.raises(ValidationError):
        VnIntegerField().clean(typed)
    with pytest.raises(spec.Invalid):
        spec.integer(typed)


def test_a_number_box_shows_what_it_reads_back():
    class Form(forms.Form):
        value = VnDecimalField(max_digits=12, decimal_places=2)

    html = str(Form(initial={"value": Decimal("1500.50")})["value"])
    assert 'value="1500,50"' in html and 'type="text"' in html
    assert Form({"value": "1500,50"}).is_valid()


def test_day_text_of_an_open_end_is_now_unless_told():
    with translation.override("vi"):
        assert vn.day_text(None) == "nay"
    assert vn.day_text(None, "") == ""


def test_the_vndate_filter_writes_day_text():
    text = Template("{{ d|vndate }}|{{ n|vndate }}").render(
        Context({"d": datetime.date(2023, 2, 24), "n": None})
    )
    assert text == "24/02/2023|"


def test_moment_text_is_local_time():
    at = datetime.datetime(2023, 3, 24, 17, 30, tzinfo=datetime.UTC)
    assert vn.moment_text(at) == "25/03/2023 00:30"  # Asia/Ho_Chi_Minh is UTC+7
    assert str(AuditEvent(at=at, action="create", object_repr="x")).startswith("25/03/2023 00:30")


@pytest.mark.parametrize(
    "typed",
    ["2023-03", "2023-3", "03/2023", "3/2023", " 2023-03 ", datetime.date(2023, 3, 17)],
)
def test_month_field_takes_the_picker_and_the_vietnamese_forms(typed):
    ok, month, _ = _clean_month(typed)
    assert ok and month == datetime.date(2023, 3, 1)


@pytest.mark.parametrize("typed", ["2023-13", "00/2023", "2023/03", "03-2023", "x", "2023-03-01"])
def test_month_field_refuses_what_is_not_a_month(typed):
    ok, _, errors = _clean_month(typed)
    assert not ok
    assert errors == ["Tháng không hợp lệ (yyyy-mm, ví dụ 2023-03, hoặc mm/yyyy)."]


@pytest.mark.parametrize("typed", ["1899-12", "2101-01", "0001-01", "01/0001"])
def test_month_field_takes_the_years_of_date_field_only(typed):
    ok, _, errors = _clean_month(typed)
    assert not ok
    assert errors == ["Tháng phải trong các năm 1900–2100."]


def test_month_field_takes_the_bounds_of_date_field():
    assert _clean_month("1900-01")[1] == datetime.date(1900, 1, 1)
    assert _clean_month("12/2100")[1] == datetime.date(2100, 12, 1)


def test_month_field_shows_its_month_as_the_picker_reads_it():
    assert MonthField().prepare_value(datetime.date(1950, 7, 1)) == "1950-07"


def test_date_field_writes_dd_mm_yyyy_and_reads_both_forms():
    field = DateField()
    assert 'value="01/03/1980"' in field.widget.render("d", datetime.date(1980, 3, 1))
    assert field.clean("01/03/1980") == field.clean("1980-03-01") == datetime.date(1980, 3, 1)
