"""Query-string forms of the oversight pages, and the review forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.forms import DateField, IdField, MonthField, PageField

from .selectors import FILTERS
from .services import COMMENT_MAX

FORMATS = [("", _("Trang")), ("xlsx", _("Excel (.xlsx)"))]


class MonthQueryForm(forms.Form):
    """?org=<id>&month=YYYY-MM&format=xlsx of the overview (and the base of the month page)."""

    org = IdField(label=_("Tổ chức"), required=False)
    # The organization filter's text (organizations.search.resolve): it chooses `org` anew.
    org_q = forms.CharField(label=_("Tên tổ chức"), required=False, max_length=100)
    month = MonthField(label=_("Tháng"), required=False)
    format = forms.ChoiceField(label=_("Định dạng"), required=False, choices=FORMATS)


class MonthPageForm(MonthQueryForm):
    status = forms.ChoiceField(
        label=_("Tình trạng"), required=False, choices=[("", _("Tất cả")), *FILTERS]
    )
    page = PageField()


class IndicatorForm(forms.Form):
    org = IdField(label=_("Tổ chức"), required=False)
    as_of = DateField(label=_("Tính đến ngày"), required=False)
    page = PageField()


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
