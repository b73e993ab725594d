"""`Idempotency-Key`: a retried write writes once and gets the first answer again.

The first successful answer to a (user, key) is kept with a hash of the request and replayed,
status and body, to every retry within 24 hours; the same key with another method, path or
body answers 422. Answers that wrote nothing (4xx) are not kept: repeating them is harmless,
and the client may fix the body and send it again with the same key.

Two identical requests at once: each claims the key by inserting its row inside the write's
transaction, before writing. The unique (user, key) constraint makes the second insert wait
for the first transaction; when that one commits, the second insert fails and the second
request answers what the first stored; when it rolls back, the second one goes on.
"""

import datetime
import hashlib
import json

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header
from ninja.errors import ValidationError as Invalid
from ninja.renderers import JSONRenderer

from .models import IdempotencyKey

KEY_LIFETIME = datetime.timedelta(hours=24)
KEY_MAX = 255

HEADER = Header(
    None,
    alias="Idempotency-Key",
    min_length=1,
    max_length=KEY_MAX,
    pattern=r"^[\x21-\x7e]+$",
    description=(
        "Any unique text (a UUID, say). A retry with the same key within 24 hours writes "
        "nothing and gets the first answer again (header `Idempotent-Replayed: true`); the "
        "same key with another request answers 422."
    ),
)


def request_hash(request) -> str:
    """What makes two requests the same: method, path, query and body (JSON key order aside)."""
    try:
        body = json.dumps(json.loads(request.body or b"null"), sort_keys=True).encode()
    except ValueError:
        body = request.body
    h = hashlib.sha256()
    for part in (request.method.encode(), request.get_full_path().encode(), body):
        h.update(part)
        h.update(b"\0")
    return h.hexdigest()


def json_response(request, body, status: int):
    """`body` written as ninja writes its answers."""
    renderer = JSONRenderer()
    return HttpResponse(
        renderer.render(request, body, response_status=status),
        status=status,
        content_type=f"{renderer.media_type}; charset={renderer.charset}",
    )


def claim(request, key: str):
    """Inside the write's transaction: (the new row of `key`, None), or (None, the answer to
    replay) when the user already used `key`. 422 when that use was another request."""
    user = request.auth
    fingerprint = request_hash(request)
    IdempotencyKey.objects.filter(
        user=user, key=key, created_at__lt=timezone.now() - KEY_LIFETIME
    ).delete()
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(
                user=user,
                key=key,
                method=request.method,
                path=request.path[:500],
                request_hash=fingerprint,
                response_status=0,
                response_body={},
            )
    except IntegrityError:
        return None, _replay(request, IdempotencyKey.objects.get(user=user, key=key), fingerprint)
    return row, None


def store(row: IdempotencyKey, status: int, body) -> None:
    row.response_status = status
    row.response_body = body
    row.save(update_fields=["response_status", "response_body"])


def _replay(request, row: IdempotencyKey, fingerprint: str):
    if row.request_hash != fingerprint:
        raise Invalid(
            [
                {
                    "type": "idempotency_key_reused",
                    "loc": ["header", "Idempotency-Key"],
                    "msg": _(
                        "Idempotency-Key này đã được dùng cho một yêu cầu khác (%(m)s %(p)s "
                        "hoặc nội dung khác). Hãy dùng một khóa mới cho mỗi yêu cầu mới."
                    )
                    % {"m": row.method, "p": row.path},
                }
            ]
        )
    response = json_response(request, row.response_body, row.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def prune() -> int:
    """Delete the keys older than 24 hours; returns how many."""
    deleted, _by_model = IdempotencyKey.objects.filter(
        created_at__lt=timezone.now() - KEY_LIFETIME
    ).delete()
    return deleted
