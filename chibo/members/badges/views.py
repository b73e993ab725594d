"""Party-age badges: who is due at each award date of a year, per organization (.xlsx too),
and the forms that record an award and an interruption."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chibo.accounts.scope import Scope
from chibo.core.dates import today
from chibo.core.submissions import create_once, repeated_message
from chibo.core.vn import day_text
from chibo.core.web import add_errors, bad_query, xlsx_response

from ..permissions import member_or_404
from ..selectors import members_for_forms
from ..sheets import workbook
from . import services
from .forms import AwardForm, InterruptionForm, YearForm
from .selectors import award_dates, awards_under, due_at, rule_on


def rounds(org, year: int):
    """[(award date, [Due])] for the year's award dates."""
    out = []
    previous = None
    dates = award_dates(year)
    if dates:
        # The last award date of the year before: a badge reached after it is "on time".
        last_year = award_dates(year - 1)
        previous = last_year[-1][0] if last_year else None
    for day, rule in dates:
        out.append((day, due_at(org, day, previous, rule)))
        previous = day
    return out


@login_required
def badge_list(request, pk):
    scope = Scope.for_user(request.user)
    org = scope.org_or_404(pk)
    form = YearForm(request.GET)
    if not form.is_valid():
        return bad_query(form, request=request)
    year = form.cleaned_data["year"]
    data = rounds(org, year)
    if request.GET.get("format") == "xlsx":
        head = [
            _("Họ và tên"),
            _("Ngày sinh"),
            _("Ngày vào Đảng"),
            _("Chi bộ"),
            _("Tuổi Đảng"),
            _("Huy hiệu"),
            _("Đủ tuổi Đảng từ"),
            _("Chưa trao từ đợt trước"),
        ]
        sheets = [
            (
                _("Đợt %(d)s") % {"d": day_text(day)},
                head,
                [
                    [
                        d.member.full_name,
                        d.member.birth_date,
                        d.member.admission_date,
                        d.member.cell.name,
                        d.party_age,
                        d.years,
                        d.reached,
                        _("Có") if d.late else "",
                    ]
                    for d in due
                ],
            )
            for day, due in data
        ]
        return xlsx_response(workbook(sheets), f"huy-hieu-dang-{org.code}-{year}.xlsx")
    context = {
        "org": org,
        "year": year,
        "form": form,
        "rounds": data,
        "awards": list(awards_under(org, year)),
        "can_write": scope.can_write(org),
    }
    return render(request, "members/badges.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def badge_award(request, pk):
    scope = Scope.for_user(request.user)
    member = member_or_404(scope, pk, write=True, queryset=members_for_forms())
    rule = rule_on(today())
    initial = {"years": request.GET.get("years", ""), "awarded_on": request.GET.get("on", "")}
    form = AwardForm(request.POST or None, years=rule.years if rule else (), initial=initial)
    if form.is_valid():
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.badge_award(
                    member=member, actor=request.user, **form.cleaned_data
                ),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                messages.success(request, _("Đã ghi trao tặng huy hiệu."))
            return redirect("members:detail", pk=member.pk)
    title = _("Trao tặng Huy hiệu Đảng: %(n)s") % {"n": member}
    return render(request, "members/form.html", {"form": form, "m": member, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def interruption(request, pk):
    scope = Scope.for_user(request.user)
    member = member_or_404(scope, pk, write=True, queryset=members_for_forms())
    form = InterruptionForm(request.POST or None)
    if form.is_valid():
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.interruption_record(
                    member=member, actor=request.user, **form.cleaned_data
                ),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                messages.success(request, _("Đã ghi thời gian gián đoạn."))
            return redirect("members:detail", pk=member.pk)
    title = _("Thời gian gián đoạn sinh hoạt Đảng: %(n)s") % {"n": member}
    return render(request, "members/form.html", {"form": form, "m": member, "title": title})
