"""The commune's review of a record: confirm or return (with a comment), who may, the optimistic
lock, the audit event, the notice to the recorder; the review page and the month page's buttons
for every persona."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from chibo.accounts.models import Notification
from chibo.core.models import AuditEvent
from chibo.meetings.models import CellMeeting, QualityClass
from chibo.meetings.oversight import services as services_review

from .oversight_helpers import D, S, fixed_today, meet  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords", "fixed_today")]


@pytest.fixture
def held(tree, personas):
    """Cell A's March meeting, recorded by its secretary, waiting for the commune."""
    return meet(
        tree.cell_a,
        held_on=D(2023, 3, 24),
        present=9,
        summoned=10,
        points=88,
        quality=QualityClass.FAIR,
        recorded_by=personas["secretary_a"],
    )


def fresh(meeting) -> CellMeeting:
    return CellMeeting.objects.get(pk=meeting.pk)


# --- the services ---------------------------------------------------------------------------


def test_confirm(held, personas):
    m = services_review.meeting_confirm(meeting=held, actor=personas["commune"])
    assert m.status == S.CONFIRMED and m.version == 2
    db = fresh(held)
    assert (db.status, db.reviewed_by, db.version) == (S.CONFIRMED, personas["commune"], 2)
    assert db.reviewed_at is not None
    event = AuditEvent.objects.get(object_type="meetings.cellmeeting", object_id=str(held.pk))
    assert event.actor == personas["commune"] and event.action == "status"
    assert event.changes["status"] == ["held", "confirmed"]
    # the recorder hears of it (no e-mail); nothing was waiting on the commune
    note = Notification.objects.get()
    assert (note.user, note.kind) == (personas["secretary_a"], "minutes_confirmed")
    assert note.url == f"/meetings/{held.pk}/" and "03/2023" in note.text


def test_return_needs_a_comment(held, personas):
    for comment in ("", "   "):
        with pytest.raises(ValidationError) as e:
            services_review.meeting_return(meeting=held, actor=personas["admin"], comment=comment)
        assert "comment" in e.value.message_dict
    assert fresh(held).status == S.HELD
    assert not AuditEvent.objects.filter(object_type="meetings.cellmeeting").exists()


def test_return_tells_the_recorder(held, personas, django_capture_on_commit_callbacks):
    secretary = personas["secretary_a"]
    secretary.email = "bithu@example.vn"
    secretary.save()
    with django_capture_on_commit_callbacks(execute=True):
        services_review.meeting_return(
            meeting=held, actor=personas["commune"], comment="Bổ sung danh sách vắng có lý do."
        )
    db = fresh(held)
    assert db.status == S.RETURNED and db.review_comment == "Bổ sung danh sách vắng có lý do."
    note = Notification.objects.get()
    assert note.user == secretary and note.kind == "returned"
    assert note.key == f"meeting:{db.pk}:returned" and note.url == f"/meetings/{db.pk}/record/"
    assert "Bổ sung danh sách vắng có lý do." in note.text and "03/2023" in note.text
    assert note.emailed_to == "bithu@example.vn"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["bithu@example.vn"]
    event = AuditEvent.objects.get(object_type="meetings.cellmeeting")
    assert event.note == "Bổ sung danh sách vắng có lý do."


def test_returned_twice_renews_the_notice(held, personas):
    services_review.meeting_return(meeting=held, actor=personas["commune"], comment="Lần một")
    Notification.objects.update(read_at=timezone.now())
    # The secretary records it again (held), the commune returns it again.
    CellMeeting.objects.filter(pk=held.pk).update(status=S.HELD, version=F("version") + 1)
    services_review.meeting_return(
        meeting=fresh(held), actor=personas["commune"], comment="Lần hai"
    )
    note = Notification.objects.get()
    assert "Lần hai" in note.text and note.read_at is None


def test_record_without_recorder_tells_the_cells_secretary(tree, personas):
    m = meet(tree.cell_a, held_on=D(2023, 3, 24), present=3, summoned=3)
    services_review.meeting_return(meeting=m, actor=personas["admin"], comment="Thiếu chữ ký.")
    assert [n.user for n in Notification.objects.all()] == [personas["secretary_a"]]


