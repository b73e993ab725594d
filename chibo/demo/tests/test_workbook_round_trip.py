"""The round trip, the proof that the workbook loses nothing: the demo exported, the database
emptied, the file imported, and every indicator and every member's record and cell history,
the criteria sets with the villages' results and the villages' plans are as before.

(That importing the same file twice changes nothing is tested on small data in
chibo/workbook/tests.) The emptied database is the demo's own, inside a savepoint rolled back
at the end: every table is emptied but the rules the migrations write (a migrated empty
database has them). The
command-line version (bench/workbook_round_trip.py) compares every organization on separate
database files; here the district, every grassroots-level organization and a sample of cells.
"""

import contextlib
import datetime
import graphlib
import io
import sqlite3

import pytest
from django.apps import apps
from django.db import connection, transaction

from chibo.admissions.models import CandidateCell
from chibo.core.dates import today
from chibo.core.indicators import compute_many
from chibo.members.models import Member, Membership
from chibo.members.services import EDITABLE_FIELDS
from chibo.organizations.models import Organization
from chibo.workbook import exporter, importer
from chibo.workbook.tests.test_governance import snapshot as governance_snapshot

pytestmark = pytest.mark.slow

DATES = [
    datetime.date(2021, 12, 31),
    datetime.date(2023, 3, 31),
    datetime.date(2025, 6, 30),
    today(),
]
# Written by data migrations: a migrated empty database has them, the workbook does not carry
# them (they are versioned rules, not a committee's data).
KEEP = {
    "meetings.meetingrule",
    "meetings.holiday",
    "meetings.agendatemplate",
    "meetings.agendatemplateitem",
    "meetings.scoresheet",
    "meetings.scoreitem",
    "committees.committeerule",
    "committees.qualificationstandard",
    "ratings.ratingset",
    "ratings.ratinglevel",
}
KEEP_APPS = {"contenttypes", "auth", "sessions", "admin"}


def _empty_database():
    """Every table emptied but the rules', each before the tables it points to: a row deleted
    from a table others point to is looked up in each of them (the foreign keys are checked),
    quicker in tables that are empty already. PostgreSQL first truncates, in one statement,
    every table that no table left out of it points to (it refuses any other); the rest are
    deleted. SQLite checks the foreign keys once after instead (PRAGMA foreign_key_check: no
    row left points at a deleted one), which lets each DELETE drop its table whole rather than
    row by row (its truncate optimization, which an enforced foreign key turns off)."""
    emptied, order = set(), graphlib.TopologicalSorter()
    points_to, kept_targets = {}, set()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        targets = {f.related_model._meta.db_table for f in meta.concrete_fields if f.is_relation}
        if meta.app_label in KEEP_APPS or meta.label_lower in KEEP:
            kept_targets |= targets
            continue
        emptied.add(meta.db_table)
        points_to.setdefault(meta.db_table, set()).update(targets - {meta.db_table})
        order.add(meta.db_table, *(targets - {meta.db_table}))
    deleted = emptied
    if connection.vendor == "postgresql":
        # The tables a kept table points to, and those they point to, and so on: deleted.
        deleted, todo = set(), list(kept_targets & emptied)
        while todo:
            table = todo.pop()
            if table not in deleted:
                deleted.add(table)
                todo.extend(points_to[table] & emptied)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor, _foreign_keys_checked_after(cursor):
        if emptied - deleted:
            cursor.execute(f"TRUNCATE {', '.join(map(quote, sorted(emptied - deleted)))}")
        for table in reversed(list(order.static_order())):
            if table in deleted:
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608


@contextlib.contextmanager
def _foreign_keys_checked_after(cursor):
    """SQLite: foreign keys unenforced inside the block (sqlite3_db_config, which unlike the
    PRAGMA holds inside a transaction), then every foreign key of every table checked."""
    if connection.vendor != "sqlite":
        yield
        return
    raw = connection.connection
    raw.setconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_FKEY, False)
    try:
        yield
    finally:
        raw.setconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_FKEY, True)
    cursor.execute("PRAGMA foreign_key_check")
    dangling = cursor.fetchall()
    assert not dangling, dangling[:10]


