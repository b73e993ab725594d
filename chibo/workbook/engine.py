"""How a sheet of the workbook is checked and written: rows read into attributes, codes resolved
to the rows they name, rows matched to what the database already has by their natural key, then
created or updated in bulk. Importing the same file twice changes nothing.

Sheets name other rows by codes, never by internal ids: an organization by its code, a member by
the reference of the members sheet (their card number, else citizen ID, else a file-local code),
a meeting, a course or a target by the code their own sheet gives them. The `Refs` of an import
map each namespace's codes to primary keys: first the database's, then the file's as its sheets
are written in order.
"""

import contextlib
import datetime
import gc
import itertools
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _

from chibo.core.bulk import row_writer
from chibo.core.models import AuditEvent

from . import spec
from .spec import Col, Invalid


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int  # as Excel numbers it: the header is row 1; 0 for the whole sheet or file
    column: str
    message: str


@dataclass(slots=True)
class Row:
    number: int
    attrs: dict
    bad: bool = False  # a value could not be read: checked no further


_UNREAD = object()  # a cell its column's reader refused (the row is bad)


def _column(body: list[tuple[int, list]], i: int, narrowest: int) -> list:
    """The cells of column `i` of the rows (None where a row is shorter)."""
    if i < narrowest:
        return [raw[i] for _n, raw in body]
    return [raw[i] if i < len(raw) else None for _n, raw in body]


_EMPTY = frozenset({None, ""})


def _has_empty(col, values: list) -> bool:
    """Whether a value of the column is empty (None, "", or no codes)."""
    if col.kind == "refs":  # lists: not hashable
        return any(v is None or v == "" or v == [] for v in values)
    return not _EMPTY.isdisjoint(values)


PENDING = 0  # the "primary key" of a code whose row is not written (the import will fail)


class Refs:
    """namespace -> {code: pk}, with the database's codes loaded on first use."""

    def __init__(self, loaders: dict[str, Callable[[], dict]]):
        self._loaders = loaders
        self._maps: dict[str, dict] = {}
        self._folded: dict[str, dict] = {}  # namespace -> {folded code: [codes]}

    def map(self, namespace: str) -> dict:
        if namespace not in self._maps:
            loader = self._loaders.get(namespace)
            self._maps[namespace] = dict(loader()) if loader else {}
        return self._maps[namespace]

    def get(self, namespace: str, code):
        return self.map(namespace).get(code)

    def add(self, namespace: str, code, pk):
        self.map(namespace)[code] = pk
        self._folded.pop(namespace, None)

    def unknown(self, namespace: str, code) -> str:
        """What to add to "no such code": the code meant, if one differs from it only in case
        or spaces (" pp-bcoi " for PP-BCOI); codes are told exactly, never guessed."""
        folded = self._folded.get(namespace)
        if folded is None:
            folded = {}
            for known in self.map(namespace):
                if isinstance(known, str):
                    folded.setdefault(_fold_code(known), []).append(known)
            self._folded[namespace] = folded
        near = sorted(folded.get(_fold_code(str(code)), []))
        if len(near) != 1:
            return ""
        return " " + _("Có phải mã «%(c)s»? Mã phải viết đúng như trong tệp.") % {"c": near[0]}


def _fold_code(code: str) -> str:
    return "".join(code.split()).casefold()


@dataclass
class Sheet:
    """One sheet: its columns and how its rows become rows of `model`."""

    name: str
    columns: list[Col]
    model: type[models.Model] | None = None
    key: tuple[str, ...] = ()  # attributes of the natural key, refs as <field>_id
    provides: str = ""  # the namespace whose codes this sheet's `ref_attr` column registers
    ref_attr: str = ""
    export: Callable | None = None  # (ExportContext) -> iterable of {attr: value}
    # Or, for most sheets: (ExportContext) -> the queryset whose rows the sheet holds
    # (chibo.workbook.context.rows_from turns them into rows, ids into codes).
    source: Callable | None = None
    apply: Callable | None = None  # custom writer: (ImportRun, sheet, rows) -> None
    prepare: Callable | None = None  # (attrs, run) -> None: derived fields, extra checks
    max_rows: int = 200_000
    help: str = ""
    audit_each: bool = False  # one audit event per created row (people, organizations)
    defaults: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.model is None:
            return
        filled = []
        for col in self.columns:
            if col.kind == "text" and col.max_length is None:
                try:
                    f = self.model._meta.get_field(col.attr)
                except Exception:  # noqa: BLE001  a pseudo column, not a model field
                    f = None
                if f is not None and getattr(f, "max_length", None):
                    col = Col(**{**col.__dict__, "max_length": f.max_length})
            filled.append(col)
        self.columns = filled

    @property
    def headers(self) -> list[str]:
        return [c.title for c in self.columns]


