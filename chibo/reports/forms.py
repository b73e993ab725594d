"""Forms of the report pages: the date of a report, a template upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.forms import DateField
from chibo.core.submissions import SubmissionKeyMixin

MAX_UPLOAD = 10 * 1024 * 1024


class ReportForm(forms.Form):
    as_of = DateField(label=_("Số liệu đến ngày"), required=False)


class TemplateForm(SubmissionKeyMixin, forms.Form):
    valid_from = DateField(label=_("Áp dụng từ ngày"))
    name = forms.CharField(label=_("Tên mẫu"), max_length=200, required=False)
    file = forms.FileField(label=_("Tệp mẫu (.docx)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Tệp lớn hơn 10 MB."))
        if not f.name.lower().endswith(".docx"):
            raise forms.ValidationError(_("Chỉ nhận tệp Word (.docx)."))
        return f
