#!/usr/bin/env python
"""Generate a synthetic organization tree with members, straight into the configured database.

    CHIBO_SQLITE_PATH=bench/data/district.sqlite3 .venv/bin/python bench/generate.py \
        --scale district
    DATABASE_URL=postgres://... .venv/bin/python bench/generate.py --scale province

The database must be empty (migrations are applied first). Rows are written in bulk
(PostgreSQL: COPY; SQLite: executemany) with the invariants the services keep:
Organization.path = parent.path + f"{pk:08d}/", depth, one open OrganizationPeriod and one
FOUNDED OrganizationEvent per organization, Member name parts / search_text / sort_key as
Member.refresh_derived() computes them, one open Membership per member, one VillageCellLink
and one VillageCommuneLink per village (from the village's valid_from), one
CommuneCommitteeLink per commune led by a committee (from the later of the two's valid_from),
official dates at the
end of the 12 months' probation (rules.probation_end), one audit row per organization and
member, the members per cell counters (chibo.members.counts). Then the benchmark users (see
USERS) get their roles, and ANALYZE.

Names come from fixed pools; the derived keys are computed once per distinct name.
Everything is seeded: the same scale and seed give the same data.
"""

import argparse
import bisect
import datetime
import itertools
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from chibo.accounts.models import Role, RoleAssignment, User  # noqa: E402
from chibo.core import vn  # noqa: E402
from chibo.core.models import AuditEvent  # noqa: E402
from chibo.members.models import CellMemberCount, Member, Membership  # noqa: E402
from chibo.members.rules import probation_end  # noqa: E402
from chibo.organizations.models import (  # noqa: E402
    Commune,
    CommuneCommitteeLink,
    Organization,
    OrganizationEvent,
    OrganizationPeriod,
    Village,
    VillageCellLink,
    VillageCommuneLink,
    path_segment,
)

# --- scales ----------------------------------------------------------------------------------
# Each root (province or district committee) has `districts` district committees (0: the root is
# the district), each district `communes` commune grassroots orgs with residential cells and
# `agencies` agency/school/enterprise grassroots orgs with agency cells.
SCALES = {
    # Mai Sơn: 47 grassroots, ~350 cells, ~9,300 members.
    "district": dict(
        roots=1,
        districts=0,
        communes=22,
        agencies=25,
        commune_cells=(8, 19),
        agency_cells=(1, 4),
        members=9_300,
    ),
    # Sơn La: ~100,000 members, ~3,000 cells in 12 districts.
    "province": dict(
        roots=1,
        districts=12,
        communes=18,
        agencies=24,
        commune_cells=(6, 16),
        agency_cells=(1, 4),
        members=100_000,
    ),
    # The nation: 63 provinces, ~700 districts, ~52,000 grassroots, ~110,000 cells, 5.6 M members.
    "national": dict(
        roots=63,
        districts=11,
        communes=15,
        agencies=60,
        commune_cells=(3, 9),
        agency_cells=(1, 1),
        members=5_600_000,
    ),
}

VALID_FROM = datetime.date(2000, 1, 1)
AS_OF = datetime.date(2025, 12, 31)
PASSWORD = "bench-password-not-secret"
# username -> (role, where): the personas bench/run.py signs in as.
USERS = {
    "bench-admin": (Role.ORG_ADMIN, "root"),
    "bench-commune": (Role.COMMUNE_STAFF, "commune"),
    "bench-secretary": (Role.CELL_SECRETARY, "cell"),
    "bench-central": (None, "superuser"),
}

