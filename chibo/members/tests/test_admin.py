"""The back office: pages load, no deletes, edits audited and derived fields kept."""

import datetime

import pytest
from django.test import Client

from chibo.accounts.models import User
from chibo.core.models import AuditEvent
from chibo.members.models import Member


@pytest.fixture
def superclient(db):
    user = User.objects.create_superuser("root", "root@example.vn", "pw-root-123")
    client = Client()
    client.force_login(user)
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.mark.django_db
def test_admin_pages_load_and_deny_delete(tree, superclient):
    for url in [
        "/admin/",
        "/admin/members/member/",
        f"/admin/members/member/{tree.member_a.pk}/change/",
        "/admin/organizations/organization/",
        "/admin/core/auditevent/",
        "/admin/accounts/user/",
    ]:
        assert superclient.get(url).status_code == 200, url
    assert superclient.get(f"/admin/members/member/{tree.member_a.pk}/delete/").status_code == 403
    assert superclient.get("/admin/members/member/add/").status_code == 403


@pytest.mark.django_db
def test_admin_edit_is_audited_and_refreshes_search(tree, superclient):
    url = f"/admin/members/member/{tree.member_a.pk}/change/"
    form = superclient.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "full_name": "Nguyễn Văn Ân",
            "birth_date": "1980-03-02",
            "admission_date": "2010-05-19",
            "official_date": "2011-05-19",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": str(tree.member_a.memberships.get().pk),
            "memberships-0-member": str(tree.member_a.pk),
        }
    )
    for key in ("cell", "status", "status_since", "id"):
        data.pop(key, None)
    r = superclient.post(url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    m = Member.objects.get(pk=tree.member_a.pk)
    assert m.full_name == "Nguyễn Văn Ân" and m.given_name == "Ân"
    assert Member.objects.search("nguyen van an").filter(pk=m.pk).exists()
    ev = AuditEvent.objects.filter(object_id=str(m.pk), note="admin").get()
    assert ev.changes["full_name"] == ["Nguyễn Văn An", "Nguyễn Văn Ân"]


@pytest.mark.django_db
def test_admin_cannot_rewrite_a_status_change(tree, superclient):
    from chibo.members.models import BadgeRule, StatusChange
    from chibo.members.movements import services as movements

    change = movements.member_record_death(
        member=tree.member_a, on=datetime.date(2023, 1, 5), actor=None
    )
    url = f"/admin/members/statuschange/{change.pk}/change/"
    form = superclient.get(url).context["adminform"].form
    assert set(form.fields) == {"note"}
    assert superclient.get(f"/admin/members/statuschange/{change.pk}/delete/").status_code == 403
    # The badge rule is data an organization board keeps in the back office.
    assert superclient.get("/admin/members/badgerule/").status_code == 200
    assert BadgeRule.objects.count() == 1
    assert StatusChange.objects.get(pk=change.pk).status == "deceased"
