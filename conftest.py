"""Shared test personas (STYLE.md): org-board admin, analyst, commune staff, secretary of cell A,
member of cell A, an official assigned to cell A, and the secretary of cell B as the outsider."""

import asyncio
import collections
import copy
import datetime
import decimal
import fcntl
import gc
import hashlib
import inspect
import os
import re
import shutil
import sqlite3
import sys
import threading
import time
from collections.abc import Mapping
from contextlib import closing, contextmanager, suppress
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections, models, transaction
from django.test import Client, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from chibo.accounts.models import Role, RoleAssignment, User
from chibo.members import services as member_services
from chibo.members.rules import probation_end
from chibo.organizations import services as org_services
from chibo.organizations.models import Commune, Organization
from chibo.organizations.services_villages import commune_create, village_create

D0 = datetime.date(2015, 1, 1)
K = Organization.Kind


def make_member(
    cell,
    name,
    *,
    official=True,
    card=None,
    cid=None,
    born=1980,
    sex="male",
    ethnicity="Thái",
    theory="none",
    admitted=datetime.date(2010, 5, 19),
):
    return member_services.member_create(
        actor=None,
        cell=cell,
        full_name=name,
        sex=sex,
        birth_date=datetime.date(born, 3, 2),
        ethnicity=ethnicity,
        admission_date=admitted,
        official_date=probation_end(admitted) if official else None,
        party_card_number=card,
        citizen_id=cid,
        theory_level=theory,
    )


class Tree:
    """district > commune A (cells A, A2) and commune B (cell B); an agency grassroots org."""

    def __init__(self):
        mk = org_services.org_create
        self.district = mk(
            code="HU",
            name="Đảng bộ huyện Thử",
            kind=K.DISTRICT_COMMITTEE,
            parent=None,
            valid_from=D0,
            actor=None,
        )
        self.commune_a = mk(
            code="XA",
            name="Đảng bộ xã An",
            kind=K.GRASSROOTS,
            grassroots_type="commune",
            parent=self.district,
            valid_from=D0,
            actor=None,
        )
        self.commune_b = mk(
            code="XB",
            name="Đảng bộ xã Bình",
            kind=K.GRASSROOTS,
            grassroots_type="commune",
            parent=self.district,
            valid_from=D0,
            actor=None,
        )
        self.cell_a = mk(
            code="XA-01",
            name="Chi bộ bản Áng",
            kind=K.CELL,
            cell_type="residential",
            parent=self.commune_a,
            valid_from=D0,
            actor=None,
        )
        self.cell_a2 = mk(
            code="XA-02",
            name="Chi bộ bản Đông",
            kind=K.CELL,
            cell_type="residential",
            parent=self.commune_a,
            valid_from=D0,
            actor=None,
        )
        self.cell_b = mk(
            code="XB-01",
            name="Chi bộ bản Bó",
            kind=K.CELL,
            cell_type="residential",
            parent=self.commune_b,
            valid_from=D0,
            actor=None,
        )
        ca = commune_create(
            code="C-A",
            name="An",
            kind=Commune.Kind.COMMUNE,
            party_committee=self.commune_a,
            valid_from=D0,
            actor=None,
        )
        village_create(
            actor=None,
            kind="ban",
            code="V-A1",
            name="Áng",
            commune=ca,
            cell=self.cell_a,
            valid_from=D0,
            especially_disadvantaged=True,
        )
        self.member_a = make_member(
            self.cell_a, "Nguyễn Văn An", card="01000001", cid="014080000001"
        )
        self.secretary_member_a = make_member(
            self.cell_a, "Lò Thị Ánh", sex="female", card="01000002", theory="basic"
        )
        self.member_b = make_member(
            self.cell_b, "Cầm Văn Bình", card="02000001", cid="014080000002"
        )


def _user(username, role, org, member=None):
    user = User.objects.create_user(
        username=username, password="pw-" + username, full_name=username, member=member
    )
    RoleAssignment.objects.create(user=user, role=role, organization=org, valid_from=D0)
    return user


def make_agency(parent, code="CQ", name="Đảng bộ Cơ quan Chính quyền huyện"):
    """The grassroots Party organization of an agency under `parent`, from D0."""
    return org_services.org_create(
        code=code,
        name=name,
        kind=K.GRASSROOTS,
        grassroots_type=Organization.GrassrootsType.AGENCY,
        parent=parent,
        valid_from=D0,
        actor=None,
    )


FAST_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    # still checks a hash made with Django's default hasher
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


@pytest.fixture(autouse=True, scope="session")
def fast_passwords():
    """Every test hashes with MD5: PBKDF2 at Django's iteration count costs about half a second of
    CPU a password, and the tests create users by the dozen. (Production keeps Django's hashers.)
    Set once for the run, not for each test (a change of settings is a signal to every receiver,
    twice a test)."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield


def make_personas(tree) -> dict[str, User]:
    """username -> User; each persona's role and node as in STYLE.md."""
    return {
        "admin": _user("admin", Role.ORG_ADMIN, tree.district),
        "analyst": _user("analyst", Role.ORG_ANALYST, tree.district),
        "commune": _user("commune", Role.COMMUNE_STAFF, tree.commune_a),
        "secretary_a": _user(
            "secretary_a", Role.CELL_SECRETARY, tree.cell_a, member=tree.secretary_member_a
        ),
        "member_a": _user("member_a", Role.MEMBER, tree.cell_a, member=tree.member_a),
        "official": _user("official", Role.ASSIGNED_OFFICIAL, tree.cell_a),
        "secretary_b": _user("secretary_b", Role.CELL_SECRETARY, tree.cell_b),
    }


# --- the test database, migrated once per run and copied by the other workers -----------------
#
# Migrating costs some 8 s of CPU (Django renders the models' states through every migration),
# once per pytest-xdist worker, and `make test` runs four. The first worker to set up its
# database migrates it as pytest-django does and leaves a copy in the run's folder; the others,
# one at a time under a lock, make theirs from that copy: on SQLite, their in-memory database
# gets the file through the backup API (its tables first made from the models, then replaced
# whole by the copy's); on PostgreSQL, CREATE DATABASE … TEMPLATE the run's migrated database,
# where `migrate` then finds nothing to apply. The run's database is dropped when the run ends.
# Under `make test` PostgreSQL's is migrated before the suite starts (scripts/test-suites.sh):
# every worker copies that one, named in CHIBO_TEST_PG_MIGRATED.
PG_MIGRATED = "CHIBO_TEST_PG_MIGRATED"


def run_folder(config, tmp_path_factory) -> Path:
    """A folder shared by the workers of this run (and only them): pytest-xdist gives each
    worker a folder inside the run's."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if hasattr(config, "workerinput") else base


def run_database_name(folder: Path, what: str) -> str:
    """A PostgreSQL database of the run (`what`: "demo", "migrated")."""
    digest = hashlib.sha256(str(folder).encode()).hexdigest()[:10]
    return f"test_chibo_{what}_{digest}"


def migrated_database_name(folder: Path) -> str:
    """The migrated PostgreSQL database the run's test databases are copied from."""
    return os.environ.get(PG_MIGRATED) or run_database_name(folder, "migrated")


