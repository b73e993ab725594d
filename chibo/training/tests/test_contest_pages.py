"""Contest pages for every persona: results ranked among all, people listed in scope only."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from chibo.training import services
from chibo.training.models import Contest, Contestant, ContestRound
from conftest import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest(tree):
    """District contest 2022: a grassroots round in each commune, then a district round.
    Commune A: An 90, Chiến 95 (first); commune B: Bình 80. District: An 88, Bình 91."""
    c = services.contest_create(
        actor=None, name="Hội thi Bí thư chi bộ giỏi 2022", organizer=tree.district, year=2022
    )
    ra = services.round_create(
        contest=c,
        level="grassroots",
        held_on=datetime.date(2022, 5, 5),
        organizer=tree.commune_a,
        actor=None,
    )
    rb = services.round_create(
        contest=c,
        level="grassroots",
        held_on=datetime.date(2022, 5, 6),
        organizer=tree.commune_b,
        actor=None,
    )
    rd = services.round_create(
        contest=c,
        level="district",
        held_on=datetime.date(2022, 8, 1),
        organizer=tree.district,
        actor=None,
    )
    chien = make_member(tree.cell_a2, "Hà Văn Chiến")
    for rnd, member, score, prize in [
        (ra, tree.member_a, "90", "second"),
        (ra, chien, "95", "first"),
        (rb, tree.member_b, "80", "first"),
        (rd, tree.member_a, "88", "second"),
        (rd, tree.member_b, "91", "first"),
    ]:
        entry = services.contestant_add(round=rnd, member=member, actor=None)
        services.score_record(contestant=entry, score=score, prize=prize, actor=None)
    return {"contest": c, "a": ra, "b": rb, "district": rd}


SEES = {
    # who: (An, Bình)
    "admin": (True, True),
    "analyst": (True, True),
    "commune": (True, False),
    "secretary_a": (True, False),
    "official": (True, False),
    "secretary_b": (False, True),
}


@pytest.mark.parametrize("who", sorted(SEES))
def test_contest_pages_are_scoped(clients, contest, who):
    sees_a, sees_b = SEES[who]
    r = clients[who].get(reverse("training:contests"))
    assert r.status_code == 200
    assert "Hội thi Bí thư chi bộ giỏi 2022" in r.content.decode()
    r = clients[who].get(reverse("training:contest_detail", args=[contest["contest"].pk]))
    assert r.status_code == 200
    html = r.content.decode()
    assert ("Nguyễn Văn An" in html) == sees_a
    assert ("Cầm Văn Bình" in html) == sees_b
    writes_district = who == "admin"
    assert ("Thêm vòng thi" in html) == writes_district
    # Another commune's round is not shown at all (its name would reveal it).
    assert ("Đảng bộ xã Bình" in html) == (who in ("admin", "analyst", "secretary_b"))
    assert ("Đảng bộ xã An" in html) == (who != "secretary_b")


def test_ranks_are_taken_among_the_whole_round(clients, contest):
    r = clients["commune"].get(reverse("training:contest_detail", args=[contest["contest"].pk]))
    district_block = next(b for b in r.context["results"] if b["round"].level == "district")
    (an,) = district_block["contestants"]
    assert (an.member.full_name, an.rank) == ("Nguyễn Văn An", 2)  # Bình, unseen, is first
    a_block = next(b for b in r.context["results"] if b["round"] == contest["a"])
    assert [(c.member.full_name, c.rank) for c in a_block["contestants"]] == [
        ("Hà Văn Chiến", 1),
        ("Nguyễn Văn An", 2),
    ]
    assert a_block["cells"] == 2


def test_member_alone_and_hidden_contests(clients, contest, tree):
    assert clients["member_a"].get(reverse("training:contests")).status_code == 404
    own = services.contest_create(
        actor=None, name="Hội thi xã Bình", organizer=tree.commune_b, year=2023
    )
    assert (
        clients["commune"].get(reverse("training:contest_detail", args=[own.pk])).status_code == 404
    )
    assert (
        "Hội thi xã Bình"
        not in clients["commune"].get(reverse("training:contests")).content.decode()
    )


def test_score_recording_by_the_round_organizer(clients, contest, tree):
    entry = Contestant.objects.get(round=contest["a"], member=tree.member_a)
    url = reverse("training:score_record", args=[entry.pk])
    r = clients["commune"].post(url, {"score": "120", "prize": "first"})
    assert r.status_code == 200
    assert "Điểm phải từ 0 đến 100." in r.content.decode()
    entry.refresh_from_db()
    assert (entry.score, entry.prize) == (Decimal("90.00"), "second")
    r = clients["commune"].post(url, {"score": "96,5", "prize": "first"})
    assert r.status_code == 302
    entry.refresh_from_db()
    assert (entry.score, entry.prize) == (Decimal("96.50"), "first")
    for who in ("analyst", "official", "secretary_a", "secretary_b", "member_a"):
        assert clients[who].post(url, {"score": "1"}).status_code == 404, who
    # The district round is the district's to score.
    district_entry = Contestant.objects.get(round=contest["district"], member=tree.member_a)
    url = reverse("training:score_record", args=[district_entry.pk])
    assert clients["commune"].post(url, {"score": "1"}).status_code == 404
    entry.refresh_from_db()
    assert entry.score == Decimal("96.50")


def test_contestant_add_in_two_steps(clients, contest, tree):
    url = reverse("training:contestant_add", args=[contest["a"].pk])
    r = clients["commune"].get(url)
    html = r.content.decode()
    assert "Chi bộ bản Áng" in html and "Chi bộ bản Bó" not in html
    r = clients["commune"].get(url, {"cell": tree.cell_a.pk})
    assert "Lò Thị Ánh" in r.content.decode()
    r = clients["commune"].post(f"{url}?cell={tree.cell_a.pk}", {"member": tree.member_a.pk})
    assert r.status_code == 200  # already entered
    assert "Nguyễn Văn An đã có tên trong vòng thi này." in r.content.decode()
    r = clients["commune"].post(
        f"{url}?cell={tree.cell_a.pk}", {"member": tree.secretary_member_a.pk}
    )
    assert r.status_code == 302
    assert Contestant.objects.filter(round=contest["a"], member=tree.secretary_member_a).exists()
    # Cell B is not under commune A's round.
    assert clients["commune"].get(url, {"cell": tree.cell_b.pk}).status_code == 404
    assert clients["commune"].get(url, {"cell": "x"}).status_code == 400
    for who in ("analyst", "secretary_a", "secretary_b"):
        assert clients[who].get(url).status_code == 404


def test_contest_and_round_create(clients, contest, tree):
    r = clients["admin"].post(
        reverse("training:contest_create"),
        {"name": "Hội thi 2024", "organizer": tree.district.pk, "year": 2024, "max_score": "100"},
    )
    assert r.status_code == 302
    c = Contest.objects.get(name="Hội thi 2024")
    url = reverse("training:round_create", args=[c.pk])
    r = clients["admin"].post(
        url, {"level": "grassroots", "organizer": tree.commune_a.pk, "held_on": "10/05/2024"}
    )
    assert r.status_code == 302
    assert ContestRound.objects.filter(contest=c, organizer=tree.commune_a).exists()
    r = clients["admin"].post(
        url, {"level": "grassroots", "organizer": tree.commune_a.pk, "held_on": "11/05/2024"}
    )
    assert "Đơn vị này đã có vòng thi cấp này." in r.content.decode()
    assert ContestRound.objects.filter(contest=c).count() == 1
    for who in ("commune", "analyst", "secretary_b"):
        assert clients[who].get(url).status_code == 404
    assert clients["analyst"].get(reverse("training:contest_create")).status_code == 404


def test_a_contestant_sent_twice_is_entered_once(clients, contest, tree):
    """The form carries a submission key (issue 14): back, then submit again, leads to the
    contest; before, the second said the member was already entered."""
    url = reverse("training:contestant_add", args=[contest["a"].pk])
    url = f"{url}?cell={tree.cell_a.pk}"
    client = clients["commune"]
    body = client.get(url).content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', body)[1]
    data = {"member": tree.secretary_member_a.pk, "submission_key": key}
    first = client.post(url, data)
    assert first.status_code == 302
    again = client.post(url, data, follow=True)
    assert again.redirect_chain == [(first["Location"], 302)]
    assert "Trang này đã được gửi trước đó; không tạo thêm." in again.content.decode()
    entered = Contestant.objects.filter(round=contest["a"], member=tree.secretary_member_a)
    assert entered.count() == 1
