"""Admission pages: the pipeline board of an organization, a candidate's page with the next step,
admissions against targets by year, and the cell's resolutions as .docx.

Every lookup goes through the scope (404 outside it); writes need the write scope of the cell
(a step) or of the organization that sets the targets (its children's targets)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chibo.accounts.scope import Scope
from chibo.core import audit
from chibo.core import indicators as registry
from chibo.core.dates import today
from chibo.core.forms import digits
from chibo.core.submissions import create_once, repeated_message, submitted_before
from chibo.core.templatetags.vn import vndate
from chibo.core.web import (
    add_errors,
    bad_query,
    content_disposition,
    reader_or_404,
    writer_or_404,
)
from chibo.members.models import Member
from chibo.organizations.models import Organization

from . import documents, lists, rules, selectors, services
from .forms import (
    AdmittedForm,
    BoardForm,
    CandidateForm,
    RollupForm,
    StepForm,
    TargetForm,
    year_end,
)
from .models import Step

PAGE_SIZE = 50


def _reader(request) -> Scope:
    return reader_or_404(Scope.for_user(request.user))


@login_required
@require_GET
def index(request):
    """The board of the highest organization the user reads."""
    scope = _reader(request)
    top = scope.top_organizations().order_by("path").first()
    if top is None:
        raise Http404
    return redirect("admissions:board", pk=top.pk)


@login_required
@require_GET
def board(request, pk):
    scope = _reader(request)
    org = scope.org_or_404(pk)
    form = BoardForm(request.GET)
    if not form.is_valid():
        return bad_query(form, request=request)
    as_of = form.cleaned_data.get("as_of") or today()
    step = form.cleaned_data.get("step") or ""
    data = selectors.board(org, as_of, step=step)
    page = Paginator(data.rows, PAGE_SIZE).get_page(form.cleaned_data.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "org": org,
        "board": data,
        "page": page,
        "query": query.urlencode(),
        "form": form,
        "step": step,
        "step_label": rules.waiting_label(step) if step else "",
        "can_write": scope.can_write(org),
        "as_of": as_of,
        "as_of_query": request.GET.get("as_of", ""),
    }
    return render(request, "admissions/board.html", context)


def _write_cells(scope):
    return (
        scope.organizations()
        .filter(scope.paths_q(paths=scope.write_paths))
        .active()
        .cells()
        .order_by("path")
    )


@login_required
@require_http_methods(["GET", "POST"])
def candidate_create(request):
    scope = writer_or_404(_reader(request))
    cells = _write_cells(scope)
    initial = {}
    if digits(request.GET.get("cell", "")):
        initial["cell"] = request.GET["cell"]
    else:
        only = list(cells.values_list("pk", flat=True)[:2])
        if len(only) == 1:
            initial["cell"] = only[0]
    form = CandidateForm(request.POST or None, cells=cells, initial=initial)
    if form.is_valid():
        data = dict(form.cleaned_data)
        cell, listed_on = data.pop("cell"), data.pop("listed_on")
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.candidate_create(
                    actor=request.user, cell=cell, listed_on=listed_on, **data
                ),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            candidate = result.obj
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                messages.success(request, _("Đã thêm quần chúng %(name)s.") % {"name": candidate})
            return redirect("admissions:candidate", pk=candidate.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "admissions/candidate_form.html", {"form": form}, status=status)


def _step_form(scope, candidate, progress, data=None):
    kinds = rules.allowed_steps(progress)
    if not kinds:
        return None
    # Any member the user reads may be named as a sponsor, so that the service says why one
    # cannot (probationary, another cell); a member outside the scope is not a choice.
    pool = Member.objects.filter(scope.paths_q("cell__path"))
    sponsors = (
        list(selectors.sponsor_choices(candidate, today())) if Step.SPONSORS in kinds else None
    )
    initial = {"kind": kinds[0]}
    return StepForm(data, kinds=kinds, sponsors=sponsors, pool=pool, initial=initial)


def _candidate_page(request, scope, candidate, form=None, status=200):
    steps = selectors.candidate_steps(candidate)
    progress = selectors.candidate_progress(candidate, steps, today())
    can_write = scope.can_write(candidate.cell)
    pii = scope.can_see_pii(candidate.cell)
    events = list(audit.events_for(candidate)[:20])
    if not pii:
        for event in events:  # masked as the record is (members.views does the same)
            values = event.changes.get("citizen_id")
            if values:
                masked = [("•" * (len(v) - 3) + v[-3:]) if v else v for v in values]
                event.changes = {**event.changes, "citizen_id": masked}
    if can_write and form is None:
        form = _step_form(scope, candidate, progress)
    context = {
        "c": candidate,
        "steps": steps,
        "p": progress,
        "pipeline": [(s, Step(s).label, progress.done.get(s)) for s in rules.PIPELINE],
        "extra_steps": [s for s in steps if s.kind not in rules.PIPELINE],
        "form": form if can_write else None,
        "can_write": can_write,
        "pii": pii,
        "masked_id": ("•" * 9 + candidate.citizen_id[-3:]) if candidate.citizen_id else "",
        "next_label": rules.waiting_label(progress.next_step) if progress.next_step else "",
        "ended_label": Step(progress.ended).label if progress.ended else "",
        "missing_labels": [Step(s).label for s in progress.missing],
        "missing_numbers": [str(Step(s).label) for s in progress.missing_numbers],
        "audit_events": events,
        "documents": [
            (kind, label)
            for kind, label, step in (
                ("admission", _("Nghị quyết đề nghị kết nạp"), Step.CELL_RESOLUTION),
                ("official", _("Nghị quyết đề nghị công nhận chính thức"), Step.CELL_RECOGNITION),
            )
            if step in progress.done
        ],
    }
    return render(request, "admissions/candidate.html", context, status=status)


@login_required
@require_GET
def candidate_detail(request, pk):
    scope = _reader(request)
    candidate = selectors.candidate_or_404(scope, pk)
    return _candidate_page(request, scope, candidate)


@login_required
@require_POST
def step_add(request, pk):
    scope = _reader(request)
    candidate = selectors.candidate_or_404(scope, pk, write=True)
    if submitted_before(request) is not None:
        # The page sent again (back, then submit): the step is done and no longer offered; answer
        # as the first submit did rather than "step already done".
        messages.info(request, repeated_message())
        return redirect("admissions:candidate", pk=candidate.pk)
    steps = selectors.candidate_steps(candidate)
    progress = selectors.candidate_progress(candidate, steps, today())
    form = _step_form(scope, candidate, progress, request.POST)
    if form is None:
        raise Http404
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.step_record(
                    actor=request.user,
                    candidate=candidate,
                    kind=data["kind"],
                    on=data["on"],
                    number=data.get("number") or "",
                    issuer=data.get("issuer") or "",
                    note=data.get("note") or "",
                    sponsor_1=data.get("sponsor_1"),
                    sponsor_2=data.get("sponsor_2"),
                    until=data.get("until"),
                ),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            step = result.obj
            if result.repeated:  # two taps racing: the other one recorded it
                messages.info(request, repeated_message())
            else:
                messages.success(
                    request,
                    _("Đã ghi: %(s)s, ngày %(d)s.")
                    % {"s": step.get_kind_display(), "d": vndate(step.on)},
                )
            return redirect("admissions:candidate", pk=candidate.pk)
    return _candidate_page(request, scope, candidate, form=form, status=400)


# --- targets ------------------------------------------------------------------------------------


def _target_orgs(org: Organization, on):
    """The organizations `org` sets targets for: its children that take one."""
    children = Organization.objects.filter(parent=org).active(on).select_related("parent")
    return [c for c in children if services.target_kind(c)]


@login_required
@require_http_methods(["GET", "POST"])
def targets(request, pk):
    scope = _reader(request)
    org = scope.org_or_404(pk)
    query = RollupForm(request.GET)
    if not query.is_valid():
        return bad_query(query, request=request)
    now = today()
    year = query.cleaned_data.get("year") or now.year
    as_of = year_end(year, now)
    can_set = scope.can_write(org)
    form = None
    if can_set:
        choices = _target_orgs(org, as_of)
        organizations = Organization.objects.filter(pk__in=[c.pk for c in choices])
        form = TargetForm(
            request.POST or None, organizations=organizations, initial={"decided_on": now}
        )
        if not choices:
            form = None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.target_set(
                    actor=request.user,
                    organization=data["organization"],
                    year=year,
                    value=data["value"],
                    decided_on=data["decided_on"],
                    number=data.get("number") or "",
                )
            except ValidationError as e:
                add_errors(form, e)
            else:
                messages.success(request, _("Đã giao chỉ tiêu kết nạp năm %(y)s.") % {"y": year})
                return redirect(f"{request.path}?year={year}")
    rows = selectors.rollup(org, year, as_of)
    context = {
        "org": org,
        "year": year,
        "as_of": as_of,
        "rows": rows,
        "form": form,
        "years": list(range(now.year, now.year - 6, -1)),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "admissions/targets.html", context, status=status)


# --- documents ----------------------------------------------------------------------------------


@login_required
@require_GET
def document(request, pk, kind):
    scope = _reader(request)
    candidate = selectors.candidate_or_404(scope, pk)
    step_kind = {"admission": Step.CELL_RESOLUTION, "official": Step.CELL_RECOGNITION}.get(kind)
    if step_kind is None:
        raise Http404
    paper = documents.paper_for(candidate, step_kind)
    if paper is None:
        raise Http404
    content = documents.docx_bytes(paper)
    ascii_name, name = documents.filenames(paper)
    response = HttpResponse(content, content_type=documents.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(name, ascii_name=ascii_name)
    return response


@login_required
@require_GET
def admitted(request, pk):
    """The members admitted in the year of `as_of` up to it under the organization: the list
    behind `admissions_year` (lists.py)."""
    scope = _reader(request)
    org = scope.org_or_404(pk)
    form = AdmittedForm(request.GET)
    if not form.is_valid():
        return bad_query(form, request=request)
    as_of = form.cleaned_data.get("as_of") or today()
    found = registry.list_for("admissions_year", lists.VIEW)
    rows, extra = found.rows(org, as_of)
    page = Paginator(rows, PAGE_SIZE).get_page(form.cleaned_data.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "org": org,
        "as_of": as_of,
        "value": registry.get("admissions_year").compute(org, as_of),
        "page": page,
        "query": query.urlencode(),
        **extra,
    }
    return render(request, "admissions/admitted.html", context)