class MigratedOnce:
    def __init__(self, folder: Path):
        self.folder = folder
        self.lock = None
        self.first = False

    def before_setup(self) -> None:
        """Wait for the lock; configure the test database to be made from the run's copy if
        there is one. The lock is held until `after_setup`."""
        if connection.vendor == "postgresql" and os.environ.get(PG_MIGRATED):
            connection.settings_dict.setdefault("TEST", {})["TEMPLATE"] = os.environ[PG_MIGRATED]
            return
        self.lock = open(self.folder / "migrated.lock", "w")  # noqa: SIM115 (held across fixtures)
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        self.first = not (self.folder / "migrated.done").exists()
        if self.first:
            return
        test = connection.settings_dict.setdefault("TEST", {})
        if connection.vendor == "postgresql":
            test["TEMPLATE"] = run_database_name(self.folder, "migrated")
        else:
            test["MIGRATE"] = False  # tables from the models, replaced by the copy below

    def after_setup(self) -> Path | None:
        """Publish the migrated database (the first worker) or load it (SQLite); release the
        lock. Returns the copy's file on SQLite."""
        shared = self.folder / "migrated.sqlite3"
        published = False
        try:
            if connection.vendor == "postgresql":
                published = True
                if self.first:
                    own = connection.settings_dict["NAME"]
                    connection.close()
                    with connection._nodb_cursor() as cursor:
                        name = run_database_name(self.folder, "migrated")
                        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
                        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{own}"')
            elif connection.is_in_memory_db():
                published = True
                connection.ensure_connection()
                if self.first:
                    with closing(sqlite3.connect(shared)) as copy:
                        connection.connection.backup(copy)
                else:
                    with closing(sqlite3.connect(shared)) as copy:
                        copy.backup(connection.connection)
                    from django.contrib.contenttypes.models import ContentType

                    ContentType.objects.clear_cache()  # the ids the models' tables gave
            if self.first and published:
                (self.folder / "migrated.done").touch()
        finally:
            self.release()
        return shared if published and connection.vendor == "sqlite" else None

    def release(self) -> None:
        if self.lock is not None:
            fcntl.flock(self.lock, fcntl.LOCK_UN)
            self.lock.close()
            self.lock = None


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, request, tmp_path_factory
):
    once = MigratedOnce(run_folder(request.config, tmp_path_factory))
    # (released in django_db_setup; here too, should pytest-django's setup fail, so that the
    # other workers do not wait for this one's session to end)
    request.addfinalizer(once.release)
    once.before_setup()
    return once


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_modify_db_settings, django_db_blocker):
    """pytest-django's test database, migrated once per run (above); on SQLite a copy of it is
    kept as a file for the tests that need a migrated database of their own (`own_database`):
    migrating one again costs some 8 s of CPU."""
    global _migrated_file
    with django_db_blocker.unblock():
        _migrated_file = django_db_modify_db_settings.after_setup()
    yield


_migrated_file = None


class OwnDatabase:
    """A migrated database of the suite's kind (a SQLite file, or a PostgreSQL database made
    from the run's migrated one) for a process of its own: `env` is what to give that process,
    `connect()` a DB-API connection to it for the test."""

    def __init__(self, env: dict, connect):
        self.env = env
        self.connect = connect


@pytest.fixture
def own_database(db, request, tmp_path, tmp_path_factory):
    if connection.vendor == "sqlite":
        if _migrated_file is None:
            pytest.skip("the SQLite suite runs on a file database")
        path = tmp_path / "chibo.sqlite3"
        shutil.copyfile(_migrated_file, path)
        yield OwnDatabase({"CHIBO_SQLITE_PATH": str(path)}, lambda: sqlite3.connect(path))
        return
    import psycopg

    template = migrated_database_name(run_folder(request.config, tmp_path_factory))
    name = f"{template}_{os.getpid()}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    settings = connection.settings_dict
    host = settings["HOST"].replace("/", "%2F")  # a Unix socket's folder
    where = f"{settings['USER']}@{host}:{settings['PORT']}"
    url = f"postgres://{where}/{name}"
    try:
        yield OwnDatabase({"DATABASE_URL": url}, lambda: psycopg.connect(url))
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the tree and the personas, built once per module (STYLE.md 16) ---------------------------
#
# A module's first test that asks for `tree` builds it inside a transaction opened outside the
# test's own one (`personas` in a savepoint within it, and the personas' signed-in sessions for
# `clients` in one within that); every test still runs in its own
# savepoint, rolled back after it, so what a test writes never reaches the next test. The
# module's transaction is rolled back when the module ends, and each test gets its own Python
# objects, read again from the rows (nothing a test sets on `tree.cell_a` reaches the next one).
#
# A test sees what it asked for and nothing more: before a test that asks for the tree but not
# the personas, the personas' savepoint is rolled back; before a test that asks for neither, or
# one that commits (a live server, a browser: its rows must be committed for the server's
# thread, and it empties the tables when it ends), the module's transaction is rolled back, and
# such a test builds its own tree as before.

# Builders of the shared rows of `shared` fixtures: "module.name" -> (builder, the layers it
# builds on).
_SHARED: dict[str, tuple] = {}


def _layers(item) -> list[str]:
    """The shared layers `item` asks for, in the order they are built: the tree, the personas,
    the rows of the `shared` fixtures it uses, the personas signed in (`clients`)."""
    if _is_transactional(item):
        return []
    wanted = set(getattr(item, "fixturenames", ()))
    definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    for name in list(wanted):
        found = definitions.get(name)
        key = getattr(found[-1].func, "shared_key", None) if found else None
        if key is not None:
            wanted.update((key, *_SHARED[key][1]))
    if "clients" in wanted:
        wanted.add("personas")
    if wanted & {"personas", *_SHARED}:
        wanted.add("tree")
    order = ["tree", "personas", *_SHARED, "clients"]
    return [layer for layer in order if layer in wanted]


def shared(builder):
    """A fixture whose rows are built once per module, on the shared tree (and personas, if
    the builder takes them), like the tree itself: `builder(tree[, personas])` returns a value
    of model instances (in dicts, lists and tuples, beside plain values), and each test gets it
    read again from the rows (one query per model), so nothing a test sets on an instance
    reaches the next test. A test that commits gets it built for itself."""
    name = builder.__name__
    key = f"{builder.__module__}.{name}"
    needs = tuple(inspect.signature(builder).parameters)
    if not set(needs) <= {"tree", "personas"}:
        raise TypeError(f"{name}: a shared fixture builds on tree and personas only")
    _SHARED[key] = (builder, needs)

    def fixture(request, module_data):
        given = {n: request.getfixturevalue(n) for n in needs}
        if key not in module_data.values:  # a test that commits: its own rows
            return builder(**given)
        return module_data.given_value(key, given.get("tree"))

    fixture.__name__ = name
    fixture.__doc__ = builder.__doc__
    fixture.shared_key = key
    return pytest.fixture(name=name)(fixture)


