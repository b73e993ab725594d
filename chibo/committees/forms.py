"""Query-string forms of the committee pages and the write forms; checks live in services."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from chibo.core import html
from chibo.core.forms import DateField as VNDateField
from chibo.members.models import Member

from . import rules
from .models import CommuneLeader, ConcurrentRole, Position, Term, Title

FORMATS = [("", _("Trang")), ("xlsx", _("Excel (.xlsx)"))]


class _MemberChoices(ModelChoiceIterator):
    """(pk, label) from four values of each member, not from Member instances with their cells:
    a commune's select offers hundreds of members."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = self.queryset.values_list("pk", "full_name", "birth_date", "cell__name")
        for pk, name, born, cell in rows:
            yield (pk, self.field.label_from_values(name, born, cell))


class MemberSelect(forms.Select):
    """A select rendered in Python: Django renders each option through a template of its own,
    which for hundreds of members cost more than the rest of the page. Plain choices only (no
    groups, no per-option attributes)."""

    def render(self, name, value, attrs=None, renderer=None):
        options = html.options(self.choices, self.format_value(value))
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attrs, options)


class MemberChoiceField(forms.ModelChoiceField):
    iterator = _MemberChoices
    widget = MemberSelect

    def label_from_values(self, name, born, cell):
        return f"{name} ({born:%Y}, {cell})"


# Above a commune the members number thousands: a list of them all would weigh megabytes on a
# phone, so a form there names the member by party card number.
LISTED_KINDS = ("cell", "grassroots")


def _offer_members(form, org, members):
    form.members = members
    if org.kind in LISTED_KINDS:
        form.fields["member"].queryset = members
    else:
        form.fields["member"] = forms.CharField(
            label=_("Số thẻ đảng viên"), max_length=20, help_text=_("Đảng viên thuộc tổ chức này.")
        )


def _member_by_card(form):
    value = form.cleaned_data["member"]
    if not isinstance(value, str):
        return value
    member = form.members.filter(party_card_number=value.strip()).first()
    if member is None:
        raise forms.ValidationError(
            _("Không có đảng viên mang số thẻ này trong tổ chức."), code="unknown_card"
        )
    return member


class MembersChoiceField(forms.ModelMultipleChoiceField):
    iterator = _MemberChoices

    def label_from_values(self, name, born, cell):
        return f"{name} ({born:%Y})"


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
    end = VNDateField(label=_("Đến ngày (không kể)"))
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
        _offer_members(self, org, members)
        self.fields["title"].choices = _titles(org)
        self.fields["term"].queryset = Term.objects.filter(organization=org).order_by("-start")

    def clean_member(self):
        return _member_by_card(self)


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
        _offer_members(self, org, members)
        self.fields["title"].choices = _titles(org)

    def clean_member(self):
        return _member_by_card(self)


class SuccessionRemoveForm(forms.Form):
    on = VNDateField(label=_("Đưa ra khỏi quy hoạch từ ngày"))
    note = forms.CharField(label=_("Lý do"), max_length=300, required=False)


# --- what a commune records ---------------------------------------------------------------------


LOCAL_CHOICES = [("1", _("Người địa phương")), ("0", _("Không phải người địa phương"))]
STANDARD_CHOICES = [("1", _("Đạt chuẩn")), ("0", _("Chưa đạt chuẩn"))]


def _yes_no(choices, label):
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn một.")},
    )


