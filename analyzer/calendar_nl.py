"""Dutch public holidays, for baselines that must not mistake a closed contact centre for a dip.

Holidays on which municipal contact centres are normally closed: Nieuwjaarsdag, Goede Vrijdag,
Eerste en Tweede Paasdag, Koningsdag (27 April, or 26 April when the 27th is a Sunday),
Hemelvaartsdag (Easter + 39 days), Eerste en Tweede Pinksterdag (Easter + 49 and + 50 days),
Eerste en Tweede Kerstdag. Bevrijdingsdag (5 May) is a day off only in lustrum years for most
employers and is left out. Source of the dates: the Dutch government's list of official public
holidays (rijksoverheid.nl, "Feestdagen"); Easter by the anonymous Gregorian algorithm
(Meeus/Jones/Butcher).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache


def easter(year: int) -> dt.date:
    """Easter Sunday (Gregorian calendar), anonymous Gregorian algorithm."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=64)
def holidays(year: int) -> dict[dt.date, str]:
    """The public holidays of one year, date -> Dutch name."""
    e = easter(year)
    kings = dt.date(year, 4, 27)
    if kings.weekday() == 6:
        kings = dt.date(year, 4, 26)
    days = {
        dt.date(year, 1, 1): "Nieuwjaarsdag",
        e - dt.timedelta(days=2): "Goede Vrijdag",
        e: "Eerste Paasdag",
        e + dt.timedelta(days=1): "Tweede Paasdag",
        kings: "Koningsdag",
        e + dt.timedelta(days=39): "Hemelvaartsdag",
        e + dt.timedelta(days=49): "Eerste Pinksterdag",
        e + dt.timedelta(days=50): "Tweede Pinksterdag",
        dt.date(year, 12, 25): "Eerste Kerstdag",
        dt.date(year, 12, 26): "Tweede Kerstdag",
    }
    return dict(sorted(days.items()))


def is_closed(day: dt.date) -> bool:
    """Weekend or public holiday: the telephone line of a KCC is normally closed."""
    return day.weekday() >= 5 or day in holidays(day.year)
