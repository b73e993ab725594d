"""What a commune records, and its pages: its Party secretary and People's Committee chairman
(with the non-local leaders' target of the committee above), its officials and their assessment
against the standard, and who falls short of the qualification standards.

Same shape as every committees view: reader's scope or write scope (read-only roles and other
communes get the same 404 as a missing page), a form, one service call, then a redirect, or the
form again with the service's message and nothing saved.
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
from chibo.core.dates import today
from chibo.core.submissions import create_once, repeated_message
from chibo.core.web import add_errors, reader_or_404, scoped_or_404

from ..exports import xlsx_response
from ..forms import EndForm, PageForm
from ..models import CommuneLeader, CommuneOfficial
from ..selectors import members_for_positions, standard_on
from ..web import (
    ancestors,
    commune_or_404,
    export_url,
    form_page,
    handles_bad_query,
    page_query,
    write_org,
    xlsx_name,
)
from . import forms, selectors, services
from .tables import leaders_table, officials_table, theory_table


def _official_or_404(request, pk) -> CommuneOfficial:
    """A commune official whose commune the user may write to."""
    return scoped_or_404(
        Scope.for_user(request.user), CommuneOfficial, pk, org="commune", write=True
    )


def _leaders_url(org) -> str:
    return reverse("committees:leaders", args=[org.pk])


def _officials_url(org) -> str:
    return reverse("committees:officials", args=[org.pk])


@login_required
@handles_bad_query
def leaders(request, pk):
    """Commune Party secretaries and People's Committee chairmen, local or not, and the target."""
    scope = reader_or_404(Scope.for_user(request.user))
    org = scope.org_or_404(pk)
    form, q = page_query(request, PageForm)
    on = q["as_of"]
    rows = selectors.commune_leaders(org, on)
    if q["format"] == "xlsx":
        return xlsx_response([leaders_table(rows)], xlsx_name(org, "lanh-dao-xa", on))
    target = selectors.leadership_target(org, on)
    nonlocal_ = sum(1 for r in rows if not r.is_local)
    can_write = scope.can_write(org)
    context = {
        "org": org,
        "ancestors": ancestors(scope, org),
        "form": form,
        "as_of": on,
        "leaders": rows,
        "nonlocal": nonlocal_,
        "target": target,
        "share": (nonlocal_, len(rows)),
        "target_share": (nonlocal_, target.nonlocal_target) if target else None,
        "can_add": can_write and org.is_commune,
        "can_set_target": can_write and not org.is_cell,
        "writable": {r.pk for r in rows if scope.can_write(r.commune)},
        "export_url": export_url(request),
    }
    return render(request, "committees/leaders.html", context)


@login_required
@handles_bad_query
def qualification(request, pk):
    """Who falls short: commune officials below the standard, village committee members below
    the cell committee standard's theory level."""
    scope = reader_or_404(Scope.for_user(request.user))
    org = scope.org_or_404(pk)
    form, q = page_query(request, forms.QualificationForm)
    on = q["as_of"]
    officials = selectors.commune_officials(org, on)
    short = [o for o in officials if not o.meets_standard]
    standard, below = selectors.village_committee_below_standard(org, on)
    if q["format"] == "xlsx":
        tables = []
        if q["list"] in ("", "officials"):
            tables.append(officials_table(short, _("Cán bộ xã chưa đạt chuẩn")))
        if q["list"] in ("", "theory"):
            tables.append(theory_table(below))
        return xlsx_response(tables, xlsx_name(org, "chuan-hoa", on))
    context = {
        "org": org,
        "ancestors": ancestors(scope, org),
        "form": form,
        "as_of": on,
        "officials_total": len(officials),
        "short": short,
        "standard": standard,
        "commune_standard": standard_on("commune_official", on),
        "below": below,
        "export_url": export_url(request),
    }
    return render(request, "committees/qualification.html", context)


