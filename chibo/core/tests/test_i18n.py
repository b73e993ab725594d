"""English as the second language: the cookie switches to it, the browser's Accept-Language never
does, and the catalogue (locale/en) has an English string for every Vietnamese one.

When a catalogue test fails after you added or changed strings:
    .venv/bin/python manage.py makemessages -l en -e html,txt,py --no-obsolete \
        --ignore=.venv --ignore=.tools --ignore=bench --ignore=var
translate the new entries in locale/en/LC_MESSAGES/django.po (no fuzzy flags left), then
    .venv/bin/python manage.py compilemessages -l en --ignore=.venv
and commit both django.po and django.mo (servers may lack gettext).
"""

import ast
import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")


@pytest.fixture(autouse=True)
def _vietnamese_after():
    """The language middleware activates a language per request; don't leak it to other tests."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def en(msgid: str) -> str:
    with translation.override("en"):
        return translation.gettext(msgid)


def page(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response, response.content.decode()


# --- the language switch ------------------------------------------------------------------


def test_member_list_in_english_with_the_cookie(clients):
    client = clients["analyst"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response, html = page(client, reverse("members:list"))
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in html
    assert "<h1>Members" in html
    assert "Date of birth" in html
    assert en("Tìm theo tên, tên gọi khác, số thẻ (không cần dấu)") in html
    assert "Danh sách đảng viên" not in html
    assert "Ngày sinh" not in html
    assert "Đăng xuất" not in html


def test_organization_page_in_english_with_the_cookie(clients, tree):
    client = clients["analyst"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _, html = page(client, reverse("organizations:detail", args=[tree.commune_a.pk]))
    assert '<html lang="en">' in html
    for label in ("Chỉ số", "Tổ chức trực thuộc", "Lịch sử", "Danh sách đảng viên"):
        assert en(label) != label
        assert en(label) in html
        assert f">{label}<" not in html
    assert ">Members<" in html
    # data stays as entered
    assert tree.commune_a.name in html


def test_cell_page_in_english_with_the_cookie(clients, tree):
    client = clients["secretary_a"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _, html = page(client, reverse("organizations:detail", args=[tree.cell_a.pk]))
    assert "Full name" in html
    assert tree.member_a.full_name in html
    assert "Họ và tên" not in html


@pytest.mark.parametrize("accept", ["en-US,en;q=0.9", "en", "fr-FR,en;q=0.8"])
def test_vietnamese_without_the_cookie_whatever_the_browser_asks(clients, tree, accept):
    client = clients["analyst"]
    response, html = page(client, reverse("members:list"), HTTP_ACCEPT_LANGUAGE=accept)
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi">' in html
    assert "Danh sách đảng viên" in html
    assert "<h1>Members" not in html
    _, html = page(
        client,
        reverse("organizations:detail", args=[tree.commune_a.pk]),
        HTTP_ACCEPT_LANGUAGE=accept,
    )
    assert "Tổ chức trực thuộc" in html
    assert en("Tổ chức trực thuộc") not in html


def test_unknown_language_cookie_falls_back_to_vietnamese(clients):
    client = clients["analyst"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response, html = page(client, reverse("members:list"), HTTP_ACCEPT_LANGUAGE="en-US")
    assert response["Content-Language"] == "vi"
    assert "Danh sách đảng viên" in html


def test_the_switch_sets_the_cookie(clients):
    client = clients["analyst"]
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("members:list")}
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    _, html = page(client, reverse("members:list"))
    assert "<h1>Members" in html


# --- the catalogue ------------------------------------------------------------------------


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (list), flags, refs.
    Obsolete entries (#~) are skipped; the header (msgid "") is kept."""
    entries, cur, field = [], None, None

    def flush():
        nonlocal cur
        if cur is not None and "msgid" in cur:
            entries.append(cur)
        cur = None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            flush()
            continue
        if cur is None:
            cur = {"flags": set(), "refs": [], "msgstr": {}}
        if line.startswith("#,"):
            cur["flags"] |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#:"):
            cur["refs"] += line[2:].split()
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, int):
                cur["msgstr"][field] += value
            else:
                cur[field] += value
        else:
            keyword, _, literal = line.partition(" ")
            value = ast.literal_eval(literal)
            if keyword.startswith("msgstr["):
                field = int(keyword[7:-1])
                cur["msgstr"][field] = value
            elif keyword == "msgstr":
                field = 0
                cur["msgstr"][0] = value
            elif keyword in ("msgid", "msgid_plural", "msgctxt"):
                field = keyword
                cur[keyword] = value
            else:
                raise AssertionError(f"{path}: cannot read {raw!r}")
    flush()
    return [{**e, "msgstr": [e["msgstr"][i] for i in sorted(e["msgstr"])]} for e in entries]


def where(e) -> str:
    return f"{e['msgid']!r} ({' '.join(e['refs'][:2])})"


