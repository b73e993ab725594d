"""Query-string forms of the committee pages and the write forms; checks live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.members.forms import VNDateField
from chibo.members.models import Member

from . import rules
from .models import ConcurrentRole, Position, Term, Title

FORMATS = [("", _("Trang")), ("xlsx", _("Excel (.xlsx)"))]


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.birth_date:%Y}, {obj.cell.name})"


class MembersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.birth_date:%Y})"


class TermChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.start:%d/%m/%Y} – {obj.end:%d/%m/%Y})"


def _titles(org):
    allowed = rules.CELL_TITLES if org.is_cell else Title.values
    return [(v, label) for v, label in Title.choices if v in allowed]


# --- query strings ------------------------------------------------------------------------------


class PageForm(forms.Form):
    as_of = VNDateField(label=_("Tính đến ngày"), required=False)
    format = forms.ChoiceField(label=_("Định dạng"), required=False, choices=FORMATS)


class OrgPageForm(PageForm):
    flagged = forms.BooleanField(label=_("Chỉ chi bộ có cảnh báo"), required=False)


class IndicatorForm(PageForm):
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)


class QualificationForm(PageForm):
    list = forms.ChoiceField(
        label=_("Danh sách"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            ("officials", _("Cán bộ, công chức xã chưa đạt chuẩn")),
            ("theory", _("Cấp ủy viên chi bộ thôn, bản chưa đạt chuẩn lý luận")),
        ],
    )


class SuccessionQueryForm(PageForm):
    term = forms.CharField(label=_("Nhiệm kỳ quy hoạch"), required=False, max_length=20)


# --- writes -------------------------------------------------------------------------------------


class TermForm(forms.Form):
    name = forms.CharField(label=_("Nhiệm kỳ"), max_length=20, help_text=_("ví dụ 2025–2030"))
    start = VNDateField(label=_("Từ ngày"))
    end = VNDateField(label=_("Đến ngày"))
    congress_date = VNDateField(label=_("Ngày đại hội"), required=False)


class PositionForm(forms.Form):
    member = MemberChoiceField(label=_("Đảng viên"), queryset=Member.objects.none())
    title = forms.ChoiceField(label=_("Chức danh"), choices=Title.choices)
    start = VNDateField(label=_("Từ ngày"))
    end = VNDateField(label=_("Đến ngày (nếu đã thôi)"), required=False)
    obtained = forms.ChoiceField(
        label=_("Hình thức"), choices=Position.Obtained.choices, initial=Position.Obtained.ELECTED
    )
    term = forms.ModelChoiceField(label=_("Nhiệm kỳ"), queryset=Term.objects.none(), required=False)
    decision = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)

    def __init__(self, *args, org, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["title"].choices = _titles(org)
        self.fields["term"].queryset = Term.objects.filter(organization=org).order_by("-start")


class EndForm(forms.Form):
    end = VNDateField(label=_("Thôi từ ngày"))


class CongressForm(forms.Form):
    """The committee elected at a congress of the cell."""

    term = TermChoiceField(label=_("Nhiệm kỳ"), queryset=Term.objects.none())
    on = VNDateField(label=_("Ngày đại hội"))
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
        self.fields["term"].queryset = Term.objects.filter(organization=org).order_by("-start")
        for name in ("secretary", "deputy", "members"):
            self.fields[name].queryset = members

    def clean(self):
        data = super().clean()
        people = [data.get("secretary"), data.get("deputy"), *(data.get("members") or [])]
        people = [p for p in people if p is not None]
        if len({p.pk for p in people}) != len(people):
            raise forms.ValidationError(_("Mỗi người chỉ giữ một chức danh trong chi ủy."))
        return data


class RoleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Chức danh"), choices=ConcurrentRole.Kind.choices)
    member = MemberChoiceField(label=_("Đảng viên"), queryset=Member.objects.none(), required=False)
    person_name = forms.CharField(
        label=_("hoặc họ tên (nếu không là đảng viên)"), max_length=120, required=False
    )
    start = VNDateField(label=_("Từ ngày"))
    end = VNDateField(label=_("Đến ngày (nếu đã thôi)"), required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members

    def clean(self):
        data = super().clean()
        if bool(data.get("member")) == bool((data.get("person_name") or "").strip()):
            raise forms.ValidationError(
                _("Chọn một đảng viên, hoặc ghi họ tên người không phải đảng viên (một trong hai).")
            )
        return data


class SuccessionAddForm(forms.Form):
    term_name = forms.CharField(label=_("Nhiệm kỳ quy hoạch"), max_length=20)
    title = forms.ChoiceField(label=_("Chức danh"), choices=Title.choices)
    member = MemberChoiceField(label=_("Đảng viên"), queryset=Member.objects.none())
    approved_on = VNDateField(label=_("Ngày phê duyệt"))
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args, org, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["title"].choices = _titles(org)


class SuccessionRemoveForm(forms.Form):
    on = VNDateField(label=_("Đưa ra khỏi quy hoạch từ ngày"))
    note = forms.CharField(label=_("Lý do"), max_length=300, required=False)
