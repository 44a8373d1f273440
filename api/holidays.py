"""Indonesia's national holidays (the ``holidays`` package's calendar for country "ID",
names in Indonesian), for schedule defaults and warnings. Islamic holidays of future
years are the package's estimates ("perkiraan"); collective leave (cuti bersama), set by
decree each year, is not included."""

from collections.abc import Iterable
from datetime import date
from functools import cache

import holidays


@cache
def _of_year(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("ID", years=year, language="id").items())


def national_holidays(years: Iterable[int]) -> dict[date, str]:
    """Date → holiday name for every year in ``years``."""
    found: dict[date, str] = {}
    for year in sorted(set(years)):
        found.update(_of_year(year))
    return found
