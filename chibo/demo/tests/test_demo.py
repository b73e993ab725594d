"""The demo district (built once for the package, see conftest.py): structure, people, users,
determinism and the foundation indicators."""

import datetime
import json
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from chibo.accounts.models import Role, RoleAssignment, User
from chibo.admissions.models import Candidate, CandidateCell
from chibo.admissions.selectors import board, in_progress_in
from chibo.committees.models import Position, Title
from chibo.core.dates import today
from chibo.core.indicators import get as get_indicator
from chibo.core.models import AuditEvent
from chibo.demo import data as d
from chibo.demo.mergers import VILLAGE_MERGERS
from chibo.demo.plan import make_plan
from chibo.demo.reorganization import NEW_COMMUNES
from chibo.demo.reorganization import ON as REORGANIZED_ON
from chibo.members.models import Member, Membership, Status, StatusChange
from chibo.organizations.models import (
    Commune,
    Organization,
    OrganizationEvent,
    Village,
    VillageCellLink,
    VillageCommuneLink,
)
from chibo.organizations.selectors import org_ids_under
from chibo.reorg.models import Reorganization
from conftest import login_client

from .conftest import PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

AS_OF = datetime.date(2023, 3, 31)
COMMUNE_NAMES = [
    "Chiềng Ban", "Chiềng Chăn", "Chiềng Chung", "Chiềng Dong", "Chiềng Kheo", "Chiềng Lương",
    "Chiềng Mai", "Chiềng Mung", "Chiềng Nơi", "Chiềng Sung", "Chiềng Ve", "Cò Nòi", "Hát Lót",
    "Mường Bằng", "Mường Bon", "Mường Chanh", "Nà Bó", "Nà Ớt", "Phiêng Cằm", "Phiêng Pằn",
    "Tà Hộc",
]  # fmt: skip


@pytest.fixture
def district(demo):
    return Organization.objects.get(code=d.DISTRICT[0])


def _open_on(day):
    return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gt=day))


def test_structure(demo, district):
    root = Organization.objects.get(parent__isnull=True)
    assert root.name == "Đảng bộ tỉnh Sơn La"
    assert district.parent == root and district.name == "Đảng bộ huyện Mai Sơn"
    # The district's organizations of 31/03/2023 (it ended on 30/06/2025: reorganization.py).
    under = Organization.objects.filter(pk__in=org_ids_under(district, AS_OF))
    grassroots = under.grassroots().active(AS_OF)
    assert grassroots.count() == 47
    assert grassroots.filter(grassroots_type="commune").count() == 22
    assert under.village_cells().active(AS_OF).count() == 293
    communes = Commune.objects.select_related("party_committee")
    old = communes.filter(valid_to=REORGANIZED_ON)
    assert old.count() == 22 and communes.count() == 31
    town = old.get(kind=Commune.Kind.TOWN)
    assert town.name == "Hát Lót" and town.party_committee is None
    assert sorted(c.name for c in old.filter(kind=Commune.Kind.COMMUNE)) == sorted(COMMUNE_NAMES)
    # Since 01/07/2025 nine new communes, each led by its new commune committee directly
    # under the province, hold the old ones' open villages.
    new = communes.filter(valid_to__isnull=True)
    assert new.count() == 9 and all(c.valid_from == REORGANIZED_ON for c in new)
    assert all(c.party_committee.parent_id == root.pk for c in new)
    assert new.get(code="XA-SL-01").name == "Mai Sơn"
    assert not Village.objects.filter(commune__in=old, valid_to__isnull=True).exists()
    # Dated: on 31/03/2023 and to 30/06/2025 every village lay in its old commune.
    for day in (AS_OF, REORGANIZED_ON - datetime.timedelta(days=1)):
        placed = VillageCommuneLink.objects.in_force(day)
        valid = Village.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day), valid_from__lte=day
        )
        assert placed.count() == valid.count()
        assert not placed.filter(commune__in=new).exists()
    assert VillageCommuneLink.objects.in_force(REORGANIZED_ON).filter(commune__in=new).count() == (
        Village.objects.filter(valid_to__isnull=True).count()
    )
    assert district.valid_to == REORGANIZED_ON


