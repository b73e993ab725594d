"""Forms of a member's own pages, the task board, the inbox and the calendar feeds."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.forms import PageField
from chibo.core.submissions import SubmissionKeyMixin

from ..models import Task
from .services import NOTE_MAX


class TaskProgressForm(SubmissionKeyMixin, forms.Form):
    progress = forms.IntegerField(
        label=_("Tiến độ (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100, "step": 5}),
    )
    note = forms.CharField(
        label=_("Nội dung đã làm, vướng mắc"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The page the report was made from, to go back to it.
    back = forms.ChoiceField(
        required=False,
        choices=[("", ""), ("my", "my"), ("cell", "cell")],
        widget=forms.HiddenInput,
    )


STATE_CHOICES = [
    ("open", _("Đang thực hiện")),
    ("overdue", _("Quá hạn")),
    (Task.State.DONE, Task.State.DONE.label),
    (Task.State.LATE, Task.State.LATE.label),
    (Task.State.NOT_DONE, Task.State.NOT_DONE.label),
    ("all", _("Tất cả")),
]


class CellTaskFilterForm(forms.Form):
    """Query string of a cell's task board: state and owner (a member, the committee, a mass
    organization)."""

    state = forms.ChoiceField(label=_("Tình trạng"), required=False, choices=STATE_CHOICES)
    owner = forms.ChoiceField(label=_("Người thực hiện"), required=False)
    page = PageField()

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [
            ("", _("Tất cả")),
            (Task.Owner.COMMITTEE, Task.Owner.COMMITTEE.label),
            (Task.Owner.MASS_ORG, Task.Owner.MASS_ORG.label),
            *members,
        ]


class PageForm(forms.Form):
    page = PageField()


class CalendarFeedForm(forms.Form):
    """Which calendar to make: the user's own ("me") or one cell's."""

    target = forms.ChoiceField(label=_("Lịch của"))

    def __init__(self, *args, cells=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cells = {str(c.pk): c for c in cells}
        self.fields["target"].choices = [
            ("me", _("Tôi (chi bộ của tôi và các chi bộ tôi được phân công theo dõi)")),
            *((pk, c.name) for pk, c in self.cells.items()),
        ]

    def cell(self):
        """The chosen cell, or None for the user's own calendar."""
        return self.cells.get(self.cleaned_data["target"])
