"""A cell's structure changes that move its members: merge into another cell, split in two.

The pages sit under the organization's address (/org/<pk>/merge/), but the changes are the
members app's services (cells_merge, cell_split): the organizations app does not import members.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chibo.accounts.scope import Scope
from chibo.core.web import add_errors, admin_or_404
from chibo.organizations.models import Village

from . import services
from .forms_cells import MergeForm, SplitForm
from .models import Member


def _open_cell_or_404(request, pk):
    """(scope, cell) for an organization admin who may write there; an open cell only."""
    scope = admin_or_404(Scope.for_user(request.user))
    org = scope.org_or_404(pk, write=True)
    if not org.is_cell or org.valid_to:
        raise Http404
    return scope, org


@login_required
@require_http_methods(["GET", "POST"])
def merge(request, pk):
    scope, org = _open_cell_or_404(request, pk)
    cells = scope.organizations().active().cells().exclude(pk=org.pk)
    if org.parent_id:
        cells = cells.filter(parent_id=org.parent_id)
    form = MergeForm(request.POST or None, cells=cells)
    if form.is_valid():
        try:
            n = services.cells_merge(source=org, actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _("Đã sáp nhập; %(n)s đảng viên chuyển sang.") % {"n": n})
            return redirect("organizations:detail", pk=form.cleaned_data["into"].pk)
    context = {"org": org, "form": form, "title": _("Sáp nhập chi bộ")}
    return render(request, "organizations/structure_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def split(request, pk):
    scope, org = _open_cell_or_404(request, pk)
    members = Member.objects.filter(cell=org).in_cell().order_by("sort_key", "id")
    villages = Village.objects.filter(cell=org, valid_to__isnull=True).order_by("name")
    form = SplitForm(request.POST or None, members=members, villages=villages)
    if form.is_valid():
        chosen = [*form.assignment().values(), *form.village_assignment().values()]
        if any(i == 1 for i in chosen) and len(form.new_cells()) < 2:
            form.add_error("name_2", _("Có đảng viên được xếp vào chi bộ mới 2 nhưng chưa nhập."))
        else:
            try:
                created = services.cell_split(
                    source=org,
                    new_cells=form.new_cells(),
                    assignment=form.assignment(),
                    on=form.cleaned_data["on"],
                    actor=request.user,
                    decision=form.cleaned_data["decision"],
                    villages=form.village_assignment(),
                )
            except ValidationError as e:
                add_errors(form, e)
            else:
                messages.success(
                    request, _("Đã chia tách thành %(n)s chi bộ mới.") % {"n": len(created)}
                )
                return redirect("organizations:detail", pk=created[0].pk)
    return render(request, "members/cell_split.html", {"org": org, "form": form})