@pytest.mark.parametrize("who", ["analyst", "secretary_a", "official", "member_a", "secretary_b"])
def test_only_commune_staff_or_admin_review(held, personas, who):
    with pytest.raises(PermissionDenied):
        services_review.meeting_confirm(meeting=held, actor=personas[who])
    with pytest.raises(PermissionDenied):
        services_review.meeting_return(meeting=held, actor=personas[who], comment="x")
    with pytest.raises(PermissionDenied):
        services_review.meeting_confirm(meeting=held, actor=None)
    assert fresh(held).status == S.HELD


def test_commune_staff_of_another_commune_may_not(tree, personas):
    m = meet(tree.cell_b, held_on=D(2023, 3, 24))
    with pytest.raises(PermissionDenied):
        services_review.meeting_confirm(meeting=m, actor=personas["commune"])
    services_review.meeting_confirm(meeting=m, actor=personas["admin"])
    assert fresh(m).status == S.CONFIRMED


def test_stale_version_is_a_conflict(held, personas):
    # Two reviewers load version 1; the first confirms; the second's return is refused.
    first, second = fresh(held), fresh(held)
    services_review.meeting_confirm(meeting=first, actor=personas["commune"])
    with pytest.raises(ValidationError) as e:
        services_review.meeting_return(meeting=second, actor=personas["admin"], comment="Sửa lại")
    assert e.value.code == "conflict"
    db = fresh(held)
    assert (db.status, db.review_comment, db.version) == (S.CONFIRMED, "", 2)
    assert [n.kind for n in Notification.objects.all()] == ["minutes_confirmed"]


def test_version_seen_by_the_reviewer_is_checked(held, personas):
    # The secretary saved the record again after the commune opened the page (version 2).
    CellMeeting.objects.filter(pk=held.pk).update(version=F("version") + 1)
    with pytest.raises(ValidationError) as e:
        services_review.meeting_confirm(meeting=fresh(held), actor=personas["commune"], version=1)
    assert e.value.code == "conflict"
    assert fresh(held).status == S.HELD


@pytest.mark.parametrize("status", [S.PLANNED, S.CONFIRMED, S.RETURNED])
def test_only_a_held_record_is_reviewed(tree, personas, status):
    m = meet(tree.cell_a, held_on=D(2023, 3, 24), status=status)
    with pytest.raises(ValidationError) as e:
        services_review.meeting_confirm(meeting=m, actor=personas["commune"])
    assert e.value.code == "status"
    assert fresh(m).status == status


# --- the month page's buttons (HTMX) --------------------------------------------------------


def url(name, meeting):
    return reverse(f"meetings:review_{name}", args=[meeting.pk])


HX = {"HTTP_HX_REQUEST": "true"}


def test_confirm_from_the_month_page(clients, held, tree):
    r = clients["commune"].post(url("confirm", held), {"version": 1, "next": "/x"}, **HX)
    assert r.status_code == 200
    html = r.content.decode()
    assert html.lstrip().startswith(f'<tr id="cell-{tree.cell_a.pk}"')
    assert "Đảng ủy đã xác nhận" in html and url("confirm", held) not in html
    assert fresh(held).status == S.CONFIRMED


def test_the_month_pages_counts_follow_a_review(clients, held):
    """The row is swapped in place; the counts by situation above the table ask for themselves
    again when the row's answer says a meeting was reviewed."""
    import re

    client = clients["commune"]
    page = f"/meetings/month/?month={held.month:%Y-%m}"

    def counts():
        html = client.get(page, **HX).content.decode()
        nav = re.search(r'<nav class="actions" id="counts"(.*?)</nav>', html, re.S).group(1)
        return nav, dict(re.findall(r'data-code="(\w+)"[^>]*>[^<]*: <strong>(\d+)<', nav))

    nav, before = counts()
    assert 'hx-trigger="meeting-reviewed from:body"' in nav and 'hx-select="#counts"' in nav
    r = client.post(url("confirm", held), {"version": 1, "next": page}, **HX)
    assert r["HX-Trigger"] == "meeting-reviewed"
    _, after = counts()
    assert before != after
    failed = client.post(url("confirm", held), {"version": 1, "next": page}, **HX)
    assert "HX-Trigger" not in failed  # nothing changed: nothing to refresh


def test_return_from_the_month_page(clients, held, personas):
    r = clients["commune"].post(
        url("return", held), {"version": 1, "comment": "Thiếu kết luận"}, **HX
    )
    assert r.status_code == 200
    assert "Trả lại để bổ sung" in r.content.decode()
    assert fresh(held).review_comment == "Thiếu kết luận"
    assert Notification.objects.get().user == personas["secretary_a"]


