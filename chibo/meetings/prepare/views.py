"""The committee's preparation page of a meeting (secretary, commune staff, org-board admin):
topic and day, agenda, materials, invitations, the cell's targets of the year; and the scoped
download of a material. Outside the write scope every write is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from chibo.accounts.scope import Scope
from chibo.core import vn, web
from chibo.core.submissions import create_once, repeated_message
from chibo.plans import services as plan_services
from chibo.plans.selectors import plan_governs

from .. import lifecycle, materials, notices, schedule, selectors
from ..models import AgendaItem, CellMeeting, Material, Section
from . import forms, services


def _meeting(request, pk) -> CellMeeting:
    return selectors.meeting_or_404(Scope.for_user(request.user), pk, write=True)


def _errors(request, error: ValidationError):
    messages.error(request, " ".join(error.messages))


def _form_errors(request, form):
    messages.error(request, web.errors_text(form))


def _back(meeting, anchor=""):
    return redirect(f"{meeting_url(meeting)}{anchor}")


def meeting_url(meeting) -> str:
    from django.urls import reverse

    return reverse("meetings:prepare", args=[meeting.pk])


def prepare_context(meeting, **forms_given) -> dict:
    rule = schedule.rule_for(meeting.cell, meeting.month)
    items = list(meeting.agenda.order_by("order", "id"))
    mats = list(meeting.materials.select_related("uploaded_by").order_by("uploaded_at", "id"))
    current = [m for m in mats if m.withdrawn_at is None]
    invited = sorted(
        notices.invited_users(meeting),
        key=lambda n: (vn.full_name_sort_key(n.user.full_name), n.user_id),
    )
    invited_ids = {n.user_id for n in invited}
    late = bool(current) and services.materials_late(meeting, rule=rule)
    return {
        "meeting": meeting,
        "cell": meeting.cell,
        "rule": rule,
        "sections": [
            (value, label, [i for i in items if i.section == value])
            for value, label in Section.choices
        ],
        "materials": current,
        "withdrawn": [m for m in mats if m.withdrawn_at is not None],
        "materials_late": late,
        "materials_late_message": services.materials_late_message(meeting, rule) if late else "",
        "max_bytes": materials.megabytes(materials.max_bytes()),
        "accept": materials.ACCEPT,
        "invited": invited,
        "invitees": [u for u in services.invitees(meeting) if u.pk not in invited_ids],
        "targets": selectors.targets_of(meeting.cell, meeting.month.year, meeting=meeting),
        "targets_planned": plan_governs(meeting.cell, meeting.month.year),
        "topic_form": forms_given.get("topic_form")
        or forms.TopicForm(
            initial={"topic": meeting.topic, "scheduled_date": meeting.scheduled_date}
        ),
        "agenda_form": forms_given.get("agenda_form") or forms.AgendaItemForm(),
        "material_form": forms_given.get("material_form") or forms.MaterialForm(),
        "target_form": forms_given.get("target_form")
        or forms.TargetForm(initial={"year": meeting.month.year}),
        "open": meeting.status != CellMeeting.Status.CONFIRMED,
    }


@login_required
@require_GET
def prepare(request, pk):
    meeting = _meeting(request, pk)
    return render(request, "meetings/prepare.html", prepare_context(meeting))


@login_required
@require_POST
def topic(request, pk):
    meeting = _meeting(request, pk)
    form = forms.TopicForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(meeting)
    try:
        lifecycle.meeting_set_topic(meeting=meeting, actor=request.user, **form.cleaned_data)
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, _("Đã lưu."))
    return _back(meeting)


@login_required
@require_POST
def agenda_add(request, pk):
    meeting = _meeting(request, pk)
    form = forms.AgendaItemForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(meeting, "#agenda")
    try:
        result = create_once(
            key=form.submission_key,
            actor=request.user,
            create=lambda: services.agenda_item_add(
                meeting=meeting, actor=request.user, **form.cleaned_data
            ),
        )
    except ValidationError as e:
        _errors(request, e)
    else:
        if result.repeated:
            messages.info(request, repeated_message())
        else:
            messages.success(request, _("Đã thêm nội dung vào chương trình."))
    return _back(meeting, "#agenda")


def _item(request, pk) -> AgendaItem:
    scope = Scope.for_user(request.user)
    return web.scoped_or_404(scope, AgendaItem, pk, org="meeting__cell", write=True)


@login_required
@require_POST
def agenda_edit(request, pk):
    item = _item(request, pk)
    form = forms.AgendaEditForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.agenda_item_edit(
                item=item, title=form.cleaned_data["title"], actor=request.user
            )
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, _("Đã sửa nội dung."))
    return _back(item.meeting, "#agenda")


@login_required
@require_POST
def agenda_remove(request, pk):
    item = _item(request, pk)
    restore = request.POST.get("restore") == "1"
    try:
        services.agenda_item_remove(item=item, actor=request.user, restore=restore)
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(
            request, _("Đã đưa lại vào chương trình.") if restore else _("Đã bỏ khỏi chương trình.")
        )
    return _back(item.meeting, "#agenda")


@csrf_exempt
@login_required
def material_upload(request, pk):
    """Upload a material. The size limit is enforced while the body is read (the handler goes
    first, before anything reads the POST, so CSRF is checked after it, by csrf_protect)."""
    request.upload_handlers.insert(0, materials.MaterialSizeLimit(request))
    return _material_upload(request, pk)


@csrf_protect
@require_POST
def _material_upload(request, pk):
    meeting = _meeting(request, pk)
    form = forms.MaterialForm(request.POST, request.FILES)
    if getattr(request, "material_too_large", False):
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", materials.too_large_message())
    if form.is_valid():
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: services.material_attach(
                    meeting=meeting,
                    upload=form.cleaned_data["file"],
                    name=form.cleaned_data["name"],
                    actor=request.user,
                ),
            )
        except ValidationError as e:
            found = e.message_dict.get("file", e.messages) if hasattr(e, "error_dict") else e
            form.add_error("file", found)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                messages.success(request, _("Đã đính kèm tài liệu."))
            meeting.refresh_from_db()
            if services.materials_late(meeting):
                messages.warning(request, services.materials_late_message(meeting))
            return _back(meeting, "#materials")
    status = 413 if getattr(request, "material_too_large", False) else 400
    return render(
        request,
        "meetings/prepare.html",
        prepare_context(meeting, material_form=form),
        status=status,
    )


@login_required
@require_POST
def material_withdraw(request, pk):
    material = _material(request, pk, write=True)
    try:
        services.material_withdraw(material=material, actor=request.user)
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, _("Đã rút tài liệu (vẫn được lưu lại)."))
    return _back(material.meeting, "#materials")


def _material(request, pk, write=False) -> Material:
    material = web.get_or_404(Material.objects.select_related("meeting__cell"), pk=pk)
    scope = Scope.for_user(request.user)
    cell = material.meeting.cell
    if write:
        allowed = scope.can_write(cell)
    else:
        own_cell = getattr(getattr(request.user, "member", None), "cell_id", None)
        allowed = (
            scope.covers(cell)
            or own_cell == cell.pk
            or notices.was_told_of(request.user, material.meeting)
        )
    if not allowed:
        raise Http404
    return material


@login_required
@require_GET
def material_download(request, pk):
    """A material, to those who read the cell, its members and those invited; a withdrawn one
    is gone for everybody (the file is kept for the record)."""
    material = _material(request, pk)
    if material.withdrawn_at is not None:
        raise Http404
    kind = next(
        (k for k in materials.KINDS.values() if k.content_type == material.content_type), None
    )
    ext = kind.extensions[0] if kind else "bin"
    try:
        handle = material.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{materials.safe_stem(material.name)}.{ext}",
        content_type=material.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@login_required
@require_POST
def invite(request, pk):
    meeting = _meeting(request, pk)
    try:
        new = services.meeting_invite(meeting=meeting, actor=request.user)
    except ValidationError as e:
        _errors(request, e)
    else:
        emailed = sum(1 for n in new if n.emailed_to)
        if new:
            messages.success(
                request,
                _("Đã gửi giấy mời tới %(n)s người (%(e)s qua thư điện tử).")
                % {"n": len(new), "e": emailed},
            )
        else:
            messages.info(request, _("Mọi người đã được mời trước đó."))
    return _back(meeting, "#invitations")


@login_required
@require_POST
def target_add(request, pk):
    meeting = _meeting(request, pk)
    form = forms.TargetForm(request.POST)
    if form.is_valid():
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: plan_services.cell_target_add(
                    cell=meeting.cell, actor=request.user, **form.cleaned_data
                ),
            )
        except ValidationError as e:
            web.add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                messages.success(request, _("Đã thêm chỉ tiêu."))
            return _back(meeting, "#targets")
    return render(
        request, "meetings/prepare.html", prepare_context(meeting, target_form=form), status=400
    )
