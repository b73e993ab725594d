"""What every write operation shares: the write token, the pages' forms, 422s, idempotency.

A write operation does what the page does, in the same order: look the object up in the
user's write scope (404 outside it), bind the body to the page's form (its checks, its
Vietnamese messages), call the page's service (its checks, its transaction, its audit row).
Form and service errors answer 422 in ninja's shape, one item per field:
`{"detail": [{"type", "loc": ["body", "data", field], "msg"}]}`.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpResponse
from ninja import Field
from ninja.errors import ValidationError as Invalid

from . import idempotency
from .security import WRITE_AUTH, require_write_token

BODY = ("body", "data")
IDEMPOTENCY_HEADER = idempotency.HEADER
__all__ = [
    "WRITE_AUTH",
    "IDEMPOTENCY_HEADER",
    "VNDate",
    "bound",
    "cleaned",
    "confirmed",
    "write",
]


def VNDate(description: str = "", default=...):  # noqa: N802 (reads as a type in schemas)
    """A date field of a request body: text the page's form reads (dd/mm/yyyy or yyyy-mm-dd)."""
    return Field(
        default,
        max_length=10,
        description=f"{description} dd/mm/yyyy or yyyy-mm-dd.".strip(),
        examples=["2024-05-19"],
    )


def _issues(error: DjangoValidationError | dict, fields=None) -> list[dict]:
    """ninja's 422 items from a Django ValidationError or a form's errors."""
    if isinstance(error, dict):
        by_field = error
    elif hasattr(error, "error_dict"):
        by_field = {name: errs for name, errs in error.error_dict.items()}
    else:
        by_field = {None: error.error_list}
    issues = []
    for name, errs in by_field.items():
        if name in (None, "__all__") or (fields is not None and name not in fields):
            loc = list(BODY)
        else:
            loc = [*BODY, name]
        for err in errs:
            for message in DjangoValidationError(err).messages:
                issues.append(
                    {"type": getattr(err, "code", None) or "invalid", "loc": loc, "msg": message}
                )
    return issues


def invalid(error: DjangoValidationError, fields=None) -> Invalid:
    """The 422 of a service's ValidationError; errors on names not in `fields` go to the body."""
    return Invalid(_issues(error, fields))


def cleaned(form) -> dict:
    """The form's cleaned data, or a 422 with its messages by field."""
    if not form.is_valid():
        errors = {name: form.errors.as_data()[name] for name in form.errors}
        raise Invalid(_issues(errors, form.fields))
    return form.cleaned_data


def confirmed(form, *, box: str = "accept_warnings") -> dict:
    """The cleaned data, less `box`, of a page form with warnings to confirm (`form.warnings`,
    register findings with a field and a message, which the page's user confirms by ticking
    `box`). Invalid, it answers 422 as `cleaned` does, except that the page's "tick the box"
    error becomes one item per warning, of type "warning", at the warning's field: the client
    reads them, then sends the request again with `box` true."""
    if not form.is_valid():
        errors = form.errors.as_data()
        issues = _issues({n: e for n, e in errors.items() if n != box}, form.fields)
        if box in errors:
            issues += [
                {"type": "warning", "loc": [*BODY, w.field], "msg": w.message}
                for w in form.warnings
            ]
        raise Invalid(issues)
    return {k: v for k, v in form.cleaned_data.items() if k != box}


def bound(form_class, body, **kwargs):
    """The page's form bound to a request body as the page would post it: the fields the body
    leaves out keep what the page shows at first (the instance's values, or the defaults), a
    null is an empty field."""
    unbound = form_class(**kwargs)
    data = {name: unbound.get_initial_for_field(f, name) for name, f in unbound.fields.items()}
    sent = body.model_dump(mode="json", exclude_unset=True)
    data.update({k: ("" if v is None else v) for k, v in sent.items()})
    data = {k: v for k, v in data.items() if v is not None}
    return form_class(data, **kwargs)


def dump(schema, obj, request) -> dict:
    """`obj` as the JSON of `schema`, as ninja would write it."""
    return schema.model_validate(obj, context={"request": request}).model_dump(mode="json")


def write(
    request,
    action: Callable[[], object],
    *,
    out,
    key: str | None,
    status: int = 200,
    fields=None,
    headers: Callable[[object], dict] | None = None,
) -> HttpResponse:
    """Run `action` (the page's lookup, form and service) once for `key`, answer `out` of what
    it returns with `status`. Checks the write token again (the operation's WRITE_AUTH did,
    before the body was read; this guards an operation that forgot it). A Django
    ValidationError from the action answers 422 (names outside `fields` as errors of the
    whole body). `headers` of the object go on a first answer, not on a replay (only the
    body is kept)."""
    require_write_token(request)
    with transaction.atomic():
        if key:
            row, replay = idempotency.claim(request, key)
            if replay is not None:
                return replay
        try:
            obj = action()
        except DjangoValidationError as e:
            raise invalid(e, fields) from None
        body = dump(out, obj, request)
        if key:
            idempotency.store(row, status, body)
    response = idempotency.json_response(request, body, status)
    for name, value in (headers(obj) if headers else {}).items():
        response[name] = value
    return response