@pytest.fixture(scope="module")
def catalogue():
    assert PO.exists(), f"{PO} is missing"
    entries = read_po(PO)
    assert entries and entries[0]["msgid"] == "", "the .po header is missing"
    return entries[1:]


def test_catalogue_has_no_untranslated_or_fuzzy_entries(catalogue):
    untranslated = [where(e) for e in catalogue if not all(s.strip() for s in e["msgstr"])]
    fuzzy = [where(e) for e in catalogue if "fuzzy" in e["flags"]]
    assert not untranslated, f"{len(untranslated)} untranslated: " + "; ".join(untranslated[:20])
    assert not fuzzy, f"{len(fuzzy)} fuzzy (check, then drop the flag): " + "; ".join(fuzzy[:20])


def test_catalogue_keeps_placeholders_and_plurals(catalogue):
    bad = []
    for e in catalogue:
        need = set(PLACEHOLDER.findall(e["msgid"]))
        if "msgid_plural" in e:
            if len(e["msgstr"]) != 2:
                bad.append(where(e) + ": needs msgstr[0] and msgstr[1]")
            need |= set(PLACEHOLDER.findall(e["msgid_plural"]))
            # msgstr[0] may drop a count placeholder ("one minute"), msgstr[1] may not
            got = set(PLACEHOLDER.findall(e["msgstr"][-1]))
        else:
            got = set(PLACEHOLDER.findall(e["msgstr"][0]))
        if got != need:
            bad.append(f"{where(e)}: {sorted(got)} != {sorted(need)}")
        if e["msgid"].endswith("\n") != e["msgstr"][0].endswith("\n"):
            bad.append(where(e) + ": trailing newline differs")
    assert not bad, "\n".join(bad)


def test_compiled_catalogue_matches_the_po(catalogue):
    """django.mo is committed and must be compiled from the current django.po."""
    assert MO.exists(), f"{MO} is missing: run compilemessages"
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)._catalog
    stale = []
    for e in catalogue:
        key = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        if "msgid_plural" in e:
            got = [compiled.get((key, i)) for i in range(len(e["msgstr"]))]
            if got != e["msgstr"]:
                stale.append(where(e))
        elif compiled.get(key) != e["msgstr"][0]:
            stale.append(where(e))
    assert not stale, f"django.mo is older than django.po ({len(stale)}): run compilemessages"


SKIP_DIRS = {".venv", ".tools", ".git", "bench", "var", "locale", "node_modules"}


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed")
def test_every_source_string_is_in_the_catalogue(catalogue, tmp_path, monkeypatch):
    """Extract the strings from the code and templates as makemessages does and check each one
    is in the committed catalogue (and so, by the tests above, translated): a new string in code
    fails here until it is translated. makemessages writes next to the nearest "locale" folder,
    so it runs on a copy of the sources, never touching locale/en."""
    src = tmp_path / "src"
    src.mkdir()
    for item in Path(settings.BASE_DIR).iterdir():
        if item.name in SKIP_DIRS or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(item, src / item.name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(item, src / item.name)
    out = tmp_path / "locale"
    monkeypatch.chdir(src)
    with override_settings(LOCALE_PATHS=[str(out)]):
        call_command(
            "makemessages",
            locale=["en"],
            extensions=["html", "txt", "py"],
            ignore_patterns=sorted(SKIP_DIRS),
            no_obsolete=True,
            verbosity=0,
        )
    extracted = read_po(out / "en" / "LC_MESSAGES" / "django.po")[1:]
    assert extracted, "nothing extracted"
    known = {(e.get("msgctxt"), e["msgid"]) for e in catalogue}
    missing = [where(e) for e in extracted if (e.get("msgctxt"), e["msgid"]) not in known]
    assert not missing, (
        f"{len(missing)} strings are not in locale/en (see this file's docstring): "
        + "; ".join(missing[:20])
    )


def test_djangos_own_strings_missing_from_its_vietnamese_catalogue_are_in_ours():
    """A select's blank choice (Django 6.1's "- Select an option -") has no Vietnamese in
    Django's catalogue: locale/vi gives it, so a Vietnamese form does not show English."""
    from django.db.models.fields import BLANK_CHOICE_LABEL

    with translation.override("vi"):
        assert str(BLANK_CHOICE_LABEL) == "- Chọn -"
    with translation.override("en"):
        assert str(BLANK_CHOICE_LABEL) == "- Select an option -"


@pytest.mark.django_db
def test_error_pages_speak_vietnamese_first(client):
    """A missing page (or one outside the user's scope) answers in chibo's own page, in
    Vietnamese by default and in English after the switch; a server error too."""
    from django.template.loader import render_to_string

    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Page not found" in client.get("/no-such-page/").content.decode()
    with translation.override("vi"):
        assert "Lỗi máy chủ" in render_to_string("500.html")
