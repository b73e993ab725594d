"""The one interval rule ([start, end)) and the one way to end a dated row."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from chibo.accounts.models import Role, RoleAssignment
from chibo.accounts.scope import Scope
from chibo.committees.models import Position, Term
from chibo.committees.positions import services as committee_services
from chibo.core.dated import end_dated_row, holds, in_force_q, overlap_q
from chibo.core.models import AuditEvent
from chibo.members.models import Membership

D = datetime.date


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_in_force_includes_the_start_and_excludes_the_end(tree):
    ship = Membership.objects.get(member=tree.member_a)
    Membership.objects.filter(pk=ship.pk).update(start=D(2020, 1, 1), end=D(2021, 1, 1))
    mine = Membership.objects.filter(pk=ship.pk)
    assert not mine.filter(in_force_q(D(2019, 12, 31))).exists()
    assert mine.filter(in_force_q(D(2020, 1, 1))).exists()
    assert mine.filter(in_force_q(D(2020, 12, 31))).exists()
    assert not mine.filter(in_force_q(D(2021, 1, 1))).exists()
    year = (D(2020, 1, 1), D(2021, 1, 1))
    assert [holds(day, *year) for day in (D(2019, 12, 31), *year, D(2020, 12, 31))] == [
        False,
        True,
        False,
        True,
    ]
    assert holds(D(2030, 1, 1), D(2020, 1, 1), None)
    # Two rows meeting on a day do not overlap; one more day and they do.
    assert not mine.filter(overlap_q(D(2021, 1, 1), None)).exists()
    assert mine.filter(overlap_q(D(2020, 12, 31), D(2022, 1, 1))).exists()
    assert not mine.filter(overlap_q(D(2019, 1, 1), D(2020, 1, 1))).exists()


def test_end_dated_row_sets_the_end_saves_it_alone_and_audits(tree, personas):
    admin = personas["admin"]
    position = Position.objects.create(
        organization=tree.cell_a, member=tree.member_a, title="secretary", start=D(2020, 1, 1)
    )
    # Another field changed in memory is not saved: only the end is.
    position.decision = "not saved"
    end_dated_row(row=position, on=D(2022, 3, 1), actor=admin, note="thôi chức")
    position.refresh_from_db()
    assert (position.end, position.decision) == (D(2022, 3, 1), "")
    event = AuditEvent.objects.get(object_type="committees.position", object_id=str(position.pk))
    assert (event.actor, event.action, event.changes, event.note) == (
        admin,
        AuditEvent.Action.UPDATE,
        {"end": [None, "2022-03-01"]},
        "thôi chức",
    )
    # An end may be brought forward, never pushed back nor set again on the same day.
    end_dated_row(row=position, on=D(2021, 6, 1), actor=admin)
    for later in (D(2021, 6, 1), D(2023, 1, 1)):
        with pytest.raises(ValidationError) as e:
            end_dated_row(row=position, on=later, actor=admin)
        assert "Mục này đã kết thúc ngày 01/06/2021." in messages(e.value)
    position.refresh_from_db()
    assert position.end == D(2021, 6, 1)


@pytest.mark.parametrize("on", [D(2019, 12, 31), D(2020, 1, 1)])
def test_end_dated_row_refuses_an_end_on_or_before_the_start(tree, on):
    position = Position.objects.create(
        organization=tree.cell_a, member=tree.member_a, title="secretary", start=D(2020, 1, 1)
    )
    with pytest.raises(ValidationError) as e:
        end_dated_row(row=position, on=on, actor=None, error_field="on")
    assert e.value.message_dict == {"on": ["Ngày kết thúc phải sau ngày bắt đầu (01/01/2020)."]}
    position.refresh_from_db()
    assert position.end is None
    assert not AuditEvent.objects.filter(object_type="committees.position").exists()


def test_end_dated_row_runs_in_the_callers_transaction(tree):
    position = Position.objects.create(
        organization=tree.cell_a, member=tree.member_a, title="secretary", start=D(2020, 1, 1)
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        end_dated_row(row=position, on=D(2022, 1, 1), actor=None)
        raise RuntimeError("the caller fails after")
    position.refresh_from_db()
    assert position.end is None
    assert not AuditEvent.objects.filter(object_type="committees.position").exists()


def test_a_role_ends_on_its_valid_to_like_every_dated_row(tree, personas):
    """valid_to is the first day without the role."""
    official = personas["official"]
    role = RoleAssignment.objects.get(user=official)
    end_dated_row(row=role, on=D(2023, 4, 1), actor=personas["admin"], field_end="valid_to")
    assert RoleAssignment.objects.filter(user=official).current(D(2023, 3, 31)).exists()
    assert not RoleAssignment.objects.filter(user=official).current(D(2023, 4, 1)).exists()
    assert Scope.for_user(official, on=D(2023, 3, 31)).covers(tree.cell_a)
    assert not Scope.for_user(official, on=D(2023, 4, 1)).covers(tree.cell_a)
    # A role cannot end the day it starts (the constraint says valid_to > valid_from).
    with pytest.raises(ValidationError):
        end_dated_row(row=role, on=role.valid_from, actor=None, field_end="valid_to")
    assert RoleAssignment.objects.filter(role=Role.ASSIGNED_OFFICIAL).count() == 1


# --- terms do not overlap by a day --------------------------------------------------------------


def test_a_term_overlapping_another_by_one_day_is_refused_naming_it(tree):
    committee_services.term_create(
        organization=tree.cell_a, name="2020–2022", start=D(2020, 3, 1), end=D(2023, 1, 5),
        actor=None,
    )  # fmt: skip
    with pytest.raises(ValidationError) as e:
        committee_services.term_create(
            organization=tree.cell_a, name="2023–2025", start=D(2023, 1, 4), end=D(2025, 7, 1),
            actor=None,
        )  # fmt: skip
    assert e.value.message_dict == {
        "start": ["Trùng thời gian với nhiệm kỳ 2020–2022 (01/03/2020 – 05/01/2023)."]
    }
    # Starting on the day the other ends is no overlap; another organization's terms are not
    # in the way.
    committee_services.term_create(
        organization=tree.cell_a, name="2023–2025", start=D(2023, 1, 5), end=D(2025, 7, 1),
        actor=None,
    )  # fmt: skip
    committee_services.term_create(
        organization=tree.cell_b, name="2022–2025", start=D(2022, 1, 1), end=D(2025, 7, 1),
        actor=None,
    )  # fmt: skip
    names = [t.name for t in Term.objects.filter(organization=tree.cell_a).in_force(D(2023, 1, 5))]
    assert names == ["2023–2025"]
    assert Term.objects.filter(organization=tree.cell_a).in_force(D(2023, 1, 4)).get().name == (
        "2020–2022"
    )