# --- name pools (weights are rough shares, enough for realistic search selectivity) -----------
FAMILY = {
    "Nguyễn": 250, "Trần": 80, "Lê": 70, "Phạm": 50, "Hoàng": 40, "Phan": 30, "Vũ": 30,
    "Đặng": 18, "Bùi": 18, "Đỗ": 14, "Hồ": 10, "Ngô": 10, "Dương": 8, "Lý": 5, "Đinh": 8,
    "Lò": 40, "Cầm": 20, "Quàng": 18, "Lường": 15, "Tòng": 12, "Vì": 10, "Hà": 15, "Sùng": 12,
    "Giàng": 12, "Mùa": 8, "Thào": 10, "Vừ": 6, "Lù": 6, "Điêu": 5, "Bạc": 5, "Mào": 4,
    "Lừ": 3, "Khà": 3, "Chu": 5, "Mai": 5,
}  # fmt: skip
MIDDLE_M = {
    "Văn": 400, "Đức": 50, "Minh": 50, "Hữu": 40, "Quang": 40, "Thanh": 30, "Ngọc": 20,
    "Xuân": 20, "Công": 30, "Mạnh": 20, "Tuấn": 15, "Trọng": 20, "Đình": 25, "Bá": 10,
    "A": 25, "Việt": 10,
}  # fmt: skip
MIDDLE_F = {
    "Thị": 500, "Thu": 40, "Ngọc": 30, "Thanh": 30, "Minh": 20, "Hồng": 25, "Kim": 20,
    "Phương": 15, "Bích": 10, "Thị Thu": 20, "Thị Hồng": 15, "Thúy": 10, "Lan": 10,
}  # fmt: skip
GIVEN_M = (  # noqa: SIM905 (a word list reads better as text)
    "An Anh Bình Cường Chiến Công Dũng Duy Dương Đạt Định Đông Đức Giang Hải Hào Hiếu Hiệp "
    "Hòa Hoàng Hùng Hưng Huy Khánh Khoa Kiên Lâm Linh Long Lộc Lợi Lực Mạnh Minh Nam Nghĩa "
    "Ngọc Nhân Phong Phúc Phương Quân Quang Quyết Sơn Tài Tâm Tân Thắng Thành Thanh Thiện "
    "Thịnh Toàn Trung Tú Tuấn Tùng Văn Việt Vinh Vũ Xuân Pó Sểnh Chá Dua Páo Sính Tủa Chơ "
    "Lả Khăm Pánh Ún Inh Bun Xiêng Phăn Thoong Ngoan"
).split()
GIVEN_F = (  # noqa: SIM905 (a word list reads better as text)
    "An Anh Ánh Bích Châu Chi Diệp Dung Duyên Giang Hà Hạnh Hằng Hiền Hoa Hòa Hồng Huệ "
    "Hương Huyền Lan Liên Liễu Linh Loan Lụa Mai Minh My Nga Ngân Ngọc Nguyệt Nhung Oanh "
    "Phương Quyên Sen Tâm Thảo Thanh Thắm Thơm Thu Thủy Thúy Trang Trinh Tuyết Vân Xuân Yến "
    "Ản Bua Ín Kim Lả Mỷ Ngoan Pằng Pó Sua Xuân Ý Ọp Piệng"
).split()
PLACE = (  # noqa: SIM905 (a word list reads better as text)
    "Nà Sản Huổi Hồng Pá Lẹ Phiêng Khoang Co Cưa Hua Pặt Bó Lằn Noong Sái Pom Ban Lọng Kéo "
    "Púng Bẩu Cang Lìu Mòn Lay Tà Cuông Hin Nẻn Nong Hay Tong Pe Ten Mạt Kho Muông Xa Cại"
).split()
ETHNICITIES = {"Kinh": 45, "Thái": 30, "H'Mông": 12, "Mường": 5, "Dao": 3, "Khơ Mú": 2, "Tày": 3}
THEORY = {"none": 20, "basic": 45, "intermediate": 28, "advanced": 5, "bachelor": 2}
OCCUPATIONS = ("Nông dân", "Cán bộ, công chức", "Giáo viên", "Công nhân", "Hưu trí", "Bộ đội")
GRASSROOTS_TYPES = ("agency", "school", "enterprise", "armed", "agency", "school")


def weighted(pool: dict):
    """A fast sampler over a weighted pool: rng -> item."""
    items = list(pool)
    cum = list(itertools.accumulate(pool.values()))
    total = cum[-1]

    def pick(rng):
        return items[bisect.bisect_right(cum, rng.random() * total)]

    return pick


