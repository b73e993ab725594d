"""Vietnamese text: folding for search, dictionary order for names, numbers as the article prints
them. The order follows the Vietnam Lexicography Centre's rules (Vũ Xuân Lương, "Quy tắc sắp xếp
đơn vị từ vựng trong từ điển tiếng Việt"): the 29 letters a ă â b c d đ e ê ... first, the tone
(none, huyền, hỏi, ngã, sắc, nặng) only between otherwise equal syllables, syllable by syllable."""

import unicodedata
from decimal import Decimal

import pytest

from chibo.core import vn


def by_name(full_names):
    """Sort full names as the member list does: given name, then middle, then family name."""

    def key(full):
        family, middle, given = vn.split_full_name(full)
        return vn.name_sort_key(given, middle, family)

    return sorted(full_names, key=key)


# --- fold -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn  Văn Ánh", "nguyen van anh"),
        ("ĐẶNG Thị Hường", "dang thi huong"),
        ("  Lò\tVăn Dũng ", "lo van dung"),
        ("H'Mông", "h'mong"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text, folded):
    assert vn.fold(text) == folded


def test_fold_takes_decomposed_text():
    # Unikey's "Unicode tổ hợp" and macOS write letters and marks as separate code points.
    assert vn.fold(unicodedata.normalize("NFD", "Nguyễn Đức Thắng")) == "nguyen duc thang"


# --- name_sort_key ----------------------------------------------------------------------------


def test_names_sort_by_given_name_in_the_vietnamese_alphabet():
    names = ["Trần Văn Ánh", "Nguyễn Thị An", "Lê Đức", "Lò Văn Dũng", "Phạm Ân"]
    assert by_name(names) == [
        "Nguyễn Thị An", "Trần Văn Ánh", "Phạm Ân", "Lò Văn Dũng", "Lê Đức",
    ]  # fmt: skip


def test_letters_with_marks_follow_their_base_letter():
    # a < ă < â, d < đ, e < ê, o < ô < ơ, u < ư: each its own letter of the alphabet.
    assert by_name(["Ân", "Ăn", "An"]) == ["An", "Ăn", "Ân"]
    assert by_name(["Đào", "Dương", "Duy"]) == ["Duy", "Dương", "Đào"]
    assert by_name(["Ơn", "Ôn", "On"]) == ["On", "Ôn", "Ơn"]
    assert by_name(["Ưng", "Uyên", "Vân"]) == ["Uyên", "Ưng", "Vân"]
    assert by_name(["Êm", "Em"]) == ["Em", "Êm"]


def test_tones_order_only_otherwise_equal_syllables():
    # Dictionary tone order: none, huyền, hỏi, ngã, sắc, nặng.
    assert by_name(["Hại", "Hái", "Hãi", "Hải", "Hài", "Hai"]) == [
        "Hai", "Hài", "Hải", "Hãi", "Hái", "Hại",
    ]  # fmt: skip
    # Letters first, whatever the tones: ang < anh, ac < ach, and a shorter syllable first.
    assert by_name(["Anh", "Áng"]) == ["Áng", "Anh"]
    assert by_name(["Ách", "Ác"]) == ["Ác", "Ách"]
    assert by_name(["Anh", "Ạn"]) == ["Ạn", "Anh"]


def test_given_name_decides_before_middle_and_family_names():
    # The given name is compared whole, tone included, before the middle name: every "An"
    # comes before every "Án", as every "an ..." entry precedes "án" in a dictionary.
    assert by_name(["Lê Văn Án", "Nguyễn Văn An"]) == ["Nguyễn Văn An", "Lê Văn Án"]
    assert by_name(["Nguyễn Văn An", "Lê Văn An"]) == ["Lê Văn An", "Nguyễn Văn An"]
    assert by_name(["Lê Thị Hoa", "Lê Hoa", "Bùi Thị Hoa"]) == [
        "Lê Hoa", "Bùi Thị Hoa", "Lê Thị Hoa",
    ]  # fmt: skip


def test_syllables_of_a_middle_name_compare_one_by_one():
    # "Thu" is a prefix of "Thuận", so the middle name "Thu Hà" sorts first.
    assert by_name(["Lê Thuận Minh", "Lê Thu Hà Minh"]) == ["Lê Thu Hà Minh", "Lê Thuận Minh"]


def test_key_ignores_case_and_unicode_normal_form():
    nfd = unicodedata.normalize("NFD", "Ấn")
    assert vn.name_sort_key(nfd, "Thị", "Lê") == vn.name_sort_key("Ấn", "Thị", "Lê")
    assert vn.name_sort_key("ẤN", "THỊ", "LÊ") == vn.name_sort_key("Ấn", "Thị", "Lê")
    assert vn.name_sort_key("Ấn") != vn.name_sort_key("An")


