"""Party age (tuổi Đảng): from the admission date, less the interruptions. One home for it:
the badges and the statistics both count it here."""

import datetime

from chibo.core.dates import age_on


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29/02 becomes 28/02 in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def reaches(admission: datetime.date, years: int, interruptions=()) -> datetime.date:
    """The day the member has `years` of party age: as party_age counts, the anniversary of
    the admission date moved later by the days of the interruptions ((start, end) pairs, end
    excluded) that begin before it."""
    lost = datetime.timedelta(0)
    for start, end in sorted(interruptions):
        if start < add_years(admission + lost, years):
            lost += end - start
    return add_years(admission + lost, years)


def party_age(admission: datetime.date, on: datetime.date, interruptions=()) -> int:
    """Full years of party age on `on` (0 before the first anniversary)."""
    if on < admission:
        return 0
    lost = sum(((min(end, on) - start).days for start, end in interruptions if start < on), start=0)
    counted_from = admission + datetime.timedelta(days=max(lost, 0))
    if on < counted_from:
        return 0
    return age_on(counted_from, on)