# --- bulk writing ----------------------------------------------------------------------------
def columns_of(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


def check_columns(model, columns):
    expected = set(columns_of(model))
    if set(columns) != expected:
        raise SystemExit(
            f"{model._meta.label}: the generator writes {sorted(set(columns))}, "
            f"the model has {sorted(expected)}; update bench/generate.py"
        )


def _sqlite_value(v):
    if isinstance(v, datetime.datetime):
        return v.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(v, datetime.date):
        return v.isoformat()
    return v


def bulk_write(model, columns, rows, *, skip_check=()):
    """Write an iterable of tuples (in `columns` order) into the model's table; returns count."""
    missing = set(columns_of(model)) - set(columns) - set(skip_check)
    if missing or set(columns) - set(columns_of(model)):
        check_columns(model, columns)
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    n = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        else:
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"  # noqa: S608 (model metadata)
            raw = connection.connection
            for batch in itertools.batched(rows, 5000):
                raw.executemany(sql, [tuple(_sqlite_value(v) for v in r) for r in batch])
                n += len(batch)
    return n


class DeferredIndexes:
    """PostgreSQL: drop a table's secondary indexes and FK/unique constraints during a load,
    then recreate exactly what the migrations made (one pass each instead of per row)."""

    def __init__(self, tables):
        self.tables = tables
        self.indexes, self.constraints = [], []

    def __enter__(self):
        if connection.vendor != "postgresql":
            return self
        with connection.cursor() as c:
            for t in self.tables:
                c.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
                    [t],
                )
                for name, definition in c.fetchall():
                    self.constraints.append((t, name, definition))
                    c.execute(f'ALTER TABLE {t} DROP CONSTRAINT "{name}"')
                c.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                    "AND i.indexname NOT IN (SELECT conname FROM pg_constraint "
                    "WHERE conrelid = %s::regclass)",
                    [t, t],
                )
                for name, definition in c.fetchall():
                    self.indexes.append(definition)
                    c.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, *exc):
        if exc[0] is not None or connection.vendor != "postgresql":
            return
        with connection.cursor() as c:
            for definition in self.indexes:
                t0 = time.perf_counter()
                c.execute(definition)
                name = definition.split(" ON ")[0].split()[-1]
                log(f"   index {name}: {time.perf_counter() - t0:.1f} s")
            for t, name, definition in self.constraints:
                t0 = time.perf_counter()
                c.execute(f'ALTER TABLE {t} ADD CONSTRAINT "{name}" {definition}')
                log(f"   constraint {name}: {time.perf_counter() - t0:.1f} s")


T_START = time.perf_counter()


def log(msg):
    print(f"[{time.perf_counter() - T_START:7.1f} s] {msg}", flush=True)


