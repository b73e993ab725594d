"""The forms of the movements: each one's cleaned_data is its service's keyword arguments. Each
carries a submission key: a movement sent twice is recorded once (chibo.core.submissions)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.forms import DateField
from chibo.core.submissions import SubmissionKeyMixin
from chibo.organizations.models import Organization

from ..models import StatusChange

NOTE = {"label": _("Ghi chú"), "required": False, "max_length": 300}
LETTER = {"label": _("Số giấy giới thiệu"), "max_length": 50}
DECIDED_BY = {"label": _("Cấp quyết định"), "max_length": 200}
DECISION = {"label": _("Số quyết định"), "max_length": 50}


class _MovementForm(SubmissionKeyMixin, forms.Form):
    pass


class _CellsForm(_MovementForm):
    cell_field = ""

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.cell_field and cells is not None:
            self.fields[self.cell_field].queryset = cells


class ExemptForm(_MovementForm):
    on = DateField(label=_("Miễn sinh hoạt từ ngày"))
    until = DateField(label=_("Đến ngày"), required=False)
    reason = forms.CharField(label=_("Lý do"), max_length=300)
    decided_by = forms.CharField(**{**DECIDED_BY, "required": False})
    decision_number = forms.CharField(**{**DECISION, "required": False})
    note = forms.CharField(**NOTE)


class DayForm(_MovementForm):
    on = DateField(label=_("Ngày"))
    note = forms.CharField(**NOTE)


class TransferWithinForm(_CellsForm):
    cell_field = "to_cell"
    to_cell = forms.ModelChoiceField(
        label=_("Chuyển đến chi bộ"), queryset=Organization.objects.none()
    )
    on = DateField(label=_("Ngày chuyển"))
    letter_number = forms.CharField(**LETTER)
    note = forms.CharField(**{**NOTE, "max_length": 200})


class TransferOutForm(_MovementForm):
    on = DateField(label=_("Ngày chuyển đi"))
    place = forms.CharField(label=_("Chuyển đến (đảng bộ, chi bộ)"), max_length=200)
    letter_number = forms.CharField(**LETTER)
    note = forms.CharField(**NOTE)


class TransferInForm(_CellsForm):
    cell_field = "to_cell"
    to_cell = forms.ModelChoiceField(label=_("Về chi bộ"), queryset=Organization.objects.none())
    on = DateField(label=_("Ngày chuyển đến"))
    place = forms.CharField(label=_("Chuyển từ (đảng bộ, chi bộ)"), max_length=200)
    letter_number = forms.CharField(**LETTER)
    note = forms.CharField(**NOTE)


class TemporaryForm(_CellsForm):
    cell_field = "host_cell"
    on = DateField(label=_("Sinh hoạt tạm thời từ ngày"))
    host_cell = forms.ModelChoiceField(
        label=_("Tại chi bộ (trong hệ thống)"),
        queryset=Organization.objects.none(),
        required=False,
    )
    host_name = forms.CharField(
        label=_("Hoặc nơi sinh hoạt tạm thời (ngoài hệ thống)"), required=False, max_length=200
    )
    letter_number = forms.CharField(**LETTER)
    note = forms.CharField(**NOTE)


class RemoveForm(_MovementForm):
    kind = forms.ChoiceField(
        label=_("Hình thức"),
        choices=[
            (StatusChange.Kind.REMOVAL, StatusChange.Kind.REMOVAL.label),
            (StatusChange.Kind.EXPULSION, StatusChange.Kind.EXPULSION.label),
        ],
    )
    on = DateField(label=_("Ngày quyết định có hiệu lực"))
    decided_by = forms.CharField(**DECIDED_BY)
    decision_number = forms.CharField(**DECISION)
    reason = forms.CharField(label=_("Lý do"), required=False, max_length=300)
    note = forms.CharField(**NOTE)


class ReinstateForm(_MovementForm):
    on = DateField(label=_("Ngày khôi phục"))
    decided_by = forms.CharField(**DECIDED_BY)
    decision_number = forms.CharField(**DECISION)
    note = forms.CharField(**NOTE)


# The kinds of movement a list tells apart: a status change's kind, a transfer within the tree,
# a temporary stay, a status change without a kind (movements.selectors).
EVENT_KINDS = [
    *StatusChange.Kind.choices,
    ("transfer", _("Chuyển sinh hoạt nội bộ")),
    ("temporary", _("Sinh hoạt tạm thời")),
    ("status", _("Đổi trạng thái (không rõ loại)")),
]


class MovementFilterForm(forms.Form):
    """The query string of a list of movements: a period (either end may be open) and a kind."""

    start = DateField(label=_("Từ ngày"), required=False)
    end = DateField(label=_("Đến ngày"), required=False)
    kind = forms.ChoiceField(label=_("Loại"), choices=EVENT_KINDS, required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("«Đến ngày» không được trước «Từ ngày»."))
        return data
