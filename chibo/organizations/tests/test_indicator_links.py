"""The organization board's home keeps its figures, and each card whose indicator has a list
behind it (core.indicators' registry) links to that list, which opens for the reader."""

import re

import pytest
from django.urls import reverse

from chibo.core import indicators

pytestmark = pytest.mark.django_db


def cards(html: str) -> dict[str, str]:
    return dict(
        (code, href.replace("&amp;", "&"))
        for href, code in re.findall(r'<a class="kpi" href="([^"]+)" data-code="([^"]+)"', html)
    )


@pytest.mark.parametrize("org", ["district", "commune_a"])
def test_each_figure_links_to_its_list(tree, personas, clients, org):
    node = getattr(tree, org)
    html = (
        clients["admin"].get(reverse("organizations:indicators", args=[node.pk])).content.decode()
    )
    links = cards(html)
    registered = {i.code for i in indicators.all_indicators() if indicators.list_url(i.code, node)}
    assert registered and set(links) == registered
    assert 'data-code="members"' in html  # a figure without a list stays a plain card
    for code, href in links.items():
        assert clients["admin"].get(href).status_code == 200, (code, href)


def test_a_past_date_goes_with_the_link(tree, clients):
    url = reverse("organizations:indicators", args=[tree.district.pk])
    html = clients["admin"].get(url, {"as_of": "31/03/2023"}).content.decode()
    assert all("as_of=31%2F03%2F2023" in href for href in cards(html).values())


def test_a_commune_reads_its_lists_and_not_the_districts(tree, clients):
    html = (
        clients["commune"]
        .get(reverse("organizations:indicators", args=[tree.commune_a.pk]))
        .content.decode()
    )
    for code, href in cards(html).items():
        assert clients["commune"].get(href).status_code == 200, (code, href)
    other = indicators.list_url("cells_with_committee", tree.commune_b)
    assert other and clients["commune"].get(other).status_code == 404
