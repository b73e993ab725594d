"""One page per movement: the form, the service, back to the member's record."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from chibo.accounts.scope import Scope
from chibo.core.submissions import create_once, repeated_message, submitted_before
from chibo.core.web import add_errors

from ..models import IN_CELL_STATUSES, Status, TemporaryStay
from ..permissions import member_or_404
from . import forms, services


@dataclass(frozen=True)
class Movement:
    title: str
    form: type
    service: object
    statuses: tuple
    done: str
    # Which cells the form offers: "write" (the user's cells), "read" (every cell they see).
    cells: str = ""


MOVEMENTS = {
    "exempt": Movement(
        _("Miễn sinh hoạt"),
        forms.ExemptForm,
        services.member_exempt,
        (Status.ACTIVE,),
        _("Đã ghi miễn sinh hoạt."),
    ),
    "end-exemption": Movement(
        _("Trở lại sinh hoạt"),
        forms.DayForm,
        services.member_end_exemption,
        (Status.EXEMPT,),
        _("Đã ghi trở lại sinh hoạt."),
    ),
    "transfer": Movement(
        _("Chuyển sinh hoạt chính thức trong đảng bộ"),
        forms.TransferWithinForm,
        services.member_transfer_within,
        IN_CELL_STATUSES,
        _("Đã chuyển sinh hoạt."),
        cells="write",
    ),
    "transfer-out": Movement(
        _("Chuyển sinh hoạt chính thức đi nơi khác"),
        forms.TransferOutForm,
        services.member_transfer_out,
        IN_CELL_STATUSES,
        _("Đã ghi chuyển đi."),
    ),
    "transfer-in": Movement(
        _("Nhận chuyển sinh hoạt đến"),
        forms.TransferInForm,
        services.member_transfer_in,
        (Status.TRANSFERRED_OUT,),
        _("Đã ghi chuyển đến."),
        cells="write",
    ),
    "temporary": Movement(
        _("Sinh hoạt tạm thời"),
        forms.TemporaryForm,
        services.member_temporary_start,
        (Status.ACTIVE,),
        _("Đã ghi sinh hoạt tạm thời."),
        cells="read",
    ),
    "temporary-end": Movement(
        _("Kết thúc sinh hoạt tạm thời"),
        forms.DayForm,
        services.member_temporary_end,
        (Status.ACTIVE,),
        _("Đã ghi kết thúc sinh hoạt tạm thời."),
    ),
    "death": Movement(
        _("Từ trần"),
        forms.DayForm,
        services.member_record_death,
        IN_CELL_STATUSES,
        _("Đã ghi từ trần."),
    ),
    "remove": Movement(
        _("Xóa tên, khai trừ"),
        forms.RemoveForm,
        services.member_remove,
        IN_CELL_STATUSES,
        _("Đã ghi quyết định."),
    ),
    "reinstate": Movement(
        _("Khôi phục (quyết định bị hủy)"),
        forms.ReinstateForm,
        services.member_reinstate,
        (Status.REMOVED,),
        _("Đã khôi phục."),
    ),
}


def available(member, open_stay: bool) -> list[tuple[str, str]]:
    """(slug, title) of the movements the member's status allows, in the page's order."""
    out = []
    for slug, mv in MOVEMENTS.items():
        if member.status not in mv.statuses:
            continue
        if slug == "temporary" and open_stay or slug == "temporary-end" and not open_stay:
            continue
        out.append((slug, mv.title))
    return out


def _cells(scope, which, member):
    if not which:
        return None
    qs = scope.organizations().active().cells().order_by("path")
    if which == "write":
        qs = qs.filter(scope.paths_q(paths=scope.write_paths))
    return qs.exclude(pk=member.cell_id) if member.status in IN_CELL_STATUSES else qs


@login_required
@require_http_methods(["GET", "POST"])
def movement(request, pk, kind):
    scope = Scope.for_user(request.user)
    member = member_or_404(scope, pk, write=True)
    mv = MOVEMENTS.get(kind)
    if request.method == "POST" and mv is not None and submitted_before(request) is not None:
        # The page sent again (back, then submit): the member's new status no longer offers this
        # movement, so answer as the first submit did before that rule refuses it.
        messages.info(request, repeated_message())
        return redirect("members:detail", pk=member.pk)
    open_stay = TemporaryStay.objects.filter(member=member, end__isnull=True).exists()
    if mv is None or kind not in dict(available(member, open_stay)):
        raise Http404
    kwargs = {}
    if mv.cells:
        kwargs["cells"] = _cells(scope, mv.cells, member)
    form = mv.form(request.POST or None, **kwargs)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: mv.service(member=member, actor=request.user, **data),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                messages.success(request, mv.done)
            return redirect("members:detail", pk=member.pk)
    return render(
        request,
        "members/form.html",
        {"form": form, "m": member, "title": f"{mv.title}: {member}"},
    )
