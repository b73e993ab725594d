"""The register's rules (members.rules) in the member form and the services: errors refuse,
warnings are confirmed once, ethnicity is stored as one of the 54 official names."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from chibo.accounts.tests.test_scope_matrix import member_form_data
from chibo.members import services
from chibo.members.models import Member
from chibo.members.tests.test_views import form_data, snapshot
from conftest import make_member

D = datetime.date


# --- the form ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_asks_to_confirm_an_overdue_probation_then_saves(tree, clients):
    client = clients["secretary_a"]
    data = form_data(cell=tree.cell_a.pk, official_date="", citizen_id="014090000078")
    before = snapshot()
    r = client.post("/members/new/", data)
    body = r.content.decode()
    assert r.status_code == 200
    assert snapshot() == before
    assert (
        '<li class="msg-warning">Đảng viên vào Đảng 19/05/2015, đã quá 12 tháng dự bị nhưng '
        "chưa có ngày chính thức.</li>" in body
    )
    assert "Tôi đã kiểm tra, vẫn lưu" in body
    assert "đánh dấu ô này rồi lưu lại" in body

    r = client.post("/members/new/", {**data, "accept_warnings": "on"})
    assert r.status_code == 302
    m = Member.objects.get(citizen_id="014090000078")
    assert (m.admission_date, m.official_date) == (D(2015, 5, 19), None)


@pytest.mark.django_db
def test_create_without_warnings_shows_no_confirmation(tree, clients):
    r = clients["secretary_a"].get("/members/new/")
    body = r.content.decode()
    assert "Tôi đã kiểm tra, vẫn lưu" not in body
    # ethnicity is a list of the 54 official names
    assert '<option value="Mông">Mông</option>' in body
    assert '<option value="Ơ Đu">Ơ Đu</option>' in body
    assert "H&#x27;Mông" not in body and "H'Mông" not in body
    r = clients["secretary_a"].post(
        "/members/new/", form_data(cell=tree.cell_a.pk, official_date="02/10/2016")
    )
    # a late official date is a warning too
    assert "muộn hơn 3 tháng sau khi hết dự bị (19/05/2016)" in r.content.decode()


@pytest.mark.django_db
def test_create_stores_the_official_name_of_an_ethnicity(tree, clients):
    r = clients["secretary_a"].post(
        "/members/new/",
        form_data(cell=tree.cell_a.pk, ethnicity="H'Mông", citizen_id="014090000079"),
    )
    assert r.status_code == 302
    assert Member.objects.get(citizen_id="014090000079").ethnicity == "Mông"


@pytest.mark.django_db
def test_edit_opens_an_old_spelling_on_its_official_name_and_saves_it(tree, clients):
    Member.objects.filter(pk=tree.member_a.pk).update(ethnicity="H'Mông")
    m = Member.objects.get(pk=tree.member_a.pk)
    client = clients["secretary_a"]
    body = client.get(f"/members/{m.pk}/edit/").content.decode()
    assert '<option value="Mông" selected>Mông</option>' in body
    r = client.post(f"/members/{m.pk}/edit/", member_form_data(m, ethnicity="Mông"))
    assert r.status_code == 302
    assert Member.objects.get(pk=m.pk).ethnicity == "Mông"


@pytest.mark.django_db
def test_edit_of_an_unknown_stored_ethnicity_asks_for_one_of_the_list(tree, clients):
    Member.objects.filter(pk=tree.member_a.pk).update(ethnicity="Thay")
    m = Member.objects.get(pk=tree.member_a.pk)
    client = clients["secretary_a"]
    body = client.get(f"/members/{m.pk}/edit/").content.decode()
    assert '<option value="Thay" selected>Thay</option>' in body
    before = snapshot()
    r = client.post(f"/members/{m.pk}/edit/", member_form_data(m))
    assert "Dân tộc «Thay» không có trong danh mục 54 dân tộc; có phải «Tày»?" in (
        r.content.decode()
    )
    assert snapshot() == before


@pytest.mark.django_db
def test_edit_of_another_field_does_not_ask_about_an_old_warning(tree, clients):
    m = make_member(tree.cell_a, "Hà Văn Cũ", official=False, admitted=D(1998, 5, 12))
    client = clients["secretary_a"]
    r = client.post(f"/members/{m.pk}/edit/", member_form_data(m, residence="Bản Áng"))
    assert r.status_code == 302
    assert Member.objects.get(pk=m.pk).residence == "Bản Áng"
    # changing the admission date brings the warning back
    m.refresh_from_db()
    r = client.post(f"/members/{m.pk}/edit/", member_form_data(m, admission_date="12/06/1998"))
    assert r.status_code == 200
    assert "Đảng viên vào Đảng 12/06/1998, đã quá 12 tháng dự bị" in r.content.decode()
    assert Member.objects.get(pk=m.pk).admission_date == D(1998, 5, 12)


# --- the services ------------------------------------------------------------------------------


def create(cell, **overrides):
    fields = {
        "full_name": "Lò Văn Dịch",
        "sex": "male",
        "birth_date": D(1990, 3, 2),
        "ethnicity": "Thái",
        "admission_date": D(2015, 5, 19),
        "official_date": D(2016, 5, 19),
        **overrides,
    }
    return services.member_create(actor=None, cell=cell, **fields)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"official_date": D(2016, 5, 18)}, "official_date", "khi chưa đủ 12 tháng dự bị"),
        ({"birth_date": D(1997, 5, 20)}, "admission_date", "chưa đủ 18 tuổi"),
        ({"admission_date": D(1929, 5, 19), "official_date": None, "birth_date": D(1900, 1, 1)},
         "admission_date", "trước ngày thành lập Đảng"),
        ({"birth_date": D(1899, 5, 19), "admission_date": D(1950, 1, 1), "official_date": None},
         "birth_date", "trước năm 1900"),
        ({"official_date": D(2999, 1, 1)}, "official_date", "ở tương lai"),
        ({"ethnicity": "Kihn"}, "ethnicity", "có phải «Kinh»?"),
    ],
)  # fmt: skip
def test_member_create_refuses_the_errors(overrides, field, message, tree):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        create(tree.cell_a, **overrides)
    (text,) = exc.value.message_dict[field]
    # beside its field, as on the form: the record is the caller's, no name needed
    assert text[0].isupper() and "Lò Văn Dịch" not in text and message in text
    assert snapshot() == before


@pytest.mark.django_db
def test_member_create_stores_the_official_name_and_ignores_warnings(tree):
    m = create(tree.cell_a, ethnicity="ê-đê", official_date=None)
    m.refresh_from_db()
    assert (m.ethnicity, m.official_date) == ("Ê Đê", None)


@pytest.mark.django_db
def test_member_update_checks_what_the_change_is_answerable_for(tree):
    m = tree.member_a
    # an old record that breaks a rule (written before the rules, or by hand)
    Member.objects.filter(pk=m.pk).update(official_date=D(2011, 1, 1), ethnicity="H'Mông")
    m.refresh_from_db()
    services.member_update(member=m, actor=None, residence="Bản Áng")
    m.refresh_from_db()
    assert (m.residence, m.official_date, m.ethnicity) == ("Bản Áng", D(2011, 1, 1), "H'Mông")
    # touching the official date must fix it
    with pytest.raises(ValidationError) as exc:
        services.member_update(member=m, actor=None, official_date=D(2011, 2, 1))
    assert "khi chưa đủ 12 tháng dự bị" in exc.value.message_dict["official_date"][0]
    services.member_update(member=m, actor=None, official_date=D(2011, 5, 19), ethnicity="Hmong")
    m.refresh_from_db()
    assert (m.official_date, m.ethnicity) == (D(2011, 5, 19), "Mông")
    # a change that makes another field wrong is refused on that field
    with pytest.raises(ValidationError) as exc:
        services.member_update(member=m, actor=None, birth_date=D(1993, 1, 1))
    assert "chưa đủ 18 tuổi" in exc.value.message_dict["admission_date"][0]
    with pytest.raises(ValidationError) as exc:
        services.member_update(member=m, actor=None, ethnicity="Thay")
    assert exc.value.message_dict["ethnicity"] == [
        "Dân tộc «Thay» không có trong danh mục 54 dân tộc; có phải «Tày»?"
    ]


@pytest.mark.django_db
def test_the_migration_stores_the_official_names(tree):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("chibo.members.migrations.0004_ethnicity_official_names")
    Member.objects.filter(pk=tree.member_a.pk).update(ethnicity="H'Mông")
    Member.objects.filter(pk=tree.member_b.pk).update(ethnicity="Thay")
    migration.official_names(apps, None)
    assert dict(Member.objects.values_list("full_name", "ethnicity")) == {
        "Nguyễn Văn An": "Mông",
        "Lò Thị Ánh": "Thái",
        "Cầm Văn Bình": "Thay",  # unknown: left for the form to ask
    }
