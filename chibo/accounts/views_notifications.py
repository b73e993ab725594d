"""The inbox: a user's notifications, opening one (marked read, then its thing), marking all read.

A user reads only their own notifications: anyone else's is a 404, as a missing one. Opening
leads to the notification's path inside chibo, whose page checks the reader's scope again.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chibo.core.forms import PageField
from chibo.core.web import bad_query

from . import notifications as notes

PAGE_SIZE = 50


class PageForm(forms.Form):
    page = PageField()


@login_required
@require_GET
def inbox(request):
    form = PageForm(request.GET)
    if not form.is_valid():
        return bad_query(form, request=request)
    page = Paginator(notes.user_notifications(request.user), PAGE_SIZE).get_page(
        form.cleaned_data.get("page") or 1
    )
    return render(request, "accounts/notifications.html", {"page": page})


def _target(request, notification) -> str:
    url = notification.url
    # Only a path inside chibo: a notification never sends its reader to another site.
    if url and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return reverse("accounts:notifications") + f"#notification-{notification.pk}"


@login_required
@require_POST
def open_one(request, pk):
    notification = notes.notification_or_404(request.user, pk)
    notes.notification_open(notification=notification, actor=request.user)
    return redirect(_target(request, notification))


@login_required
@require_POST
def read_all(request):
    n = notes.notifications_mark_all_read(user=request.user, actor=request.user)
    messages.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": n})
    return redirect("accounts:notifications")
