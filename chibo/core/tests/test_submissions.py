"""Every create form carries a submission key (chibo.core.submissions, issue 14): the same page
sent twice (back, then submit again) creates one row and leads to it the second time."""

import io
import re

import pytest
from django.urls import reverse

from chibo.core.models import FormSubmission
from chibo.organizations.models import Commune, Organization, Village
from chibo.training.models import Contest, ContestRound, TrainingCourse

pytestmark = pytest.mark.django_db


def shown_key(client, url) -> str:
    body = client.get(url).content.decode()
    return re.search(r'name="submission_key" value="([0-9a-f-]{36})"', body)[1]


def send_twice(client, url, data):
    key = shown_key(client, url)
    first = client.post(url, {**data, "submission_key": key})
    assert first.status_code == 302, first.content.decode()[:2000]
    again = client.post(url, {**data, "submission_key": key}, follow=True)
    assert again.redirect_chain[0] == (first["Location"], 302)
    assert "Trang này đã được gửi trước đó; không tạo thêm." in again.content.decode()
    assert FormSubmission.objects.filter(key=key).count() == 1
    return first["Location"]


def test_a_course(tree, personas, clients):
    data = {
        "kind": "party_work",
        "title": "Bồi dưỡng bí thư chi bộ",
        "organizer": tree.commune_a.pk,
        "start": "05/06/2023",
        "end": "06/06/2023",
        "place": "Hội trường xã",
    }
    send_twice(clients["commune"], reverse("training:course_create"), data)
    # Nothing but the key stops a second identical course.
    assert TrainingCourse.objects.filter(title="Bồi dưỡng bí thư chi bộ").count() == 1


def test_a_contest_and_its_round(tree, personas, clients):
    data = {"name": "Hội thi 2024", "organizer": tree.district.pk, "year": 2024, "max_score": "100"}
    send_twice(clients["admin"], reverse("training:contest_create"), data)
    contest = Contest.objects.get(name="Hội thi 2024")
    url = reverse("training:round_create", args=[contest.pk])
    data = {"level": "grassroots", "organizer": tree.commune_a.pk, "held_on": "10/05/2024"}
    send_twice(clients["admin"], url, data)
    assert ContestRound.objects.filter(contest=contest).count() == 1


def test_an_organization_a_commune_and_a_village(tree, personas, clients):
    url = f"/org/{tree.commune_a.pk}/new/"
    data = {"code": "XA-03", "name": "Chi bộ bản Nà", "kind": "cell"}
    data |= {"cell_type": "residential", "valid_from": "01/03/2024"}
    # Before: the second send said "Mã XA-03 đã được dùng." over a form that had worked.
    location = send_twice(clients["admin"], url, data)
    assert location == f"/org/{Organization.objects.get(code='XA-03').pk}/"

    url = f"/org/{tree.district.pk}/places/commune/new/"
    data = {"code": "C-C", "name": "Cò", "kind": "commune"}
    data |= {"party_committee": tree.commune_b.pk, "valid_from": "01/01/2015"}
    send_twice(clients["admin"], url, data)
    commune = Commune.objects.get(code="C-C")

    url = f"/org/{tree.commune_b.pk}/places/village/new/"
    data = {"commune": commune.pk, "code": "V-C1", "name": "Nà Sành", "kind": "ban"}
    data |= {"valid_from": "01/03/2020", "households": "40"}
    location = send_twice(clients["admin"], url, data)
    assert location == f"/org/village/{Village.objects.get(code='V-C1').pk}/"


def test_a_candidate_for_admission(tree, personas, clients):
    from chibo.admissions.models import Candidate

    data = {
        "cell": tree.cell_a.pk,
        "listed_on": "04/01/2021",
        "full_name": "Tòng Thị Hoa",
        "sex": "female",
        "birth_date": "01/05/1999",
        "ethnicity": "Thái",
        "religion": "Không",
    }
    send_twice(clients["secretary_a"], "/admissions/new/", data)
    # Nothing but the key stops a second identical person.
    assert Candidate.objects.filter(full_name="Tòng Thị Hoa").count() == 1


def test_a_commune_official(tree, personas, clients):
    from chibo.committees.models import CommuneOfficial

    data = {
        "full_name": "Quàng Thị Mới",
        "post": "Công chức Văn phòng - Thống kê",
        "start": "01/03/2022",
        "meets_standard": "1",
        "assessed_on": "15/03/2022",
    }
    send_twice(clients["commune"], f"/committees/org/{tree.commune_a.pk}/officials/new/", data)
    assert CommuneOfficial.objects.filter(full_name="Quàng Thị Mới").count() == 1