class _Row:
    """A model instance kept by its primary key between tests."""

    __slots__ = ("model", "pk")

    def __init__(self, model, pk):
        self.model, self.pk = model, pk


class _TheTree:
    """The tree inside a shared value: the test's own `tree`."""


def _mapped(value, leaf):
    """`value` with each thing in its dicts, lists and tuples (their shape kept) given to
    `leaf`, and what it returns in its place."""
    if isinstance(value, dict):
        return {k: _mapped(v, leaf) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_mapped(v, leaf) for v in value)
    return leaf(value)


def _frozen(value):
    def leaf(v):
        if isinstance(v, models.Model):
            return _Row(type(v), v.pk)
        if isinstance(v, Tree):
            return _TheTree()
        if v is None or isinstance(v, str | int | float | datetime.date | decimal.Decimal):
            return v
        raise TypeError(f"a shared fixture cannot keep a {type(v).__name__} between tests")

    return _mapped(value, leaf)


def _read_rows(frozen) -> dict:
    """model -> {pk: instance}: the rows of a frozen value, one query per model."""
    by_model: dict = {}

    def collect(v):
        if isinstance(v, _Row):
            by_model.setdefault(v.model, set()).add(v.pk)

    _mapped(frozen, collect)
    return {model: model._base_manager.in_bulk(pks) for model, pks in by_model.items()}


def _thawed(frozen, rows, tree):
    """The frozen value with its instances from `rows` and the test's own `tree`."""

    def leaf(v):
        if isinstance(v, _Row):
            return rows[v.model][v.pk]
        if isinstance(v, _TheTree):
            return tree
        return v

    return _mapped(frozen, leaf)


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


class ModuleData:
    """The shared rows of one module: a stack of transactions, one per layer (`_layers`)."""

    def __init__(self, blocker, module):
        self.blocker = blocker
        self.module = module
        self.atomics = []  # (layer, its atomic block)
        self.orgs = self.members = self.users = self.sessions = None
        self.values = {}  # shared fixture name -> its value, frozen
        # What the tests are given copies of, read once from the rows as the layers left them
        # ("tree" -> a Tree, "personas" -> a dict, a shared fixture's key -> its rows by model).
        self.pristine = {}
        # when the test's fixtures began: SQLite's total_changes, or (PostgreSQL) the count
        # of the statements that may have written
        self.changes_at_setup = None

    @property
    def layers(self) -> list[str]:
        return [layer for layer, _atomic in self.atomics]

    def reach(self, layers: list[str]) -> None:
        """Roll back or build until exactly `layers` are in the database, in that order."""
        with self.blocker.unblock():
            if self.layers != layers:
                self.pristine.clear()
            while self.layers != layers[: len(self.atomics)]:
                layer, atomic = self.atomics.pop()
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                self.values.pop(layer, None)
            for layer in layers[len(self.atomics) :]:
                atomic = transaction.atomic()
                atomic.__enter__()
                self.atomics.append((layer, atomic))
                with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                    self._build(layer)
                if connection.vendor == "postgresql":
                    # The layer's foreign keys checked once, now: PostgreSQL queues the checks
                    # of the rows written to the end of the test (Django's check_constraints),
                    # and queues the layer's again each time a test's savepoint is rolled back.
                    # (A cursor of psycopg's own: no write for the test's count, `_changes`.)
                    with connection.connection.cursor() as cursor:
                        cursor.execute(IMMEDIATE_THEN_DEFERRED)

    def _build(self, layer: str) -> None:
        if os.environ.get("CHIBO_TRACE_LAYERS"):  # which layers a module builds, how often
            print(f"\n[layer] {self.module.__name__}: {layer}", file=sys.stderr)
        if layer == "tree":
            self.orgs, self.members = _REPLAYS.built("tree", (), self._tree_built)
        elif layer == "personas":
            below = (tuple(self.orgs.items()), tuple(self.members.items()))
            self.users = _REPLAYS.built("personas", below, self._personas_built)
        elif layer == "clients":
            # Each persona signed in once for the module's tests that use `clients`: a test's
            # client carries the cookie of a session made here, not a sign-in of its own.
            self.sessions = signed_in_sessions(self.personas().values())
        else:
            builder, needs = _SHARED[layer]
            given = {n: getattr(self, n)() for n in needs}  # tree(), personas()
            self.values[layer] = _frozen(builder(**given))

    @staticmethod
    def _tree_built():
        built = vars(Tree())
        orgs = {k: v.pk for k, v in built.items() if isinstance(v, Organization)}
        return orgs, {k: v.pk for k, v in built.items() if not isinstance(v, Organization)}

    def _personas_built(self):
        return {k: u.pk for k, u in make_personas(self.tree()).items()}

    def tree(self) -> "Tree":
        """A Tree of objects read from the shared rows (two queries)."""
        from chibo.members.models import Member

        tree = Tree.__new__(Tree)
        orgs = Organization.objects.in_bulk(self.orgs.values())
        members = Member.objects.in_bulk(self.members.values())
        for name, pk in self.orgs.items():
            setattr(tree, name, orgs[pk])
        for name, pk in self.members.items():
            setattr(tree, name, members[pk])
        return tree

    def personas(self) -> dict[str, User]:
        users = User.objects.in_bulk(self.users.values())
        return {name: users[pk] for name, pk in self.users.items()}

    # Each test gets its own Python objects of the shared rows: copies of instances read once
    # for the module (no query), as long as the rows are what the layers left, that is while
    # nothing was written since the test's fixtures began. Once a fixture wrote, what the test
    # asks for next is read again from the rows (it sees what was written), and the instances
    # kept are read again for the next test.

    def given_tree(self) -> "Tree":
        return self._given("tree", self.tree)

    def given_personas(self) -> dict[str, User]:
        return self._given("personas", self.personas)

    def given_value(self, key, tree):
        rows = self._given(key, lambda: _read_rows(self.values[key]))
        return _thawed(self.values[key], rows, tree)

    def _given(self, what, read):
        if not self._unwritten():
            self.pristine.clear()
            return read()
        if what not in self.pristine:
            self.pristine[what] = read()
        return _copied(self.pristine[what])

    def setup_begins(self) -> None:
        """The layers are in place for the next test, whose fixtures begin."""
        self.changes_at_setup = _changes()

    def _unwritten(self) -> bool:
        """No row written since the running test's fixtures began."""
        return self.changes_at_setup is not None and _changes() == self.changes_at_setup


