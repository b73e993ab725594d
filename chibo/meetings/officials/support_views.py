"""Pages of the organizations that help especially disadvantaged villages: the villages under a
node with their helper and last visit (those without a helper flagged), a village's support log
with the visit form, and the assign, end and visit forms.

A village is in scope when its cell or its commune's Party committee is. Helpers are assigned
and ended by org-board admins; visits are recorded by whoever may write the village's cell or
commune committee (admins, commune staff, the cell's secretary). Anything else is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chibo.accounts.scope import Scope
from chibo.committees.exports import xlsx_response
from chibo.committees.web import export_url, form_page, handles_bad_query, page_query, xlsx_name
from chibo.core import web
from chibo.core.dates import today
from chibo.core.submissions import create_once, repeated_message
from chibo.organizations.models import Village

from ..models import SupportAssignment
from . import exports, forms, support_services
from . import selectors as sel


def village_or_404(scope, pk) -> Village:
    village = web.get_or_404(
        Village.objects.select_related("commune__party_committee", "cell"), pk=pk
    )
    if not support_services.can_read_village(scope, village):
        raise Http404
    return village


def assignment_or_404(scope, pk) -> SupportAssignment:
    a = web.get_or_404(
        SupportAssignment.objects.select_related(
            "helper", "village__commune__party_committee", "village__cell"
        ),
        pk=pk,
    )
    if not support_services.can_read_village(scope, a.village):
        raise Http404
    return a


def village_url(village) -> str:
    return reverse("meetings:support_village", args=[village.pk])


@login_required
@handles_bad_query
def support_list(request, pk):
    """The especially disadvantaged villages under a node, their helper and last visit."""
    scope = web.reader_or_404(Scope.for_user(request.user))
    org = scope.org_or_404(pk)
    form, q = page_query(request, forms.SupportQueryForm)
    on = q["as_of"]
    rows = sel.supported_under(org, on)
    shown = [r for r in rows if r.flagged] if q["missing"] else rows
    if q["format"] == "xlsx":
        return xlsx_response([exports.support_table(shown)], xlsx_name(org, "giup-ban", on))
    disadvantaged = [r for r in rows if r.village.especially_disadvantaged]
    context = {
        "org": org,
        "form": form,
        "as_of": on,
        "rows": shown,
        "disadvantaged": len(disadvantaged),
        "helped": sum(1 for r in disadvantaged if r.assignment),
        "flagged": sum(1 for r in rows if r.flagged),
        "missing_only": q["missing"],
        "export_url": export_url(request),
    }
    return render(request, "meetings/support_list.html", context)


@login_required
@handles_bad_query
def village(request, pk):
    """A village's support log: every helper it has had, their visits, the visit form."""
    scope = web.reader_or_404(Scope.for_user(request.user))
    v = village_or_404(scope, pk)
    form, q = page_query(request, forms.ExportForm)
    log = sel.village_log(v)
    if q["format"] == "xlsx":
        return xlsx_response([exports.village_log_table(v, log)], f"giup-ban-{v.code}.xlsx")
    on = today()
    running = next((a for a in log if a.start <= on and (a.end is None or a.end > on)), None)
    can_visit = support_services.can_record_visit(scope, v)
    context = {
        "village": v,
        "form": form,
        "log": log,
        "running": running,
        "can_assign": support_services.can_assign_support(scope, v),
        "can_visit": can_visit,
        "visit_form": forms.VisitForm(initial={"on": on}) if can_visit and running else None,
        "export_url": export_url(request),
    }
    return render(request, "meetings/support_village.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def support_assign(request, pk):
    scope = Scope.for_user(request.user)
    v = village_or_404(scope, pk)
    if not support_services.can_assign_support(scope, v):
        raise Http404
    form = forms.SupportAssignForm(
        request.POST or None, helpers=sel.helpers_in_scope(scope), initial={"start": today()}
    )
    if form.is_valid():
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: support_services.support_assign(
                    village=v, actor=request.user, **form.cleaned_data
                ),
            )
        except ValidationError as e:
            web.add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                messages.success(
                    request,
                    _("Đã phân công %(o)s giúp đỡ %(v)s.") % {"o": result.obj.helper, "v": v},
                )
            return redirect(village_url(v))
    return form_page(request, form, _("Phân công tổ chức giúp đỡ bản"), village_url(v), str(v))


@login_required
@require_http_methods(["GET", "POST"])
def support_end(request, pk):
    scope = Scope.for_user(request.user)
    a = assignment_or_404(scope, pk)
    if not support_services.can_assign_support(scope, a.village):
        raise Http404
    form = forms.EndForm(request.POST or None, initial={"end": today()})
    if form.is_valid():
        try:
            support_services.support_end(
                assignment=a, end=form.cleaned_data["end"], actor=request.user
            )
        except ValidationError as e:
            web.add_errors(form, e)
        else:
            messages.success(request, _("Đã kết thúc phân công %(o)s.") % {"o": a.helper})
            return redirect(village_url(a.village))
    title = _("Kết thúc giúp đỡ: %(o)s") % {"o": a.helper}
    return form_page(request, form, title, village_url(a.village), str(a.village))


@login_required
@require_http_methods(["GET", "POST"])
def visit(request, pk):
    """Record a visit of the helping organization to the village."""
    scope = Scope.for_user(request.user)
    a = assignment_or_404(scope, pk)
    if not support_services.can_record_visit(scope, a.village):
        raise Http404
    form = forms.VisitForm(request.POST or None, initial={"on": today()})
    if form.is_valid():
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: support_services.support_visit_record(
                    assignment=a, actor=request.user, **form.cleaned_data
                ),
            )
        except ValidationError as e:
            web.add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                messages.success(request, _("Đã ghi chuyến giúp đỡ."))
            return redirect(village_url(a.village))
    title = _("Ghi chuyến giúp đỡ: %(o)s") % {"o": a.helper}
    return form_page(request, form, title, village_url(a.village), str(a.village))
