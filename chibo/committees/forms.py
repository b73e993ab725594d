"""What the committees' forms share: the member choices (rendered from plain values), the
page's query string (date, format) and the end date of a dated row. Each part has its own
forms; checks live in services."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from chibo.core import html
from chibo.core.forms import DateField, ModelMultipleChoiceField, PageField

from . import rules
from .models import Title

FORMATS = [("", _("Trang")), ("xlsx", _("Excel (.xlsx)"))]


_ROW_VALUES = ("pk", "full_name", "birth_date", "cell__name")


class _MemberChoices(ModelChoiceIterator):
    """(pk, label) from four values of each member, not from Member instances with their cells:
    a commune's select offers hundreds of members."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        source = getattr(self.field, "rows_from", None)
        if source is None:
            rows = self.queryset.values_list(*_ROW_VALUES)
        else:  # offer(): read once for every select of the page that offers `source`
            rows = getattr(source, "_chibo_member_rows", None)
            if rows is None:
                rows = source._chibo_member_rows = list(source.values_list(*_ROW_VALUES))
        for pk, name, born, cell in rows:
            yield (pk, self.field.label_from_values(name, born, cell))


class MemberSelect(forms.Select):
    """A select rendered in Python: Django renders each option through a template of its own,
    which for hundreds of members cost more than the rest of the page. Plain choices only (no
    groups, no per-option attributes)."""

    def render(self, name, value, attrs=None, renderer=None):
        options = html.options(self.choices, self.format_value(value))
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attrs, options)


class MemberChoiceField(forms.ModelChoiceField):
    iterator = _MemberChoices
    widget = MemberSelect

    def label_from_values(self, name, born, cell):
        return f"{name} ({born:%Y}, {cell})"


# Above a commune the members number thousands: a list of them all would weigh megabytes on a
# phone, so a form there names the member by party card number.
LISTED_KINDS = ("cell", "grassroots")


def offer(field, members):
    """Offer `members` in the member choice `field`: the selects of a page that offer the same
    queryset (a cell's page: the position form's member, the congress form's three) read its
    rows once."""
    field.queryset = members
    field.rows_from = members


def offer_members(form, org, members):
    form.members = members
    if org.kind in LISTED_KINDS:
        offer(form.fields["member"], members)
    else:
        form.fields["member"] = forms.CharField(
            label=_("Số thẻ đảng viên"), max_length=20, help_text=_("Đảng viên thuộc tổ chức này.")
        )


def member_by_card(form):
    value = form.cleaned_data["member"]
    if not isinstance(value, str):
        return value
    member = form.members.filter(party_card_number=value.strip()).first()
    if member is None:
        raise forms.ValidationError(
            _("Không có đảng viên mang số thẻ này trong tổ chức."), code="unknown_card"
        )
    return member


class MembersChoiceField(ModelMultipleChoiceField):
    iterator = _MemberChoices

    def label_from_values(self, name, born, cell):
        return f"{name} ({born:%Y})"


def titles_for(org):
    allowed = rules.CELL_TITLES if org.is_cell else Title.values
    return [(v, label) for v, label in Title.choices if v in allowed]


# --- query strings ------------------------------------------------------------------------------


class PageForm(forms.Form):
    as_of = DateField(label=_("Tính đến ngày"), required=False)
    format = forms.ChoiceField(label=_("Định dạng"), required=False, choices=FORMATS)


class OrgPageForm(PageForm):
    flagged = forms.BooleanField(label=_("Chỉ chi bộ có cảnh báo"), required=False)
    flag = forms.ChoiceField(
        label=_("Cảnh báo"), required=False, choices=[("", _("Tất cả")), *rules.Flag.choices]
    )
    residential = forms.BooleanField(label=_("Chỉ chi bộ thôn, bản, tiểu khu"), required=False)


class IndicatorForm(PageForm):
    page = PageField()


# --- writes -------------------------------------------------------------------------------------


class EndForm(forms.Form):
    end = DateField(label=_("Thôi từ ngày"))