class _WritesSeen:
    """An execute wrapper that counts the statements that may write (PostgreSQL, which has no
    count of changed rows), from the start of a test's setup to the end of its teardown."""

    READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK TO")

    def __init__(self):
        self.watching = False
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith(self.READS):
            self.count += 1
        return execute(sql, params, many, context)

    def start(self) -> None:
        if not self.watching:
            connection.execute_wrappers.append(self)
            self.watching = True

    def stop(self) -> None:
        if self.watching:
            connection.execute_wrappers.remove(self)
            self.watching = False


_WRITES = _WritesSeen()


def _changes() -> int | None:
    """A number that grows with every write of the running test's connection (None: unknown):
    SQLite's count of changed rows (rows rolled back count too), or on PostgreSQL the count of
    the statements that may have written (rows written by COPY are not seen)."""
    if connection.vendor == "sqlite":
        return _sqlite_changes()
    return _WRITES.count if _WRITES.watching else None


def _copied(value):
    """A copy of `value` with copies of its model instances (and of their mutable field values):
    what a test sets on one never reaches the instance kept, nor the next test."""

    def leaf(v):
        if isinstance(v, models.Model):
            return _copied_instance(v)
        if isinstance(v, Tree):
            tree = Tree.__new__(Tree)
            tree.__dict__.update({k: _copied(x) for k, x in vars(v).items()})
            return tree
        return v

    return _mapped(value, leaf)


def _copied_instance(obj):
    from django.db.models.base import ModelState

    new = obj.__class__.__new__(obj.__class__)
    attrs = obj.__dict__.copy()
    state = attrs["_state"] = ModelState()
    state.db, state.adding = obj._state.db, False
    for name, v in attrs.items():
        if isinstance(v, dict | list | set | bytearray):
            attrs[name] = copy.deepcopy(v)
    new.__dict__.update(attrs)
    return new


IMMEDIATE_THEN_DEFERRED = "SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED"
_shared: ModuleData | None = None  # the running module's


class Replays:
    """The rows the tree's and the personas' layers wrote, kept from their first build in the
    process and written again for the next module that needs them: the same rows (ids included),
    one INSERT a table, instead of the services' some 130 queries and 45 ms of CPU a module.

    A layer's first build reads every table before and after it: what it added is kept, and a
    build that changed or deleted a row that was there before is never replayed (built again
    each time). What is kept holds while the database under it is the one it was built on: the
    same day, the same database, and no transactional test has emptied the tables since
    (`base_changed`); the personas' rows hold for the tree's rows they were built on. (A kept
    row that no longer fits, its id taken or a reference gone, fails loudly: the INSERT or the
    foreign key check at the end of the test.)"""

    def __init__(self):
        self.kept = {}  # layer -> (key, {model: [rows]} or None, the build's result)
        self.generation = 0  # bumped when the tables were emptied

    def base_changed(self) -> None:
        self.generation += 1

    def built(self, layer: str, below: tuple, build):
        from django.utils import timezone

        database = (connection.vendor, connection.alias, connection.settings_dict["NAME"])
        key = (self.generation, timezone.localdate(), database, below)
        kept = self.kept.get(layer)
        if kept is not None and kept[0] == key:
            _key, added, result = kept
            if added is not None:
                _insert_rows(added)
                return result
            return build()
        before = _table_rows()
        result = build()
        self.kept[layer] = (key, _rows_added(before, _table_rows()), result)
        return result


_REPLAYS = Replays()