# --- the tree ----------------------------------------------------------------------------------
class Tree:
    """Organizations (as row tuples) with explicit ids, built top-down so paths are known."""

    ORG_COLS = [
        "id", "created_at", "updated_at", "code", "name", "kind", "grassroots_type",
        "cell_type", "parent_id", "path", "depth", "valid_from", "valid_to",
    ]  # fmt: skip
    COMMUNE_COLS = [
        "id", "created_at", "updated_at", "code", "name", "kind", "party_committee_id",
        "valid_from", "valid_to",
    ]  # fmt: skip
    VILLAGE_COLS = [
        "id", "created_at", "updated_at", "code", "name", "kind", "commune_id", "cell_id",
        "especially_disadvantaged", "households", "valid_from", "valid_to",
    ]  # fmt: skip

    def __init__(self, params, rng, now):
        self.p, self.rng, self.now = params, rng, now
        self.orgs, self.communes, self.villages = [], [], []
        self.cells = []  # (id, path, name, residential, commune_name)
        self.commune_orgs = []  # (org id, n cells)
        self.roots = []

    def _org(self, code, name, kind, parent, gtype="", ctype=""):
        pk = len(self.orgs) + 1
        path = (parent[1] if parent else "") + path_segment(pk)
        depth = (parent[2] + 1) if parent else 0
        self.orgs.append(
            (pk, self.now, self.now, code, name, kind, gtype, ctype,
             parent[0] if parent else None, path, depth, VALID_FROM, None)
        )  # fmt: skip
        return (pk, path, depth)

    def build(self):
        p = self.p
        K = Organization.Kind
        for r in range(1, p["roots"] + 1):
            if p["districts"]:
                root = self._org(f"T{r:02d}", f"Đảng bộ tỉnh {r:02d}", K.PROVINCE_COMMITTEE, None)
                districts = [
                    self._org(
                        f"T{r:02d}-H{d:02d}", f"Đảng bộ huyện {r:02d}.{d:02d}",
                        K.DISTRICT_COMMITTEE, root,
                    )
                    for d in range(1, p["districts"] + 1)
                ]  # fmt: skip
            else:
                root = self._org(f"H{r:02d}", f"Đảng bộ huyện {r:02d}", K.DISTRICT_COMMITTEE, None)
                districts = [root]
            self.roots.append(root)
            for district in districts:
                self._grassroots(district)

    def _grassroots(self, district):
        p, rng = self.p, self.rng
        K, C = Organization.Kind, Organization.CellType
        dcode = self.orgs[district[0] - 1][3]
        for g in range(1, p["communes"] + p["agencies"] + 1):
            is_commune = g <= p["communes"]
            if is_commune:
                place = f"{rng.choice(PLACE)} {rng.choice(PLACE)}"
                org = self._org(
                    f"{dcode}-X{g:03d}", f"Đảng bộ xã {place}", K.GRASSROOTS, district, "commune"
                )
                commune_id = len(self.communes) + 1
                self.communes.append(
                    (commune_id, self.now, self.now, f"C{org[0]}", place, "commune", org[0],
                     VALID_FROM, None)
                )  # fmt: skip
                n = rng.randint(*p["commune_cells"])
                self.commune_orgs.append((org[0], n))
                for c in range(1, n + 1):
                    village = f"{rng.choice(PLACE)} {rng.choice(PLACE)}"
                    cell = self._org(
                        f"{dcode}-X{g:03d}-{c:02d}", f"Chi bộ bản {village}", K.CELL, org,
                        ctype=C.RESIDENTIAL,
                    )  # fmt: skip
                    self.villages.append(
                        (len(self.villages) + 1, self.now, self.now, f"V{cell[0]}", village,
                         "ban", commune_id, cell[0], rng.random() < 0.4, rng.randint(40, 250),
                         VALID_FROM, None)
                    )  # fmt: skip
                    self.cells.append((cell[0], f"Bản {village}, xã {place}", True))
            else:
                gtype = GRASSROOTS_TYPES[g % len(GRASSROOTS_TYPES)]
                org = self._org(
                    f"{dcode}-C{g:03d}", f"Đảng bộ cơ quan {dcode} số {g}", K.GRASSROOTS,
                    district, gtype,
                )  # fmt: skip
                for c in range(1, rng.randint(*p["agency_cells"]) + 1):
                    cell = self._org(
                        f"{dcode}-C{g:03d}-{c:02d}", f"Chi bộ phòng {c} cơ quan {g}", K.CELL, org,
                        ctype=C.AGENCY,
                    )  # fmt: skip
                    self.cells.append((cell[0], f"Tổ dân phố {c}, {dcode}", False))


# --- members -----------------------------------------------------------------------------------
MEMBER_COLS = [
    "created_at", "updated_at", "full_name", "family_name", "middle_name", "given_name",
    "other_names", "sex", "birth_date", "birthplace", "hometown", "residence", "ethnicity",
    "religion", "occupation", "citizen_id", "party_card_number", "admission_date",
    "official_date", "education", "qualification", "theory_level", "foreign_language",
    "it_level", "status", "status_since", "cell_id", "search_text", "sort_key",
]  # fmt: skip


class Names:
    """Derived name fields, computed once per distinct full name (refresh_derived's rules)."""

    def __init__(self):
        self.cache = {}

    def get(self, full_name):
        d = self.cache.get(full_name)
        if d is None:
            family, middle, given = vn.split_full_name(full_name)
            d = (family, middle, given, vn.fold(full_name),
                 vn.name_sort_key(given, middle, family))  # fmt: skip
            self.cache[full_name] = d
        return d


