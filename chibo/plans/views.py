"""The village plan page: the commune assigns targets, approves or returns; the cell sends its
plan; readers above read it; others 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chibo.accounts.scope import Scope
from chibo.core import indicators as registry
from chibo.core.dated import overlap_q
from chibo.core.dates import today
from chibo.core.submissions import create_once, repeated_message
from chibo.core.web import (
    add_errors,
    bad_query,
    content_disposition,
    get_or_404,
    reader_or_404,
    xlsx_response,
)
from chibo.criteria.models import CriteriaItem, CriteriaSet
from chibo.criteria.services import year_bounds
from chibo.organizations.models import Commune, Village
from chibo.organizations.selectors import village_ids_in
from chibo.training import exports

from . import documents, forms, lists, selectors, services
from .models import PlanTarget, VillagePlan


def _village_or_404(scope: Scope, pk) -> Village:
    village = get_or_404(Village.objects.select_related("commune__party_committee", "cell"), pk=pk)
    committee = village.commune.party_committee
    if committee is not None and scope.covers(committee):
        return village
    if village.cell is not None and scope.covers(village.cell):
        return village
    raise Http404


def _items(year):
    start, end = year_bounds(year)
    return (
        CriteriaItem.objects.filter(
            criteria_set__in=CriteriaSet.objects.filter(
                overlap_q(start, end, "valid_from", "valid_to")
            )
        )
        .select_related("criteria_set")
        .order_by("criteria_set__kind", "order")
    )


@login_required
@require_http_methods(["GET", "POST"])
def village_plan(request, pk, year):
    if not 1900 <= year <= 2100:
        raise Http404
    scope = Scope.for_user(request.user)
    village = _village_or_404(scope, pk)
    committee = village.commune.party_committee
    is_commune = committee is not None and scope.covers(committee, write=True)
    is_cell = village.cell is not None and scope.covers(village.cell, write=True)
    plan = VillagePlan.objects.filter(village=village, year=year).first()
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if data else None
    assign = forms.AssignForm(data if action == "assign" else None, items=_items(year))
    submit = forms.SubmitForm(
        data if action == "submit" else None, initial={"text": plan and plan.text}
    )
    back = forms.ReturnForm(data if action == "return" else None)
    error = None
    if data is not None:
        allowed = {
            "assign": is_commune,
            "approve": is_commune,
            "return": is_commune,
            "submit": is_cell,
        }
        if not allowed.get(action):
            raise Http404
        try:
            if action == "assign" and assign.is_valid():
                result = create_once(
                    key=assign.submission_key,
                    actor=request.user,
                    create=lambda: services.target_assign(
                        village=village, year=year, actor=request.user, **assign.cleaned_data
                    ),
                )
                if result.repeated:
                    messages.info(request, repeated_message())
                return redirect(request.path)
            if plan is None and action != "assign":
                raise ValidationError(services.no_plan_message())
            if action == "submit" and submit.is_valid():
                services.plan_submit(
                    plan=plan, text=submit.cleaned_data["text"], actor=request.user
                )
                return redirect(request.path)
            if action == "return" and back.is_valid():
                services.plan_return(
                    plan=plan, comment=back.cleaned_data["comment"], actor=request.user
                )
                return redirect(request.path)
            if action == "approve":
                services.plan_approve(plan=plan, actor=request.user)
                return redirect(request.path)
        except ValidationError as e:
            form = {"assign": assign, "submit": submit, "return": back}.get(action)
            if form is not None and form.is_bound:
                add_errors(form, e)
            else:
                error = " ".join(e.messages)
    targets = (
        PlanTarget.objects.filter(plan=plan).select_related("target", "criteria_item__criteria_set")
        if plan
        else []
    )
    context = {
        "village": village,
        "year": year,
        "plan": plan,
        "targets": targets,
        "is_commune": is_commune,
        "is_cell": is_cell,
        "assign": assign,
        "submit": submit,
        "back": back,
        "error": error,
        "S": VillagePlan.Status,
    }
    return render(request, "plans/village.html", context, status=400 if data is not None else 200)


def _commune_or_404(scope: Scope, pk) -> Commune:
    commune = get_or_404(Commune.objects.select_related("party_committee"), pk=pk)
    if commune.party_committee is None or not scope.covers(commune.party_committee):
        raise Http404
    return commune


@login_required
@require_GET
def commune_plans(request, pk, year):
    """The commune's villages with their plan for the year, its targets and the criteria sets
    met (the list behind the roll-up), and the assignment table to download."""
    if not 1900 <= year <= 2100:
        raise Http404
    commune = _commune_or_404(Scope.for_user(request.user), pk)
    rows = selectors.commune_rows(commune, year)
    context = {
        "commune": commune,
        "year": year,
        "rows": rows,
        "approved": sum(r.approved for r in rows),
    }
    return render(request, "plans/commune.html", context)


@login_required
@require_GET
def commune_assignments(request, pk, year):
    """The assignment table (.xlsx): every target the commune assigned its villages for the
    year, with the criteria item it serves and where the village's plan stands."""
    if not 1900 <= year <= 2100:
        raise Http404
    commune = _commune_or_404(Scope.for_user(request.user), pk)
    links = (
        PlanTarget.objects.filter(
            plan__village_id__in=village_ids_in(commune, *year_bounds(year)), plan__year=year
        )
        .select_related("plan__village", "target", "criteria_item__criteria_set")
        .order_by("plan__village__name", "target__order", "id")
    )
    rows = [
        (
            str(link.plan.village),
            link.target.name,
            link.target.unit,
            link.target.yearly_value,
            link.target.get_measure_display(),
            f"{link.criteria_item.criteria_set.name}: {link.criteria_item}"
            if link.criteria_item
            else "",
            link.plan.get_status_display(),
        )
        for link in links
    ]
    headers = [
        (_("Thôn, bản"), 22),
        (_("Chỉ tiêu"), 36),
        (_("Đơn vị tính"), 12),
        (_("Kế hoạch năm"), 12),
        (_("Cách tính"), 20),
        (_("Phục vụ tiêu chí"), 40),
        (_("Kế hoạch của bản"), 18),
    ]
    content = exports.workbook(_("Giao chỉ tiêu năm %(y)s") % {"y": year}, headers, rows)
    return xlsx_response(content, f"giao-chi-tieu-{commune.code}-{year}.xlsx")


