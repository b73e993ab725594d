"""What a commune records through pages: its Party secretary and People's Committee chairman,
the non-local leaders' target (of the committee above), its officials and their assessment
against the standard, and the role model its villages follow.

Same shape as views_write: the write scope or a 404 (read-only roles and other communes get the
same 404 as a missing page), a form, one service call, then a redirect, or the form again with
the service's message and nothing saved.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chibo.accounts.scope import Scope
from chibo.core.dates import today

from . import forms, selectors, services
from .models import CommuneLeader, CommuneOfficial, RoleModel
from .views_write import _add_errors, _form_page, _owned_or_404, _write_org


def _commune_or_404(request, pk):
    """A commune committee the user may write to."""
    scope, org = _write_org(request, pk)
    if not org.is_commune:
        raise Http404
    return scope, org


def _row_or_404(request, model, pk, org_field):
    """A row of `model` whose organization (`org_field`) the user may write to."""
    scope = Scope.for_user(request.user)
    try:
        row = model.objects.select_related(org_field).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _owned_or_404(scope, getattr(row, org_field))
    return row


def _leaders_url(org) -> str:
    return reverse("committees:leaders", args=[org.pk])


def _officials_url(org) -> str:
    return reverse("committees:officials", args=[org.pk])


def _roles_url(org) -> str:
    return reverse("committees:roles", args=[org.pk])


# --- leaders ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def leader_assign(request, pk):
    _scope, org = _commune_or_404(request, pk)
    form = forms.CommuneLeaderForm(
        request.POST or None, members=selectors.members_for_positions(org, today())
    )
    if form.is_valid():
        try:
            leader = services.commune_leader_assign(
                commune=org, actor=request.user, **form.cleaned_data
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(
                request,
                _("Đã ghi %(post)s: %(name)s.")
                % {"post": leader.get_post_display(), "name": leader.full_name},
            )
            return redirect(_leaders_url(org))
    return _form_page(request, form, _("Ghi lãnh đạo xã"), _leaders_url(org), org.name)


@login_required
@require_http_methods(["GET", "POST"])
def leader_end(request, pk):
    leader = _row_or_404(request, CommuneLeader, pk, "commune")
    back = _leaders_url(leader.commune)
    form = forms.EndForm(request.POST or None)
    if form.is_valid():
        try:
            services.commune_leader_end(
                leader=leader, end=form.cleaned_data["end"], actor=request.user
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("Đã ghi thôi chức danh."))
            return redirect(back)
    title = _("Thôi %(post)s: %(name)s") % {
        "post": leader.get_post_display(),
        "name": leader.full_name,
    }
    return _form_page(request, form, title, back, leader.commune.name)


@login_required
@require_http_methods(["GET", "POST"])
def target_set(request, pk):
    _scope, org = _write_org(request, pk)
    if org.is_cell:
        raise Http404
    form = forms.LeadershipTargetForm(request.POST or None)
    if form.is_valid():
        try:
            target = services.leadership_target_set(
                organization=org, actor=request.user, **form.cleaned_data
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(
                request,
                _("Đã đặt chỉ tiêu nhiệm kỳ %(n)s: %(t)s vị trí.")
                % {"n": target.term_name, "t": target.nonlocal_target},
            )
            return redirect(_leaders_url(org))
    title = _("Chỉ tiêu lãnh đạo xã không phải người địa phương")
    return _form_page(request, form, title, _leaders_url(org), org.name)


# --- officials ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def official_add(request, pk):
    _scope, org = _commune_or_404(request, pk)
    form = forms.CommuneOfficialForm(
        request.POST or None,
        members=selectors.members_for_positions(org, today()),
        initial={"assessed_on": today()},
    )
    if form.is_valid():
        try:
            official = services.commune_official_add(
                commune=org, actor=request.user, **form.cleaned_data
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("Đã ghi %(name)s.") % {"name": official.full_name})
            return redirect(_officials_url(org))
    return _form_page(request, form, _("Thêm cán bộ, công chức xã"), _officials_url(org), org.name)


@login_required
@require_http_methods(["GET", "POST"])
def official_assess(request, pk):
    official = _row_or_404(request, CommuneOfficial, pk, "commune")
    back = _officials_url(official.commune)
    form = forms.AssessForm(request.POST or None, initial={"assessed_on": today()})
    if form.is_valid():
        try:
            services.commune_official_assess(
                official=official, actor=request.user, **form.cleaned_data
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(
                request, _("Đã ghi kết quả đánh giá của %(name)s.") % {"name": official.full_name}
            )
            return redirect(back)
    title = _("Đánh giá chuẩn: %(name)s (%(post)s)") % {
        "name": official.full_name,
        "post": official.post,
    }
    return _form_page(request, form, title, back, official.commune.name)


@login_required
@require_http_methods(["GET", "POST"])
def official_end(request, pk):
    official = _row_or_404(request, CommuneOfficial, pk, "commune")
    back = _officials_url(official.commune)
    form = forms.EndForm(request.POST or None)
    if form.is_valid():
        try:
            services.commune_official_end(
                official=official, end=form.cleaned_data["end"], actor=request.user
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("Đã ghi thôi chức vụ."))
            return redirect(back)
    title = _("Thôi chức vụ: %(name)s (%(post)s)") % {
        "name": official.full_name,
        "post": official.post,
    }
    return _form_page(request, form, title, back, official.commune.name)


# --- the role model -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def role_model_adopt(request, pk):
    _scope, org = _commune_or_404(request, pk)
    form = forms.RoleModelForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            model = services.role_model_adopt(
                commune=org,
                name=data["name"],
                effective_from=data["effective_from"],
                pairings=data["pairings"],
                actor=request.user,
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("Đã áp dụng mô hình %(n)s.") % {"n": model.name})
            return redirect(_roles_url(org))
    return _form_page(request, form, _("Áp dụng mô hình kiêm nhiệm"), _roles_url(org), org.name)


@login_required
@require_http_methods(["GET", "POST"])
def role_model_end(request, pk):
    model = _row_or_404(request, RoleModel, pk, "commune")
    back = _roles_url(model.commune)
    form = forms.RoleModelEndForm(request.POST or None)
    if form.is_valid():
        try:
            services.role_model_end(
                role_model=model, on=form.cleaned_data["on"], actor=request.user
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("Đã thôi áp dụng mô hình %(n)s.") % {"n": model.name})
            return redirect(back)
    title = _("Thôi áp dụng mô hình: %(n)s") % {"n": model.name}
    return _form_page(request, form, title, back, model.commune.name)
