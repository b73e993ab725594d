"""Forms of the core meeting pages: the month (query strings and the generate button), a cell's
meeting list, planning a thematic meeting, the preparation (topic, agenda, materials, targets).
Checks that need the database live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.forms import DateField as CoreDateField
from chibo.core.forms import MonthField
from chibo.targets.models import Target

from . import materials
from .models import Section

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class DateField(CoreDateField):
    """A date typed as dd/mm/yyyy or picked in the phone's date picker (yyyy-mm-dd)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DATE_WIDGET)
        super().__init__(**kwargs)


class MonthForm(forms.Form):
    month = MonthField(label=_("Tháng"))


class CellMeetingsForm(forms.Form):
    """The query string of a cell's meeting list."""

    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    page = forms.IntegerField(required=False, min_value=1, max_value=10000)


class ThematicForm(forms.Form):
    scheduled_date = DateField(label=_("Ngày họp dự kiến"))
    topic = forms.CharField(label=_("Chuyên đề"), max_length=300)


class TopicForm(forms.Form):
    scheduled_date = DateField(label=_("Ngày họp dự kiến"), required=False)
    topic = forms.CharField(
        label=_("Chuyên đề (nếu sinh hoạt kết hợp chuyên đề)"), max_length=300, required=False
    )


class AgendaItemForm(forms.Form):
    section = forms.ChoiceField(label=_("Phần"), choices=Section.choices)
    title = forms.CharField(label=_("Nội dung"), max_length=300)


class AgendaEditForm(forms.Form):
    title = forms.CharField(label=_("Nội dung"), max_length=300)


class MaterialForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp"),
        widget=forms.ClearableFileInput(attrs={"accept": materials.ACCEPT}),
        error_messages={"required": _("Hãy chọn tệp."), "empty": _("Tệp rỗng.")},
    )
    name = forms.CharField(label=_("Tên tài liệu"), max_length=200, required=False)


class TargetForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Chỉ tiêu"), max_length=200)
    unit = forms.CharField(label=_("Đơn vị tính"), max_length=40)
    yearly_value = forms.DecimalField(
        label=_("Kế hoạch năm"), min_value=0, max_digits=12, decimal_places=2
    )
    measure = forms.ChoiceField(
        label=_("Cách tính"), choices=Target.Measure.choices, initial=Target.Measure.SUM
    )
