"""Committee write views: scope check (write), form, one service call, redirect or the form
again with the service's message. Outside the write scope every one of them is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chibo.accounts.scope import Scope
from chibo.core.dates import today
from chibo.organizations.models import Village

from . import forms, selectors, services
from .models import ConcurrentRole, Position, SuccessionPlan
from .views import page_url


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for name, errs in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, error)


def _form_page(request, form, title, back, subject=""):
    return render(
        request,
        "committees/form.html",
        {"form": form, "title": title, "back": back, "subject": subject},
    )


def _write_org(request, pk):
    scope = Scope.for_user(request.user)
    return scope, scope.org_or_404(pk, write=True)


def _owned_or_404(scope, obj_org):
    if obj_org is None or not scope.can_write(obj_org):
        raise Http404


def _village_or_404(scope, pk) -> Village:
    try:
        village = Village.objects.select_related("cell", "commune__party_committee").get(pk=pk)
    except (Village.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _owned_or_404(scope, village.cell or village.commune.party_committee)
    return village


def _village_back(scope, village) -> str:
    committee = village.commune.party_committee
    if committee is not None and scope.covers(committee):
        return reverse("committees:roles", args=[committee.pk])
    return page_url(village.cell) if village.cell_id else reverse("committees:index")


@login_required
@require_http_methods(["GET", "POST"])
def term_create(request, pk):
    scope, org = _write_org(request, pk)
    form = forms.TermForm(request.POST or None)
    if form.is_valid():
        try:
            term = services.term_create(organization=org, actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("Đã thêm nhiệm kỳ %(n)s.") % {"n": term.name})
            return redirect(page_url(org))
    return _form_page(request, form, _("Thêm nhiệm kỳ"), page_url(org), org.name)


@login_required
@require_http_methods(["GET", "POST"])
def position_assign(request, pk):
    scope, org = _write_org(request, pk)
    members = selectors.members_for_positions(org, today())
    form = forms.PositionForm(request.POST or None, org=org, members=members)
    if form.is_valid():
        try:
            position = services.position_assign(
                organization=org, actor=request.user, **form.cleaned_data
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(
                request,
                _("Đã ghi %(name)s giữ chức %(t)s.")
                % {"name": position.member, "t": position.get_title_display()},
            )
            return redirect(page_url(org))
    return _form_page(request, form, _("Thêm chức danh"), page_url(org), org.name)


@login_required
@require_http_methods(["GET", "POST"])
def position_end(request, pk):
    scope = Scope.for_user(request.user)
    try:
        position = Position.objects.select_related("organization", "member").get(pk=pk)
    except (Position.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _owned_or_404(scope, position.organization)
    org = position.organization
    form = forms.EndForm(request.POST or None)
    if form.is_valid():
        try:
            services.position_end(
                position=position, end=form.cleaned_data["end"], actor=request.user
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("Đã ghi thôi chức danh."))
            return redirect(page_url(org))
    title = _("Thôi chức %(t)s: %(name)s") % {
        "t": position.get_title_display(),
        "name": position.member,
    }
    return _form_page(request, form, title, page_url(org), org.name)


@login_required
@require_http_methods(["GET", "POST"])
def congress(request, pk):
    """Record the committee a cell congress elected: the old one ends that day."""
    scope, org = _write_org(request, pk)
    if not org.is_cell:
        raise Http404
    members = selectors.members_for_positions(org, today())
    form = forms.CongressForm(request.POST or None, org=org, members=members)
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = services.record_committee_after_congress(
                cell=org,
                term=data["term"],
                secretary=data["secretary"],
                deputy=data.get("deputy"),
                members=list(data.get("members") or []),
                on=data["on"],
                decision=data.get("decision") or "",
                actor=request.user,
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("Đã ghi chi ủy mới: %(n)s người.") % {"n": len(created)})
            return redirect(page_url(org))
    return _form_page(request, form, _("Ghi kết quả bầu chi ủy"), page_url(org), org.name)


@login_required
@require_http_methods(["GET", "POST"])
def role_assign(request, pk):
    scope = Scope.for_user(request.user)
    village = _village_or_404(scope, pk)
    members = selectors.members_for_positions(
        village.cell or village.commune.party_committee, today()
    )
    form = forms.RoleForm(request.POST or None, members=members)
    back = _village_back(scope, village)
    if form.is_valid():
        try:
            role = services.concurrent_role_assign(
                village=village, actor=request.user, **form.cleaned_data
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(
                request,
                _("Đã ghi %(k)s: %(name)s.")
                % {"k": role.get_kind_display(), "name": role.holder_name},
            )
            return redirect(back)
    return _form_page(request, form, _("Chức danh kiêm nhiệm"), back, str(village))


@login_required
@require_http_methods(["GET", "POST"])
def role_end(request, pk):
    scope = Scope.for_user(request.user)
    try:
        role = ConcurrentRole.objects.select_related("member").get(pk=pk)
    except (ConcurrentRole.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    village = _village_or_404(scope, role.village_id)
    back = _village_back(scope, village)
    form = forms.EndForm(request.POST or None)
    if form.is_valid():
        try:
            services.concurrent_role_end(
                role=role, end=form.cleaned_data["end"], actor=request.user
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("Đã ghi thôi chức danh."))
            return redirect(back)
    title = _("Thôi %(k)s: %(name)s") % {"k": role.get_kind_display(), "name": role.holder_name}
    return _form_page(request, form, title, back, str(village))


@login_required
@require_http_methods(["GET", "POST"])
def succession_add(request, pk):
    scope, org = _write_org(request, pk)
    query = forms.SuccessionQueryForm(request.GET)
    term = query.cleaned_data.get("term", "") if query.is_valid() else ""
    form = forms.SuccessionAddForm(
        request.POST or None,
        org=org,
        members=selectors.members_for_positions(org, today()),
        initial={"approved_on": today(), "term_name": term},
    )
    back = reverse("committees:succession", args=[org.pk])
    if form.is_valid():
        try:
            plan = services.succession_plan_add(
                organization=org, actor=request.user, **form.cleaned_data
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("Đã đưa %(name)s vào quy hoạch.") % {"name": plan.member})
            return redirect(f"{back}?{_term_query(plan.term_name)}")
    return _form_page(request, form, _("Thêm người vào quy hoạch"), back, org.name)


def _term_query(term_name: str) -> str:
    q = QueryDict(mutable=True)
    q["term"] = term_name
    return q.urlencode()


@login_required
@require_http_methods(["GET", "POST"])
def succession_remove(request, pk):
    """Take a successor out of the plan: the row stays with the date it was removed."""
    scope = Scope.for_user(request.user)
    try:
        plan = SuccessionPlan.objects.select_related("organization", "member").get(pk=pk)
    except (SuccessionPlan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _owned_or_404(scope, plan.organization)
    back = f"{reverse('committees:succession', args=[plan.organization_id])}?" + _term_query(
        plan.term_name
    )
    form = forms.SuccessionRemoveForm(request.POST or None, initial={"on": today()})
    if form.is_valid():
        try:
            services.succession_plan_remove(plan=plan, actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(
                request, _("Đã đưa %(name)s ra khỏi quy hoạch.") % {"name": plan.member}
            )
            return redirect(back)
    title = _("Đưa ra khỏi quy hoạch: %(name)s (%(t)s)") % {
        "name": plan.member,
        "t": plan.get_title_display(),
    }
    return _form_page(request, form, title, back, plan.organization.name)
