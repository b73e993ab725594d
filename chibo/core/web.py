"""Web helpers shared by every app's views: who may open a page at all, scoped lookups that 404,
the 400 for a query string that does not validate, service errors onto a form, the .xlsx
download, and a list read a page at a time.

The scope is `chibo.accounts.scope.Scope`; core sits below accounts, so these helpers take a
scope the view built (`Scope.for_user(request.user)`) and use only its public attributes
(`superuser`, `read_paths`, `write_paths`, `is_org_admin`, `covers`).
"""

import functools
import re
from collections.abc import Callable, Sequence
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.forms.forms import NON_FIELD_ERRORS
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import gettext as _

from chibo.core.vn import unaccent

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# --- who may open the page ----------------------------------------------------------------------


def reader_or_404(scope):
    """`scope` if it reads lists (any role but member at some node, or a superuser); else 404: a
    member alone reads only their own pages."""
    if not (scope.superuser or scope.read_paths):
        raise Http404
    return scope


def writer_or_404(scope):
    """`scope` if it writes somewhere (a write role at some node, or a superuser); else 404."""
    if not (scope.superuser or scope.write_paths):
        raise Http404
    return scope


def admin_or_404(scope):
    """`scope` if it is the org board's (or a superuser's); else 404."""
    if not scope.is_org_admin:
        raise Http404
    return scope


# --- scoped lookups -----------------------------------------------------------------------------


def get_or_404(queryset, /, **lookup):
    """The one row of `queryset` (or a model) that matches `lookup`; else 404, a malformed key
    ("abc" for an integer pk) included."""
    if isinstance(queryset, type) and issubclass(queryset, Model):
        queryset = queryset._default_manager.all()
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def covers_or_404(scope, org, *, write=False):
    """`org` if the scope reads it (writes it, with `write`); else 404, a missing org (None)
    included."""
    if org is None or not scope.covers(org, write=write):
        raise Http404
    return org


def scoped_or_404(scope, queryset, pk, *, org: str, write=False):
    """The row `pk` of `queryset` (or a model) if the scope reads (writes, with `write`) the
    organization the row reaches through `org`, a relation path such as "cell", "organizer" or
    "commune__party_committee" (read in the same query); else 404, as if missing. One query."""
    if isinstance(queryset, type) and issubclass(queryset, Model):
        queryset = queryset._default_manager.all()
    if not isinstance(queryset, QuerySet):
        raise TypeError("scoped_or_404 takes a model or a queryset")
    row = get_or_404(queryset.select_related(org), pk=pk)
    node = row
    for name in org.split("__"):
        node = getattr(node, name)
        if node is None:
            break
    covers_or_404(scope, node, write=write)
    return row


# --- forms --------------------------------------------------------------------------------------


def bad_query(
    form, message: str | None = None, *, names=False, request=None, title=None
) -> HttpResponseBadRequest:
    """400 for a query string (or a small POST) whose form does not validate, each problem after
    its field's label (its parameter name with `names`); a field without a label is named by its
    parameter, never "None". `message` is the whole answer with %(p)s for the problems (default
    "Tham số không hợp lệ: %(p)s"). Choice errors quote the value: escaped.

    With the `request`, the answer is a whole page: the site's header, `title`, the message, and
    the filters again with each error beside its field and the values as given, to correct and
    send again (core/bad_query.html). Without it, the message alone. To a live filter (an HTMX
    request), the same page, which replaces the body of the page the filter is on: htmx swaps a
    400 (templates/htmx.html) into the element the filter targets, unless told otherwise."""
    problems = []
    for name, errors in form.errors.items():
        text = " ".join(errors)
        if name == NON_FIELD_ERRORS:
            problems.append(text)
            continue
        field = form.fields.get(name)
        label = name if names or field is None else (field.label or name)
        problems.append(f"{label}: {text}")
    message = message or _("Tham số không hợp lệ: %(p)s")
    text = message % {"p": "; ".join(problems)}
    if request is None:
        return HttpResponseBadRequest(escape(text))
    context = {"form": form, "message": text, "title": title or _("Bộ lọc chưa đúng")}
    response = HttpResponseBadRequest(render_to_string("core/bad_query.html", context, request))
    if request.headers.get("HX-Request"):
        response["HX-Retarget"] = "body"
        response["HX-Reswap"] = "innerHTML"
    return response


def add_errors(form, error: ValidationError) -> None:
    """A service's ValidationError onto `form`: each message on its field when the form has that
    field, else with the form's own errors."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def errors_text(form) -> str:
    """A form's errors in one line, for a message shown away from the form (after a redirect):
    each field's errors after its label ("Ngày: Ngày không hợp lệ"), the form's own alone."""
    parts = []
    for name, errors in form.errors.items():
        text = " ".join(errors)
        parts.append(f"{form[name].label}: {text}" if name in form.fields else text)
    return " ".join(parts)


# --- downloads ----------------------------------------------------------------------------------


def content_disposition(filename: str, *, ascii_name: str | None = None, inline=False) -> str:
    """A Content-Disposition value (RFC 6266). A plain name (letters, digits, . _ -) is sent as
    is; any other name is sent as UTF-8 (filename*) after an ASCII one for old clients:
    `ascii_name`, or the name without accents, each other character a dash."""
    kind = "inline" if inline else "attachment"
    plain = re.sub(r"[^A-Za-z0-9._-]", "-", ascii_name or unaccent(filename))
    if plain == filename:
        return f'{kind}; filename="{filename}"'
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """An .xlsx download of `content` named `filename` (Vietnamese names kept, see
    content_disposition)."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response


# --- long lists ---------------------------------------------------------------------------------


class LazyRows(Sequence):
    """A list of known length whose rows are read a slice at a time: a Paginator slices out its
    page, and only that page's rows are read. `keys` (a list, a range, a queryset of ids...) is
    sliced for the page; `build(keys)` gives the rows of those keys, in their order; `length`
    (default len(keys)) saves a count the caller already has. Show it with core/pager.html."""

    def __init__(self, keys, build: Callable[[list], Sequence], length: int | None = None):
        self.keys, self.build = keys, build
        self.length = len(keys) if length is None else length

    def __len__(self):
        return self.length

    def __getitem__(self, index):
        if isinstance(index, slice):
            keys = list(self.keys[index])
            return list(self.build(keys)) if keys else []
        if index < 0:
            index += self.length
        if not 0 <= index < self.length:
            raise IndexError(index)
        return self[index : index + 1][0]


# --- compression ---------------------------------------------------------------------------------


def no_compression(view):
    """For a page that shows a secret (a new API token, a calendar feed's address, a TOTP key):
    served uncompressed (core.middleware.CompressionMiddleware), so that the length of a
    compressed response cannot leak it (BREACH)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.no_compression = True
        return response

    return wrapped
