"""Forms whose rule refuses a second submit before the form is read (a movement the new status no
longer offers, a step done, a cell rated, a congress recorded, cells followed, members enrolled)
carry a submission key too (issue 14): the same page sent again after Back or a lost answer gets
the first submit's answer and writes nothing; a new page (a new key) that repeats the write still
gets the rule's refusal."""

import datetime
import re
import uuid

import pytest
from django.urls import reverse

from chibo.core.models import AuditEvent, FormSubmission

pytestmark = pytest.mark.django_db
D = datetime.date
SENT_BEFORE = "Trang này đã được gửi trước đó; không tạo thêm."


def shown_key(client, url, prefix="") -> str:
    name = f"{prefix}-submission_key" if prefix else "submission_key"
    body = client.get(url).content.decode()
    return re.search(rf'name="{name}" value="([0-9a-f-]{{36}})"', body)[1]


def send_twice(client, url, data, *, key_name="submission_key", shown=None):
    """Send `data` with the key the page showed, then again; the second answer is the first's
    redirect and writes nothing. The location of the first answer."""
    key = shown_key(client, shown or url, key_name.removesuffix("submission_key").rstrip("-"))
    data = {**data, key_name: key}
    first = client.post(url, data)
    assert first.status_code == 302, re.findall(r"errorlist.*", first.content.decode())
    events = AuditEvent.objects.count()
    again = client.post(url, data, follow=True)
    assert again.redirect_chain == [(first["Location"], 302)]
    assert SENT_BEFORE in again.content.decode()
    assert AuditEvent.objects.count() == events
    assert FormSubmission.objects.filter(key=key).count() == 1
    return first["Location"]


def fresh(data, key_name="submission_key"):
    """The same write from a new page: a key never used."""
    return {**data, key_name: str(uuid.uuid4())}


# --- member movements ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, data, refused",
    [
        ("death", {"on": "01/02/2023"}, 404),
        ("exempt", {"on": "01/02/2023", "reason": "Tuổi cao"}, 404),
        ("transfer-out", {"on": "01/02/2023", "place": "Đảng bộ xã Mường Lạn"}, 404),
        (
            "remove",
            {"kind": "removal", "on": "01/02/2023", "decided_by": "Huyện ủy"}
            | {"decision_number": "12-QĐ/HU"},
            404,
        ),
        ("temporary", {"on": "01/02/2023", "host_name": "Chi bộ ở Hà Nội"}, 404),
        ("transfer", {"on": "01/02/2023", "to_cell": "cell_a2"}, 200),
    ],
)
def test_a_movement_sent_twice_is_recorded_once(kind, data, refused, tree, clients):
    from chibo.members.models import Membership, StatusChange, TemporaryStay

    member = tree.member_a
    url = f"/members/{member.pk}/movement/{kind}/"
    data = {**data, "letter_number": "05/GGT"}
    if data.get("to_cell"):
        data["to_cell"] = getattr(tree, data["to_cell"]).pk

    def rows():
        return (
            StatusChange.objects.filter(member=member).count(),
            Membership.objects.filter(member=member).count(),
            TemporaryStay.objects.filter(member=member).count(),
        )

    # Only the commune writes both cells of a transfer.
    client = clients["commune" if kind == "transfer" else "secretary_a"]
    before = rows()
    location = send_twice(client, url, data)
    assert location == f"/members/{member.pk}/"
    after = rows()
    assert sum(after) == sum(before) + 1  # a status change, a membership or a stay
    # A new page repeating the movement: refused as before (no longer offered, or the cell the
    # member is in now), nothing written.
    r = client.post(url, fresh(data))
    assert r.status_code == refused
    assert rows() == after


def test_a_movement_key_of_another_user_is_refused(tree, clients):
    from chibo.members.models import Member

    url = f"/members/{tree.member_a.pk}/movement/death/"
    key = shown_key(clients["secretary_a"], url)
    r = clients["commune"].post(url, {"on": "01/02/2023", "submission_key": key})
    assert r.status_code == 302
    r = clients["secretary_a"].post(url, {"on": "01/02/2023", "submission_key": key})
    assert r.status_code == 404  # not their key: the rule answers, the member died
    Member.objects.get(pk=tree.member_a.pk, status="deceased")


# --- an admission step --------------------------------------------------------------------------


def test_an_admission_step_sent_twice_is_recorded_once(tree, clients):
    from chibo.admissions.models import AdmissionStep, Step
    from chibo.admissions.tests.helpers import new_candidate, walk

    c = new_candidate(tree)
    walk(tree, c, Step.SPONSORS)
    url = f"/admissions/{c.pk}/step/"
    data = {"kind": "mass_org", "on": "15/02/2021", "issuer": "Đoàn thanh niên bản Áng"}
    location = send_twice(clients["secretary_a"], url, data, shown=f"/admissions/{c.pk}/")
    assert location == f"/admissions/{c.pk}/"
    assert AdmissionStep.objects.filter(candidate=c, kind="mass_org").count() == 1
    # Before: "Bước không hợp lệ", a 400 over a step that had been recorded. A new page that
    # repeats it still is.
    r = clients["secretary_a"].post(url, fresh(data))
    assert r.status_code == 400
    assert AdmissionStep.objects.filter(candidate=c, kind="mass_org").count() == 1


# --- a cell's self-rating -----------------------------------------------------------------------


