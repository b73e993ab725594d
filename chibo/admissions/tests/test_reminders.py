"""The daily reminders: each kind reaches the cell's secretary and the staff over the cell the rule
names and nobody else, once however often it runs, is settled when its thing is recorded, shows
on the home page of those it reaches, and is computed in a fixed number of queries."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from chibo.accounts.models import Notification
from chibo.admissions import reminders, services
from chibo.admissions.models import AdmissionRule, Step
from chibo.members.badges import services as badge_services
from conftest import login_client, make_member

from .helpers import new_candidate, walk

pytestmark = pytest.mark.django_db
D = datetime.date


def told(key) -> dict[str, bool]:
    """username -> whether their notification with `key` is still unread."""
    return {
        n.user.username: n.read_at is None
        for n in Notification.objects.filter(key=key).select_related("user")
    }


def step(candidate, kind, on, number="1"):
    return services.step_record(actor=None, candidate=candidate, kind=kind, on=on, number=number)


def test_ceremony_overdue_reaches_the_cell_and_the_board_once_and_is_settled(tree, personas):
    c = new_candidate(tree)
    walk(tree, c, Step.DECISION)  # decided 22/03/2021: 30 working days end in early May
    assert reminders.ceremonies_overdue(D(2021, 4, 20)) == []
    [r] = reminders.ceremonies_overdue(D(2021, 6, 1))
    assert r.key == reminders.ceremony_key(c.pk) and r.url == f"/admissions/{c.pk}/"
    assert "Lường Văn Mới" in r.text and "Chi bộ bản Áng" in r.text

    counts = reminders.send(D(2021, 6, 1))
    assert counts[reminders.CEREMONY] == (1, 2, 0)
    assert told(r.key) == {"secretary_a": True, "admin": True}  # not the commune, not cell B
    assert Notification.objects.get(key=r.key, user=personas["admin"]).url == r.url
    assert reminders.send(D(2021, 6, 2))[reminders.CEREMONY] == (1, 0, 0)  # once
    assert Notification.objects.filter(key=r.key).count() == 2

    step(c, Step.CEREMONY, D(2021, 6, 5), "")
    assert told(r.key) == {"secretary_a": False, "admin": False}
    assert reminders.ceremonies_overdue(D(2021, 6, 10)) == []


def test_probation_ending_reaches_the_cell_and_the_commune_until_the_cell_resolves(tree, personas):
    c = new_candidate(tree)
    walk(tree, c, Step.CEREMONY)  # 05/04/2021: probation ends 05/04/2022
    assert reminders.probation_ending(D(2022, 3, 5)) == []  # 31 days before
    [r] = reminders.probation_ending(D(2022, 3, 6))
    assert r.key == reminders.probation_key(c.pk, D(2022, 4, 5)) and "05/04/2022" in r.text
    reminders.send(D(2022, 3, 6))
    assert told(r.key) == {"secretary_a": True, "commune": True}
    assert reminders.send(D(2022, 3, 7))[reminders.PROBATION] == (1, 0, 0)

    step(c, Step.CELL_RECOGNITION, D(2022, 4, 5), "07-NQ/CB")
    assert told(r.key) == {"secretary_a": False, "commune": False}
    assert reminders.probation_ending(D(2022, 4, 6)) == []


def test_an_extension_settles_the_reminder_and_its_new_end_is_reminded_again(tree, personas):
    c = new_candidate(tree)
    walk(tree, c, Step.CEREMONY)
    reminders.send(D(2022, 3, 10))
    services.step_record(
        actor=None,
        candidate=c,
        kind=Step.EXTENSION,
        on=D(2022, 3, 20),
        number="30-QĐ/HU",
        until=D(2022, 9, 1),
    )
    assert told(reminders.probation_key(c.pk, D(2022, 4, 5))) == {
        "secretary_a": False,
        "commune": False,
    }
    assert reminders.probation_ending(D(2022, 4, 10)) == []
    [r] = reminders.probation_ending(D(2022, 8, 10))
    assert r.key == reminders.probation_key(c.pk, D(2022, 9, 1))


def test_waiting_follows_the_rule_in_force_and_is_settled_by_the_step(tree, personas):
    c = new_candidate(tree)
    walk(tree, c, Step.COURSE)  # 20/01/2021, then nothing
    assert reminders.waiting_long(D(2021, 4, 19)) == []
    [r] = reminders.waiting_long(D(2021, 4, 20))  # three months (AdmissionRule 2021)
    assert r.key == reminders.waiting_key(c.pk, Step.APPLICATION)
    assert "Chờ đơn xin vào Đảng" in r.text and "20/01/2021" in r.text
    reminders.send(D(2021, 4, 20))
    assert told(r.key) == {"secretary_a": True, "commune": True}

    # The threshold is data: a rule of six months in force from April waits longer.
    base = AdmissionRule.in_force(D(2021, 4, 20))
    AdmissionRule.objects.create(
        effective_from=D(2021, 4, 1),
        source="Hướng dẫn thử",
        ceremony_working_days=base.ceremony_working_days,
        probation_months=base.probation_months,
        waiting_alert_months=6,
    )
    assert reminders.waiting_long(D(2021, 4, 20)) == []
    assert len(reminders.waiting_long(D(2021, 7, 20))) == 1
    # A run for a past day settles nothing; a run for today settles what is no longer due.
    assert reminders.send(D(2021, 4, 21))[reminders.WAITING] == (0, 0, 0)
    assert told(r.key) == {"secretary_a": True, "commune": True}
    assert reminders.send(D(2021, 4, 21), settle=True)[reminders.WAITING] == (0, 0, 2)
    assert told(r.key) == {"secretary_a": False, "commune": False}

    [again] = reminders.waiting_long(D(2021, 7, 20))
    assert again.key == r.key  # the same wait: already told, not told twice
    assert reminders.send(D(2021, 7, 20))[reminders.WAITING] == (1, 0, 0)


def test_the_step_waited_for_settles_the_wait(tree, personas):
    c = new_candidate(tree)
    walk(tree, c, Step.COURSE)
    reminders.send(D(2021, 4, 20))
    key = reminders.waiting_key(c.pk, Step.APPLICATION)
    assert told(key) == {"secretary_a": True, "commune": True}
    step(c, Step.APPLICATION, D(2021, 4, 22), "")
    assert told(key) == {"secretary_a": False, "commune": False}
    assert reminders.waiting_long(D(2021, 5, 1)) == []


def test_badge_due_reaches_the_commune_and_the_board_and_is_settled_by_the_award(tree, personas):
    m = make_member(tree.cell_a, "Hà Văn Lâu", born=1960, admitted=D(1995, 1, 10))
    [r] = reminders.badges_due(D(2025, 1, 20))  # 30 years on 10/01/2025, award day 03/02/2025
    assert "Hà Văn Lâu" in r.text and "03/02/2025" in r.text and "30" in r.text
    assert r.url == f"/members/{m.pk}/badge/"
    assert reminders.send(D(2025, 1, 20))[reminders.BADGE] == (1, 2, 0)
    assert told(r.key) == {"commune": True, "admin": True}  # not the cell's secretary, not B
    assert reminders.send(D(2025, 1, 21))[reminders.BADGE] == (1, 0, 0)

    badge_services.badge_award(member=m, years=30, awarded_on=D(2025, 2, 3), actor=None)
    assert told(r.key) == {"commune": False, "admin": False}
    assert reminders.badges_due(D(2025, 2, 10)) == []


def test_the_homes_show_the_open_reminders_to_those_told_only(tree, personas):
    c = new_candidate(tree)
    walk(tree, c, Step.DECISION)
    reminders.send(D(2021, 6, 1))
    text = "Quá hạn tổ chức lễ kết nạp Lường Văn Mới"
    page = login_client(personas["secretary_a"]).get("/").content.decode()
    assert "Cần làm" in page and text in page and f'href="/admissions/{c.pk}/"' in page
    admin = login_client(personas["admin"])
    board = admin.get(reverse("organizations:detail", args=[tree.district.pk]))
    assert text in board.content.decode()
    # Not on every page the board reads: only where they hold their role (their home).
    other = admin.get(reverse("organizations:detail", args=[tree.commune_a.pk]))
    assert other.status_code == 200 and text not in other.content.decode()
    for outsider in ("secretary_b", "commune"):
        assert text not in login_client(personas[outsider]).get("/").content.decode()
    # Done: settled, gone from the home.
    step(c, Step.CEREMONY, D(2021, 6, 5), "")
    assert text not in login_client(personas["secretary_a"]).get("/").content.decode()


def test_a_reminder_read_in_the_inbox_stays_on_the_home_until_done(tree, personas):
    c = new_candidate(tree)
    walk(tree, c, Step.DECISION)
    reminders.send(D(2021, 6, 1))
    text = "Quá hạn tổ chức lễ kết nạp Lường Văn Mới"
    client = login_client(personas["secretary_a"])
    mine = Notification.objects.get(key=reminders.ceremony_key(c.pk), user=personas["secretary_a"])
    opened = client.post(reverse("accounts:notification_open", args=[mine.pk]))
    assert opened.status_code == 302 and opened["Location"] == f"/admissions/{c.pk}/"
    client.post(reverse("accounts:notifications_read_all"))
    mine.refresh_from_db()
    assert mine.read_at is not None and mine.settled_at is None
    home = client.get("/").content.decode()
    assert "Cần làm" in home and text in home  # read, not done: still to do
    # A run the next day neither sends it again nor settles it: it is still due.
    assert reminders.send(D(2021, 6, 2), settle=True)[reminders.CEREMONY] == (1, 0, 0)
    assert text in client.get("/").content.decode()

    step(c, Step.CEREMONY, D(2021, 6, 5), "")
    mine.refresh_from_db()
    assert mine.settled_at is not None
    assert text not in client.get("/").content.decode()


def test_the_command_sends_and_says_how_many(tree, personas, capsys):
    c = new_candidate(tree)
    walk(tree, c, Step.DECISION)
    call_command("remind", on="01/06/2021")
    out = capsys.readouterr().out
    assert "Nhắc việc ngày 01/06/2021:" in out
    assert "- Quá hạn tổ chức lễ kết nạp: 1 việc, 2 thông báo mới, 0 đã xong." in out
    assert "Đã gửi 2 thông báo." in out
    call_command("remind", on="01/06/2021")
    assert "Đã gửi 0 thông báo." in capsys.readouterr().out
    with pytest.raises(CommandError, match="dd/mm/yyyy"):
        call_command("remind", on="31/02/2021")


# The rules, the holidays, the candidates on the way in, their steps; for the badges, the
# award dates of three years, the roots, due_at's five queries, the cells' paths.
QUERIES = {
    reminders.PROBATION: 4,
    reminders.CEREMONY: 4,
    reminders.WAITING: 4,
    reminders.BADGE: 3 + 1 + 5 + 1,
}


# Each kind: the last step its candidates reach, and the day asked.
CASES = {
    reminders.PROBATION: (Step.CEREMONY, D(2022, 3, 10)),
    reminders.CEREMONY: (Step.DECISION, D(2021, 6, 1)),
    reminders.WAITING: (Step.COURSE, D(2021, 6, 1)),
    reminders.BADGE: (Step.COURSE, D(2025, 1, 20)),
}


@pytest.mark.parametrize("kind", reminders.KINDS)
def test_the_selectors_read_a_fixed_number_of_queries(tree, kind, django_assert_num_queries):
    until, on = CASES[kind]
    found = []
    for n in (1, 4):
        for i in range(n):
            c = new_candidate(tree, name=f"Quần chúng {n} {i}")
            walk(tree, c, until)
            make_member(tree.cell_a, f"Lâu năm {n} {i}", born=1960, admitted=D(1995, 1, 10))
        with django_assert_num_queries(QUERIES[kind]):
            found.append(len(reminders.SELECTORS[kind](on)))
    assert found == [1, 5]
