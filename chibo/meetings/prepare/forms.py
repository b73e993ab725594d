"""Forms of the preparation page: the topic and day, the agenda, materials, the cell's targets.
Checks that need the database live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.forms import VnDecimalField
from chibo.core.submissions import SubmissionKeyMixin
from chibo.targets.models import Target

from .. import materials
from ..fields import DateField
from ..models import Section


class TopicForm(forms.Form):
    scheduled_date = DateField(label=_("Ngày họp dự kiến"), required=False)
    topic = forms.CharField(
        label=_("Chuyên đề (nếu sinh hoạt kết hợp chuyên đề)"), max_length=300, required=False
    )


class AgendaItemForm(SubmissionKeyMixin, forms.Form):
    section = forms.ChoiceField(label=_("Phần"), choices=Section.choices)
    title = forms.CharField(label=_("Nội dung"), max_length=300)


class AgendaEditForm(forms.Form):
    title = forms.CharField(label=_("Nội dung"), max_length=300)


class MaterialForm(SubmissionKeyMixin, forms.Form):
    file = forms.FileField(
        label=_("Tệp"),
        widget=forms.ClearableFileInput(attrs={"accept": materials.ACCEPT}),
        error_messages={"required": _("Hãy chọn tệp."), "empty": _("Tệp rỗng.")},
    )
    name = forms.CharField(label=_("Tên tài liệu"), max_length=200, required=False)


class TargetForm(SubmissionKeyMixin, forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Chỉ tiêu"), max_length=200)
    unit = forms.CharField(label=_("Đơn vị tính"), max_length=40)
    yearly_value = VnDecimalField(
        label=_("Kế hoạch năm"), min_value=0, max_digits=12, decimal_places=2
    )
    measure = forms.ChoiceField(
        label=_("Cách tính"), choices=Target.Measure.choices, initial=Target.Measure.SUM
    )
