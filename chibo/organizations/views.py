"""Organization pages: the tree with member counts, an organization's page, structure changes."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chibo.accounts.models import Role
from chibo.accounts.scope import Scope
from chibo.core import audit, indicators, vn
from chibo.core.dates import today
from chibo.core.submissions import create_once, repeated_message
from chibo.core.web import add_errors, admin_or_404, bad_query, reader_or_404

from . import forms, search, selectors, services
from .models import Organization, Village
from .people import people


def _sorted(orgs):
    kind_order = {"province_committee": 0, "district_committee": 1, "grassroots": 2, "cell": 3}
    return sorted(orgs, key=lambda o: (kind_order[o.kind], vn.text_sort_key(o.name)))


def _first_run(request):
    """On a database with no organization at all: what to do instead of an empty tree."""
    return render(request, "organizations/first_run.html")


@login_required
def home(request):
    scope = Scope.for_user(request.user)
    if not scope.read_paths and not scope.superuser:
        if not Organization.objects.exists():
            return _first_run(request)
        if scope.member_self_id:  # a member alone: their meetings and tasks first
            return redirect("meetings:my")
        return render(request, "organizations/no_role.html", status=403)
    tops = list(scope.top_organizations()[:2])
    if not tops and not Organization.objects.exists():
        return _first_run(request)
    if len(tops) == 1:
        return redirect("organizations:detail", pk=tops[0].pk)
    return redirect("organizations:tree")


@login_required
def find(request):
    """The organizations whose name holds what the organization filter of a list holds (HTMX,
    as typed): links to the same list with that organization chosen, its other filters kept
    (they come along: hx-include of the filter form)."""
    scope = reader_or_404(Scope.for_user(request.user))
    form = forms.OrgFindForm(request.GET)
    if not form.is_valid():
        return bad_query(form)
    text = form.cleaned_data["org_q"]
    matches = search.find(scope.organizations().active(), text) if text.strip() else None
    return render(
        request,
        "organizations/org_filter.html#found",
        {"org_matches": matches, "query": search.other_filters(request.GET), "org_q": text},
    )


@login_required
def tree(request):
    """The visible forest; `?node=ID` returns one node's children (HTMX expands the tree)."""
    scope = Scope.for_user(request.user)
    if not scope.read_paths and not scope.superuser:
        if not Organization.objects.exists():
            return _first_run(request)
        raise Http404  # a member alone reads only their own record, never the tree
    node_id = request.GET.get("node")
    if node_id:
        node = scope.org_or_404(node_id)
        children = _sorted(selectors.active_children(node))
        children = selectors.children_with_counts(node.path, children)
        return render(request, "organizations/tree.html#children", {"children": children})
    tops = _sorted(scope.top_organizations().select_related("parent"))
    if not tops and not Organization.objects.exists():
        return _first_run(request)
    # One grouped count per path length of the tops (a user may hold roles at many nodes;
    # tops are never nested, so each member counts under one top at most).
    counts = Counter()
    for length in {len(t.path) for t in tops}:
        paths = [t.path for t in tops if len(t.path) == length]
        counts.update(people().counts_by_prefix(scope.paths_q("cell__path", paths=paths), length))
    for top in tops:
        top.member_count = counts.get(top.path, 0)
        top.has_children = not top.is_cell
    return render(request, "organizations/tree.html", {"children": tops})


def _as_of(request):
    """(form, date) from `?as_of=dd/mm/yyyy`, today by default; the date is None if invalid."""
    form = forms.AsOfForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, None
    return form, (form.cleaned_data.get("as_of") if form.is_bound else None) or today()


def _linked(rows, org, as_of):
    """The figures, each card linking to the list behind it (as of the page's date)."""
    return indicators.with_list_urls(rows, org, None if as_of == today() else as_of)


