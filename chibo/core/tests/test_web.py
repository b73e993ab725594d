"""The shared web helpers (chibo.core.web): the role checks and scoped lookups answer 404 outside
the scope, the 400 names each problem, a Vietnamese download name reaches the browser whole, and
a LazyRows page reads only its own rows."""

from urllib.parse import unquote

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.template.loader import render_to_string

from chibo.accounts.scope import Scope
from chibo.core import web
from chibo.members.models import Member
from chibo.organizations.models import Organization, Village


def scope_of(personas, name) -> Scope:
    return Scope.for_user(personas[name])


# --- who may open the page ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("check", "allowed", "refused"),
    [
        (web.reader_or_404, ["admin", "analyst", "commune", "secretary_b"], ["member_a"]),
        (web.writer_or_404, ["admin", "commune", "secretary_a"], ["analyst", "member_a"]),
        (web.admin_or_404, ["admin"], ["analyst", "commune", "secretary_a"]),
    ],
)
def test_role_checks_return_the_scope_or_404(check, allowed, refused, personas):
    for name in allowed:
        scope = scope_of(personas, name)
        assert check(scope) is scope
    for name in refused:
        with pytest.raises(Http404):
            check(scope_of(personas, name))


# --- scoped lookups -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_get_or_404_takes_a_model_or_a_queryset_and_404s_a_missing_or_malformed_key(tree):
    assert web.get_or_404(Organization, pk=tree.cell_a.pk) == tree.cell_a
    cells = Organization.objects.filter(kind=Organization.Kind.CELL)
    assert web.get_or_404(cells, code="XB-01") == tree.cell_b
    for lookup in ({"pk": 10**9}, {"pk": "abc"}, {"pk": None}, {"code": "XA"}):
        with pytest.raises(Http404):
            web.get_or_404(cells, **lookup)


@pytest.mark.django_db
def test_scoped_or_404_reads_the_row_and_its_organization_in_one_query(
    tree, personas, django_assert_num_queries
):
    scope = scope_of(personas, "secretary_a")
    with django_assert_num_queries(1):
        member = web.scoped_or_404(scope, Member, tree.member_a.pk, org="cell")
        assert member.cell.name == "Chi bộ bản Áng"
    assert member == tree.member_a
    village = Village.objects.get(code="V-A1")
    commune = scope_of(personas, "commune")
    with django_assert_num_queries(1):
        found = web.scoped_or_404(
            commune, Village.objects.all(), village.pk, org="commune__party_committee"
        )
        assert found.commune.party_committee == tree.commune_a


@pytest.mark.django_db
def test_scoped_or_404_is_404_outside_the_scope_as_for_a_missing_row(tree, personas):
    outsider = scope_of(personas, "secretary_b")
    for pk in (tree.member_a.pk, 10**9, "abc"):
        with pytest.raises(Http404):
            web.scoped_or_404(outsider, Member, pk, org="cell")
    assert web.scoped_or_404(outsider, Member, tree.member_b.pk, org="cell") == tree.member_b


@pytest.mark.django_db
def test_scoped_or_404_with_write_needs_a_write_role(tree, personas):
    analyst = scope_of(personas, "analyst")
    assert web.scoped_or_404(analyst, Member, tree.member_a.pk, org="cell") == tree.member_a
    with pytest.raises(Http404):
        web.scoped_or_404(analyst, Member, tree.member_a.pk, org="cell", write=True)
    secretary = scope_of(personas, "secretary_a")
    row = web.scoped_or_404(secretary, Member, tree.member_a.pk, org="cell", write=True)
    assert row == tree.member_a


@pytest.mark.django_db
def test_a_row_without_its_organization_is_404(tree, personas):
    village = Village.objects.get(code="V-A1")
    Village.objects.filter(pk=village.pk).update(cell=None)
    with pytest.raises(Http404):
        web.scoped_or_404(scope_of(personas, "admin"), Village, village.pk, org="cell")
    with pytest.raises(Http404):
        web.covers_or_404(scope_of(personas, "admin"), None)


@pytest.mark.django_db
def test_covers_or_404(tree, personas):
    secretary = scope_of(personas, "secretary_a")
    assert web.covers_or_404(secretary, tree.cell_a, write=True) == tree.cell_a
    for org in (tree.cell_b, tree.commune_a):
        with pytest.raises(Http404):
            web.covers_or_404(secretary, org)
    with pytest.raises(Http404):
        web.covers_or_404(scope_of(personas, "analyst"), tree.cell_a, write=True)


def test_scoped_or_404_refuses_what_is_not_a_queryset():
    with pytest.raises(TypeError):
        web.scoped_or_404(None, [1, 2], 1, org="cell")


# --- forms --------------------------------------------------------------------------------------


class Query(forms.Form):
    month = forms.IntegerField(label="Tháng", min_value=1, max_value=12)
    kind = forms.ChoiceField(label="Loại", choices=[("a", "A")], required=False)
    page = forms.IntegerField(required=False, min_value=1)

    def clean(self):
        if self.data.get("both"):
            raise ValidationError("Chỉ chọn một.")
        return super().clean()