@login_required
@require_GET
def indicator(request, pk, code):
    """The list behind one of the plans' indicators for an organization as of a date (lists.py):
    a line per commune above the communes, per village (or target) below."""
    found = registry.list_for(code, lists.VIEW)
    if found is None:
        raise Http404
    org = reader_or_404(Scope.for_user(request.user)).org_or_404(pk)
    query = forms.AsOfForm(request.GET)
    if not query.is_valid():
        return bad_query(query, request=request)
    as_of = query.cleaned_data.get("as_of") or today()
    rows, extra = found.rows(org, as_of)
    context = {
        "code": code,
        "indicator": registry.get(code),
        "org": org,
        "as_of": as_of,
        "query": query,
        "rows": rows,
        **extra,
    }
    return render(request, "plans/indicator.html", context)


@login_required
@require_GET
def commune_decision(request, pk, year):
    """The commune's decision approving its villages' plans of the year (.docx, the Party's
    format), with the approved villages and their targets; while none is approved, back to the
    commune's page with the reason."""
    if not 1900 <= year <= 2100:
        raise Http404
    commune = _commune_or_404(Scope.for_user(request.user), pk)
    decision = documents.decision_for(commune, year)
    if decision is None:
        messages.error(request, _("Chưa có kế hoạch nào của năm được phê duyệt."))
        return redirect("plans:commune", pk=commune.pk, year=year)
    response = HttpResponse(documents.docx_bytes(decision), content_type=documents.DOCX)
    response["Content-Disposition"] = content_disposition(documents.filename(decision))
    return response
