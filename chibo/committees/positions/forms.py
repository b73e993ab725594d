"""Forms of the committee and position pages: the organization page's query string, a term, a
position, the committee a congress elected."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.forms import DateField
from chibo.core.submissions import SubmissionKeyMixin
from chibo.core.vn import day_text
from chibo.members.models import Member

from ..forms import (
    MemberChoiceField,
    MembersChoiceField,
    member_by_card,
    offer,
    offer_members,
    titles_for,
)
from ..models import Position, Term, Title


class TermChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({day_text(obj.start)} – {day_text(obj.end)})"


class TermForm(SubmissionKeyMixin, forms.Form):
    name = forms.CharField(label=_("Nhiệm kỳ"), max_length=20, help_text=_("ví dụ 2025–2030"))
    start = DateField(label=_("Từ ngày"))
    end = DateField(label=_("Đến ngày (không kể)"))
    congress_date = DateField(label=_("Ngày đại hội"), required=False)


class PositionForm(SubmissionKeyMixin, forms.Form):
    member = MemberChoiceField(label=_("Đảng viên"), queryset=Member.objects.none())
    title = forms.ChoiceField(label=_("Chức danh"), choices=Title.choices)
    start = DateField(label=_("Từ ngày"))
    end = DateField(label=_("Đến ngày (nếu đã thôi)"), required=False)
    obtained = forms.ChoiceField(
        label=_("Hình thức"), choices=Position.Obtained.choices, initial=Position.Obtained.ELECTED
    )
    term = forms.ModelChoiceField(label=_("Nhiệm kỳ"), queryset=Term.objects.none(), required=False)
    decision = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)

    def __init__(self, *args, org, members, **kwargs):
        super().__init__(*args, **kwargs)
        offer_members(self, org, members)
        self.fields["title"].choices = titles_for(org)
        self.fields["term"].queryset = (
            Term.objects.filter(organization=org).select_related("organization").order_by("-start")
        )

    def clean_member(self):
        return member_by_card(self)


class CongressForm(SubmissionKeyMixin, forms.Form):
    """The committee elected at a congress of the cell."""

    term = TermChoiceField(label=_("Nhiệm kỳ"), queryset=Term.objects.none())
    on = DateField(label=_("Ngày đại hội"))
    secretary = MemberChoiceField(label=_("Bí thư"), queryset=Member.objects.none())
    deputy = MemberChoiceField(
        label=_("Phó Bí thư"), queryset=Member.objects.none(), required=False
    )
    members = MembersChoiceField(
        label=_("Chi ủy viên khác"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    decision = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)

    def __init__(self, *args, org, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = (
            Term.objects.filter(organization=org).select_related("organization").order_by("-start")
        )
        for name in ("secretary", "deputy", "members"):
            offer(self.fields[name], members)

    def clean(self):
        data = super().clean()
        people = [data.get("secretary"), data.get("deputy"), *(data.get("members") or [])]
        people = [p for p in people if p is not None]
        if len({p.pk for p in people}) != len(people):
            raise forms.ValidationError(_("Mỗi người chỉ giữ một chức danh trong chi ủy."))
        return data
