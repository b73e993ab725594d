"""The rows of the member list (members/list.html)."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from chibo.core.templatetags.vn import vndate

register = template.Library()


def _text(value) -> str:
    return escape(str(value)) if value else ""


@register.simple_tag
def member_rows(members, detail_prefix, writable=None):
    """Every member's <tr>, as the template's loop wrote them, in one call: the loop made ~10
    variable lookups, filters and escapes a row, a fifth of a search's time in a province.

    `writable`: the ids of the members the user may tick for the bulk status change (a box in
    a label with the name, belonging to the form "bulk-status"); None for no boxes.
    """
    rows = []
    for m in members:
        other = f' <span class="muted">({escape(m.other_names)})</span>' if m.other_names else ""
        name = f'<a href="{detail_prefix}{m.pk}/">{escape(m.full_name)}</a>{other}'
        if writable is not None and m.pk in writable:
            name = (
                f'<label class="check"><input type="checkbox" name="members" value="{m.pk}" '
                f'form="bulk-status"> <span>{name}</span></label>'
            )
        rows.append(
            "<tr>\n"
            f"      <td>{name}</td>\n"
            f'      <td class="hide-sm">{vndate(m.birth_date)}</td>'
            f'<td class="hide-sm">{_text(m.ethnicity)}</td>\n'
            f"      <td>{_text(m.cell.name)}</td>"
            f'<td class="hide-sm">{_text(m.party_card_number)}</td>'
            f'<td class="hide-sm">{_text(m.status_label)}</td>\n'
            "    </tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)
