"""Forms of the commune and village pages. Choices are offered by name and code, from the
querysets the views build in the user's scope; never an id to type."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.forms import DateField, VnIntegerField
from chibo.core.submissions import SubmissionKeyMixin

from .models import Commune, Organization, Village

CODE = {
    "regex": r"^[A-Za-z0-9._-]{1,30}$",
    "max_length": 30,
    "error_messages": {"invalid": _("Mã chỉ gồm chữ không dấu, số, . _ -")},
}


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.code})"


def _queryset(field, qs):
    if qs is not None:
        field.queryset = qs


class CommuneForm(SubmissionKeyMixin, forms.Form):
    code = forms.RegexField(label=_("Mã"), **CODE)
    name = forms.CharField(label=_("Tên"), max_length=200)
    kind = forms.ChoiceField(label=_("Loại"), choices=Commune.Kind.choices)
    party_committee = OrgChoiceField(label=_("Đảng bộ xã"), queryset=Organization.objects.none())
    valid_from = DateField(label=_("Thành lập ngày"))

    def __init__(self, *args, committees=None, **kwargs):
        super().__init__(*args, **kwargs)
        _queryset(self.fields["party_committee"], committees)


class CommuneRenameForm(forms.Form):
    name = forms.CharField(label=_("Tên mới"), max_length=200)
    on = DateField(label=_("Từ ngày"))


class CommuneMergeForm(forms.Form):
    into = NamedChoiceField(label=_("Sáp nhập vào xã"), queryset=Commune.objects.none())
    on = DateField(label=_("Từ ngày"))

    def __init__(self, *args, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        _queryset(self.fields["into"], communes)


class CommuneCommitteeForm(forms.Form):
    party_committee = OrgChoiceField(label=_("Đảng bộ xã"), queryset=Organization.objects.none())
    on = DateField(label=_("Từ ngày"))

    def __init__(self, *args, committees=None, **kwargs):
        super().__init__(*args, **kwargs)
        _queryset(self.fields["party_committee"], committees)


class VillageForm(SubmissionKeyMixin, forms.Form):
    commune = NamedChoiceField(label=_("Xã"), queryset=Commune.objects.none())
    code = forms.RegexField(label=_("Mã"), **CODE)
    name = forms.CharField(label=_("Tên"), max_length=200)
    kind = forms.ChoiceField(label=_("Loại"), choices=Village.Kind.choices, initial="ban")
    cell = OrgChoiceField(
        label=_("Chi bộ phụ trách"), queryset=Organization.objects.none(), required=False
    )
    valid_from = DateField(label=_("Có từ ngày"))
    especially_disadvantaged = forms.BooleanField(label=_("Bản đặc biệt khó khăn"), required=False)
    households = VnIntegerField(label=_("Số hộ"), min_value=0, max_value=100_000, required=False)

    def __init__(self, *args, communes=None, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        _queryset(self.fields["commune"], communes)
        _queryset(self.fields["cell"], cells)


class VillageRenameForm(forms.Form):
    name = forms.CharField(label=_("Tên mới"), max_length=200)
    on = DateField(label=_("Từ ngày"))


class VillageLinkForm(forms.Form):
    cell = OrgChoiceField(label=_("Chi bộ phụ trách"), queryset=Organization.objects.none())
    on = DateField(label=_("Từ ngày"))

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        _queryset(self.fields["cell"], cells)


class VillageUnlinkForm(forms.Form):
    on = DateField(label=_("Thôi phụ trách từ ngày"))


class VillageMergeForm(forms.Form):
    into = NamedChoiceField(label=_("Sáp nhập vào"), queryset=Village.objects.none())
    on = DateField(label=_("Từ ngày"))

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        _queryset(self.fields["into"], villages)


class VillageFactsForm(forms.Form):
    especially_disadvantaged = forms.BooleanField(label=_("Bản đặc biệt khó khăn"), required=False)
    households = VnIntegerField(label=_("Số hộ"), min_value=0, max_value=100_000, required=False)