def _tables():
    from django.apps import apps

    existing = set(connection.introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and meta.db_table in existing:
            yield model, [f.attname for f in meta.local_concrete_fields]


def _table_rows() -> dict:
    """model -> {pk: the row's values (its table's own columns)}, of every table."""
    return {
        model: {row[0]: row for row in model._base_manager.values_list("pk", *names)}
        for model, names in _tables()
    }


def _rows_added(before: dict, after: dict) -> dict | None:
    """model -> the rows `after` adds to `before`; None if it changed or lost a row."""
    added = {}
    for model, rows in after.items():
        old = before.get(model, {})
        if any(rows.get(pk) != row for pk, row in old.items()):
            return None
        new = [row[1:] for pk, row in rows.items() if pk not in old]
        if new:
            added[model] = new
    return added


def _insert_rows(added: dict) -> None:
    """Insert the rows as they were (raw: no field's pre_save, no signal), a table at a time;
    the foreign keys are checked at the end of the transaction (deferred, as Django makes
    them on SQLite and PostgreSQL)."""
    for model, rows in added.items():
        fields = model._meta.local_concrete_fields
        names = [f.attname for f in fields]
        objs = [model.from_db(connection.alias, names, row) for row in rows]
        model._base_manager._insert(objs, fields=fields, raw=True, using=connection.alias)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before any fixture of `item`: leave in the database just what it asks for."""
    global _flushed, _changes_before
    if connection.vendor == "postgresql":
        _WRITES.start()
    _changes_before = _changes()
    if _flushed:  # no layer is open: the transactional test before rolled them all back
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            ensure_rules()
        _flushed = False
    if _shared is not None and _shared.module is item.module:
        _shared.reach(_layers(item))
        _shared.setup_begins()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item):
    if _shared is not None:
        _shared.changes_at_setup = None
    try:
        return (yield)
    finally:
        _WRITES.stop()


# --- the foreign keys checked after a test that wrote ------------------------------------------
#
# At the end of each test Django checks every foreign key of the database (SQLite: PRAGMA
# foreign_key_check, a pass over every reference): on the demo's 1.700.000, 0,3 s per test, for
# tests that mostly only read. A test that changed no row cannot have broken a reference: the
# check is skipped when SQLite's count of changed rows is where it was before the test's fixtures
# (rows rolled back count too). PostgreSQL's check (SET CONSTRAINTS ALL IMMEDIATE, then DEFERRED:
# two round trips) is skipped when no statement that may write ran since (`_changes`).

_changes_before = None  # `_changes()` before the running test's fixtures


def _sqlite_changes() -> int | None:
    if connection.vendor != "sqlite" or connection.connection is None:
        return None
    return connection.connection.total_changes


@pytest.fixture(autouse=True, scope="session")
def _foreign_keys_checked_after_writes():
    if connection.vendor == "postgresql":
        from django.db.backends.postgresql.base import DatabaseWrapper
    else:
        from django.db.backends.sqlite3.base import DatabaseWrapper

    check = DatabaseWrapper.check_constraints

    def checked_after_writes(self, table_names=None):
        unchanged = _changes_before is not None and _changes() == _changes_before
        if table_names is None and self.alias == "default" and unchanged:
            return
        check(self, table_names)

    DatabaseWrapper.check_constraints = checked_after_writes
    yield
    DatabaseWrapper.check_constraints = check


@pytest.fixture(scope="module")
def module_data(request, django_db_setup, django_db_blocker):
    global _shared
    _shared = ModuleData(django_db_blocker, request.module)
    _shared.reach(_layers(request._pyfuncitem))
    _shared.setup_begins()
    try:
        yield _shared
    finally:
        _shared.reach([])
        _shared = None


@pytest.fixture
def tree(module_data, db):
    """The district of `Tree`: shared by the module's tests (read again for each), or built for
    the test alone when it commits."""
    return module_data.given_tree() if "tree" in module_data.layers else Tree()


@pytest.fixture
def personas(module_data, tree):
    """username -> User; each persona's role and node as in STYLE.md."""
    return module_data.given_personas() if "personas" in module_data.layers else make_personas(tree)


def login_client(user) -> Client:
    """A client signed in as `user`, past the TOTP step where the user needs one."""
    return client_with_session(signed_in_session(user))


def signed_in_session(user) -> str:
    """The key of a new session signed in as `user`, past the TOTP step where the user needs
    one (a TOTP device named "test" is made for such a user)."""
    return signed_in_sessions([user])[user.pk]


def signed_in_sessions(users) -> dict[int, str]:
    """user pk -> the key of a new session signed in as that user, past the TOTP step where
    the user must pass it (`needs_otp` at sign-in: superusers and org admins, each with a TOTP
    device named "test", made where the user has none): what `Client.force_login` and, for
    those, the TOTP step leave in the database (the session with the user, the backend, the
    hash, the refresh mark of the sign-in and, for those, the device; the user's last_login),
    written directly: a few queries for any number of users instead of some 25 a sign-in. As
    in production, a session without a device costs its requests no read of one (django_otp's
    OTPMiddleware). (The sign-in's own path, the login view and the TOTP step, is what
    chibo/accounts/tests test.)"""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from chibo.accounts.middleware import REFRESHED

    users = list(users)
    needers = _needing_otp(users)
    devices = {}
    if needers:
        devices = {
            d.user_id: d
            for d in TOTPDevice.objects.filter(user__in=[u.pk for u in needers], name="test")
        }
    missing = [u for u in needers if u.pk not in devices]
    if missing:
        made = [TOTPDevice(user=u, name="test", confirmed=True) for u in missing]
        for device in TOTPDevice.objects.bulk_create(made):  # (ids returned: SQLite, PostgreSQL)
            assert device.pk is not None
            devices[device.user_id] = device
    now = timezone.now()
    User.objects.filter(pk__in=[u.pk for u in users]).update(last_login=now)
    backend = _sign_in_backend()
    store = SessionStore()
    expires = now + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    keys, rows = {}, []
    for user in users:
        user.backend = backend
        user.last_login = now
        data = {
            SESSION_KEY: user._meta.pk.value_to_string(user),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            REFRESHED: int(now.timestamp()),
        }
        if user.pk in devices:
            data[DEVICE_ID_SESSION_KEY] = devices[user.pk].persistent_id
        keys[user.pk] = get_random_string(32, VALID_KEY_CHARS)
        rows.append(
            store.model(
                session_key=keys[user.pk], session_data=store.encode(data), expire_date=expires
            )
        )
    store.model.objects.bulk_create(rows)
    return keys


def _needing_otp(users) -> list:
    """The `users` for whom `chibo.accounts.middleware.needs_otp` is true today (superusers
    and current org admins), read in at most one query for all of them."""
    from chibo.accounts.models import Role, RoleAssignment
    from chibo.core.dates import today

    others = [u.pk for u in users if not u.is_superuser and u.is_active]
    admins = set()
    if others:
        admins = set(
            RoleAssignment.objects.current(today())
            .filter(user__in=others, role=Role.ORG_ADMIN, organization__valid_to__isnull=True)
            .values_list("user_id", flat=True)
        )
    return [u for u in users if u.is_superuser or u.pk in admins]


def _sign_in_backend() -> str:
    """The backend `Client.force_login` signs in with: the first of AUTHENTICATION_BACKENDS
    that can get a user (axes' own cannot)."""
    from django.contrib.auth import load_backend

    return next(p for p in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(p), "get_user"))


