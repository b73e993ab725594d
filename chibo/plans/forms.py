"""Forms of the village plan page: a target assigned, the plan sent, returned or approved."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.forms import DateField, VnDecimalField
from chibo.core.submissions import SubmissionKeyMixin
from chibo.criteria.models import CriteriaItem
from chibo.targets.models import Target


class AssignForm(SubmissionKeyMixin, forms.Form):
    name = forms.CharField(label=_("Chỉ tiêu"), max_length=200)
    unit = forms.CharField(label=_("Đơn vị tính"), max_length=40, required=False)
    yearly_value = VnDecimalField(label=_("Kế hoạch năm"), max_digits=12, decimal_places=2)
    measure = forms.ChoiceField(
        label=_("Cách tính"), choices=Target.Measure.choices, initial=Target.Measure.SUM
    )
    criteria_item = forms.ModelChoiceField(
        label=_("Phục vụ tiêu chí"), queryset=CriteriaItem.objects.none(), required=False
    )

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_item"].queryset = (
            items if items is not None else CriteriaItem.objects.none()
        )
        self.fields["criteria_item"].label_from_instance = lambda i: (
            f"{i.criteria_set.name}: {i.code}. {i.name}"
        )


class SubmitForm(forms.Form):
    text = forms.CharField(
        label=_("Nội dung kế hoạch"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("Ý kiến của xã"), max_length=500, required=False)


class AsOfForm(forms.Form):
    as_of = DateField(label=_("Tính đến ngày"), required=False)
