"""Finding an organization by name as typed: accents and case ignored, the words in order.

The lists that filter by organization offered every one in the scope in a <select>: ~500 for a
province, 52.000 for the country (every organization but the cells). They offer a text field
instead (templates `organizations/org_filter.html`), whose suggestions come from `find`.

The name is folded in the database by `chibo_fold(text)`, the SQL twin of `chibo.core.vn.fold`
on one line of text: on PostgreSQL an SQL function over the unaccent extension (migration 0003)
behind a trigram index of `chibo_fold(name)`, on SQLite the Python function, registered on each
connection. No column to keep: every writer of a name (services, imports, the demo,
bench/generate.py) is covered.
"""

import re

from django.db.models import CharField, Func, Q

from chibo.core import vn

# What a found list shows at most: the user types more rather than scrolls.
LIMIT = 20


class Fold(Func):
    """chibo_fold(expression): lower-case and accent-free, as vn.fold."""

    function = "chibo_fold"
    output_field = CharField()


def sqlite_fold(text):
    return None if text is None else vn.unaccent(text).lower()


def register_sqlite_fold(sender, connection, **kwargs):
    """connection_created: SQLite learns chibo_fold from Python (PostgreSQL from migration 0003)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("chibo_fold", 1, sqlite_fold, deterministic=True)


def find(organizations, text: str, limit: int = LIMIT) -> list:
    """The organizations of `organizations` (a scoped queryset) whose name holds the words of
    `text` in that order, accents and case ignored, or whose code is `text` (as written): the
    highest in the tree first, then in the tree's order; at most `limit`, each with its parent
    (for the line under it)."""
    words = vn.fold(text).split()[:6]
    if not words:
        return []
    # One pattern, the words in the order typed ("xa muong bon"): the folded name is worked
    # out once per row it checks, not once per word (PostgreSQL's trigram index serves it).
    pattern = ".*".join(re.escape(w) for w in words)
    return list(
        organizations.annotate(folded=Fold("name"))
        .filter(Q(folded__regex=pattern) | Q(code=text.strip()))
        .select_related("parent")
        .order_by("depth", "path")[:limit]
    )


# The parameters a link to a chosen organization leaves out: the organization itself, and the
# page (a list narrowed anew starts on its first page).
_NOT_KEPT = ("org", "org_q", "page", "after", "before", "csrfmiddlewaretoken")


def other_filters(params) -> str:
    """A list's query string without the organization and the page: a found organization's link
    adds `org=ID` to it."""
    query = params.copy()
    for name in _NOT_KEPT:
        query.pop(name, None)
    return query.urlencode()


def chosen(scope, form, params) -> dict:
    """The organization filter of a list whose form has `org` (an id) and `org_q` (validated):
    {"org": the organization chosen (404 outside the scope) or None, "org_q": the text,
    "org_matches": what the text found when it chose none, "org_query": the list's other
    filters} for the list and organizations/org_filter.html."""
    data = form.cleaned_data
    org = scope.org_or_404(data["org"]) if data.get("org") else None
    org, matches = resolve(scope, org, params, data.get("org_q"))
    return {
        "org": org,
        "org_q": data.get("org_q") or "",
        "org_matches": matches,
        "org_query": other_filters(params),
    }


def offered(scope) -> bool:
    """Whether a list offers its organization filter: the scope holds more than cells."""
    from .models import Organization

    return scope.organizations().active().exclude(kind=Organization.Kind.CELL).exists()


def resolve(scope, org, params, text: str | None):
    """(organization, matches) of a list's organization filter: `org` (already in the scope)
    unless the typed `text` says otherwise. No text sent (a link with ?org=ID): `org`. Empty
    text: no organization. `org`'s own name: `org`. Else what `text` finds: the one found or
    the one named exactly; when several (or none) are, no organization and the matches, which
    the list shows as links to choose from."""
    if text is None or "org_q" not in params:
        return org, None
    text = text.strip()
    if not text:
        return None, None
    if org is not None and vn.fold(text) == vn.fold(org.name):
        return org, None
    matches = find(scope.organizations().active(), text)
    named = [o for o in matches if vn.fold(o.name) == vn.fold(text) or o.code == text]
    if len(matches) == 1:
        return matches[0], None
    if len(named) == 1:
        return named[0], None
    return None, matches
