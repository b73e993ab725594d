import datetime

from django.utils import timezone

FAR_FUTURE = datetime.date(9999, 12, 31)


def today() -> datetime.date:
    return timezone.localdate()


def parse_vn_date(value) -> datetime.date | None:
    """A date from a real date, a datetime, 'dd/mm/yyyy' or 'yyyy-mm-dd' text; None if blank.

    Raises ValueError for text that is not a date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
