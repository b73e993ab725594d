"""Query-string forms of the oversight pages, and the review forms."""

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.members.forms import VNDateField

from .selectors_oversight import FILTERS
from .services_review import COMMENT_MAX

FORMATS = [("", _("Trang")), ("xlsx", _("Excel (.xlsx)"))]
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_MONTH_VN = re.compile(r"^\s*(\d{1,2})/(\d{4})\s*$")


class MonthField(forms.Field):
    """A month as YYYY-MM (what <input type="month"> sends) or mm/yyyy; its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "yyyy-mm"})
    default_error_messages = {"invalid": _("Tháng không hợp lệ (yyyy-mm).")}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.date):
            return value.replace(day=1)
        text = str(value)
        if m := _MONTH.match(text):
            year, month = int(m[1]), int(m[2])
        elif m := _MONTH_VN.match(text):
            month, year = int(m[1]), int(m[2])
        else:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not (1 <= month <= 12 and 2000 <= year <= 2100):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return datetime.date(year, month, 1)

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value:%Y-%m}"
        return value


class MonthQueryForm(forms.Form):
    """?org=<id>&month=YYYY-MM&format=xlsx of the overview (and the base of the month page)."""

    org = forms.IntegerField(label=_("Tổ chức"), required=False, min_value=1)
    month = MonthField(label=_("Tháng"), required=False)
    format = forms.ChoiceField(label=_("Định dạng"), required=False, choices=FORMATS)


class MonthPageForm(MonthQueryForm):
    status = forms.ChoiceField(
        label=_("Tình trạng"), required=False, choices=[("", _("Tất cả")), *FILTERS]
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)


class IndicatorForm(forms.Form):
    org = forms.IntegerField(label=_("Tổ chức"), required=False, min_value=1)
    as_of = VNDateField(label=_("Tính đến ngày"), required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)


class ConfirmForm(forms.Form):
    """The version of the record the reviewer saw (the optimistic lock)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": _("Thiếu phiên bản của biên bản; hãy tải lại trang."),
            "invalid": _("Thiếu phiên bản của biên bản; hãy tải lại trang."),
        },
    )


class ReturnForm(ConfirmForm):
    comment = forms.CharField(
        label=_("Ý kiến khi trả lại (cần bổ sung, sửa chữa gì)"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy ghi rõ cần bổ sung, sửa chữa gì khi trả lại biên bản.")},
    )
