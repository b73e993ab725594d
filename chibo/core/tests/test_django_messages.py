"""Django's own messages that a user can meet (validators, form and model fields, the paginator,
the CSRF page) are Vietnamese in the Vietnamese UI: Django's catalogue lacks some, locale/vi
adds them."""

import inspect

import pytest
from django import forms
from django.core import validators
from django.db import models
from django.utils import translation


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
