"""The organization filter of the lists other than the member list (members/tests/test_views.py
has its own): a text field, not a <select> of every organization in the scope, which chooses
the organization its text names."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["training:courses", "meetings:month", "meetings:overview"], ids=lambda n: n
)
def test_a_list_chooses_the_organization_its_text_names(name, tree, clients):
    url = reverse(name)
    plain = clients["admin"].get(url).content.decode()
    assert 'name="org_q"' in plain and '<select name="org"' not in plain
    chosen = clients["admin"].get(url, {"org_q": "xa binh"}).content.decode()
    assert f'<input type="hidden" name="org" value="{tree.commune_b.pk}">' in chosen
    assert f'value="{tree.commune_b.name}"' in chosen
    several = clients["admin"].get(url, {"org_q": "dang bo xa"}).content.decode()
    assert "Chọn một tổ chức khớp «dang bo xa»" in several
    assert f"org={tree.commune_a.pk}" in several and f"org={tree.commune_b.pk}" in several
