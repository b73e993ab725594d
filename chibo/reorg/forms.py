"""Forms of the reorganization pages: a new plan, what goes where, the list's filter."""

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chibo.core.forms import DateField
from chibo.core.submissions import SubmissionKeyMixin
from chibo.core.vn import day_text
from chibo.organizations.models import Organization

from .models import Reorganization

CODE = re.compile(r"^[A-Za-z0-9._-]{1,30}$")


def _codes(text: str) -> list[str]:
    return [c for c in re.split(r"[\s,;]+", text or "") if c]


class PlanForm(SubmissionKeyMixin, forms.Form):
    """A new plan. Organizations are named by their codes (a province has thousands: a code is
    found at once, a list to scroll is not), each looked up in the user's scope."""

    kind = forms.ChoiceField(label=gettext_lazy("Loại"), choices=Reorganization.Kind.choices)
    title = forms.CharField(label=gettext_lazy("Tên phương án"), max_length=200, required=False)
    sources = forms.CharField(
        label=gettext_lazy("Mã các tổ chức sáp nhập hoặc chia tách"),
        max_length=2000,
        help_text=gettext_lazy("Cách nhau bởi dấu phẩy, ví dụ: XA-01, XA-02"),
    )
    into = forms.CharField(
        label=gettext_lazy("Sáp nhập vào tổ chức có sẵn (mã)"), max_length=30, required=False
    )
    parts = forms.CharField(
        label=gettext_lazy("Tổ chức mới"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("Mỗi dòng một tổ chức: MÃ | Tên"),
    )
    parent = forms.CharField(
        label=gettext_lazy("Cấp trên của tổ chức mới (mã, nếu khác cấp trên hiện nay)"),
        max_length=30,
        required=False,
    )
    on = DateField(label=gettext_lazy("Ngày hiệu lực"))
    decision = forms.CharField(label=gettext_lazy("Số quyết định"), max_length=100, required=False)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope

    def _org(self, code: str, field: str):
        org = Organization.objects.filter(code=code).first()
        if org is None or not self.scope.covers(org, write=True):
            self.add_error(field, _("Không tìm thấy mã %(c)s trong phạm vi quản lý.") % {"c": code})
            return None
        if org.valid_to is not None:  # nothing moves from or to it any more
            self.add_error(
                field,
                _("%(o)s (mã %(c)s) đã kết thúc từ %(d)s.")
                % {"o": org.name, "c": code, "d": day_text(org.valid_to)},
            )
            return None
        return org

    def clean_parts(self):
        parts = []
        for line in (self.cleaned_data.get("parts") or "").splitlines():
            if not line.strip():
                continue
            code, sep, name = line.partition("|")
            code, name = code.strip(), " ".join(name.split())
            if not sep or not CODE.match(code) or not name:
                raise forms.ValidationError(
                    _("Dòng “%(l)s” chưa đúng dạng MÃ | Tên.") % {"l": line.strip()[:60]}
                )
            parts.append({"code": code, "name": name})
        return parts

    def clean(self):
        data = super().clean()
        codes = _codes(data.get("sources", ""))
        if len(codes) > 50:
            self.add_error("sources", _("Tối đa 50 tổ chức một phương án."))
            codes = []
        sources = [self._org(c, "sources") for c in codes]
        data["sources"] = [s for s in sources if s is not None]
        for name in ("into", "parent"):
            code = (data.get(name) or "").strip()
            data[name] = self._org(code, name) if code else None
        kind, parts = data.get("kind"), data.get("parts") or []
        if kind == Reorganization.Kind.SPLIT and len(parts) < 2:
            self.add_error("parts", _("Chia tách cần ít nhất hai tổ chức mới."))
        if kind == Reorganization.Kind.MERGE and bool(data.get("into")) == bool(parts):
            self.add_error(
                "parts",
                _("Sáp nhập vào một tổ chức có sẵn, hoặc nhập đúng một tổ chức mới."),
            )
        if kind == Reorganization.Kind.MERGE and len(parts) > 1:
            self.add_error("parts", _("Sáp nhập thành đúng một tổ chức mới."))
        return data


class PrefillForm(forms.Form):
    """`?sources=XA-01` from an organization's page: the codes the new plan starts with."""

    sources = forms.RegexField(regex=r"^[A-Za-z0-9._,\s-]{0,300}$", required=False)


class ChoicesForm(forms.Form):
    """What goes where in a split (a part for each row) and who keeps each seat held twice in a
    merger, built from the plan's preview."""

    def __init__(self, *args, preview, **kwargs):
        super().__init__(*args, **kwargs)
        self.preview = preview
        split = preview.plan.kind == Reorganization.Kind.SPLIT
        parts = [(str(t.index), t.name) for t in preview.targets]
        saved = preview.plan.choices.get("parts", {}) if preview.plan.choices else {}
        self.rows = []
        if split:
            for move in preview.moves:
                name = "part:" + move.key
                if name in self.fields:
                    continue
                blank = (
                    _("Theo dõi tất cả tổ chức mới")
                    if move.what == "follow"
                    else _("— chưa chọn —")
                )
                self.fields[name] = forms.TypedChoiceField(
                    label=f"{move.what_label}: {move.label}",
                    choices=[("", blank), *parts],
                    required=False,
                    coerce=int,
                    empty_value=None,
                    initial=saved.get(move.key, move.part if move.what != "follow" else None),
                )
        for group in preview.seat_groups:
            holders = [(str(pk), label) for pk, label in group.candidates]
            self.fields["seat:" + group.key] = forms.TypedChoiceField(
                label=_("Người giữ chức vụ %(t)s ở tổ chức mới") % {"t": group.label},
                choices=[("", _("— chưa chọn —")), *holders],
                required=False,
                coerce=int,
                empty_value=None,
                initial=group.chosen,
            )

    def choices(self) -> dict:
        parts, seats = {}, {}
        for name, value in self.cleaned_data.items():
            if value is None:
                continue
            kind, _sep, key = name.partition(":")
            (parts if kind == "part" else seats)[key] = value
        return {"parts": parts, "seats": seats}


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Trạng thái"),
        choices=[("", gettext_lazy("Tất cả")), *Reorganization.Status.choices],
        required=False,
    )
