"""Members from and to .xlsx: the template, upload → preview → confirm, and the list export.

Between preview and confirm the upload waits under MEDIA_ROOT/imports/<token>.xlsx with a
small JSON beside it naming the uploader; confirm re-reads and re-checks it, so the database
checks are fresh, and a token of another user is a 404 like a missing one. A file with
warnings (rules.check) is imported only once the user ticks the preview's confirmation box.
"""

import json
import os
import re
import secrets
import time
from collections import Counter
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chibo.accounts.scope import Scope
from chibo.core import vn
from chibo.core.dates import today
from chibo.core.web import bad_query, reader_or_404, writer_or_404, xlsx_response

from . import services
from .forms import MemberFilterForm
from .selectors import filtered_members
from .spreadsheets import checking, reading, writing

_TOKEN = re.compile(r"[0-9a-f]{32}")
_WARNINGS_SHOWN = 500
_KEEP_SECONDS = 24 * 3600
_ERRORS_SHOWN = 500
_SAMPLE_ROWS = 20


class ConfirmForm(forms.Form):
    """The preview's confirmation: the user has read the file's warnings, once for the file."""

    accept_warnings = forms.BooleanField(required=False)


def _imports_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _paths(token: str) -> tuple[Path, Path]:
    base = _imports_dir()
    return base / f"{token}.xlsx", base / f"{token}.json"


def _discard(token: str):
    for p in (*_paths(token), _imports_dir() / f"{token}.claimed"):
        p.unlink(missing_ok=True)


def _discard_stale():
    """Drop uploads nobody confirmed within a day; they hold personal data."""
    limit = time.time() - _KEEP_SECONDS
    for p in _imports_dir().iterdir():
        try:
            if p.stat().st_mtime < limit:
                p.unlink()
        except OSError:
            pass


