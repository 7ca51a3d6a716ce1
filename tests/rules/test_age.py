"""The one home of age (rules/age.py): completed months at month ends and leap years (case-format
§3), the 60-day pathway limit, the 60-month MTBS limit and the three texts of one rule."""

from __future__ import annotations

import datetime as dt

import pytest

from mtbs_tui.rules.age import (
    MAX_MONTHS,
    YOUNG_INFANT_DAYS,
    Age,
    add_months,
    age_on,
    beyond_mtbs,
    completed_months,
    month_end,
    pathway_for_days,
)

d = dt.date.fromisoformat


@pytest.mark.parametrize("birth, on, months", [
    ("2024-01-31", "2024-02-29", 1),  # §3 example: leap February, its last day
    ("2024-01-31", "2024-02-28", 0),  # leap year: 28 Feb is not yet the month end
    ("2025-01-31", "2025-02-28", 1),  # common year: 28 Feb is the last day
    ("2025-01-29", "2025-02-28", 1),
    ("2025-01-28", "2025-02-27", 0),
    ("2024-02-29", "2025-02-28", 12),  # born on a leap day: one year on the last day of February
    ("2024-02-29", "2025-02-27", 11),
    ("2024-02-29", "2028-02-29", 48),
    ("2024-03-31", "2024-04-30", 1),
    ("2024-03-31", "2024-05-30", 1),  # §3: born 31 March, seen 30 May (day 60): 1 month
    ("2024-03-31", "2024-05-31", 2),
    ("2024-06-15", "2025-06-14", 11),  # §3 example: 364 days
    ("2024-06-15", "2025-06-15", 12),
    ("2024-12-31", "2025-01-30", 0),
    ("2024-12-31", "2025-01-31", 1),
    ("2024-05-10", "2024-05-10", 0),
    ("2024-05-10", "2024-04-10", 0),  # before the birth: never negative
])
def test_completed_months_at_month_ends(birth: str, on: str, months: int) -> None:
    assert completed_months(d(birth), d(on)) == months


def test_completed_months_is_the_largest_m_of_the_definition() -> None:
    """Against the §3 definition itself (largest m with birth + m months <= day) over 6 years of days."""
    births = [d("2023-01-31"), d("2023-08-31"), d("2024-02-29"), d("2023-03-30"), d("2023-07-01")]
    for birth in births:
        for n in range(0, 6 * 366, 3):
            on = birth + dt.timedelta(days=n)
            m = completed_months(birth, on)
            assert add_months(birth, m) <= on < add_months(birth, m + 1), (birth, on, m)


def test_pathway_limits() -> None:
    assert (YOUNG_INFANT_DAYS, MAX_MONTHS) == (60, 60)
    assert pathway_for_days(59) == "bayi_muda" and pathway_for_days(60) == "balita"
    assert age_on("2024-01-01", "2024-02-29").pathway == "bayi_muda"  # day 59
    assert age_on("2024-01-01", "2024-03-01").pathway == "balita"  # day 60
    assert not beyond_mtbs(59) and beyond_mtbs(60)
    assert age_on("2019-03-31", "2024-03-30").months == 59
    assert age_on("2019-03-31", "2024-03-31").months == 60


@pytest.mark.parametrize("age, text, short, long, heading", [
    (Age(23, 0), "23 hr", "23hr", "23 hari", "23 hari"),
    (Age(59, 1), "59 hr", "59hr", "59 hari", "59 hari"),
    (Age(60, 1), "1 bl", "1b", "1 bulan", "1b"),
    (Age(250, 8), "8 bl", "8b", "8 bulan", "8b"),
    (Age(470, 15), "1 th 3 bl", "1t3b", "1 tahun 3 bulan", "1t3b"),
    (Age(730, 24), "2 th", "2t", "2 tahun", "2t"),
])
def test_the_texts_of_an_age(age: Age, text: str, short: str, long: str, heading: str) -> None:
    assert (age.text(), age.short(), age.long(), age.heading()) == (text, short, long, heading)


def test_reason_names_the_form() -> None:
    assert Age(23, 0).reason() == "umur 23 hari: formulir bayi muda (di bawah 2 bulan)"
    assert Age(470, 15).reason() == "umur 1t3b (470 hari): formulir balita sakit"


@pytest.mark.parametrize("day, last", [
    ("2024-02-10", "2024-02-29"),  # leap February
    ("2026-02-01", "2026-02-28"),
    ("2026-12-31", "2026-12-31"),  # December: no month 13
    ("2026-04-15", "2026-04-30"),
])
def test_month_end_is_the_last_day_of_the_month(day: str, last: str) -> None:
    assert month_end(d(day)) == d(last)
