from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.forms import DateField
from chibo.core.submissions import SubmissionKeyMixin

from .models import Organization


class OrgFindForm(forms.Form):
    """The organization filter's text, as typed (organizations.search.find)."""

    org_q = forms.CharField(label=_("Tổ chức"), required=False, max_length=100)


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


GRASSROOTS_CELL = "grassroots_cell"


class ChildForm(SubmissionKeyMixin, forms.Form):
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