def _orgs():
    """The district, every grassroots organization, and one cell in 25 (every cell's figures
    count in its grassroots organization's)."""
    orgs = list(Organization.objects.order_by("code"))
    picked = [o for o in orgs if o.kind != Organization.Kind.CELL or o.pk % 25 == 0]
    return [o.code for o in picked]


def _indicators(codes):
    orgs = list(Organization.objects.filter(code__in=codes))
    return {
        (org.code, day): {r["code"]: (r["value"], r["of"]) for r in rows}
        for day in DATES
        for org, rows in zip(orgs, compute_many(orgs, day).values(), strict=True)
    }


def _members():
    """Each member's record and dated cells, by card number (read as values: 10.000 members and
    their memberships, twice)."""
    codes = dict(Organization.objects.values_list("pk", "code"))
    history = {}
    for member_id, cell_id, start, end, reason in Membership.objects.order_by(
        "start", "id"
    ).values_list("member_id", "cell_id", "start", "end", "reason"):
        history.setdefault(member_id, []).append((codes[cell_id], start, end, reason))
    result = {}
    for m in Member.objects.values("pk", "cell_id", "status", "status_since", *EDITABLE_FIELDS):
        record = {f: m[f] for f in EDITABLE_FIELDS}
        record.update(status=m["status"], status_since=m["status_since"], cell=codes[m["cell_id"]])
        record["history"] = history.get(m["pk"], [])
        result[m["party_card_number"]] = record
    return result


def _candidate_cells():
    """Each candidate's dated cells, by cell code (their ids are new after the import)."""
    codes = dict(Organization.objects.values_list("pk", "code"))
    out = {}
    for name, born, listed, cell, start, end in CandidateCell.objects.order_by(
        "start", "id"
    ).values_list(
        "candidate__full_name", "candidate__birth_date", "candidate__listed_on", "cell_id",
        "start", "end",
    ):  # fmt: skip
        out.setdefault((name, born, listed), []).append((codes[cell], start, end))
    return {key: sorted(rows, key=str) for key, rows in out.items()}


@pytest.mark.django_db
def test_the_demo_goes_out_and_back_in_whole(demo):
    codes = _orgs()
    before = _indicators(codes)
    members_before = _members()
    governance_before = governance_snapshot()
    assert governance_before["statuses"] and governance_before["plan_targets"]
    candidates_before = _candidate_cells()
    assert any(len(rows) == 2 for rows in candidates_before.values())  # moved in 2025
    data = exporter.build(None)

    savepoint = transaction.savepoint_create()
    try:
        _empty_database()
        assert not Organization.objects.exists()
        result = importer.import_workbook(io.BytesIO(data), accept_warnings=True)
        assert not result.errors, result.errors[:5]
        assert result.written
        after = _indicators(codes)
        members_after = _members()

        differences = [
            f"{code} {day:%d/%m/%Y} {ind}: {value} -> {after[(code, day)].get(ind)}"
            for (code, day), values in before.items()
            for ind, value in values.items()
            if after[(code, day)].get(ind) != value
        ]
        assert not differences, "\n".join(differences[:30])
        assert members_after == members_before
        assert _candidate_cells() == candidates_before
        governance_after = governance_snapshot()
        for part, rows in governance_before.items():
            assert governance_after[part] == rows, part
    finally:
        transaction.savepoint_rollback(savepoint)


@pytest.mark.django_db
def test_a_communes_workbook_loads_back_where_it_came_from_unchanged(demo):
    """A commune's export holds the members who left it, as moved out on the day they left;
    loaded back into the database it came from, it changes nothing."""
    # Today's Nà Bó (the new commune of 01/07/2025; the old one of that name has ended).
    commune = Organization.objects.get(name="Đảng bộ xã Nà Bó", valid_to__isnull=True)
    data = exporter.build(commune)
    result = importer.import_workbook(io.BytesIO(data), accept_warnings=True, dry_run=True)
    assert not result.errors, result.errors[:5]
    changed = {n: c for n, c in result.counts.items() if c["created"] or c["updated"]}
    assert not changed