def test_a_term_and_a_succession_plan(tree, personas, clients):
    from chibo.committees.models import SuccessionPlan, Term

    url = f"/committees/org/{tree.cell_a.pk}/terms/new/"
    data = {"name": "2025–2030", "start": "01/10/2025", "end": "30/09/2030"}
    send_twice(clients["secretary_a"], url, data)
    assert Term.objects.filter(organization=tree.cell_a, name="2025–2030").count() == 1

    url = f"/committees/org/{tree.cell_a.pk}/succession/add/"
    data = {"term_name": "2025–2030", "title": "secretary", "member": tree.member_a.pk}
    data |= {"approved_on": "01/03/2023", "note": ""}
    send_twice(clients["secretary_a"], url, data)
    assert SuccessionPlan.objects.filter(member=tree.member_a).count() == 1


def test_a_position_a_commune_leader_and_a_village_post(tree, personas, clients):
    from chibo.committees.models import CommuneLeader, ConcurrentRole, Position

    url = f"/committees/org/{tree.cell_a.pk}/positions/new/"
    data = {"member": tree.member_a.pk, "title": "deputy_secretary", "start": "01/03/2024"}
    data |= {"obtained": "elected"}
    # The cell page's own position form carries its key too.
    cell_page = clients["secretary_a"].get(f"/committees/cell/{tree.cell_a.pk}/").content.decode()
    position_form = cell_page.split(f'action="{url}"')[1].split("</form>")[0]
    assert 'name="submission_key"' in position_form
    # Before: the second send said the member already held the seat, over a form that had worked.
    location = send_twice(clients["secretary_a"], url, data)
    assert location == f"/committees/cell/{tree.cell_a.pk}/"
    assert Position.objects.filter(member=tree.member_a, title="deputy_secretary").count() == 1

    url = f"/committees/org/{tree.commune_a.pk}/leaders/new/"
    data = {"post": "pc_chairman", "full_name": "Hà Văn Chủ", "is_local": "1"}
    data |= {"start": "01/03/2024"}
    location = send_twice(clients["commune"], url, data)
    assert location == f"/committees/org/{tree.commune_a.pk}/leaders/"
    assert CommuneLeader.objects.filter(full_name="Hà Văn Chủ").count() == 1

    village = Village.objects.get(code="V-A1")
    url = f"/committees/village/{village.pk}/roles/new/"
    data = {"kind": "women_head", "person_name": "Lò Thị Mai", "start": "01/03/2024"}
    location = send_twice(clients["commune"], url, data)
    assert location == f"/committees/org/{tree.commune_a.pk}/roles/"
    assert ConcurrentRole.objects.filter(village=village, person_name="Lò Thị Mai").count() == 1


def test_a_criteria_set(tree, personas, clients):
    from chibo.criteria.models import CriteriaSet

    data = {"kind": "village_model", "name": "Bản NTM kiểu mẫu", "valid_from": "01/01/2022"}
    data |= {"items": "1 | Giao thông | tỷ lệ km cứng hóa | % | >= | 80"}
    # Before: the second send was refused as a set overlapping the one the first had made.
    location = send_twice(clients["admin"], reverse("criteria:set_create"), data)
    made = CriteriaSet.objects.get(kind="village_model")
    assert location == reverse("criteria:set", args=[made.pk])
    assert made.items.count() == 1


def test_a_target_assigned_to_a_village(tree, personas, clients):
    from chibo.plans.models import PlanTarget

    village = Village.objects.get(code="V-A1")
    url = reverse("plans:village", args=[village.pk, 2024])
    data = {"action": "assign", "name": "Giảm hộ nghèo", "unit": "hộ", "yearly_value": "3"}
    data |= {"measure": "sum"}
    # Before: the second send was refused, the cell having that target already.
    assert send_twice(clients["commune"], url, data) == url
    made = PlanTarget.objects.filter(plan__village=village, target__name="Giảm hộ nghèo")
    assert made.count() == 1


def test_a_congress_plan(tree, personas, clients):
    from chibo.congresses.models import CongressPlan

    url = f"/congresses/org/{tree.commune_a.pk}/"
    data = {"term_name": "2023–2025", "term_start": "01/01/2023", "term_end": "01/07/2025"}
    data |= {"deadline": "15/03/2023"}
    # Before: the form had its key but the view read it from cleaned_data, where it never is.
    location = send_twice(clients["commune"], url, data)
    plan = CongressPlan.objects.get(organization=tree.commune_a)
    assert location == reverse("congresses:plan", args=[plan.pk])


