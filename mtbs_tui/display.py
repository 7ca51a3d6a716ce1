"""Display helpers shared by the screens and the commands: dates and ages as a nurse writes them.

Plain Python (no textual): `mtbs pasien` prints with these without loading the TUI.
"""
from __future__ import annotations

from datetime import date

from mtbs_tui.rules.age import age_on

DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def parse_iso_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def age_text(birth_date: str | date | None, on: date) -> str:
    """Short age for the narrow columns (`Age.short`): `12hr`, `8b`, `1t3b`; `?` when unknown."""
    born = birth_date if isinstance(birth_date, date) else parse_iso_date(birth_date)
    if born is None or on < born:
        return "?"
    return age_on(born, on).short()


def date_text(day: date | str | None) -> str:
    """Indonesian short date DD-MM-YYYY (how nurses write it on the paper register)."""
    value = day if isinstance(day, date) else parse_iso_date(day)
    return value.strftime("%d-%m-%Y") if value else ""


def long_date_text(day: date) -> str:
    return f"{DAY_NAMES[day.weekday()]} {day.strftime('%d-%m-%Y')}"
