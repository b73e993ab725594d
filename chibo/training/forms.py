from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.committees.models import Title
from chibo.core.forms import (
    DateField,
    IdField,
    ModelMultipleChoiceField,
    PageField,
    VnDecimalField,
)
from chibo.core.submissions import SubmissionKeyMixin
from chibo.members.models import Member, TheoryLevel
from chibo.organizations.models import Organization

from .models import Contestant, ContestRound, Enrollment, TrainingCourse
from .selectors import POST_CHOICES


class CourseFilterForm(forms.Form):
    """Query-string filters of the course list (and its export)."""

    kind = forms.ChoiceField(
        label=_("Loại lớp"),
        required=False,
        choices=[("", _("Tất cả")), *TrainingCourse.Kind.choices],
    )
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=1990, max_value=2100)
    org = IdField(label=_("Đơn vị tổ chức"), required=False)
    # The organization filter's text (organizations.search.resolve): it chooses `org` anew.
    org_q = forms.CharField(label=_("Tên tổ chức"), required=False, max_length=100)
    page = PageField()


class _OrganizerForm(forms.Form):
    def __init__(self, *args, organizers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizers is not None:
            self.fields["organizer"].queryset = organizers


class CourseForm(_OrganizerForm):
    kind = forms.ChoiceField(label=_("Loại lớp"), choices=TrainingCourse.Kind.choices)
    title = forms.CharField(label=_("Tên lớp"), max_length=200)
    organizer = forms.ModelChoiceField(
        label=_("Đơn vị tổ chức"), queryset=Organization.objects.none()
    )
    start = DateField(label=_("Từ ngày"))
    end = DateField(label=_("Đến ngày"))
    place = forms.CharField(label=_("Địa điểm"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("Ngày kết thúc không được trước ngày bắt đầu."))
        return data


class CourseCreateForm(SubmissionKeyMixin, CourseForm):
    """A new course: the page carries a submission key (chibo.core.submissions)."""


class MemberSearchForm(forms.Form):
    """Query string of the enrol page: which members to offer."""

    q = forms.CharField(label=_("Tìm theo tên"), required=False, max_length=100)
    cell = IdField(label=_("Chi bộ"), required=False)


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"— {obj.name}" if obj.is_cell else obj.name


class BulkEnrollFilterForm(forms.Form):
    """Query string of the bulk enrolment page: which members to list."""

    org = OrgChoiceField(
        label=_("Chi bộ hoặc đảng bộ xã"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=_("Tất cả trong phạm vi"),
    )
    post = forms.ChoiceField(
        label=_("Chức vụ hiện nay"),
        required=False,
        choices=[("", _("Tất cả")), *POST_CHOICES.items()],
    )
    theory = forms.ChoiceField(
        label=_("Lý luận chính trị"),
        required=False,
        choices=[("", _("Tất cả")), *TheoryLevel.choices],
    )

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class MembersForm(SubmissionKeyMixin, forms.Form):
    """A set of members ticked on a page to enrol; only those offered (`choices`) are accepted.
    Sent twice (back, then submit), it enrols once."""

    members = ModelMultipleChoiceField(
        queryset=Member.objects.none(),
        error_messages={
            "required": _("Hãy chọn ít nhất một đảng viên."),
            "invalid_choice": _("Có người được chọn không nằm trong danh sách."),
            "invalid_pk_value": _("Có người được chọn không nằm trong danh sách."),
        },
    )

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["members"].queryset = choices


class NominateChoiceForm(forms.Form):
    course = IdField(label=_("Lớp"), required=False)
    page = PageField(max_value=None)


class ResultForm(forms.Form):
    status = forms.ChoiceField(label=_("Kết quả"), choices=Enrollment.Status.choices)
    certificate = forms.CharField(label=_("Số chứng chỉ"), max_length=60, required=False)
    completed_on = DateField(label=_("Ngày hoàn thành"), required=False)


class ContestForm(SubmissionKeyMixin, _OrganizerForm):
    name = forms.CharField(label=_("Tên hội thi"), max_length=200)
    organizer = forms.ModelChoiceField(
        label=_("Đơn vị tổ chức"), queryset=Organization.objects.none()
    )
    year = forms.IntegerField(label=_("Năm"), min_value=1990, max_value=2100)
    max_score = VnDecimalField(
        label=_("Điểm tối đa"), max_digits=5, decimal_places=2, min_value=1, initial=100
    )


class RoundForm(SubmissionKeyMixin, _OrganizerForm):
    level = forms.ChoiceField(label=_("Cấp thi"), choices=ContestRound.Level.choices)
    organizer = forms.ModelChoiceField(
        label=_("Đơn vị tổ chức"), queryset=Organization.objects.none()
    )
    held_on = DateField(label=_("Ngày thi"))


class ContestantCellForm(forms.Form):
    cell = IdField(required=False)


class ContestantForm(SubmissionKeyMixin, forms.Form):
    member = forms.ModelChoiceField(label=_("Thí sinh"), queryset=Member.objects.none())

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["member"].queryset = members


class ScoreForm(forms.Form):
    # Text, so the service gives the one clear message for any out-of-range or malformed score.
    score = forms.CharField(label=_("Điểm"), max_length=12, required=False)
    prize = forms.ChoiceField(label=_("Giải"), choices=Contestant.Prize.choices, required=False)


class IndicatorForm(forms.Form):
    org = IdField(required=False)
    as_of = DateField(label=_("Tính đến ngày"), required=False)
    page = PageField()
    # For the lists that take them (register_list's `filters`: the committee members' theory
    # list): those below the standard, of one title (the dashboard's «Bí thư chưa đạt chuẩn lý
    # luận» links both).
    below = forms.BooleanField(label=_("Chỉ người chưa đạt chuẩn"), required=False)
    title = forms.ChoiceField(
        label=_("Chức danh"), required=False, choices=[("", _("Tất cả")), *Title.choices]
    )