def client_with_session(key: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


@contextmanager
def queries_left_out():
    """The queries made inside are taken out of the connection's log, which assertNumQueries and
    django_assert_num_queries count: a fixture's work done on first use, not the test's."""
    log = connection.queries_log
    logged = len(log)
    try:
        yield
    finally:
        while len(log) > logged:
            log.pop()


class Clients(Mapping):
    """persona name -> a client signed in as that persona, on first use: a test that uses one
    client signs in one persona, not seven.

    Signing in is the fixture's work, done before the test as far as the test can tell: its
    queries are taken out of the connection's log (`queries_left_out`), so a count around
    `clients["admin"].get(...)` counts the request alone, as when every client was signed in
    before the test."""

    def __init__(self, personas, sessions=None):
        self._personas = personas
        self._sessions = sessions or {}  # user pk -> the key of a session signed in already
        self._clients = {}

    def __getitem__(self, name) -> Client:
        if name not in self._clients:
            user = self._personas[name]
            if user.pk in self._sessions:
                self._clients[name] = client_with_session(self._sessions[user.pk])
                return self._clients[name]
            with queries_left_out():
                self._clients[name] = login_client(user)
        return self._clients[name]

    def __iter__(self):
        return iter(self._personas)

    def __len__(self):
        return len(self._personas)


@pytest.fixture
def clients(personas, module_data):
    shared = "clients" in module_data.layers
    return Clients(personas, module_data.sessions if shared else None)


def chromium_path():
    for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.path.exists(p):
            return p
    return shutil.which("chromium")


def headless_shell_path():
    """Debian's chromium-headless-shell (scripts/ensure-chromium.sh): Chromium's headless build,
    the one Playwright itself drives for headless runs, at half the CPU of the full browser; the
    full browser where it is missing."""
    return shutil.which("chromium-headless-shell") or chromium_path()


def _browser_path(path):
    if not path:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required for the browser tests in CI")
        pytest.skip("Chromium is not installed")
    return path


def _browsers_installed():
    """`make test` installs Debian's Chromium where it is missing (scripts/ensure-chromium.sh)
    beside the lint and the suites, not before them: on a new machine apt-get's download and
    unpacking take some 40 s, mostly waiting on the network, which the tests fill. The folder in
    CHIBO_BROWSER_DEPS gets the script's exit status when it ends; the first browser test of a
    process waits for it."""
    folder = os.environ.get("CHIBO_BROWSER_DEPS")
    if not folder:
        return
    status, deadline = Path(folder) / "status", time.monotonic() + 20 * 60
    while not status.exists():
        if time.monotonic() > deadline:
            pytest.fail(f"Chromium's installation did not end in 20 minutes: {folder}/log")
        time.sleep(0.25)
    if status.read_text().strip() != "0":
        pytest.fail(f"Chromium could not be installed: {folder}/log")


@pytest.fixture(scope="session")
def chromium():
    """The full Chromium (Background Sync, which the headless shell lacks)."""
    _browsers_installed()
    return _browser_path(chromium_path())


@pytest.fixture(scope="session")
def headless_shell():
    _browsers_installed()
    return _browser_path(headless_shell_path())


# --- browser tests (Playwright driving Debian's Chromium; never `playwright install`) ----------

PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class Playwright:
    """One Playwright (its driver process) and one headless Chromium per test process, started by
    the first browser test and kept to the end of the run; each test has contexts of its own
    (cookies, storage, cache, service workers), closed when it ends.

    Playwright's sync API runs its event loop on this thread, marked as running between its
    calls: Django would refuse ORM calls then, and `asyncio.run` or asgiref's `async_to_sync`
    would fail. The loop is marked as running during the browser tests alone (with
    DJANGO_ALLOW_ASYNC_UNSAFE), and not between them, when nothing calls Playwright."""

    def __init__(self, sync_api, headless_shell):
        self.headless_shell = headless_shell
        # Playwright's offline mode leaves a service worker's own requests alone (microsoft/
        # playwright issue 2311): with these events (read by the driver when it starts) it sees
        # them, and `offline` cuts them too (test_browser_offline).
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")
            self.playwright = sync_api.sync_playwright().start()
        self.loop = asyncio.get_running_loop()
        asyncio._set_running_loop(None)
        self._browser = None

    @contextmanager
    def in_test(self):
        asyncio._set_running_loop(self.loop)
        try:
            yield self.playwright
        finally:
            try:
                self._close_contexts()
            finally:
                # While the loop is marked as running, Django keeps the test's connections
                # apart from the thread's (asgiref's Local): close them, or PostgreSQL refuses
                # to drop the test database at the end.
                connections.close_all()
                asyncio._set_running_loop(None)

    def _close_contexts(self):
        if self._browser is None:
            return
        try:
            for context in self._browser.contexts:
                context.close()
        except Exception:
            browser, self._browser = self._browser, None  # the next test launches another
            with suppress(Exception):
                browser.close()
            raise

    def browser(self):
        if self._browser is None or not self._browser.is_connected():
            self._browser = self.playwright.chromium.launch(
                executable_path=self.headless_shell, headless=True, args=CHROMIUM_ARGS
            )
        return self._browser

    def stop(self):
        asyncio._set_running_loop(self.loop)
        self.playwright.stop()  # the browser too
        asyncio._set_running_loop(None)


@pytest.fixture(scope="session")
def _playwright(headless_shell, django_db_setup):
    # (after the test database, so stopped before it goes)
    sync_api = pytest.importorskip("playwright.sync_api")
    p = Playwright(sync_api, headless_shell)
    yield p
    p.stop()


@pytest.fixture
def playwright(_playwright, monkeypatch):
    """The run's Playwright, for this test; the ORM may be used from the test meanwhile.
    Whatever the test opened in it (contexts, pages; not a persistent context's browser, which
    the test closes) is closed when it ends."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with _playwright.in_test() as p:
        yield p


class SharedBrowser:
    """The run's Chromium as a test sees it: its contexts and pages block the service worker
    unless the test asks for it (service_workers="allow", as test_browser_offline's do): the
    worker every signed-in page registers answers each of the page's requests (network first,
    beside a timer), a tenth of Chromium's CPU in the tests that are not about it."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        options.setdefault("service_workers", "block")
        return self._browser.new_context(**options)

    def new_page(self, **options):
        options.setdefault("service_workers", "block")
        return self._browser.new_page(**options)

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture
def browser(_playwright, playwright):
    """A headless Chromium, shared by the run's browser tests: open a context of the test's own
    with `browser.new_context()` or `browser.new_page()` (the service worker blocked unless
    asked for: `SharedBrowser`)."""
    return SharedBrowser(_playwright.browser())


def between_requests():
    """For a browser test that writes to the database while a page is open (its requests go on
    after its load: htmx, the service worker, polling): the block runs between two of the live
    server's requests. On SQLite the server's connection is not the test's (Playwright's loop
    runs), and the shared in-memory database refuses a write to a table that another connection
    is reading, or a read of one it is writing."""
    return _SERVING


def sign_in(page, base_url, username, next_url, *, keep_pages=False):
    """Open `next_url` signed in as a persona: the page's context carries the cookie of a
    session signed in here, past the TOTP step (the sign-in itself is tested in
    accounts/tests/test_auth.py, and in a browser by the tests that use the login page).
    `keep_pages`: see `pages_kept_already`."""
    with between_requests():
        user = User.objects.get(username=username)
        key = signed_in_session(user)
    if not keep_pages:
        pages_kept_already(page.context, user)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": base_url}]
    )
    page.goto(base_url + next_url)


def pages_kept_already(context, user):
    """The context's pages find `user`'s pages kept on the phone a moment ago (app.js's
    "chibo:offline" list, written before each page's scripts run): app.js does not keep them
    again in the background. It keeps them, one after the other, on a signed-in page when that
    list is not the user's or is older than 15 minutes (going on, on the next page, with those
    not kept yet): in a test that walks pages, half the requests were these. The tests about
    keeping pages (test_browser_offline) pass keep_pages=True to the sign-in helpers."""
    context.add_init_script(
        "try { localStorage.setItem('chibo:offline', JSON.stringify("
        f"{{user: '{user.pk}', at: Date.now(), pages: []}})); }} catch (e) {{}}"
    )


def sign_in_on_login_page(page, base_url, username, next_url, *, keep_pages=False):
    """Sign in through the login page as a persona (password pw-<username>)."""
    if not keep_pages:
        with between_requests():
            pages_kept_already(page.context, User.objects.get(username=username))
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-" + username)
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Đăng nhập')")


# --- what a transactional test wrote, taken away (the browser tests, the live server) ----------
#
# After a transactional test Django empties every table (TRUNCATE of each on PostgreSQL, a DELETE
# of each on SQLite), writes the content types and permissions again (post_migrate, ~150
# queries), and the rules go back before the next test (`ensure_rules`): 0,16 s a test on
# PostgreSQL and the server's work, 0,05 s on SQLite. Instead the database goes back to what it
# held before the first transactional test (as migrated: content types, permissions, rules,
# holidays): a table that holds rows it did not hold then is emptied, a table whose rows changed
# is written back as it was, the others are left alone (one query reads which, on PostgreSQL a
# digest of each table that had rows). Anything unforeseen (a table gone, a row that cannot be
# written back): Django's flush, as before.


