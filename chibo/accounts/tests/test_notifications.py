"""Notifications: the one service other apps call (notify, notify_many, settle), the inbox (own
only: anyone else's is a 404), opening one (read, then its thing), marking all read, the unread
count in the top bar (one query per request), and the move of the old rows from meetings."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo.accounts import notifications as notes
from chibo.accounts.context_processors import nav
from chibo.accounts.models import Notification, User
from conftest import login_client, make_member

pytestmark = pytest.mark.django_db


def test_notify_a_user_or_a_member(personas, tree, django_capture_on_commit_callbacks):
    member = personas["member_a"]
    member.email = "an@example.vn"
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        n = notes.notify(
            recipient=tree.member_a,  # a Member: their account
            kind="reminder",
            url="/members/1/",
            text="  Sắp   hết thời gian dự bị  ",
            email_subject="Nhắc việc",
        )
    assert (n.user, n.kind, n.url, n.text, n.read_at) == (
        member,
        "reminder",
        "/members/1/",
        "Sắp hết thời gian dự bị",
        None,
    )
    assert [(e.subject, e.to) for e in mail.outbox] == [("Nhắc việc", ["an@example.vn"])]
    assert notes.notify(recipient=personas["commune"], kind="k", url="", text="x" * 400).text == (
        "x" * 299 + "…"
    )


def test_no_one_to_tell(tree, personas):
    alone = make_member(tree.cell_a, "Không tài khoản")
    assert notes.notify(recipient=alone, kind="k", url="/", text="t") is None
    personas["official"].is_active = False
    personas["official"].save()
    assert notes.notify(recipient=personas["official"], kind="k", url="/", text="t") is None
    assert not Notification.objects.exists()


def test_a_key_makes_it_once_or_renews_it(personas):
    user = personas["secretary_a"]
    first = notes.notify(recipient=user, kind="k", url="/a/", text="Một", key="thing:1:k")
    assert notes.notify(recipient=user, kind="k", url="/b/", text="Hai", key="thing:1:k") is None
    notes.notifications_mark_all_read(user=user, actor=user)
    again = notes.notify(
        recipient=user, kind="k", url="/b/", text="Hai", key="thing:1:k", renew=True
    )
    assert again.pk == first.pk
    db = Notification.objects.get()
    assert (db.text, db.url, db.read_at) == ("Hai", "/b/", None)
    # the same key for someone else is their own notification
    assert notes.notify(recipient=personas["commune"], kind="k", url="/", text="x", key="thing:1:k")


def test_notify_many_skips_those_told_and_those_without_account(personas, tree):
    users = [personas["member_a"], personas["secretary_a"], tree.member_b]  # member B: no account
    new = notes.notify_many(
        recipients=users, kind="invitation", url=lambda u: f"/u/{u.pk}/", text="Mời", key="m:1"
    )
    assert {n.user for n in new} == {personas["member_a"], personas["secretary_a"]}
    assert {n.url for n in new} == {f"/u/{u.pk}/" for u in users[:2]}
    more = notes.notify_many(
        recipients=users + [personas["official"]], kind="invitation", url="/", text="x", key="m:1"
    )
    assert [n.user for n in more] == [personas["official"]]
    assert notes.settle(key="m:1") == 3
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert not Notification.objects.filter(settled_at__isnull=True).exists()
    assert notes.settle(key="m:1") == 0  # settled once


def test_read_is_not_done_a_reminder_stays_open_until_settled(personas):
    user, other = personas["secretary_a"], personas["commune"]
    key = f"{notes.REMINDER_PREFIX}ceremony:7"
    notes.notify_many(recipients=[user, other], kind="ceremony", url="/", text="Lễ", key=key)
    notes.notify(recipient=user, kind="note", url="/", text="Không phải nhắc việc", key="m:2")
    mine = Notification.objects.get(user=user, key=key)
    notes.notification_open(notification=mine, actor=user)
    notes.notifications_mark_all_read(user=user, actor=user)
    read_at = Notification.objects.get(pk=mine.pk).read_at
    assert [n.pk for n in notes.open_reminders(user)] == [mine.pk]  # read, still to do

    assert notes.settle(key=key) == 2
    assert notes.open_reminders(user) == [] and notes.open_reminders(other) == []
    settled = {n.user_id: n for n in Notification.objects.filter(key=key)}
    assert settled[user.pk].read_at == read_at  # its reading kept
    assert settled[other.pk].read_at == settled[other.pk].settled_at  # read by the settling
    # due again (renewed): open again, unread
    notes.notify(recipient=user, kind="ceremony_overdue", url="/", text="Lại", key=key, renew=True)
    assert [(n.text, n.read_at) for n in notes.open_reminders(user)] == [("Lại", None)]


def test_settle_gone_keeps_the_reminders_still_due(personas):
    user = personas["secretary_a"]
    p = f"{notes.REMINDER_PREFIX}waiting:"
    for key in (f"{p}1:a", f"{p}2:a", f"{notes.REMINDER_PREFIX}badge:1:30"):
        notes.notify(recipient=user, kind="k", url="/", text=key, key=key)
    notes.notifications_mark_all_read(user=user, actor=user)
    assert notes.settle_gone(prefix=p, keep={f"{p}2:a"}) == 1
    assert {n.text for n in notes.open_reminders(user)} == {
        f"{p}2:a",
        f"{notes.REMINDER_PREFIX}badge:1:30",
    }
    assert notes.settle_gone(prefix=p, keep={f"{p}2:a"}) == 0


# --- the inbox ------------------------------------------------------------------------------------


@pytest.fixture
def inbox(personas):
    member, secretary = personas["member_a"], personas["secretary_a"]
    return {
        "invite": notes.notify(
            recipient=member, kind="invitation", url="/meetings/my/#meeting-9", text="Mời dự họp"
        ),
        "plain": notes.notify(recipient=member, kind="note", url="", text="Thông báo chung"),
        "away": Notification.objects.create(
            user=member, kind="note", url="https://example.com/x", text="Liên kết ngoài"
        ),
        "returned": notes.notify(
            recipient=secretary, kind="returned", url="/meetings/3/record/", text="Bị trả lại"
        ),
    }


def test_inbox_lists_only_own(inbox, clients):
    html = clients["member_a"].get(reverse("accounts:notifications")).content.decode()
    assert "Mời dự họp" in html and "Thông báo chung" in html and "Bị trả lại" not in html
    assert html.count("Chưa đọc") == 3 and "Đã xong" not in html
    notes.settle(key="")  # no key: nothing to settle
    Notification.objects.filter(pk=inbox["plain"].pk).update(key="x:1")
    notes.settle(key="x:1")
    html = clients["member_a"].get(reverse("accounts:notifications")).content.decode()
    assert html.count("Chưa đọc") == 2 and html.count("Đã xong") == 1
    html = clients["secretary_b"].get(reverse("accounts:notifications")).content.decode()
    assert "Bạn chưa có thông báo nào" in html


def test_open_marks_read_and_leads_to_its_thing(inbox, clients):
    c = clients["member_a"]
    n = inbox["invite"]
    r = c.post(reverse("accounts:notification_open", args=[n.pk]))
    assert r.status_code == 302 and r["Location"] == "/meetings/my/#meeting-9"
    n.refresh_from_db()
    first = n.read_at
    assert first is not None
    c.post(reverse("accounts:notification_open", args=[n.pk]))
    n.refresh_from_db()
    assert n.read_at == first  # the first reading is kept
    for name in ("plain", "away"):  # no link, or one outside chibo: the inbox
        r = c.post(reverse("accounts:notification_open", args=[inbox[name].pk]))
        assert (
            r["Location"] == reverse("accounts:notifications") + f"#notification-{inbox[name].pk}"
        )


def test_open_is_post_only_and_own_only(inbox, clients):
    n = inbox["returned"]
    url = reverse("accounts:notification_open", args=[n.pk])
    assert clients["secretary_a"].get(url).status_code == 405
    assert clients["member_a"].post(url).status_code == 404
    assert clients["secretary_b"].post(url).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read_touches_only_own(inbox, clients):
    r = clients["member_a"].post(reverse("accounts:notifications_read_all"))
    assert r.status_code == 302
    assert not Notification.objects.filter(user=inbox["invite"].user, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=inbox["returned"].pk).read_at is None
    assert clients["member_a"].get(reverse("accounts:notifications_read_all")).status_code == 405


def test_inbox_bad_page_is_400(inbox, clients):
    r = clients["member_a"].get(reverse("accounts:notifications"), {"page": "-1"})
    assert r.status_code == 400


def test_unread_count_in_the_top_bar(inbox, clients):
    link = '<a href="/accounts/notifications/">Thông báo ({})</a>'
    c = clients["member_a"]
    assert link.format(3) in c.get(reverse("accounts:tokens")).content.decode()
    c.post(reverse("accounts:notification_open", args=[inbox["invite"].pk]))
    assert link.format(2) in c.get(reverse("accounts:tokens")).content.decode()
    assert link.format(0) in clients["admin"].get(reverse("accounts:tokens")).content.decode()


# Every signed-in page costs 2 queries before the view (session, the user with the roles held
# today; a member reads no TOTP device); the inbox adds its count and its page, and the top
# bar's unread count is one more query, counted once however many times the page shows it.
@pytest.mark.parametrize("size", [1, 30])
def test_inbox_query_count(personas, size, django_assert_num_queries):
    user = personas["member_a"]
    notes.notify_many(
        recipients=[user], kind="k", url="/", text="x", key="seed:0"
    )  # the rest without keys
    for i in range(size):
        notes.notify(recipient=user, kind="k", url=f"/t/{i}/", text=f"Việc {i}")
    client = login_client(user)
    with django_assert_num_queries(2 + 2 + 1):
        r = client.get(reverse("accounts:notifications"))
    assert f"Việc {size - 1}" in r.content.decode()


def test_the_header_count_is_one_query_per_request(rf, personas):
    request = rf.get("/")
    request.user = personas["member_a"]
    notes.notify(recipient=request.user, kind="k", url="/", text="x")
    context = nav(request)
    with CaptureQueriesContext(connection) as q:
        assert str(context["nav_unread"]) == "1"
        assert str(nav(request)["nav_unread"]) == "1"  # a second template, the same request
    assert len(q.captured_queries) == 1


def test_an_inactive_user_is_not_notified_by_many(personas):
    User.objects.filter(pk=personas["official"].pk).update(is_active=False)
    official = User.objects.get(pk=personas["official"].pk)
    assert notes.notify_many(recipients=[official], kind="k", url="/", text="x") == []
