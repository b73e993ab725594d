"""Form fields shared by every app."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .dates import EARLIEST, LATEST, in_range

# The largest id a database takes (a 64-bit signed integer): SQLite raises OverflowError, a
# 500, on a larger one in a query.
MAX_ID = 2**63 - 1


def digits(text: str) -> bool:
    """Whether `text` is ASCII digits only: str.isdigit() also says yes to "²" or "١٢", which
    int() then refuses (or reads as another number)."""
    return text.isascii() and text.isdigit()


# A point between groups of three digits, the first not 0: 9.300, 1.234.567 (thousands, as a
# Vietnamese reader writes them); 95.9, 0.300 or 12.50 have a decimal point instead.
THOUSANDS = re.compile(r"[+-]?[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")  # what Decimal then reads


def vn_decimal(text: str) -> Decimal:
    """A number as a Vietnamese reader types it: 1.234,5 or 95,9 or 9.300 (nine thousand three
    hundred) or 100; a point that does not part thousands is a decimal point (1234.5, 2.5).
    InvalidOperation for anything else: Decimal alone also takes "NaN", "Infinity", "1e100000",
    "1_000" and other scripts' digits. The one reading of a typed number: forms and the workbook's
    import."""
    text = text.strip().replace(" ", "")
    if "," in text or THOUSANDS.fullmatch(text):
        text = text.replace(".", "").replace(",", ".")
    if not PLAIN_NUMBER.fullmatch(text):
        raise InvalidOperation(text)
    return Decimal(text)


class VnDecimalField(forms.DecimalField):
    """A number box a user types into (a text box, not the browser's number box): read as
    vn_decimal reads it (1.500 is fifteen hundred, as Django's own localized field reads it only
    with USE_THOUSAND_SEPARATOR, which would also write ids and years as 2.026), shown as
    1500,5."""

    def __init__(self, **kwargs):
        kwargs["localize"] = True
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return vn_decimal(str(value))
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


def vn_integer(text: str) -> int:
    """A whole number as a Vietnamese reader types it: 1.200 or 1200 (the thousands' points
    dropped as vn_decimal drops them); ValueError for anything else, 1.5 included (no count)."""
    text = text.strip().replace(" ", "")
    if THOUSANDS.fullmatch(text):
        text = text.replace(".", "")
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise ValueError(text)
    return int(text)


class VnIntegerField(forms.IntegerField):
    """A count a user types (households: 1.200 is twelve hundred), in a text box with a digits
    keypad: the thousands' points dropped as vn_decimal drops them; anything else with a point
    (1.5) is no whole number."""

    widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return vn_integer(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


def misfits(model, values: dict) -> str:
    """Why the values ({field name: value}; None left out) do not fit the model's fields (too
    long, too many digits), each after its field's label; "" when they all fit. A form that
    parses several values out of one text (a line of a set) checks each as the table will."""
    found = []
    for name, value in values.items():
        if value is None:
            continue
        field = model._meta.get_field(name)
        try:
            field.clean(value, None)
        except ValidationError as e:
            found.append(f"{field.verbose_name}: {' '.join(e.messages)}")
    return "; ".join(found)


class IdField(forms.IntegerField):
    """An id in a query string or a form: a whole number from 1 to what a database takes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing an id that no database takes before it queries with it (on SQLite a
    value over 2^63 - 1 was a 500, OverflowError, where PostgreSQL finds no row)."""

    def _check_values(self, value):
        pk = self.queryset.model._meta.pk
        if self.to_field_name is None and isinstance(pk, models.IntegerField):
            for v in value:  # (a list or a tuple: clean() has checked)
                text = str(v)
                if not (digits(text) and 0 < int(text) <= MAX_ID):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": v},
                    )
        return super()._check_values(value)


class DateField(forms.DateField):
    """A typed date (config/formats: dd/mm/yyyy, also yyyy-mm-dd) in the years 1900–2100.

    Every date field of every form and query string is this one (or a subclass), so the range is
    enforced once: a year-1 date would pass strptime and fail later in date arithmetic (a 500).
    """

    # No `format`: the widget writes DATE_INPUT_FORMATS[0] of config/formats (dd/mm/yyyy).
    widget = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
    default_error_messages = {
        "invalid": _("Ngày không hợp lệ (dd/mm/yyyy)."),
        "out_of_range": _("Ngày phải trong các năm 1900–2100."),
    }

    def to_python(self, value):
        day = super().to_python(value)
        if day is not None and not in_range(day):
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return day


# yyyy-mm is what <input type="month"> sends; mm/yyyy is how a Vietnamese reader types a month.
_YEAR_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
_MONTH_YEAR = re.compile(r"([0-9]{1,2})/([0-9]{4})")


class MonthField(forms.Field):
    """A month typed as yyyy-mm (the browser's month picker) or mm/yyyy, in the years 1900–2100;
    cleaned to its first day. The one month field of every form and query string."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "yyyy-mm"})
    default_error_messages = {
        "invalid": _("Tháng không hợp lệ (yyyy-mm, ví dụ 2023-03, hoặc mm/yyyy)."),
        "out_of_range": _("Tháng phải trong các năm 1900–2100."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return value.replace(day=1)
        text = str(value).strip()
        if m := _YEAR_MONTH.fullmatch(text):
            year, month = int(m[1]), int(m[2])
        elif m := _MONTH_YEAR.fullmatch(text):
            month, year = int(m[1]), int(m[2])
        else:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not 1 <= month <= 12:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not EARLIEST.year <= year <= LATEST.year:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return datetime.date(year, month, 1)

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value.year:04d}-{value.month:02d}"
        return value


class PageField(forms.IntegerField):
    """A list's page number (?page=): optional, from 1; labelled, so that a bad one names the
    field in the page's error as every other filter does."""

    def __init__(self, *, max_value=100000, **kwargs):
        kwargs.setdefault("label", pgettext_lazy("pager", "Trang"))
        super().__init__(required=False, min_value=1, max_value=max_value, **kwargs)