def test_bad_query_names_each_problem_by_label_and_escapes_the_value():
    form = Query({"month": "13", "kind": "<b>x</b>", "page": "0", "both": "1"})
    response = web.bad_query(form)
    assert response.status_code == 400
    body = response.content.decode()
    assert body.startswith("Tham số không hợp lệ: ")
    assert "Tháng: " in body and "page: " in body and "Chỉ chọn một." in body
    assert "None" not in body and "__all__" not in body
    assert "<b>" not in body and "&lt;b&gt;x&lt;/b&gt;" in body


def test_bad_query_with_a_message_and_parameter_names():
    form = Query({"month": "x"})
    body = web.bad_query(form, "Bộ lọc không hợp lệ: %(p)s", names=True).content.decode()
    assert body.startswith("Bộ lọc không hợp lệ: month: ")
    assert "Tháng" not in body


def test_add_errors_puts_each_message_on_its_field_or_the_form():
    form = Query({"month": "3"})
    assert form.is_valid()
    web.add_errors(form, ValidationError({"month": "Tháng đã khóa.", "other": "Không được."}))
    assert form.errors["month"] == ["Tháng đã khóa."]
    assert form.non_field_errors() == ["Không được."]
    form = Query({"month": "3"})
    assert form.is_valid()
    web.add_errors(form, ValidationError(["Một.", "Hai."]))
    assert form.non_field_errors() == ["Một.", "Hai."]
    assert not form.is_valid()


# --- downloads ----------------------------------------------------------------------------------


def test_a_plain_name_is_sent_as_is():
    assert (
        web.content_disposition("danh-sach-dang-vien-20240101.xlsx")
        == 'attachment; filename="danh-sach-dang-vien-20240101.xlsx"'
    )
    assert web.content_disposition("chibo.ics", inline=True) == 'inline; filename="chibo.ics"'


@pytest.mark.parametrize(
    ("name", "ascii_name"),
    [
        ("Biên bản Chi bộ bản Đông 03-2023.docx", "Bien-ban-Chi-bo-ban-Dong-03-2023.docx"),
        ('a "b"\\c;d.xlsx', "a--b--c-d.xlsx"),
        ("Đảng ủy/xã\r\n.xlsx", "Dang-uy-xa--.xlsx"),
    ],
)
def test_any_other_name_is_sent_in_utf8_after_an_ascii_one(name, ascii_name):
    value = web.content_disposition(name)
    head, utf8 = value.split("; filename*=UTF-8''")
    assert head == f'attachment; filename="{ascii_name}"'
    assert unquote(utf8) == name
    assert all(c.isascii() and c.isprintable() for c in value)
    assert '"' not in utf8 and " " not in utf8 and ";" not in utf8


def test_an_ascii_name_given_is_the_one_old_clients_see():
    value = web.content_disposition("Nghị quyết.pdf", ascii_name="nghi-quyet-XA-01.pdf")
    assert value == (
        'attachment; filename="nghi-quyet-XA-01.pdf"; '
        "filename*=UTF-8''Ngh%E1%BB%8B%20quy%E1%BA%BFt.pdf"
    )


def test_xlsx_response():
    response = web.xlsx_response(b"PK\x03\x04", "Sổ dữ liệu.xlsx")
    assert response.content == b"PK\x03\x04"
    assert response["Content-Type"] == web.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="So-du-lieu.xlsx"; '
        "filename*=UTF-8''S%E1%BB%95%20d%E1%BB%AF%20li%E1%BB%87u.xlsx"
    )


# --- long lists ---------------------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.asked = []

    def __call__(self, keys):
        self.asked.append(list(keys))
        return [f"row {k}" for k in keys]


def test_lazy_rows_build_only_the_page_asked_for():
    build = Recorder()
    rows = web.LazyRows(list(range(1, 26)), build)
    page = Paginator(rows, 10).get_page(2)
    assert list(page.object_list) == [f"row {k}" for k in range(11, 21)]
    assert page.paginator.count == 25 and page.paginator.num_pages == 3
    assert build.asked == [list(range(11, 21))]
    assert rows[0] == "row 1" and rows[-1] == "row 25"
    assert rows[30:40] == []
    assert build.asked == [list(range(11, 21)), [1], [25]]
    with pytest.raises(IndexError):
        rows[25]
    with pytest.raises(IndexError):
        rows[-26]


@pytest.mark.django_db
def test_lazy_rows_over_a_queryset_of_ids_with_a_known_length(tree, django_assert_num_queries):
    ids = Organization.objects.order_by("path").values_list("pk", flat=True)
    length = Organization.objects.count()
    rows = web.LazyRows(ids, lambda pks: Organization.objects.in_bulk(pks).values(), length)
    with django_assert_num_queries(2):  # the page's ids, then their rows; no count
        page = Paginator(rows, 2).get_page(2)
        names = [o.name for o in page.object_list]
    ordered = list(Organization.objects.order_by("path"))
    assert names == [o.name for o in ordered[2:4]]
    assert page.paginator.num_pages == -(-length // 2)


# --- the pager ----------------------------------------------------------------------------------


def test_the_pager_links_the_pages_around_keeping_the_query():
    page = Paginator(web.LazyRows(list(range(30)), list), 10).get_page(2)
    html = render_to_string("core/pager.html", {"page": page, "query": "q=an&org=3"})
    assert 'href="?q=an&amp;org=3&page=1"' in html and 'href="?q=an&amp;org=3&page=3"' in html
    assert "Trang 2/3" in html
    alone = Paginator(list(range(5)), 10).get_page(1)
    assert render_to_string("core/pager.html", {"page": alone}).strip() == ""