def test_a_self_rating_sent_twice_is_recorded_once(tree, clients):
    from chibo.ratings.models import CellRating

    url = f"{reverse('ratings:org', args=[tree.cell_a.pk])}?year=2024"
    data = {"action": "self", "self-points": "92,5", "self-on": "10/12/2024"}
    # Before: a 404, the form being gone once the cell is rated.
    assert send_twice(clients["secretary_a"], url, data, key_name="self-submission_key") == url
    assert CellRating.objects.filter(cell=tree.cell_a, year=2024).count() == 1
    r = clients["secretary_a"].post(url, fresh(data, "self-submission_key"))
    assert r.status_code == 404
    assert CellRating.objects.get(cell=tree.cell_a, year=2024).points == 92.5


# --- forms that make several rows ---------------------------------------------------------------


def test_following_many_cells_sent_twice_is_assigned_once(tree, personas, clients):
    from chibo.meetings.models import FollowAssignment

    url = reverse("meetings:official_assign_many", args=[tree.commune_a.pk])
    data = {"kind": "commune_police", "start": "01/03/2023", "cells": [tree.cell_a.pk]}
    data |= {"full_name": "Quàng Văn Mới", "username": "quangvanmoi"}
    data["cells"].append(tree.cell_a2.pk)
    # Before: "the account name is taken", over a page that had worked.
    location = send_twice(clients["commune"], url, data)
    assert location == reverse("meetings:officials", args=[tree.commune_a.pk])
    made = FollowAssignment.objects.filter(official__username="quangvanmoi")
    assert set(made.values_list("cell__code", flat=True)) == {"XA-01", "XA-02"}
    # A new page assigning the same official again: the overlap is refused, cell by cell.
    again = {**data, "full_name": "", "username": "", "official": made[0].official_id}
    r = clients["commune"].post(url, fresh(again))
    assert r.status_code == 200
    assert "đã được phân công theo dõi Chi bộ bản Áng từ 01/03/2023" in r.content.decode()
    assert made.count() == 2


def test_enrolling_many_sent_twice_enrols_once(tree, clients):
    from chibo.training.models import Enrollment
    from chibo.training.tests.conftest import make_course

    course = make_course(tree.district, title="Tập huấn bí thư chi bộ", start=D(2030, 4, 4))
    data = {"members": [tree.member_a.pk, tree.secretary_member_a.pk]}
    for name in ("course_enroll_many", "course_enroll"):
        Enrollment.objects.filter(course=course).delete()
        url = reverse(f"training:{name}", args=[course.pk])
        location = send_twice(clients["commune"], url, data)
        assert location == reverse("training:course_detail", args=[course.pk])
        assert Enrollment.objects.filter(course=course).count() == 2
    # A new page enrolling them again: the page's rule (already enrolled) answers.
    r = clients["commune"].post(url, fresh(data))
    assert r.status_code == 200 and "Đã có tên trong lớp này" in r.content.decode()
    r = clients["commune"].post(
        reverse("training:course_enroll_many", args=[course.pk]), fresh(data), follow=True
    )
    assert "Đã có tên trong lớp từ trước, bỏ qua" in r.content.decode()
    assert Enrollment.objects.filter(course=course).count() == 2


def test_the_committee_a_congress_elected_sent_twice_is_recorded_once(tree, clients):
    from chibo.committees.models import Position, Term

    term = Term.objects.create(
        organization=tree.cell_a, name="2020–2025", start=D(2020, 6, 1), end=D(2025, 9, 30)
    )
    url = f"/committees/cell/{tree.cell_a.pk}/congress/"
    data = {"term": term.pk, "on": "15/03/2023", "secretary": tree.secretary_member_a.pk}
    data |= {"deputy": tree.member_a.pk, "decision": "NQ 01"}
    location = send_twice(
        clients["secretary_a"], url, data, shown=f"/committees/cell/{tree.cell_a.pk}/"
    )
    assert location == f"/committees/cell/{tree.cell_a.pk}/"
    seats = Position.objects.filter(organization=tree.cell_a, start=D(2023, 3, 15))
    assert seats.count() == 2
    # Before: "holds the seat from 15/03/2023", over a page that had worked; a new page still is.
    r = clients["secretary_a"].post(url, fresh(data))
    assert r.status_code == 200 and "không trước ngày đại hội" in r.content.decode()
    assert seats.count() == 2


def test_a_congress_result_sent_twice_is_recorded_once(tree, clients):
    from chibo.committees.models import Position
    from chibo.congresses import services

    plan = services.plan_create(
        organization=tree.district,
        term_name="2023–2025",
        term_start=D(2023, 1, 1),
        term_end=D(2025, 7, 1),
        deadline=D(2023, 3, 31),
        actor=None,
    )
    row = plan.cells.get(cell=tree.cell_a)
    url = f"/congresses/{row.pk}/"
    data = {"action": "hold", "held_on": "20/02/2023", "secretary": tree.secretary_member_a.pk}
    data |= {"deputy": tree.member_a.pk}
    # Before: a 404, the form being gone once the congress is recorded.
    assert send_twice(clients["secretary_a"], url, data) == url
    row.refresh_from_db()
    assert row.held_on == D(2023, 2, 20)
    assert Position.objects.filter(term=row.term).count() == 2
    r = clients["secretary_a"].post(url, fresh(data))
    assert r.status_code == 404
    assert Position.objects.filter(term=row.term).count() == 2
