"""Course pages: the list with filters, a course with its participants and results, enrolling,
nominating from the committee and succession lists, a member's training history."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chibo.accounts.scope import Scope
from chibo.core import audit
from chibo.core import indicators as registry
from chibo.core.dates import today
from chibo.core.submissions import create_once, repeated_message, submitted_before
from chibo.core.web import add_errors, bad_query, reader_or_404, writer_or_404, xlsx_response
from chibo.members.models import Member
from chibo.members.permissions import member_or_404
from chibo.organizations import search as org_search
from chibo.organizations.models import UPPER_KINDS, Organization

from . import exports, indicators, selectors, services
from .forms import (
    BulkEnrollFilterForm,
    CourseCreateForm,
    CourseFilterForm,
    CourseForm,
    MemberSearchForm,
    MembersForm,
    NominateChoiceForm,
    ResultForm,
)
from .models import Enrollment
from .permissions import can_record_result, course_or_404, enrollment_or_404

PAGE_SIZE = 50
NOMINATE_PAGE_SIZE = 100
SEARCH_LIMIT = 100
BULK_LIMIT = 500


def organizer_choices(scope):
    """Active non-cell organizations the scope may write: who can organize a course or round."""
    return (
        Organization.objects.active()
        .filter(scope.paths_q(paths=scope.write_paths))
        .exclude(kind=Organization.Kind.CELL)
        .order_by("path")
    )


def indicator_links(codes):
    """The indicators whose lists (training:indicator) the page links to."""
    return [registry.get(code) for code in codes]


# --- courses ----------------------------------------------------------------------------------


def _filtered_courses(request, scope):
    """(form, org, queryset) for the list and the export; form errors are the caller's 400."""
    form = CourseFilterForm(request.GET)
    if not form.is_valid():
        return form, None, None
    chosen = org_search.chosen(scope, form, request.GET)
    form.org_chosen = chosen
    return form, chosen["org"], selectors.course_list(scope, form.cleaned_data, org=chosen["org"])


@login_required
def course_list(request):
    scope = reader_or_404(Scope.for_user(request.user))
    form, org, courses = _filtered_courses(request, scope)
    if courses is None:
        return bad_query(form, request=request)
    page = Paginator(courses, PAGE_SIZE).get_page(form.cleaned_data.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        **form.org_chosen,
        "page": page,
        "query": query.urlencode(),
        "can_create": organizer_choices(scope).exists(),
        "can_nominate": bool(scope.write_paths) or scope.superuser,
        "indicator_links": indicator_links(indicators.COURSE_CODES),
    }
    template = "training/course_list.html#results" if request.htmx else "training/course_list.html"
    return render(request, template, context)


