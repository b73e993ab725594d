from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.members.forms import VNDateField

from .models import Organization


class AsOfForm(forms.Form):
    as_of = VNDateField(label=_("Tính đến ngày"), required=False)


class RenameForm(forms.Form):
    name = forms.CharField(label=_("Tên mới"), max_length=200)
    on = VNDateField(label=_("Từ ngày"))
    decision = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)


class ReparentForm(forms.Form):
    new_parent = forms.ModelChoiceField(
        label=_("Trực thuộc mới"), queryset=Organization.objects.none()
    )
    on = VNDateField(label=_("Từ ngày"))
    decision = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parents is not None:
            self.fields["new_parent"].queryset = parents


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("Sáp nhập vào chi bộ"), queryset=Organization.objects.none()
    )
    on = VNDateField(label=_("Từ ngày"))
    decision = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cells is not None:
            self.fields["into"].queryset = cells


class ChildForm(forms.Form):
    code = forms.RegexField(
        label=_("Mã"),
        regex=r"^[A-Za-z0-9._-]{1,30}$",
        max_length=30,
        error_messages={"invalid": _("Mã chỉ gồm chữ không dấu, số, . _ -")},
    )
    name = forms.CharField(label=_("Tên"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Loại"),
        choices=[
            (Organization.Kind.GRASSROOTS, Organization.Kind.GRASSROOTS.label),
            (Organization.Kind.CELL, Organization.Kind.CELL.label),
        ],
    )
    grassroots_type = forms.ChoiceField(
        label=_("Loại tổ chức cơ sở"),
        required=False,
        choices=[("", "—"), *Organization.GrassrootsType.choices],
    )
    cell_type = forms.ChoiceField(
        label=_("Loại chi bộ"), required=False, choices=[("", "—"), *Organization.CellType.choices]
    )
    valid_from = VNDateField(label=_("Thành lập ngày"))

    def clean(self):
        data = super().clean()
        if data.get("kind") == Organization.Kind.CELL and not data.get("cell_type"):
            self.add_error("cell_type", _("Hãy chọn loại chi bộ."))
        if data.get("kind") == Organization.Kind.GRASSROOTS and not data.get("grassroots_type"):
            self.add_error("grassroots_type", _("Hãy chọn loại tổ chức cơ sở."))
        return data


class CloseForm(forms.Form):
    on = VNDateField(label=_("Giải thể từ ngày"))
    note = forms.CharField(label=_("Lý do"), max_length=300, required=False)
    decision = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)
