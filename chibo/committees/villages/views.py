"""The villages' posts page (each village's posts and its compliance with the role model, or one
row per commune above the commune level) and its writes: a post and its end, the role model a
commune adopts and its end.

Same shape as every committees view: reader's scope or write scope or a 404, a form, one
service call, a redirect or the form again with the service's message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chibo.accounts.scope import Scope
from chibo.core.dates import today
from chibo.core.submissions import create_once, repeated_message
from chibo.core.web import add_errors, reader_or_404, scoped_or_404

from ..exports import xlsx_response
from ..forms import EndForm, PageForm
from ..models import RoleModel
from ..selectors import members_for_positions
from ..web import (
    above_grassroots,
    ancestors,
    commune_or_404,
    export_url,
    form_page,
    handles_bad_query,
    page_query,
    page_url,
    xlsx_name,
)
from . import forms, selectors, services
from .tables import roles_tables


@login_required
@handles_bad_query
def roles(request, pk):
    """Village posts under an organization and each village's compliance with the role model."""
    scope = reader_or_404(Scope.for_user(request.user))
    org = scope.org_or_404(pk)
    form, q = page_query(request, PageForm)
    on = q["as_of"]
    # Above the commune level, one row per commune; the villages are on each commune's page,
    # and the summary reads the posts of the villages under a role model only (the export, all).
    summary = above_grassroots(org)
    xlsx = q["format"] == "xlsx"
    villages = selectors.village_roles(org, on, all_posts=xlsx or not summary)
    if xlsx:
        return xlsx_response(roles_tables(villages), xlsx_name(org, "kiem-nhiem", on))
    with_model = [v for v in villages if v.role_model is not None]
    can_write = scope.can_write(org)
    context = {
        "org": org,
        "ancestors": ancestors(scope, org),
        "form": form,
        "as_of": on,
        "villages": [] if summary else villages,
        "groups": selectors.villages_by_commune(villages) if summary else [],
        "villages_total": len(villages),
        "with_model": len(with_model),
        "compliant": sum(1 for v in with_model if v.compliant),
        "can_write": can_write,
        "role_model": (
            selectors.role_models_on([org.pk], on).get(org.pk) if org.is_commune else None
        ),
        "can_adopt": can_write and org.is_commune,
        "export_url": export_url(request),
    }
    return render(request, "committees/roles.html", context)


def _roles_url(org) -> str:
    return reverse("committees:roles", args=[org.pk])


def _village_back(scope, village) -> str:
    committee = village.commune.party_committee
    if committee is not None and scope.covers(committee):
        return reverse("committees:roles", args=[committee.pk])
    return page_url(village.cell) if village.cell_id else reverse("committees:index")


@login_required
@require_http_methods(["GET", "POST"])
def role_assign(request, pk):
    scope = Scope.for_user(request.user)
    village = selectors.village_or_404(scope, pk)
    members = members_for_positions(village.cell or village.commune.party_committee, today())
    form = forms.RoleForm(request.POST or None, members=members)
    back = _village_back(scope, village)
    if form.is_valid():
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.concurrent_role_assign(
                    village=village, actor=request.user, **form.cleaned_data
                ),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                role = result.obj
                messages.success(
                    request,
                    _("Đã ghi %(k)s: %(name)s.")
                    % {"k": role.get_kind_display(), "name": role.holder_name},
                )
            return redirect(back)
    return form_page(request, form, _("Chức danh kiêm nhiệm"), back, str(village))


@login_required
@require_http_methods(["GET", "POST"])
def role_end(request, pk):
    scope = Scope.for_user(request.user)
    role, village = selectors.post_or_404(scope, pk)
    back = _village_back(scope, village)
    form = EndForm(request.POST or None)
    if form.is_valid():
        try:
            services.concurrent_role_end(
                role=role, end=form.cleaned_data["end"], actor=request.user
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _("Đã ghi thôi chức danh."))
            return redirect(back)
    title = _("Thôi %(k)s: %(name)s") % {"k": role.get_kind_display(), "name": role.holder_name}
    return form_page(request, form, title, back, str(village))


@login_required
@require_http_methods(["GET", "POST"])
def role_model_adopt(request, pk):
    _scope, org = commune_or_404(request, pk)
    form = forms.RoleModelForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.role_model_adopt(
                    commune=org,
                    name=data["name"],
                    effective_from=data["effective_from"],
                    pairings=data["pairings"],
                    actor=request.user,
                ),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                name = result.obj.name
                messages.success(request, _("Đã áp dụng mô hình %(n)s.") % {"n": name})
            return redirect(_roles_url(org))
    return form_page(request, form, _("Áp dụng mô hình kiêm nhiệm"), _roles_url(org), org.name)


@login_required
@require_http_methods(["GET", "POST"])
def role_model_end(request, pk):
    scope = Scope.for_user(request.user)
    model = scoped_or_404(scope, RoleModel, pk, org="commune", write=True)
    back = _roles_url(model.commune)
    form = forms.RoleModelEndForm(request.POST or None)
    if form.is_valid():
        try:
            services.role_model_end(
                role_model=model, on=form.cleaned_data["on"], actor=request.user
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _("Đã thôi áp dụng mô hình %(n)s.") % {"n": model.name})
            return redirect(back)
    title = _("Thôi áp dụng mô hình: %(n)s") % {"n": model.name}
    return form_page(request, form, title, back, model.commune.name)
