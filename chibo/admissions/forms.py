"""Forms of the admission pages: the candidate, a step, a target, and the boards' query strings."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.forms import DateField, PageField
from chibo.core.submissions import SubmissionKeyMixin
from chibo.members import rules as member_rules
from chibo.members.models import Member
from chibo.organizations.models import Organization

from .models import Candidate, Step
from .rules import PIPELINE


def _date_field(label, required=True):
    return DateField(label=label, required=required)  # dd/mm/yyyy: core's widget


class CandidateForm(SubmissionKeyMixin, forms.ModelForm):
    cell = forms.ModelChoiceField(label=_("Chi bộ"), queryset=Organization.objects.none())
    listed_on = _date_field(_("Ngày đưa vào danh sách quần chúng ưu tú"))
    birth_date = _date_field(_("Ngày sinh"))
    citizen_id = forms.RegexField(
        label=_("Số CCCD"),
        regex=r"^\d{12}$",
        required=False,
        error_messages={"invalid": _("Số CCCD gồm đúng 12 chữ số.")},
    )
    ethnicity = forms.CharField(
        label=_("Dân tộc"),
        max_length=40,
        widget=forms.Select(
            choices=[("", _("— Chọn dân tộc —")), *((n, n) for n in member_rules.ETHNIC_GROUPS)]
        ),
    )

    class Meta:
        model = Candidate
        fields = [
            "cell",
            "listed_on",
            "full_name",
            "sex",
            "birth_date",
            "ethnicity",
            "religion",
            "occupation",
            "education",
            "qualification",
            "hometown",
            "residence",
            "citizen_id",
        ]

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cells is not None:
            self.fields["cell"].queryset = cells


class StepForm(SubmissionKeyMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Bước"), choices=Step.choices)
    on = _date_field(_("Ngày"))
    number = forms.CharField(label=_("Số văn bản"), max_length=40, required=False)
    issuer = forms.CharField(label=_("Nơi cấp, ban hành"), max_length=200, required=False)
    sponsor_1 = forms.ModelChoiceField(
        label=_("Đảng viên giới thiệu thứ nhất"), queryset=Member.objects.none(), required=False
    )
    sponsor_2 = forms.ModelChoiceField(
        label=_("Đảng viên giới thiệu thứ hai"), queryset=Member.objects.none(), required=False
    )
    until = _date_field(_("Kéo dài đến ngày"), required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args, kinds=(), sponsors=None, pool=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, Step(k).label) for k in kinds]
        if sponsors is not None:
            # The list offers the official members of the cell; any member of the grassroots
            # organization (`pool`) is accepted, so that the service says why one cannot sponsor
            # (probationary, another cell) rather than "not one of the choices".
            offered = [("", "—"), *((m.pk, m.full_name) for m in sponsors)]
            for name in ("sponsor_1", "sponsor_2"):
                self.fields[name].queryset = pool if pool is not None else sponsors
                self.fields[name].widget.choices = offered
        if Step.SPONSORS not in kinds:
            del self.fields["sponsor_1"], self.fields["sponsor_2"]
        if Step.EXTENSION not in kinds:
            del self.fields["until"]


class BoardForm(forms.Form):
    """The board's query string: the date it stands on and the step whose rows it lists."""

    as_of = DateField(label=_("Tính đến ngày"), required=False)
    step = forms.ChoiceField(
        label=_("Bước"),
        required=False,
        choices=[("", _("Tất cả")), *((s, Step(s).label) for s in PIPELINE)],
    )
    page = PageField()


class AdmittedForm(forms.Form):
    as_of = DateField(label=_("Tính đến ngày"), required=False)
    page = PageField()


class RollupForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=1930, max_value=2100, required=False)


class TargetForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Tổ chức"), queryset=Organization.objects.none())
    value = forms.IntegerField(label=_("Chỉ tiêu kết nạp"), min_value=0, max_value=100000)
    decided_on = _date_field(_("Ngày giao"))
    number = forms.CharField(label=_("Số văn bản"), max_length=40, required=False)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations


def year_end(year: int, today: datetime.date) -> datetime.date:
    """The day a year's figures stand on: 31 December, or today for the current year."""
    return min(datetime.date(year, 12, 31), today)
