"""Forms of succession planning: the page's term, a successor added, a successor removed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.forms import DateField
from chibo.core.submissions import SubmissionKeyMixin
from chibo.members.models import Member

from ..forms import MemberChoiceField, PageForm, member_by_card, offer_members, titles_for
from ..models import Title


class SuccessionQueryForm(PageForm):
    term = forms.CharField(label=_("Nhiệm kỳ quy hoạch"), required=False, max_length=20)


class SuccessionAddForm(SubmissionKeyMixin, forms.Form):
    term_name = forms.CharField(label=_("Nhiệm kỳ quy hoạch"), max_length=20)
    title = forms.ChoiceField(label=_("Chức danh"), choices=Title.choices)
    member = MemberChoiceField(label=_("Đảng viên"), queryset=Member.objects.none())
    approved_on = DateField(label=_("Ngày phê duyệt"))
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args, org, members, **kwargs):
        super().__init__(*args, **kwargs)
        offer_members(self, org, members)
        self.fields["title"].choices = titles_for(org)

    def clean_member(self):
        return member_by_card(self)


class SuccessionRemoveForm(forms.Form):
    on = DateField(label=_("Đưa ra khỏi quy hoạch từ ngày"))
    note = forms.CharField(label=_("Lý do"), max_length=300, required=False)
