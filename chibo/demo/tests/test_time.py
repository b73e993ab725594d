"""Time is never rewritten (issue #10, part 6): every kind of change chibo offers, applied on day
D to the demo through the services its pages call, leaves every indicator as of D - 1 as it was.

D is the day after the demo's reorganization (01/07/2025 is D - 1: the new communes, directly
under the province; chibo/demo/reorganization.py), so the changes meet the structure of today.
The demo's data goes on after it; the cells merged and split are picked among those whose
members neither come nor go after D - 1, so no change is refused for lack of room. The changes
run in the test's own savepoint, rolled back at the end.

Computing every indicator of the demo's 528 organizations takes ~42 s on the 2-core machine, twice
per test: too slow for the suite (STYLE.md 16). The test compares the organizations each change
touches (cells, their parents before and after, the renamed one), every organization above a
cell (the province, all 34 grassroots organizations of D - 1: every figure of a touched
cell is summed into them), and a fixed sample of one cell in SAMPLE_EVERY by path.
"""

import datetime

import pytest
from django.db import transaction
from django.db.models import Q

from chibo.accounts.models import RoleAssignment, User
from chibo.committees.models import ConcurrentRole, Position, Term, Title
from chibo.committees.positions import services as committee_services
from chibo.committees.villages import services as village_services
from chibo.core.indicators import compute_all, compute_many
from chibo.meetings.models import FollowAssignment
from chibo.meetings.officials import services as services_officials
from chibo.members import services as member_services
from chibo.members.models import Member, Membership, Status
from chibo.organizations import services as org_services
from chibo.organizations.models import Organization, Village
from chibo.organizations.services_villages import village_link_cell

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

D = datetime.date(2025, 7, 2)
BEFORE = D - datetime.timedelta(days=1)
SAMPLE_EVERY = 10
# The organizations the changes below touch (the follow assignments' cells are added to them).
TOUCHED = {
    "SL-X01", "MS-X01-B08", "SL-X02", "SL-X04",
    "MS-X05-B01", "MS-X05-B02", "MS-X06-B01", "MS-X06-B02", "MS-X07-B01", "MS-X08-B01",
    "MS-X09-B01", "MS-X09-B02", "MS-X18-B06",
}  # fmt: skip


def _org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def _in_cell(cell: Organization, *, official: bool = True, exclude=()) -> list[Member]:
    """Active members of `cell` on D - 1 (official ones by default), by id, without a position."""
    members = Member.objects.filter(
        status=Status.ACTIVE,
        pk__in=Membership.objects.in_force(BEFORE).filter(cell=cell).values("member_id"),
    ).exclude(pk__in=exclude)
    held = Position.objects.in_force(BEFORE).values("member_id")
    return [m for m in members.exclude(pk__in=held).order_by("pk") if m.is_official(D) == official]


def quiet_cells(n: int, exclude=()) -> list[str]:
    """The codes of the first `n` village cells of a commune (the first that has them, by code)
    whose members neither come nor go after D - 1: a merger or a split on D moves all of
    them."""
    later = Membership.objects.filter(Q(start__gt=BEFORE) | Q(end__gt=BEFORE))
    cells = (
        Organization.objects.filter(kind="cell", cell_type="residential", valid_to__isnull=True)
        .exclude(pk__in=later.values("cell_id"))
        .exclude(code__in=TOUCHED | set(exclude))
        .order_by("code")
    )
    by_commune = {}
    for code, parent in cells.values_list("code", "parent__code"):
        by_commune.setdefault(parent, []).append(code)
        if len(by_commune[parent]) == n:
            return by_commune[parent]
    raise AssertionError(f"no commune has {n} cells without changes after {BEFORE}")


def picked() -> dict[str, str]:
    """The cells merged (source, into) and split, picked before any change."""
    source, into = quiet_cells(2)
    (split,) = quiet_cells(1, exclude={source, into})
    return {"merge_source": source, "merge_into": into, "split": split}


