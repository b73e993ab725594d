"""Importing a workbook: every sheet checked and written in one transaction, all or nothing.

`import_workbook` reads the file, runs the sheets in the schema's order inside one transaction
and rolls it back when any row has an error, when the run is a dry run (the preview), or when
the data has warnings the user has not confirmed. A dry run is the real import rolled back:
the preview's counts and messages are exactly what the import will do.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from chibo.core.bulk import analyze_written_tables
from chibo.core.dates import today
from chibo.core.models import AuditEvent
from chibo.members.spreadsheets.reading import SpreadsheetError
from chibo.organizations.models import Commune, Organization, Village

from . import schema
from .engine import ImportRun, Problem, Refs, gc_paused, insert_rows
from .hooks import score_sheet_loader, term_loader
from .people import member_loader, user_loader
from .reader import read_workbook


class _Rollback(Exception):
    pass


@dataclass
class Result:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    counts: dict[str, dict] = field(default_factory=dict)  # sheet -> created/updated/unchanged
    written: bool = False
    sheets: list[str] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> bool:
        return not self.errors and bool(self.warnings) and not self.written

    def as_dict(self) -> dict:
        return {
            "errors": [p.__dict__ for p in self.errors],
            "warnings": [p.__dict__ for p in self.warnings],
            "counts": self.counts,
            "written": self.written,
            "sheets": self.sheets,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Result":
        return cls(
            errors=[Problem(**p) for p in data.get("errors", [])],
            warnings=[Problem(**p) for p in data.get("warnings", [])],
            counts=data.get("counts", {}),
            written=data.get("written", False),
            sheets=data.get("sheets", []),
        )


def _file_problem(message: str) -> Result:
    return Result(errors=[Problem("", 0, "", message)])


# Codes the database already has, by namespace; the file's own codes are added as its sheets
# are written (codes only a file defines, such as a meeting's, are never looked up here).
LOADERS = {
    "org": lambda: dict(Organization.objects.values_list("code", "pk")),
    "commune": lambda: dict(Commune.objects.values_list("code", "pk")),
    "village": lambda: dict(Village.objects.values_list("code", "pk")),
    "member": member_loader,
    "user": user_loader,
    "term": term_loader,
    "score_sheet": score_sheet_loader,
}


def import_workbook(
    file,
    *,
    actor=None,
    scope=None,
    dry_run: bool = False,
    accept_warnings: bool = False,
    on: datetime.date | None = None,
    progress=None,
    source: str = "",
) -> Result:
    """Check and (unless `dry_run`) write the workbook; nothing is written on any error.

    `scope` limits what may be written (None: everything, for the command line); warnings
    stop the import unless `accept_warnings`.
    """
    with gc_paused():
        return _import_workbook(
            file,
            actor=actor,
            scope=scope,
            dry_run=dry_run,
            accept_warnings=accept_warnings,
            on=on,
            progress=progress,
            source=source,
        )


def _import_workbook(file, *, actor, scope, dry_run, accept_warnings, on, progress, source):
    try:
        book = read_workbook(
            file,
            max_rows={s.name: s.max_rows for s in schema.SHEETS},
            default_max_rows=settings.CHIBO_IMPORT_MAX_ROWS,
        )
    except SpreadsheetError as exc:
        return _file_problem(exc.message)
    unknown = [n for n in book.names if n not in schema.BY_NAME and n != schema.GUIDE_SHEET]
    if unknown:
        return _file_problem(
            _("Trang không có trong mẫu: %(u)s. Các trang được nhận: %(k)s.")
            % {
                "u": ", ".join(f"«{n}»" for n in unknown),
                "k": ", ".join(f"«{s.name}»" for s in schema.SHEETS),
            }
        )
    present = [s for s in schema.SHEETS if s.name in book.names]
    if not present:
        return _file_problem(_("Tệp không có trang dữ liệu nào của mẫu."))
    run = ImportRun(
        sheets=present,
        refs=Refs(LOADERS),
        actor=actor,
        scope=scope,
        on=on or today(),
        progress=progress,
        source=source,
    )
    result = Result(sheets=[s.name for s in present])
    done, total = 0, len(present)
    try:
        with transaction.atomic():
            for sheet in present:
                run.progress(done, total, sheet.name)
                rows = run.read_rows(sheet, book.grid(sheet.name))
                # Every sheet is checked, even after an error (nothing is written then), so
                # that one upload lists every problem of the file.
                if sheet.provides:
                    run.placeholders(
                        sheet.provides, [r.attrs.get(sheet.ref_attr) for r in rows if r.bad]
                    )
                good = [r for r in rows if not r.bad]
                if sheet.apply is not None:
                    sheet.apply(run, sheet, good)
                else:
                    run.apply_generic(sheet, good)
                del rows, good
                done += 1
            if not run.errors:
                for finalize in run.finalizers:
                    finalize(run)
                _number_documents(run)
            run.progress(total, total, "")
            result.errors = run.errors
            result.warnings = run.warnings
            result.counts = {name: s.__dict__.copy() for name, s in run.summaries.items()}
            if run.errors or dry_run or (run.warnings and not accept_warnings):
                raise _Rollback
            if any(s.created or s.updated for s in run.summaries.values()):
                _audit(run)  # a file that changes nothing leaves no trace either
            # The deferred foreign-key checks of every row written run at the commit, planned
            # with the statistics the tables have then: fresh ones for the tables just filled
            # (not in a dry run: its rows are rolled back, the checks never run).
            analyze_written_tables()
            result.written = True
    except _Rollback:
        pass
    except SpreadsheetError as exc:
        result.errors = [Problem("", 0, "", exc.message)]
    except ValidationError as exc:  # a service refused what a row asked for
        result.errors = [Problem("", 0, "", m) for m in exc.messages]
    except IntegrityError as exc:
        result.errors = [
            Problem(
                "",
                0,
                "",
                _(
                    "Dữ liệu trong tệp mâu thuẫn với nhau hoặc với dữ liệu đã có (%(e)s). Không "
                    "có gì được ghi."
                )
                % {"e": str(exc)[:200]},
            )
        ]
    result.errors.sort(key=lambda p: (_order(p.sheet), p.row))
    return result


def _number_documents(run: ImportRun):
    """The recorded meetings the file brought get their register numbers, as records saved
    through the pages do: the numbers documents_number_bulk would give, written as plain rows
    (the demo's way: tens of thousands of documents), a series that already has numbers left
    to documents_number, meeting by meeting."""
    from chibo.meetings.documents.services import documents_number, documents_numbering
    from chibo.meetings.models import CellMeeting, MeetingDocument

    cells = run.state.get("cells_with_meetings")
    if not cells:
        return
    rows, one_by_one = documents_numbering(cell_ids=sorted(cells))
    if rows:
        last = MeetingDocument.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        insert_rows(
            MeetingDocument,
            [
                {"meeting_id": m, "doc_type": t, "series": name, "number": n, "issued_on": on}
                for m, t, name, n, on in rows
            ],
        )
        meetings = {m for m, *_rest in rows}
        pks = {
            (m, t): pk
            for pk, m, t in MeetingDocument.objects.filter(pk__gt=last).values_list(
                "pk", "meeting_id", "doc_type"
            )
            if m in meetings
        }
        label = MeetingDocument._meta.label_lower
        for m, t, _name, n, _on in rows:
            # The event documents_number_bulk's document would get: str() is "05-NQ".
            run.audit_row(AuditEvent.Action.CREATE, label, pks[m, t], f"{n:02d}-{t}", {})
    meetings = CellMeeting.objects.in_bulk(one_by_one)
    for pk in one_by_one:
        documents_number(meeting=meetings[pk], actor=None)


def _order(sheet_name: str) -> int:
    for i, s in enumerate(schema.SHEETS):
        if s.name == sheet_name:
            return i
    return -1


def _audit(run: ImportRun):
    """The rows' own events, then one event for the file with what each sheet did."""
    counts = {name: s.__dict__.copy() for name, s in run.summaries.items()}
    run.audit_rows.append(
        {
            "actor_id": run.actor_id,
            "action": AuditEvent.Action.IMPORT,
            "object_type": "workbook.import",
            "object_id": run.batch,
            "object_repr": (run.source or run.batch)[:200],
            "note": run.note,
            "changes": {"sheets": [None, counts]},
        }
    )
    insert_rows(AuditEvent, run.audit_rows)


def summary_lines(result: Result) -> list[str]:
    """One line per sheet: created, updated, unchanged."""
    lines = []
    for name in result.sheets:
        c = Counter(result.counts.get(name, {}))
        lines.append(
            _("%(s)s: thêm %(c)s, sửa %(u)s, giữ nguyên %(k)s")
            % {"s": name, "c": c["created"], "u": c["updated"], "k": c["unchanged"]}
        )
    return lines
