"""Party-age badges: party age less interruptions, who is due at each award date, the rule as
dated data, awards recorded (audited, refused when wrong), the list and its .xlsx."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from chibo.core.models import AuditEvent
from chibo.members.badges import services
from chibo.members.badges.ages import party_age, reaches
from chibo.members.badges.selectors import award_dates, due_at
from chibo.members.models import BadgeAward, BadgeRule, PartyInterruption
from conftest import login_client, make_member

D = datetime.date


def test_party_age_less_interruptions():
    assert party_age(D(1990, 5, 19), D(2020, 5, 18)) == 29
    assert party_age(D(1990, 5, 19), D(2020, 5, 19)) == 30
    gap = [(D(2000, 1, 1), D(2002, 1, 1))]  # two years out of the Party (731 days)
    assert party_age(D(1990, 5, 19), D(2020, 5, 19), gap) == 28
    assert party_age(D(1990, 5, 19), D(2022, 5, 18), gap) == 29
    assert party_age(D(1990, 5, 19), D(2022, 5, 19), gap) == 30
    assert reaches(D(1990, 5, 19), 30) == D(2020, 5, 19)
    assert reaches(D(1990, 5, 19), 30, gap) == D(2022, 5, 19)
    assert reaches(D(1992, 2, 29), 30) == D(2022, 2, 28)


@pytest.mark.django_db
def test_the_rule_is_dated_data():
    days = [d for d, _r in award_dates(2023)]
    assert days == [D(2023, 2, 3), D(2023, 5, 19), D(2023, 9, 2), D(2023, 11, 7)]
    BadgeRule.objects.create(
        effective_from=D(2024, 1, 1), years=[30, 40], award_days=[[9, 2]], source="Thử"
    )
    assert [d for d, _r in award_dates(2024)] == [D(2024, 9, 2)]
    assert [d for d, _r in award_dates(2023)][-1] == D(2023, 11, 7)  # the past is unchanged


def make_old(tree, name, admitted, cell=None):
    return make_member(cell or tree.cell_a, name, admitted=admitted, born=admitted.year - 20)


@pytest.mark.django_db
def test_who_is_due_at_each_award_date(tree):
    a = make_old(tree, "Lò Văn Ba Mươi", D(1993, 3, 1))  # 30 years on 01/03/2023
    b = make_old(tree, "Cà Văn Bốn Mươi", D(1983, 1, 10))  # 40 on 10/01/2023
    c = make_old(tree, "Lù Văn Gián Đoạn", D(1993, 1, 1))  # 30 on 01/01/2023, less 1 year
    PartyInterruption.objects.create(member=c, start=D(2000, 1, 1), end=D(2001, 1, 1))
    make_old(tree, "Tòng Văn Ngoài", D(1980, 1, 1), cell=tree.cell_b)  # not in commune A
    awarded = make_old(tree, "Quàng Văn Đã Trao", D(1993, 1, 1))
    BadgeAward.objects.create(member=awarded, years=30, awarded_on=D(2023, 2, 3))
    rule = BadgeRule.objects.get()
    feb = due_at(tree.commune_a, D(2023, 2, 3), D(2022, 11, 7), rule)
    assert [(d.member.full_name, d.years, d.late) for d in feb] == [("Cà Văn Bốn Mươi", 40, False)]
    may = due_at(tree.commune_a, D(2023, 5, 19), D(2023, 2, 3), rule)
    assert [(d.member.full_name, d.years, d.late) for d in may] == [
        ("Lò Văn Ba Mươi", 30, False),  # in name order: given name, then middle names
        ("Cà Văn Bốn Mươi", 40, True),  # not awarded in February: still due, flagged
    ]
    late = due_at(tree.commune_a, D(2024, 2, 3), D(2023, 11, 7), rule)
    assert ("Lù Văn Gián Đoạn", 30) in [(d.member.full_name, d.years) for d in late]
    assert a.pk and b.pk


@pytest.mark.django_db
def test_award_refuses_bad_input_and_audits(tree, personas):
    admin = personas["admin"]
    m = make_old(tree, "Lò Văn Ba Mươi", D(1993, 3, 1))

    def refused(field, **kw):
        before = (BadgeAward.objects.count(), AuditEvent.objects.count())
        with pytest.raises(ValidationError) as exc:
            services.badge_award(member=m, actor=admin, **kw)
        assert field in exc.value.message_dict
        assert (BadgeAward.objects.count(), AuditEvent.objects.count()) == before

    refused("years", years=35, awarded_on=D(2023, 5, 19))
    refused("awarded_on", years=30, awarded_on=D(2023, 2, 3))  # not yet 30 years
    refused("awarded_on", years=30, awarded_on=D(2999, 5, 19))
    award = services.badge_award(
        member=m, years=30, awarded_on=D(2023, 5, 19), decision_number="12-QĐ/HU", actor=admin
    )
    assert AuditEvent.objects.filter(object_type="members.badgeaward", object_id=str(award.pk))
    refused("years", years=30, awarded_on=D(2023, 9, 2))


@pytest.mark.django_db
def test_interruption_refuses_overlaps(tree, personas):
    m = tree.member_a
    services.interruption_record(
        member=m, start=D(2012, 1, 1), end=D(2013, 1, 1), actor=personas["admin"]
    )
    for start, end in ((D(2012, 6, 1), D(2014, 1, 1)), (D(2014, 1, 1), D(2014, 1, 1))):
        with pytest.raises(ValidationError):
            services.interruption_record(member=m, start=start, end=end, actor=None)
    assert PartyInterruption.objects.count() == 1


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("admin", 200, 200),
        ("commune", 200, 200),
        ("secretary_a", 200, 200),
        ("analyst", 200, 404),
        ("official", 200, 404),
        ("member_a", 404, 404),
        ("secretary_b", 404, 404),
    ],
)
def test_badge_pages_access(persona, read, write, tree, clients):
    m = make_old(tree, "Lò Văn Ba Mươi", D(1993, 3, 1))
    client = clients[persona]
    assert client.get(f"/members/badges/{tree.cell_a.pk}/?year=2023").status_code == read
    assert (
        client.get(f"/members/badges/{tree.cell_a.pk}/?year=2023&format=xlsx").status_code == read
    )
    r = client.post(
        f"/members/{m.pk}/badge/", {"years": "30", "awarded_on": "19/05/2023", "note": ""}
    )
    assert r.status_code == (302 if write == 200 else 404)
    assert BadgeAward.objects.filter(member=m).exists() is (write == 200)


@pytest.mark.django_db
def test_badge_list_and_xlsx(tree, clients):
    make_old(tree, "Lò Văn Ba Mươi", D(1993, 3, 1))
    client = clients["commune"]
    body = client.get(f"/members/badges/{tree.commune_a.pk}/?year=2023").content.decode()
    assert "Đợt 19/05/2023: 1 đảng viên" in body and "Lò Văn Ba Mươi" in body
    assert "Ghi trao tặng" in body
    r = client.get(f"/members/badges/{tree.commune_a.pk}/?year=2023&format=xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Đợt 03-02-2023", "Đợt 19-05-2023", "Đợt 02-09-2023", "Đợt 07-11-2023"]
    rows = list(wb["Đợt 19-05-2023"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[5]) for r in rows] == [("Lò Văn Ba Mươi", 30)]
    assert client.get(f"/members/badges/{tree.commune_a.pk}/?year=abc").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 8])
def test_badge_list_query_count_does_not_grow(n, tree, personas):
    for i in range(n):
        make_old(tree, f"Lò Văn Số{i:02d}", D(1983, 1, 1 + i))
    client = login_client(personas["admin"])
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(f"/members/badges/{tree.district.pk}/?year=2023")
    assert r.status_code == 200
    # The organization (1); the rules of the year and of the year before (2); for each of the
    # 4 award dates: the path (1), interruptions (1), awards (1), the candidates' admission
    # dates (1), the members due with their cells (1);
    # the awards of the year (1). Four statements are the page's frame (as in test_views).
    assert len(ctx.captured_queries) == 4 + 1 + 2 + 4 * 5 + 1, [
        q["sql"] for q in ctx.captured_queries
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("secretary_a", True), ("commune", True), ("analyst", False), ("secretary_b", False)],
)
def test_interruption_page(persona, allowed, tree, clients):
    url = f"/members/{tree.member_a.pk}/interruption/"
    r = clients[persona].post(url, {"start": "01/01/2012", "end": "01/01/2013", "note": "x"})
    assert r.status_code == (302 if allowed else 404)
    assert PartyInterruption.objects.filter(member=tree.member_a).exists() is allowed
    if allowed:
        body = clients[persona].get(f"/members/{tree.member_a.pk}/").content.decode()
        assert "01/01/2012–01/01/2013" in body
        # A second, overlapping one: the form says why, nothing is written.
        r = clients[persona].post(url, {"start": "01/06/2012", "end": "01/01/2014"})
        assert r.status_code == 200 and "Trùng với một thời gian gián đoạn" in r.content.decode()
        assert PartyInterruption.objects.count() == 1


def _send_twice(client, url, data):
    body = client.get(url).content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', body)[1]
    first = client.post(url, {**data, "submission_key": key})
    assert first.status_code == 302
    again = client.post(url, {**data, "submission_key": key}, follow=True)
    assert again.redirect_chain == [(first["Location"], 302)]
    assert "Trang này đã được gửi trước đó; không tạo thêm." in again.content.decode()


@pytest.mark.django_db
def test_an_award_and_an_interruption_sent_twice_are_recorded_once(tree, clients):
    """The forms carry a submission key (issue 14): back, then submit again, leads to the
    member's record; before, the second was refused (the badge awarded, the dates overlapping)."""
    m = make_old(tree, "Lò Văn Ba Mươi", D(1993, 3, 1))
    client = clients["secretary_a"]
    _send_twice(client, f"/members/{m.pk}/badge/", {"years": "30", "awarded_on": "19/05/2023"})
    assert BadgeAward.objects.filter(member=m).count() == 1
    data = {"start": "01/01/2012", "end": "01/01/2013", "note": "x"}
    _send_twice(client, f"/members/{tree.member_a.pk}/interruption/", data)
    assert PartyInterruption.objects.filter(member=tree.member_a).count() == 1
