import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chibo.core.dates import today
from chibo.core.forms import DateField, IdField, PageField, digits
from chibo.core.renderers import RENDERER
from chibo.core.submissions import SubmissionKeyMixin
from chibo.organizations.models import Organization

from . import rules
from .checks import ENTERED_BY_MOVEMENT, check_generic_status, check_status_reason
from .models import Member, Sex, Status, TheoryLevel

AGE_BANDS = [
    ("", _("Mọi độ tuổi")),
    ("u30", _("Dưới 30")),
    ("30-39", _("30–39")),
    ("40-49", _("40–49")),
    ("50-59", _("50–59")),
    ("60+", _("Từ 60 trở lên")),
]
SORTS = [
    ("name", _("Tên (A–Z)")),
    ("-name", _("Tên (Z–A)")),
    ("birth", _("Ngày sinh")),
    ("admission", _("Ngày vào Đảng")),
]
# Probationary or official as of today (MemberQuerySet.probationary / .official).
STANDINGS = [("probationary", _("Dự bị")), ("official", _("Chính thức"))]


class MemberFilterForm(forms.Form):
    """Query-string filters of the member list (and its export)."""

    default_renderer = RENDERER  # five selects on every visit of the list (ADR 0011)

    q = forms.CharField(label=_("Tìm"), required=False, max_length=100)
    org = IdField(label=_("Tổ chức"), required=False)
    # The organization filter's text (organizations.search.resolve): it chooses `org` anew.
    org_q = forms.CharField(label=_("Tên tổ chức"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Đang sinh hoạt và miễn")), ("all", _("Tất cả")), *Status.choices],
    )
    theory_level = forms.ChoiceField(
        label=_("Lý luận chính trị"),
        required=False,
        choices=[("", _("Tất cả")), *TheoryLevel.choices],
    )
    sex = forms.ChoiceField(
        label=_("Giới tính"), required=False, choices=[("", _("Tất cả")), *Sex.choices]
    )
    ethnicity = forms.CharField(label=_("Dân tộc"), required=False, max_length=40)
    standing = forms.ChoiceField(
        label=_("Dự bị / Chính thức"),
        required=False,
        choices=[("", _("Tất cả")), *STANDINGS],
    )
    age = forms.ChoiceField(label=_("Tuổi"), required=False, choices=AGE_BANDS)
    sort = forms.ChoiceField(label=_("Sắp xếp"), required=False, choices=SORTS)
    page = PageField()
    # The pager's links (core.keyset): the page starts after, or ends before, this member.
    after = IdField(label=_("Sau đảng viên"), required=False)
    before = IdField(label=_("Trước đảng viên"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("after") and data.get("before"):
            self.add_error("before", _("Chỉ dùng một trong hai: sau hoặc trước một đảng viên."))
        return data

    def clean_ethnicity(self):
        # "hmong" or "H'Mông" finds the members stored as Mông; a name outside the list is
        # looked up as typed (a record typed before the list may hold it).
        text = self.cleaned_data["ethnicity"]
        return rules.canonical_ethnicity(text) or text


def age_band_dates(band: str, on: datetime.date):
    """(born_after, born_on_or_before) for an age band on a date."""

    def years_ago(n):
        try:
            return on.replace(year=on.year - n)
        except ValueError:  # 29 February
            return on.replace(year=on.year - n, day=28)

    lo, hi = {
        "u30": (0, 29),
        "30-39": (30, 39),
        "40-49": (40, 49),
        "50-59": (50, 59),
        "60+": (60, 200),
    }[band]
    # age >= lo  <=> born on or before years_ago(lo); age <= hi <=> born after years_ago(hi+1)
    return years_ago(hi + 1), years_ago(lo)


class MemberForm(forms.ModelForm):
    """Create and edit a member record, with the register's checks (rules.check): errors
    beside their fields; warnings above the buttons, saved only once the user ticks
    `accept_warnings`."""

    birth_date = DateField(label=_("Ngày sinh"))
    admission_date = DateField(label=_("Ngày vào Đảng"))
    official_date = DateField(label=_("Ngày chính thức"), required=False)
    # Twelve digits is a register rule (rules.check): one message for the form and the imports.
    citizen_id = forms.CharField(label=_("Số CCCD"), required=False, max_length=20)
    ethnicity = forms.CharField(
        label=_("Dân tộc"),
        max_length=40,
        widget=forms.Select(
            choices=[("", _("— Chọn dân tộc —")), *((n, n) for n in rules.ETHNIC_GROUPS)]
        ),
    )
    accept_warnings = forms.BooleanField(label=_("Tôi đã kiểm tra, vẫn lưu"), required=False)

    class Meta:
        model = Member
        fields = [
            "full_name",
            "other_names",
            "sex",
            "birth_date",
            "birthplace",
            "hometown",
            "residence",
            "ethnicity",
            "religion",
            "occupation",
            "citizen_id",
            "party_card_number",
            "admission_date",
            "official_date",
            "education",
            "qualification",
            "theory_level",
            "foreign_language",
            "it_level",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings: list[rules.Finding] = []
        stored = self.instance.ethnicity if self.instance.pk else ""
        if stored:
            # A record typed before the list ("H'Mông") opens on its official name; a name
            # the list lacks stays offered as it is, so saving asks for a choice.
            canonical = rules.canonical_ethnicity(stored)
            if canonical:
                self.initial["ethnicity"] = canonical
            else:
                widget = self.fields["ethnicity"].widget
                widget.choices = [*widget.choices, (stored, stored)]

    def clean_ethnicity(self):
        text = self.cleaned_data["ethnicity"]
        canonical = rules.canonical_ethnicity(text)
        if canonical is None:
            raise forms.ValidationError(rules.unknown_ethnicity_message(text))
        return canonical

    def clean(self):
        data = super().clean()
        after = {k: data.get(k) for k in rules.FIELDS if k not in self.errors}
        # Duplicates need the database: the service finds them (rules.review again).
        if self.instance.pk:
            before = {k: getattr(self.instance, k) for k in rules.FIELDS}
            record = rules.Record({**before, **after}, before=before, pk=self.instance.pk)
        else:
            record = rules.Record(after)
        errors, warnings = rules.review([record], in_database=False)
        for finding in errors:
            if finding.field not in self.errors:
                self.add_error(finding.field, finding.message)
        self.warnings = warnings
        if self.warnings and not data.get("accept_warnings"):
            self.add_error(
                "accept_warnings",
                _("Hãy đọc các cảnh báo; nếu thông tin đúng, đánh dấu ô này rồi lưu lại."),
            )
        return data

    @property
    def member_fields(self) -> dict:
        """The cleaned values the services take (everything but the confirmation box)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "accept_warnings"}

    def _post_clean(self):
        # Model-level validation happens in the service (which sets derived fields).
        pass


class MemberCreateForm(SubmissionKeyMixin, MemberForm):
    cell = forms.ModelChoiceField(label=_("Chi bộ"), queryset=Organization.objects.none())

    class Meta(MemberForm.Meta):
        fields = ["cell", *MemberForm.Meta.fields]

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cells is not None:
            self.fields["cell"].queryset = cells


class TransferForm(forms.Form):
    to_cell = forms.ModelChoiceField(
        label=_("Chuyển đến chi bộ"), queryset=Organization.objects.none()
    )
    on = DateField(label=_("Ngày chuyển"))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=200)

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cells is not None:
            self.fields["to_cell"].queryset = cells


# The statuses the generic form sets; the others are entered by their movement, with their
# documents (checks.ENTERED_BY_MOVEMENT).
GENERIC_STATUSES = [(v, label) for v, label in Status.choices if v not in ENTERED_BY_MOVEMENT]


class GenericStatusField(forms.ChoiceField):
    """A status the generic form may set; one that only a movement sets is refused with the
    movement to use (rather than as an unknown choice)."""

    def validate(self, value):
        check_generic_status(value, field=None)
        super().validate(value)


class StatusForm(forms.Form):
    status = GenericStatusField(
        label=_("Trạng thái mới"),
        choices=GENERIC_STATUSES,
        help_text=_(
            "Xóa tên, khai trừ, chuyển đi nơi khác: ghi ở mục biến động trên trang của đảng "
            "viên, với quyết định hoặc giấy giới thiệu."
        ),
    )
    on = DateField(label=_("Từ ngày"))
    note = forms.CharField(label=_("Lý do, ghi chú"), required=False, max_length=300)

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > today():
            raise forms.ValidationError(_("Ngày không được ở tương lai."))
        return on

    def clean(self):
        data = super().clean()
        if "status" in data:
            try:
                check_status_reason(data["status"], data.get("note", ""))
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


MAX_BULK = 200  # members ticked for one bulk action: four pages of the list


class MemberIdsField(forms.Field):
    """Member ids ticked on the list (name="members", repeated); at most MAX_BULK of them."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Hãy chọn ít nhất một đảng viên."),
        "invalid": _("Danh sách đảng viên không hợp lệ."),
        "too_many": _("Mỗi lần đổi trạng thái tối đa %(n)s đảng viên."),
    }

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        if not all(isinstance(v, str) and digits(v) and len(v) < 12 for v in values):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return list(dict.fromkeys(int(v) for v in values))

    def validate(self, value):
        super().validate(value)
        if len(value) > MAX_BULK:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"n": MAX_BULK}
            )


class BulkStatusForm(StatusForm):
    """The list's bulk action: one new status, date and note for the ticked members."""

    # No status chosen in advance: a click on the button alone must not change anyone.
    status = GenericStatusField(
        label=_("Trạng thái mới"), choices=[("", _("— Chọn —")), *GENERIC_STATUSES]
    )
    members = MemberIdsField()