def test_villages(demo):
    then = Village.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=AS_OF))
    assert then.count() == 293
    assert then.filter(especially_disadvantaged=True).count() == 123
    # A dozen merged into a neighbour on 01/07/2025 (test_the_2025_village_mergers).
    merged = Village.objects.filter(valid_to=REORGANIZED_ON)
    assert merged.count() == VILLAGE_MERGERS
    current = Village.objects.filter(valid_to__isnull=True).select_related("cell", "commune")
    assert current.count() == then.count() - merged.count()
    assert Village.objects.filter(especially_disadvantaged=True).count() == 123
    for v in current:
        assert v.cell.cell_type == "residential" and v.cell.valid_to is None
        assert v.cell.parent_id == v.commune.party_committee_id
    kinds = Counter(current.values_list("kind", flat=True))
    assert kinds["ban"] > 200 and kinds["tieu_khu"] >= 18 and kinds["thon"] > 0
    assert not current.filter(commune__kind="town").exclude(kind="tieu_khu").exists()
    # One village a cell; a merged-away village's link ended with it, and so did its cell.
    assert (
        VillageCellLink.objects.values("cell").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    )
    assert VillageCellLink.objects.filter(end__isnull=True).count() == current.count()
    assert not current.filter(cell__isnull=True).exists()
    closed = VillageCellLink.objects.filter(end__isnull=False).select_related("village", "cell")
    assert len(closed) == sum(n for _, n in d.MERGES) + merged.count()
    assert all(
        x.end == x.village.valid_to == x.cell.valid_to and not x.village.cell_id for x in closed
    )


def test_members(demo):
    in_cell_ids = Membership.objects.filter(_open_on(AS_OF)).values("member_id")
    active = Member.objects.filter(pk__in=in_cell_ids)
    n = active.count()
    assert 9300 <= n == d.ACTIVE_MEMBERS
    women = active.filter(sex="female").count() / n
    assert 0.35 <= women <= 0.40
    assert set(active.values_list("ethnicity", flat=True)) == set(d.ETHNICITIES)
    ethnic = Counter(active.values_list("ethnicity", flat=True))
    assert ethnic.most_common(1)[0][0] == "Thái"
    ages = [
        AS_OF.year - b.year - ((AS_OF.month, AS_OF.day) < (b.month, b.day))
        for b in active.values_list("birth_date", flat=True)
    ]
    assert min(ages) >= 20 and max(ages) <= 85
    theory = Counter(active.values_list("theory_level", flat=True))
    assert theory["none"] + theory["basic"] > 0.8 * n
    assert theory["intermediate"] > theory["advanced"] + theory["bachelor"] > 0
    cids = list(Member.objects.values_list("citizen_id", flat=True))
    assert all(len(c) == 12 and c.isdigit() for c in cids) and len(set(cids)) == len(cids)
    cards = list(Member.objects.values_list("party_card_number", flat=True))
    assert all(cards) and len(set(cards)) == len(cards)
    # Probationary on 31/03/2023: admitted in the twelve months before, no official date yet.
    probationary = active.probationary(AS_OF)
    assert probationary.count() > 150
    assert not probationary.filter(
        admission_date__lte=AS_OF - datetime.timedelta(days=365)
    ).exists()
    assert not probationary.filter(official_date__lte=AS_OF).exists()
    assert Member.objects.filter(admission_date__year=2021).count() == 227
    assert Member.objects.filter(admission_date__year=2022).count() == 223
    # Member.cell is the cell of the open membership.
    assert not Membership.objects.filter(end__isnull=True).exclude(cell=F("member__cell")).exists()


def test_exactly_238_cells_with_nine_official(demo, district):
    counts = Counter(
        Membership.objects.filter(
            _open_on(AS_OF),
            cell__kind="cell",
            cell__cell_type="residential",
            member__official_date__lte=AS_OF,
        ).values_list("cell_id", flat=True)
    )
    cells = Organization.objects.filter(pk__in=org_ids_under(district, AS_OF))
    cells = list(cells.village_cells().active(AS_OF).values_list("pk", flat=True))
    assert len(cells) == 293
    assert sum(1 for c in cells if counts[c] >= 9) == 238
    assert min(counts[c] for c in cells) >= 3