def cell_sizes(n_cells, total, rng, cells):
    """Members per cell: lognormal weights (agency cells a bit larger), at least 3 each."""
    w = [rng.lognormvariate(0, 0.55) * (1.0 if cells[i][2] else 1.4) for i in range(n_cells)]
    s = sum(w)
    sizes = [max(3, round(total * x / s)) for x in w]
    # Settle the rounding on random cells so the total is exact.
    diff = total - sum(sizes)
    while diff:
        i = rng.randrange(n_cells)
        step = 1 if diff > 0 else -1
        if sizes[i] + step >= 3:
            sizes[i] += step
            diff -= step
    return sizes


def member_rows(tree, total, rng, now, names, counter):
    pick_family = weighted(FAMILY)
    pick_mid = {"male": weighted(MIDDLE_M), "female": weighted(MIDDLE_F)}
    given = {"male": GIVEN_M, "female": GIVEN_F}
    pick_eth = weighted(ETHNICITIES)
    pick_theory = weighted(THEORY)
    sizes = cell_sizes(len(tree.cells), total, rng, tree.cells)
    probation_from = AS_OF - datetime.timedelta(days=365)
    i = 0
    for (cell_id, residence, _), size in zip(tree.cells, sizes, strict=True):
        for _ in range(size):
            i += 1
            sex = "male" if rng.random() < 0.62 else "female"
            full = f"{pick_family(rng)} {pick_mid[sex](rng)} {rng.choice(given[sex])}"
            family, middle, given_name, folded, sort_key = names.get(full)
            birth = datetime.date(1945, 1, 1) + datetime.timedelta(days=rng.randrange(21_000))
            admitted = birth + datetime.timedelta(days=rng.randrange(18 * 366, 45 * 365))
            if admitted > AS_OF:
                admitted = AS_OF - datetime.timedelta(days=rng.randrange(30, 700))
            official = probation_end(admitted) if admitted < probation_from else None
            card = f"{i + 10_000_000:09d}"
            cid = f"{i + 10**11:012d}" if rng.random() < 0.9 else None
            exempt = rng.random() < 0.04
            yield (
                now, now, full, family, middle, given_name, "", sex, birth, "", "",
                residence, pick_eth(rng), "Không", rng.choice(OCCUPATIONS), cid, card,
                admitted, official, "12/12", "", pick_theory(rng), "", "",
                "exempt" if exempt else "active", AS_OF if exempt else None, cell_id,
                f"{folded} {card}", sort_key,
            )  # fmt: skip
    counter.append(i)


