"""Every page's change log reads as the meeting's does (chibo/meetings/tests/test_change_log.py):
the organization, the cell's committee, the member, the candidate, the course and the contest.
An audit event stores raw data (field names, ids, ISO dates, a creation's whole row); the log
shows labels in the reader's language, names and dd/mm/yyyy, and leaves out what nobody typed
(the row's id, its timestamps, the tree's path and depth)."""

import datetime
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.utils.text import capfirst

from chibo.admissions import services as admissions
from chibo.admissions.tests.helpers import new_candidate
from chibo.members import services as members
from chibo.organizations import services as orgs
from chibo.training import services as training

pytestmark = pytest.mark.django_db
D = datetime.date


def _log(client, url) -> str:
    body = client.get(url).content.decode()
    return body[
        body.index('id="change-log"') : body.index("</section>", body.index('id="change-log"'))
    ]


def _text(html) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _english_defaults() -> set[str]:
    """The labels Django makes up for a field with no verbose name of its own ("Created at")."""
    return {
        capfirst(f.name.replace("_", " "))
        for model in apps.get_models()
        for f in model._meta.concrete_fields
    }


@pytest.fixture
def changed(tree, personas):
    admin = personas["admin"]
    orgs.org_rename(org=tree.cell_a2, name="Chi bộ bản Đông Mới", on=D(2024, 2, 1), actor=admin)
    orgs.org_reparent(org=tree.cell_a2, new_parent=tree.commune_b, on=D(2024, 3, 1), actor=admin)
    members.member_transfer(
        member=tree.member_a, to_cell=tree.cell_a2, on=D(2024, 4, 1), actor=admin
    )
    members.member_change_status(
        member=tree.member_a, status="exempt", on=D(2024, 5, 1), actor=admin, note="Tuổi cao"
    )
    candidate = new_candidate(tree)
    admissions.candidate_move_cell(
        candidate=candidate, to_cell=tree.cell_a2, on=D(2021, 6, 1), actor=admin
    )
    course = training.course_create(
        actor=admin, kind="basic_theory", title="Lớp sơ cấp lý luận", organizer=tree.commune_a,
        start=D(2024, 6, 3), end=D(2024, 6, 14), place="Hội trường xã",
    )  # fmt: skip
    contest = training.contest_create(
        actor=admin, name="Hội thi bí thư chi bộ giỏi", organizer=tree.commune_a, year=2024
    )
    return {
        "organization": f"/org/{tree.cell_a2.pk}/",
        "committee": f"/committees/cell/{tree.cell_a.pk}/",
        "member": f"/members/{tree.member_a.pk}/",
        "candidate": f"/admissions/{candidate.pk}/",
        "course": f"/training/courses/{course.pk}/",
        "contest": f"/training/contests/{contest.pk}/",
    }


@pytest.mark.parametrize(
    "page", ["organization", "committee", "member", "candidate", "course", "contest"]
)
def test_each_change_log_shows_labels_names_and_days(page, tree, changed, clients):
    log = _log(clients["admin"], changed[page])
    labels = [re.sub(r"<[^>]+>", "", x).strip() for x in re.findall(r"<strong>(.*?)</strong>", log)]
    assert labels, log
    english = _english_defaults()
    for label in labels:
        assert label not in english, (page, label)
        assert not re.fullmatch(r"[a-z_0-9]+", label), (page, label)
    text = _text(log)
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), text
    assert not re.search(r"\[\d", text) and "#" not in text, text  # ids, lists of ids


def test_the_changes_read_in_words(tree, changed, clients):
    org = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", _log(clients["admin"], changed["organization"]))
    )
    assert "Chi bộ bản Đông → Chi bộ bản Đông Mới" in org
    assert f"{tree.commune_a.name} → {tree.commune_b.name}" in org
    member = _text(_log(clients["admin"], changed["member"]))
    assert f"{tree.cell_a.name} → {tree.cell_a2.name}" in member  # the transfer
    assert "01/04/2024" in member and "Đang sinh hoạt → Miễn sinh hoạt" in member
    assert "01/05/2024" in member


def test_the_english_log_has_english_labels(tree, changed, clients):
    client = clients["admin"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    org = _text(_log(client, changed["organization"]))
    assert "Parent organization :" in org and "Tổ chức cấp trên" not in org
    member = _text(_log(client, changed["member"]))
    assert "From : 01/04/2024" in member and "Từ ngày" not in member


@pytest.mark.django_db
def test_a_long_log_counts_what_is_folded_as_a_number(tree):
    """ "Xem thêm 1.002 thay đổi": the count formatted after the subtraction (formatted first,
    "1.005" was no number to subtract from: the page said "1.005-3")."""
    from django.template.loader import render_to_string

    from chibo.core import vn
    from chibo.core.models import AuditEvent

    org = tree.cell_a
    AuditEvent.objects.bulk_create(
        AuditEvent(
            action=AuditEvent.Action.UPDATE,
            object_type="organizations.organization",
            object_id=str(org.pk),
            object_repr=org.name,
            changes={"name": [f"Tên {i}", f"Tên {i + 1}"]},
        )
        for i in range(1004)
    )
    events = AuditEvent.objects.filter(object_id=str(org.pk)).order_by("-at", "-id")
    html = render_to_string("core/audit_list.html", {"events": events})
    folded = events.count() - 3  # the organization's own events beside the 1.004
    assert folded > 1000
    assert f"Xem thêm {vn.format_int(folded)} thay đổi" in html
