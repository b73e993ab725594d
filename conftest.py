"""Shared test personas (STYLE.md): org-board admin, analyst, commune staff, secretary of cell A,
member of cell A, an official assigned to cell A, and the secretary of cell B as the outsider."""

import datetime
import os
import shutil

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from chibo.accounts.models import Role, RoleAssignment, User
from chibo.members import services as member_services
from chibo.members.rules import probation_end
from chibo.organizations import services as org_services
from chibo.organizations.models import Commune, Organization
from chibo.organizations.services_villages import village_create

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
        ca = Commune.objects.create(
            code="C-A", name="An", party_committee=self.commune_a, valid_from=D0
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


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Every test hashes with MD5: PBKDF2 at Django's iteration count costs about half a second of
    CPU a password, and the tests create users by the dozen. (Production keeps Django's hashers.)"""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        # still checks the hashes made before the fixture (the demo, built once per package)
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def tree(db):
    return Tree()


@pytest.fixture
def personas(tree):
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


def login_client(user) -> Client:
    """A client signed in as `user`, past the TOTP step where the user needs one."""
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def clients(personas):
    return {name: login_client(user) for name, user in personas.items()}


def chromium_path():
    for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.path.exists(p):
            return p
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium():
    path = chromium_path()
    if not path:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required for the browser tests in CI")
        pytest.skip("Chromium is not installed")
    return path


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


@pytest.fixture
def browser(chromium, monkeypatch):
    """A headless Chromium; the ORM may be used from the test while Playwright runs."""
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API keeps an event loop on this thread; Django would refuse ORM calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
            # Inside sync_playwright() the code runs in a greenlet with a context of its own,
            # where Django's connection handler opens other connections for the test's ORM
            # calls: close them, or PostgreSQL refuses to drop the test database at the end.
            from django.db import connections

            connections.close_all()


def sign_in(page, base_url, username, next_url):
    """Sign in through the login page as a persona (password pw-<username>)."""
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-" + username)
    page.click("button[type=submit]:has-text('Đăng nhập')")
    page.wait_for_load_state("networkidle")


# --- rules written by data migrations --------------------------------------------------------

RULE_MIGRATIONS = [
    # (module, function, a model whose emptiness says the rows are gone)
    ("chibo.meetings.migrations.0003_rules", "seed", ("meetings", "MeetingRule")),
    ("chibo.committees.migrations.0002_rules", "forwards", ("committees", "CommitteeRule")),
]


@pytest.fixture(autouse=True)
def _rules_after_flush(request):
    """A transactional test (a live server, a browser) empties every table when it ends, the
    rows the data migrations wrote included. Put the rules back before each such test, as a
    migrated database has them; other tests roll back and never lose them."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    if not transactional and not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db")
    import importlib

    from django.apps import apps

    for module, function, (app, model) in RULE_MIGRATIONS:
        if not apps.get_model(app, model).objects.exists():
            getattr(importlib.import_module(module), function)(apps, None)


def pytest_collection_modifyitems(items):
    """Under pytest-xdist (`--dist loadgroup`), the demo's tests stay on one worker, which builds
    the demo once for them all."""
    for item in items:
        if "demo" in item.path.parts and "tests" in item.path.parts:
            item.add_marker(pytest.mark.xdist_group("demo"))


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the organization page keeps its indicators there,
    keyed by the latest audit event's id, which a rolled-back SQLite test can hand out again)."""
    from django.core.cache import cache

    cache.clear()
