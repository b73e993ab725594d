"""What the committee lists share as Tables (exports.Table): links reversed once, yes/no and
holders' names. Each part lays out its own lists in its `tables` module."""

from django.urls import reverse
from django.utils.translation import gettext as _


def yes_no(flag: bool) -> str:
    return _("Có") if flag else _("Không")


def url_maker(name):
    """pk -> URL of `name`, reversed once: a list of 1.000 rows does not reverse 1.000 times."""
    marker = 987654321
    pattern = reverse(name, args=[marker])
    head, tail = pattern.split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def member_url_maker():
    return url_maker("members:detail")


def org_url_maker():
    """org -> its committee page: the cell page for a cell, the organization page otherwise."""
    cell, other = url_maker("committees:cell"), url_maker("committees:org")
    return lambda org: cell(org.pk) if org.is_cell else other(org.pk)


def holder_names(positions) -> str:
    return ", ".join(p.member.full_name for p in positions)
