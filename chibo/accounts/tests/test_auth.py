"""Sign-in: the login form, lockout after repeated failures, TOTP for org-board admins,
sessions that expire, POST-only logout, and the audit row of each login."""

import base64
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from chibo.accounts.middleware import REFRESHED
from chibo.core.models import AuditEvent

LOGIN = "/accounts/login/"
OTP = "/accounts/otp/"


def sign_in(client, username, password=None, next_url=None):
    data = {"username": username, "password": password or "pw-" + username}
    if next_url is not None:
        data["next"] = next_url
    return client.post(LOGIN, data)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def otp_next(response):
    """The `next` a redirect to the TOTP page carries, or None if it goes elsewhere."""
    url = urlsplit(response["Location"])
    if response.status_code != 302 or url.path != OTP:
        return None
    return parse_qs(url.query)["next"][0]


def token_for(device, shift=0):
    """The device's code `shift` time steps from now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + shift * device.step
    return f"{totp.token():06d}"


# --- the login form ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_shows_the_form(client):
    r = client.get(LOGIN)
    body = r.content.decode()
    assert r.status_code == 200
    assert 'name="username"' in body and 'name="password"' in body
    assert "Đăng nhập" in body
    assert "tạm khóa 30 phút" in body  # the lockout is announced before it happens


@pytest.mark.django_db
def test_login_with_the_right_password_signs_in_and_is_audited(personas):
    client = Client()
    r = sign_in(client, "secretary_a", next_url="/members/")
    assert r.status_code == 302 and r["Location"] == "/members/"
    assert signed_in_user_id(client) == str(personas["secretary_a"].pk)
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert event.actor == personas["secretary_a"]
    user_pk = str(personas["secretary_a"].pk)
    assert (event.object_type, event.object_id) == ("accounts.user", user_pk)
    assert client.get("/members/").status_code == 200


@pytest.mark.django_db
def test_wrong_password_shows_a_message_signs_nobody_in_and_writes_no_login(personas):
    client = Client()
    r = sign_in(client, "secretary_a", password="wrong")
    body = r.content.decode()
    assert r.status_code == 200
    assert "mật khẩu chính xác" in body
    assert signed_in_user_id(client) is None
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()
    assert AccessAttempt.objects.get(username="secretary_a").failures_since_start == 1


@pytest.mark.django_db
def test_next_pointing_to_another_site_is_ignored(personas):
    client = Client()
    r = sign_in(client, "secretary_a", next_url="https://evil.example/steal")
    assert r.status_code == 302 and r["Location"] == "/"


# --- lockout (django-axes) --------------------------------------------------------------------


@pytest.mark.django_db
def test_five_failures_lock_the_account_even_for_the_right_password(personas):
    assert django_settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    for _ in range(4):
        r = sign_in(client, "secretary_a", password="wrong")
        assert r.status_code == 200 and "Tài khoản tạm bị khóa" not in r.content.decode()
    r = sign_in(client, "secretary_a", password="wrong")
    assert r.status_code == 429
    assert "Tài khoản tạm bị khóa" in r.content.decode()

    r = sign_in(client, "secretary_a")  # the right password now
    assert r.status_code == 429
    assert "Tài khoản tạm bị khóa" in r.content.decode()
    assert signed_in_user_id(client) is None
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()

    # The lock holds for this username (with this address), not for everyone on it.
    other = Client()
    assert sign_in(other, "commune").status_code == 302

    # An administrator's reset lifts it.
    assert axes_reset(username="secretary_a") >= 1
    r = sign_in(client, "secretary_a")
    assert r.status_code == 302
    assert signed_in_user_id(client) == str(personas["secretary_a"].pk)


@pytest.mark.django_db
def test_a_success_clears_earlier_failures(personas):
    client = Client()
    for _ in range(4):
        sign_in(client, "secretary_a", password="wrong")
    assert sign_in(client, "secretary_a").status_code == 302
    client.post("/accounts/logout/")
    # Four more failures do not lock: the count started again after the success.
    for _ in range(4):
        assert sign_in(client, "secretary_a", password="wrong").status_code == 200
    assert sign_in(client, "secretary_a").status_code == 302


# --- TOTP for org-board admins ----------------------------------------------------------------


@pytest.mark.django_db
def test_admin_is_sent_to_otp_after_the_password_and_held_there(personas):
    client = Client()
    r = sign_in(client, "admin", next_url="/members/")
    assert otp_next(r) == "/members/"
    assert signed_in_user_id(client) == str(personas["admin"].pk)  # password step done
    district_id = personas["admin"].roles.get().organization_id
    for url in ("/", "/members/", "/org/", f"/org/{district_id}/", "/members/?q=a&org=1"):
        assert otp_next(client.get(url)) == url
    # The sign-in pages themselves are not held, nor the installable app's service worker and
    # manifest, which the OTP page registers (a redirect made the browser refuse the worker).
    assert client.get(OTP).status_code == 200
    assert client.get("/sw.js").status_code == 200
    assert client.get("/manifest.webmanifest").status_code == 200


@pytest.mark.django_db
def test_a_next_with_a_query_string_survives_the_otp_step(personas):
    """The page asked for, filters included, is where the admin lands after the code."""
    device = TOTPDevice.objects.create(user=personas["admin"], name="phone", confirmed=True)
    client = Client()
    wanted = "/members/?sex=female&status=all"
    r = sign_in(client, "admin", next_url=wanted)
    assert otp_next(r) == wanted
    r = client.post(OTP, {"token": token_for(device), "next": otp_next(r)})
    assert r.status_code == 302 and r["Location"] == wanted


@pytest.mark.django_db
def test_first_otp_visit_sets_up_a_device_with_qr_and_secret(personas):
    admin = personas["admin"]
    client = Client()
    sign_in(client, "admin")
    r = client.get(OTP + "?next=/members/")
    body = r.content.decode()
    assert r.status_code == 200
    assert "<svg" in body  # the QR code, inline
    device = TOTPDevice.objects.get(user=admin)
    assert device.confirmed is False
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', body).group(1)
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    # Reloading shows the same secret rather than minting devices.
    client.get(OTP)
    assert TOTPDevice.objects.filter(user=admin).count() == 1

    r = client.post(OTP, {"token": token_for(device), "next": "/members/"})
    assert r.status_code == 302 and r["Location"] == "/members/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert AuditEvent.objects.filter(
        actor=admin, action=AuditEvent.Action.UPDATE, note="TOTP device confirmed"
    ).exists()
    assert client.get("/members/").status_code == 200
    assert client.get("/org/").status_code == 200


@pytest.mark.django_db
def test_wrong_or_malformed_code_is_refused_and_the_device_stays_unconfirmed(personas):
    client = Client()
    sign_in(client, "admin")
    client.get(OTP)
    device = TOTPDevice.objects.get(user=personas["admin"])
    near = {token_for(device, shift) for shift in (-2, -1, 0, 1, 2)}
    wrong = next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in near)

    r = client.post(OTP, {"token": wrong})
    assert r.status_code == 200
    assert "Mã không đúng hoặc đã hết hạn" in r.content.decode()
    assert 'id="totp-secret"' in r.content.decode()  # still the setup page

    r = client.post(OTP, {"token": "12ab"})
    assert r.status_code == 200
    assert "Mã gồm đúng 6 chữ số." in r.content.decode()

    device.refresh_from_db()
    assert device.confirmed is False
    assert client.get("/members/")["Location"].startswith(OTP)


@pytest.mark.django_db
def test_admin_with_a_device_is_asked_for_a_code_without_setup(personas):
    admin = personas["admin"]
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    client = Client()
    sign_in(client, "admin")
    body = client.get(OTP).content.decode()
    assert 'id="totp-secret"' not in body and "<svg" not in body
    r = client.post(OTP, {"token": token_for(device), "next": "/org/"})
    assert r.status_code == 302 and r["Location"] == "/org/"
    assert TOTPDevice.objects.filter(user=admin).count() == 1  # no second device
    assert client.get("/org/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username", ["analyst", "commune", "secretary_a", "member_a", "official", "secretary_b"]
)
def test_other_roles_are_not_asked_for_a_code(username, personas):
    client = Client()
    r = sign_in(client, username, next_url="/members/")
    assert r.status_code == 302 and r["Location"] == "/members/"
    r = client.get("/")  # a role home (the analyst's: the organization's page)
    assert r.status_code == (302 if username == "analyst" else 200)
    assert not r.get("Location", "").startswith(OTP)
    assert not TOTPDevice.objects.filter(user=personas[username]).exists()


# --- sessions and logout -----------------------------------------------------------------------


def test_sessions_expire():
    assert 0 < django_settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert django_settings.SESSION_COOKIE_HTTPONLY is True
    # Inactivity, not login time: the expiry moves with the requests (a minute at most late).
    assert 0 < django_settings.SESSION_REFRESH_SECONDS <= 300
    middleware = django_settings.MIDDLEWARE
    refresh = middleware.index("chibo.accounts.middleware.SessionRefreshMiddleware")
    assert refresh > middleware.index("django.contrib.sessions.middleware.SessionMiddleware")


def _session_updates(queries):
    return [q for q in queries if q["sql"].startswith('UPDATE "django_session"')]


@pytest.mark.django_db
def test_a_session_is_written_once_a_minute_at_most(personas):
    """Each request keeps the session alive, but writes its row only when the expiry was last
    moved SESSION_REFRESH_SECONDS ago or more (not one UPDATE per page view)."""
    client = Client()
    sign_in(client, "secretary_a")
    key = client.session.session_key

    def expiry():
        return Session.objects.get(session_key=key).expire_date

    signed_in = expiry()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/members/").status_code == 200
    assert _session_updates(ctx.captured_queries) == []
    assert expiry() == signed_in

    # As if the expiry had last moved a minute ago: the next request moves it again.
    session = client.session
    session[REFRESHED] -= django_settings.SESSION_REFRESH_SECONDS
    session.save()
    stale, moved = expiry(), session[REFRESHED]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/members/").status_code == 200
    assert len(_session_updates(ctx.captured_queries)) == 1
    assert expiry() > stale and client.session[REFRESHED] > moved
    assert signed_in_user_id(client) is not None


@pytest.mark.django_db
def test_session_cookie_ends_with_the_browser(personas):
    client = Client()
    sign_in(client, "secretary_a")
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"]
    expiry = client.session.get_expiry_age()
    assert 0 < expiry <= django_settings.SESSION_COOKIE_AGE


@pytest.mark.django_db
def test_logout_is_post_only(personas):
    client = Client()
    sign_in(client, "secretary_a")
    r = client.get("/accounts/logout/")
    assert r.status_code == 405
    assert signed_in_user_id(client) is not None  # a link or an <img> cannot sign you out

    r = client.post("/accounts/logout/")
    assert r.status_code == 302 and r["Location"] == LOGIN
    assert signed_in_user_id(client) is None
    r = client.get("/members/")
    assert r.status_code == 302 and r["Location"].startswith(LOGIN)
    assert "Bạn đã đăng xuất." in client.get(LOGIN).content.decode()
