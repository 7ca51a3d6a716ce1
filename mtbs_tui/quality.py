"""MTBS quality indicators of a puskesmas for a period (issue 18), computed from the register.

Each indicator has a stable id, an Indonesian label, the text of its numerator and denominator and
which direction is better (for the district ranking); `docs/quality.md` gives every definition
(the same texts, generated from `INDICATORS` by a test that compares them). The register reads the
rows (`Register.quality_visits`, `quality_follow_ups`, `quality_drafts`: all SQL lives there); this
module only counts them per month and for the whole period, so a screen, a document and the
district package all show the same numbers.

Every indicator is shown with its numerator and denominator; a month without a denominator
has no value ("-"), never 0.

Plain Python: no Textual, reportlab or openpyxl (screens, documents and commands import it).
"""
from __future__ import annotations

import datetime as _dt
import re
import statistics
from dataclasses import dataclass, field
from typing import Any

from mtbs_tui.register import FOLLOW_UP_GRACE_DAYS
from mtbs_tui.rules.age import month_end
from mtbs_tui.rules.codes import SYSTEMIC_ANTIBIOTICS
from mtbs_tui.rules.vocabulary import MODULES

# The modules whose assessment counts for "penilaian lengkap": every module that gives a
# classification (case-format §4). The treatment-only modules (imunisasi, vitamin A, and the
# young infant's immunisation and vitamin K1) are left out: they give vaccines or doses, not a
# classification, and the register counts them elsewhere.
MAIN_MODULES: tuple[str, ...] = tuple(m.id for m in MODULES if m.produces_classification)

# A draft untouched for this many days is counted as abandoned (the home screen keeps listing it).
DRAFT_ABANDONED_DAYS = 2

# A consultation longer than this (form opened to saved) was left open and finished later (a draft
# resumed the next day): it is not a consultation time and is left out of the median.
CONSULTATION_MAX_MINUTES = 180

# How a treatment written in free text (a deviation, or "diberikan lain") is recognised as an
# antibiotic: the start of a generic name, Indonesian or English spelling, or the word itself.
# A list for a clinician or the district pharmacist to extend (docs/quality.md).
ANTIBIOTIC_WORDS = re.compile(
    r"antibiot|amoks|amox|kotrimo|cotrimo|sulfamet|ampisil|ampicil|gentam|sefad|cefad|sefik|cefix|seftri|ceftri|"
    r"sefot|cefot|eritrom|erythrom|azitrom|azithrom|klaritrom|clarithrom|siproflo|ciproflo|levoflo|metronid|"
    r"tetrasik|tetracyc|doksisik|doxycy|kloramfen|chloramphen|linkomi|lincomy|klindam|clindam")


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str  # short, for a table row or a screen line (<= 34 characters)
    numerator: str
    denominator: str
    better: str | None  # "tinggi" (higher is better), "rendah", or None (not ranked)
    unit: str = "%"  # "%" (numerator / denominator) or "menit" (a median)


