"""The report pages: an organization's report as of a date with its download, and its report
template's versions with an upload. For the org board and the commune staff, within their
scope (404 elsewhere, as if missing); a bad date, a date after today or an organization that
did not exist on the date is a 400 with the form and the message."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chibo.accounts.models import Role
from chibo.accounts.scope import Scope
from chibo.core.dates import today
from chibo.core.submissions import create_once, repeated_message
from chibo.core.vn import day_text
from chibo.core.web import add_errors, content_disposition, get_or_404
from chibo.organizations.models import Organization
from chibo.organizations.selectors import periods_under

from . import documents, services
from .defaults import default_template
from .forms import ReportForm, TemplateForm
from .models import ReportTemplate
from .placeholders import fields

REPORT_ROLES = {Role.ORG_ADMIN, Role.ORG_ANALYST, Role.COMMUNE_STAFF}
WRITE_ROLES = {Role.ORG_ADMIN, Role.COMMUNE_STAFF}


def _allowed(scope: Scope, org, roles) -> bool:
    return scope.superuser or any(
        g.role in roles and org.path.startswith(g.path) for g in scope.grants
    )


def _org_or_404(request, pk, roles=REPORT_ROLES):
    """The organization `pk` if the user holds one of `roles` at or above it; else 404."""
    scope = Scope.for_user(request.user)
    org = get_or_404(Organization.objects.select_related("parent"), pk=pk)
    if not _allowed(scope, org, roles):
        raise Http404
    return scope, org


def _form(request, org) -> ReportForm:
    """The report's form, bound to the query; for an organization that has ended, without a
    date asked for, its last day (today it would not exist: a report of its last day is what
    its reader comes for)."""
    data = request.GET
    if not data.get("as_of") and org.valid_to is not None and org.valid_to <= today():
        data = data.copy()
        data["as_of"] = day_text(org.valid_to - datetime.timedelta(days=1))
    return ReportForm(data)


def _date(form, org):
    """The report's date from the bound form, or None with the form's error added."""
    if not form.is_valid():
        return None
    on = form.cleaned_data.get("as_of") or today()
    problem = documents.refusal(org, on)
    if problem:
        form.add_error("as_of", problem)
        return None
    return on


@login_required
@require_GET
def index(request):
    """The report page of the highest organization the user may report on."""
    scope = Scope.for_user(request.user)
    if scope.superuser:
        top = scope.top_organizations().order_by("path").first()
    else:
        paths = sorted(g.path for g in scope.grants if g.role in REPORT_ROLES)
        top = Organization.objects.filter(path__in=paths[:1]).first()
    if top is None:
        raise Http404
    return redirect("reports:report", pk=top.pk)


def _page(request, org, form, on):
    """The form, the link to the .docx for a good date, and the organizations under `org`
    (their reports, on the same date); a bad date: 400."""
    below = []
    if on is not None:
        below = [
            o
            for o in periods_under(org, on)
            .filter(parent=org)
            .exclude(organization__kind=Organization.Kind.CELL)
            .select_related("organization")
            .order_by("organization__name")
        ]
    context = {"org": org, "form": form, "on": on, "below": [p.organization for p in below]}
    return render(request, "reports/report.html", context, status=200 if on else 400)


@login_required
@require_GET
def report(request, pk):
    _scope, org = _org_or_404(request, pk)
    form = _form(request, org)
    return _page(request, org, form, _date(form, org))


@login_required
@require_GET
def download(request, pk):
    _scope, org = _org_or_404(request, pk)
    form = _form(request, org)
    on = _date(form, org)
    if on is None:
        return _page(request, org, form, None)
    response = HttpResponse(documents.report(org, on), content_type=documents.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(documents.filename(org, on))
    return response


@login_required
@require_http_methods(["GET", "POST"])
def templates(request, pk):
    """The template versions in use for the organization and its upload (org admin, commune
    staff), with the placeholders a template may use."""
    scope, org = _org_or_404(request, pk)
    form = None
    if _allowed(scope, org, WRITE_ROLES) and not org.is_cell:
        form = TemplateForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = create_once(
                    key=form.submission_key,
                    actor=request.user,
                    create=lambda: services.template_upload(
                        organization=org,
                        valid_from=data["valid_from"],
                        name=data.get("name") or "",
                        content=data["file"].read(),
                        actor=request.user,
                    ),
                )
            except ValidationError as e:
                add_errors(form, e)
            else:
                if result.repeated:
                    messages.info(request, repeated_message())
                else:
                    messages.success(request, _("Đã lưu mẫu báo cáo mới."))
                return redirect("reports:templates", pk=org.pk)
    versions = list(
        ReportTemplate.objects.filter(organization__path__in=org.ancestor_paths())
        .select_related("organization", "actor")
        .order_by("-organization__depth", "-valid_from", "-id")
    )
    context = {
        "org": org,
        "versions": versions,
        "form": form,
        "fields": list(fields().items()),
        "fields_hint": _("Viết {{ tên_trường }} trong Word, trong câu của báo cáo."),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "reports/templates.html", context, status=status)


@login_required
@require_GET
def template_default(request):
    scope = Scope.for_user(request.user)
    if not scope.has_role(*REPORT_ROLES):
        raise Http404
    response = HttpResponse(default_template(), content_type=documents.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition("mau-bao-cao.docx")
    return response


@login_required
@require_GET
def template_file(request, pk):
    row = get_or_404(ReportTemplate.objects.select_related("organization"), pk=pk)
    _org_or_404(request, row.organization_id)
    response = HttpResponse(documents.template_bytes(row), content_type=documents.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        f"mau-bao-cao-{row.valid_from:%Y%m%d}.docx"
    )
    return response
