"""The register's rules (members.rules), without the database."""

import datetime

import pytest

from chibo.members import rules
from chibo.members.rules import Finding

D = datetime.date
ON = D(2025, 6, 30)


def test_the_54_groups_are_distinct_even_folded():
    assert len(rules.ETHNIC_GROUPS) == 54
    keys = {rules._key(name) for name in rules.ETHNIC_GROUPS}
    assert len(keys) == 54
    assert rules.ETHNIC_GROUPS[:9] == (
        "Kinh",
        "Tày",
        "Thái",
        "Mường",
        "Khmer",
        "Hoa",
        "Nùng",
        "Mông",
        "Dao",
    )
    assert rules.ETHNIC_GROUPS[-1] == "Ơ Đu"
    # every alias names an official group, and none shadows an official spelling
    assert set(rules.ALIASES.values()) <= set(rules.ETHNIC_GROUPS)
    assert not set(rules.ALIASES) & keys


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Mông", "Mông"),
        ("H'Mông", "Mông"),
        ("H’mông", "Mông"),
        ("Hmong", "Mông"),
        ("Mèo", "Mông"),
        ("Ê-đê", "Ê Đê"),
        ("ê đê", "Ê Đê"),
        ("Khơ-mú", "Khơ Mú"),
        ("KHƠ MÚ", "Khơ Mú"),
        ("Bru - Vân Kiều", "Bru Vân Kiều"),
        ("Gia-rai", "Gia Rai"),
        ("Khơ-me", "Khmer"),
        ("Kinh (Việt)", "Kinh"),
        ("  dân tộc   Thái ", "Thái"),
        ("Thai", "Thái"),  # accents aside: no two of the 54 fold alike
        ("Tày", "Tày"),
        ("Cơ Lao", "Cờ Lao"),
        ("Gié Triêng", "Giẻ Triêng"),
        ("Tha\u0301i", "Thái"),  # decomposed accents, as macOS types them
    ],
)
def test_canonical_ethnicity(text, name):
    assert rules.canonical_ethnicity(text) == name


@pytest.mark.parametrize("text", ["", None, "Thay", "Kihn", "Việt Nam", "Hmoong", "-"])
def test_unknown_ethnicity(text):
    assert rules.canonical_ethnicity(text) is None


@pytest.mark.parametrize(
    ("text", "nearest"),
    [("Thay", "Tày"), ("Kihn", "Kinh"), ("Hmoong", "Mông"), ("Muongg", "Mường"), ("Mông", "Mông")],
)
def test_nearest_ethnicity(text, nearest):
    assert rules.nearest_ethnicity(text) == nearest


@pytest.mark.parametrize(
    ("admitted", "end"),
    [
        (D(2010, 5, 19), D(2011, 5, 19)),
        (D(2024, 2, 29), D(2025, 2, 28)),  # no 29/02 in 2025: the month's last day
        (D(2023, 3, 1), D(2024, 3, 1)),  # across a 29/02: 12 months, 366 days
        (D(2011, 12, 31), D(2012, 12, 31)),
    ],
)
def test_probation_end(admitted, end):
    assert rules.probation_end(admitted) == end


def test_add_months_keeps_the_day_or_takes_the_last():
    assert rules.add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert rules.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert rules.add_months(D(2024, 11, 30), 3) == D(2025, 2, 28)
    assert rules.add_months(D(2024, 12, 15), 12) == D(2025, 12, 15)


def fields(**kw):
    base = {
        "birth_date": D(1980, 3, 2),
        "admission_date": D(2010, 5, 19),
        "official_date": D(2011, 5, 19),
        "ethnicity": "Thái",
    }
    return {**base, **kw}


def test_a_clean_record_has_no_findings():
    assert rules.check(fields(), on=ON) == ([], [])
    assert rules.check({}, on=ON) == ([], [])


def by_field(findings):
    return {f.field: f.message for f in findings}


def test_future_dates_are_errors():
    errors, _ = rules.check(
        fields(birth_date=D(2025, 7, 1), admission_date=D(2025, 7, 2), official_date=D(2026, 7, 2)),
        on=ON,
    )
    got = by_field(errors)
    assert got["birth_date"] == "Ngày sinh 01/07/2025 ở tương lai."
    assert got["official_date"] == "Ngày chính thức 02/07/2026 ở tương lai."
    assert "Ngày vào Đảng 02/07/2025 ở tương lai." in [e.message for e in errors]
    # the day itself is not the future
    assert rules.check(fields(official_date=ON, admission_date=D(2024, 6, 30)), on=ON) == ([], [])


def test_earliest_birth_and_party_founding():
    errors, _ = rules.check(
        fields(birth_date=D(1899, 12, 31), admission_date=D(1930, 2, 2), official_date=None),
        on=D(1930, 3, 1),
    )
    assert by_field(errors) == {
        "birth_date": "Ngày sinh 31/12/1899 không hợp lệ (trước năm 1900).",
        "admission_date": "Ngày vào Đảng 02/02/1930 trước ngày thành lập Đảng 03/02/1930.",
    }
    ok, _ = rules.check(
        fields(birth_date=D(1900, 1, 1), admission_date=D(1930, 2, 3), official_date=None),
        on=D(1930, 3, 1),
    )
    assert ok == []


