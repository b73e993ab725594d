"""The forms of a cell's structure changes that move its members: merge and split."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.forms import DateField
from chibo.organizations.models import Organization


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("Sáp nhập vào chi bộ"), queryset=Organization.objects.none()
    )
    on = DateField(label=_("Từ ngày"))
    decision = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cells is not None:
            self.fields["into"].queryset = cells


class SplitForm(forms.Form):
    """Split a cell: one or two new cells; each member is assigned on the same page."""

    code_1 = forms.RegexField(label=_("Mã chi bộ mới 1"), regex=r"^[A-Za-z0-9._-]{1,30}$")
    name_1 = forms.CharField(label=_("Tên chi bộ mới 1"), max_length=200)
    code_2 = forms.RegexField(
        label=_("Mã chi bộ mới 2"), regex=r"^[A-Za-z0-9._-]{1,30}$", required=False
    )
    name_2 = forms.CharField(label=_("Tên chi bộ mới 2"), max_length=200, required=False)
    on = DateField(label=_("Từ ngày"))
    decision = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)

    def __init__(self, *args, members=(), villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self.villages = list(villages)
        choices = [("", _("Ở lại chi bộ cũ")), ("0", _("Chi bộ mới 1")), ("1", _("Chi bộ mới 2"))]
        for m in self.members:
            self.fields[f"member_{m.pk}"] = forms.ChoiceField(
                label=m.full_name, choices=choices, required=False
            )
        for v in self.villages:
            self.fields[f"village_{v.pk}"] = forms.ChoiceField(
                label=str(v), choices=choices, required=False
            )

    def clean(self):
        data = super().clean()
        if bool(data.get("code_2")) != bool(data.get("name_2")):
            self.add_error("name_2", _("Nhập cả mã và tên, hoặc để trống cả hai."))
        if data.get("code_1") and data.get("code_1") == data.get("code_2"):
            self.add_error("code_2", _("Hai chi bộ mới phải có mã khác nhau."))
        return data

    def new_cells(self):
        d = self.cleaned_data
        cells = [{"code": d["code_1"], "name": d["name_1"]}]
        if d.get("code_2"):
            cells.append({"code": d["code_2"], "name": d["name_2"]})
        return cells

    def assignment(self):
        out = {}
        for m in self.members:
            value = self.cleaned_data.get(f"member_{m.pk}")
            if value in ("0", "1"):
                out[m.pk] = int(value)
        return out

    def village_assignment(self):
        out = {}
        for v in self.villages:
            value = self.cleaned_data.get(f"village_{v.pk}")
            if value in ("0", "1"):
                out[v.pk] = int(value)
        return out

    def village_fields(self):
        return [self[f"village_{v.pk}"] for v in self.villages]

    def member_fields(self):
        return [self[f"member_{m.pk}"] for m in self.members]

    def cell_fields(self):
        return [self[n] for n in ("code_1", "name_1", "code_2", "name_2", "on", "decision")]
