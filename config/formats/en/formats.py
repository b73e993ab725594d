"""English formats for chibo: the same dd/mm/yyyy dates and the same numbers (9.300, 95,9%) as in
Vietnamese (STYLE.md 8): the users are the same people, a page in either language shows the same
figures as the documents and exports (always Vietnamese), and a date or a number typed in one
language means the same in the other ("97,5" typed in the English UI is 97,5, not an error)."""

from config.formats.vi.formats import (  # noqa: F401
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    DATETIME_INPUT_FORMATS,
    DECIMAL_SEPARATOR,
    FIRST_DAY_OF_WEEK,
    MONTH_DAY_FORMAT,
    NUMBER_GROUPING,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    THOUSAND_SEPARATOR,
    TIME_FORMAT,
    TIME_INPUT_FORMATS,
    YEAR_MONTH_FORMAT,
)