INDICATORS: tuple[Indicator, ...] = (
    Indicator("penilaian_lengkap", "Penilaian lengkap",
              "kunjungan tanpa modul utama (modul yang memberi klasifikasi) yang belum lengkap dinilai",
              "kunjungan akhir dalam periode", "tinggi"),
    Indicator("ditimbang", "Anak ditimbang", "kunjungan dengan berat badan tercatat",
              "kunjungan akhir dalam periode", "tinggi"),
    Indicator("suhu_diukur", "Suhu diukur", "kunjungan dengan suhu tubuh tercatat",
              "kunjungan akhir dalam periode", "tinggi"),
    Indicator("napas_dihitung", "Napas dihitung bila batuk",
              "kunjungan balita batuk dengan frekuensi napas tercatat",
              "kunjungan balita dengan batuk atau sukar bernapas", "tinggi"),
    Indicator("kesesuaian_pengobatan", "Pengobatan sesuai bagan",
              "tindakan/obat bagan yang dicatat diberikan seperti dianjurkan",
              "tindakan/obat yang dianjurkan bagan dan sudah dicatat hasilnya (diberikan, diberikan lain, "
              "tidak diberikan; tanpa rujukan)", "tinggi"),
    Indicator("antibiotik_tanpa_indikasi", "Antibiotik tanpa indikasi",
              "kunjungan yang tetap diberi antibiotik (tambahan di luar bagan, atau obat lain yang "
              "diberikan, yang namanya antibiotik)",
              "kunjungan dengan catatan obat yang diberikan, yang tidak satu pun anjuran bagannya "
              "antibiotik sistemik", "rendah"),
    Indicator("kunjungan_ulang_tepat", "Kunjungan ulang tepat waktu",
              f"kunjungan ulang jatuh tempo yang datang tepat waktu (paling lambat {FOLLOW_UP_GRACE_DAYS} hari sesudah "
              "tanggalnya)",
              "kunjungan ulang jatuh tempo yang batas waktunya sudah lewat atau sudah datang", "tinggi"),
    Indicator("rujukan_berbalas", "Rujukan dengan balasan", "rujukan segera yang sudah ada balasannya",
              "rujukan segera dalam periode, kecuali yang belum berbalas dan belum lewat batas hari "
              "balasan (setelan referral_reply_days)", "tinggi"),
    Indicator("menit_konsultasi", "Median menit per konsultasi",
              # The numerator/denominator columns hold how many visits were timed of how many (the
              # value is the median): the texts say so, not "median menit" over a count.
              f"kunjungan terukur: disimpan dari formulir yang dibuka (kunjungan lama: draf pertama), paling lama "
              f"{CONSULTATION_MAX_MINUTES} menit; nilai = median menit dari dibuka sampai disimpan",
              "kunjungan akhir dalam periode", None, unit="menit"),
    Indicator("draf_ditinggalkan", "Draf ditinggalkan",
              f"draf yang dibuang, atau tidak disentuh {DRAFT_ABANDONED_DAYS} hari atau lebih",
              "draf yang dimulai dalam periode", "rendah"),
    Indicator("kunjungan_dikoreksi", "Kunjungan dikoreksi", "kunjungan yang punya versi koreksi",
              "kunjungan akhir dalam periode", None),
)

BY_ID: dict[str, Indicator] = {i.id: i for i in INDICATORS}


@dataclass(frozen=True)
class Value:
    """One indicator for one month (or the whole period): numerator and denominator, and the value
    (a percentage, or the median minutes), None when the denominator is 0."""
    numerator: int | None
    denominator: int | None
    value: float | None

    def text(self, unit: str = "%") -> str:
        if self.value is None:
            return "-"
        return f"{self.value:.1f}".replace(".", ",") + ("%" if unit == "%" else " mnt")


@dataclass
class QualityReport:
    first: _dt.date
    last: _dt.date
    facility: dict[str, Any]
    months: list[str]  # YYYY-MM, oldest first
    monthly: dict[str, list[Value]]  # indicator id -> one value per month
    total: dict[str, Value]  # indicator id -> the whole period
    workers: list[tuple[str, int, float]] = field(default_factory=list)  # (worker, visits timed, median minutes)
    # chart treatment code -> Register.treatment_agreement counts for the whole period
    treatments: dict[str, dict[str, int]] = field(default_factory=dict)
    made_on: _dt.date = field(default_factory=_dt.date.today)

    @property
    def title(self) -> str:
        return f"Indikator Mutu MTBS {period_text(self.first, self.last)}"


def calendar_months(first: _dt.date, last: _dt.date) -> list[str]:
    out = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def month_bounds(months: list[str], first: _dt.date, last: _dt.date) -> list[tuple[_dt.date, _dt.date]]:
    """The first and last day of each month, cut to `first`..`last`."""
    out = []
    for m in months:
        lo = _dt.date(int(m[:4]), int(m[5:]), 1)
        hi = month_end(lo)
        out.append((max(lo, first), min(hi, last)))
    return out


