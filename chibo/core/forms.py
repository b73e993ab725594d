"""Form fields shared by every app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .dates import in_range


class DateField(forms.DateField):
    """A typed date (config/formats: dd/mm/yyyy, also yyyy-mm-dd) in the years 1900–2100.

    Every date field of every form and query string is this one (or a subclass), so the range is
    enforced once: a year-1 date would pass strptime and fail later in date arithmetic (a 500).
    """

    default_error_messages = {
        "invalid": _("Ngày không hợp lệ (dd/mm/yyyy)."),
        "out_of_range": _("Ngày phải trong các năm 1900–2100."),
    }

    def to_python(self, value):
        day = super().to_python(value)
        if day is not None and not in_range(day):
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return day