def test_age_at_admission_is_counted_by_day():
    errors, _ = rules.check(
        fields(birth_date=D(1992, 5, 20), admission_date=D(2010, 5, 19), official_date=None),
        on=D(2010, 6, 1),
    )
    assert errors == [
        Finding(
            "admission_date",
            "Vào Đảng 19/05/2010 khi mới 17 tuổi (sinh 20/05/1992), chưa đủ 18 tuổi.",
        )
    ]
    # eighteen on the day: allowed (the form counted by year and let 31/12 births through)
    assert rules.check(
        fields(birth_date=D(1992, 5, 19), admission_date=D(2010, 5, 19), official_date=None),
        on=D(2010, 6, 1),
    ) == ([], [])
    # born 29/02: eighteen on 01/03 of a common year
    born = D(2004, 2, 29)
    f = fields(birth_date=born, official_date=None)
    assert rules.check({**f, "admission_date": D(2022, 2, 28)}, on=D(2022, 6, 1))[0]
    assert rules.check({**f, "admission_date": D(2022, 3, 1)}, on=D(2022, 6, 1)) == ([], [])


def test_official_date_before_admission_or_probation_end():
    errors, _ = rules.check(fields(official_date=D(2010, 5, 18)), on=ON)
    assert errors == [
        Finding("official_date", "Ngày chính thức 18/05/2010 trước ngày vào Đảng 19/05/2010.")
    ]
    errors, _ = rules.check(fields(official_date=D(2011, 5, 18)), on=ON)
    assert errors == [
        Finding(
            "official_date",
            "Ngày chính thức 18/05/2011 khi chưa đủ 12 tháng dự bị: vào Đảng 19/05/2010 thì "
            "sớm nhất là 19/05/2011.",
        )
    ]
    # admission + 365 days across a 29/02 is one day short of 12 months
    errors, _ = rules.check(
        fields(admission_date=D(2012, 1, 9), official_date=D(2013, 1, 8)), on=ON
    )
    assert [e.field for e in errors] == ["official_date"]


def test_unknown_ethnicity_offers_the_nearest():
    errors, _ = rules.check(fields(ethnicity="Thay"), on=ON)
    assert errors == [
        Finding("ethnicity", "Dân tộc «Thay» không có trong danh mục 54 dân tộc; có phải «Tày»?")
    ]
    assert rules.check(fields(ethnicity="H'Mông"), on=ON) == ([], [])


def test_probation_overdue_is_a_warning_naming_the_member():
    f = fields(admission_date=D(1998, 5, 12), official_date=None)
    errors, warnings = rules.check(f, on=ON, name="Nguyễn Văn A")
    assert errors == []
    assert warnings == [
        Finding(
            "official_date",
            "Nguyễn Văn A vào Đảng 12/05/1998, đã quá 12 tháng dự bị nhưng chưa có ngày "
            "chính thức.",
        )
    ]
    # 12 months to the day: not yet overdue; the day after: overdue
    f = fields(admission_date=D(2024, 6, 30), official_date=None)
    assert rules.check(f, on=ON) == ([], [])
    _, warnings = rules.check(f, on=D(2025, 7, 1))
    assert [w.message for w in warnings] == [
        "Đảng viên vào Đảng 30/06/2024, đã quá 12 tháng dự bị nhưng chưa có ngày chính thức."
    ]


def test_late_official_date_is_a_warning():
    assert rules.check(fields(official_date=D(2011, 8, 19)), on=ON) == ([], [])
    errors, warnings = rules.check(fields(official_date=D(2011, 8, 20)), on=ON, name="Lò Văn B")
    assert errors == []
    assert warnings == [
        Finding(
            "official_date",
            "Lò Văn B: ngày chính thức 20/08/2011 muộn hơn 3 tháng sau khi hết dự bị "
            "(19/05/2011): hãy kiểm tra lại.",
        )
    ]


def test_errors_name_the_member_when_given():
    errors, _ = rules.check(fields(ethnicity="Kihn"), on=ON, name="Cầm Văn C")
    assert errors[0].message.startswith("Cầm Văn C: dân tộc «Kihn» không có")


def test_check_change_keeps_what_the_change_is_answerable_for():
    before = fields(admission_date=D(1998, 5, 12), official_date=None, ethnicity="Thay")
    # an unrelated change: the old warning and the old error are not this change's business
    after = {**before, "residence": "Bản Áng"}
    assert rules.check_change(before, after, on=ON) == ([], [])
    # touching the field brings its findings back
    errors, warnings = rules.check_change(before, {**before, "ethnicity": "Thayy"}, on=ON)
    assert [e.field for e in errors] == ["ethnicity"]
    assert warnings == []
    # a new problem caused by another field is reported on its own field
    errors, _ = rules.check_change(before, {**before, "birth_date": D(1985, 1, 1)}, on=ON)
    assert [e.field for e in errors] == ["admission_date"]
    # making the official date early is an error, setting a good one clears the warning
    errors, warnings = rules.check_change(
        before, {**before, "official_date": D(1999, 5, 12)}, on=ON
    )
    assert (errors, warnings) == ([], [])
