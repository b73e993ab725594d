"""Pages of the communes and villages under an organization, and the dated link of each village
to the cell that serves it.

Who may do what: communes (create, rename, merge, their Party committee) are the org board's;
a village is written by whoever may write its commune's committee and holds an org-board or
commune role (the commune staff for its own villages); anyone who may read the committee reads.
Outside that, 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chibo.accounts.models import Role
from chibo.accounts.scope import Scope
from chibo.core.dates import today
from chibo.core.submissions import create_once, repeated_message
from chibo.core.web import add_errors, admin_or_404, scoped_or_404

from . import forms_places as forms
from . import selectors
from . import services_villages as services
from .models import Commune, Organization, Village

PLACE_ROLES = (Role.ORG_ADMIN, Role.COMMUNE_STAFF)


def _places_org_or_404(request, pk) -> tuple[Scope, Organization]:
    scope = Scope.for_user(request.user)
    org = scope.org_or_404(pk)
    if org.is_cell:
        raise Http404  # communes hang from committees, never from a cell
    return scope, org


def _may_write_places(scope: Scope, committee: Organization | None) -> bool:
    return committee is not None and scope.has_role(*PLACE_ROLES) and scope.can_write(committee)


def _may_restructure(scope: Scope, org: Organization) -> bool:
    return scope.is_org_admin and scope.can_write(org)


def _commune_or_404(scope: Scope, pk) -> Commune:
    """A commune the user may restructure (org board above its committee), else 404."""
    return scoped_or_404(admin_or_404(scope), Commune, pk, org="party_committee", write=True)


def _village_or_404(scope: Scope, pk, write=False) -> Village:
    """A village whose commune's committee the user reads; with `write`, one whose places they
    may write (_may_write_places). Else 404."""
    villages = Village.objects.select_related("cell")
    village = scoped_or_404(scope, villages, pk, org="commune__party_committee")
    if write and not _may_write_places(scope, village.commune.party_committee):
        raise Http404
    return village


def _committees(scope: Scope, org: Organization):
    """Commune Party committees in force the user may restructure, under `org`."""
    return (
        scope.organizations()
        .active()
        .under(org)
        .filter(kind=Organization.Kind.GRASSROOTS, grassroots_type="commune")
        .filter(scope.paths_q(paths=scope.write_paths))
        .order_by("name")
    )


def _cells_for(scope: Scope, committee: Organization):
    """Residential cells in force under the commune committee, which the user may write."""
    return (
        Organization.objects.active()
        .village_cells()
        .under(committee)
        .filter(scope.paths_q(paths=scope.write_paths))
        .order_by("name")
    )


def _form_page(request, form, title, back, subject):
    return render(
        request,
        "organizations/place_form.html",
        {"form": form, "title": title, "back": back, "subject": subject},
    )


def _places_url(scope: Scope, commune: Commune) -> str:
    committee = commune.party_committee
    if committee is not None and scope.covers(committee):
        return reverse("organizations:places", args=[committee.pk])
    return reverse("organizations:tree")


# --- pages ------------------------------------------------------------------------------------


@login_required
def places(request, pk):
    """The communes under an organization and their villages, with the cell serving each now."""
    scope, org = _places_org_or_404(request, pk)
    rows = [
        (commune, villages, _may_write_places(scope, commune.party_committee))
        for commune, villages in selectors.places_under(org)
    ]
    context = {
        "org": org,
        "rows": rows,
        "can_restructure": _may_restructure(scope, org),
        "can_add_village": any(writable for _c, _v, writable in rows),
    }
    return render(request, "organizations/places.html", context)


@login_required
def village(request, pk):
    scope = Scope.for_user(request.user)
    v = _village_or_404(scope, pk)
    context = {
        "village": v,
        "links": selectors.village_links(v),
        "communes": selectors.village_communes(v),
        "can_write": v.valid_to is None and _may_write_places(scope, v.commune.party_committee),
        "back": _places_url(scope, v.commune),
    }
    return render(request, "organizations/village.html", context)


# --- communes ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def commune_create(request, pk):
    scope, org = _places_org_or_404(request, pk)
    if not _may_restructure(scope, org):
        raise Http404
    form = forms.CommuneForm(request.POST or None, committees=_committees(scope, org))
    if form.is_valid():
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.commune_create(actor=request.user, **form.cleaned_data),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                messages.success(request, _("Đã thêm %(c)s.") % {"c": result.obj})
            return redirect("organizations:places", pk=org.pk)
    back = reverse("organizations:places", args=[org.pk])
    return _form_page(request, form, _("Thêm xã"), back, org.name)


@login_required
@require_http_methods(["GET", "POST"])
def commune_rename(request, pk):
    scope = Scope.for_user(request.user)
    commune = _commune_or_404(scope, pk)
    form = forms.CommuneRenameForm(request.POST or None, initial={"name": commune.name})
    if form.is_valid():
        try:
            services.commune_rename(commune=commune, actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _("Đã đổi tên."))
            return redirect(_places_url(scope, commune))
    return _form_page(request, form, _("Đổi tên xã"), _places_url(scope, commune), commune)


@login_required
@require_http_methods(["GET", "POST"])
def commune_merge(request, pk):
    scope = Scope.for_user(request.user)
    commune = _commune_or_404(scope, pk)
    if commune.valid_to is not None:
        raise Http404
    communes = (
        Commune.objects.filter(valid_to__isnull=True, party_committee__isnull=False)
        .filter(scope.paths_q("party_committee__path", paths=scope.write_paths))
        .exclude(pk=commune.pk)
        .order_by("name")
    )
    form = forms.CommuneMergeForm(request.POST or None, communes=communes)
    if form.is_valid():
        try:
            n = services.commune_merge(source=commune, actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _("Đã sáp nhập; %(n)s thôn, bản chuyển sang.") % {"n": n})
            return redirect(_places_url(scope, form.cleaned_data["into"]))
    return _form_page(request, form, _("Sáp nhập xã"), _places_url(scope, commune), commune)


@login_required
@require_http_methods(["GET", "POST"])
def commune_committee(request, pk):
    scope = Scope.for_user(request.user)
    commune = _commune_or_404(scope, pk)
    top = commune.party_committee.parent or commune.party_committee
    committees = _committees(scope, top)
    form = forms.CommuneCommitteeForm(
        request.POST or None,
        committees=committees,
        initial={"party_committee": commune.party_committee_id},
    )
    if form.is_valid():
        try:
            services.commune_set_party_committee(
                commune=commune, actor=request.user, **form.cleaned_data
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect(_places_url(scope, commune))
    back = _places_url(scope, commune)
    return _form_page(request, form, _("Đảng bộ lãnh đạo xã"), back, commune)


# --- villages ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def village_create(request, pk):
    """A new village of one of the communes under the organization the user may write."""
    scope, org = _places_org_or_404(request, pk)
    communes = [c for c, _v in selectors.places_under(org)]
    writable = [c.pk for c in communes if _may_write_places(scope, c.party_committee)]
    if not writable:
        raise Http404
    cells = (
        Organization.objects.active()
        .village_cells()
        .under(org)
        .filter(scope.paths_q(paths=scope.write_paths))
        .order_by("name")
    )
    form = forms.VillageForm(
        request.POST or None,
        communes=Commune.objects.filter(pk__in=writable).order_by("name"),
        cells=cells,
        initial={"valid_from": today()},
    )
    if form.is_valid():
        data = form.cleaned_data
        cell = data["cell"]
        if cell is not None and not cell.path.startswith(data["commune"].party_committee.path):
            form.add_error("cell", _("Chi bộ phải thuộc Đảng bộ của xã."))
        else:
            try:
                result = create_once(
                    key=form.submission_key,
                    actor=request.user,
                    create=lambda: services.village_create(actor=request.user, **data),
                )
            except ValidationError as e:
                add_errors(form, e)
            else:
                v = result.obj
                if result.repeated:
                    messages.info(request, repeated_message())
                else:
                    messages.success(request, _("Đã thêm %(v)s.") % {"v": v})
                return redirect("organizations:village", pk=v.pk)
    back = reverse("organizations:places", args=[org.pk])
    return _form_page(request, form, _("Thêm thôn, bản"), back, org.name)


def _village_write(request, pk) -> tuple[Scope, Village]:
    scope = Scope.for_user(request.user)
    v = _village_or_404(scope, pk, write=True)
    if v.valid_to is not None:
        raise Http404
    return scope, v


def _village_form(request, v, form, title, run):
    """Run the service with the form's data; back to the village page when it passes."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("organizations:village", pk=v.pk)
    return _form_page(request, form, title, reverse("organizations:village", args=[v.pk]), v)


