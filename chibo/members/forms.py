import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.dates import today
from chibo.core.renderers import RENDERER
from chibo.organizations.models import Organization

from .models import Member, Sex, Status, TheoryLevel

ETHNICITIES = [
    "Thái",
    "Kinh",
    "H'Mông",
    "Mường",
    "Dao",
    "Khơ Mú",
    "Xinh Mun",
    "La Ha",
    "Lào",
    "Kháng",
    "Tày",
    "Nùng",
]

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


class VNDateField(forms.DateField):
    """A date typed as dd/mm/yyyy (config/formats: also yyyy-mm-dd)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
            ),
        )
        kwargs.setdefault("error_messages", {"invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")})
        super().__init__(**kwargs)


class MemberFilterForm(forms.Form):
    """Query-string filters of the member list (and its export)."""

    default_renderer = RENDERER  # five selects on every visit of the list: written in Python

    q = forms.CharField(label=_("Tìm"), required=False, max_length=100)
    org = forms.IntegerField(label=_("Tổ chức"), required=False, min_value=1)
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
    age = forms.ChoiceField(label=_("Tuổi"), required=False, choices=AGE_BANDS)
    sort = forms.ChoiceField(label=_("Sắp xếp"), required=False, choices=SORTS)
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)


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
    """Create and edit a member record."""

    birth_date = VNDateField(label=_("Ngày sinh"))
    admission_date = VNDateField(label=_("Ngày vào Đảng"))
    official_date = VNDateField(label=_("Ngày chính thức"), required=False)
    citizen_id = forms.RegexField(
        label=_("Số CCCD"),
        regex=r"^\d{12}$",
        required=False,
        error_messages={"invalid": _("Số CCCD gồm đúng 12 chữ số.")},
    )

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

    def clean(self):
        data = super().clean()
        b, a, o = data.get("birth_date"), data.get("admission_date"), data.get("official_date")
        if b and b > today():
            self.add_error("birth_date", _("Ngày sinh không được ở tương lai."))
        if b and a and (a.year - b.year) < 18:
            self.add_error("admission_date", _("Người vào Đảng phải đủ 18 tuổi."))
        if a and a > today():
            self.add_error("admission_date", _("Ngày vào Đảng không được ở tương lai."))
        if a and o and o < a:
            self.add_error("official_date", _("Ngày chính thức phải sau ngày vào Đảng."))
        return data

    def _post_clean(self):
        # Model-level validation happens in the service (which sets derived fields).
        pass


class MemberCreateForm(MemberForm):
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
    on = VNDateField(label=_("Ngày chuyển"))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=200)

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cells is not None:
            self.fields["to_cell"].queryset = cells


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái mới"), choices=Status.choices)
    on = VNDateField(label=_("Từ ngày"))
    note = forms.CharField(label=_("Lý do, ghi chú"), required=False, max_length=300)

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > today():
            raise forms.ValidationError(_("Ngày không được ở tương lai."))
        return on