@login_required
def course_export(request):
    scope = reader_or_404(Scope.for_user(request.user))
    form, _org, courses = _filtered_courses(request, scope)
    if courses is None:
        return bad_query(form, request=request)
    rows = (
        (
            c.title,
            c.get_kind_display(),
            c.organizer.name,
            c.start,
            c.end,
            c.place,
            c.participants,
            c.completed,
        )
        for c in courses.iterator(chunk_size=500)
    )
    headers = [
        (_("Tên lớp"), 40),
        (_("Loại lớp"), 30),
        (_("Đơn vị tổ chức"), 30),
        (_("Từ ngày"), 12),
        (_("Đến ngày"), 12),
        (_("Địa điểm"), 24),
        (_("Học viên"), 10),
        (_("Hoàn thành"), 11),
    ]
    content = exports.workbook(_("Lớp bồi dưỡng"), headers, rows)
    return xlsx_response(content, f"lop-boi-duong-{today():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request):
    scope = Scope.for_user(request.user)
    organizers = organizer_choices(scope)
    if not organizers.exists():
        raise Http404
    form = CourseCreateForm(request.POST or None, organizers=organizers)
    if form.is_valid():
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.course_create(actor=request.user, **form.cleaned_data),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            course = result.obj
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                messages.success(request, _("Đã tạo lớp %(t)s.") % {"t": course.title})
            return redirect("training:course_detail", pk=course.pk)
    return render(request, "training/form.html", {"form": form, "title": _("Thêm lớp bồi dưỡng")})


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request, pk):
    scope = Scope.for_user(request.user)
    course = course_or_404(scope, pk, write=True)
    organizers = organizer_choices(scope) | Organization.objects.filter(pk=course.organizer_id)
    initial = {f: getattr(course, f) for f in services.COURSE_FIELDS}
    form = CourseForm(request.POST or None, organizers=organizers.distinct(), initial=initial)
    if form.is_valid():
        try:
            services.course_update(course=course, actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("training:course_detail", pk=course.pk)
    return render(
        request,
        "training/form.html",
        {"form": form, "title": _("Sửa lớp: %(t)s") % {"t": course.title}, "course": course},
    )


def _participant_rows(scope, course):
    rows = list(selectors.course_participants(scope, course))
    for e in rows:
        e.course = course  # already loaded; the permission check reads its organizer
        e.can_record = can_record_result(scope, e)
    return rows


@login_required
def course_detail(request, pk):
    scope = reader_or_404(Scope.for_user(request.user))
    course = course_or_404(scope, pk)
    rows = _participant_rows(scope, course)
    context = {
        "course": course,
        "rows": rows,
        "can_edit": scope.can_write(course.organizer),
        "can_enroll": bool(scope.write_paths) or scope.superuser,
        "can_record": any(e.can_record for e in rows),
        "statuses": Enrollment.Status.choices,
        "audit_events": list(audit.events_for(course)[:20]),
    }
    return render(request, "training/course_detail.html", context)


@login_required
def course_participants_export(request, pk):
    scope = reader_or_404(Scope.for_user(request.user))
    course = course_or_404(scope, pk)
    rows = (
        (
            e.member.full_name,
            e.member.birth_date,
            e.member.cell.name,
            e.member.get_theory_level_display(),
            e.get_status_display(),
            e.certificate,
            e.completed_on,
        )
        for e in selectors.course_participants(scope, course)
    )
    headers = [
        (_("Họ và tên"), 26),
        (_("Ngày sinh"), 12),
        (_("Chi bộ"), 30),
        (_("Lý luận chính trị"), 16),
        (_("Kết quả"), 16),
        (_("Số chứng chỉ"), 16),
        (_("Ngày hoàn thành"), 14),
    ]
    content = exports.workbook(_("Học viên"), headers, rows)
    return xlsx_response(content, f"hoc-vien-lop-{course.pk}.xlsx")


def _sent_again(request, course):
    """The redirect to the course when this POST's submission key enrolled before (back, then
    submit): the first submit's answer, not "already enrolled"; else None."""
    if request.method != "POST" or submitted_before(request) is None:
        return None
    messages.info(request, repeated_message())
    return redirect("training:course_detail", pk=course.pk)


def _enrol_once(request, form, course, enrol):
    """`enrol` (a service enrolling many) once per submission key; a repeat says so."""
    result = create_once(
        key=form.submission_key,
        actor=request.user,
        create=lambda: enrol(
            course=course, members=form.cleaned_data["members"], actor=request.user
        ),
        leads_to=course,
    )
    if result.repeated:
        messages.info(request, repeated_message())
    return result


@login_required
@require_http_methods(["GET", "POST"])
def course_enroll(request, pk):
    """Find members in the write scope (by cell and name) and enrol the ticked ones."""
    scope = writer_or_404(Scope.for_user(request.user))
    course = course_or_404(scope, pk)
    search = MemberSearchForm(request.GET)
    if not search.is_valid():
        return bad_query(search, request=request)
    if (again := _sent_again(request, course)) is not None:
        return again
    form = MembersForm(request.POST or None, choices=selectors.enrollable_members(scope, {}))
    if form.is_valid():
        try:
            result = _enrol_once(request, form, course, services.enroll)
        except ValidationError as e:
            add_errors(form, e)
        else:
            if not result.repeated:
                messages.success(request, _("Đã cử %(n)s người vào lớp.") % {"n": len(result.made)})
            return redirect("training:course_detail", pk=course.pk)
    found = selectors.enrollable_members(scope, search.cleaned_data)
    members = list(found[: SEARCH_LIMIT + 1])
    enrolled = set(
        course.enrollments.filter(member__in=[m.pk for m in members]).values_list(
            "member_id", flat=True
        )
    )
    context = {
        "course": course,
        "form": form,
        "search": search,
        "members": members[:SEARCH_LIMIT],
        "more": len(members) > SEARCH_LIMIT,
        "enrolled": enrolled,
        "cells": Organization.objects.active()
        .cells()
        .filter(scope.paths_q(paths=scope.write_paths))
        .order_by("path"),
    }
    return render(request, "training/enroll.html", context)


def bulk_org_choices(scope):
    """The cells and grassroots organizations (communes...) in force in the write scope."""
    return (
        Organization.objects.active()
        .filter(scope.paths_q(paths=scope.write_paths))
        .exclude(kind__in=UPPER_KINDS)
        .order_by("path")
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_enroll_many(request, pk):
    """Enrol many at once: the members of the write scope, filtered by cell or commune, by
    current post and by theory level, ticked (or all shown) and sent in one submit."""
    scope = writer_or_404(Scope.for_user(request.user))
    course = course_or_404(scope, pk)
    filters = BulkEnrollFilterForm(request.GET, orgs=bulk_org_choices(scope))
    if not filters.is_valid():
        return bad_query(filters, request=request)
    if (again := _sent_again(request, course)) is not None:
        return again
    form = MembersForm(request.POST or None, choices=selectors.enrollable_members(scope, {}))
    if form.is_valid():
        try:
            sent = _enrol_once(request, form, course, services.enrollments_create_many)
        except ValidationError as e:
            add_errors(form, e)
        else:
            if sent.repeated:
                return redirect("training:course_detail", pk=course.pk)
            result = sent.made
            messages.success(request, _("Đã cử %(n)s người vào lớp.") % {"n": len(result.created)})
            if result.skipped:
                messages.info(
                    request,
                    _("Đã có tên trong lớp từ trước, bỏ qua: %(names)s.")
                    % {"names": ", ".join(m.full_name for m in result.skipped)},
                )
            return redirect("training:course_detail", pk=course.pk)
    found = selectors.bulk_enrollment_candidates(scope, filters.cleaned_data, today())
    members = list(found[: BULK_LIMIT + 1])
    shown = members[:BULK_LIMIT]
    enrolled = set(
        course.enrollments.filter(member__in=[m.pk for m in shown]).values_list(
            "member_id", flat=True
        )
    )
    context = {
        "course": course,
        "form": form,
        "filters": filters,
        "members": shown,
        "more": len(members) > BULK_LIMIT,
        "enrolled": enrolled,
        "open": len(shown) - len(enrolled),
    }
    return render(request, "training/enroll_many.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_result(request, pk):
    scope = Scope.for_user(request.user)
    enrollment = enrollment_or_404(scope, pk, write=True)
    initial = {
        "status": enrollment.status,
        "certificate": enrollment.certificate,
        "completed_on": enrollment.completed_on,
    }
    form = ResultForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            services.record_result(enrollment=enrollment, actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(
                request, _("Đã ghi kết quả của %(n)s.") % {"n": enrollment.member.full_name}
            )
            return redirect("training:course_detail", pk=enrollment.course_id)
    title = _("Kết quả học tập: %(n)s") % {"n": enrollment.member.full_name}
    return render(
        request,
        "training/form.html",
        {"form": form, "title": title, "course": enrollment.course},
    )


# --- a member's history -----------------------------------------------------------------------


@login_required
def member_history(request, pk):
    scope = Scope.for_user(request.user)
    member = member_or_404(scope, pk, queryset=Member.objects.select_related("cell"))
    context = {
        "m": member,
        **selectors.member_history(member),
        "course_links": bool(scope.read_paths) or scope.superuser,
    }
    return render(request, "training/member.html", context)


# --- nominating -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def nominate(request):
    """Candidates for a chosen course from the committee and succession lists; tick, submit."""
    scope = writer_or_404(Scope.for_user(request.user))
    choice = NominateChoiceForm(request.POST if request.method == "POST" else request.GET)
    if not choice.is_valid():
        return bad_query(choice, request=request)
    visible = selectors.scoped_courses(scope)
    open_courses = list(
        visible.filter(end__gte=today()).select_related("organizer").order_by("start", "title")
    )
    course_id = choice.cleaned_data.get("course")
    course = course_or_404(scope, course_id) if course_id else None
    context = {"open_courses": open_courses, "course": course}
    if course is None:
        return render(request, "training/nominate.html", context)
    if (again := _sent_again(request, course)) is not None:
        return again  # before the list, which no longer offers those the first submit enrolled
    candidates = selectors.nomination_candidates(scope, course, today())
    form = MembersForm(
        request.POST or None, choices=Member.objects.filter(pk__in=candidates["open_ids"])
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = _enrol_once(request, form, course, services.enroll)
        except ValidationError as e:
            add_errors(form, e)
        else:
            if not result.repeated:
                messages.success(request, _("Đã cử %(n)s người vào lớp.") % {"n": len(result.made)})
            return redirect("training:course_detail", pk=course.pk)
    # A district lists over a thousand planned successors: a page of them at a time, the
    # committee members below the standard first; a submit enrols those ticked on the page.
    rows = [*candidates["below"], *candidates["successors"]]
    page = Paginator(rows, NOMINATE_PAGE_SIZE).get_page(choice.cleaned_data.get("page") or 1)
    shown = {id(r) for r in page.object_list}
    context.update(
        candidates=candidates,
        below=[r for r in candidates["below"] if id(r) in shown],
        successors=[r for r in candidates["successors"] if id(r) in shown],
        page=page,
        query=urlencode({"course": course.pk}),
        form=form,
    )
    if course.pk not in {c.pk for c in open_courses}:
        context["open_courses"] = [course, *open_courses]
    return render(request, "training/nominate.html", context)