@login_required
@require_http_methods(["GET", "POST"])
def village_rename(request, pk):
    _scope, v = _village_write(request, pk)
    form = forms.VillageRenameForm(request.POST or None, initial={"name": v.name})
    return _village_form(
        request,
        v,
        form,
        _("Đổi tên thôn, bản"),
        lambda d: services.village_rename(village=v, actor=request.user, **d),
    )


@login_required
@require_http_methods(["GET", "POST"])
def village_link(request, pk):
    scope, v = _village_write(request, pk)
    cells = _cells_for(scope, v.commune.party_committee)
    if v.cell_id:
        cells = cells.exclude(pk=v.cell_id)
    form = forms.VillageLinkForm(request.POST or None, cells=cells)
    return _village_form(
        request,
        v,
        form,
        _("Chi bộ phụ trách thôn, bản"),
        lambda d: services.village_link_cell(village=v, actor=request.user, **d),
    )


@login_required
@require_http_methods(["GET", "POST"])
def village_unlink(request, pk):
    _scope, v = _village_write(request, pk)
    if v.cell_id is None:
        raise Http404
    form = forms.VillageUnlinkForm(request.POST or None)
    return _village_form(
        request,
        v,
        form,
        _("Thôi phụ trách thôn, bản"),
        lambda d: services.village_unlink(village=v, actor=request.user, **d),
    )


