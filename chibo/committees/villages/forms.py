"""Forms of the villages' posts and of the role model a commune adopts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core.forms import DateField
from chibo.core.submissions import SubmissionKeyMixin
from chibo.members.models import Member

from .. import rules
from ..forms import MemberChoiceField
from ..models import ConcurrentRole, Title


class RoleForm(SubmissionKeyMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Chức danh"), choices=ConcurrentRole.Kind.choices)
    member = MemberChoiceField(label=_("Đảng viên"), queryset=Member.objects.none(), required=False)
    person_name = forms.CharField(
        label=_("hoặc họ tên (nếu không là đảng viên)"), max_length=120, required=False
    )
    start = DateField(label=_("Từ ngày"))
    end = DateField(label=_("Đến ngày (nếu đã thôi)"), required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members

    def clean(self):
        data = super().clean()
        if bool(data.get("member")) == bool((data.get("person_name") or "").strip()):
            raise forms.ValidationError(
                _("Chọn một đảng viên, hoặc ghi họ tên người không phải đảng viên (một trong hai).")
            )
        return data


# Which holder a role model pairs with a village post: a cell title or another village post.
def _pair_sources():
    return [
        ("", "—"),
        *((f"title:{v}", label) for v, label in Title.choices if v in rules.CELL_TITLES),
        *((f"kind:{v}", label) for v, label in ConcurrentRole.Kind.choices),
    ]


ROLE_MODEL_PAIRS = 4


# The Nà Bó pilot, offered as the starting point.
NA_BO_PAIRS = [
    ("title:secretary", "village_head"),
    ("title:deputy_secretary", "front_head"),
    ("kind:deputy_village_head", "village_police"),
]


class RoleModelForm(SubmissionKeyMixin, forms.Form):
    """A role model: a name, a date and up to four pairings 'holder of A also holds B'."""

    name = forms.CharField(label=_("Tên mô hình"), max_length=200)
    effective_from = DateField(label=_("Áp dụng từ ngày"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [("", "—"), *ConcurrentRole.Kind.choices]
        for i in range(1, ROLE_MODEL_PAIRS + 1):
            self.fields[f"holder_{i}"] = forms.ChoiceField(
                label=_("Người giữ chức danh (cặp %(i)s)") % {"i": i},
                choices=_pair_sources(),
                required=False,
            )
            self.fields[f"post_{i}"] = forms.ChoiceField(
                label=_("đồng thời là (cặp %(i)s)") % {"i": i}, choices=kinds, required=False
            )
        if not self.is_bound:
            for i, (holder, post) in enumerate(NA_BO_PAIRS, start=1):
                self.initial.setdefault(f"holder_{i}", holder)
                self.initial.setdefault(f"post_{i}", post)

    def clean(self):
        """Read the pairs as (title, kind, paired_kind) in `pairings`; services.role_model_adopt
        checks them."""
        data = super().clean()
        pairings = []
        for i in range(1, ROLE_MODEL_PAIRS + 1):
            holder, post = data.get(f"holder_{i}"), data.get(f"post_{i}")
            if not holder and not post:
                continue
            if not holder or not post:
                self.add_error(f"post_{i}", _("Hãy chọn đủ hai chức danh của cặp."))
                continue
            source, value = holder.split(":", 1)
            pairings.append((value, post, "") if source == "title" else ("", post, value))
        data["pairings"] = pairings
        return data


class RoleModelEndForm(forms.Form):
    on = DateField(label=_("Thôi áp dụng từ ngày"))
