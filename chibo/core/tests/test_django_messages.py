"""Django's own messages that a user can meet (validators, form and model fields, the paginator,
the CSRF page, the back office) are Vietnamese in the Vietnamese UI: Django's catalogue lacks
some, locale/vi adds them."""

import inspect
from pathlib import Path

import django
import pytest
from django import forms
from django.core import validators
from django.db import models
from django.utils import translation

from chibo.core.tests.test_i18n import read_po
from chibo.members.tests.test_admin import superclient  # noqa: F401 (a fixture)


def _msgid(message) -> str:
    with translation.override(None):  # no catalogue: the source text
        return str(message)


def _messages():
    seen = {}
    for module in (forms.fields, forms.models, models.fields, models.fields.related):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            for klass in cls.__mro__:
                for message in vars(klass).get("default_error_messages", {}).values():
                    seen[_msgid(message)] = message
    for _, cls in inspect.getmembers(validators, inspect.isclass):
        message = vars(cls).get("message")
        if message is not None:
            seen[_msgid(message)] = message
    seen.pop("", None)  # a message Django builds elsewhere (URLValidator's scheme list)
    return seen


MESSAGES = _messages()


@pytest.mark.parametrize("msgid", sorted(MESSAGES))
def test_django_message_is_vietnamese(msgid):
    with translation.override("vi"):
        assert str(MESSAGES[msgid]) != msgid


@pytest.mark.parametrize(
    "msgid",
    [
        "That page number is not an integer",
        "That page number is less than 1",
        "That page contains no results",
        "Null characters are not allowed.",
        "Forbidden",
        "CSRF verification failed. Request aborted.",
    ],
)
def test_other_reachable_django_messages_are_vietnamese(msgid):
    with translation.override("vi"):
        assert translation.gettext(msgid) != msgid


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/meetings/month/?page=x",
        "/meetings/month/?page=%00",
        "/members/?q=a%00b",
        "/training/?page=x",
    ],
)
def test_a_bad_query_is_told_in_vietnamese_and_names_its_field(clients, url):
    response = clients["admin"].get(url)
    body = response.content.decode()
    assert response.status_code == 400, body
    assert "None" not in body
    assert "not allowed" not in body and "Enter a" not in body
    assert "Tham số không hợp lệ" in body or "không hợp lệ" in body


# --- the back office ----------------------------------------------------------------------
# Every string of django.contrib.admin and django.contrib.auth (the user forms the back office
# shows) is read from the English catalogue Django ships; locale/vi adds what Django's
# Vietnamese lacks (Django's vi catalogue keys some under older msgids, with straight quotes).

DJANGO_DIR = Path(django.__file__).parent

# msgids whose Vietnamese is the msgid itself, each with why
SAME_IN_VIETNAMESE = {
    ", ": "the separator between listed objects is a comma in Vietnamese too",
    "%(class_name)s %(instance)s": "a model's name then an object: the same order in Vietnamese",
    "Email": "Vietnamese says Email",
}


def _back_office_entries():
    entries = []
    for app in ("admin", "auth"):
        po = DJANGO_DIR / "contrib" / app / "locale" / "en" / "LC_MESSAGES" / "django.po"
        entries += [(app, e) for e in read_po(po)[1:]]
    return entries


BACK_OFFICE = _back_office_entries()


def test_back_office_catalogues_are_read():
    msgids = {e["msgid"] for _, e in BACK_OFFICE}
    assert len(msgids) > 250
    assert "Please correct the error below." in msgids and "Enabled" in msgids
    assert set(SAME_IN_VIETNAMESE) <= msgids, "an exception Django no longer has"


def _english(entry) -> list[str]:
    """The forms of `entry` that read the same in the Vietnamese UI as in English."""
    msgid, plural, context = entry["msgid"], entry.get("msgid_plural"), entry.get("msgctxt")
    with translation.override("vi"):
        if plural is None:
            got = [translation.pgettext(context, msgid) if context else translation.gettext(msgid)]
            english = [msgid]
        else:
            english = [msgid, plural]
            got = [
                translation.npgettext(context, msgid, plural, n)
                if context
                else translation.ngettext(msgid, plural, n)
                for n in (1, 2)
            ]
    return [source for vietnamese, source in zip(got, english, strict=True) if vietnamese == source]


def test_every_back_office_string_is_vietnamese():
    """One test for the ~300 strings (each its own test would cost more than it checks)."""
    english = [
        f"{app}: {text}"
        for app, entry in BACK_OFFICE
        if entry["msgid"] not in SAME_IN_VIETNAMESE
        for text in _english(entry)
    ]
    assert not english, "\n".join(english)


def test_an_invalid_back_office_form_is_told_in_vietnamese(superclient):  # noqa: F811
    response = superclient.post("/admin/accounts/user/add/", {"username": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hãy sửa lỗi dưới đây." in body
    assert "Please correct" not in body
    assert "Đăng nhập bằng mật khẩu" in body and "Password-based authentication" not in body
    assert "Chuyển đến nội dung chính" in body and "Skip to main content" not in body