class _Untouched:
    """One database's tables and the rows of those that had any, before any transactional test."""

    def __init__(self, db):
        self.db = db
        self.tables = db.introspection.django_table_names(only_existing=True, include_views=False)
        with db.cursor() as cursor:
            self.rows = {t: self._rows(cursor, t) for t in self._read(cursor, {})}
            self.digests = self._read(cursor, self.rows)

    def _rows(self, cursor, table):
        cursor.execute(f"SELECT * FROM {self.db.ops.quote_name(table)}")  # noqa: S608
        return [d[0] for d in cursor.description], sorted(cursor.fetchall(), key=repr)

    def _read(self, cursor, had_rows) -> dict:
        """{table: its digest (PostgreSQL) or None} for the tables holding rows; those that had
        rows with a digest always."""
        q = self.db.ops.quote_name
        digest = self.db.vendor == "postgresql"
        cursor.execute(  # (the names are the catalog's)
            " UNION ALL ".join(
                f"SELECT '{t}', md5(coalesce(string_agg(r::text, ',' ORDER BY r::text), ''))"  # noqa: S608
                f" FROM {q(t)} r"
                if digest and t in had_rows
                else f"SELECT '{t}', NULL WHERE EXISTS (SELECT 1 FROM {q(t)})"  # noqa: S608
                for t in self.tables
            )
        )
        return dict(cursor.fetchall())

    def _changed(self, cursor, table, digest) -> bool:
        if digest:
            return digest != self.digests[table]
        return self._rows(cursor, table) != self.rows[table]

    def take_back(self) -> None:
        q = self.db.ops.quote_name
        with transaction.atomic(using=self.db.alias), self.db.cursor() as cursor:
            now = self._read(cursor, self.rows)
            changed = [t for t in self.rows if self._changed(cursor, t, now.get(t))]
            if self.db.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for t in sorted(now.keys() - (self.rows.keys() - set(changed))):
                cursor.execute(f"DELETE FROM {q(t)}")  # noqa: S608
            for t in changed:
                columns, rows = self.rows[t]
                cursor.executemany(
                    f"INSERT INTO {q(t)} ({', '.join(map(q, columns))}) "  # noqa: S608
                    f"VALUES ({', '.join(['%s'] * len(columns))})",
                    rows,
                )


_untouched: dict[str, _Untouched] = {}  # by database alias


def _transactional_tests_take_back_their_rows():
    from django.test import TransactionTestCase

    fixture_setup = TransactionTestCase.__dict__["_fixture_setup"].__func__  # a class method
    flush = TransactionTestCase._fixture_teardown

    def _fixture_setup(cls):
        fixture_setup(cls)
        for name in cls._databases_names(include_mirrors=False):
            if name not in _untouched:
                _untouched[name] = _Untouched(connections[name])

    def _fixture_teardown(self):
        if self.available_apps is None and not self.serialized_rollback:
            try:
                for name in self._databases_names(include_mirrors=False):
                    _untouched[name].take_back()
                return
            except Exception as e:
                if os.environ.get("CHIBO_TRACE_FLUSH"):  # why a test's tables were all emptied
                    print(f"\n[flush] {self}: {e!r}", file=sys.stderr)
        _untouched.clear()  # read again before the next transactional test
        flush(self)

    TransactionTestCase._fixture_setup = classmethod(_fixture_setup)
    TransactionTestCase._fixture_teardown = _fixture_teardown


_transactional_tests_take_back_their_rows()


# --- rules written by data migrations --------------------------------------------------------

RULE_MIGRATIONS = [
    # (module, function, a model whose emptiness says the rows are gone)
    ("chibo.meetings.migrations.0003_rules", "seed", ("meetings", "MeetingRule")),
    ("chibo.committees.migrations.0002_rules", "forwards", ("committees", "CommitteeRule")),
    ("chibo.admissions.migrations.0002_rules", "seed", ("admissions", "AdmissionRule")),
    (
        "chibo.members.migrations.0005_lifecycle_movements_badges",
        "seed_badge_rule",
        ("members", "BadgeRule"),
    ),
    ("chibo.ratings.migrations.0002_rating_sets_data", "forward", ("ratings", "RatingSet")),
]


@pytest.fixture(autouse=True)
def _rules_after_flush(request):
    """A transactional test (a live server, a browser) empties every table when it ends, the
    rows the data migrations wrote included. Put the rules back before each such test, as a
    migrated database has them, and before the next test after it (`pytest_runtest_setup`)."""
    global _flushed
    if not _is_transactional(request.node):
        yield
        return
    request.getfixturevalue("transactional_db")
    _REPLAYS.base_changed()
    ensure_rules()
    yield
    _flushed = True
    _REPLAYS.base_changed()


_flushed = False  # a transactional test has emptied the tables since the rules were written


def ensure_rules():
    """Write the rules the data migrations write, where a flush took them away."""
    import importlib

    from django.apps import apps

    for module, function, (app, model) in RULE_MIGRATIONS:
        if not apps.get_model(app, model).objects.exists():
            getattr(importlib.import_module(module), function)(apps, None)


DEMO_TESTS = "chibo/demo/tests/"
DEMO_FIRST = DEMO_TESTS + "test_workbook_round_trip.py"
BROWSER_WEIGHT = 40  # a browser test takes about as long as 40 others


# Python's cyclic garbage collector runs a young-generation pass every 700 new objects and, now
# and then, a full pass over every object alive: Django, the test items and a module's data. The
# ORM and the templates make objects by the million and free nearly all of them by reference
# count, so most of these passes find nothing. Fewer passes and the objects that live through the
# run (what the import and the collection made) kept out of them: the SQLite suite (two workers,
# a quiet machine) 300 → 287 s of CPU, the demo's build 30 → 26 s.
GC_THRESHOLDS = (100_000, 20, 100)


def pytest_configure(config):
    gc.set_threshold(*GC_THRESHOLDS)
    runs_tests = hasattr(config, "workerinput") or not config.getoption("numprocesses", None)
    if runs_tests and "frame_chunks" in os.environ.get("LD_PRELOAD", ""):
        # `make test` preloads scripts/frame_chunks.c into the processes that run the tests:
        # the commands, servers and browsers they start run as a user's do.
        del os.environ["LD_PRELOAD"]


def pytest_collection_finish(session):
    gc.collect()
    gc.freeze()


def pytest_collection_modifyitems(config, items):
    """The demo district is built once per run (chibo/demo/tests/conftest.py). Its longest
    module runs first, so that the demo is built at the start; under pytest-xdist the demo's
    other modules follow it on the same worker (the scheduler below), in one process alone
    they run last. Each module keeps its tests together; the others run largest first, a
    browser test counting as `BROWSER_WEIGHT` (waiting on Chromium, two workers ending a suite
    on browser modules left a core idle a quarter of the time)."""
    first = [i for i in items if i.nodeid.startswith(DEMO_FIRST)]
    last = [i for i in items if i.nodeid.startswith(DEMO_TESTS) and i not in first]
    middle = [i for i in items if not i.nodeid.startswith(DEMO_TESTS)]
    sizes, not_browser = collections.Counter(), set()
    for item in middle:
        module, browser = _module_of(item.nodeid), item.get_closest_marker("browser") is not None
        sizes[module] += BROWSER_WEIGHT if browser else 1
        if not browser and BROWSER_MODULE.search(module):
            not_browser.add(item.nodeid)
    if not_browser:  # a worker of their own runs the modules named so (the scheduler below)
        raise pytest.UsageError(
            "a module named test_…browser….py holds only tests that drive Chromium "
            f"(@pytest.mark.browser): {', '.join(sorted(not_browser))}"
        )
    middle.sort(key=lambda i: -sizes[_module_of(i.nodeid)])  # stable: a module's order stays
    items[:] = first + middle + last


