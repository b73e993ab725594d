"""Succession planning (quy hoạch) of one organization for one term: holders, planned successors
with their criteria, titles without a successor; a successor added, a successor removed (the row
stays, with the date it was removed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chibo.accounts.scope import Scope
from chibo.core.dates import today
from chibo.core.submissions import create_once, repeated_message
from chibo.core.web import add_errors, reader_or_404, scoped_or_404

from ..exports import xlsx_response
from ..models import SuccessionPlan
from ..selectors import members_for_positions, term_on
from ..web import (
    ancestors,
    export_url,
    form_page,
    handles_bad_query,
    page_query,
    write_org,
    xlsx_name,
)
from . import forms, selectors, services
from .tables import missing_successor_table, succession_table


@login_required
@handles_bad_query
def succession(request, pk):
    """Succession planning of one organization for one term: holders, planned successors with
    their criteria, titles without a successor, the shares under 40 / 45 and qualified."""
    scope = reader_or_404(Scope.for_user(request.user))
    org = scope.org_or_404(pk)
    form, q = page_query(request, forms.SuccessionQueryForm)
    on = q["as_of"]
    terms = selectors.plan_terms(org)
    term_name = q["term"].strip() if q["term"] else ""
    if not term_name:
        running = term_on(org, on)
        term_name = running.name if running else (terms[0] if terms else "")
    view = selectors.succession_view(org, term_name, on)
    if q["format"] == "xlsx":
        missing = [
            selectors.MissingSuccessor(org, org.name, t, view.holders.get(t, []), term_name)
            for t in view.without_successor
        ]
        tables = [succession_table(view), missing_successor_table(missing)]
        return xlsx_response(tables, xlsx_name(org, "quy-hoach", on))
    can_write = scope.can_write(org)
    context = {
        "org": org,
        "ancestors": ancestors(scope, org),
        "form": form,
        "as_of": on,
        "terms": terms,
        "term_name": term_name,
        "view": view,
        "can_write": can_write,
        "export_url": export_url(request),
    }
    if can_write:
        context["add_form"] = forms.SuccessionAddForm(
            org=org,
            members=members_for_positions(org, on),
            initial={"term_name": term_name, "approved_on": on},
        )
    return render(request, "committees/succession.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def succession_add(request, pk):
    scope, org = write_org(request, pk)
    query = forms.SuccessionQueryForm(request.GET)
    term = query.cleaned_data.get("term", "") if query.is_valid() else ""
    form = forms.SuccessionAddForm(
        request.POST or None,
        org=org,
        members=members_for_positions(org, today()),
        initial={"approved_on": today(), "term_name": term},
    )
    back = reverse("committees:succession", args=[org.pk])
    if form.is_valid():
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.succession_plan_add(
                    organization=org, actor=request.user, **form.cleaned_data
                ),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            plan = result.obj
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                name = plan.member
                messages.success(request, _("Đã đưa %(name)s vào quy hoạch.") % {"name": name})
            return redirect(f"{back}?{_term_query(plan.term_name)}")
    return form_page(request, form, _("Thêm người vào quy hoạch"), back, org.name)


def _term_query(term_name: str) -> str:
    q = QueryDict(mutable=True)
    q["term"] = term_name
    return q.urlencode()


@login_required
@require_http_methods(["GET", "POST"])
def succession_remove(request, pk):
    """Take a successor out of the plan: the row stays with the date it was removed."""
    plan = scoped_or_404(
        Scope.for_user(request.user),
        SuccessionPlan.objects.select_related("member"),
        pk,
        org="organization",
        write=True,
    )
    back = f"{reverse('committees:succession', args=[plan.organization_id])}?" + _term_query(
        plan.term_name
    )
    form = forms.SuccessionRemoveForm(request.POST or None, initial={"on": today()})
    if form.is_valid():
        try:
            services.succession_plan_remove(plan=plan, actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(
                request, _("Đã đưa %(name)s ra khỏi quy hoạch.") % {"name": plan.member}
            )
            return redirect(back)
    title = _("Đưa ra khỏi quy hoạch: %(name)s (%(t)s)") % {
        "name": plan.member,
        "t": plan.get_title_display(),
    }
    return form_page(request, form, title, back, plan.organization.name)
