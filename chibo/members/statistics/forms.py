import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.dates import today
from chibo.core.forms import DateField, PageField


def current_half(on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The half year holding `on`: 1/1–30/6 or 1/7–31/12."""
    if on.month <= 6:
        return datetime.date(on.year, 1, 1), datetime.date(on.year, 6, 30)
    return datetime.date(on.year, 7, 1), datetime.date(on.year, 12, 31)


class PeriodForm(forms.Form):
    """The period of the statistics; both days included. Blank: the current half year."""

    start = DateField(label=_("Từ ngày"), required=False)
    end = DateField(label=_("Đến ngày"), required=False)
    key = forms.RegexField(label=_("Chỉ tiêu"), regex=r"^[a-z_]+:.{0,100}$", required=False)
    page = PageField(max_value=10000)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start, end = current_half(today())
        data["start"] = data.get("start") or start
        data["end"] = data.get("end") or end
        if data["end"] < data["start"]:
            raise forms.ValidationError(_("Ngày cuối kỳ phải từ ngày đầu kỳ trở đi."))
        if (data["end"] - data["start"]).days > 366 * 5:
            raise forms.ValidationError(_("Kỳ thống kê dài tối đa 5 năm."))
        return data