def test_history(demo):
    merged = Organization.objects.village_cells().filter(valid_to__lt=REORGANIZED_ON)
    assert merged.count() == sum(n for _, n in d.MERGES)
    events = OrganizationEvent.objects.filter(
        kind=OrganizationEvent.Kind.MERGED, on__lt=REORGANIZED_ON
    )
    assert events.count() == merged.count()
    for ev in events.prefetch_related("related"):
        target = ev.related.get()
        assert target.valid_to is None and ev.on == ev.organization.valid_to
        assert ev.organization.periods.get().valid_to == ev.on
        moved = Membership.objects.filter(cell=target, start=ev.on, reason="merge")
        assert moved.exists()
        assert (
            Membership.objects.filter(
                cell=ev.organization, end=ev.on, member__in=moved.values("member")
            ).count()
            == moved.count()
        )
        assert not Membership.objects.filter(cell=ev.organization, end__isnull=True).exists()
    assert Membership.objects.filter(reason="transfer").count() > 50
    assert Membership.objects.filter(reason="transfer_in").count() > 20
    for status in (Status.DECEASED, Status.TRANSFERRED_OUT, Status.EXEMPT):
        members = Member.objects.filter(status=status)
        assert members.exists()
        assert StatusChange.objects.filter(status=status).count() == members.count()
    gone = Member.objects.filter(status__in=[Status.DECEASED, Status.TRANSFERRED_OUT])
    assert not Membership.objects.filter(member__in=gone, end__isnull=True).exists()
    exempt = Member.objects.filter(status=Status.EXEMPT)
    assert Membership.objects.filter(member__in=exempt, end__isnull=True).count() == exempt.count()
    last = max(
        *Membership.objects.exclude(end=None).values_list("end", flat=True),
        *StatusChange.objects.values_list("on", flat=True),
        *Member.objects.values_list("admission_date", flat=True),
    )
    # The demo goes on to the day it was built: members admitted, dead and moved away after
    # March 2023, nothing after that day.
    audit = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    built_on = datetime.date.fromisoformat(audit.changes["demo"]["today"])
    assert AS_OF < last <= built_on
    later = audit.changes["demo"]["after_the_article"]
    assert later["admitted"] > 150 and later["deceased"] > 20 and later["transferred_out"] > 10
    assert Member.objects.filter(admission_date__gt=AS_OF).count() == later["admitted"]
    assert (
        StatusChange.objects.filter(on__gt=AS_OF, status=Status.DECEASED).count()
        == later["deceased"]
    )
    assert audit.changes["demo"]["members"] == Member.objects.count()


def test_demo_users(demo):
    personas = {u[0] for u in d.DEMO_USERS}
    users = {u.username: u for u in User.objects.select_related("member")}
    # The officials who follow cells (issue 4) have accounts too, none usable.
    assert personas <= set(users)
    assert not any(u.has_usable_password() for n, u in users.items() if n not in personas)
    roles = {
        (ra.user.username, ra.role): ra.organization
        for ra in RoleAssignment.objects.select_related("user", "organization")
    }
    # The org board's roles: the district's, then the province's from 01/07/2025.
    for username in ("demo-admin", "demo-analyst"):
        ras = RoleAssignment.objects.filter(user__username=username).order_by("valid_from")
        assert [(ra.organization.code, ra.valid_to) for ra in ras] == [
            ("SL-MS", REORGANIZED_ON),
            ("SL", None),
        ]
    commune = roles[("demo-commune", Role.COMMUNE_STAFF)]
    assert commune.name == "Đảng bộ xã Nà Bó"
    cell = roles[("demo-secretary", Role.CELL_SECRETARY)]
    assert cell.parent == commune and cell.cell_type == "residential"
    assert users["demo-secretary"].member.cell == cell
    assert users["demo-member"].member.cell == cell
    assert users["demo-member"].member != users["demo-secretary"].member
    assert roles[("demo-member", Role.MEMBER)] == cell
    official = RoleAssignment.objects.filter(
        user=users["demo-official"], role=Role.ASSIGNED_OFFICIAL
    )
    assert official.count() == 3
    assert {ra.organization.parent for ra in official} == {commune}
    personas_roles = RoleAssignment.objects.filter(user__username__in=personas)
    # Given in 2020; those the reorganization moved, from 01/07/2025.
    assert all(
        ra.valid_from in (datetime.date(2020, 1, 1), REORGANIZED_ON) for ra in personas_roles
    )
    assert users["demo-admin"].check_password(PASSWORD)


