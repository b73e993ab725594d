"""Query-string forms of the officials' and support pages, and their write forms; the rules
live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.forms import DateField, ModelMultipleChoiceField, PageField
from chibo.core.submissions import SubmissionKeyMixin
from chibo.organizations.models import Organization

from ..models import FollowAssignment

FORMATS = [("", _("Trang")), ("xlsx", _("Excel (.xlsx)"))]


# --- query strings ------------------------------------------------------------------------------


class AsOfForm(forms.Form):
    as_of = DateField(label=_("Tính đến ngày"), required=False)


class ExportForm(AsOfForm):
    format = forms.ChoiceField(label=_("Định dạng"), required=False, choices=FORMATS)


class OfficialsQueryForm(ExportForm):
    kind = forms.ChoiceField(
        label=_("Loại cán bộ"),
        required=False,
        choices=[("", _("Tất cả")), *FollowAssignment.Kind.choices],
    )
    ended = forms.BooleanField(label=_("Cả phân công đã kết thúc"), required=False)
    page = PageField()


class SupportQueryForm(ExportForm):
    missing = forms.BooleanField(label=_("Chỉ bản chưa có tổ chức giúp đỡ"), required=False)


class IndicatorForm(ExportForm):
    page = PageField()


# --- writes -------------------------------------------------------------------------------------


class CellChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.parent.name})" if obj.parent_id else obj.name


class CellsChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.parent.name})" if obj.parent_id else obj.name


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.username})"


class FollowAssignForm(SubmissionKeyMixin, forms.Form):
    """An official picked from the list, or the account of a cadre who has none."""

    cell = CellChoiceField(label=_("Chi bộ"), queryset=Organization.objects.none())
    official = UserChoiceField(
        label=_("Cán bộ đã có tài khoản"),
        queryset=None,
        required=False,
        help_text=_("Hoặc để trống và tạo tài khoản mới bên dưới."),
    )
    full_name = forms.CharField(
        label=_("Họ và tên (tài khoản mới)"), max_length=200, required=False
    )
    username = forms.CharField(
        label=_("Tên đăng nhập (tài khoản mới)"), max_length=150, required=False
    )
    email = forms.EmailField(label=_("Thư điện tử (tài khoản mới)"), required=False)
    kind = forms.ChoiceField(label=_("Loại cán bộ"), choices=FollowAssignment.Kind.choices)
    start = DateField(label=_("Từ ngày"))
    end = DateField(label=_("Thôi từ ngày (nếu đã định)"), required=False)
    decision = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)

    def __init__(self, *args, cells, officials, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].queryset = cells
        self.fields["official"].queryset = officials
        self.fields["kind"].choices = [
            (v, label) for v, label in FollowAssignment.Kind.choices if v in kinds
        ]

    def clean(self):
        data = super().clean()
        new = any(data.get(f) for f in ("full_name", "username", "email"))
        if data.get("official") and new:
            raise forms.ValidationError(
                _("Chọn cán bộ đã có tài khoản hoặc nhập tài khoản mới, không cả hai.")
            )
        if not data.get("official") and not new and "official" not in self.errors:
            raise forms.ValidationError(
                _("Hãy chọn cán bộ đã có tài khoản hoặc nhập họ tên, tên đăng nhập để tạo mới.")
            )
        return data


class CommuneFilterForm(forms.Form):
    """Query string of the many-cells assign page: the cells of one commune (or grassroots
    organization) only."""

    commune = forms.ModelChoiceField(
        label=_("Đảng bộ xã"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=_("Tất cả"),
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes


class FollowAssignManyForm(FollowAssignForm):
    """One official (picked, or a new account) to follow every cell ticked."""

    cells = CellsChoiceField(
        label=_("Các chi bộ"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Hãy chọn ít nhất một chi bộ."),
            "invalid_choice": _("Có chi bộ được chọn không nằm trong danh sách."),
            "invalid_pk_value": _("Có chi bộ được chọn không nằm trong danh sách."),
        },
    )
    field_order = ["official", "full_name", "username", "email", "kind", "start", "end"]

    def __init__(self, *args, cells, **kwargs):
        super().__init__(*args, cells=cells, **kwargs)
        del self.fields["cell"]
        self.fields["cells"].queryset = cells

    def details(self):
        """The visible fields other than the cells, in order."""
        return [f for f in self.visible_fields() if f.name != "cells"]


class EndForm(forms.Form):
    end = DateField(label=_("Thôi từ ngày"))


class SupportAssignForm(SubmissionKeyMixin, forms.Form):
    helper = forms.ModelChoiceField(
        label=_("Tổ chức giúp đỡ"), queryset=Organization.objects.none()
    )
    start = DateField(label=_("Từ ngày"))
    end = DateField(label=_("Đến ngày (nếu đã định)"), required=False)
    decision = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)

    def __init__(self, *args, helpers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].queryset = helpers


class VisitForm(SubmissionKeyMixin, forms.Form):
    on = DateField(label=_("Ngày giúp đỡ"))
    visitors = forms.CharField(label=_("Người đến"), max_length=300)
    activities = forms.CharField(
        label=_("Nội dung giúp đỡ"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
