"""The installable app's server side: the list of pages a phone keeps (scoped like every page:
the secretary's and the followed cells' current and next meetings, the record page for the
secretary alone), the service worker at the root, the manifest and its icons, the offline page,
and record forms with rows added on the phone. (The browser side: test_browser_offline.)"""

import datetime
import json
import re
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo.meetings.models import CellMeeting, Task, TaskUpdate
from chibo.organizations.models import Organization
from conftest import login_client

from .core_helpers import APRIL, MARCH, D, meeting_of

pytestmark = pytest.mark.django_db
URL = "/meetings/offline/pages.json"


def kept(client) -> list[str]:
    r = client.get(URL)
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    assert "no-cache" in r["Cache-Control"] or "max-age=0" in r["Cache-Control"]
    return [p["url"] for p in r.json()["pages"]]


def test_the_secretary_keeps_the_current_and_next_meetings_members_and_tasks(tree, personas):
    march, april = meeting_of(tree.cell_a, MARCH), meeting_of(tree.cell_a, APRIL)
    older = meeting_of(tree.cell_a, D(2023, 2, 1))
    other = meeting_of(tree.cell_b, APRIL)
    r = login_client(personas["secretary_a"]).get(URL)
    data = r.json()
    urls = [p["url"] for p in data["pages"]]
    assert urls == [
        "/",
        f"/meetings/{march.pk}/",
        f"/meetings/{march.pk}/record/",
        f"/meetings/{april.pk}/",
        f"/meetings/{april.pk}/record/",
        f"/members/?org={tree.cell_a.pk}",
        f"/meetings/tasks/cell/{tree.cell_a.pk}/",
    ]
    assert f"/meetings/{older.pk}/" not in urls and f"/meetings/{other.pk}/" not in urls
    titles = [p["title"] for p in data["pages"]]
    assert "Ghi biên bản 04/2023 · Chi bộ bản Áng" in titles
    assert data["offline"] == "/offline/" and data["csrf"]
    assert "/static/js/meeting-record.js" in data["assets"]
    for asset in data["assets"]:
        assert finders.find(asset.removeprefix("/static/")), asset


def test_a_confirmed_meeting_and_one_beyond_next_month_are_not_kept(tree, personas):
    march, april = meeting_of(tree.cell_a, MARCH), meeting_of(tree.cell_a, APRIL)
    CellMeeting.objects.filter(pk=march.pk).update(status=CellMeeting.Status.CONFIRMED)
    far = meeting_of(tree.cell_a, D(2099, 1, 1))
    urls = kept(login_client(personas["secretary_a"]))
    assert f"/meetings/{april.pk}/record/" in urls
    assert f"/meetings/{march.pk}/" not in urls and f"/meetings/{far.pk}/" not in urls


def test_the_assigned_official_keeps_the_read_view_not_the_record_page(tree, personas):
    april = meeting_of(tree.cell_a, APRIL)
    urls = kept(login_client(personas["official"]))
    assert f"/meetings/{april.pk}/" in urls
    assert f"/meetings/{april.pk}/record/" not in urls
    assert f"/meetings/tasks/cell/{tree.cell_a.pk}/" in urls


@pytest.mark.parametrize("who", ["admin", "commune", "member_a", "secretary_b"])
def test_others_keep_no_page_of_cell_a(tree, personas, who):
    april = meeting_of(tree.cell_a, APRIL)
    urls = kept(login_client(personas[who]))
    cell_a_pages = {
        f"/meetings/{april.pk}/",
        f"/meetings/{april.pk}/record/",
        f"/members/?org={tree.cell_a.pk}",
        f"/meetings/tasks/cell/{tree.cell_a.pk}/",
    }
    assert not cell_a_pages & set(urls)
    if who != "secretary_b":
        assert urls == ["/"]


def test_a_closed_cell_is_not_kept(tree, personas):
    meeting_of(tree.cell_a, APRIL)
    Organization.objects.filter(pk=tree.cell_a.pk).update(valid_to=D(2024, 1, 1))
    assert kept(login_client(personas["secretary_a"])) == ["/"]


def test_signed_out_the_list_is_the_login_page(client):
    r = client.get(URL)
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_the_list_in_a_fixed_number_of_queries(tree, personas):
    client = login_client(personas["secretary_a"])
    meeting_of(tree.cell_a, MARCH)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    for month in (APRIL, D(2023, 5, 1), D(2023, 6, 1)):
        meeting_of(tree.cell_a, month)
    with CaptureQueriesContext(connection) as large:
        client.get(URL)
    # session, the user with the roles held today, the cells, the cell's current meetings
    assert len(small) == len(large) == 4


# --- the service worker, the manifest, the offline page --------------------------------------