def test_determinism(demo):
    first, again = make_plan(d.DEFAULT_SEED), make_plan(d.DEFAULT_SEED)
    assert first.digest() == again.digest() and first.links == again.links
    assert first.committees == again.committees and first.training == again.training
    assert make_plan(7).digest(50) != first.digest(50)
    in_db = list(Member.objects.order_by("pk").values_list("full_name", flat=True)[:50])
    assert in_db == [m.full_name for m in first.members[:50]]


def test_indicators_command_json(demo):
    out = StringIO()
    call_command("indicators", "--as-of", "2023-03-31", "--json", stdout=out)
    payload = json.loads(out.getvalue())
    root = Organization.objects.get(code="SL")
    assert payload["org"] == {"id": root.pk, "code": "SL", "name": "Đảng bộ tỉnh Sơn La"}
    assert payload["as_of"] == "2023-03-31"
    rows = {r["code"]: r for r in payload["indicators"]}
    assert rows["grassroots_orgs"] == {
        "code": "grassroots_orgs",
        "name": "Tổ chức cơ sở đảng",
        "value": 47,
        "of": None,
        "text": "47",
    }
    assert (rows["village_cells"]["value"], rows["village_cells"]["text"]) == (293, "293")
    assert rows["members"]["value"] == 9347 and rows["members"]["text"] == "9.347"
    assert rows["members"]["of"] is None
    cells = rows["cells_9plus_official"]
    assert (cells["value"], cells["of"], cells["text"]) == (238, 293, "238/293 (81,2%)")


def test_the_district_keeps_its_structure_until_its_end(demo, district):
    """The district's organizations are those of March 2023 until its last day (30/06/2025);
    its members came and went since (admitted, dead, moved away). From 01/07/2025 its 22
    communes are 9 new ones directly under the province, with the same 293 cells."""
    last_day = REORGANIZED_ON - datetime.timedelta(days=1)
    for code in ("grassroots_orgs", "village_cells"):
        ind = get_indicator(code)
        assert ind.compute(district, last_day) == ind.compute(district, AS_OF), code
    members = get_indicator("members")
    assert members.compute(district, last_day) != members.compute(district, AS_OF)
    root = Organization.objects.get(code=d.PROVINCE[0])
    assert get_indicator("grassroots_orgs").compute(root, today()).value == 9 + 25
    # The village cells open today, counted from the rows: a dozen merged on 01/07/2025.
    open_today = Organization.objects.filter(
        path__startswith=root.path,
        kind=Organization.Kind.CELL,
        cell_type=Organization.CellType.RESIDENTIAL,
        valid_from__lte=today(),
        valid_to__isnull=True,
    ).count()
    assert open_today == 293 - VILLAGE_MERGERS
    assert get_indicator("village_cells").compute(root, today()).value == open_today
    new = Organization.objects.filter(code__in=[c for c, _n, _o in NEW_COMMUNES])
    assert {o.parent_id for o in new} == {root.pk} and new.count() == 9
    assert all(o.valid_from == REORGANIZED_ON and o.is_commune for o in new)
    # The plans read as a real record would: applied on their day by the org board's user
    # (whose role passed to the province), not on the day the demo was built.
    admin = User.objects.get(username="demo-admin")
    plans = Reorganization.objects.filter(status=Reorganization.Status.APPLIED)
    assert plans.count() == VILLAGE_MERGERS + 10
    for plan in plans:
        assert (plan.created_by, plan.applied_by) == (admin, admin)
        assert timezone.localdate(plan.applied_at) == plan.on == REORGANIZED_ON
    body = login_client(admin).get(reverse("reorg:detail", args=[plans.first().pk]))
    assert f"Đã áp dụng ngày 01/07/2025 bởi {admin.full_name}." in body.content.decode()
    # A new commune's secretary is the one of its largest source by members on its last day.
    secretary = Position.objects.filter(title=Title.SECRETARY)
    for org in new:
        sources = list(Reorganization.objects.get(parts__organization=org).sources.all())
        size = {s.pk: members.compute(s, last_day).value for s in sources}
        held = dict(
            secretary.filter(organization__in=sources, end=REORGANIZED_ON).values_list(
                "member_id", "organization_id"
            )
        )
        (kept,) = secretary.filter(organization=org, start=REORGANIZED_ON)
        assert size[held[kept.member_id]] == max(size[o] for o in held.values()), org


