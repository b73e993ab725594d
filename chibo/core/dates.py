import datetime

from django.utils import timezone
from django.utils.formats import get_format

FAR_FUTURE = datetime.date(9999, 12, 31)
# Every date a person types or imports lies in these years: a year-1 date breaks date arithmetic
# (a year before it does not exist) and no member, meeting or decision is older than 1900.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)


def in_range(day: datetime.date) -> bool:
    """Whether a typed or imported date lies in the years 1900–2100."""
    return EARLIEST <= day <= LATEST


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Full years of age on `day` (born 29/02: a year older on 01/03 of a common year)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def today() -> datetime.date:
    return timezone.localdate()


def parse_vn_date(value) -> datetime.date | None:
    """A date from a real date, a datetime, 'dd/mm/yyyy' or 'yyyy-mm-dd' text; None if blank.

    Raises ValueError for text that is not a date or a date outside the years 1900–2100.
    """
    if value is None or value == "":
        return None
    day = _parse(value)
    if day is not None and not in_range(day):
        raise ValueError(value)
    return day


def _parse(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    # The typed formats of config/formats (dd/mm/yyyy first); Vietnamese whatever the language.
    for fmt in get_format("DATE_INPUT_FORMATS", lang="vi"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
