"""The member list's row tag writes what the template's loop wrote, byte for byte."""

import datetime

import pytest
from django.template import Context, Template

from chibo.members.models import Member
from chibo.members.templatetags.member_rows import member_rows
from chibo.organizations.models import Organization

# The loop of members/list.html before the tag replaced it (with the bulk action's boxes).
LOOP = Template(
    """{% for m in members %}<tr>
      <td>{% if writable is not None and m.pk in writable %}<label class="check"><input type="checkbox" name="members" value="{{ m.pk }}" form="bulk-status"> <span>{% endif %}<a href="{{ detail_prefix }}{{ m.pk }}/">{{ m.full_name }}</a>{% if m.other_names %} <span class="muted">({{ m.other_names }})</span>{% endif %}{% if writable is not None and m.pk in writable %}</span></label>{% endif %}</td>
      <td class="hide-sm">{{ m.birth_date|vndate }}</td><td class="hide-sm">{{ m.ethnicity }}</td>
      <td>{{ m.cell.name }}</td><td class="hide-sm">{{ m.party_card_number|default:"" }}</td><td class="hide-sm">{{ m.status_label }}</td>
    </tr>{% endfor %}"""  # noqa: E501
)


def member(pk, **fields):
    m = Member(pk=pk, cell=Organization(name='Chi bộ bản "Nà" & <Bó>'), **fields)
    m.status_label = "Đang sinh hoạt"
    return m


@pytest.mark.parametrize(
    "fields",
    [
        {
            "full_name": "Lò Văn <An> & 'Em'",
            "other_names": 'Ải "Nhỏ"',
            "birth_date": datetime.date(1975, 3, 9),
            "ethnicity": "H'Mông",
            "party_card_number": "01002345",
        },
        {"full_name": "Cầm Thị Bình", "other_names": "", "birth_date": None, "ethnicity": ""},
        {"full_name": "Quàng Văn Cường", "party_card_number": None, "ethnicity": "Thái"},
    ],
)
@pytest.mark.parametrize("writable", [None, set(), {7}, {7, 123456}])
def test_the_row_tag_writes_what_the_loop_wrote(fields, writable):
    members = [member(123456, **fields), member(7, full_name="Hà Văn Đức", ethnicity="Kinh")]
    members[1].status_label = "Miễn sinh hoạt & <x>"
    context = {"members": members, "detail_prefix": "/members/", "writable": writable}
    html = member_rows(members, "/members/", writable)
    assert html == LOOP.render(Context(context))
    assert html.count('type="checkbox"') == len(writable or ())