def _store(upload, user) -> str:
    """Keep the upload for its confirmation; returns its token."""
    token = secrets.token_hex(16)
    data_path, meta_path = _paths(token)
    with open(data_path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    meta = {"user_id": user.pk, "filename": os.path.basename(upload.name or "")[:200]}
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    return token


def _meta_or_404(token: str, user) -> dict:
    """The upload's metadata, if `user` uploaded it and nobody confirmed it yet."""
    if not _TOKEN.fullmatch(token):
        raise Http404
    _data_path, meta_path = _paths(token)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise Http404 from None
    if meta.get("user_id") != user.pk:
        raise Http404
    return meta


def _claim_or_404(token: str, user) -> dict:
    """The upload's metadata, if `user` uploaded it; claimed so a second confirm finds nothing."""
    meta = _meta_or_404(token, user)
    _data_path, meta_path = _paths(token)
    try:
        os.rename(meta_path, _imports_dir() / f"{token}.claimed")  # atomic: one confirm wins
    except OSError:
        raise Http404 from None
    return meta


def _preview(request, *, filename, clean=(), errors=(), token=None, status=200, unconfirmed=False):
    per_cell = Counter(r.cell.pk for r in clean)
    cells = {r.cell.pk: r.cell for r in clean}
    warnings = checking.warnings_of(clean)
    context = {
        "filename": filename,
        "token": token,
        "errors": errors[:_ERRORS_SHOWN],
        "error_count": len(errors),
        "error_rows": len({e.row for e in errors}),
        "errors_hidden": max(0, len(errors) - _ERRORS_SHOWN),
        "count": len(clean),
        "per_cell": sorted(
            ((cells[pk], n) for pk, n in per_cell.items()), key=lambda pair: pair[0].code
        ),
        "sample": clean[:_SAMPLE_ROWS],
        "warnings": warnings[:_WARNINGS_SHOWN],
        "warning_count": len(warnings),
        "warnings_hidden": max(0, len(warnings) - _WARNINGS_SHOWN),
        "unconfirmed": unconfirmed,
    }
    return render(request, "members/import_preview.html", context, status=status)


@login_required
def import_template(request):
    writer_or_404(Scope.for_user(request.user))
    return xlsx_response(writing.build_template(), "mau-nhap-dang-vien.xlsx")


@login_required
def import_upload(request):
    scope = writer_or_404(Scope.for_user(request.user))
    context = {
        "max_rows": settings.CHIBO_IMPORT_MAX_ROWS,
        "max_mb": settings.CHIBO_IMPORT_MAX_BYTES // (1024 * 1024),
    }
    if request.method != "POST":
        return render(request, "members/import.html", context)
    upload = request.FILES.get("file")
    if upload is None:
        context["error"] = _("Hãy chọn một tệp .xlsx để tải lên.")
        return render(request, "members/import.html", context, status=400)
    if upload.size > settings.CHIBO_IMPORT_MAX_BYTES:
        context["error"] = _("Tệp lớn quá %(mb)s MB. Hãy chia thành nhiều tệp nhỏ hơn.") % {
            "mb": context["max_mb"]
        }
        return render(request, "members/import.html", context, status=400)
    _discard_stale()
    token = _store(upload, request.user)
    try:
        rows = reading.parse(_paths(token)[0])
    except reading.SpreadsheetError as exc:
        _discard(token)
        context["error"] = exc.message
        return render(request, "members/import.html", context, status=400)
    clean, errors = checking.validate(rows, scope)
    if errors:
        _discard(token)
        return _preview(request, filename=upload.name, errors=errors)
    if checking.warnings_of(clean):
        _note_warnings(token)
    return _preview(request, filename=upload.name, clean=clean, token=token)


def _note_warnings(token: str):
    """Mark the upload as one whose confirmation must accept warnings."""
    meta_path = _paths(token)[1]
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta_path.write_text(json.dumps({**meta, "warnings": True}), encoding="utf-8")


def _unconfirmed_preview(request, token, scope):
    """The preview again, unconfirmed: the file has warnings and the box was not ticked. The
    upload is kept for the next try."""
    meta = _meta_or_404(token, request.user)
    try:
        clean, errors = checking.validate(reading.parse(_paths(token)[0]), scope)
    except reading.SpreadsheetError as exc:
        clean, errors = [], [checking.RowError(0, "", exc.message)]
    filename = meta.get("filename", "")
    if errors:
        _discard(token)
        return _preview(request, filename=filename, errors=errors, status=409)
    return _preview(
        request, filename=filename, clean=clean, token=token, status=400, unconfirmed=True
    )


@login_required
@require_POST
def import_confirm(request, token):
    scope = writer_or_404(Scope.for_user(request.user))
    form = ConfirmForm(request.POST)
    accepted = form.is_valid() and form.cleaned_data["accept_warnings"]
    if not accepted and _meta_or_404(token, request.user).get("warnings"):
        return _unconfirmed_preview(request, token, scope)
    meta = _claim_or_404(token, request.user)
    filename = meta.get("filename", "")
    try:
        rows = reading.parse(_paths(token)[0])
        clean, errors = checking.validate(rows, scope)
        if not errors and checking.warnings_of(clean) and not accepted:
            # Warnings that were not there at the preview (the day changed meanwhile).
            errors = [
                checking.RowError(
                    0, "", _("Tệp có cảnh báo chưa được xác nhận. Hãy tải lên lại để xem.")
                )
            ]
        if not errors:
            members = services.members_import(rows=clean, actor=request.user, source=filename)
    except reading.SpreadsheetError as exc:
        errors = [checking.RowError(0, "", exc.message)]
    except checking.ImportRejected as exc:
        errors = exc.errors
    finally:
        _discard(token)
    if errors:
        return _preview(request, filename=filename, errors=errors, status=409)
    messages.success(request, _("Đã nhập %(n)s đảng viên") % {"n": vn.format_int(len(members))})
    return redirect("members:list")


@login_required
def export(request):
    scope = reader_or_404(Scope.for_user(request.user))
    form = MemberFilterForm(request.GET)
    if not form.is_valid():
        return bad_query(form, _("Bộ lọc không hợp lệ: %(p)s"), request=request)
    org_id = form.cleaned_data.get("org")
    org = scope.org_or_404(org_id) if org_id else None
    members = filtered_members(scope, form.cleaned_data, org=org)
    name = f"danh-sach-dang-vien-{today():%Y%m%d}.xlsx"
    return xlsx_response(writing.export(members, scope), name)