def test_the_service_worker_is_served_from_the_root_uncached(client):
    r = client.get("/sw.js")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/javascript")
    assert "no-cache" in r["Cache-Control"]
    first, _, rest = r.content.decode().partition("\n")
    config = json.loads(first.removeprefix("self.CHIBO = ").removesuffix(";"))
    assert config["offline"] == "/offline/" and config["static"] == "/static/"
    assert config["pages"] == "/meetings/offline/pages.json"  # its token, for Background Sync
    assert len(config["version"]) == 12
    assert 'addEventListener("fetch"' in rest
    assert 'addEventListener("sync"' in rest
    # Django's CSP is on: the worker's fetches stay on this site.
    assert "connect-src 'self'" in r["Content-Security-Policy"]


def test_the_manifest_names_icons_that_exist(client):
    r = client.get("/manifest.webmanifest")
    assert r.status_code == 200 and r["Content-Type"] == "application/manifest+json"
    data = r.json()
    assert data["start_url"] == "/" and data["scope"] == "/" and data["display"] == "standalone"
    for icon in data["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        with open(path, "rb") as f:
            head = f.read(24)
        size = int(icon["sizes"].split("x")[0])
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(head[16:20]) == size


def test_every_page_links_the_manifest_and_the_app_script(tree, personas):
    url = reverse("meetings:cell", args=[tree.cell_a.pk])
    text = login_client(personas["secretary_a"]).get(url).content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in text
    assert 'src="/static/js/app.js"' in text and 'data-sw="/sw.js"' in text
    assert 'data-pages="/meetings/offline/pages.json"' in text
    assert "<script>" not in text  # no inline script (CSP)


def test_the_offline_page_says_it_needs_a_connection(tree, personas):
    client = login_client(personas["secretary_a"])
    r = client.get("/offline/")
    assert r.status_code == 200
    assert "Trang này cần kết nối mạng" in r.content.decode()
    r = client.post("/i18n/setlang/", {"language": "en", "next": "/offline/"}, follow=True)
    assert "This page needs a connection" in r.content.decode()


# --- rows added on the phone -------------------------------------------------------------------


def test_a_record_with_more_rows_than_the_blanks_saves_them_all(tree, personas):
    meeting = meeting_of(tree.cell_a, MARCH)
    data = {
        "version": "1",
        "submission_key": str(uuid.uuid4()),
        "held_on": "2023-03-24",
        "start_time": "19:30",
        "end_time": "21:30",
        "chair": str(tree.secretary_member_a.pk),
        "minute_taker": str(tree.member_a.pk),
        f"att_{tree.member_a.pk}": "present",
        f"att_{tree.secretary_member_a.pk}": "present",
    }
    for i in (0, 6):  # the page sent rows 0 and 6 (the blanks are 0-3)
        data[f"task{i}_title"] = f"Việc {i}"
        data[f"task{i}_owner"] = "committee"
        data[f"task{i}_deadline"] = "20/04/2023"
    data["speech5_gist"] = "Nhất trí."
    data["speech5_member"] = str(tree.member_a.pk)
    data["task99_title"] = "Quá số dòng"  # beyond MAX_ROWS: not a row
    r = login_client(personas["secretary_a"]).post(f"/meetings/{meeting.pk}/record/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    assert sorted(Task.objects.filter(meeting=meeting).values_list("title", flat=True)) == [
        "Việc 0",
        "Việc 6",
    ]
    assert list(meeting.speeches.values_list("gist", flat=True)) == ["Nhất trí."]
    assert reverse("meetings:detail", args=[meeting.pk]) in r["Location"]


def test_last_months_tasks_come_pre_filled_from_their_reports(tree, personas):
    march = meeting_of(tree.cell_a, MARCH)
    april = meeting_of(tree.cell_a, APRIL)
    done, late, going, silent = (
        Task.objects.create(
            cell=tree.cell_a,
            meeting=march,
            title=title,
            owner_kind=Task.Owner.COMMITTEE,
            deadline=D(2023, 4, 10),
        )
        for title in ("Xong đúng hạn", "Xong chậm", "Đang làm", "Chưa báo cáo")
    )
    for task, progress, day in ((done, 100, 9), (late, 100, 20), (going, 60, 9)):
        u = TaskUpdate.objects.create(
            task=task, user=personas["member_a"], progress=progress, note="Đã báo cáo"
        )
        at = datetime.datetime(2023, 4, day, 10, tzinfo=datetime.UTC)
        TaskUpdate.objects.filter(pk=u.pk).update(at=at)
    r = login_client(personas["secretary_a"]).get(f"/meetings/{april.pk}/record/")
    form = r.context["form"]
    assert form.initial[f"review{done.pk}_state"] == Task.State.DONE
    assert form.initial[f"review{late.pk}_state"] == Task.State.LATE
    assert f"review{going.pk}_state" not in form.initial
    assert form.initial[f"review{going.pk}_note"] == "60% · Đã báo cáo"
    assert f"review{silent.pk}_note" not in form.initial
    html = r.content.decode()
    checked = re.findall(r'name="review(\d+)_state" value="(\w+)" id="[^"]+" checked', html)
    assert sorted(checked) == sorted([(str(done.pk), "done"), (str(late.pk), "late")])
