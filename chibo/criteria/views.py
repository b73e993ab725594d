"""Pages of the criteria: the sets (entered by the org board), a village's standing year by year
(written by the commune) and the commune's table."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chibo.accounts.scope import Scope
from chibo.core.submissions import create_once, repeated_message
from chibo.core.web import add_errors, admin_or_404, bad_query, get_or_404, reader_or_404
from chibo.organizations.models import Commune, Village

from . import forms, selectors, services
from .models import CriteriaSet


def _year(request):
    form = forms.YearForm(request.GET)
    if not form.is_valid():
        return None, bad_query(form, request=request)
    return form.year_or_default(), None


def _village_or_404(scope: Scope, pk) -> Village:
    """A village whose commune's committee, or whose serving cell, the user reads; else 404."""
    village = get_or_404(Village.objects.select_related("commune__party_committee", "cell"), pk=pk)
    committee = village.commune.party_committee
    if committee is not None and scope.covers(committee):
        return village
    if village.cell is not None and scope.covers(village.cell):
        return village
    raise Http404


def _may_write(scope: Scope, village: Village) -> bool:
    committee = village.commune.party_committee
    return committee is not None and scope.covers(committee, write=True)


@login_required
@require_GET
def sets(request):
    scope = reader_or_404(Scope.for_user(request.user))
    context = {"sets": selectors.all_sets(), "can_write": scope.is_org_admin}
    return render(request, "criteria/sets.html", context)


@login_required
@require_GET
def set_detail(request, pk):
    reader_or_404(Scope.for_user(request.user))
    criteria_set = get_or_404(CriteriaSet.objects.prefetch_related("items"), pk=pk)
    return render(request, "criteria/set.html", {"set": criteria_set})


@login_required
@require_http_methods(["GET", "POST"])
def set_create(request):
    admin_or_404(Scope.for_user(request.user))
    form = forms.CriteriaSetForm(request.POST or None)
    if form.is_valid():
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.criteria_set_create(
                    actor=request.user, **form.cleaned_data
                ),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            return redirect("criteria:set", pk=result.obj.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "criteria/set_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def village(request, pk):
    scope = Scope.for_user(request.user)
    v = _village_or_404(scope, pk)
    year, error = _year(request)
    if error:
        return error
    sets = selectors.sets_of_year(year)
    standing = selectors.village_status(v, year, sets)
    can_write = _may_write(scope, v)
    form = None
    if can_write:
        items = [row.item for s in standing for row in s.rows]
        initial = {row.item.pk: row.status.value for s in standing for row in s.rows if row.status}
        form = forms.VillageStatusForm(request.POST or None, items=items, initial_values=initial)
    elif request.method == "POST":
        raise Http404
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.village_status_record(
                village=v, year=year, values=form.values(), actor=request.user
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            return redirect(f"{request.path}?year={year}")
    context = {
        "village": v,
        "year": year,
        "standing": standing,
        "form": form,
        "can_write": can_write,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "criteria/village.html", context, status=status)


@login_required
@require_GET
def commune(request, pk):
    scope = Scope.for_user(request.user)
    c = get_or_404(Commune.objects.select_related("party_committee"), pk=pk)
    if c.party_committee is None or not scope.covers(c.party_committee):
        raise Http404
    year, error = _year(request)
    if error:
        return error
    sets, rows = selectors.commune_table(c, year)
    met = {s.pk: 0 for s in sets}
    for row in rows:
        for standing in row.sets:
            met[standing.criteria_set.pk] += standing.met
    context = {
        "commune": c,
        "year": year,
        "sets": [(s, met[s.pk]) for s in sets],
        "rows": rows,
        "title": _("Kết quả thực hiện tiêu chí"),
    }
    return render(request, "criteria/commune.html", context)