# --- the run -----------------------------------------------------------------------------------
def derived_rows_sql():
    """INSERT ... SELECT statements for the rows that follow from organizations and members.

    Table and column names come from the models' metadata, never from input (hence noqa S608).
    """
    org, per, ev = (
        Organization._meta.db_table,
        OrganizationPeriod._meta.db_table,
        OrganizationEvent._meta.db_table,
    )
    mem, ms, au = Member._meta.db_table, Membership._meta.db_table, AuditEvent._meta.db_table
    vil, link = Village._meta.db_table, VillageCellLink._meta.db_table
    placed = VillageCommuneLink._meta.db_table
    com, led = Commune._meta.db_table, CommuneCommitteeLink._meta.db_table
    cnt = CellMemberCount._meta.db_table  # what chibo.members.counts keeps
    q = connection.ops.quote_name
    check_columns(OrganizationPeriod, ["id", "organization_id", "name", "parent_id", "path",
                                       "valid_from", "valid_to"])  # fmt: skip
    check_columns(OrganizationEvent, ["id", "kind", "on", "organization_id", "note", "decision",
                                      "actor_id", "recorded_at"])  # fmt: skip
    check_columns(Membership, ["id", "member_id", "cell_id", "start", "end", "reason", "note",
                               "letter_number"])  # fmt: skip
    check_columns(VillageCellLink, ["id", "created_at", "updated_at", "village_id", "cell_id",
                                    "start", "end"])  # fmt: skip
    check_columns(VillageCommuneLink, ["id", "created_at", "updated_at", "village_id",
                                       "commune_id", "start", "end"])  # fmt: skip
    check_columns(CommuneCommitteeLink, ["id", "created_at", "updated_at", "commune_id",
                                         "committee_id", "start", "end"])  # fmt: skip
    check_columns(AuditEvent, ["id", "at", "actor_id", "action", "object_type", "object_id",
                               "object_repr", "changes", "note"])  # fmt: skip
    cast = "CAST(id AS TEXT)"
    return [
        (
            "organization periods",
            f"INSERT INTO {per} (organization_id, name, parent_id, path, valid_from, valid_to) "  # noqa: S608
            f"SELECT id, name, parent_id, path, valid_from, NULL FROM {org}",
        ),
        (
            "organization events",
            f"INSERT INTO {ev} (kind, {q('on')}, organization_id, note, decision, actor_id, "  # noqa: S608
            f"recorded_at) SELECT 'founded', valid_from, id, '', '', NULL, created_at FROM {org}",
        ),
        (
            "village links",
            f"INSERT INTO {link} (created_at, updated_at, village_id, cell_id, start, {q('end')}) "  # noqa: S608
            f"SELECT created_at, updated_at, id, cell_id, valid_from, NULL FROM {vil}",
        ),
        (
            "village communes",
            f"INSERT INTO {placed} (created_at, updated_at, village_id, commune_id, start, "  # noqa: S608
            f"{q('end')}) SELECT created_at, updated_at, id, commune_id, valid_from, NULL "
            f"FROM {vil}",
        ),
        (
            "commune committees",
            f"INSERT INTO {led} (created_at, updated_at, commune_id, committee_id, start, "  # noqa: S608
            f"{q('end')}) SELECT c.created_at, c.updated_at, c.id, c.party_committee_id, "
            f"CASE WHEN o.valid_from > c.valid_from THEN o.valid_from ELSE c.valid_from END, "
            f"NULL FROM {com} c JOIN {org} o ON o.id = c.party_committee_id",
        ),
        (
            "memberships",
            f"INSERT INTO {ms} (member_id, cell_id, start, {q('end')}, reason, note, "  # noqa: S608
            f"letter_number) SELECT id, cell_id, admission_date, NULL, 'imported', '', '' "
            f"FROM {mem}",
        ),
        (
            "cell member counters",
            f"INSERT INTO {cnt} (cell_id, members) SELECT cell_id, COUNT(*) FROM {mem} "  # noqa: S608
            "WHERE status IN ('active', 'exempt') GROUP BY cell_id",
        ),
        (
            "audit rows (organizations)",
            f"INSERT INTO {au} (at, actor_id, action, object_type, object_id, object_repr, "  # noqa: S608
            f"changes, note) SELECT created_at, NULL, 'create', 'organizations.organization', "
            f"{cast}, name, '{{}}', 'bench/generate.py' FROM {org}",
        ),
        (
            "audit rows (members)",
            f"INSERT INTO {au} (at, actor_id, action, object_type, object_id, object_repr, "  # noqa: S608
            f"changes, note) SELECT created_at, NULL, 'import', 'members.member', "
            f"{cast}, full_name, '{{}}', 'bench/generate.py' FROM {mem}",
        ),
    ]


