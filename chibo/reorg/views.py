"""Pages of the org board's reorganization plans: the list, a new plan, a plan with its
preview, what goes where, apply, undo, discard. Org-board admins write; analysts read; anyone
else (and a plan outside the user's scope) gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chibo.accounts.models import Role
from chibo.accounts.scope import Scope
from chibo.core.dates import today
from chibo.core.submissions import create_once, repeated_message
from chibo.core.web import add_errors, admin_or_404, bad_query, get_or_404

from . import forms, selectors, services
from .models import Reorganization


def _board_or_404(request) -> Scope:
    """The scope of an org-board admin or analyst (or a superuser); else 404."""
    scope = Scope.for_user(request.user)
    if not scope.has_role(Role.ORG_ADMIN, Role.ORG_ANALYST):
        raise Http404
    return scope


def _plan_or_404(scope, pk, *, write=False) -> Reorganization:
    plan = get_or_404(selectors.plans_for(scope).select_related("into", "parent"), pk=pk)
    if write and not (scope.is_org_admin and scope.covers(plan.owner, write=True)):
        raise Http404
    return plan


@login_required
def plan_list(request):
    scope = _board_or_404(request)
    form = forms.ListFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return bad_query(form, request=request)
    plans = selectors.plans_for(scope).prefetch_related("sources", "parts")
    status = form.cleaned_data.get("status") if form.is_bound else ""
    if status:
        plans = plans.filter(status=status)
    context = {"plans": list(plans[:200]), "form": form, "can_write": scope.is_org_admin}
    return render(request, "reorg/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request):
    scope = admin_or_404(_board_or_404(request))
    prefill = forms.PrefillForm(request.GET or None)
    if request.GET and not prefill.is_valid():
        return bad_query(prefill, request=request)
    initial = {"sources": prefill.cleaned_data.get("sources", "")} if prefill.is_bound else {}
    form = forms.PlanForm(request.POST or None, scope=scope, initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.reorg_draft(
                    kind=data["kind"],
                    sources=data["sources"],
                    on=data["on"],
                    actor=request.user,
                    title=data["title"],
                    decision=data["decision"],
                    parts=data["parts"],
                    into=data["into"],
                    parent=data["parent"],
                ),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                messages.success(request, _("Đã lưu dự thảo phương án."))
            return redirect("reorg:detail", pk=result.obj.pk)
    return render(request, "reorg/new.html", {"form": form})


def _detail(request, scope, plan, choices_form=None, status=200):
    context = {
        "plan": plan,
        "sources": list(plan.sources.all()),
        "parts": list(plan.parts.select_related("organization")),
        "can_write": scope.is_org_admin and scope.covers(plan.owner, write=True),
    }
    if plan.status in (Reorganization.Status.DRAFT, Reorganization.Status.SCHEDULED):
        preview = selectors.preview(plan)
        context["preview"] = preview
        context["due"] = plan.on <= today()
        if plan.is_draft:
            context["choices_form"] = choices_form or forms.ChoicesForm(preview=preview)
    elif plan.status == Reorganization.Status.APPLIED:
        context["dependents"] = services.dependents(plan)
    return render(request, "reorg/detail.html", context, status=status)


@login_required
def plan_detail(request, pk):
    scope = _board_or_404(request)
    return _detail(request, scope, _plan_or_404(scope, pk))


@login_required
@require_POST
def plan_choices(request, pk):
    scope = _board_or_404(request)
    plan = _plan_or_404(scope, pk, write=True)
    if not plan.is_draft:
        raise Http404
    form = forms.ChoicesForm(request.POST, preview=selectors.preview(plan))
    if not form.is_valid():
        return _detail(request, scope, plan, choices_form=form, status=400)
    try:
        services.reorg_draft_update(reorganization=plan, actor=request.user, choices=form.choices())
    except ValidationError as e:
        add_errors(form, e)
        return _detail(request, scope, plan, choices_form=form, status=400)
    messages.success(request, _("Đã lưu lựa chọn."))
    return redirect("reorg:detail", pk=plan.pk)


def _act(request, pk, service, done: str):
    scope = _board_or_404(request)
    plan = _plan_or_404(scope, pk, write=True)
    try:
        service(reorganization=plan, actor=request.user)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("reorg:detail", pk=plan.pk)


@login_required
@require_POST
def plan_apply(request, pk):
    return _act(request, pk, services.reorg_apply, _("Đã áp dụng phương án."))


@login_required
@require_POST
def plan_undo(request, pk):
    return _act(request, pk, services.reorg_undo, _("Đã hoàn tác phương án."))


@login_required
@require_POST
def plan_discard(request, pk):
    return _act(request, pk, services.reorg_discard, _("Đã hủy dự thảo."))


@login_required
@require_POST
def plan_schedule(request, pk):
    return _act(
        request, pk, services.reorg_schedule, _("Phương án sẽ được áp dụng vào ngày hiệu lực.")
    )


@login_required
@require_POST
def plan_unschedule(request, pk):
    return _act(request, pk, services.reorg_unschedule, _("Phương án trở lại dự thảo."))


@login_required
@require_POST
def plan_trial(request, pk):
    """Apply the plan in a transaction rolled back at once, and say what would stop it."""
    scope = _board_or_404(request)
    plan = _plan_or_404(scope, pk, write=True)
    if plan.status not in (Reorganization.Status.DRAFT, Reorganization.Status.SCHEDULED):
        raise Http404
    reasons = services.reorg_trial(reorganization=plan, actor=request.user)
    for reason in reasons:
        messages.error(request, reason)
    if not reasons:
        messages.success(request, _("Thử áp dụng: trọn vẹn, không có vướng mắc (chưa ghi gì)."))
    return redirect("reorg:detail", pk=plan.pk)
