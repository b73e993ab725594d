from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.forms import DateField

from .models import Organization


class AsOfForm(forms.Form):
    as_of = DateField(label=_("Tính đến ngày"), required=False)


class RenameForm(forms.Form):
    name = forms.CharField(label=_("Tên mới"), max_length=200)
    on = DateField(label=_("Từ ngày"))
    decision = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)


class ReparentForm(forms.Form):
    new_parent = forms.ModelChoiceField(
        label=_("Trực thuộc mới"), queryset=Organization.objects.none()
    )
    on = DateField(label=_("Từ ngày"))
    decision = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parents is not None:
            self.fields["new_parent"].queryset = parents


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


GRASSROOTS_CELL = "grassroots_cell"


class ChildForm(forms.Form):
    """A new organization under `parent`: under an upper committee a grassroots organization
    or a grassroots cell (chi bộ cơ sở: a cell of type agency), under a grassroots one a cell."""

    code = forms.RegexField(
        label=_("Mã"),
        regex=r"^[A-Za-z0-9._-]{1,30}$",
        max_length=30,
        error_messages={"invalid": _("Mã chỉ gồm chữ không dấu, số, . _ -")},
    )
    name = forms.CharField(label=_("Tên"), max_length=200)
    kind = forms.ChoiceField(label=_("Loại"), choices=[])
    grassroots_type = forms.ChoiceField(
        label=_("Loại tổ chức cơ sở"),
        required=False,
        choices=[("", "—"), *Organization.GrassrootsType.choices],
    )
    cell_type = forms.ChoiceField(
        label=_("Loại chi bộ"), required=False, choices=[("", "—"), *Organization.CellType.choices]
    )
    valid_from = DateField(label=_("Thành lập ngày"))

    def __init__(self, *args, parent: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        K = Organization.Kind
        if parent.is_upper_committee:
            self.fields["kind"].choices = [
                (K.GRASSROOTS, K.GRASSROOTS.label),
                (GRASSROOTS_CELL, _("Chi bộ cơ sở (của cơ quan, trường học, trạm y tế...)")),
            ]
            del self.fields["cell_type"]
        else:
            self.fields["kind"].choices = [(K.CELL, K.CELL.label)]
            del self.fields["grassroots_type"]

    def clean(self):
        data = super().clean()
        K = Organization.Kind
        if data.get("kind") == GRASSROOTS_CELL:
            data["kind"], data["cell_type"] = K.CELL, Organization.CellType.AGENCY
        if data.get("kind") == K.CELL and not data.get("cell_type"):
            self.add_error("cell_type", _("Hãy chọn loại chi bộ."))
        if data.get("kind") == K.GRASSROOTS and not data.get("grassroots_type"):
            self.add_error("grassroots_type", _("Hãy chọn loại tổ chức cơ sở."))
        # Only the type of the kind chosen goes on.
        data["cell_type"] = data.get("cell_type", "") if data.get("kind") == K.CELL else ""
        if data.get("kind") != K.GRASSROOTS:
            data["grassroots_type"] = ""
        return data


class CloseForm(forms.Form):
    on = DateField(label=_("Giải thể từ ngày"))
    note = forms.CharField(label=_("Lý do"), max_length=300, required=False)
    decision = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)


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
