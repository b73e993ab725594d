"""Congress pages: an organization's plans and the progress of the term in force, a plan's
cells, a cell's congress (steps, deadline, the congress held and its committee, the prose and
the documents), the templates of the congress documents, and the working regulations.

Every lookup goes through the scope (404 outside it); a page shows its forms to those who write
the organization it belongs to, and the views check it again on POST."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chibo.accounts.scope import Scope
from chibo.committees.selectors import members_for_positions
from chibo.core.dated import in_force_q
from chibo.core.dates import today
from chibo.core.submissions import create_once, repeated_message, submitted_before
from chibo.core.web import (
    add_errors,
    bad_query,
    content_disposition,
    get_or_404,
    reader_or_404,
    scoped_or_404,
)
from chibo.members.models import Member

from . import committee_content, documents, selectors, services
from . import content as content_
from .defaults import default_template
from .forms import (
    AsOfForm,
    CommitteeAddForm,
    CommitteeHoldForm,
    DeadlineForm,
    DraftForm,
    HoldForm,
    PlanForm,
    PlanQueryForm,
    RegulationForm,
    ReviewForm,
    StepsForm,
    TemplateForm,
)
from .models import (
    CellCongress,
    CongressDraft,
    CongressPlan,
    CongressTemplate,
    DocumentKind,
    WorkingRegulation,
)
from .placeholders import COMMITTEE_FIELDS, FIELDS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _reader(request) -> Scope:
    return reader_or_404(Scope.for_user(request.user))


def _as_of(request):
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return form, None
    return form, form.cleaned_data.get("as_of") or today()


@login_required
@require_GET
def index(request):
    """The congress page of the highest organization the user reads."""
    scope = _reader(request)
    top = scope.top_organizations().order_by("path").first()
    if top is None:
        raise Http404
    return redirect("congresses:plans", pk=top.pk)


# --- plans --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plans(request, pk):
    """The plans that reach the organization's cells, the progress of the term in force, and
    (for a writer of a committee above the cells) a new plan."""
    scope = _reader(request)
    org = scope.org_or_404(pk)
    query, as_of = _as_of(request)
    if as_of is None:
        return bad_query(query, request=request)
    form = None
    if scope.can_write(org) and not org.is_cell:
        form = PlanForm(request.POST or None, upper=org.is_upper_committee)
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = create_once(
                    key=form.submission_key,
                    actor=request.user,
                    create=lambda: services.plan_create(
                        organization=org,
                        term_name=data["term_name"],
                        term_start=data["term_start"],
                        term_end=data["term_end"],
                        deadline=data["deadline"],
                        reference=data.get("reference") or "",
                        grassroots=bool(data.get("grassroots")),
                        actor=request.user,
                    ),
                )
            except ValidationError as e:
                add_errors(form, e)
            else:
                if made.repeated:
                    messages.info(request, repeated_message())
                else:
                    messages.success(request, _("Đã lập kế hoạch đại hội."))
                return redirect("congresses:plan", pk=made.obj.pk)
    # The list behind congress_days_ahead: the congresses of the term in force under `org`,
    # a line per commune under a district, else the cells.
    current = selectors.congresses_under(org, as_of)
    current_rollup = selectors.rollup(current, org, as_of)
    current_cells = (
        []
        if current_rollup
        else list(current.select_related("cell", "plan").order_by("cell__name", "pk"))
    )
    context = {
        "org": org,
        "as_of": as_of,
        "query": query,
        "plans": list(selectors.plans_for(org)),
        "own": list(
            CellCongress.objects.filter(cell=org)
            .select_related("plan")
            .order_by("-plan__term_start")
        )
        if org.is_cell or org.kind == org.Kind.GRASSROOTS
        else [],
        "committees": selectors.committee_congresses_under(org, as_of)
        if org.is_upper_committee
        else [],
        "progress": selectors.progress(org, as_of),
        "rollup": current_rollup,
        "current": current_cells,
        "form": form,
    }
    return render(
        request, "congresses/plans.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan(request, pk):
    """A plan over the part of the tree the user reads: the grassroots committees' congresses,
    the organizations under a district with their counts (`?under=` opens one), or a commune's
    cells with their steps and days; a writer of a province or district adds the congress of a
    grassroots committee under it."""
    scope = _reader(request)
    row = get_or_404(CongressPlan.objects.select_related("organization"), pk=pk)
    add = None
    if row.organization.is_upper_committee and scope.can_write(row.organization):
        add = CommitteeAddForm(
            request.POST if request.method == "POST" else None,
            organizations=selectors.committees_to_add(row),
        )
    if request.method == "POST":
        if add is None:
            raise Http404
        if add.is_valid():
            data = add.cleaned_data
            try:
                made = create_once(
                    key=add.submission_key,
                    actor=request.user,
                    create=lambda: services.committee_congress_add(
                        plan=row,
                        organization=data["organization"],
                        deadline=data.get("deadline"),
                        actor=request.user,
                    ),
                )
            except ValidationError as e:
                add_errors(add, e)
            else:
                if made.repeated:
                    messages.info(request, repeated_message())
                else:
                    messages.success(request, _("Đã thêm đại hội vào kế hoạch."))
                return redirect("congresses:congress", pk=made.obj.pk)
        return render(
            request,
            "congresses/plan.html",
            _plan_context(row, row.organization, today(), PlanQueryForm(), add),
            status=400,
        )
    query = PlanQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(query, request=request)
    as_of = query.cleaned_data.get("as_of") or today()
    under = query.cleaned_data.get("under")
    if under is not None:
        org = scope.org_or_404(under)
        if not org.path.startswith(row.organization.path):
            raise Http404
    elif scope.covers(row.organization):
        org = row.organization
    else:
        # A commune reading the district's plan sees its own cells.
        org = next(
            (o for o in scope.top_organizations() if o.path.startswith(row.organization.path)),
            None,
        )
        if org is None:
            raise Http404
    return render(request, "congresses/plan.html", _plan_context(row, org, as_of, query, add))


def _plan_context(row, org, as_of, query, add) -> dict:
    rollup = selectors.plan_rollup(row, org, as_of)
    return {
        "plan": row,
        "org": org,
        "as_of": as_of,
        "query": query,
        "committees": selectors.plan_committees(row, org),
        "rollup": rollup,
        "cells": [] if rollup else selectors.plan_page(row, org, as_of),
        "progress": selectors.progress(org, as_of),
        "add": add,
    }


# --- a cell's congress --------------------------------------------------------------------------


def _congress_or_404(scope, pk, write=False) -> CellCongress:
    return scoped_or_404(
        scope,
        CellCongress.objects.select_related("plan", "plan__organization", "term"),
        pk,
        org="cell",
        write=write,
    )


def _cell_members(cell, on):
    """The cell's members on `on`, in the register's order: who may be elected."""
    return Member.objects.filter(
        pk__in=cell.memberships.filter(in_force_q(on)).values("member_id")
    ).order_by("sort_key", "pk")


ACTIONS = ("steps", "deadline", "hold", "draft")


@login_required
@require_http_methods(["GET", "POST"])
def congress(request, pk):
    scope = _reader(request)
    row = _congress_or_404(scope, pk)
    now = today()
    committee = row.is_committee
    writer = scope.can_write(row.cell)
    planner = scope.can_write(row.plan.organization)
    draft = CongressDraft.objects.filter(congress=row).first()
    action = request.POST.get("action") if request.method == "POST" else None
    if action is not None and (
        action not in ACTIONS
        or (action == "deadline" and not planner)
        or (action != "deadline" and not writer)
    ):
        raise Http404
    if action == "hold" and submitted_before(request) is not None:
        # The result sent again: the congress is recorded and its form gone; answer as the first
        # submit did rather than 404.
        messages.info(request, repeated_message())
        return redirect("congresses:congress", pk=row.pk)

    def bound(name, form_class, **kw):
        return form_class(request.POST if action == name else None, **kw)

    forms = {}
    if writer:
        forms["steps"] = bound(
            "steps", StepsForm, initial={f: getattr(row, f) for f in services.STEP_FIELDS}
        )
        if row.held_on is None and committee:
            forms["hold"] = bound(
                "hold", CommitteeHoldForm, members=members_for_positions(row.cell, now)
            )
        elif row.held_on is None:
            forms["hold"] = bound("hold", HoldForm, members=_cell_members(row.cell, now))
        forms["draft"] = bound("draft", DraftForm, instance=draft)
    if planner:
        forms["deadline"] = bound("deadline", DeadlineForm, initial={"deadline": row.deadline})
    if action is not None:
        form = forms.get(action)
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            repeated = False
            try:
                if action == "steps":
                    services.congress_update(congress=row, actor=request.user, **data)
                elif action == "deadline":
                    services.congress_update(
                        congress=row, deadline=data["deadline"], actor=request.user
                    )
                elif action == "hold":
                    repeated = create_once(
                        key=form.submission_key,
                        actor=request.user,
                        create=lambda: services.congress_hold(
                            congress=row,
                            held_on=data["held_on"],
                            secretary=data["secretary"],
                            deputy=data.get("deputy"),
                            deputies=list(data.get("deputies") or []),
                            standing=list(data.get("standing") or []),
                            members=list(data.get("members") or []),
                            decision=data.get("decision") or "",
                            actor=request.user,
                        ),
                    ).repeated
                else:
                    services.draft_save(
                        congress=row,
                        actor=request.user,
                        **{f: data.get(f, "") for f in CongressDraft.PROSE},
                    )
            except ValidationError as e:
                add_errors(form, e)
            else:
                if repeated:
                    messages.info(request, repeated_message())
                else:
                    messages.success(request, _("Đã lưu."))
                return redirect("congresses:congress", pk=row.pk)
    context = {
        "congress": row,
        "cell": row.cell,
        "forms": forms,
        "draft": draft,
        "prose": [
            (CongressDraft._meta.get_field(f).verbose_name, getattr(draft, f))
            for f in CongressDraft.PROSE
        ]
        if draft
        else [],
        "kinds": [(k, DocumentKind(k).label) for k in row.document_kinds],
        "committee": committee,
        "pdf": documents.pdf_converter() is not None,
        "late": row.late(now),
    }
    status = 400 if action is not None else 200
    return render(request, "congresses/congress.html", context, status=status)


@login_required
@require_GET
def document(request, pk, kind, fmt):
    """The congress document of `kind` of the cell or the grassroots committee, filled from its
    data and its prose."""
    scope = _reader(request)
    row = _congress_or_404(scope, pk)
    if kind not in row.document_kinds or fmt not in ("docx", "pdf"):
        raise Http404
    if fmt == "pdf" and documents.pdf_converter() is None:
        raise Http404
    now = today()
    # A Party document is in Vietnamese whatever the reader's UI language (the quality classes'
    # and the positions' names come from the models' translated choices).
    with translation.override("vi"):
        if row.is_committee:
            context = committee_content.committee_context_for(row, now)
        else:
            context = content_.context_for(row, now)
        filled = documents.fill(row, kind, context, row.held_on or row.scheduled_on or now)
        ascii_name, name = documents.filenames(row, kind, fmt)
    data, mime = filled.content, DOCX
    if fmt == "pdf":
        try:
            data, mime = documents.pdf_bytes(data), "application/pdf"
        except documents.PdfError:
            return HttpResponse(
                _("Không chuyển được sang PDF lúc này; hãy tải bản .docx."),
                status=503,
                content_type="text/plain; charset=utf-8",
            )
    response = HttpResponse(data, content_type=mime)
    response["Content-Disposition"] = content_disposition(name, ascii_name=ascii_name)
    return response


# --- templates ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def templates(request, pk):
    """The organization's template versions, chibo's defaults and the placeholders; a writer
    of a committee above the cells uploads a new version."""
    scope = _reader(request)
    org = scope.org_or_404(pk)
    form = None
    if scope.can_write(org) and not org.is_cell:
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
                        kind=data["kind"],
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
                    messages.success(request, _("Đã lưu mẫu văn kiện mới."))
                return redirect("congresses:templates", pk=org.pk)
    versions = list(
        CongressTemplate.objects.filter(organization__path__in=org.ancestor_paths())
        .select_related("organization", "actor")
        .order_by("kind", "-organization__depth", "-valid_from", "-id")
    )
    context = {
        "org": org,
        "versions": versions,
        "form": form,
        "kinds": DocumentKind.choices,
        "fields": [(name, label, items) for name, (label, items) in FIELDS.items()],
        "committee_fields": [
            (name, label, items) for name, (label, items) in COMMITTEE_FIELDS.items()
        ],
        "fields_hint": _(
            "Viết {{ tên_trường }} trong Word; một danh sách dùng vòng lặp "
            "{%p for k in ket_nap %} … {{ k.ho_ten }} … {%p endfor %}, hoặc {%tr … %} trong "
            "hàng của bảng."
        ),
    }
    return render(
        request,
        "congresses/templates.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def template_default(request, kind):
    _reader(request)
    if kind not in DocumentKind.values:
        raise Http404
    response = HttpResponse(default_template(kind), content_type=DOCX)
    response["Content-Disposition"] = content_disposition(f"mau-{kind}.docx")
    return response


@login_required
@require_GET
def template_file(request, pk):
    scope = _reader(request)
    row = get_or_404(CongressTemplate.objects.select_related("organization"), pk=pk)
    # The cells below read the versions of the committees above them.
    if not (
        scope.covers(row.organization)
        or any(o.path.startswith(row.organization.path) for o in scope.top_organizations())
    ):
        raise Http404
    response = HttpResponse(documents.template_bytes(row, row.kind), content_type=DOCX)
    response["Content-Disposition"] = content_disposition(
        f"mau-{row.kind}-{row.valid_from:%Y%m%d}.docx"
    )
    return response


# --- working regulations ------------------------------------------------------------------------


@login_required
@require_GET
def regulations(request, pk):
    """The cells under the organization and whether each reviewed its regulations in its term."""
    scope = _reader(request)
    org = scope.org_or_404(pk)
    query, as_of = _as_of(request)
    if as_of is None:
        return bad_query(query, request=request)
    rows = selectors.regulations_under(org, as_of)
    context = {
        "org": org,
        "as_of": as_of,
        "query": query,
        "rows": rows,
        "missing": sum(1 for r in rows if not r.reviewed_in_term),
    }
    return render(request, "congresses/regulations.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cell_regulations(request, pk):
    """The cell's versions with their reviews; the cell's writers adopt a version or record a
    review."""
    scope = _reader(request)
    cell = scope.org_or_404(pk)
    if not cell.is_cell:
        raise Http404
    writer = scope.can_write(cell)
    action = request.POST.get("action") if request.method == "POST" else None
    if action is not None and (not writer or action not in ("adopt", "review")):
        raise Http404
    history = selectors.regulation_history(cell)
    forms = {}
    if writer:
        forms["adopt"] = RegulationForm(
            request.POST if action == "adopt" else None,
            request.FILES if action == "adopt" else None,
        )
        if history:
            forms["review"] = ReviewForm(request.POST if action == "review" else None)
    if action is not None:
        form = forms.get(action)
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data

            def write():
                if action == "adopt":
                    f = data.get("file")
                    return services.regulation_adopt(
                        cell=cell,
                        adopted_on=data["adopted_on"],
                        reference=data.get("reference") or "",
                        text=data.get("text") or "",
                        content=f.read() if f else None,
                        filename=f.name if f else "",
                        actor=request.user,
                    )
                return services.regulation_review(
                    regulation=history[0],
                    reviewed_on=data["reviewed_on"],
                    note=data.get("note") or "",
                    actor=request.user,
                )

            try:
                result = create_once(key=form.submission_key, actor=request.user, create=write)
            except ValidationError as e:
                add_errors(form, e)
            else:
                if result.repeated:
                    messages.info(request, repeated_message())
                else:
                    messages.success(request, _("Đã lưu."))
                return redirect("congresses:cell_regulations", pk=cell.pk)
    context = {"cell": cell, "history": history, "forms": forms}
    status = 400 if action is not None else 200
    return render(request, "congresses/cell_regulations.html", context, status=status)


@login_required
@require_GET
def regulation_file(request, pk):
    scope = _reader(request)
    row = scoped_or_404(scope, WorkingRegulation, pk, org="cell")
    if not row.file:
        raise Http404
    with row.file.open("rb") as f:
        data = f.read()
    ext = row.file.name.rsplit(".", 1)[-1]
    mime = {"pdf": "application/pdf", "docx": DOCX}.get(ext, "application/octet-stream")
    response = HttpResponse(data, content_type=mime)
    response["Content-Disposition"] = content_disposition(
        f"quy-che-{row.cell.code}-{row.adopted_on:%Y%m%d}.{ext}"
    )
    return response
