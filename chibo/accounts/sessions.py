"""Django's database sessions, the session of each request read with SQL built once per
database (core.prepared): with the user's (accounts.backends), the two statements every signed-in
request runs before its page."""

import datetime

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import router
from django.utils import timezone

from chibo.core.prepared import Prepared

_SESSION = Prepared(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now),
    stand_ins={"key": "\x00key", "now": datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)},
    fields={
        "key": Session._meta.get_field("session_key"),
        "now": Session._meta.get_field("expire_date"),
    },
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        using = router.db_for_read(Session)
        found = next(iter(_SESSION.raw(using, key=self.session_key, now=timezone.now())), None)
        if found is None:
            self._session_key = None
        return found
