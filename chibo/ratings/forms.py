from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.dates import today
from chibo.core.forms import DateField
from chibo.core.submissions import SubmissionKeyMixin


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100, required=False)
    # The indicator's list links here with its date: the year rated last before it.
    as_of = DateField(label=_("Tính đến ngày"), required=False)

    def chosen_year(self) -> int:
        data = self.cleaned_data
        return data.get("year") or (data.get("as_of") or today()).year - 1


class SelfRateForm(SubmissionKeyMixin, forms.Form):
    points = forms.DecimalField(
        label=_("Điểm tự chấm (0–100)"), max_digits=5, decimal_places=2, localize=True
    )
    on = DateField(label=_("Ngày tự đánh giá"))


class DecideForm(forms.Form):
    level = forms.ModelChoiceField(label=_("Mức xếp loại"), queryset=None)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=50)
    decision_date = DateField(label=_("Ngày quyết định"))

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = levels


class MemberRateForm(SubmissionKeyMixin, forms.Form):
    member = forms.ModelChoiceField(label=_("Đảng viên"), queryset=None)
    self_level = forms.ModelChoiceField(label=_("Tự xếp loại"), queryset=None)
    proposed_level = forms.ModelChoiceField(
        label=_("Chi bộ đề xuất"), queryset=None, required=False
    )

    def __init__(self, *args, members, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["self_level"].queryset = levels
        self.fields["proposed_level"].queryset = levels


class MemberDecideForm(DecideForm):
    rating = forms.ModelChoiceField(label=_("Đảng viên"), queryset=None)
    field_order = ["rating", "level", "decision_number", "decision_date"]

    def __init__(self, *args, ratings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].queryset = ratings
        self.fields["rating"].label_from_instance = lambda r: r.member.full_name
