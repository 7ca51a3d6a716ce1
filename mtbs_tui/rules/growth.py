"""WHO 2006 Child Growth Standards z-scores (BB/U, PB/U or TB/U, LK/U, BB/PB, BB/TB).

This module owns the arithmetic only: WHO's LMS formula on WHO's expanded tables
(``data/who/``, see ``data/who/PROVENANCE.md``), WHO's restricted method beyond
+/-3 SD for the weight indicators, linear interpolation of L, M and S between the
0.1 cm rows, and WHO's +/-0.7 cm lying/standing conversion.  Which table a case
reads (the 24-completed-months switch of case-format §3) is decided by the
engine, which calls :func:`weight_for_length` / :func:`weight_for_height` and
:func:`convert_length` itself.

Pure standard library; a table is read from disk the first time it is needed
and kept for the life of the process.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import cast

__all__ = [
    "AGE_MAX_DAYS",
    "HEIGHT_FROM_DAYS",
    "POSITION_CORRECTION_CM",
    "WFH_RANGE_CM",
    "WFL_RANGE_CM",
    "GrowthTableError",
    "convert_length",
    "head_circumference_for_age",
    "length_height_for_age",
    "weight_for_age",
    "weight_for_height",
    "weight_for_length",
    "weight_for_length_or_height",
]

def _find_data_dir() -> Path:
    """`data/who` of the source tree (editable install, the normal case), else the copy a wheel
    install puts under `<prefix>/share/mtbs_tui/who` (pyproject's data-files)."""
    import sys

    source = Path(__file__).resolve().parents[2] / "data" / "who"
    if source.is_dir():
        return source
    return Path(sys.prefix) / "share" / "mtbs_tui" / "who"


DATA_DIR = _find_data_dir()

AGE_MAX_DAYS = 1856
"""Last day of WHO's expanded age tables (day 0 is birth)."""

HEIGHT_FROM_DAYS = 731
"""WHO's rule: length (lying) below 731 days, height (standing) from 731 days."""

POSITION_CORRECTION_CM = 0.7
"""Standing height is on average 0.7 cm less than recumbent length (WHO 2006)."""

WFL_RANGE_CM = (45.0, 110.0)
WFH_RANGE_CM = (65.0, 120.0)

_SEX_FILE = {"L": "boys", "P": "girls"}

# A length like 64.2 + 0.7 carries float noise of ~1e-14 tenths of a cm; treat
# anything this close to a 0.1 cm row as that row so it is read, not interpolated.
_ROW_SNAP = 1e-6

_Row = tuple[float, float, float]


class GrowthTableError(RuntimeError):
    """A WHO table file is missing or does not have the expected shape."""


@dataclass(frozen=True)
class _TableSpec:
    key_column: str
    first: int  # first key, in days or in tenths of a cm
    last: int
    tenths: bool  # keys are lengths in cm with one decimal


_SPECS: dict[str, _TableSpec] = {
    "wfa": _TableSpec("day", 0, AGE_MAX_DAYS, False),
    "lhfa": _TableSpec("day", 0, AGE_MAX_DAYS, False),
    "hcfa": _TableSpec("day", 0, AGE_MAX_DAYS, False),
    "wfl": _TableSpec("length", 450, 1100, True),
    "wfh": _TableSpec("height", 650, 1200, True),
}

_cache: dict[tuple[str, str], tuple[_Row, ...]] = {}


def _load(indicator: str, sex: str) -> tuple[_Row, ...]:
    if sex not in _SEX_FILE:
        raise ValueError(f"sex must be 'L' or 'P', got {sex!r}")
    spec = _SPECS[indicator]
    path = DATA_DIR / f"{indicator}_{_SEX_FILE[sex]}.csv"
    try:
        lines = path.read_text(encoding="ascii").splitlines()
    except OSError as exc:
        raise GrowthTableError(f"WHO table {path} cannot be read: {exc}") from exc
    if not lines or lines[0] != f"{spec.key_column},l,m,s":
        raise GrowthTableError(f"{path.name}: unexpected header")
    rows: list[_Row] = []
    for number, line in enumerate(lines[1:]):
        key, l, m, s = line.split(",")
        # Keys must run without gaps, so that a row is found by position.
        found = round(float(key) * 10) if spec.tenths else int(key)
        if found != spec.first + number:
            raise GrowthTableError(f"{path.name}: row {number + 2} has key {key}")
        row = (float(l), float(m), float(s))
        if not (row[1] > 0.0 and row[2] > 0.0):
            raise GrowthTableError(f"{path.name}: row {number + 2} has M or S <= 0")
        rows.append(row)
    if spec.first + len(rows) - 1 != spec.last:
        raise GrowthTableError(f"{path.name}: {len(rows)} rows, table is incomplete")
    table = tuple(rows)
    _cache[(indicator, sex)] = table
    return table


def _rows(indicator: str, sex: str) -> tuple[_Row, ...]:
    table = _cache.get((indicator, sex))
    if table is None:
        table = _load(indicator, sex)
    return table


def _check_measure(value: float, name: str) -> None:
    # A measurement <= 0 (or NaN/inf) has no z-score; WHO's software drops it.
    # Here it is an input error: the engine validates ranges before asking.
    if not 0.0 < value < math.inf:  # one chained comparison: this is the hot path
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")


def _check_age(age_days: int) -> None:
    # Exactly int: a float age (or True) is a caller's bug, not an age to round.
    if age_days.__class__ is not int:
        raise TypeError(f"age_days must be a whole number of days (int), got {age_days!r}")


def _z(y: float, l: float, m: float, s: float) -> float:
    """WHO's LMS z-score: ((y/M)^L - 1) / (L*S), or ln(y/M)/S when L == 0."""
    if l == 0.0:
        return math.log(y / m) / s
    # "+ 0.0" turns the -0.0 of a negative L at the median into 0.0, so that a
    # screen never shows "-0.0 SD".
    return cast(float, ((y / m) ** l - 1.0) / (l * s) + 0.0)


def _sd(z: float, l: float, m: float, s: float) -> float:
    """The measurement at z-score ``z`` (inverse of :func:`_z`)."""
    if l == 0.0:
        return m * math.exp(s * z)
    return cast(float, m * (1.0 + l * s * z) ** (1.0 / l))


def _z_restricted(y: float, l: float, m: float, s: float) -> float:
    """WHO's restricted method (igrowup / anthro ``compute_zscore_adjusted``).

    Beyond +/-3 SD the LMS curve's tail is replaced by a straight line whose
    step per SD is the distance between the 2 SD and 3 SD curves, because the
    Box-Cox tail of a skewed measure such as weight stretches too far.
    """
    z = _z(y, l, m, s)
    if z > 3.0:
        sd3pos = _sd(3.0, l, m, s)
        sd23pos = sd3pos - _sd(2.0, l, m, s)
        return 3.0 + (y - sd3pos) / sd23pos
    if z < -3.0:
        sd3neg = _sd(-3.0, l, m, s)
        sd23neg = _sd(-2.0, l, m, s) - sd3neg
        return -3.0 + (y - sd3neg) / sd23neg
    return z


def _age_row(indicator: str, sex: str, age_days: int) -> _Row | None:
    _check_age(age_days)
    table = _rows(indicator, sex)
    if 0 <= age_days <= AGE_MAX_DAYS:
        return table[age_days]
    return None


def _length_row(indicator: str, sex: str, length_cm: float) -> _Row | None:
    """L, M, S at ``length_cm``, interpolated linearly between 0.1 cm rows."""
    table = _rows(indicator, sex)
    position = length_cm * 10.0 - _SPECS[indicator].first
    if not (position > -_ROW_SNAP):  # also rejects NaN
        return None
    index = int(position)
    fraction = position - index
    if fraction >= 1.0 - _ROW_SNAP:
        index += 1
        fraction = 0.0
    last = len(table) - 1
    if fraction <= _ROW_SNAP:
        return table[index] if index <= last else None
    if index + 1 > last:
        return None
    l0, m0, s0 = table[index]
    l1, m1, s1 = table[index + 1]
    return (l0 + fraction * (l1 - l0), m0 + fraction * (m1 - m0), s0 + fraction * (s1 - s0))


def weight_for_age(sex: str, age_days: int, weight_kg: float) -> float | None:
    """BB/U z-score (restricted beyond +/-3 SD); None outside days 0..1856.

    ``sex`` is "L" (laki-laki) or "P" (perempuan).
    """
    _check_measure(weight_kg, "weight_kg")
    row = _age_row("wfa", sex, age_days)
    return None if row is None else _z_restricted(weight_kg, *row)


def length_height_for_age(sex: str, age_days: int, length_cm: float) -> float | None:
    """PB/U (days 0..730) or TB/U (731..1856) z-score; None outside the table.

    WHO's table expects lying length up to day 730 and standing height from day
    731: pass a length already converted with :func:`convert_length`.
    """
    _check_measure(length_cm, "length_cm")
    row = _age_row("lhfa", sex, age_days)
    return None if row is None else _z(length_cm, *row)


def head_circumference_for_age(sex: str, age_days: int, hc_cm: float) -> float | None:
    """LK/U z-score; None outside days 0..1856."""
    _check_measure(hc_cm, "hc_cm")
    row = _age_row("hcfa", sex, age_days)
    return None if row is None else _z(hc_cm, *row)


def weight_for_length(sex: str, length_cm: float, weight_kg: float) -> float | None:
    """BB/PB z-score for a lying length of 45.0..110.0 cm; None outside it."""
    _check_measure(weight_kg, "weight_kg")
    row = _length_row("wfl", sex, length_cm)
    return None if row is None else _z_restricted(weight_kg, *row)


def weight_for_height(sex: str, height_cm: float, weight_kg: float) -> float | None:
    """BB/TB z-score for a standing height of 65.0..120.0 cm; None outside it."""
    _check_measure(weight_kg, "weight_kg")
    row = _length_row("wfh", sex, height_cm)
    return None if row is None else _z_restricted(weight_kg, *row)


def convert_length(length_cm: float, measured_standing: bool, lying_expected: bool) -> float:
    """Convert a measured length to the position the table expects.

    +0.7 cm when measured standing but lying is expected; -0.7 cm when measured
    lying but standing is expected; unchanged otherwise.
    """
    if measured_standing and lying_expected:
        converted = length_cm + POSITION_CORRECTION_CM
    elif not measured_standing and not lying_expected:
        converted = length_cm - POSITION_CORRECTION_CM
    else:
        return length_cm
    # Drop float noise (80.0 - 0.7 = 79.30000000000001) so the result prints and
    # compares as the number a health worker would write; 1e-9 cm changes nothing.
    return round(converted, 9)


def weight_for_length_or_height(
    sex: str, age_days: int, length_cm: float, weight_kg: float, measured_standing: bool
) -> float | None:
    """BB/PB or BB/TB z-score by WHO's own rule (as WHO's igrowup / anthro).

    Below 731 days: weight-for-length, after adding 0.7 cm to a standing
    measurement; from 731 days: weight-for-height, after subtracting 0.7 cm from
    a lying measurement.  None outside days 0..1856 or outside the table's
    length range (45-110 cm / 65-120 cm, after conversion).

    ``mtbs classify`` does not use this helper: it follows case-format §3 (switch
    at 24 completed months, which the engine computes) and calls
    :func:`convert_length`, :func:`weight_for_length` and
    :func:`weight_for_height` itself.
    """
    _check_age(age_days)
    _check_measure(weight_kg, "weight_kg")
    _check_measure(length_cm, "length_cm")
    if not 0 <= age_days <= AGE_MAX_DAYS:
        return None
    lying_expected = age_days < HEIGHT_FROM_DAYS
    converted = convert_length(length_cm, measured_standing, lying_expected)
    if lying_expected:
        return weight_for_length(sex, converted, weight_kg)
    return weight_for_height(sex, converted, weight_kg)
