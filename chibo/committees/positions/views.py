"""The committee and position pages: a cell's committee (positions in force, term, flags,
history, the villages' posts); and the writes: a term, a position, its end, the committee a
congress elected. An organization's page (its committee and its cells' flags) is the app's
overview, in committees.views.

Reads start from the reader's scope; writes need the write scope, then a form, one service
call, a redirect or the form again with the service's message (outside the write scope, 404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chibo.accounts.scope import Scope
from chibo.core import audit
from chibo.core.dates import today
from chibo.core.submissions import create_once, repeated_message, submitted_before
from chibo.core.web import add_errors, reader_or_404, scoped_or_404

from ..exports import xlsx_response
from ..forms import EndForm, PageForm
from ..models import Position
from ..selectors import members_for_positions, term_on
from ..villages.selectors import village_roles
from ..web import (
    ancestors,
    export_url,
    form_page,
    handles_bad_query,
    page_query,
    page_url,
    write_org,
    xlsx_name,
)
from . import forms, selectors, services
from .tables import cells_table, positions_table


@login_required
@handles_bad_query
def cell(request, pk):
    """A cell's committee: positions in force, term, flags, history, the villages' posts."""
    scope = reader_or_404(Scope.for_user(request.user))
    org = scope.org_or_404(pk)
    if not org.is_cell:
        return redirect("committees:org", pk=org.pk)
    form, q = page_query(request, PageForm)
    on = q["as_of"]
    _rule, reports = selectors.cell_reports(org, on)
    report = reports[0] if reports else None
    history = selectors.position_history(org)
    if q["format"] == "xlsx":
        tables = [positions_table(history)]
        if report:
            tables.insert(0, cells_table([report]))
        return xlsx_response(tables, xlsx_name(org, "chi-uy", on))
    can_write = scope.can_write(org)
    context = {
        "org": org,
        "ancestors": ancestors(scope, org),
        "form": form,
        "as_of": on,
        "report": report,
        "positions": selectors.committee_on(org, on),
        "term": term_on(org, on),
        "history": history,
        "villages": village_roles(org, on),
        "can_write": can_write,
        "export_url": export_url(request),
        "audit_events": list(audit.events_for(org)[:10]),
    }
    if can_write:
        members = members_for_positions(org, on)
        context["position_form"] = forms.PositionForm(org=org, members=members)
        context["congress_form"] = forms.CongressForm(org=org, members=members)
        context["term_form"] = forms.TermForm()
    return render(request, "committees/cell.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def term_create(request, pk):
    scope, org = write_org(request, pk)
    form = forms.TermForm(request.POST or None)
    if form.is_valid():
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.term_create(
                    organization=org, actor=request.user, **form.cleaned_data
                ),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                messages.success(request, _("Đã thêm nhiệm kỳ %(n)s.") % {"n": result.obj.name})
            return redirect(page_url(org))
    return form_page(request, form, _("Thêm nhiệm kỳ"), page_url(org), org.name)


@login_required
@require_http_methods(["GET", "POST"])
def position_assign(request, pk):
    scope, org = write_org(request, pk)
    members = members_for_positions(org, today())
    form = forms.PositionForm(request.POST or None, org=org, members=members)
    if form.is_valid():
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.position_assign(
                    organization=org, actor=request.user, **form.cleaned_data
                ),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                position = result.obj
                messages.success(
                    request,
                    _("Đã ghi %(name)s giữ chức %(t)s.")
                    % {"name": position.member, "t": position.get_title_display()},
                )
            return redirect(page_url(org))
    return form_page(request, form, _("Thêm chức danh"), page_url(org), org.name)


@login_required
@require_http_methods(["GET", "POST"])
def position_end(request, pk):
    position = scoped_or_404(
        Scope.for_user(request.user),
        Position.objects.select_related("member"),
        pk,
        org="organization",
        write=True,
    )
    org = position.organization
    form = EndForm(request.POST or None)
    if form.is_valid():
        try:
            services.position_end(
                position=position, end=form.cleaned_data["end"], actor=request.user
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _("Đã ghi thôi chức danh."))
            return redirect(page_url(org))
    title = _("Thôi chức %(t)s: %(name)s") % {
        "t": position.get_title_display(),
        "name": position.member,
    }
    return form_page(request, form, title, page_url(org), org.name)


@login_required
@require_http_methods(["GET", "POST"])
def congress(request, pk):
    """Record the committee a cell congress elected: the old one ends that day."""
    scope, org = write_org(request, pk)
    if not org.is_cell:
        raise Http404
    if request.method == "POST" and submitted_before(request) is not None:
        # The page sent again: its committee holds the seats from that day, which the rule
        # refuses; answer as the first submit did.
        messages.info(request, repeated_message())
        return redirect(page_url(org))
    members = members_for_positions(org, today())
    form = forms.CongressForm(request.POST or None, org=org, members=members)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.record_committee_after_congress(
                    organization=org,
                    term=data["term"],
                    secretary=data["secretary"],
                    deputy=data.get("deputy"),
                    members=list(data.get("members") or []),
                    on=data["on"],
                    decision=data.get("decision") or "",
                    actor=request.user,
                ),
                leads_to=org,
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                messages.success(
                    request, _("Đã ghi chi ủy mới: %(n)s người.") % {"n": len(result.made)}
                )
            return redirect(page_url(org))
    return form_page(request, form, _("Ghi kết quả bầu chi ủy"), page_url(org), org.name)