def _docx(content: bytes):
    upload = io.BytesIO(content)
    upload.name = "mau.docx"
    return upload


def test_a_report_and_a_congress_template(tree, personas, clients):
    from chibo.congresses.defaults import default_template as congress_default
    from chibo.congresses.models import CongressTemplate
    from chibo.reports.defaults import default_template as report_default
    from chibo.reports.models import ReportTemplate

    client = clients["commune"]
    for url, content, data, model in (
        (
            f"/reports/org/{tree.commune_a.pk}/templates/",
            report_default(),
            {"valid_from": "01/01/2023", "name": "Mẫu của xã"},
            ReportTemplate,
        ),
        (
            f"/congresses/org/{tree.commune_a.pk}/templates/",
            congress_default("political_report"),
            {"kind": "political_report", "valid_from": "01/01/2023"},
            CongressTemplate,
        ),
    ):
        key = shown_key(client, url)
        # The file is sent again each time, as the browser does.
        first = client.post(url, {**data, "file": _docx(content), "submission_key": key})
        assert first.status_code == 302, first.content.decode()[:2000]
        again = client.post(
            url, {**data, "file": _docx(content), "submission_key": key}, follow=True
        )
        assert again.redirect_chain == [(first["Location"], 302)]
        assert "Trang này đã được gửi trước đó; không tạo thêm." in again.content.decode()
        # Nothing but the key stops a second identical version.
        assert model.objects.filter(organization=tree.commune_a).count() == 1


def test_a_member_rating(tree, personas, clients):
    from chibo.ratings.models import MemberRating, RatingLevel
    from chibo.ratings.services import set_in_force

    client = clients["secretary_a"]
    url = f"{reverse('ratings:org', args=[tree.cell_a.pk])}?year=2024"
    body = client.get(url).content.decode()
    key = re.search(r'name="member-submission_key" value="([0-9a-f-]{36})"', body)[1]
    good = RatingLevel.objects.get(rating_set=set_in_force(2024), code="good")
    data = {"action": "member", "member-member": tree.member_a.pk, "member-self_level": good.pk}
    data |= {"member-submission_key": key}
    first = client.post(url, data)
    assert first.status_code == 302
    # Before: the second send was a 400, "one a year", after a first that worked.
    again = client.post(url, data, follow=True)
    assert again.redirect_chain == [(first["Location"], 302)]
    assert "Trang này đã được gửi trước đó; không tạo thêm." in again.content.decode()
    assert MemberRating.objects.filter(member=tree.member_a, year=2024).count() == 1


def test_a_role_model(tree, personas, clients):
    from chibo.committees.models import RoleModel

    url = f"/committees/org/{tree.commune_a.pk}/role-model/"
    data = {"name": "Mô hình Nà Bó", "effective_from": "01/01/2023"}
    data |= {"holder_1": "title:secretary", "post_1": "village_head"}
    location = send_twice(clients["commune"], url, data)
    assert location == f"/committees/org/{tree.commune_a.pk}/roles/"
    assert RoleModel.objects.filter(commune=tree.commune_a).count() == 1


def test_a_working_regulation_and_its_review(tree, personas, clients):
    from chibo.congresses.models import RegulationReview, WorkingRegulation

    client = clients["secretary_a"]
    url = f"/congresses/cell/{tree.cell_a.pk}/regulations/"
    key = shown_key(client, url)  # the adopt form, the only one before any regulation
    data = {"action": "adopt", "adopted_on": "01/06/2020", "reference": "01-QC/CB"}
    for _ in range(2):
        upload = io.BytesIO(b"%PDF-1.4 quy che")
        upload.name = "quy-che.pdf"
        r = client.post(url, {**data, "file": upload, "submission_key": key}, follow=True)
        assert r.redirect_chain == [(url, 302)]
    assert "Trang này đã được gửi trước đó; không tạo thêm." in r.content.decode()
    assert WorkingRegulation.objects.filter(cell=tree.cell_a).count() == 1

    data = {"action": "review", "reviewed_on": "01/03/2023", "note": "Giữ nguyên"}
    # The review form comes first on the page once there is a regulation.
    assert send_twice(client, url, data) == url
    assert RegulationReview.objects.count() == 1