def apply_every_change(actor: User, picks: dict[str, str]) -> set[str]:
    """One change of each kind on D, through chibo's services; the codes of the organizations
    touched (at either end of a move)."""
    touched = set()

    def touch(*orgs):
        touched.update(o.code for o in orgs)

    # Cell merge: two cells of a commune (members move, villages follow, the source closes).
    source, into = _org(picks["merge_source"]), _org(picks["merge_into"])
    touch(source, into)
    assert member_services.cells_merge(source=source, into=into, on=D, actor=actor) > 0
    # Village link: a village of MS-X09-B01 is served by MS-X09-B02 from D.
    village = Village.objects.filter(cell=_org("MS-X09-B01")).order_by("pk").first()
    to = _org("MS-X09-B02")
    touch(village.cell, to)
    village_link_cell(village=village, cell=to, on=D, actor=actor)
    # Cell split: half of the members of a cell found a new cell.
    source = _org(picks["split"])
    ships = Membership.objects.in_force(BEFORE).filter(cell=source).order_by("member_id")
    movers = list(ships.values_list("member_id", flat=True))[::2]
    (new_cell,) = member_services.cell_split(
        source=source,
        new_cells=[{"code": "MS-X03-B90", "name": "Chi bộ bản Mới"}],
        assignment={m: 0 for m in movers},
        on=D,
        actor=actor,
    )
    touch(source)
    # Re-parent: MS-X01-B08 (Hát Lót, now in Mai Sơn) goes to SL-X02 (Chiềng Mung); rename:
    # SL-X04.
    moved = _org("MS-X01-B08")
    touch(moved, moved.parent, _org("SL-X02"))
    org_services.org_reparent(org=moved, new_parent=_org("SL-X02"), on=D, actor=actor)
    renamed = _org("SL-X04")
    touch(renamed)
    org_services.org_rename(org=renamed, name="Đảng bộ xã Cò Nòi Mới", on=D, actor=actor)
    # Transfer, exemption, death.
    a, b = _org("MS-X05-B01"), _org("MS-X05-B02")
    touch(a, b)
    member_services.member_transfer(member=_in_cell(a)[0], to_cell=b, on=D, actor=actor)
    exempt_cell, dead_cell = _org("MS-X06-B01"), _org("MS-X06-B02")
    touch(exempt_cell, dead_cell)
    member_services.member_change_status(
        member=_in_cell(exempt_cell)[0], status=Status.EXEMPT, on=D, actor=actor, note="Ốm"
    )
    member_services.member_change_status(
        member=_in_cell(dead_cell)[0], status=Status.DECEASED, on=D, actor=actor
    )
    # Position: the secretary of MS-X07-B01 steps down, another official member follows.
    cell = _org("MS-X07-B01")
    touch(cell)
    secretary = Position.objects.in_force(BEFORE).get(organization=cell, title=Title.SECRETARY)
    committee_services.position_end(position=secretary, end=D, actor=actor)
    term = Term.objects.filter(organization=cell).in_force(D).first()  # none since 01/07/2025
    # Until the cell's 2025–2030 congress, which elected its next secretary (elections.py).
    elected = Position.objects.filter(organization=cell, title=Title.SECRETARY, start__gt=D)
    committee_services.position_assign(
        organization=cell,
        member=_in_cell(cell)[0],
        title=Title.SECRETARY,
        start=D,
        end=elected.order_by("start").values_list("start", flat=True).first(),
        term=term,
        actor=actor,
    )
    # Village post: the village head of MS-X08-B01's village hands over to a member of the cell.
    cell = _org("MS-X08-B01")
    touch(cell)
    head = ConcurrentRole.objects.in_force(BEFORE).get(
        village__cell=cell, kind=ConcurrentRole.Kind.VILLAGE_HEAD
    )
    village_services.concurrent_role_end(role=head, end=D, actor=actor)
    village_services.concurrent_role_assign(
        village=head.village,
        kind=ConcurrentRole.Kind.VILLAGE_HEAD,
        member=_in_cell(cell, exclude=[head.member_id])[0],
        start=D,
        actor=actor,
    )
    # A term: a new commune's first, from D until its congress opened the 2025–2030 one.
    congress = Term.objects.get(organization=_org("SL-X05"), name="2025–2030").start
    committee_services.term_create(
        organization=_org("SL-X05"),
        name="2025 (lâm thời)",
        start=D,
        end=congress,
        actor=actor,
    )
    # Roles: demo-official stops following one cell (the role ends with it) and follows another.
    official = User.objects.get(username="demo-official")
    running = FollowAssignment.objects.in_force(BEFORE).filter(official=official).order_by("pk")
    ended = running.first()
    touch(ended.cell)
    services_officials.follow_end(assignment=ended, end=D, actor=actor)
    followed = _org("MS-X18-B06")
    touch(followed)
    services_officials.follow_assign(
        official=official, cell=followed, kind=ended.kind, start=D, actor=actor
    )
    assert not RoleAssignment.objects.filter(user=official, organization=ended.cell).current(D)
    assert RoleAssignment.objects.filter(user=official, organization=followed).current(D)
    touch(new_cell)
    return touched


def compared_orgs(touched: set[str]) -> list[Organization]:
    """The organizations in force on D - 1 whose figures are compared (see the module's doc)."""
    in_force = Organization.objects.filter(valid_from__lte=BEFORE).exclude(valid_to__lte=BEFORE)
    cells = list(in_force.filter(kind=Organization.Kind.CELL).order_by("path"))
    sample = {c.code for c in cells[::SAMPLE_EVERY]}
    return list(
        in_force.filter(~Q(kind=Organization.Kind.CELL) | Q(code__in=touched | sample)).order_by(
            "path"
        )
    )


def figures(orgs: list[Organization]) -> dict[tuple[str, str], tuple]:
    """(org code, indicator) -> (value, of) of every indicator as of D - 1, not cached."""
    fresh = Organization.objects.filter(pk__in=[o.pk for o in orgs]).order_by("path")
    by_pk = {o.pk: o.code for o in fresh}
    return {
        (by_pk[pk], row["code"]): (row["value"], row["of"])
        for pk, rows in compute_many(fresh, BEFORE).items()
        for row in rows
    }


def test_no_change_rewrites_the_day_before(demo):
    actor = User.objects.get(username="demo-admin")
    with transaction.atomic():
        # The organizations compared are worked out before any change, from the codes the
        # changes touch (checked below).
        official_cells = set(
            FollowAssignment.objects.in_force(BEFORE)
            .filter(official__username="demo-official")
            .values_list("cell__code", flat=True)
        )
        picks = picked()
        touched_before = TOUCHED | official_cells | set(picks.values())
        orgs = compared_orgs(touched_before)
        assert len(orgs) > 90
        before = figures(orgs)
        province = _org("SL")
        province_on_d = compute_all(province, D)
        touched = apply_every_change(actor, picks)
        assert touched - {"MS-X03-B90"} <= touched_before
        after = figures(orgs)
        changed = [
            f"{code} {indicator}: {before[code, indicator]} → {after[code, indicator]}"
            for code, indicator in sorted(before)
            if before[code, indicator] != after[code, indicator]
        ]
        assert not changed, f"{len(changed)} figures as of {BEFORE:%d/%m/%Y} changed:\n" + (
            "\n".join(changed)
        )
        # The changes did take effect: the province's figures on D are not those of before.
        assert compute_all(province, D) != province_on_d
        transaction.set_rollback(True)
