"""The contestants' rows of the contest page (training/contest_detail.html)."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def contestant_row(c, can_write, score_label):
    """A contestant's <tr>, as the template's loop wrote it, in one call: a district's round
    of ~300 contestants made ~15 variable lookups and filters a row, most of the page's time."""
    rank = escape(localize(c.rank)) if c.rank else "—"
    name, cell = escape(c.member.full_name), escape(c.cell.name)
    score = floatformat(c.score, "-2") if c.score is not None else "—"
    prize = f'<span class="badge ok">{escape(c.get_prize_display())}</span>' if c.prize else ""
    link = f' <a href="{escape(c.score_url)}">{escape(score_label)}</a>' if can_write else ""
    return mark_safe(  # noqa: S308 (every value escaped above)
        "<tr>\n"
        f'      <td class="num">{rank}</td>\n'
        f'      <td>{name}<div class="muted">{cell}</div></td>\n'
        f'      <td class="num">{score}</td>\n'
        f"      <td>{prize}\n"
        f"        {link}</td>\n"
        "    </tr>"
    )