def _module_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under pytest-xdist (`--dist loadgroup`), the demo's tests go together to one worker,
    the one that builds or loads the demo for the first of them, and each other module whole to
    the first free worker, in the order of the collection above (not the largest first).

    The demo's tests are a third of a worker's time: on one worker from the start, the others
    share the rest of the run, which ends when the last small module does. (Given last, when
    the demo was there to load for any worker, the demo's modules ended each run with one worker
    busy for some 20 s, the other done, and the demo loaded twice.) xdist's own loadgroup reads
    an `xdist_group` mark from a suffix it adds to the test's id, which pytest 9.2 no longer lets
    it change (pytest-dev/pytest-xdist#1386): the scheduler finds the demo's tests by their path
    instead.

    With more workers than cores (`make test` starts one more), the last worker runs the
    browser modules (`BROWSER_MODULE`), all of them and nothing else, then stops. A browser test
    spends most of its time waiting on Chromium and its own timers (a send with no answer, a
    progress bar polled each second): on a worker of their own, the others keep both cores busy
    meanwhile. The SQLite suite alone, five runs each way: 97–105 s against 108–114 s
    (bench/results/suite-levers-measured.md)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    config.option.loadscopereorder = False

    class DemoTogether(LoadGroupScheduling):
        browser_node = None
        browser_worker = None  # decided once, when the tests are first given out

        def _browser_worker(self) -> bool:
            if self.browser_worker is None:
                self.browser_worker = len(self.nodes) > len(os.sched_getaffinity(0))
            return self.browser_worker

        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(DEMO_TESTS):
                return DEMO_TESTS
            if self._browser_worker() and BROWSER_MODULE.search(_module_of(nodeid)):
                return BROWSER_SCOPE
            return _module_of(nodeid)

        def _assign_work_unit(self, node) -> None:
            if node is self.browser_node:
                return
            if self.browser_node is None and BROWSER_SCOPE in self.workqueue:
                last = node is self.nodes[-1]  # the unit first for it, kept back from the others
                self.workqueue.move_to_end(BROWSER_SCOPE, last=not last)
                if last:
                    self.browser_node = node
                    super()._assign_work_unit(node)
                    node.shutdown()  # (a worker holds its last test until it knows none follows)
                    return
            super()._assign_work_unit(node)

        def _reschedule(self, node) -> None:
            if node is not self.browser_node:
                super()._reschedule(node)

    return DemoTogether(config, log)


# The modules a worker of their own runs when there is one (the scheduler above): those whose
# tests all drive Chromium. A browser test in another module runs where its module does.
BROWSER_MODULE = re.compile(r"/test_\w*browser\w*\.py$")
BROWSER_SCOPE = "the browser modules"


def pytest_sessionfinish(session):
    """The run's PostgreSQL databases (the demo's, the migrated one) go when the run ends (in
    the process that started the workers, or the only one)."""
    if hasattr(session.config, "workerinput"):
        return
    from django.db import connection

    if connection.vendor == "sqlite":
        from chibo.demo.tests.conftest import say_no_demo_is_coming

        say_no_demo_is_coming()  # (if it has not come, the PostgreSQL suite builds its own)
        return
    if connection.vendor != "postgresql":
        return
    from pytest_django.plugin import blocking_manager_key

    folder = run_folder(session.config, session.config._tmp_path_factory)
    with session.config.stash[blocking_manager_key].unblock(), connection._nodb_cursor() as c:
        for what in ("demo", "migrated"):
            c.execute(f'DROP DATABASE IF EXISTS "{run_database_name(folder, what)}" WITH (FORCE)')


@pytest.fixture(scope="session", autouse=True)
def _static_files_listed_once():
    """WhiteNoise lists and stats every static file each time a middleware chain is built, and
    Django's test client builds one for each Client: that was half the time of a page's test. The
    files do not change during a run: list them once for each configuration of WhiteNoise."""
    from django.conf import settings
    from whitenoise.middleware import WhiteNoiseMiddleware

    listed = {}
    list_files = WhiteNoiseMiddleware.add_files_from_finders

    def add_files_from_finders(self):
        key = (
            self.static_prefix,
            self.max_age,
            self.allow_all_origins,
            self.charset,
            self.add_headers_function,
            self.index_file,
            repr(getattr(settings, "WHITENOISE_MIMETYPES", None)),
            repr(settings.STATICFILES_DIRS),
            tuple(settings.STATICFILES_FINDERS),
        )
        if key not in listed:
            before = dict(self.files)
            list_files(self)
            listed[key] = {url: f for url, f in self.files.items() if before.get(url) is not f}
        self.files.update(listed[key])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders
    yield
    WhiteNoiseMiddleware.add_files_from_finders = list_files


@pytest.fixture(autouse=True, scope="session")
def _views_imported():
    """Every view is imported before the first test: a module imported for the first time while
    a test patches a function it imports by name (`fixed_today` patches `dates.today`) would
    keep the patch for the rest of the run."""
    from django.urls import get_resolver

    assert get_resolver().url_patterns


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the organization page keeps its indicators there,
    keyed by the latest audit event's id, which a rolled-back SQLite test can hand out again)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request in English (the cookie, Accept-Language)
    leaves English active in the thread after the response, and a later test reading a message
    would read it in English (the order of tests under xdist decides which)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


_SERVING = threading.Lock()  # held by the live server on SQLite while it serves a request


def _serve_one_request_at_a_time():
    """The live server of a browser test on SQLite hands every request thread the test's one
    in-memory connection; a page and its service worker asking at once then share it across
    threads ("bad parameter or other API misuse", a 500 the browser never retries). On that
    database the server still takes connections in threads (a browser keeps some open), but runs
    chibo for one request after the other, as a phone on a weak signal asks anyway; on
    PostgreSQL each thread has its own connection and nothing is serialized."""
    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread

    class OneAtATime(ThreadedWSGIServer):
        def set_app(self, application):
            if not self.connections_override:
                return super().set_app(application)

            def serially(environ, start_response):
                with _SERVING:
                    result = application(environ, start_response)
                    try:
                        body = b"".join(result)
                    finally:
                        if hasattr(result, "close"):
                            result.close()
                return [body]

            super().set_app(serially)

    LiveServerThread.server_class = OneAtATime


_serve_one_request_at_a_time()
