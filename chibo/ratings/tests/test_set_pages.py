"""The rating sets' pages: every reader reads the sets, the org board alone enters a new one
(its levels, thresholds, quota and validity), replacing the running set from its start or
refused, naming the set in the way, when it shares a day with another; nothing written then."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo.core.models import AuditEvent
from chibo.ratings import services
from chibo.ratings.models import RatingLevel, RatingSet

pytestmark = pytest.mark.django_db
D = datetime.date
LEVELS = (
    "excellent | Hoàn thành xuất sắc nhiệm vụ | 92,5\n"
    "good | Hoàn thành tốt nhiệm vụ | 75\n"
    "done | Hoàn thành nhiệm vụ | 50\n"
    "not_done | Không hoàn thành nhiệm vụ | 0"
)
NEW = {
    "name": "Quy định mới (2027)",
    "reference": "9-QĐ/TW",
    "valid_from": "01/01/2027",
    "top_quota_percent": "15",
    "levels": LEVELS,
}


def _state():
    return (
        list(RatingSet.objects.order_by("id").values_list("name", "valid_from", "valid_to")),
        RatingLevel.objects.count(),
        AuditEvent.objects.count(),
    )


def test_readers_read_the_sets_the_org_board_alone_writes(clients):
    r = clients["admin"].get(reverse("ratings:sets"))
    assert r.status_code == 200
    assert "Quy định 366-QĐ/TW (2025)" in r.text and "132-QĐ/TW" in r.text
    assert reverse("ratings:set_create") in r.text
    page = clients["admin"].get(reverse("ratings:set_create"))
    assert page.status_code == 200
    assert "excellent | Hoàn thành xuất sắc nhiệm vụ | 90" in page.text  # the running set's
    r = clients["analyst"].get(reverse("ratings:sets"))
    assert r.status_code == 200 and reverse("ratings:set_create") not in r.text
    rating_set = RatingSet.objects.get(reference="366-QĐ/TW")
    r = clients["analyst"].get(reverse("ratings:set", args=[rating_set.pk]))
    assert r.status_code == 200 and "Hoàn thành tốt nhiệm vụ" in r.text and ">70<" in r.text
    before = _state()
    for who in ("analyst", "commune", "secretary_b"):
        assert clients[who].get(reverse("ratings:set_create")).status_code == 404
        assert clients[who].post(reverse("ratings:set_create"), NEW).status_code == 404
    assert _state() == before
    assert clients["member_a"].get(reverse("ratings:sets")).status_code == 404
    assert clients["member_a"].get(reverse("ratings:set", args=[rating_set.pk])).status_code == 404


def test_a_new_set_replaces_the_running_one_from_its_start(clients):
    running = RatingSet.objects.get(reference="366-QĐ/TW")
    r = clients["admin"].post(reverse("ratings:set_create"), {**NEW, "replace": "on"})
    assert r.status_code == 302
    new = RatingSet.objects.get(reference="9-QĐ/TW")
    assert r["Location"] == reverse("ratings:set", args=[new.pk])
    running.refresh_from_db()
    assert running.valid_to == D(2027, 1, 1)
    assert services.set_in_force(2026) == running and services.set_in_force(2027) == new
    levels = list(new.levels.values_list("code", "rank", "min_points"))
    assert levels[0] == ("excellent", 1, 92.5) and levels[-1] == ("not_done", 4, 0)
    assert new.top_quota_percent == 15 and new.valid_to is None
    event = AuditEvent.objects.get(object_type="ratings.ratingset", object_id=str(new.pk))
    assert event.changes["levels"][0] == ["excellent", "Hoàn thành xuất sắc nhiệm vụ", "92.5"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # The running set has no end: refused unless it is replaced.
        ({}, "Quy định 366-QĐ/TW (2025)"),
        ({}, "Thay thế bộ đang áp dụng"),
        # A closed set is never replaced.
        ({"valid_from": "01/06/2020", "valid_to": "01/01/2021", "replace": "on"}, "132-QĐ/TW"),
        ({"levels": "a | A | 90\nb | B"}, "Dòng 2: cần 3 phần"),
        ({"levels": "a | A | 90\nb | B | nhiều"}, "không phải số"),
        # NaN compared as a number was a 500; a name longer than its column, a 500 on PostgreSQL
        ({"levels": "a | A | NaN\nb | B | 0"}, "không phải số"),
        ({"levels": "a | A | ١٢\nb | B | 0"}, "không phải số"),
        ({"levels": "a | A | 1000\nb | B | 0"}, "Dòng 1: điểm tối thiểu"),
        ({"levels": f"a | {'A' * 101} | 90\nb | B | 0"}, "Dòng 1: mức xếp loại"),
        ({"levels": "a | A | 50\nb | B | 70\nc | C | 0"}, "giảm dần"),
        ({"levels": "a | A | 50\na | B | 0"}, "mã riêng"),
        ({"levels": "a | A | 50\nb | B | 10"}, "từ 0 điểm"),
        ({"top_quota_percent": "120"}, "100"),
        ({"valid_to": "01/01/2026"}, "phải sau"),
    ],
)
def test_a_bad_set_is_a_400_naming_the_problem_and_writes_nothing(clients, data, message):
    before = _state()
    r = clients["admin"].post(reverse("ratings:set_create"), {**NEW, **data})
    assert r.status_code == 400
    assert message in r.text
    assert _state() == before


def test_the_sets_pages_query_counts_do_not_grow_with_sets_or_levels(clients):
    client = clients["analyst"]
    rating_set = RatingSet.objects.get(reference="366-QĐ/TW")
    detail = reverse("ratings:set", args=[rating_set.pk])
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("ratings:sets")).status_code == 200
    with CaptureQueriesContext(connection) as small_detail:
        assert client.get(detail).status_code == 200
    RatingLevel.objects.create(rating_set=rating_set, code="extra", name="Thêm", rank=9,
                               min_points=0)  # fmt: skip
    services.set_create(
        name="Bộ thử",
        reference="1-QĐ/TW",
        valid_from=D(2000, 1, 1),
        valid_to=D(2010, 1, 1),
        top_quota_percent=20,
        levels=[("a", "A", 50), ("b", "B", 0)],
        actor=None,
    )
    with CaptureQueriesContext(connection) as big:
        r = client.get(reverse("ratings:sets"))
    assert "Bộ thử" in r.text
    assert len(big) == len(small)
    with CaptureQueriesContext(connection) as big_detail:
        assert "Thêm" in client.get(detail).text
    assert len(big_detail) == len(small_detail)
