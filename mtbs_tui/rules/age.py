"""The one home of a child's age (case-format.md §3): completed months, age in days, the pathway
limits and how an age is written.

Every other module imports these; ``tests/test_one_home.py`` fails if one defines them again.

- ``YOUNG_INFANT_DAYS`` (60): under 60 days of age a child is a bayi muda (MTBM form);
- ``MAX_MONTHS`` (60): from 60 completed months (5 years) MTBS no longer applies;
- ``completed_months``: the largest m with birth + m calendar months <= the day, where "+ m months"
  lands on the last day of a month that is too short (born 31 Jan: 1 month on 28 Feb, or on 29 Feb
  in a leap year);
- ``Age``: days and completed months, with its pathway and its texts: ``text()`` as on the paper
  register (``23 hr``, ``8 bl``, ``1 th 3 bl``: lists, exports), ``short()`` for the narrow
  columns of the 80x24 screens (``23hr``, ``8b``, ``1t3b``) and ``long()`` spelled out for letters
  and cards (``23 hari``, ``1 tahun 3 bulan``). All three follow one rule: days under 60 days, then
  years and months.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

YOUNG_INFANT_DAYS = 60  # age < 60 days: bayi muda (MTBM); from day 60: balita (MTBS), §3
MAX_MONTHS = 60  # completed months >= 60: outside MTBS (0-59 months), §3
LYING_BELOW_MONTHS = 24  # under 24 completed months a child is measured lying (PB), then standing (TB), §3

BAYI_MUDA = "bayi_muda"
BALITA = "balita"


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` + ``months`` calendar months, landing on the last day of a short month (§3)."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s calendar month (the reports' month periods)."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def completed_months(birth: dt.date, on: dt.date) -> int:
    """The largest m such that birth + m months <= on (§3); 0 when ``on`` is before the birth."""
    m = (on.year - birth.year) * 12 + (on.month - birth.month)
    # birth + m months lands in on's month: either on/before `on`, or after it by less than a month.
    if m > 0 and add_months(birth, m) > on:
        m -= 1
    return max(m, 0)


def age_in_days(birth: dt.date, on: dt.date) -> int:
    return (on - birth).days


def pathway_for_days(days: int) -> str:
    """``bayi_muda`` under 60 days of age, else ``balita`` (§3)."""
    return BAYI_MUDA if days < YOUNG_INFANT_DAYS else BALITA


def length_position_for(months: int) -> str:
    """How a child of ``months`` completed months is measured when the case does not say (§3):
    ``berbaring`` (PB) under 24 months, ``berdiri`` (TB) from 24 months."""
    return "berbaring" if months < LYING_BELOW_MONTHS else "berdiri"


def beyond_mtbs(months: int) -> bool:
    """True from 60 completed months: MTBS covers 0-59 months (§3)."""
    return months >= MAX_MONTHS


@dataclass(frozen=True)
class Age:
    days: int
    months: int

    @property
    def pathway(self) -> str:
        return pathway_for_days(self.days)

    @property
    def young_infant(self) -> bool:
        return self.days < YOUNG_INFANT_DAYS

    def _written(self, day: str, month: str, year: str, sep: str) -> str:
        """Days under 60 days, else years and months: the one rule of every text below."""
        if self.young_infant:
            return day.format(self.days)
        years, months = divmod(max(self.months, 0), 12)
        if not years:
            return month.format(months)
        return year.format(years) + (sep + month.format(months) if months else "")

    def text(self) -> str:
        """As on the paper register: ``23 hr``, ``8 bl``, ``1 th 3 bl``, ``2 th``."""
        return self._written("{} hr", "{} bl", "{} th", " ")

    def short(self) -> str:
        """For the narrow columns of the screens: ``23hr``, ``8b``, ``1t3b``, ``2t``."""
        return self._written("{}hr", "{}b", "{}t", "")

    def long(self) -> str:
        """Spelled out (letters, the mother's card): ``23 hari``, ``5 bulan``, ``1 tahun 3 bulan``."""
        return self._written("{} hari", "{} bulan", "{} tahun", " ")

    def heading(self) -> str:
        """The visit form's and summary's age: ``23 hari`` for a bayi muda, else ``1t3b``."""
        return self.long() if self.young_infant else self.short()

    def reason(self) -> str:
        """Why this form: "umur 23 hari: formulir bayi muda (di bawah 2 bulan)"."""
        if self.young_infant:
            return f"umur {self.days} hari: formulir bayi muda (di bawah 2 bulan)"
        return f"umur {self.short()} ({self.days} hari): formulir balita sakit"


def _as_date(value: str | dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def age_on(birth_date: str | dt.date, on: str | dt.date) -> Age:
    """The ``Age`` of a child born ``birth_date`` on the day ``on`` (ISO text or dates)."""
    b, o = _as_date(birth_date), _as_date(on)
    return Age(days=age_in_days(b, o), months=completed_months(b, o))
