"""The commune services where the pages cannot reach: a member outside the commune, a node that
is not a commune, role model pairings that the form would not send, and the audit rows."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from chibo.committees.communes import services
from chibo.committees.models import CommuneLeader, CommuneOfficial, RoleModel
from chibo.committees.villages import services as village_services
from chibo.core.models import AuditEvent

from .conftest import START

pytestmark = pytest.mark.django_db
D = datetime.date


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_a_leader_from_the_members_must_be_under_the_commune(tree, personas):
    with pytest.raises(ValidationError) as e:
        services.commune_leader_assign(
            commune=tree.commune_a,
            post="pc_chairman",
            member=tree.member_b,
            is_local=True,
            start=START,
            actor=personas["admin"],
        )
    assert messages(e.value) == (
        "Cầm Văn Bình không sinh hoạt ở chi bộ nào thuộc Đảng bộ xã An ngày 01/06/2020."
    )
    assert not CommuneLeader.objects.exists()


@pytest.mark.parametrize("node", ["district", "cell_a"])
def test_only_a_commune_records_leaders_officials_and_models(tree, node):
    org = getattr(tree, node)
    calls = [
        lambda: services.commune_leader_assign(
            commune=org, post="pc_chairman", full_name="X", is_local=True, start=START, actor=None
        ),
        lambda: services.commune_official_add(
            commune=org,
            full_name="X",
            post="Văn phòng",
            meets_standard=True,
            assessed_on=START,
            start=START,
            actor=None,
        ),
        lambda: village_services.role_model_adopt(
            commune=org,
            name="M",
            effective_from=START,
            pairings=[("secretary", "village_head", "")],
            actor=None,
        ),
    ]
    for call in calls:
        with pytest.raises(ValidationError):
            call()
    assert not CommuneLeader.objects.exists() and not CommuneOfficial.objects.exists()
    assert not RoleModel.objects.exists()


@pytest.mark.parametrize(
    "pairings",
    [
        [("secretary", "village_head", "front_head")],  # both a title and a post
        [("", "village_head", "")],  # neither
        [("standing_member", "village_head", "")],  # not a cell title
        [("secretary", "mayor", "")],  # not a village post
        [],
    ],
)
def test_role_model_pairings_are_checked(tree, pairings):
    with pytest.raises(ValidationError):
        village_services.role_model_adopt(
            commune=tree.commune_a, name="M", effective_from=START, pairings=pairings, actor=None
        )
    assert not RoleModel.objects.exists()


def test_writes_are_audited_with_the_actor(tree, personas):
    admin = personas["admin"]
    leader = services.commune_leader_assign(
        commune=tree.commune_a,
        post="party_secretary",
        member=tree.secretary_member_a,
        is_local=False,
        start=START,
        actor=admin,
    )
    official = services.commune_official_add(
        commune=tree.commune_a,
        full_name="  Vì   Thị  Hoa ",
        post="Tư pháp",
        meets_standard=False,
        reason="Chưa có bằng trung cấp luật",
        assessed_on=D(2021, 1, 1),
        start=START,
        actor=admin,
    )
    assert official.full_name == "Vì Thị Hoa"
    model = village_services.role_model_adopt(
        commune=tree.commune_a,
        name="Nà Bó",
        effective_from=D(2022, 1, 1),
        pairings=[("secretary", "village_head", "")],
        actor=admin,
    )
    events = {
        (e.object_type, e.object_id): e
        for e in AuditEvent.objects.filter(actor=admin, action=AuditEvent.Action.CREATE)
    }
    assert events[("committees.communeleader", str(leader.pk))].changes["is_local"] is False
    assert events[("committees.communeofficial", str(official.pk))].changes["reason"] == (
        "Chưa có bằng trung cấp luật"
    )
    assert events[("committees.rolemodel", str(model.pk))].changes["rules"] == [
        ["secretary", "village_head", ""]
    ]
