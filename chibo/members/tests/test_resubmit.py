"""The member create form carries a submission key (issue 14): back after adding a member, then
submitting the same page again, leads to the member made the first time and creates no second."""

import re

import pytest

from chibo.core.models import AuditEvent, FormSubmission
from chibo.members.models import Member, Membership
from chibo.members.tests.test_views import form_data


def shown_key(client) -> str:
    body = client.get("/members/new/").content.decode()
    return re.search(r'name="submission_key" value="([0-9a-f-]{36})"', body)[1]


@pytest.mark.django_db
def test_the_same_page_sent_twice_creates_one_member(tree, clients, personas):
    client = clients["secretary_a"]
    key = shown_key(client)
    assert key != shown_key(client)  # each showing of the page has its own key
    data = form_data(cell=tree.cell_a.pk, citizen_id="014090000077", submission_key=key)

    first = client.post("/members/new/", data)
    member = Member.objects.get(citizen_id="014090000077")
    assert first["Location"] == f"/members/{member.pk}/"

    # Back, then "Lưu" again: the same key. The duplicate checks would not catch a member with
    # no card number and no CCCD, so the key is what stops it.
    again = client.post("/members/new/", {**data, "citizen_id": ""}, follow=True)
    assert again.redirect_chain == [(f"/members/{member.pk}/", 302)]
    assert "Trang này đã được gửi trước đó; không tạo thêm." in again.content.decode()
    assert Member.objects.filter(full_name="Lường Văn Mới").count() == 1
    assert Membership.objects.filter(member__full_name="Lường Văn Mới").count() == 1
    events = AuditEvent.objects.filter(object_type="members.member", object_repr="Lường Văn Mới")
    assert events.count() == 1
    sub = FormSubmission.objects.get(key=key)
    assert (sub.user, sub.object_type, sub.object_id) == (
        personas["secretary_a"],
        "members.member",
        str(member.pk),
    )


@pytest.mark.django_db
def test_a_refused_submit_leaves_its_key_unused(tree, clients):
    client = clients["secretary_a"]
    key = shown_key(client)
    bad = client.post(
        "/members/new/", form_data(cell=tree.cell_a.pk, birth_date="01/01/2099", submission_key=key)
    )
    assert bad.status_code == 200 and f'value="{key}"' in bad.content.decode()
    assert not FormSubmission.objects.filter(key=key).exists()
    fixed = client.post("/members/new/", form_data(cell=tree.cell_a.pk, submission_key=key))
    member = Member.objects.get(full_name="Lường Văn Mới")
    assert fixed["Location"] == f"/members/{member.pk}/"


@pytest.mark.django_db
def test_another_users_key_or_a_bad_key_is_refused(tree, clients):
    key = shown_key(clients["secretary_a"])
    clients["secretary_a"].post("/members/new/", form_data(cell=tree.cell_a.pk, submission_key=key))
    r = clients["admin"].post(
        "/members/new/", form_data(cell=tree.cell_a.pk, full_name="Lò Văn Khác", submission_key=key)
    )
    assert r.status_code == 200
    assert "Mã lần gửi không hợp lệ" in r.content.decode()
    r = clients["secretary_a"].post(
        "/members/new/", form_data(cell=tree.cell_a.pk, full_name="Lò Văn Khác", submission_key="x")
    )
    assert "Mã lần gửi không hợp lệ" in r.content.decode()
    assert not Member.objects.filter(full_name="Lò Văn Khác").exists()
