"""The workbook's import and export as tasks of Django's tasks framework (django-tasks-db stores
them; the `db_worker` command runs them). Progress goes to a small file beside the upload, not
to the database: the import holds the database's write transaction until it ends. An export is
a task too: a province's takes longer than a web request may (gunicorn's timeout), and the page
shows its progress as the import's does."""

import json
import logging
import os
from pathlib import Path

from django.conf import settings
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from chibo.accounts.scope import Scope

from . import exporter, importer
from .models import WorkbookExport, WorkbookImport

logger = logging.getLogger(__name__)


def storage_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "workbook"
    path.mkdir(parents=True, exist_ok=True)
    return path


def progress_path(item: WorkbookImport | WorkbookExport) -> Path:
    return storage_dir() / f"{item.stored_name}.progress.json"


def read_progress(item: WorkbookImport | WorkbookExport) -> dict:
    try:
        return json.loads(progress_path(item).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"done": 0, "total": 0, "label": ""}


def _write_progress(item, done, total, label):
    path = progress_path(item)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"done": done, "total": total, "label": label}), encoding="utf-8")
    os.replace(tmp, path)


@task()
def run_workbook_import(import_id: int, write: bool) -> dict:
    """Check (write=False) or import (write=True) the workbook of a WorkbookImport."""
    item = WorkbookImport.objects.select_related("user").get(pk=import_id)
    path = storage_dir() / item.stored_name
    try:
        result = importer.import_workbook(
            str(path),
            actor=item.user,
            scope=Scope.for_user(item.user),
            dry_run=not write,
            accept_warnings=item.accept_warnings,
            progress=lambda done, total, label: _write_progress(item, done, total, label),
            source=item.filename,
        )
    except Exception:
        # Nothing was written (one transaction); the page must not wait for ever.
        logger.exception("workbook import %s failed", import_id)
        item.result = importer.Result(
            errors=[
                importer.Problem(
                    "", 0, "", _("Lỗi ngoài dự kiến khi xử lý tệp; không có gì được ghi.")
                )
            ]
        ).as_dict()
        item.state = WorkbookImport.State.FAILED
        item.finished_at = timezone.now()
        item.save(update_fields=["result", "state", "finished_at"])
        path.unlink(missing_ok=True)
        progress_path(item).unlink(missing_ok=True)
        raise
    item.result = result.as_dict()
    if write:
        item.state = WorkbookImport.State.DONE if result.written else WorkbookImport.State.FAILED
        item.finished_at = timezone.now()
        path.unlink(missing_ok=True)
    else:
        item.state = WorkbookImport.State.FAILED if result.errors else WorkbookImport.State.CHECKED
        if result.errors:
            path.unlink(missing_ok=True)
    item.save(update_fields=["result", "state", "finished_at"])
    progress_path(item).unlink(missing_ok=True)
    return {"written": result.written, "errors": len(result.errors)}


# A user's exports kept as files (the latest; an older one's file is removed when a new one is
# done): each holds a whole subtree's personal data.
EXPORTS_KEPT = 5


@task()
def run_workbook_export(export_id: int) -> dict:
    """Build the workbook of a WorkbookExport's organization into its file."""
    item = WorkbookExport.objects.select_related("organization").get(pk=export_id)
    path = storage_dir() / item.stored_name
    try:
        data = exporter.build(
            item.organization,
            progress=lambda done, total, label: _write_progress(item, done, total, label),
        )
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        os.replace(partial, path)
    except Exception:
        logger.exception("workbook export %s failed", export_id)
        item.state = WorkbookExport.State.FAILED
        item.finished_at = timezone.now()
        item.save(update_fields=["state", "finished_at"])
        path.with_suffix(".part").unlink(missing_ok=True)
        progress_path(item).unlink(missing_ok=True)
        raise
    item.state = WorkbookExport.State.DONE
    item.finished_at = timezone.now()
    item.save(update_fields=["state", "finished_at"])
    progress_path(item).unlink(missing_ok=True)
    done = WorkbookExport.objects.filter(user_id=item.user_id, state=WorkbookExport.State.DONE)
    for old in done.order_by("-created_at", "-id")[EXPORTS_KEPT:]:
        (storage_dir() / old.stored_name).unlink(missing_ok=True)
    return {"bytes": len(data)}
