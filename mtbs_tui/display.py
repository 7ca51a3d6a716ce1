"""Display helpers shared by the screens and the commands: dates, ages, times, severity words and
list-row texts as a nurse reads them.

Plain Python (no textual): `mtbs pasien` prints with these without loading the TUI. The two helpers
that return styled text import rich when they are called.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from mtbs_tui.rules.age import age_on

if TYPE_CHECKING:
    from rich.text import Text

DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTH_NAMES = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)

# The pathway in a list or a column: lower case in running text, `capitalize()` at a column's start.
PATHWAY_WORDS = {"balita": "balita", "bayi_muda": "bayi muda"}


def pathway_word(pathway: str | None) -> str:
    return PATHWAY_WORDS.get(pathway or "", "balita")


# Severity is a word and a colour (16-colour palette, readable on a monochrome screen as a word).
SEVERITY_WORD = {"merah": "MERAH", "kuning": "KUNING", "hijau": "HIJAU"}
SEVERITY_STYLE = {
    "merah": "bold bright_white on red",
    "kuning": "bold black on yellow",
    "hijau": "bold black on green",
}


# Classification labels that say nothing without their module's name (growth, head size and the
# 2015 gizi all print a bare "NORMAL", spec §8): every screen and paper that lists them names it.
GENERIC_LABELS = frozenset({"NORMAL"})


def needs_module_name(label: str) -> bool:
    return label.strip().upper() in GENERIC_LABELS


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


def month_text(day: date) -> str:
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def time_text(visit_at: str | None) -> str:
    """HH:MM of an ISO datetime: the clock on screens, as the time boxes take it ("jj:mm")."""
    if not visit_at or len(visit_at) < 16:
        return ""
    return visit_at[11:16]


def written_time_text(at: str | datetime | None) -> str:
    """`10.35`: a time as Indonesian writes it (PUEBI), on paper and in records ("pukul 10.35");
    '' when unknown. Screens' clocks use `time_text`."""
    if not at:
        return ""
    if isinstance(at, datetime):
        return f"{at.hour:02d}.{at.minute:02d}"
    if len(at) < 16:
        return ""
    return f"{at[11:13]}.{at[14:16]}"


def short_label(label: str, width: int) -> str:
    return label if len(label) <= width else label[: max(width - 1, 1)] + "…"


def severity_text(colour: str | None, *, width: int = 6) -> Text:
    """`MERAH ` / `KUNING` / `HIJAU ` as a reverse-video block."""
    from rich.text import Text

    colour = (colour or "").lower()
    word = SEVERITY_WORD.get(colour, "?")
    return Text(word.ljust(width), style=SEVERITY_STYLE.get(colour, "reverse"))


def summary_text(summary: tuple[str, str, int] | None, width: int, *, draft: bool = False) -> Text:
    """`KUNING PNEUMONIA +2`: the worst classification as word and colour, then the count
    (`summary` is one value of `Register.visit_summaries`)."""
    from rich.text import Text

    if draft:
        return Text("…draf", style="italic")
    if not summary:
        return Text("")
    colour, label, count = summary
    extra = f" +{count - 1}" if count > 1 else ""
    text = Text()
    text.append_text(severity_text(colour))
    text.append(" " + short_label(label, max(width - 7 - len(extra), 4)) + extra)
    return text


# --- reading register rows (tolerant: list rows and full visits carry slightly different keys) ---

def row_patient_name(row: dict[str, Any]) -> str:
    patient = row.get("patient")
    if isinstance(patient, dict) and patient.get("name"):
        return str(patient["name"])
    return str(row.get("patient_name") or row.get("name") or "?")


def row_birth_date(row: dict[str, Any]) -> str | None:
    patient = row.get("patient")
    if isinstance(patient, dict) and patient.get("birth_date"):
        return str(patient["birth_date"])
    value = row.get("birth_date")
    return None if value is None else str(value)