class _HolderForm(forms.Form):
    """A member of the commune, or the name of someone whose record is not kept here."""

    member = MemberChoiceField(label=_("Đảng viên"), queryset=Member.objects.none(), required=False)
    full_name = forms.CharField(
        label=_("hoặc họ tên (nếu không có trong danh sách)"), max_length=120, required=False
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class CommuneLeaderForm(_HolderForm):
    post = forms.ChoiceField(label=_("Chức danh"), choices=CommuneLeader.Post.choices)
    is_local = _yes_no(LOCAL_CHOICES, _("Là người địa phương"))
    start = VNDateField(label=_("Từ ngày"))
    end = VNDateField(label=_("Đến ngày (nếu đã thôi)"), required=False)

    field_order = ["post", "member", "full_name", "is_local", "start", "end"]


class LeadershipTargetForm(forms.Form):
    term_name = forms.CharField(label=_("Nhiệm kỳ"), max_length=20, help_text=_("ví dụ 2020–2025"))
    start = VNDateField(label=_("Từ ngày"))
    end = VNDateField(label=_("Đến ngày (không kể)"))
    nonlocal_target = forms.IntegerField(
        label=_("Số vị trí không phải người địa phương"),
        min_value=0,
        max_value=1000,
        error_messages={"min_value": _("Chỉ tiêu phải là số không âm.")},
    )


class AssessForm(forms.Form):
    meets_standard = _yes_no(STANDARD_CHOICES, _("Kết quả đánh giá chuẩn"))
    reason = forms.CharField(label=_("Lý do chưa đạt"), max_length=300, required=False)
    assessed_on = VNDateField(label=_("Ngày đánh giá"))


class CommuneOfficialForm(_HolderForm, AssessForm):
    post = forms.CharField(label=_("Chức vụ"), max_length=120)
    start = VNDateField(label=_("Giữ chức vụ từ ngày"))
    end = VNDateField(label=_("Đến ngày (nếu đã thôi)"), required=False)

    field_order = [
        "member",
        "full_name",
        "post",
        "start",
        "end",
        "meets_standard",
        "reason",
        "assessed_on",
    ]


# Which holder a role model pairs with a village post: a cell title or another village post.
def _pair_sources():
    return [
        ("", "—"),
        *((f"title:{v}", label) for v, label in Title.choices if v in rules.CELL_TITLES),
        *((f"kind:{v}", label) for v, label in ConcurrentRole.Kind.choices),
    ]


ROLE_MODEL_PAIRS = 4
# The Nà Bó pilot, offered as the starting point.
NA_BO_PAIRS = [
    ("title:secretary", "village_head"),
    ("title:deputy_secretary", "front_head"),
    ("kind:deputy_village_head", "village_police"),
]


class RoleModelForm(forms.Form):
    """A role model: a name, a date and up to four pairings 'holder of A also holds B'."""

    name = forms.CharField(label=_("Tên mô hình"), max_length=200)
    effective_from = VNDateField(label=_("Áp dụng từ ngày"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [("", "—"), *ConcurrentRole.Kind.choices]
        for i in range(1, ROLE_MODEL_PAIRS + 1):
            self.fields[f"holder_{i}"] = forms.ChoiceField(
                label=_("Người giữ chức danh (cặp %(i)s)") % {"i": i},
                choices=_pair_sources(),
                required=False,
            )
            self.fields[f"post_{i}"] = forms.ChoiceField(
                label=_("đồng thời là (cặp %(i)s)") % {"i": i}, choices=kinds, required=False
            )
        if not self.is_bound:
            for i, (holder, post) in enumerate(NA_BO_PAIRS, start=1):
                self.initial.setdefault(f"holder_{i}", holder)
                self.initial.setdefault(f"post_{i}", post)

    def clean(self):
        """Read the pairs as (title, kind, paired_kind) in `pairings`; services.role_model_adopt
        checks them."""
        data = super().clean()
        pairings = []
        for i in range(1, ROLE_MODEL_PAIRS + 1):
            holder, post = data.get(f"holder_{i}"), data.get(f"post_{i}")
            if not holder and not post:
                continue
            if not holder or not post:
                self.add_error(f"post_{i}", _("Hãy chọn đủ hai chức danh của cặp."))
                continue
            source, value = holder.split(":", 1)
            pairings.append((value, post, "") if source == "title" else ("", post, value))
        data["pairings"] = pairings
        return data


class RoleModelEndForm(forms.Form):
    on = VNDateField(label=_("Thôi áp dụng từ ngày"))
