"""The rating pages: the cell's secretary self-rates, the commune decides, a reader who may not
write sees no form and is refused on POST, an outsider gets 404; a refused write writes
nothing; the member's record shows the member's ratings; the counts do not grow with the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.organizations import services as org_services
from chibo.ratings import services
from chibo.ratings.models import CellRating, MemberRating, RatingLevel
from conftest import make_member

pytestmark = pytest.mark.django_db
D = datetime.date


def url(org, year=2024):
    return f"/ratings/org/{org.pk}/?year={year}"


def level(code, year=2024):
    return RatingLevel.objects.get(rating_set=services.set_in_force(year), code=code)


def self_rate(cell, points=92):
    return services.cell_self_rate(
        cell=cell, year=2024, points=points, on=D(2024, 12, 10), actor=None
    )


def test_the_secretary_self_rates_the_cell(tree, clients):
    page = clients["secretary_a"].get(url(tree.cell_a))
    assert page.status_code == 200 and 'id="self-form"' in page.text
    assert 'id="decide-form"' not in page.text
    r = clients["secretary_a"].post(
        url(tree.cell_a), {"action": "self", "self-points": "92,5", "self-on": "10/12/2024"}
    )
    assert r.status_code == 302
    row = CellRating.objects.get(cell=tree.cell_a, year=2024)
    assert (row.points, row.proposed_level.code) == (92.5, "excellent")
    page = clients["secretary_a"].get(url(tree.cell_a))
    assert "92,5" in page.text and "Hoàn thành xuất sắc nhiệm vụ" in page.text
    assert 'id="self-form"' not in page.text


def test_points_out_of_range_are_a_400_and_nothing_is_written(tree, clients):
    r = clients["secretary_a"].post(
        url(tree.cell_a), {"action": "self", "self-points": "120", "self-on": "10/12/2024"}
    )
    assert r.status_code == 400 and "0–100" in r.text
    assert not CellRating.objects.exists()


def test_the_commune_decides_after_the_self_rating(tree, clients):
    # The commune writes its cells (it may enter a cell's self-rating), but decides only after it.
    page = clients["commune"].get(url(tree.cell_a))
    assert 'id="decide-form"' not in page.text
    self_rate(tree.cell_a)
    page = clients["commune"].get(url(tree.cell_a))
    assert 'id="decide-form"' in page.text
    r = clients["commune"].post(
        url(tree.cell_a),
        {
            "action": "decide",
            "decide-level": level("good").pk,
            "decide-decision_number": "25-QĐ/ĐU",
            "decide-decision_date": "15/01/2025",
        },
    )
    assert r.status_code == 302
    row = CellRating.objects.get()
    assert (row.decided_level.code, row.decision_number) == ("good", "25-QĐ/ĐU")


def test_the_secretary_may_not_decide_for_the_cell(tree, clients):
    self_rate(tree.cell_a)
    page = clients["secretary_a"].get(url(tree.cell_a))
    assert 'id="decide-form"' not in page.text
    r = clients["secretary_a"].post(
        url(tree.cell_a),
        {
            "action": "decide",
            "decide-level": level("excellent").pk,
            "decide-decision_number": "1",
            "decide-decision_date": "15/01/2025",
        },
    )
    assert r.status_code == 404
    assert CellRating.objects.get().decided_level is None


def test_a_reader_who_may_not_write_sees_the_shares_without_forms(tree, clients):
    self_rate(tree.cell_a)
    services.cell_decide(
        cell=tree.cell_a,
        year=2024,
        level=level("excellent"),
        decision_number="2-QĐ",
        decision_date=D(2025, 1, 5),
        actor=None,
    )
    page = clients["analyst"].get(url(tree.district))
    assert page.status_code == 200
    assert "Chi bộ bản Áng" in page.text and "Chi bộ bản Bó" in page.text
    assert 'id="quota-warning"' in page.text  # 1 excellent of 1 at the top two levels
    cell_page = clients["analyst"].get(url(tree.cell_a))
    assert cell_page.status_code == 200 and '<form method="post"' not in cell_page.text
    r = clients["analyst"].post(
        url(tree.cell_a), {"action": "self", "self-points": "50", "self-on": "10/12/2024"}
    )
    assert r.status_code == 404


@pytest.mark.parametrize("who", ["secretary_b", "member_a"])
def test_an_outsider_gets_404(tree, clients, who):
    assert clients[who].get(url(tree.cell_a)).status_code == 404
    r = clients[who].post(
        url(tree.cell_a), {"action": "self", "self-points": "90", "self-on": "10/12/2024"}
    )
    assert r.status_code == 404
    assert not CellRating.objects.exists()


def test_a_bad_year_is_a_400(tree, clients):
    r = clients["analyst"].get(f"/ratings/org/{tree.district.pk}/?year=abc")
    assert r.status_code == 400


def test_the_cell_rates_a_member_shown_on_the_members_record(tree, clients):
    r = clients["secretary_a"].post(
        url(tree.cell_a),
        {
            "action": "member",
            "member-member": tree.member_a.pk,
            "member-self_level": level("excellent").pk,
            "member-proposed_level": level("good").pk,
        },
    )
    assert r.status_code == 302
    row = MemberRating.objects.get()
    assert (row.self_level.code, row.proposed_level.code, row.cell) == (
        "excellent",
        "good",
        tree.cell_a,
    )
    record = clients["member_a"].get(f"/members/{tree.member_a.pk}/")
    assert record.status_code == 200 and 'id="ratings"' in record.text
    assert "Hoàn thành tốt nhiệm vụ" in record.text
    # A member of another cell cannot be rated here.
    r = clients["secretary_a"].post(
        url(tree.cell_a),
        {
            "action": "member",
            "member-member": tree.member_b.pk,
            "member-self_level": level("good").pk,
        },
    )
    assert r.status_code == 400 and MemberRating.objects.count() == 1


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_the_query_counts_do_not_grow_with_the_cells_and_members(tree, clients):
    self_rate(tree.cell_a)
    admin = clients["admin"]
    small = (_count(admin, url(tree.district)), _count(admin, url(tree.cell_a)))
    for i in range(3):
        cell = org_services.org_create(
            code=f"XA-9{i}",
            name=f"Chi bộ thêm {i}",
            kind="cell",
            cell_type="residential",
            parent=tree.commune_a,
            valid_from=D(2015, 1, 1),
            actor=None,
        )
        self_rate(cell, 60 + i)
        member = make_member(tree.cell_a, f"Thêm Văn {i}")
        services.member_rate(
            member=member, year=2024, self_level=level("good"), proposed_level=None, actor=None
        )
    big = (_count(admin, url(tree.district)), _count(admin, url(tree.cell_a)))
    assert small == big


def test_the_indicator_counts_decided_excellent_cells_and_links_to_the_page(
    tree, clients, django_assert_num_queries
):
    from chibo.core import indicators
    from chibo.ratings.indicators import cells_rated_excellent

    self_rate(tree.cell_a)
    self_rate(tree.cell_b, 75)
    services.cell_decide(
        cell=tree.cell_a,
        year=2024,
        level=level("excellent"),
        decision_number="2-QĐ",
        decision_date=D(2025, 1, 5),
        actor=None,
    )
    with django_assert_num_queries(2):  # the district's path on 31/12/2024; the counts
        got = cells_rated_excellent(tree.district, D(2025, 3, 1))
    assert (got.value, got.of) == (1, 1)  # cell B awaits its decision
    assert cells_rated_excellent(tree.commune_b, D(2025, 3, 1)).of == 0
    assert cells_rated_excellent(tree.district, D(2024, 3, 1)).of == 0  # 2023: none
    link = indicators.list_url("cells_rated_excellent", tree.district, D(2025, 3, 1))
    assert link == f"/ratings/org/{tree.district.pk}/?as_of=01%2F03%2F2025"
    page = clients["analyst"].get(link)
    assert page.status_code == 200 and "năm 2024" in page.text and "Chi bộ bản Áng" in page.text


def test_the_commune_decides_a_members_rating_after_the_cells_proposal(tree, clients):
    row = services.member_rate(
        member=tree.member_a,
        year=2024,
        self_level=level("excellent"),
        proposed_level=level("good"),
        actor=None,
    )
    assert 'id="member-decide-form"' not in clients["secretary_a"].get(url(tree.cell_a)).text
    data = {
        "action": "member_decide",
        "member_decide-rating": row.pk,
        "member_decide-level": level("good").pk,
        "member_decide-decision_number": "30-QĐ/ĐU",
        "member_decide-decision_date": "20/01/2025",
    }
    assert clients["secretary_a"].post(url(tree.cell_a), data).status_code == 404
    page = clients["commune"].get(url(tree.cell_a))
    assert 'id="member-decide-form"' in page.text and "Nguyễn Văn An" in page.text
    assert clients["commune"].post(url(tree.cell_a), data).status_code == 302
    row.refresh_from_db()
    assert (row.decided_level.code, row.decision_number) == ("good", "30-QĐ/ĐU")
    # Decided: it leaves the form's choices, and a second decision is a 400.
    assert clients["commune"].post(url(tree.cell_a), data).status_code == 400
    record = clients["member_a"].get(f"/members/{tree.member_a.pk}/")
    assert "30-QĐ/ĐU" in record.text and "20/01/2025" in record.text


def test_the_organization_page_links_its_ratings(tree, clients):
    page = clients["analyst"].get(f"/org/{tree.commune_a.pk}/")
    assert page.status_code == 200
    link = f'href="/ratings/org/{tree.commune_a.pk}/" id="ratings-link"'
    assert link in page.text
    assert clients["analyst"].get(f"/ratings/org/{tree.commune_a.pk}/").status_code == 200
