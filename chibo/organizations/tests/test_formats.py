"""One format module (config/formats) for the whole interface: dd/mm/yyyy typed and shown in
both languages, the back office included, with no form field declaring formats of its own."""

import datetime
import pathlib

import pytest
from django.conf import settings
from django.utils import formats, translation

from chibo.accounts.models import User
from chibo.organizations.models import Commune
from conftest import login_client

CHIBO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def vietnamese_after():
    """The language middleware activates a language per request; don't leak it to other tests."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_admin_reads_and_writes_dates_as_day_month_year(tree, language):
    """The bug of issue #10: the back office read "01/03/1980" as 3 January 1980."""
    superuser = User.objects.create_superuser(username="root", password="pw-root", full_name="R")
    client = login_client(superuser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    commune = Commune.objects.get(code="C-A")
    url = f"/admin/organizations/commune/{commune.pk}/change/"
    page = client.get(url).content.decode()
    assert 'value="01/01/2015"' in page  # the valid_from shown as dd/mm/yyyy

    data = {"code": "C-A", "name": "An", "kind": "commune", "valid_from": "01/03/1980"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    commune.refresh_from_db()
    assert commune.valid_from == datetime.date(1980, 3, 1)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_format_module_is_the_one_read(language):
    with translation.override(language):
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"
        assert "%m/%d/%Y" not in formats.get_format("DATE_INPUT_FORMATS")
        assert formats.date_format(datetime.date(1980, 3, 1)) == "01/03/1980"
        assert formats.date_format(datetime.date(1980, 3, 1), "SHORT_DATE_FORMAT") == "01/03/1980"
    with translation.override("vi"):
        assert formats.number_format(9300.5, 1, force_grouping=True) == "9.300,5"


def test_no_form_field_declares_its_own_input_formats():
    """Formats come from config/formats, not from a field (STYLE.md, convention 14)."""
    found = [
        str(path.relative_to(CHIBO.parent))
        for path in CHIBO.rglob("*.py")
        if "tests" not in path.parts and "input_formats" in path.read_text(encoding="utf-8")
    ]
    assert found == []