def test_merge_changes_village_cells_as_of(demo, district):
    village_cells = get_indicator("village_cells")
    (first, n_first), (second, n_second) = d.MERGES
    day_before = first - datetime.timedelta(days=1)
    assert village_cells.compute(district, day_before).value == 293 + n_first + n_second
    assert village_cells.compute(district, first).value == 293 + n_second
    assert village_cells.compute(district, second).value == 293
    # The members of the merged cells are counted in the district before and after.
    members = get_indicator("members")
    moved = Membership.objects.filter(reason="merge", start=first).values("member")
    before = Membership.objects.filter(_open_on(day_before), member__in=moved).count()
    assert before == moved.count()
    assert members.compute(district, day_before).value >= before


def test_demo_refuses_a_non_empty_database(demo):
    with pytest.raises(CommandError, match="empty database"):
        call_command("demo", stdout=StringIO())
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "not empty" in out.getvalue()
    assert Organization.objects.filter(code="SL").count() == 1


def test_demo_logins(demo):
    out = StringIO()
    call_command("demo_logins", password=PASSWORD, stdout=out)
    text = out.getvalue()
    for username, *_ in d.DEMO_USERS:
        assert username in text
    assert "Đảng bộ xã Nà Bó" in text and "TOTP" in text and PASSWORD in text
    out = StringIO()
    call_command("demo_logins", password="wrong-password", stdout=out)
    assert "wrong-password" not in out.getvalue() and "changed" in out.getvalue()


# Indicators the demo has no data for on the day it is built: none (the 2025–2030 cell
# congresses give congress_days_ahead its plan).
NO_DATA_TODAY = set()


def test_indicators_of_the_day_the_demo_was_built_have_their_data(demo):
    """The demo goes on to the day it is built: every indicator of the province (the new
    communes' since 01/07/2025) has a denominator that day, and the meetings', admissions' and
    ratings' figures are there."""
    audit = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    built_on = audit.changes["demo"]["today"]
    out = StringIO()
    call_command("indicators", "--as-of", built_on, "--json", stdout=out)
    rows = {r["code"]: r for r in json.loads(out.getvalue())["indicators"]}
    empty = {code for code, r in rows.items() if r["of"] == 0}
    assert empty <= NO_DATA_TODAY, empty
    for code, low, high in (
        ("meetings_held_on_schedule", 0.85, 0.97),
        ("meeting_attendance_rate", 0.85, 0.95),
        ("meeting_quality_classes", 0.85, 0.98),
        ("task_completion_rate", 0.8, 0.97),
        ("admissions_year", 0.5, 1.3),
        ("cells_rated_excellent", 0.05, 0.2),
        ("village_plans_approved", 0.9, 1.0),
    ):
        row = rows[code]
        assert low < row["value"] / row["of"] <= high, row
    assert rows["members"]["value"] > d.ACTIVE_MEMBERS