def field_attr(col: Col) -> str:
    """The attribute a column sets: a ref column sets the foreign key's id."""
    return col.attr + "_id" if col.kind == "ref" else col.attr


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ImportRun:
    """One import: the file's sheets checked and written in order, problems collected."""

    def __init__(self, *, sheets: list[Sheet], refs: Refs, actor, scope, on: datetime.date,
                 progress=None, source: str = ""):  # fmt: skip
        self.sheets = sheets
        self.refs = refs
        self.actor = actor if (actor is not None and actor.is_authenticated) else None
        self.scope = scope
        self.on = on
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.summaries: dict[str, Summary] = {}
        self.batch = uuid.uuid4().hex[:12]
        self.source = source
        self.progress = progress or (lambda done, total, label: None)
        self.audit_rows: list[dict] = []  # AuditEvent rows ({attname: value}): see audit()
        self._note: str | None = None
        self.state: dict = {}  # what one sheet leaves for a later one
        self.finalizers: list = []  # run after every sheet: (ImportRun) -> None
        self.row_number = 0  # the row a sheet's `prepare` is given

    # --- problems ------------------------------------------------------------------------
    def error(self, sheet: Sheet, row: int, column: str, message: str):
        self.errors.append(Problem(sheet.name, row, column, message))

    def warn(self, sheet: Sheet, row: int, column: str, message: str):
        self.warnings.append(Problem(sheet.name, row, column, message))

    # --- reading ---------------------------------------------------------------------------
    def read_rows(self, sheet: Sheet, grid: list[list]) -> list[Row]:
        """The sheet's rows as attributes (values read, refs still codes); errors collected."""
        if not grid or all(spec.blank(v) for v in grid[0]):
            self.error(sheet, 1, "", _("Dòng 1 phải là dòng tiêu đề của mẫu."))
            return []
        by_header = {spec.norm_header(c.header): c for c in sheet.columns}
        by_index, unknown, seen = {}, [], set()
        for i, value in enumerate(grid[0]):
            if spec.blank(value):
                continue
            col = by_header.get(spec.norm_header(value))
            if col is None or col.attr in seen:
                unknown.append(str(value).strip())
            else:
                seen.add(col.attr)
                by_index[i] = col
        missing = [c.header for c in sheet.columns if c.required and c.attr not in seen]
        if unknown or missing:
            parts = []
            if missing:
                parts.append(_("thiếu cột: %(c)s") % {"c": ", ".join(missing)})
            if unknown:
                parts.append(_("cột không có trong mẫu: %(c)s") % {"c": ", ".join(unknown)})
            self.error(
                sheet,
                1,
                "",
                _("Dòng tiêu đề không đúng mẫu (%(d)s).") % {"d": "; ".join(parts)},
            )
            return []
        # Rows with something in them (a blank row is skipped, as a spreadsheet user expects).
        blank = spec.blank
        body = [
            (number, raw)
            for number, raw in enumerate(grid[1:], start=2)
            if not (
                (
                    (first := raw[0] if raw else None) is None
                    or (first.__class__ is str and not first.strip())
                )
                and all(blank(v) for v in raw)
            )
        ]
        # Then column by column: each column's cells read by its reader in one pass (a million
        # cells: no per-cell decision about the column), the cells it refuses read one by one.
        problems = []  # (place in body, header, message), row by row once sorted
        names, columns = [], []
        narrowest = min((len(raw) for _n, raw in body), default=0)
        for i, col in by_index.items():
            cells = _column(body, i, narrowest)
            try:
                values = spec.read_column(col, cells)
            except Invalid:
                read, values = spec.reader(col), []
                for k, value in enumerate(cells):
                    try:
                        values.append(read(value))
                    except Invalid as exc:
                        values.append(_UNREAD)
                        problems.append((k, col.header, str(exc)))
            if col.required and _has_empty(col, values):
                required = _("Bắt buộc, không được để trống.")
                problems += [
                    (k, col.header, required)
                    for k, v in enumerate(values)
                    if v is None or v == "" or v == []
                ]
            names.append(col.attr)
            columns.append(values)
        # Cells right of the headed columns (usually none): one error for a row that has any.
        unmapped = [i for i in range(max(map(len, grid))) if i not in by_index]
        if unmapped:
            stray = {
                k
                for k, (_n, raw) in enumerate(body)
                for i in unmapped
                if i < len(raw) and not blank(raw[i])
            }
            message = _("Ô có dữ liệu nhưng cột không có tiêu đề.")
            problems += [(k, "", message) for k in sorted(stray)]
        problems.sort(key=lambda p: p[0])  # stable: a row's problems in column order
        for k, header, message in problems:
            self.error(sheet, body[k][0], header, message)
        if not problems:
            # Nearly every sheet: its rows made in C loops (a million rows, no Python frame).
            numbers = [number for number, _raw in body]
            records = zip(*columns, strict=True)
            attrs = map(dict, map(zip, itertools.repeat(names), records))
            return list(map(Row, numbers, attrs))
        records = zip(body, zip(*columns, strict=True), strict=True)
        bad = {k for k, _h, _m in problems}
        rows = []
        for k, ((number, _raw), values) in enumerate(records):
            if k in bad:
                attrs = {a: v for a, v in zip(names, values, strict=True) if v is not _UNREAD}
                rows.append(Row(number, attrs, True))
            else:
                rows.append(Row(number, dict(zip(names, values, strict=True))))
        return rows

    def placeholders(self, namespace: str, codes):
        """Codes of rows this failing import will not write, known all the same to the sheets
        after, so that one bad row is one error and not one for every row that names it."""
        for code in codes:
            if code and self.refs.get(namespace, code) is None:
                self.refs.add(namespace, code, PENDING)

    # --- references ------------------------------------------------------------------------
    def resolve(self, sheet: Sheet, row: Row) -> bool:
        """Turn the row's codes into primary keys (`<attr>_id`); False if one is unknown."""
        return not self.resolve_all(sheet, [row])

    def resolve_all(self, sheet: Sheet, rows: list[Row]) -> set[int]:
        """resolve() for every row, column by column (one dict lookup a cell); returns the
        numbers of the rows with a code that is unknown or outside the user's scope."""
        failed = set()
        for col, codes in self._ref_maps(sheet):
            attr, target = col.attr, col.attr + "_id"
            check_scope = col.ref == "org" and not (self.scope is None or self.scope.superuser)
            for row in rows:
                attrs = row.attrs
                code = attrs.pop(attr, None)
                if not code:
                    attrs[target] = None
                    continue
                pk = codes.get(code)
                if pk is None:
                    self.error(
                        sheet,
                        row.number,
                        col.header,
                        _("Không có «%(code)s» (%(what)s) trong tệp hay trong dữ liệu.")
                        % {"code": code, "what": NAMESPACE_LABELS.get(col.ref, col.ref)}
                        + self.refs.unknown(col.ref, code),
                    )
                    failed.add(row.number)
                    continue
                if check_scope and not self.can_write_org(pk):
                    self.error(
                        sheet,
                        row.number,
                        col.header,
                        _("Tổ chức «%(code)s» nằm ngoài phạm vi bạn được nhập.") % {"code": code},
                    )
                    failed.add(row.number)
                    continue
                attrs[target] = pk
        return failed

    def _ref_maps(self, sheet: Sheet) -> list:
        """(column, {code: pk}) of the sheet's ref columns, looked up once per sheet."""
        cached = self.state.setdefault("ref_maps", {})
        if sheet.name not in cached:
            cached[sheet.name] = [
                (c, self.refs.map(c.ref)) for c in sheet.columns if c.kind == "ref"
            ]
        return cached[sheet.name]

    def can_write_org(self, pk) -> bool:
        if self.scope is None or self.scope.superuser:
            return True
        path = self.state.setdefault("org_paths", {}).get(pk)
        if path is None:
            from chibo.organizations.models import Organization

            path = Organization.objects.filter(pk=pk).values_list("path", flat=True).first()
            if path is None:
                return True  # created by this file: its parent was checked
            self.state["org_paths"][pk] = path
        return any(path.startswith(p) for p in self.scope.write_paths)

    # --- writing ---------------------------------------------------------------------------
    def apply_generic(self, sheet: Sheet, rows: list[Row]):
        """Create the rows the database lacks, update those whose values differ, by natural key."""
        model = sheet.model
        summary = self.summaries.setdefault(sheet.name, Summary())
        failed = self.resolve_all(sheet, rows)
        good = [row for row in rows if row.number not in failed] if failed else rows
        if failed and sheet.provides:
            # Their codes known to the sheets after (this import fails): one bad row, one error.
            self.placeholders(
                sheet.provides, [r.attrs.get(sheet.ref_attr) for r in rows if r.number in failed]
            )
        if sheet.defaults:
            for row in good:
                for k, v in sheet.defaults.items():
                    row.attrs.setdefault(k, v)
        if sheet.prepare is not None:
            prepared = []
            for row in good:
                self.row_number = row.number  # for a prepare that names another row
                try:
                    sheet.prepare(row.attrs, self)
                except Invalid as exc:
                    self.error(sheet, row.number, "", str(exc))
                    if sheet.provides:
                        self.placeholders(sheet.provides, [row.attrs.get(sheet.ref_attr)])
                    continue
                prepared.append(row)
            good = prepared
        if not good:
            return
        ref_code = {}
        if sheet.provides:
            # A file-local code ("ref_code") is not stored; a model's own code is.
            take = dict.pop if sheet.ref_attr == "ref_code" else dict.get
            ref_code = {id(r): take(r.attrs, sheet.ref_attr, None) for r in good}
        fields = [a for a in good[0].attrs if a not in ("pk",)]
        compare = [a for a in fields if a not in sheet.key]
        prose_cols = {c.attr for c in sheet.columns if c.kind == "prose"}
        # (place in `compare`, attr) of the text of several lines: the file holds it as "\n"
        prose_at = [(i, a) for i, a in enumerate(compare) if a in prose_cols]
        # Each row's natural key, column by column (a million rows: C loops).
        attrs = [row.attrs for row in good]
        key_columns = [list(map(dict.get, attrs, itertools.repeat(k))) for k in sheet.key]
        key_list = list(zip(*key_columns, strict=True)) if sheet.key else [()] * len(good)
        del attrs
        existing = {}
        width = len(sheet.key)
        for values in _existing(model, sheet.key, compare, key_columns[0] if width else None):
            existing[tuple(values[:width])] = values[width:]
        del key_columns
        creates, updates, compared = [], [], good
        if not existing and not sheet.audit_each and len(set(key_list)) == len(key_list):
            # Rows the database has none of, no two with the same key (a first import): every
            # row is created, nothing to compare row by row.
            creates = [(row, None) for row in good]
            create_keys, compared = key_list, []
        else:
            create_keys = []
        first_row: dict = {}
        # The key's references: a row naming a row this failing import will not write (PENDING)
        # is no duplicate of another naming one (its own error was told where that row is).
        refs_at = [i for i, k in enumerate(sheet.key) if k.endswith("_id")]
        for row, key in zip(compared, key_list, strict=False):
            if refs_at and any(key[i] == PENDING for i in refs_at):
                continue
            if key in first_row:
                self.error(
                    sheet,
                    row.number,
                    "",
                    _("Trùng với dòng %(n)s của trang này.") % {"n": first_row[key]},
                )
                continue
            first_row[key] = row.number
            found = existing.get(key)
            if found is None:
                # Rows are inserted without model instances (insert_rows): a district has a
                # million of them; those audited one by one are created as models.
                obj = model(**row.attrs) if sheet.audit_each else None
                creates.append((row, obj))
                create_keys.append(key)
                continue
            pk, old = found[0], found[1:]
            for i, a in prose_at:
                # The same lines with a browser's line endings ("\r\n") are the same text.
                was = old[i]
                if was and row.attrs.get(a) == spec.prose(was):
                    row.attrs[a] = was
            new = tuple(map(row.attrs.get, compare))
            if sheet.provides:
                self.refs.add(sheet.provides, ref_code[id(row)], pk)
            if tuple(old) == new:
                summary.unchanged += 1
            else:
                obj = model(pk=pk, **row.attrs)
                changed = {
                    a: [spec_plain(o), spec_plain(n)]
                    for a, o, n in zip(compare, old, new, strict=True)
                    if o != n
                }
                updates.append((obj, changed))
        if self.errors:
            if sheet.provides:
                self.placeholders(sheet.provides, [ref_code[id(r)] for r, _o in creates])
            return
        if sheet.audit_each:
            for start in range(0, len(creates), 2000):
                model.objects.bulk_create([obj for _r, obj in creates[start : start + 2000]])
            if sheet.provides:
                for row, obj in creates:
                    self.refs.add(sheet.provides, ref_code[id(row)], obj.pk)
        else:
            insert_rows(model, [row.attrs for row, _obj in creates])
            if sheet.provides and creates:
                # The new rows' keys, found by their natural key (unique: checked above).
                new_keys = {key: row for key, (row, _o) in zip(create_keys, creates, strict=True)}
                for values in model.objects.values_list(*sheet.key, "pk").iterator(5000):
                    row = new_keys.get(tuple(values[:-1]))
                    if row is not None:
                        self.refs.add(sheet.provides, ref_code[id(row)], values[-1])
        summary.created += len(creates)
        if updates:
            changed_fields = sorted({a for _o, ch in updates for a in ch})
            model.objects.bulk_update([o for o, _c in updates], changed_fields, batch_size=500)
            summary.updated += len(updates)
            for obj, changed in updates:
                self.audit(AuditEvent.Action.UPDATE, obj, changed)
        if sheet.audit_each and creates:
            # Their labels (str()) name related rows, a role its user and organization: those
            # read in one query a relation, not one a row.
            objs = [obj for _row, obj in creates]
            relations = [f.name for f in model._meta.concrete_fields if f.many_to_one]
            models.prefetch_related_objects(objs, *relations)
            for obj in objs:
                self.audit(AuditEvent.Action.CREATE, obj, {})

    def audit(self, action, obj, changes):
        """One audit event about `obj`, kept as a plain row: written with the file's own event
        at the end of the import (importer._audit), in a few INSERTs."""
        label = str(obj)[:200] if action != AuditEvent.Action.UPDATE else ""
        self.audit_row(action, obj._meta.label_lower, obj.pk, label, changes)

    def audit_row(self, action, object_type: str, pk, label: str, changes):
        self.audit_rows.append(
            {
                "actor_id": self.actor_id,
                "action": str(action),
                "object_type": object_type,
                "object_id": str(pk),
                "object_repr": label[:200],
                "changes": changes,
                "note": self.note,
            }
        )

    @property
    def actor_id(self):
        return self.actor.pk if self.actor is not None else None

    @property
    def note(self) -> str:
        # The same for every event of the run (its file and batch): composed once.
        if self._note is None:
            self._note = (
                _("Nhập sổ dữ liệu %(f)s (lô %(b)s)") % {"f": self.source or "—", "b": self.batch}
            )[:300]
        return self._note


