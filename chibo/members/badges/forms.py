from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.dates import today
from chibo.core.forms import DateField
from chibo.core.submissions import SubmissionKeyMixin


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=1930, max_value=2100, required=False)

    def clean_year(self):
        return self.cleaned_data.get("year") or today().year


class AwardForm(SubmissionKeyMixin, forms.Form):
    years = forms.TypedChoiceField(label=_("Huy hiệu"), coerce=int, choices=())
    awarded_on = DateField(label=_("Ngày trao tặng"))
    decided_by = forms.CharField(label=_("Cấp quyết định"), max_length=200, required=False)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=50, required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["years"].choices = [
            (y, _("Huy hiệu %(y)s năm tuổi Đảng") % {"y": y}) for y in years
        ]


class InterruptionForm(SubmissionKeyMixin, forms.Form):
    start = DateField(label=_("Gián đoạn từ ngày"))
    end = DateField(label=_("Đến ngày (ngày được kết nạp lại)"))
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)
