#!/usr/bin/env python
"""The workbook's own CPU on one database: `exporter.build(None)` and `importer.import_workbook`
timed in-process (`time.process_time()` around the call: start-up, migrations and the machine's
other work left out), optionally under cProfile.

    CHIBO_SQLITE_PATH=/tmp/wb-demo.sqlite3 .venv/bin/python bench/workbook_cpu.py export \
        --out /tmp/wb.xlsx [--runs 3] [--profile /tmp/export.prof]
    cp /tmp/wb-empty.sqlite3 /tmp/wb-target.sqlite3   # a migrated empty database
    CHIBO_SQLITE_PATH=/tmp/wb-target.sqlite3 .venv/bin/python bench/workbook_cpu.py import \
        /tmp/wb.xlsx [--profile /tmp/import.prof] [--dump /tmp/wb-target.txt]

`import` prints the counts of every sheet and, with --dump, writes every table's rows (sorted,
the import's batch and its timestamps masked) so that two imports of the same file into the same
empty database can be compared line by line. `export` prints a digest of every part of the .xlsx.
"""

import argparse
import cProfile
import hashlib
import io
import os
import statistics
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def timed(call, profile: str | None):
    profiler = cProfile.Profile() if profile else None
    started_wall, started = time.monotonic(), time.process_time()
    if profiler:
        profiler.enable()
    result = call()
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    return result, time.process_time() - started, time.monotonic() - started_wall


def export(args):
    from chibo.workbook import exporter

    cpu, wall = [], []
    data = b""
    for _run in range(args.runs):
        data, c, w = timed(lambda: exporter.build(None), args.profile)
        cpu.append(c)
        wall.append(w)
    Path(args.out).write_bytes(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in sorted(zf.namelist()):
            print(f"  {hashlib.sha256(zf.read(name)).hexdigest()[:16]} {name}")
    print(
        f"export: {len(data) // 1024} KB, CPU median {statistics.median(cpu):.2f} s "
        f"({', '.join(f'{x:.2f}' for x in cpu)}), wall {', '.join(f'{x:.2f}' for x in wall)}"
    )


def dump(path: str, since):
    """Every table's rows, sorted; the times written by the run (at or after `since`) and the
    random unusable passwords masked."""
    import datetime

    from django.db import connection

    def mask(value):
        if isinstance(value, datetime.datetime) and value.replace(tzinfo=None) >= since:
            return "<now>"
        if isinstance(value, str) and value.startswith("!") and len(value) == 41:
            return "<unusable>"
        return value

    with connection.cursor() as cursor, open(path, "w") as out:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            lines = sorted(repr(tuple(map(mask, row))) for row in cursor.fetchall())
            out.write(f"## {table} {len(lines)}\n")
            for line in lines:
                out.write(line + "\n")


def import_(args):
    import datetime

    from chibo.workbook import importer

    data = Path(args.file).read_bytes()
    since = datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)
    result, cpu, wall = timed(
        lambda: importer.import_workbook(io.BytesIO(data), accept_warnings=True, source="bench"),
        args.profile,
    )
    print(f"errors {len(result.errors)} {result.errors[:3]}, warnings {len(result.warnings)}")
    for name, counts in result.counts.items():
        print(f"  {name}: {counts}")
    print(f"import: written {result.written}, CPU {cpu:.2f} s, wall {wall:.2f} s")
    if args.dump:
        from chibo.core.models import AuditEvent

        # The run's batch is random: the same for every event of the run.
        batch = AuditEvent.objects.filter(action="import").values_list("object_id", flat=True)
        dump(args.dump, since)
        text = Path(args.dump).read_text()
        for b in batch:
            text = text.replace(b, "<batch>")
        Path(args.dump).write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    e = sub.add_parser("export")
    e.add_argument("--out", required=True)
    e.add_argument("--runs", type=int, default=1)
    e.add_argument("--profile")
    i = sub.add_parser("import")
    i.add_argument("file")
    i.add_argument("--profile")
    i.add_argument("--dump")
    args = parser.parse_args()
    setup()
    export(args) if args.what == "export" else import_(args)


if __name__ == "__main__":
    main()
