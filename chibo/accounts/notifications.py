"""Notifications: the one door through which any app puts a message in a user's inbox, and the
reads and writes of the inbox itself.

An app tells someone that something waits on them with `notify(...)` (or `notify_many` for a
list): a task assigned or due, minutes to review, minutes confirmed or returned, an invitation, a
reminder (probation ending, a ceremony overdue). Each notification links to its thing by a path;
the page behind it checks the reader's scope again, so a stale link is a 404, never a leak.

Reading is not audited: read_at on the row is itself the record of it, and an audit row per
opened message would double the table for no oversight value. Notifying is a side effect of the
caller's write, which carries the audit event.
"""

import logging
from collections.abc import Callable, Iterable

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from chibo.core import web

from .models import Notification, User

log = logging.getLogger(__name__)
TEXT_MAX = 300


def _user_of(recipient) -> User | None:
    """The account of `recipient`: a User, or a Member's linked user (None without one); None for
    an inactive account, which cannot sign in to read it."""
    user = recipient if isinstance(recipient, User) else getattr(recipient, "user", None)
    if user is None or not user.is_active:
        return None
    return user


def _cut(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= TEXT_MAX else text[: TEXT_MAX - 1] + "…"


def _send(subject: str, body: str, address: str):
    try:
        send_mail(subject, body, None, [address])
    except Exception:  # a mail server down must not undo the write that notified (committed)
        log.exception("notification e-mail to %s failed", address)


def _mail_after_commit(subject: str, text: str, address: str):
    if subject and address:
        transaction.on_commit(lambda: _send(subject, text, address))


def notify(
    *,
    recipient,
    kind: str,
    url: str,
    text: str,
    key: str = "",
    renew: bool = False,
    email_subject: str = "",
) -> Notification | None:
    """Put a notification in the inbox of `recipient` (a User, or a Member: their account) that
    links to `url`. Returns it, or None when there is no one to tell (a member without an
    account, an inactive account) or nothing new to say.

    With a `key` ("meeting:12:review"), there is one notification per user and key: a second call
    does nothing (None), or with `renew` brings the same notification back unread and unsettled,
    dated now, with the new text and link. With `email_subject`, the text also goes by e-mail to
    the user's address, after the commit (a failed e-mail is logged, never raised)."""
    user = _user_of(recipient)
    if user is None:
        return None
    text = _cut(text)
    address = user.email or ""
    if key:
        with transaction.atomic():
            note, created = Notification.objects.select_for_update().get_or_create(
                user=user,
                key=key,
                defaults={"kind": kind, "url": url, "text": text, "emailed_to": address},
            )
            if not created:
                if not renew:
                    return None
                note.kind, note.url, note.text, note.emailed_to = kind, url, text, address
                note.read_at, note.settled_at, note.created_at = None, None, timezone.now()
                note.save(
                    update_fields=[
                        "kind",
                        "url",
                        "text",
                        "emailed_to",
                        "read_at",
                        "settled_at",
                        "created_at",
                    ]
                )
    else:
        note = Notification.objects.create(
            user=user, kind=kind, url=url, text=text, key=key, emailed_to=address
        )
    _mail_after_commit(email_subject, text, address)
    return note


def notify_many(
    *,
    recipients: Iterable,
    kind: str,
    url: str | Callable[[User], str],
    text: str,
    key: str = "",
    email_subject: str = "",
) -> list[Notification]:
    """`notify` for many recipients at once (an invitation to a whole cell) in three queries:
    those who already hold a notification with `key` are left alone. `url` may be a function of
    the user, for a link that depends on who reads it. Returns the new notifications."""
    users = {}
    for r in recipients:
        user = _user_of(r)
        if user is not None:
            users.setdefault(user.pk, user)
    if key:
        already = set(
            Notification.objects.filter(user_id__in=list(users), key=key).values_list(
                "user_id", flat=True
            )
        )
        users = {pk: u for pk, u in users.items() if pk not in already}
    text = _cut(text)
    new = [
        Notification(
            user=u,
            kind=kind,
            url=url(u) if callable(url) else url,
            text=text,
            key=key,
            emailed_to=u.email or "",
        )
        for u in users.values()
    ]
    Notification.objects.bulk_create(new)
    for n in new:
        _mail_after_commit(email_subject, text, n.emailed_to)
    return new


def _settle(notes) -> int:
    """Settle `notes` (those not yet settled): done now, and read by whoever had not read it (the
    first reading time is kept). One UPDATE; the number settled."""
    now = timezone.now()
    return notes.filter(settled_at__isnull=True).update(
        settled_at=now, read_at=Coalesce("read_at", Value(now))
    )


def settle(*, key: str) -> int:
    """Settle, for everyone, the notifications with `key`: what they announced was done (one
    reviewer confirmed the minutes the others were told to review; the step a reminder asked
    for was recorded). They are marked read too. The number settled; a notification without a
    key announces no thing to settle (an empty `key` settles nothing)."""
    if not key:
        return 0
    return _settle(Notification.objects.filter(key=key))


def settle_gone(*, prefix: str, keep) -> int:
    """Settle the notifications whose key starts with `prefix` but is not in `keep`: a daily
    reminder no longer due (its thing was done some other way: a member who left, a step
    corrected in the back office). The number settled."""
    return _settle(Notification.objects.filter(key__startswith=prefix).exclude(key__in=list(keep)))


# --- the inbox -----------------------------------------------------------------------------------


def user_notifications(user):
    """A user's notifications, newest first."""
    return Notification.objects.filter(user=user)


def unread_count(user) -> int:
    """One COUNT query."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def request_unread_count(request) -> int:
    """The signed-in user's unread count, counted once per request however many templates show
    it."""
    if not hasattr(request, "_chibo_unread"):
        request._chibo_unread = unread_count(request.user)
    return request._chibo_unread


def notification_or_404(user, pk) -> Notification:
    """The user's own notification `pk`; anyone else's is a 404, as a missing one."""
    return web.get_or_404(Notification.objects.all(), pk=pk, user=user)


@transaction.atomic
def notification_open(*, notification: Notification, actor) -> Notification:
    """Mark the actor's own notification read (once: the first reading time is kept)."""
    if actor is None or notification.user_id != actor.pk:
        raise PermissionError("not the recipient")
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user, actor) -> int:
    """Mark every unread notification of `user` read; the number marked."""
    if actor is None or actor.pk != user.pk:
        raise PermissionError("not the recipient")
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- reminders: what waits on the user, on their home page ---------------------------------------

REMINDER_PREFIX = "remind:"  # the keys of the daily reminders (chibo.admissions.reminders)
HOME_REMINDERS = 10  # the reminders a home page lists (the rest: the inbox)


def open_reminders(user, limit: int = HOME_REMINDERS) -> list[Notification]:
    """The user's reminders not yet settled, read or not, newest first: one query. A reminder is
    what is still to do: it leaves the list when it is settled (the thing it asks for is done),
    not when it is read in the inbox."""
    return list(
        Notification.objects.filter(
            user=user, key__startswith=REMINDER_PREFIX, settled_at__isnull=True
        )[:limit]
    )