def test_the_2025_village_mergers(demo):
    """A dozen small bản merged into a neighbour on 01/07/2025 with their cells, through
    village_merge and the reorganization tool: the bản's links end that day, the cell's members
    moved to the neighbour's roll, on which the meetings after are held; the ended cell holds
    nothing after and its page says it ended."""
    from chibo.meetings.models import Attendance, CellMeeting

    last_day = REORGANIZED_ON - datetime.timedelta(days=1)
    plans = Reorganization.objects.filter(into__kind=Organization.Kind.CELL).select_related("into")
    assert plans.count() == VILLAGE_MERGERS
    admin = User.objects.get(username="demo-admin")
    client = login_client(admin)
    for plan in plans:
        (cell,) = plan.sources.all()
        into = plan.into
        assert cell.valid_to == REORGANIZED_ON and into.valid_to is None
        assert cell.parent_id != into.parent_id  # the neighbour went on under its new commune
        # The bản: closed that day, its links to its cell and commune ended, none open.
        (village,) = Village.objects.filter(cell_links__cell=cell)
        assert village.valid_to == REORGANIZED_ON and village.cell_id is None
        assert list(village.cell_links.values_list("end", flat=True)) == [REORGANIZED_ON]
        assert list(village.commune_links.values_list("end", flat=True)) == [REORGANIZED_ON]
        (neighbour,) = Village.objects.filter(cell=into)
        assert neighbour.valid_to is None and neighbour.commune.valid_from == REORGANIZED_ON
        # The cell's members on its last day are on the neighbour's roll from 01/07/2025.
        on_last_day = Membership.objects.filter(_open_on(last_day), cell=cell)
        theirs = set(on_last_day.values_list("member", flat=True))
        moved = Membership.objects.filter(cell=into, start=REORGANIZED_ON, reason="merge")
        assert theirs and set(moved.values_list("member", flat=True)) == theirs
        assert (
            not Membership.objects.filter(cell=cell)
            .filter(Q(end__isnull=True) | Q(end__gt=REORGANIZED_ON))
            .exists()
        )
        # No meeting of the ended cell after its end; the neighbour's rolls are the merged one.
        assert not CellMeeting.objects.filter(cell=cell, scheduled_date__gte=REORGANIZED_ON)
        after_end = Q(meeting__month__gte=REORGANIZED_ON)
        assert not Attendance.objects.filter(after_end, meeting__cell=cell).exists()
        after = CellMeeting.objects.filter(cell=into, held_on__gte=REORGANIZED_ON)
        assert after.exists()
        for meeting in after.order_by("held_on")[:2]:
            roll = set(meeting.attendance.values_list("member", flat=True))
            day = meeting.held_on
            on_roll = set(
                Membership.objects.filter(_open_on(day), cell=into).values_list("member", flat=True)
            )
            assert roll == on_roll and roll & theirs
        # Its page says it ended.
        body = client.get(reverse("organizations:detail", args=[cell.pk])).content.decode()
        assert "hết hiệu lực từ 01/07/2025" in body
    # The candidates still on the way in on 01/07/2025 (waiting since 2023, on probation)
    # went with their cells: none is left in a cell closed that day, and each moved one is in
    # the cell its cell merged into.
    closed = Organization.objects.filter(kind=Organization.Kind.CELL, valid_to=REORGANIZED_ON)
    assert closed.count() == VILLAGE_MERGERS
    assert not in_progress_in(closed, REORGANIZED_ON).exists()
    into_of = {plan.sources.get().pk: plan.into_id for plan in plans}
    transfers = AuditEvent.objects.filter(object_type="admissions.candidate", action="transfer")
    assert transfers.count() >= 6
    cell_of = dict(
        Candidate.objects.filter(pk__in=[int(e.object_id) for e in transfers]).values_list(
            "pk", "cell_id"
        )
    )
    for event in transfers:
        before, after = event.changes["cell"]
        assert into_of[before] == after == cell_of[int(event.object_id)]
    # Their cell is dated: the board of the closed cells' last day still lists them there.
    moved = {int(e.object_id): e.changes["cell"] for e in transfers}
    history = defaultdict(list)
    for pk, cell, start, end in CandidateCell.objects.order_by("start").values_list(
        "candidate_id", "cell_id", "start", "end"
    ):
        history[pk].append((cell, start, end))
    listed = {
        pk: (cell, on)
        for pk, cell, on in Candidate.objects.values_list("pk", "cell_id", "listed_on")
    }
    assert set(history) == set(listed)
    for pk, rows in history.items():
        if pk in moved:
            before, after = moved[pk]
            assert rows == [
                (before, listed[pk][1], REORGANIZED_ON),
                (after, REORGANIZED_ON, None),
            ]
        else:
            assert rows == [(*listed[pk], None)]
    eve = REORGANIZED_ON - datetime.timedelta(days=1)
    on_eve = {r.candidate.pk for cell in closed for r in board(cell, eve).rows}
    assert set(moved) <= on_eve