@login_required
@handles_bad_query
def officials(request, pk):
    """Commune officials in force under an organization, each with the last assessment against
    the standard; a commune's writers add, re-assess and end them from here."""
    scope = reader_or_404(Scope.for_user(request.user))
    org = scope.org_or_404(pk)
    form, q = page_query(request, PageForm)
    on = q["as_of"]
    rows = selectors.commune_officials(org, on)
    if q["format"] == "xlsx":
        return xlsx_response([officials_table(rows)], xlsx_name(org, "can-bo-xa", on))
    context = {
        "org": org,
        "ancestors": ancestors(scope, org),
        "form": form,
        "as_of": on,
        "officials": rows,
        "short": sum(1 for o in rows if not o.meets_standard),
        "commune_standard": standard_on("commune_official", on),
        "can_add": org.is_commune and scope.can_write(org),
        "writable": {o.pk for o in rows if scope.can_write(o.commune)},
        "export_url": export_url(request),
    }
    return render(request, "committees/officials.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def leader_assign(request, pk):
    _scope, org = commune_or_404(request, pk)
    form = forms.CommuneLeaderForm(
        request.POST or None, members=members_for_positions(org, today())
    )
    if form.is_valid():
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.commune_leader_assign(
                    commune=org, actor=request.user, **form.cleaned_data
                ),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                leader = result.obj
                messages.success(
                    request,
                    _("Đã ghi %(post)s: %(name)s.")
                    % {"post": leader.get_post_display(), "name": leader.full_name},
                )
            return redirect(_leaders_url(org))
    return form_page(request, form, _("Ghi lãnh đạo xã"), _leaders_url(org), org.name)


@login_required
@require_http_methods(["GET", "POST"])
def leader_end(request, pk):
    leader = scoped_or_404(
        Scope.for_user(request.user), CommuneLeader, pk, org="commune", write=True
    )
    back = _leaders_url(leader.commune)
    form = EndForm(request.POST or None)
    if form.is_valid():
        try:
            services.commune_leader_end(
                leader=leader, end=form.cleaned_data["end"], actor=request.user
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _("Đã ghi thôi chức danh."))
            return redirect(back)
    title = _("Thôi %(post)s: %(name)s") % {
        "post": leader.get_post_display(),
        "name": leader.full_name,
    }
    return form_page(request, form, title, back, leader.commune.name)


@login_required
@require_http_methods(["GET", "POST"])
def target_set(request, pk):
    _scope, org = write_org(request, pk)
    if org.is_cell:
        raise Http404
    form = forms.LeadershipTargetForm(request.POST or None)
    if form.is_valid():
        try:
            target = services.leadership_target_set(
                organization=org, actor=request.user, **form.cleaned_data
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(
                request,
                _("Đã đặt chỉ tiêu nhiệm kỳ %(n)s: %(t)s vị trí.")
                % {"n": target.term_name, "t": target.nonlocal_target},
            )
            return redirect(_leaders_url(org))
    title = _("Chỉ tiêu lãnh đạo xã không phải người địa phương")
    return form_page(request, form, title, _leaders_url(org), org.name)


@login_required
@require_http_methods(["GET", "POST"])
def official_add(request, pk):
    _scope, org = commune_or_404(request, pk)
    form = forms.CommuneOfficialForm(
        request.POST or None,
        members=members_for_positions(org, today()),
        initial={"assessed_on": today()},
    )
    if form.is_valid():
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.commune_official_add(
                    commune=org, actor=request.user, **form.cleaned_data
                ),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                name = result.obj.full_name
                messages.success(request, _("Đã ghi %(name)s.") % {"name": name})
            return redirect(_officials_url(org))
    return form_page(request, form, _("Thêm cán bộ, công chức xã"), _officials_url(org), org.name)


@login_required
@require_http_methods(["GET", "POST"])
def official_assess(request, pk):
    official = _official_or_404(request, pk)
    back = _officials_url(official.commune)
    form = forms.AssessForm(request.POST or None, initial={"assessed_on": today()})
    if form.is_valid():
        try:
            services.commune_official_assess(
                official=official, actor=request.user, **form.cleaned_data
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(
                request, _("Đã ghi kết quả đánh giá của %(name)s.") % {"name": official.full_name}
            )
            return redirect(back)
    title = _("Đánh giá chuẩn: %(name)s (%(post)s)") % {
        "name": official.full_name,
        "post": official.post,
    }
    return form_page(request, form, title, back, official.commune.name)


@login_required
@require_http_methods(["GET", "POST"])
def official_end(request, pk):
    official = _official_or_404(request, pk)
    back = _officials_url(official.commune)
    form = EndForm(request.POST or None)
    if form.is_valid():
        try:
            services.commune_official_end(
                official=official, end=form.cleaned_data["end"], actor=request.user
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _("Đã ghi thôi chức vụ."))
            return redirect(back)
    title = _("Thôi chức vụ: %(name)s (%(post)s)") % {
        "name": official.full_name,
        "post": official.post,
    }
    return form_page(request, form, title, back, official.commune.name)