def test_return_without_comment_shows_the_error_in_the_row(clients, held):
    r = clients["commune"].post(url("return", held), {"version": 1, "comment": ""}, **HX)
    assert r.status_code == 200  # htmx swaps 2xx only: the row carries the message
    assert 'role="alert"' in r.content.decode()
    assert "Hãy ghi rõ" in r.content.decode()
    assert fresh(held).status == S.HELD


def test_conflict_in_the_row(clients, held):
    CellMeeting.objects.filter(pk=held.pk).update(version=F("version") + 1)
    r = clients["commune"].post(url("confirm", held), {"version": 1}, **HX)
    assert "người khác thay đổi" in r.content.decode()
    assert 'value="2"' in r.content.decode()  # the row now carries the new version
    assert fresh(held).status == S.HELD


# --- without HTMX ---------------------------------------------------------------------------


def test_confirm_without_htmx_goes_back(clients, held):
    r = clients["admin"].post(url("confirm", held), {"version": 1, "next": "/meetings/month/?x=1"})
    assert r.status_code == 302 and r["Location"] == "/meetings/month/?x=1"
    assert fresh(held).status == S.CONFIRMED


def test_next_elsewhere_is_ignored(clients, held):
    r = clients["admin"].post(url("confirm", held), {"version": 1, "next": "https://evil.example/"})
    assert r["Location"] == reverse("meetings:meeting_review", args=[held.pk])


def test_conflict_without_htmx_is_a_409(clients, held):
    CellMeeting.objects.filter(pk=held.pk).update(version=F("version") + 1)
    r = clients["commune"].post(url("return", held), {"version": 1, "comment": "Sửa"})
    assert r.status_code == 409
    assert "người khác thay đổi" in r.content.decode()
    assert fresh(held).status == S.HELD


@pytest.mark.parametrize(
    "data", [{"version": 1, "comment": ""}, {"comment": "Sửa"}, {"version": "x", "comment": "y"}]
)
def test_bad_return_without_htmx_is_a_400(clients, held, data):
    r = clients["commune"].post(url("return", held), data)
    assert r.status_code == 400
    assert fresh(held).status == S.HELD


@pytest.mark.parametrize("who", ["analyst", "secretary_a", "official", "member_a", "secretary_b"])
def test_others_cannot_review(clients, held, who):
    for name, data in (("confirm", {"version": 1}), ("return", {"version": 1, "comment": "x"})):
        assert clients[who].post(url(name, held), data).status_code == 404
        assert clients[who].post(url(name, held), data, **HX).status_code == 404
    assert fresh(held).status == S.HELD
    assert not AuditEvent.objects.filter(object_type="meetings.cellmeeting").exists()


def test_review_is_post_only(clients, held):
    assert clients["commune"].get(url("confirm", held)).status_code == 405


# --- the review page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status, forms",
    [
        ("admin", 200, True),
        ("commune", 200, True),
        ("analyst", 200, False),
        ("secretary_a", 200, False),
        ("official", 200, False),
        ("secretary_b", 404, False),
        ("member_a", 404, False),
    ],
)
def test_review_page_by_persona(clients, held, who, status, forms):
    r = clients[who].get(reverse("meetings:meeting_review", args=[held.pk]))
    assert r.status_code == status
    if status == 200:
        html = r.content.decode()
        assert "Chi bộ bản Áng" in html and "9/10" in html and "Khá" in html
        assert (url("confirm", held) in html) == forms


def test_review_page_shows_the_comment_to_the_secretary(clients, held, personas):
    services_review.meeting_return(meeting=held, actor=personas["commune"], comment="Ghi rõ giờ")
    r = clients["secretary_a"].get(reverse("meetings:meeting_review", args=[held.pk]))
    html = r.content.decode()
    assert "Ghi rõ giờ" in html and "Trả lại để bổ sung" in html
    assert "Đã ghi biên bản → Trả lại để bổ sung" in html  # the history, in words
    assert url("confirm", held) not in html  # nothing to review any more


def test_review_page_of_a_missing_meeting(clients):
    assert (
        clients["admin"].get(reverse("meetings:meeting_review", args=[999999])).status_code == 404
    )


def test_review_page_lists_guests_and_guidance(clients, held):
    held.guests.create(kind="assigned_official", name="Lò Văn Huyện", guidance="Chú ý thu hoạch")
    html = clients["commune"].get(reverse("meetings:meeting_review", args=[held.pk])).content
    assert "Lò Văn Huyện" in html.decode() and "Chú ý thu hoạch" in html.decode()