def test_key_is_ascii_and_fits_the_column():
    key = vn.name_sort_key("Nguyễn " * 40, "Thị", "Lê")
    assert key.isascii() and len(key) <= 250
    # Digits before letters; letters outside the alphabet after z.
    assert by_name(["Ba", "B2"]) == ["B2", "Ba"]
    assert vn.name_sort_key("Bz") < vn.name_sort_key("Bß")


def test_text_sort_key_orders_organization_names():
    names = [
        "Chi bộ bản Đông",
        "Chi bộ bản Áng Hai",
        "Chi bộ bản Ang Mới",
        "Chi bộ bản Bó",
        "Chi bộ bản Áng",
    ]
    assert sorted(names, key=vn.text_sort_key) == [
        "Chi bộ bản Ang Mới", "Chi bộ bản Áng", "Chi bộ bản Áng Hai", "Chi bộ bản Bó",
        "Chi bộ bản Đông",
    ]  # fmt: skip


# --- split_full_name --------------------------------------------------------------------------


def test_split_full_name():
    assert vn.split_full_name("Nguyễn Thị Thu Hà") == ("Nguyễn", "Thị Thu", "Hà")
    assert vn.split_full_name("Lê Đức") == ("Lê", "", "Đức")
    assert vn.split_full_name("Páo") == ("", "", "Páo")
    assert vn.split_full_name("") == ("", "", "")


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("num", "den", "places", "text"),
    [
        (281, 293, 1, "95,9%"),  # secretaries who are village heads
        (238, 293, 1, "81,2%"),  # village cells with a cell committee
        (264, 293, 1, "90,1%"),  # cells in the secretary contest
        (21, 44, 2, "47,72%"),  # non-local commune leaders: cut, not rounded (47,727...)
        (21, 22, 2, "95,45%"),
        (227, 200, 0, "113%"),  # admissions against target: 113,5 cut to 113
        (223, 200, 0, "111%"),
        (44, 44, 1, "100%"),  # trailing zeros dropped
        (0, 293, 1, "0%"),
        (1, 3, 1, "33,3%"),
    ],
)
def test_format_percent(num, den, places, text):
    assert vn.format_percent(num, den, places) == text


@pytest.mark.parametrize(
    ("amount", "unit", "text"),
    [("95,9", "%", "95,9%"), ("2", "‰", "2‰"), ("12", "hộ", "12 hộ"),
     ("3", " sản  phẩm ", "3 sản phẩm"), ("7", "", "7"), ("7", None, "7")],
)  # fmt: skip
def test_with_unit(amount, unit, text):
    assert vn.with_unit(amount, unit) == text


def test_format_percent_of_nothing_is_blank():
    assert vn.format_percent(5, 0) == ""
    assert vn.format_percent(5, None) == ""


@pytest.mark.parametrize(
    ("n", "text"),
    [(9300, "9.300"), (9_345_678, "9.345.678"), (967, "967"), (0, "0"), (-1200, "-1.200"),
     (Decimal("9300"), "9.300"), (None, "")],
)  # fmt: skip
def test_format_int(n, text):
    assert vn.format_int(n) == text


def test_format_decimal_and_cut():
    assert vn.format_decimal(Decimal("95.96")) == "95,9"
    assert vn.format_decimal(Decimal("12.0")) == "12"
    assert vn.cut(Decimal("47.7272"), 2) == Decimal("47.72")


def test_unaccent_keeps_case_and_spacing():
    assert vn.unaccent("Biên bản  Đông, đợt 2") == "Bien ban  Dong, dot 2"
    assert vn.unaccent(unicodedata.normalize("NFD", "Nghị quyết")) == "Nghi quyet"
    assert vn.unaccent("") == ""


@pytest.mark.parametrize(
    ("n", "d", "text"),
    [(281, 293, "281/293 (95,9%)"), (0, 12, "0/12 (0%)"), (0, 0, "—"), (3, None, "—")],
)
def test_format_ratio_writes_a_dash_when_there_is_nothing_to_count(n, d, text):
    # issue 14: an empty denominator printed "0/0 ()"
    assert vn.format_ratio(n, d) == text


def test_an_indicator_of_nothing_reads_as_a_dash():
    from chibo.core.indicators import Value

    assert Value(0, 0).text == "—"
    assert Value(1200, 1300).text == "1.200/1.300 (92,3%)"
    assert Value(9300).text == "9.300"


@pytest.mark.django_db
def test_a_commune_with_no_leader_yet_shows_a_dash(tree, clients):
    body = clients["commune"].get(f"/committees/org/{tree.commune_a.pk}/leaders/").content.decode()
    assert "0/0" not in body and "()" not in body
    assert '<div class="v">—</div>' in body
