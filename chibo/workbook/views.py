"""The workbook pages: template download, upload → check (preview) → confirm → import, and the
export of an organization's data, each run as a task with a progress bar.

Only org-board admins (and superusers) use them: a workbook can create accounts and roles.
Everything an import writes is limited to the admin's subtree (chibo.workbook.engine).
"""

import secrets

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chibo.accounts.scope import Scope
from chibo.core.dates import today
from chibo.core.web import XLSX_CONTENT_TYPE, admin_or_404, get_or_404, xlsx_response

from . import exporter
from .importer import Result
from .models import WorkbookExport, WorkbookImport
from .tasks import (
    EXPORTS_KEPT,
    read_progress,
    run_workbook_export,
    run_workbook_import,
    storage_dir,
)

_SHOWN = 500


def _item_or_404(request, pk) -> WorkbookImport:
    """One of the admin's own imports (another's is 404, as if missing)."""
    admin_or_404(Scope.for_user(request.user))
    return get_or_404(WorkbookImport.objects.filter(user=request.user), pk=pk)


@login_required
def index(request):
    admin_or_404(Scope.for_user(request.user))
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Hãy chọn một tệp .xlsx để tải lên.")
        else:
            stored = secrets.token_hex(16) + ".xlsx"
            with open(storage_dir() / stored, "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            item = WorkbookImport.objects.create(
                user=request.user, filename=(upload.name or "")[-200:], stored_name=stored
            )
            run_workbook_import.enqueue(item.pk, False)
            return redirect("workbook:detail", pk=item.pk)
    recent = WorkbookImport.objects.filter(user=request.user)[:10]
    return render(
        request,
        "workbook/index.html",
        {"error": error, "recent": recent},
        status=400 if error else 200,
    )


@login_required
def template(request):
    admin_or_404(Scope.for_user(request.user))
    return xlsx_response(exporter.build(with_data=False), "mau-so-du-lieu-chibo.xlsx")


@login_required
def detail(request, pk):
    item = _item_or_404(request, pk)
    result = Result.from_dict(item.result) if item.result else None
    context = {
        "item": item,
        "result": result,
        "changes": bool(result)
        and any(c.get("created") or c.get("updated") for c in result.counts.values()),
        "progress": read_progress(item) if item.running else None,
        "errors": result.errors[:_SHOWN] if result else [],
        "warnings": result.warnings[:_SHOWN] if result else [],
        "shown": _SHOWN,
    }
    template_name = "workbook/detail.html"
    if request.htmx:
        template_name += "#status"
    return render(request, template_name, context)


@login_required
@require_POST
def confirm(request, pk):
    item = _item_or_404(request, pk)
    if item.state != WorkbookImport.State.CHECKED:
        raise Http404
    result = Result.from_dict(item.result)
    if result.warnings and not request.POST.get("accept_warnings"):
        return render(
            request,
            "workbook/detail.html",
            {
                "item": item,
                "result": result,
                "errors": [],
                "warnings": result.warnings[:_SHOWN],
                "shown": _SHOWN,
                "confirm_error": _("Hãy đánh dấu ô xác nhận đã đọc các cảnh báo."),
            },
            status=400,
        )
    item.accept_warnings = bool(result.warnings)
    item.state = WorkbookImport.State.IMPORTING
    item.save(update_fields=["accept_warnings", "state"])
    run_workbook_import.enqueue(item.pk, True)
    return redirect("workbook:detail", pk=item.pk)


@login_required
@require_http_methods(["GET", "POST"])
def export(request, pk):
    """The export of everything under an organization: asked for here (POST), built by a task,
    downloaded from its page once done; the admin's latest exports of it, listed."""
    scope = admin_or_404(Scope.for_user(request.user))
    org = scope.org_or_404(pk, write=True)
    if request.method == "POST":
        item = WorkbookExport.objects.create(
            user=request.user,
            organization=org,
            filename=f"so-du-lieu-{org.code}-{today():%Y%m%d}.xlsx",
            stored_name=f"export-{secrets.token_hex(16)}.xlsx",
        )
        run_workbook_export.enqueue(item.pk)
        return redirect("workbook:export_detail", pk=item.pk)
    recent = WorkbookExport.objects.filter(user=request.user, organization=org)[:EXPORTS_KEPT]
    return render(request, "workbook/export.html", {"org": org, "recent": recent})


def _export_or_404(request, pk) -> WorkbookExport:
    """One of the admin's own exports, of an organization still in their scope."""
    scope = admin_or_404(Scope.for_user(request.user))
    item = get_or_404(
        WorkbookExport.objects.filter(user=request.user).select_related("organization"), pk=pk
    )
    scope.org_or_404(item.organization_id, write=True)
    return item


@login_required
@require_GET
def export_detail(request, pk):
    item = _export_or_404(request, pk)
    context = {
        "item": item,
        "progress": read_progress(item) if item.running else None,
        "ready": item.state == WorkbookExport.State.DONE
        and (storage_dir() / item.stored_name).exists(),
    }
    template_name = "workbook/export_detail.html"
    if request.htmx:
        template_name += "#status"
    return render(request, template_name, context)


@login_required
@require_GET
def export_file(request, pk):
    item = _export_or_404(request, pk)
    path = storage_dir() / item.stored_name
    if item.state != WorkbookExport.State.DONE or not path.exists():
        raise Http404
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=item.filename, content_type=XLSX_CONTENT_TYPE
    )
