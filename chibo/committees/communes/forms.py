"""Forms of what a commune records: its leaders, the non-local leaders' target, its officials
and their assessment, and the qualification page's query string."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.forms import DateField
from chibo.core.submissions import SubmissionKeyMixin
from chibo.members.models import Member

from ..forms import MemberChoiceField, PageForm
from ..models import CommuneLeader


class QualificationForm(PageForm):
    list = forms.ChoiceField(
        label=_("Danh sách"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            ("officials", _("Cán bộ, công chức xã chưa đạt chuẩn")),
            ("theory", _("Cấp ủy viên chi bộ thôn, bản chưa đạt chuẩn lý luận")),
        ],
    )


LOCAL_CHOICES = [("1", _("Người địa phương")), ("0", _("Không phải người địa phương"))]


STANDARD_CHOICES = [("1", _("Đạt chuẩn")), ("0", _("Chưa đạt chuẩn"))]


def _yes_no(choices, label):
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn một.")},
    )


class _HolderForm(forms.Form):
    """A member of the commune, or the name of someone whose record is not kept here."""

    member = MemberChoiceField(label=_("Đảng viên"), queryset=Member.objects.none(), required=False)
    full_name = forms.CharField(
        label=_("hoặc họ tên (nếu không có trong danh sách)"), max_length=120, required=False
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class CommuneLeaderForm(SubmissionKeyMixin, _HolderForm):
    post = forms.ChoiceField(label=_("Chức danh"), choices=CommuneLeader.Post.choices)
    is_local = _yes_no(LOCAL_CHOICES, _("Là người địa phương"))
    start = DateField(label=_("Từ ngày"))
    end = DateField(label=_("Đến ngày (nếu đã thôi)"), required=False)

    field_order = ["post", "member", "full_name", "is_local", "start", "end"]


class LeadershipTargetForm(forms.Form):
    term_name = forms.CharField(label=_("Nhiệm kỳ"), max_length=20, help_text=_("ví dụ 2020–2025"))
    start = DateField(label=_("Từ ngày"))
    end = DateField(label=_("Đến ngày (không kể)"))
    nonlocal_target = forms.IntegerField(
        label=_("Số vị trí không phải người địa phương"),
        min_value=0,
        max_value=1000,
        error_messages={"min_value": _("Chỉ tiêu phải là số không âm.")},
    )


class AssessForm(forms.Form):
    meets_standard = _yes_no(STANDARD_CHOICES, _("Kết quả đánh giá chuẩn"))
    reason = forms.CharField(label=_("Lý do chưa đạt"), max_length=300, required=False)
    assessed_on = DateField(label=_("Ngày đánh giá"))


class CommuneOfficialForm(SubmissionKeyMixin, _HolderForm, AssessForm):
    post = forms.CharField(label=_("Chức vụ"), max_length=120)
    start = DateField(label=_("Giữ chức vụ từ ngày"))
    end = DateField(label=_("Đến ngày (nếu đã thôi)"), required=False)

    field_order = [
        "member",
        "full_name",
        "post",
        "start",
        "end",
        "meets_standard",
        "reason",
        "assessed_on",
    ]
