"""Member statistics: the increases and decreases of a period from the dated rows, the
breakdowns at its end, every number linked to its members, the .xlsx equal to the page."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from chibo.members import services as member_services
from chibo.members.models import Member, Membership, Status, StatusChange
from chibo.members.movements import services as mv
from chibo.members.rules import status_kind
from chibo.members.statistics.selectors import compute, education_level
from conftest import login_client, make_member

D = datetime.date
START, END = D(2023, 1, 1), D(2023, 6, 30)
PERIOD = "start=01/01/2023&end=30/06/2023"


def scenario(tree, actor=None):
    """In commune A over the first half of 2023: one admitted, one transferred in from
    commune B, one moved between its cells, one died, one expelled, one removed, one moved
    out of the district; returns the names by role."""
    x = make_member(tree.cell_a2, "Quàng Văn Xưa", admitted=D(1960, 2, 3), born=1938)
    y = make_member(tree.cell_a2, "Lò Văn Yên", admitted=D(2000, 1, 1))
    z = make_member(tree.cell_a, "Tòng Văn Zung", admitted=D(2001, 1, 1))
    w = make_member(tree.cell_a, "Hà Thị Wăn", admitted=D(2002, 1, 1), sex="female")
    new = make_member(
        tree.cell_a,
        "Vì Thị Mới",
        admitted=D(2023, 3, 1),
        official=False,
        born=1998,
        sex="female",
        ethnicity="Kinh",
    )
    Member.objects.filter(pk=new.pk).update(education="12/12", occupation="Nông dân")
    member_services.member_transfer(
        member=tree.member_b, to_cell=tree.cell_a, on=D(2023, 4, 1), actor=actor
    )
    member_services.member_transfer(
        member=tree.member_a, to_cell=tree.cell_a2, on=D(2023, 2, 15), actor=actor
    )
    mv.member_record_death(member=x, on=D(2023, 2, 1), actor=actor)
    mv.member_remove(
        member=y,
        on=D(2023, 3, 15),
        kind=StatusChange.Kind.EXPULSION,
        decided_by="UBKT Huyện ủy",
        decision_number="1-QĐ",
        actor=actor,
    )
    mv.member_remove(
        member=z,
        on=D(2023, 4, 15),
        kind=StatusChange.Kind.REMOVAL,
        decided_by="Đảng ủy xã",
        decision_number="2-QĐ",
        actor=actor,
    )
    mv.member_transfer_out(
        member=w, on=D(2023, 6, 1), letter_number="7", place="Đảng bộ tỉnh Khác", actor=actor
    )
    # After the period: not counted in it.
    mv.member_exempt(member=tree.secretary_member_a, on=D(2023, 8, 1), reason="Ốm", actor=actor)
    return {"x": x, "y": y, "z": z, "w": w, "new": new}


def names(ids):
    return sorted(Member.objects.filter(pk__in=ids).values_list("full_name", flat=True))


@pytest.mark.django_db
def test_changes_of_a_commune_and_of_the_district(tree):
    scenario(tree)
    s = compute(tree.commune_a, START, END)
    counts = {
        k: s.count(f"change:{k}")
        for k in (
            "opening",
            "increase",
            "admitted",
            "transferred_in",
            "other_in",
            "decrease",
            "died",
            "transferred_out",
            "removed",
            "expelled",
            "closing",
        )
    }
    assert counts == {
        "opening": 6,
        "increase": 2,
        "admitted": 1,
        "transferred_in": 1,
        "other_in": 0,
        "decrease": 4,
        "died": 1,
        "transferred_out": 1,
        "removed": 1,
        "expelled": 1,
        "closing": 4,
    }
    assert names(s.members("change:transferred_in")) == ["Cầm Văn Bình"]
    assert names(s.members("change:expelled")) == ["Lò Văn Yên"]
    assert names(s.members("change:removed")) == ["Tòng Văn Zung"]
    assert names(s.members("change:closing")) == [
        "Cầm Văn Bình",
        "Lò Thị Ánh",
        "Nguyễn Văn An",
        "Vì Thị Mới",
    ]
    assert s.count("standing:probationary") == 1 and s.count("standing:official") == 3
    assert names(s.members("adm_sex:female")) == ["Vì Thị Mới"]
    assert s.count("adm_ethnicity:Kinh") == 1
    assert s.count("adm_age:0-30") == 1
    assert s.count("adm_education:Trung học phổ thông") == 1
    assert s.count("adm_occupation:Nông dân") == 1
    # The district: the transfer from commune B is a move inside it, not an increase.
    s = compute(tree.district, START, END)
    assert (s.count("change:opening"), s.count("change:increase")) == (7, 1)
    assert (s.count("change:decrease"), s.count("change:closing")) == (4, 4)
    assert s.count("change:transferred_in") == 0
    # Commune B lost one member to commune A.
    s = compute(tree.commune_b, START, END)
    assert names(s.members("change:transferred_out")) == ["Cầm Văn Bình"]


@pytest.mark.django_db
def test_a_removal_whose_decision_is_not_recorded_is_not_counted_as_xoa_ten(tree):
    """An imported «Đã ra khỏi Đảng» (the workbook writes the change with the kind the status
    alone gives: none) is neither xóa tên nor khai trừ: it has a row of its own, shown when it
    counts, and still counts in the decrease."""
    gone = make_member(tree.cell_a, "Lường Văn Đi", admitted=D(2001, 1, 1))
    on = D(2023, 5, 10)
    Membership.objects.filter(member=gone).update(end=on)
    StatusChange.objects.create(
        member=gone,
        status=Status.REMOVED,
        previous=Status.ACTIVE,
        kind=status_kind(Status.REMOVED),
        on=on,
    )
    Member.objects.filter(pk=gone.pk).update(status=Status.REMOVED, status_since=on)
    s = compute(tree.commune_a, START, END)
    assert (s.count("change:removed"), s.count("change:expelled")) == (0, 0)
    assert names(s.members("change:left_unrecorded")) == ["Lường Văn Đi"]
    assert s.count("change:decrease") == 1
    labels = dict(s.rows["change"])
    assert labels["change:left_unrecorded"] == "— Ra khỏi Đảng, chưa ghi xóa tên hay khai trừ"
    # Before it: no such row (the report's form has none).
    s = compute(tree.commune_a, START, D(2023, 5, 9))
    assert "change:left_unrecorded" not in dict(s.rows["change"])
    assert "change:removed" in dict(s.rows["change"])


@pytest.mark.django_db
def test_a_period_is_the_same_before_and_after_a_later_change(tree):
    found = scenario(tree)
    before = {k: set(v) for k, v in compute(tree.commune_a, START, END).groups().items()}
    mv.member_record_death(member=found["new"], on=D(2024, 1, 5), actor=None)
    after = {k: set(v) for k, v in compute(tree.commune_a, START, END).groups().items()}
    assert before == after


@pytest.mark.django_db
def test_breakdowns_at_the_end_of_the_period(tree):
    scenario(tree)
    s = compute(tree.commune_a, START, END)
    closing = s.count("change:closing")
    for section in (
        "sex",
        "age",
        "party_age",
        "ethnicity",
        "religion",
        "education",
        "qualification",
        "theory",
        "standing",
    ):
        rows = s.rows[section]
        assert sum(s.count(k) for k, _l in rows) == closing, section
    # Party age on 30/06/2023: admitted 19/05/2010 → 13 years; 01/03/2023 → 0.
    assert s.count("party_age:10-19") == 3 and s.count("party_age:0-9") == 1
    assert s.count("theory:basic") == 1  # Lò Thị Ánh
    assert s.count("religion:Không") == 4
    assert ("religion:Không", "Không theo tôn giáo") in s.rows["religion"]
    with translation.override("en"):  # (the labels are lazy: read in the language)
        s_en = compute(tree.commune_a, START, D(2023, 6, 30))
        assert ("religion:Không", "No religion") in s_en.rows["religion"]
        assert ("qualification:", "Not trained") in s_en.rows["qualification"]
    # Exempt on 30/06/2023: nobody (the exemption of 01/08/2023 is after the period).
    assert s.rows["exempt"] == [("exempt:exempt", "Miễn sinh hoạt")]
    assert s.count("exempt:exempt") == 0
    s = compute(tree.commune_a, START, D(2023, 8, 1))
    assert names(s.members("exempt:exempt")) == ["Lò Thị Ánh"]


@pytest.mark.django_db
def test_bands_at_their_limits_and_every_count_is_its_members(tree):
    """The breakdowns are counted column by column (the dates by bisecting at the bands'
    limits) and the members behind a figure found row by row: both agree, at the limits too."""
    from chibo.members.models import PartyInterruption
    from chibo.members.rules import probation_end

    scenario(tree)
    end = D(2024, 2, 29)
    people = {
        # born: 31 on the last day (31–40), 30 the day after (≤ 30), on 29/02 (31 on 29/02)
        "Lò Văn Ba Mốt": (D(1993, 2, 28), D(2014, 3, 1)),
        "Lò Văn Ba Mươi": (D(1993, 3, 1), D(2014, 2, 28)),
        "Lò Thị Nhuận": (D(1992, 2, 29), D(2014, 2, 28)),
    }
    made = {}
    for name, (born, admitted) in people.items():
        m = make_member(tree.cell_a, name, admitted=D(2010, 5, 19))
        Member.objects.filter(pk=m.pk).update(
            birth_date=born, admission_date=admitted, official_date=probation_end(admitted)
        )
        made[name] = m
    # 10 years of party age on 29/02/2024 less a year out of the Party: 9.
    PartyInterruption.objects.create(
        member=made["Lò Thị Nhuận"], start=D(2016, 1, 1), end=D(2017, 1, 1)
    )
    s = compute(tree.commune_a, START, end)
    assert names(s.members("age:31-40")) == ["Lò Thị Nhuận", "Lò Văn Ba Mốt"]
    assert names(s.members("age:0-30")) == ["Lò Văn Ba Mươi", "Vì Thị Mới"]
    assert "Lò Văn Ba Mươi" in names(s.members("party_age:10-19"))  # 28/02/2014: 10 years
    assert "Lò Văn Ba Mốt" in names(s.members("party_age:0-9"))  # 01/03/2014: 9 years
    assert "Lò Thị Nhuận" in names(s.members("party_age:0-9"))  # less the interruption
    assert names(s.members("standing:probationary")) == ["Vì Thị Mới"]
    closing = s.count("change:closing")
    assert closing == 7
    for key, n in s.counts.items():
        assert len(s.members(key)) == n, key
    for section in ("age", "party_age", "standing", "sex", "religion", "education", "theory"):
        assert sum(s.count(k) for k, _l in s.rows[section]) == closing, section


def test_education_levels():
    assert education_level("12/12") == "Trung học phổ thông"
    assert education_level("9/12") == "Trung học cơ sở"
    assert education_level("7/10") == "Trung học cơ sở"
    assert education_level("4/10") == "Tiểu học"
    assert education_level("") == "Chưa rõ"
    assert education_level("Đại học") == "Đại học"


# --- pages ---------------------------------------------------------------------------------


def page_numbers(body: str) -> dict:
    return {
        k: int(v.replace(".", ""))
        for k, v in re.findall(r'data-key="([^"]+)" href="[^"]+">([\d.]+)</a>', body)
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", 200),
        ("analyst", 200),
        ("commune", 200),
        ("secretary_a", 200),
        ("official", 200),  # read-only, assigned to cell A
        ("member_a", 404),
        ("secretary_b", 404),  # outsider
    ],
)
def test_statistics_access(persona, expected, tree, clients):
    for url in (
        f"/members/statistics/{tree.cell_a.pk}/?{PERIOD}",
        f"/members/statistics/{tree.cell_a.pk}/?{PERIOD}&format=xlsx",
        f"/members/statistics/{tree.cell_a.pk}/members/?{PERIOD}&key=change:closing",
    ):
        assert clients[persona].get(url).status_code == expected, url


@pytest.mark.django_db
def test_page_xlsx_and_lists_agree(tree, clients):
    scenario(tree)
    client = clients["commune"]
    body = client.get(f"/members/statistics/{tree.commune_a.pk}/?{PERIOD}").content.decode()
    numbers = page_numbers(body)
    assert numbers["change:opening"] == 6 and numbers["change:closing"] == 4
    assert "<svg" in body
    r = client.get(f"/members/statistics/{tree.commune_a.pk}/?{PERIOD}&format=xlsx")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    in_xlsx = [
        row[1] for ws in wb.worksheets[1:] for row in ws.iter_rows(min_row=2, values_only=True)
    ]
    assert in_xlsx == list(numbers.values())
    assert sum(in_xlsx) == sum(numbers.values()) > 0
    # Each number links to as many members.
    for key in ("change:expelled", "change:closing", "adm_sex:female"):
        r = client.get(
            f"/members/statistics/{tree.commune_a.pk}/members/",
            {"start": "01/01/2023", "end": "30/06/2023", "key": key},
        )
        listed = re.findall(r'<a href="/members/\d+/">([^<]+)</a>', r.content.decode())
        assert len(listed) == numbers[key], key
    assert (
        "Lò Văn Yên"
        in client.get(
            f"/members/statistics/{tree.commune_a.pk}/members/?{PERIOD}&key=change:expelled"
        ).content.decode()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["start=32/01/2023", "start=01/07/2023&end=01/01/2023", "key=<b>", "start=01/01/0001"],
)
def test_bad_query_is_400(query, tree, clients):
    r = clients["admin"].get(f"/members/statistics/{tree.district.pk}/?{query}")
    assert r.status_code == 400
    assert b"<b>" not in r.content


@pytest.mark.django_db
def test_unknown_key_is_404(tree, clients):
    r = clients["admin"].get(
        f"/members/statistics/{tree.district.pk}/members/?{PERIOD}&key=change:nope"
    )
    assert r.status_code == 404


# Session, the user with the roles held today, OTP device, unread notifications (as in
# test_views).
FIXED = 4


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize("n", [2, 12])
def test_statistics_query_count_does_not_grow(n, tree, personas):
    for i in range(n):
        m = make_member(tree.cell_a, f"Lò Văn Số{i:03d}", admitted=D(2023, 2, 1 + i))
        mv.member_record_death(member=m, on=D(2023, 5, 1 + i), actor=None)
    client = login_client(personas["admin"])
    url = f"/members/statistics/{tree.district.pk}/?{PERIOD}"
    # The organization (1), the latest change (1); the statistics: the organization's path at
    # the end of the period (1), the memberships of its cells in the period with their
    # members' fields (1), the status changes of the members who came or went (1), the
    # members' status at the end (1), the interruptions (1).
    count, sql = count_queries(client, url)
    assert count == FIXED + 7, sql
    # Again: the statistics are kept until the next change.
    count, sql = count_queries(client, url)
    assert count == FIXED + 2, sql
    mv.member_exempt(member=tree.member_a, on=D(2023, 6, 1), reason="Ốm", actor=None)
    count, sql = count_queries(client, url)
    assert count == FIXED + 7, sql


@pytest.mark.django_db
def test_a_change_shows_at_once_on_a_page_seen_before(tree, clients):
    scenario(tree)
    client = clients["admin"]
    url = f"/members/statistics/{tree.commune_a.pk}/?{PERIOD}"
    assert page_numbers(client.get(url).content.decode())["change:closing"] == 4
    mv.member_record_death(member=tree.member_a, on=D(2023, 6, 10), actor=None)
    numbers = page_numbers(client.get(url).content.decode())
    assert (numbers["change:closing"], numbers["change:died"]) == (3, 2)


def founded_and_ended(tree):
    """Commune C founded on 01/07/2025 with its cell, Tòng Văn Cường moving into it that day
    from cell A; commune D, from 2015, ended on 01/07/2025 after its member moved to cell A."""
    from chibo.organizations import services as org_services
    from chibo.organizations.models import Organization

    K = Organization.Kind
    founded = D(2025, 7, 1)

    def commune(code, name, on):
        org = org_services.org_create(
            code=code,
            name=name,
            kind=K.GRASSROOTS,
            grassroots_type="commune",
            parent=tree.district,
            valid_from=on,
            actor=None,
        )
        cell = org_services.org_create(
            code=f"{code}-01",
            name=f"Chi bộ bản {name}",
            kind=K.CELL,
            cell_type="residential",
            parent=org,
            valid_from=on,
            actor=None,
        )
        return org, cell

    new, new_cell = commune("XC", "Đảng bộ xã Chiềng", founded)
    old, old_cell = commune("XD", "Đảng bộ xã Đông", D(2015, 1, 1))
    mover = make_member(tree.cell_a, "Tòng Văn Cường", admitted=D(2012, 1, 1))
    member_services.member_transfer(member=mover, to_cell=new_cell, on=founded, actor=None)
    leaver = make_member(old_cell, "Lường Văn Đông", admitted=D(2016, 1, 1))
    member_services.member_transfer(member=leaver, to_cell=tree.cell_a, on=founded, actor=None)
    org_services.org_close(org=old_cell, on=founded, actor=None)
    org_services.org_close(org=old, on=founded, actor=None)
    return new, old


@pytest.mark.django_db
def test_a_period_outside_the_organizations_life_is_all_zero_with_a_note(tree, clients):
    new, old = founded_and_ended(tree)
    client = clients["admin"]
    for org, start, end, note in (
        (new, D(2025, 1, 1), D(2025, 3, 31), "được thành lập ngày 01/07/2025, sau kỳ"),
        (old, D(2026, 1, 1), D(2026, 3, 31), "đã hết hiệu lực từ ngày 01/07/2025, trước kỳ"),
    ):
        assert not compute(org, start, end).groups()
        query = f"start={start:%d/%m/%Y}&end={end:%d/%m/%Y}"
        r = client.get(f"/members/statistics/{org.pk}/?{query}")
        assert r.status_code == 200
        body = r.content.decode()
        numbers = page_numbers(body)
        assert numbers["change:opening"] == numbers["change:closing"] == 0
        assert sum(numbers.values()) == 0
        assert note in body
        r = client.get(f"/members/statistics/{org.pk}/?{query}&format=xlsx")
        assert r.status_code == 200
        wb = load_workbook(io.BytesIO(r.content))
        assert note in " ".join(str(v) for row in wb.worksheets[0].values for v in row)
        assert all(
            row[1] == 0
            for ws in wb.worksheets[1:]
            for row in ws.iter_rows(min_row=2, values_only=True)
        )
        r = client.get(f"/members/statistics/{org.pk}/members/?{query}&key=change:closing")
        assert r.status_code == 200
    # A period that holds the founding: the member who came that day is an increase.
    s = compute(new, D(2025, 1, 1), D(2025, 12, 31))
    assert (s.count("change:opening"), s.count("change:closing")) == (0, 1)
    assert names(s.members("change:transferred_in")) == ["Tòng Văn Cường"]
    body = client.get(f"/members/statistics/{new.pk}/?start=01/01/2025&end=31/12/2025")
    assert "được thành lập ngày 01/07/2025, trong kỳ báo cáo" in body.content.decode()
    # One that holds the end: the member who left that day is a decrease.
    s = compute(old, D(2025, 1, 1), D(2025, 12, 31))
    assert (s.count("change:opening"), s.count("change:closing")) == (1, 0)
    assert names(s.members("change:transferred_out")) == ["Lường Văn Đông"]
    # An organization founded and ended inside the period: found by its period in it.
    s = compute(old, D(2014, 1, 1), D(2025, 12, 31))
    assert (s.count("change:opening"), s.count("change:closing")) == (0, 0)
    assert s.count("change:increase") == s.count("change:decrease") == 1
