"""The organization page's indicators are cached until the next audited change."""

import datetime

import pytest

from chibo.core import indicators
from chibo.members.models import Membership
from conftest import make_member

TODAY = datetime.date.today()


def members(org):
    return next(r for r in indicators.compute_all_cached(org, TODAY) if r["code"] == "members")


@pytest.mark.django_db
def test_an_audited_change_shows_at_once(tree, django_assert_num_queries):
    assert members(tree.commune_a)["value"] == 2
    with django_assert_num_queries(1):  # the latest audit event only
        assert members(tree.commune_a)["value"] == 2
    make_member(tree.cell_a2, "Lường Văn Mới", card="01000099")  # through the audited service
    assert members(tree.commune_a)["value"] == 3
    assert indicators.compute_all_cached(tree.commune_a, TODAY) == indicators.compute_all(
        tree.commune_a, TODAY
    )


@pytest.mark.django_db
def test_the_cache_is_per_organization_and_date(tree):
    assert members(tree.commune_a)["value"] == 2
    assert members(tree.commune_b)["value"] == 1
    before = indicators.compute_all_cached(tree.commune_a, datetime.date(2000, 1, 1))
    assert next(r for r in before if r["code"] == "members")["value"] == 0


@pytest.mark.django_db
def test_a_change_outside_the_services_waits_for_the_next_audited_one(tree):
    assert members(tree.commune_a)["value"] == 2
    yesterday = TODAY - datetime.timedelta(days=1)
    Membership.objects.filter(member=tree.member_a).update(end=yesterday)  # no audit event
    assert members(tree.commune_a)["value"] == 2  # cached (at most CACHE_SECONDS)
    make_member(tree.cell_b, "Cầm Văn Mới", card="02000099")
    assert members(tree.commune_a)["value"] == 1
