"""Sign-in with lockout (django-axes) and TOTP two-factor (django-otp)."""

import base64

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from chibo.core import audit
from chibo.core.models import AuditEvent
from chibo.core.web import no_compression

from .middleware import needs_otp


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("Mã xác thực 6 số"),
        regex=r"^\d{6}$",
        error_messages={"invalid": gettext_lazy("Mã gồm đúng 6 chữ số.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def _next_url(request, default="/"):
    url = request.POST.get("next") or request.GET.get("next") or default
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return default
    return url


def login_view(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next_url(request))
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        login(request, user)
        audit.record(actor=user, action=AuditEvent.Action.LOGIN, obj=user)
        if form.cleaned_data.get("password") in settings.CHIBO_SHARED_PASSWORDS:
            messages.warning(
                request,
                _(
                    "Anh/chị đang dùng mật khẩu chung của bản trình diễn, ai cũng biết. Hãy đổi "
                    "mật khẩu ngay (Tài khoản → Đổi mật khẩu)."
                ),
            )
        if needs_otp(user):
            return redirect(reverse("accounts:otp") + "?" + urlencode({"next": _next_url(request)}))
        return redirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


@login_required
@no_compression  # it shows a secret once
def otp_view(request):
    """Verify a TOTP code; a user with no confirmed device first sets one up."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setup = device is None
    if setup:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=request.user, name="chibo", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                if setup:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    audit.record(
                        actor=request.user,
                        action=AuditEvent.Action.UPDATE,
                        obj=request.user,
                        note="TOTP device confirmed",
                    )
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("Mã không đúng hoặc đã hết hạn. Hãy thử mã mới."))
    context = {"form": form, "setup": setup, "next": _next_url(request)}
    if setup:
        uri = device.config_url
        context["qr_svg"] = segno.make(uri).svg_inline(scale=4)
        context["secret"] = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "accounts/otp.html", context)


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("Bạn đã đăng xuất."))
    return redirect("accounts:login")
