"""Forms of the congress pages: a plan, a congress's steps and deadline, the congress held with
the committee it elected (a cell's from its members; a grassroots committee's by party card
numbers: its members number hundreds), a grassroots committee's congress added to a plan, the
prose of the documents, a template upload, a regulation and its review, and the pages' query
strings."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.forms import DateField, IdField, ModelMultipleChoiceField
from chibo.core.submissions import SubmissionKeyMixin
from chibo.meetings import materials
from chibo.members.models import Member
from chibo.organizations.models import Organization

from .models import CongressDraft, DocumentKind

MAX_UPLOAD = 10 * 1024 * 1024


class AsOfForm(forms.Form):
    as_of = DateField(label=_("Tính đến ngày"), required=False)


class PlanQueryForm(AsOfForm):
    under = IdField(label=_("Tổ chức"), required=False)


class PlanForm(SubmissionKeyMixin, forms.Form):
    term_name = forms.CharField(label=_("Nhiệm kỳ"), max_length=20)
    term_start = DateField(label=_("Nhiệm kỳ từ ngày"))
    term_end = DateField(label=_("Nhiệm kỳ đến ngày (không tính)"))
    deadline = DateField(label=_("Hạn hoàn thành đại hội (ngày cuối)"))
    reference = forms.CharField(label=_("Số kế hoạch"), max_length=100, required=False)
    grassroots = forms.BooleanField(
        label=_("Kế hoạch đại hội các đảng bộ cơ sở trực thuộc (không phải các chi bộ)"),
        required=False,
    )

    def __init__(self, *args, upper=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not upper:  # a commune plans its cells' congresses only
            del self.fields["grassroots"]


class CommitteeAddForm(SubmissionKeyMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Đảng bộ cơ sở"), queryset=Organization.objects.none()
    )
    deadline = DateField(label=_("Hạn hoàn thành (để trống: hạn của kế hoạch)"), required=False)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations


class StepsForm(forms.Form):
    drafted_on = DateField(label=_("Dự thảo xong văn kiện"), required=False)
    opinion_on = DateField(label=_("Cấp trên cho ý kiến"), required=False)
    personnel_on = DateField(label=_("Duyệt nhân sự"), required=False)
    scheduled_on = DateField(label=_("Ngày dự kiến đại hội"), required=False)


class DeadlineForm(forms.Form):
    deadline = DateField(label=_("Hạn hoàn thành của chi bộ"))


class HoldForm(SubmissionKeyMixin, forms.Form):
    held_on = DateField(label=_("Ngày đại hội"))
    secretary = forms.ModelChoiceField(label=_("Bí thư"), queryset=Member.objects.none())
    deputy = forms.ModelChoiceField(
        label=_("Phó Bí thư"), queryset=Member.objects.none(), required=False
    )
    members = ModelMultipleChoiceField(
        label=_("Chi ủy viên khác"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    decision = forms.CharField(label=_("Quyết định chuẩn y"), max_length=100, required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            for name in ("secretary", "deputy", "members"):
                self.fields[name].queryset = members


class CardsField(forms.CharField):
    """Party card numbers, one a line (or separated by commas or spaces)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [c for c in re.split(r"[\s,;]+", text) if c]


class CommitteeHoldForm(SubmissionKeyMixin, forms.Form):
    """The congress of a grassroots committee held and the committee it elected, named by party
    card numbers."""

    held_on = DateField(label=_("Ngày đại hội"))
    secretary = forms.CharField(label=_("Bí thư (số thẻ đảng viên)"), max_length=20)
    deputies = CardsField(label=_("Phó Bí thư (số thẻ, mỗi dòng một người)"), required=False)
    standing = CardsField(
        label=_("Ủy viên Ban Thường vụ khác (số thẻ, mỗi dòng một người)"), required=False
    )
    members = CardsField(label=_("Ủy viên Ban Chấp hành khác (số thẻ)"), required=False)
    decision = forms.CharField(label=_("Quyết định chuẩn y"), max_length=100, required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members if members is not None else Member.objects.none()

    def clean(self):
        data = super().clean()
        fields = ("secretary", "deputies", "standing", "members")
        cards = {
            f: ([data[f].strip()] if f == "secretary" else data[f])
            for f in fields
            if data.get(f) is not None
        }
        wanted = [c for f in fields for c in cards.get(f, [])]
        if len(set(wanted)) != len(wanted):
            raise forms.ValidationError(_("Mỗi người chỉ giữ một chức danh trong cấp ủy."))
        found = {m.party_card_number: m for m in self.members.filter(party_card_number__in=wanted)}
        for f, values in cards.items():
            unknown = [c for c in values if c not in found]
            if unknown:
                self.add_error(
                    f,
                    _("Không có đảng viên mang số thẻ %(c)s trong đảng bộ.")
                    % {"c": ", ".join(unknown)},
                )
                continue
            people = [found[c] for c in values]
            data[f] = people[0] if f == "secretary" else people
        return data


class DraftForm(forms.ModelForm):
    class Meta:
        model = CongressDraft
        fields = list(CongressDraft.PROSE)
        widgets = {f: forms.Textarea(attrs={"rows": 5}) for f in CongressDraft.PROSE}


class TemplateForm(SubmissionKeyMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Văn kiện"), choices=DocumentKind.choices)
    valid_from = DateField(label=_("Áp dụng từ ngày"))
    name = forms.CharField(label=_("Tên mẫu"), max_length=200, required=False)
    file = forms.FileField(label=_("Tệp mẫu (.docx)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Tệp lớn hơn 10 MB."))
        if not f.name.lower().endswith(".docx"):
            raise forms.ValidationError(_("Hãy chọn tệp Word .docx."))
        return f


class RegulationForm(SubmissionKeyMixin, forms.Form):
    adopted_on = DateField(label=_("Ngày ban hành"))
    reference = forms.CharField(label=_("Số văn bản"), max_length=100, required=False)
    text = forms.CharField(
        label=_("Nội dung (tóm tắt)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    file = forms.FileField(label=_("Tệp quy chế (.docx, .pdf)"), required=False)

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f is None:
            return f
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Tệp lớn hơn 10 MB."))
        ext = f.name.lower().rsplit(".", 1)[-1]
        if ext not in ("docx", "pdf", "doc"):
            raise forms.ValidationError(_("Hãy chọn tệp .docx, .doc hoặc .pdf."))
        # What the file holds, not its name alone (a text file named .docx was kept).
        try:
            kind = materials.sniff(f)
        except materials.MaterialRejected as e:
            raise forms.ValidationError(str(e)) from None
        f.seek(0)
        if ext == "doc":
            matches = f.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003
            f.seek(0)
        else:
            matches = kind == ext
        if not matches:
            raise forms.ValidationError(
                _("Nội dung tệp không phải văn bản .%(e)s. Hãy lưu lại đúng định dạng rồi gửi lại.")
                % {"e": ext}
            )
        return f


class ReviewForm(SubmissionKeyMixin, forms.Form):
    reviewed_on = DateField(label=_("Ngày rà soát"))
    note = forms.CharField(label=_("Kết luận"), max_length=300, required=False)
