"""English formats for chibo: the same dd/mm/yyyy dates as in Vietnamese (the users are the same
people, and a date typed in one language must mean the same day in the other)."""

from config.formats.vi.formats import (  # noqa: F401
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    DATETIME_INPUT_FORMATS,
    FIRST_DAY_OF_WEEK,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    TIME_INPUT_FORMATS,
    YEAR_MONTH_FORMAT,
)

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
