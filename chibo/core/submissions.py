"""Create forms made safe to send twice, as the meeting record form is: the page carries a
submission key made when it was shown; the first submit with that key creates the row and
remembers the key, in the same transaction; a later submit with the same key (the browser's back
button, then submit again; a double tap) creates nothing and leads to what the first one made.

A form adds `SubmissionKeyMixin`; its view calls `create_once`:

    result = create_once(key=form.submission_key, actor=request.user,
                         create=lambda: services.member_create(actor=request.user, ...))
    if result.repeated: ... say so ...
    return redirect(... result.obj ...)

A page whose rule refuses a second submit before the form is checked (a movement the member's new
status no longer allows, a step already done, a rating already made) looks its key up first with
`submitted_before` and answers as the first submit did.

A form that makes several rows at once (follow many cells, enrol many) passes `leads_to`, the row
its page is about (the course, the cell): the key remembers that row, and `Created.made` is what
`create` returned.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chibo.core.models import FormSubmission

INVALID_KEY = gettext_lazy("Mã lần gửi không hợp lệ; hãy tải lại trang rồi gửi lại.")


class SubmissionKeyMixin:
    """Adds the hidden `submission_key`, a fresh UUID each time an unbound form is made (each
    time the page is shown). A submit without a key (a script) is created as before; a key that
    is not a UUID is refused."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_key"] = forms.UUIDField(
            # No id: a page may hold several create forms, each with its key.
            widget=forms.HiddenInput(attrs={"id": False}),
            required=False,
            initial=uuid.uuid4,
            error_messages={"invalid": INVALID_KEY},
        )
        self.submission_key = None

    def clean(self):
        # The key is the view's (create_once), not the service's: out of cleaned_data, so a view
        # may still pass **form.cleaned_data to its service.
        data = super().clean()
        data = self.cleaned_data if data is None else data
        self.submission_key = data.pop("submission_key", None)
        return data


@dataclass(frozen=True)
class Created:
    obj: Model
    repeated: bool = False  # the key had been used: nothing was created this time
    made: object = None  # what `create` returned (None on a repeat)


def _seen(key, actor) -> Model | None:
    seen = FormSubmission.objects.filter(key=key, user=actor).first()
    if seen is None:
        return None
    model = apps.get_model(seen.object_type)
    return model._default_manager.filter(pk=seen.object_id).first()


def submitted_before(request, *, prefix: str = "") -> Model | None:
    """The row the POSTed submission key (of the form with `prefix`) led to when the user sent it
    before, else None (no key, not a UUID, not used yet, or used by another user: the form and
    create_once answer those)."""
    name = f"{prefix}-submission_key" if prefix else "submission_key"
    try:
        key = uuid.UUID(request.POST.get(name, ""))
    except ValueError:
        return None
    return _seen(key, request.user)


def create_once(
    *,
    key: uuid.UUID | None,
    actor,
    create: Callable[[], object],
    leads_to: Model | None = None,
) -> Created:
    """`create()` (a service that returns the row it made) run once per submission key: a key
    `actor` already used returns the row that submit made and creates nothing. `create` runs in
    this function's transaction and the key is remembered in it, so a failed create leaves the
    key unused; of two submits racing with one key, the second gets the first one's row. A key
    another user used raises ValidationError (shown with the form's errors).

    With `leads_to`, `create` may make any number of rows and return anything (`made`): the key
    remembers `leads_to`, which is `obj`."""
    if key is None:
        made = create()
        return Created(obj=made if leads_to is None else leads_to, made=made)
    if (row := _seen(key, actor)) is not None:
        return Created(obj=row, repeated=True)
    try:
        with transaction.atomic():
            made = create()
            row = made if leads_to is None else leads_to
            FormSubmission.objects.create(
                key=key,
                user=actor,
                object_type=row._meta.label_lower,
                object_id=str(row.pk),
            )
    except IntegrityError:
        # The same key committed meanwhile (two taps a few milliseconds apart): this submit's
        # row is rolled back with the key; show the one that won.
        if (row := _seen(key, actor)) is not None:
            return Created(obj=row, repeated=True)
        if FormSubmission.objects.filter(key=key).exists():
            raise ValidationError(INVALID_KEY) from None
        raise
    return Created(obj=row, made=made)


def repeated_message() -> str:
    return _("Trang này đã được gửi trước đó; không tạo thêm. Đây là bản đã tạo lần trước.")