EXISTING_CHUNK = 2000  # values of an IN (...): under every backend's limit on parameters
EXISTING_FILTERED = 20_000  # above as many values, the file covers much of the table: read it all


def _existing(model, key: tuple, compare: list, firsts: list | None):
    """(key..., pk, compare...) of the rows of `model` that may share a natural key with the
    file's rows. A commune's file compared with a district's database reads the commune's rows,
    not the district's (its roll call: 50.000 rows of 800.000): the rows whose first key field
    holds a value the file's rows hold (`firsts`), a chunk of values at a time through that
    field's index. Every row when the file names too many such values or leaves the field empty
    in a row; none, without an IN, from an empty table (a first import)."""
    rows = model.objects.values_list(*key, "pk", *compare)
    wanted = list(dict.fromkeys(firsts)) if firsts else []
    if not wanted or None in wanted or len(wanted) > EXISTING_FILTERED:
        yield from rows.iterator(2000)
        return
    if not model.objects.exists():
        return
    lookup = f"{key[0]}__in"
    for start in range(0, len(wanted), EXISTING_CHUNK):
        chunk = wanted[start : start + EXISTING_CHUNK]
        yield from rows.filter(**{lookup: chunk}).iterator(2000)


@contextlib.contextmanager
def gc_paused():
    """The cyclic garbage collector paused for a bulk job (an import, an export). Such a job
    makes millions of objects (cells, rows, their dicts) that live until it ends, and every
    collection the allocations trigger walks them all again: a third of the job's time on a
    district's workbook. Reference counting still frees what the job drops; a collection
    catches the rest once it is re-enabled."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def insert_rows(model, rows: list[dict]):
    """INSERT plain rows ({attname: value}) through the fields' own conversion to the
    database's values (core.bulk: COPY on PostgreSQL, many rows a statement elsewhere);
    defaults and auto_now(_add) times filled as Model.save would."""
    if not rows:
        return
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    # Column by column (a million rows: no Python loop over each row's fields), then rows.
    columns = []
    for f in fields:
        convert = _db_value(f, connection)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            # The same time for every row, converted once.
            columns.append(itertools.repeat(convert(now) if convert else now, len(rows)))
            continue
        attname, default = f.attname, f.get_default()
        try:  # most fields are in every row
            values = [row[attname] for row in rows] if attname in rows[0] else None
        except KeyError:
            values = None
        if values is None:
            values = [row.get(attname, default) for row in rows]
        if convert is not None:
            values = [None if v is None else convert(v) for v in values]
        columns.append(values)
    with row_writer(model._meta.db_table, [f.column for f in fields]) as write:
        write(zip(*columns, strict=True))


def _db_value(f, connection):
    """How a field's value goes to the database: None when the driver takes it as it is (text,
    numbers, booleans, ids), the backend's adapter for dates and times, else the field's own."""
    internal = f.get_internal_type()
    if internal in (
        "CharField",
        "TextField",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "BigIntegerField",
        "BooleanField",
        "ForeignKey",
        "BigAutoField",
    ):
        return None
    if internal == "DateField":
        return connection.ops.adapt_datefield_value
    if internal == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if internal == "TimeField":
        return connection.ops.adapt_timefield_value
    return lambda value: f.get_db_prep_save(value, connection)


def spec_plain(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if value is None or isinstance(value, (int, str, bool, float)):
        return value
    return str(value)


NAMESPACE_LABELS = {
    "org": "tổ chức",
    "commune": "xã",
    "village": "thôn, bản",
    "member": "đảng viên",
    "user": "tài khoản",
    "term": "nhiệm kỳ",
    "course": "lớp học",
    "contest": "hội thi",
    "round": "vòng thi",
    "target": "chỉ tiêu",
    "meeting": "cuộc sinh hoạt",
    "support": "phân công giúp đỡ",
    "score_sheet": "bảng chấm điểm",
    "score_item": "tiêu chí chấm điểm",
    "role_model": "mô hình kiêm nhiệm",
    "candidate": "hồ sơ kết nạp",
    "congress_plan": "kế hoạch đại hội",
    "congress": "đại hội chi bộ",
    "regulation": "quy chế làm việc",
    "criteria_set": "bộ tiêu chí",
    "village_plan": "kế hoạch của bản",
}


def rows_of(objects: Iterable, attrs: list[str]) -> Iterable[dict]:
    for obj in objects:
        yield {a: getattr(obj, a) for a in attrs}
