"""Every typed date takes years 1900–2100 only: a query string, a form, an import cell."""

import datetime

import pytest

from chibo.core.dates import parse_vn_date

RANGE_MESSAGE = "Ngày phải trong các năm 1900–2100."
OUT_OF_RANGE = ["01/01/0001", "0001-01-01", "31/12/1899", "01/01/2101"]


@pytest.mark.parametrize("typed", OUT_OF_RANGE)
def test_parse_refuses_a_year_outside_1900_2100(typed):
    with pytest.raises(ValueError):
        parse_vn_date(typed)


def test_parse_takes_the_bounds():
    assert parse_vn_date("01/01/1900") == datetime.date(1900, 1, 1)
    assert parse_vn_date("31/12/2100") == datetime.date(2100, 12, 31)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["01/01/0001", "01/01/2101"])
def test_an_as_of_outside_the_range_is_a_400_not_a_500(clients, tree, typed):
    url = f"/meetings/officials/org/{tree.commune_a.pk}/?as_of={typed}"
    response = clients["admin"].get(url)
    assert response.status_code == 400
    assert "1900" in response.content.decode()


@pytest.mark.django_db
def test_the_member_form_refuses_a_birth_date_in_year_1(clients, tree):
    member = tree.member_a
    page = clients["admin"].get(f"/members/{member.pk}/edit/")
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            name: form[name].value() or ""
            for name in form.fields
            if name not in data and form[name].value() is not None
        }
    )
    for name, value in list(data.items()):
        if isinstance(value, datetime.date):
            data[name] = value.strftime("%d/%m/%Y")
    data["birth_date"] = "01/01/0001"
    data["admission_date"] = "01/01/2101"
    response = clients["admin"].post(f"/members/{member.pk}/edit/", data)
    assert response.status_code in (200, 400)
    errors = response.context["form"].errors
    assert errors["birth_date"] == errors["admission_date"] == [RANGE_MESSAGE]
    member.refresh_from_db()
    assert member.birth_date.year == 1980
