"""The contest page's row tag writes what the template's loop wrote, byte for byte."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from chibo.members.models import Member
from chibo.organizations.models import Organization
from chibo.training.models import Contestant
from chibo.training.templatetags.contest_rows import contestant_row

# The loop body of training/contest_detail.html before the tag replaced it.
LOOP_ROW = Template(
    """<tr>
      <td class="num">{{ c.rank|default:"—" }}</td>
      <td>{{ c.member.full_name }}<div class="muted">{{ c.cell.name }}</div></td>
      <td class="num">{% if c.score is not None %}{{ c.score|floatformat:"-2" }}{% else %}—{% endif %}</td>
      <td>{% if c.prize %}<span class="badge ok">{{ c.get_prize_display }}</span>{% endif %}
        {% if can_write %} <a href="{{ c.score_url }}">{{ score_label }}</a>{% endif %}</td>
    </tr>"""  # noqa: E501
)


@pytest.mark.parametrize("can_write", [True, False])
@pytest.mark.parametrize(
    ("rank", "score", "prize"),
    [
        (1, Decimal("95.50"), "first"),
        (12, Decimal("80.00"), ""),
        (None, None, ""),
        (0, Decimal("0"), ""),
    ],
)
def test_the_row_tag_writes_what_the_loop_wrote(rank, score, prize, can_write):
    member = Member(full_name="Lò Văn <An> & 'Em'")
    cell = Organization(name='Chi bộ bản "Nà" & Bó')
    c = Contestant(member=member, cell=cell, score=score, prize=prize)
    c.rank, c.score_url = rank, "/training/contestants/7/score/?a=1&b=2"
    label = "Ghi điểm"
    expected = LOOP_ROW.render(Context({"c": c, "can_write": can_write, "score_label": label}))
    assert contestant_row(c, can_write, label) == expected