@login_required
def detail(request, pk):
    scope = Scope.for_user(request.user)
    org = scope.org_or_404(pk)
    form, as_of = _as_of(request)
    if as_of is None:
        return bad_query(form, request=request)
    children = _sorted(selectors.active_children(org))
    children = selectors.children_with_counts(org.path, children)
    ancestors = [
        a
        for a in Organization.objects.filter(path__in=org.ancestor_paths()[:-1])
        if scope.covers(a)
    ]
    context = {
        "org": org,
        "ancestors": ancestors,
        "children": children,
        "as_of": as_of,
        "as_of_form": form,
        # Computed figures come with the page; after a change they are computed by a second
        # request (the fragment below, loaded at once by htmx), so the page does not wait.
        "indicators": _linked(indicators.cached_rows(org, as_of), org, as_of),
        "can_write": scope.can_write(org),
        "can_restructure": scope.is_org_admin,
        # the villages' plans of this year (chibo.plans), linked from the commune's and cell's page
        "plans_year": today().year,
        "villages": list(org.villages.select_related("commune")) if org.is_cell else [],
        # The villages by commune (regrouped on the page, each commune with its plans' page).
        "commune_villages": (
            list(
                Village.objects.filter(commune__party_committee=org, valid_to__isnull=True)
                .select_related("commune", "cell")
                .order_by("commune__name", "commune_id", "name")
            )
            if org.is_commune
            else []
        ),
        "history": selectors.org_history(org),
        "audit_events": list(audit.events_for(org)[:20]),
    }
    if org.is_cell:
        context["members"] = list(people().of_cell(scope, org))
        context["secretaries"] = list(
            org.role_assignments.current(today())
            .filter(role=Role.CELL_SECRETARY)
            .select_related("user", "user__member")
        )
    return render(request, "organizations/detail.html", context)


@login_required
def indicators_fragment(request, pk):
    """The indicators card of an organization's page, computed (and cached) now."""
    org = Scope.for_user(request.user).org_or_404(pk)
    form, as_of = _as_of(request)
    if as_of is None:
        return bad_query(form, request=request)
    context = {
        "org": org,
        "indicators": _linked(indicators.compute_all_cached(org, as_of), org, as_of),
    }
    return render(request, "organizations/detail.html#indicators", context)


def _admin_org_or_404(request, pk):
    """(scope, the organization `pk`) for the org board, if the organization is in its scope."""
    scope = admin_or_404(Scope.for_user(request.user))
    return scope, scope.org_or_404(pk, write=True)


def _structure_page(request, org, form, title, action):
    return render(
        request,
        "organizations/structure_form.html",
        {"org": org, "form": form, "title": title, "action": action},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rename(request, pk):
    scope, org = _admin_org_or_404(request, pk)
    form = forms.RenameForm(request.POST or None, initial={"name": org.name})
    if form.is_valid():
        try:
            services.org_rename(org=org, actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _("Đã đổi tên."))
            return redirect("organizations:detail", pk=org.pk)
    return _structure_page(request, org, form, _("Đổi tên"), "rename")


@login_required
@require_http_methods(["GET", "POST"])
def reparent(request, pk):
    scope, org = _admin_org_or_404(request, pk)
    parents = (
        scope.organizations()
        .active()
        .exclude(kind=Organization.Kind.CELL)
        .exclude(path__startswith=org.path)
    )
    form = forms.ReparentForm(request.POST or None, parents=parents)
    if form.is_valid():
        try:
            services.org_reparent(org=org, actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _("Đã chuyển trực thuộc."))
            return redirect("organizations:detail", pk=org.pk)
    return _structure_page(request, org, form, _("Chuyển trực thuộc"), "reparent")


@login_required
@require_http_methods(["GET", "POST"])
def close(request, pk):
    scope, org = _admin_org_or_404(request, pk)
    form = forms.CloseForm(request.POST or None)
    if form.is_valid():
        if people().any_under(org):
            form.add_error(None, _("Tổ chức còn đảng viên; hãy chuyển hoặc sáp nhập trước."))
        else:
            try:
                services.org_close(org=org, actor=request.user, **form.cleaned_data)
            except ValidationError as e:
                add_errors(form, e)
            else:
                messages.success(request, _("Đã giải thể."))
                return redirect("organizations:detail", pk=org.pk)
    return _structure_page(request, org, form, _("Giải thể"), "close")


@login_required
@require_http_methods(["GET", "POST"])
def create_child(request, pk):
    scope, org = _admin_org_or_404(request, pk)
    if org.is_cell:
        raise Http404
    form = forms.ChildForm(request.POST or None, parent=org)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.org_create(
                    code=data["code"],
                    name=data["name"],
                    kind=data["kind"],
                    parent=org,
                    valid_from=data["valid_from"],
                    actor=request.user,
                    cell_type=data["cell_type"],
                    grassroots_type=data["grassroots_type"],
                ),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            child = result.obj
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                messages.success(request, _("Đã thành lập %(name)s.") % {"name": child.name})
            return redirect("organizations:detail", pk=child.pk)
    return _structure_page(request, org, form, _("Thành lập tổ chức trực thuộc"), "create_child")