@login_required
@require_http_methods(["GET", "POST"])
def village_merge(request, pk):
    _scope, v = _village_write(request, pk)
    villages = (
        Village.objects.filter(commune=v.commune, valid_to__isnull=True)
        .exclude(pk=v.pk)
        .order_by("name")
    )
    form = forms.VillageMergeForm(request.POST or None, villages=villages)
    return _village_form(
        request,
        v,
        form,
        _("Sáp nhập thôn, bản"),
        lambda d: services.village_merge(source=v, actor=request.user, **d),
    )


@login_required
@require_http_methods(["GET", "POST"])
def village_facts(request, pk):
    """The especially-disadvantaged flag and the number of households. From the commune's list
    (HTMX), the row is drawn again in place."""
    scope, v = _village_write(request, pk)
    initial = {"especially_disadvantaged": v.especially_disadvantaged, "households": v.households}
    form = forms.VillageFactsForm(request.POST or None, initial=initial)
    if request.htmx and request.method == "POST":
        if form.is_valid():
            _save_facts(v, form.cleaned_data, request.user)
            v.refresh_from_db()
        context = {"v": v, "writable": True, "form": form}
        return render(request, "organizations/places.html#village_row", context)
    return _village_form(
        request, v, form, _("Đặc điểm thôn, bản"), lambda d: _save_facts(v, d, request.user)
    )


@transaction.atomic
def _save_facts(v: Village, data, actor):
    services.village_set_disadvantaged(
        village=v, value=data["especially_disadvantaged"], actor=actor
    )
    services.village_set_households(village=v, households=data["households"], actor=actor)
