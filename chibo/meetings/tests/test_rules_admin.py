"""The back office of the meeting rules: pages load, nothing is deleted, edits (inline items
too) are audited."""

import pytest

from chibo.core.models import AuditEvent
from chibo.meetings.models import AgendaTemplate, MeetingRule, ScoreSheet
from chibo.members.tests.test_admin import superclient  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_pages_load_and_deny_delete(superclient):  # noqa: F811
    rule = MeetingRule.objects.first()
    template = AgendaTemplate.objects.get()
    sheet = ScoreSheet.objects.get()
    for url in [
        "/admin/meetings/meetingrule/",
        f"/admin/meetings/meetingrule/{rule.pk}/change/",
        "/admin/meetings/holiday/",
        "/admin/meetings/agendatemplate/",
        f"/admin/meetings/agendatemplate/{template.pk}/change/",
        "/admin/meetings/scoresheet/",
        f"/admin/meetings/scoresheet/{sheet.pk}/change/",
        "/admin/meetings/meetingrule/add/",
    ]:
        assert superclient.get(url).status_code == 200, url
    assert superclient.get(f"/admin/meetings/meetingrule/{rule.pk}/delete/").status_code == 403
    page = superclient.get(f"/admin/meetings/scoresheet/{sheet.pk}/change/").content.decode()
    assert "Tiến hành sinh hoạt theo trình tự" in page and "items-0-DELETE" not in page


def test_a_new_rule_and_an_inline_edit_are_audited(superclient, tree):  # noqa: F811
    r = superclient.post(
        "/admin/meetings/meetingrule/add/",
        {
            "organization": str(tree.commune_a.pk),
            "cell_type": "residential",
            "effective_from": "2023-05-01",
            "day": "10",
            "on_sunday": "after",
            "on_holiday": "after",
            "overdue_after_days": "2",
            "min_minutes": "90",
            "min_minutes_thematic": "120",
            "materials_days_ahead": "1",
            "source": "NQ Đảng ủy xã An",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    rule = MeetingRule.objects.get(organization=tree.commune_a)
    assert AuditEvent.objects.filter(
        object_type="meetings.meetingrule", object_id=str(rule.pk), note="admin"
    ).exists()

    sheet = ScoreSheet.objects.get()
    url = f"/admin/meetings/scoresheet/{sheet.pk}/change/"
    form = superclient.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "id"}
    items = list(sheet.items.order_by("order"))
    data.update(
        {
            "effective_from": "2018-01-01",
            "items-TOTAL_FORMS": str(len(items)),
            "items-INITIAL_FORMS": str(len(items)),
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000",
        }
    )
    for i, item in enumerate(items):
        data.update(
            {
                f"items-{i}-id": str(item.pk),
                f"items-{i}-sheet": str(sheet.pk),
                f"items-{i}-order": str(item.order),
                f"items-{i}-code": item.code,
                f"items-{i}-name": item.name + (" (sửa)" if i == 0 else ""),
                f"items-{i}-max_points": str(item.max_points),
            }
        )
    r = superclient.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    ev = AuditEvent.objects.get(object_type="meetings.scoreitem", note="admin")
    assert ev.changes["name"][1].endswith("(sửa)")