def make_users(tree):
    """The benchmark personas, with roles at the root, a mid-sized commune and one of its cells."""
    root_path = tree.roots[0][1]
    communes = sorted(
        (c for c in tree.commune_orgs if tree.orgs[c[0] - 1][9].startswith(root_path)),
        key=lambda c: (c[1], c[0]),
    )
    commune_id = communes[len(communes) // 2][0]  # the median commune (by cells) of root 1
    commune = Organization.objects.get(pk=commune_id)
    cell = (
        Organization.objects.filter(parent=commune, kind=Organization.Kind.CELL)
        .order_by("path")
        .first()
    )
    where = {
        "root": Organization.objects.get(pk=tree.roots[0][0]),
        "commune": commune,
        "cell": cell,
    }
    for username, (role, at) in USERS.items():
        user = User.objects.create_user(
            username=username,
            password=PASSWORD,
            full_name=username,
            is_superuser=(at == "superuser"),
            is_staff=(at == "superuser"),
        )
        if role is not None:
            RoleAssignment.objects.create(
                user=user, role=role, organization=where[at], valid_from=VALID_FROM
            )
        # Org-board admins and superusers pass a TOTP step; bench/run.py computes the codes.
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    return where


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--scale", choices=SCALES, required=True)
    ap.add_argument("--members", type=int, help="override the number of members of the scale")
    ap.add_argument("--seed", type=int, default=20260101)
    args = ap.parse_args()
    params = dict(SCALES[args.scale])
    if args.members:
        params["members"] = args.members
    if args.scale == "national" and connection.vendor != "postgresql":
        raise SystemExit("The national scale is for PostgreSQL only (set DATABASE_URL).")
    db = connection.settings_dict
    log(f"scale {args.scale}: {params} into {connection.vendor} {db['NAME']}")

    call_command("migrate", verbosity=0)
    if Organization.objects.exists() or Member.objects.exists():
        raise SystemExit("The database is not empty; generate into a fresh database.")
    log("migrated")

    rng = random.Random(args.seed)
    now = timezone.now()
    tree = Tree(params, rng, now)
    tree.build()
    timings = {}
    if connection.vendor == "sqlite":
        with connection.cursor() as c:
            c.execute("PRAGMA synchronous=OFF")
    with transaction.atomic():
        t0 = time.perf_counter()
        bulk_write(Organization, Tree.ORG_COLS, tree.orgs)
        bulk_write(Commune, Tree.COMMUNE_COLS, tree.communes)
        bulk_write(Village, Tree.VILLAGE_COLS, tree.villages)
        timings["organizations"] = time.perf_counter() - t0
    log(
        f"{len(tree.orgs):,} organizations ({len(tree.cells):,} cells, "
        f"{len(tree.communes):,} communes, {len(tree.villages):,} villages) "
        f"in {timings['organizations']:.1f} s"
    )

    names = Names()
    counter = []
    tables = [Member._meta.db_table, Membership._meta.db_table, AuditEvent._meta.db_table]
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("SET maintenance_work_mem = '1GB'")
            c.execute("SET max_parallel_maintenance_workers = 2")
    with transaction.atomic():
        with DeferredIndexes(tables):
            t0 = time.perf_counter()
            cols = MEMBER_COLS
            n = bulk_write(
                Member,
                cols,
                member_rows(tree, params["members"], rng, now, names, counter),
                skip_check=("id",),
            )
            timings["members"] = time.perf_counter() - t0
            log(
                f"{n:,} members ({len(names.cache):,} distinct names) in "
                f"{timings['members']:.1f} s ({n / timings['members']:,.0f} rows/s)"
            )
            for label, sql in derived_rows_sql():
                t0 = time.perf_counter()
                with connection.cursor() as c:
                    c.execute(sql)
                    rows = c.rowcount
                timings[label] = time.perf_counter() - t0
                log(f"{rows:,} {label} in {timings[label]:.1f} s")
            t0 = time.perf_counter()
        timings["indexes and constraints"] = time.perf_counter() - t0
        log(f"indexes and constraints in {timings['indexes and constraints']:.1f} s")
    with connection.cursor() as c:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Organization, Commune, Village]):
            c.execute(sql)
    where = make_users(tree)
    log(
        "benchmark users: "
        + ", ".join(f"{u} ({r or 'superuser'} at {a})" for u, (r, a) in USERS.items())
        + f"; root {where['root'].pk}, commune {where['commune'].pk}, cell {where['cell'].pk}"
    )
    t0 = time.perf_counter()
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            # VACUUM too: a bulk load leaves the visibility map empty (no index-only scans)
            # until autovacuum gets there; a database in service has been vacuumed.
            c.execute("VACUUM (ANALYZE)")
        else:
            c.execute("ANALYZE")
            c.execute("PRAGMA optimize")
    timings["analyze"] = time.perf_counter() - t0
    log(f"VACUUM/ANALYZE in {timings['analyze']:.1f} s")
    total = time.perf_counter() - T_START
    summary = {
        "scale": args.scale,
        "params": params,
        "seed": args.seed,
        "organizations": len(tree.orgs),
        "cells": len(tree.cells),
        "members": counter[0] if counter else 0,
        "timings_s": {k: round(v, 2) for k, v in timings.items()},
        "total_s": round(total, 1),
    }
    print(json.dumps(summary, ensure_ascii=False))
    log(f"done in {total:.1f} s")


if __name__ == "__main__":
    main()