def period_text(first: _dt.date, last: _dt.date) -> str:
    from mtbs_tui.display import date_text

    return f"{date_text(first)} - {date_text(last)}"


class PeriodError(ValueError):
    """A bad --from/--to: `.message` is one Indonesian line naming the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# The longest period one report covers: a year and a half of months (the trend charts' width).
MAX_MONTHS = 24


def parse_period(date_from: str, date_to: str, *, today: _dt.date) -> tuple[_dt.date, _dt.date]:
    """--from and --to as dates (TTTT-BB-HH, or TTTT-BB for a whole month). A period reaching past
    today ends today, as the Mutu screen's does: the report says how far its numbers go
    (`--to 2026-12` on 7 December is 01-12-2026 - 07-12-2026, not a month not yet lived)."""
    def one(text: str, name: str, end: bool) -> _dt.date:
        text = (text or "").strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}", text):
                day = _dt.date.fromisoformat(text + "-01")
                return month_end(day) if end else day
            return _dt.date.fromisoformat(text)
        except ValueError:
            raise PeriodError(f"{name}: {text!r} tidak sah (format TTTT-BB-HH atau TTTT-BB)") from None

    first, last = one(date_from, "--from", False), one(date_to, "--to", True)
    if last < first:
        raise PeriodError(f"--to: {last.isoformat()} sebelum --from {first.isoformat()}")
    if first > today:
        raise PeriodError(f"--from: {first.isoformat()} belum terjadi (hari ini {today.isoformat()})")
    if len(calendar_months(first, last)) > MAX_MONTHS:
        raise PeriodError(f"--to: periode paling panjang {MAX_MONTHS} bulan")
    return first, min(last, today)


def _share(num: int, den: int) -> Value:
    return Value(num, den, 100.0 * num / den if den else None)


def _median(minutes: list[float], visits: int) -> Value:
    return Value(len(minutes), visits, round(statistics.median(minutes), 1) if minutes else None)


def compute(register: Any, first: _dt.date, last: _dt.date, *, today: _dt.date | None = None) -> QualityReport:
    """Every indicator for each month of `first`..`last` and for the whole period."""
    today = today or _dt.date.today()
    months = calendar_months(first, last)
    index = {m: i for i, m in enumerate(months)}
    n = len(months)
    # Per month (and the last slot for the whole period): [numerator, denominator] per indicator.
    counts: dict[str, list[list[int]]] = {i.id: [[0, 0] for _ in range(n + 1)] for i in INDICATORS}
    minutes: list[list[float]] = [[] for _ in range(n + 1)]
    visits = [0] * (n + 1)
    per_worker: dict[str, list[float]] = {}
    treatments: dict[str, dict[str, int]] = {}

    def add(ind: str, slot: int, hit: bool) -> None:
        for s in (slot, n):
            counts[ind][s][1] += 1
            counts[ind][s][0] += 1 if hit else 0

    for month, worker, _pathway, complete, weighed, temp, cough, counted, corrected, mins in (
            register.quality_visits(first, last, main_modules=MAIN_MODULES)):
        slot = index[month]
        visits[slot] += 1
        visits[n] += 1
        add("penilaian_lengkap", slot, bool(complete))
        add("ditimbang", slot, bool(weighed))
        add("suhu_diukur", slot, bool(temp))
        if cough:
            add("napas_dihitung", slot, bool(counted))
        add("kunjungan_dikoreksi", slot, bool(corrected))
        if mins is not None and 0 < mins <= CONSULTATION_MAX_MINUTES:
            minutes[slot].append(mins)
            minutes[n].append(mins)
            per_worker.setdefault(worker or "-", []).append(mins)
    for month, kept, over in register.quality_follow_ups(first, last, today=today):
        if kept or over:  # a follow-up still inside its grace days is not judged yet
            add("kunjungan_ulang_tepat", index[month], bool(kept))
    for month, recommended, extra in register.quality_given(first, last, antibiotics=SYSTEMIC_ANTIBIOTICS):
        if not recommended and month in index:
            add("antibiotik_tanpa_indikasi", index[month], bool(ANTIBIOTIC_WORDS.search(extra)))
    # Month by month; the period is their sum (each visit lies in one month).
    for slot, (lo, hi) in enumerate(month_bounds(months, first, last)):
        for code, c in register.treatment_agreement(lo, hi).items():
            summed = treatments.setdefault(code, dict.fromkeys(c, 0))
            for key, number in c.items():
                summed[key] += number
            for s in (slot, n):
                counts["kesesuaian_pengobatan"][s][0] += c["given"]
                counts["kesesuaian_pengobatan"][s][1] += c["given"] + c["otherwise"] + c["not_given"]
    treatments = {code: c for code, c in sorted(treatments.items()) if c["recommended"]}
    wait = register.referral_reply_days()
    for ref in register.referrals_between(first, last, today=today):
        month = str(ref["visit_at"])[:7]
        replied = ref.get("reply") is not None
        if month in index and (replied or (ref.get("days_open") or 0) >= wait):
            add("rujukan_berbalas", index[month], replied)
    stale = (_dt.datetime.combine(today, _dt.time()) - _dt.timedelta(days=DRAFT_ABANDONED_DAYS)).isoformat()
    for month, state, changed in register.quality_drafts(first, last):
        if month in index:
            add("draf_ditinggalkan", index[month],
                state == "buang" or (state == "buka" and (changed or "") < stale))

    monthly: dict[str, list[Value]] = {}
    total: dict[str, Value] = {}
    for ind in INDICATORS:
        if ind.unit == "menit":
            values = [_median(minutes[s], visits[s]) for s in range(n + 1)]
        else:
            values = [_share(*counts[ind.id][s]) for s in range(n + 1)]
        monthly[ind.id] = values[:n]
        total[ind.id] = values[n]
    workers = sorted(((w, len(m), round(statistics.median(m), 1)) for w, m in per_worker.items()),
                     key=lambda r: (-r[1], r[0]))
    return QualityReport(first=first, last=last, facility=register.facility() or {}, months=months,
                         monthly=monthly, total=total, workers=workers, treatments=treatments, made_on=today)


def fraction_text(ind: Indicator, value: Value) -> str:
    """`412/530` for a share, `n=412` for a median."""
    if ind.unit == "menit":
        return f"n={value.numerator or 0}"
    return f"{value.numerator or 0}/{value.denominator or 0}"


def better_text(ind: Indicator) -> str:
    return {"tinggi": "makin tinggi makin baik", "rendah": "makin rendah makin baik"}.get(
        ind.better or "", "tidak diperingkat")


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None], *, top: float | None = None) -> str:
    """One character per month, the height of each value against `top` (default: the largest);
    a month without a value is a dot."""
    known = [v for v in values if v is not None]
    top = top if top is not None else (max(known) if known else 0.0)
    out = []
    for v in values:
        if v is None:
            out.append("·")
        elif top <= 0:
            out.append(SPARK[0])
        else:
            out.append(SPARK[min(len(SPARK) - 1, max(0, round(v / top * (len(SPARK) - 1))))])
    return "".join(out)


def definitions_markdown() -> str:
    """The definitions table of docs/quality.md (a test checks the file holds exactly this)."""
    lines = ["| Kode | Indikator | Pembilang | Penyebut | Arah |", "|---|---|---|---|---|"]
    for ind in INDICATORS:
        better = better_text(ind)
        lines.append(f"| `{ind.id}` | {ind.label} | {ind.numerator} | {ind.denominator} | {better} |")
    return "\n".join(lines) + "\n"
