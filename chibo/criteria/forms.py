"""Forms of the criteria pages: a set with its items typed one a line, the year of a page, and
a village's values on the items of a year."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.dates import today
from chibo.core.forms import DateField, VnDecimalField, misfits, vn_decimal
from chibo.core.submissions import SubmissionKeyMixin

from .models import CriteriaItem, CriteriaSet
from .services import ItemSpec

COMPARE_SIGNS = {">=": CriteriaItem.Compare.AT_LEAST, "<=": CriteriaItem.Compare.AT_MOST}


class CriteriaSetForm(SubmissionKeyMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=CriteriaSet.Kind.choices)
    name = forms.CharField(label=_("Tên bộ tiêu chí"), max_length=200)
    decision = forms.CharField(label=_("Văn bản ban hành"), max_length=120, required=False)
    valid_from = DateField(label=_("Áp dụng từ ngày"))
    valid_to = DateField(label=_("Đến ngày (để trống nếu chưa định)"), required=False)
    replace = forms.BooleanField(label=_("Thay thế bộ cùng loại đang áp dụng"), required=False)
    items = forms.CharField(
        label=_(
            "Các tiêu chí, mỗi dòng một tiêu chí: mã | tên | cách đo | đơn vị | >= hoặc <= | ngưỡng"
        ),
        widget=forms.Textarea(attrs={"rows": 12}),
    )

    def clean_items(self) -> list[ItemSpec]:
        specs, problems = [], []
        for n, line in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 6:
                problems.append(
                    _("Dòng %(n)s: cần 6 phần cách nhau bởi “|”, có %(k)s.")
                    % {"n": n, "k": len(parts)}
                )
                continue
            code, name, measure, unit, sign, threshold = parts
            if sign not in COMPARE_SIGNS:
                problems.append(_("Dòng %(n)s: so sánh phải là >= hoặc <=.") % {"n": n})
                continue
            try:
                value = vn_decimal(threshold) if threshold else None
            except InvalidOperation:
                problems.append(
                    _("Dòng %(n)s: ngưỡng “%(t)s” không phải số.") % {"n": n, "t": threshold}
                )
                continue
            # Each part as its column takes it (a code of 20 characters, a threshold of 12 digits).
            wrong = misfits(
                CriteriaItem, {"code": code, "name": name, "unit": unit, "threshold": value}
            )
            if wrong:
                problems.append(_("Dòng %(n)s: %(m)s") % {"n": n, "m": wrong})
                continue
            specs.append(
                ItemSpec(
                    code=code,
                    name=name,
                    measure=measure,
                    unit=unit,
                    compare=COMPARE_SIGNS[sign],
                    threshold=value,
                )
            )
        if problems:
            raise forms.ValidationError(problems)
        return specs


class YearForm(forms.Form):
    """?year= of a page; default this year."""

    year = forms.IntegerField(label=_("Năm"), min_value=1900, max_value=2100, required=False)

    def year_or_default(self) -> int:
        return self.cleaned_data.get("year") or today().year


class VillageStatusForm(forms.Form):
    """One number field per item of the year's sets, named item_<pk>; empty leaves it as is."""

    def __init__(self, *args, items: list[CriteriaItem], initial_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        initial_values = initial_values or {}
        for item in items:
            self.fields[f"item_{item.pk}"] = VnDecimalField(
                label=f"{item.code}. {item.name} ({item.unit})",
                required=False,
                max_digits=12,
                decimal_places=2,
                min_value=0,
                initial=initial_values.get(item.pk),
            )

    def values(self) -> dict[CriteriaItem, Decimal | None]:
        return {i: self.cleaned_data.get(f"item_{i.pk}") for i in self.items}
