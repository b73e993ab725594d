import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.dates import today
from chibo.core.forms import DateField, VnDecimalField, misfits, vn_decimal
from chibo.core.submissions import SubmissionKeyMixin

from .models import RatingLevel


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100, required=False)
    # The indicator's list links here with its date: the year rated last before it.
    as_of = DateField(label=_("Tính đến ngày"), required=False)

    def chosen_year(self) -> int:
        data = self.cleaned_data
        return data.get("year") or (data.get("as_of") or today()).year - 1


class SelfRateForm(SubmissionKeyMixin, forms.Form):
    points = VnDecimalField(label=_("Điểm tự chấm (0–100)"), max_digits=5, decimal_places=2)
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


def levels_text(rating_set) -> str:
    """A set's levels as the form takes them, one a line: code | name | minimum points."""
    return "\n".join(
        f"{lv.code} | {lv.name} | {lv.min_points_text}" for lv in rating_set.levels.all()
    )


class RatingSetForm(SubmissionKeyMixin, forms.Form):
    name = forms.CharField(label=_("Tên bộ tiêu chuẩn"), max_length=200)
    reference = forms.CharField(label=_("Văn bản"), max_length=100, required=False)
    valid_from = DateField(label=_("Áp dụng từ ngày"))
    valid_to = DateField(label=_("Đến ngày (để trống nếu chưa định)"), required=False)
    replace = forms.BooleanField(label=_("Thay thế bộ đang áp dụng"), required=False)
    top_quota_percent = VnDecimalField(
        label=_("Tỉ lệ tối đa của mức cao nhất (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
    )
    levels = forms.CharField(
        label=_(
            "Các mức xếp loại từ cao xuống thấp, mỗi dòng một mức: mã | tên mức | điểm tối thiểu "
            "(mức thấp nhất từ 0)"
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_levels(self) -> list[tuple[str, str, Decimal]]:
        levels, problems = [], []
        for n, line in enumerate(self.cleaned_data["levels"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [" ".join(p.split()) for p in line.split("|")]
            if len(parts) != 3:
                problems.append(
                    _("Dòng %(n)s: cần 3 phần cách nhau bởi “|”, có %(k)s.")
                    % {"n": n, "k": len(parts)}
                )
                continue
            code, name, points = parts
            if not re.fullmatch(r"[-a-zA-Z0-9_]{1,30}", code):
                problems.append(
                    _("Dòng %(n)s: mã “%(c)s” chỉ gồm chữ không dấu, số, “-”, “_”.")
                    % {"n": n, "c": code}
                )
                continue
            try:
                value = vn_decimal(points)
            except InvalidOperation:
                problems.append(
                    _("Dòng %(n)s: điểm “%(p)s” không phải số.") % {"n": n, "p": points}
                )
                continue
            wrong = misfits(RatingLevel, {"name": name, "min_points": value})
            if wrong:
                problems.append(_("Dòng %(n)s: %(m)s") % {"n": n, "m": wrong})
                continue
            levels.append((code, name, value))
        if problems:
            raise forms.ValidationError(problems)
        if not levels:
            raise forms.ValidationError(_("Hãy ghi ít nhất một mức xếp loại."))
        return levels
