"""The second tier of input checking (shared/reference/reliability.md, "Plausible input").

The vocabulary rejects the impossible (outside its range). Values inside the range that are
still unlikely are accepted only after the worker confirms them; a rejected value that looks like
a unit mistake (MUAC typed in mm, weight in grams) gets a hint. Pure Python: no Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Plausible:
    low: float | None
    high: float | None


# Proposed by reliability.md (a clinician should review); the chart's UI ranges (mtbs-chart.md
# §3.0) for the measurements the vocabulary accepts more widely.
PLAUSIBLE: dict[str, Plausible] = {
    "temperature_c": Plausible(34.0, 41.5),
    "napas_per_menit": Plausible(15, 100),
    "napas_per_menit_ulang": Plausible(15, 100),
    "weight_kg": Plausible(1.0, 30.0),
    "length_cm": Plausible(45.0, 120.0),
    "head_circumference_cm": Plausible(30.0, 56.0),
    "spo2": Plausible(70, None),
    "spo2_tangan_kanan": Plausible(70, None),
    "spo2_kaki": Plausible(70, None),
}


# Decimals the instrument reads (thermometer, length board, tapes: tenths): a value typed with
# them is complete, so the form moves on without Enter. Weight is left out (infant scales read
# 0,01 kg). Numbers without a decimal are complete when one more digit leaves the range.
TYPED_DECIMALS: dict[str, int] = {
    "temperature_c": 1,
    "length_cm": 1,
    "muac_cm": 1,
    "head_circumference_cm": 1,
}


def fmt(value: float | int) -> str:
    """A number the Indonesian way: decimal comma, no trailing zeros beyond one decimal."""
    if isinstance(value, int):
        return str(value)
    text = f"{value:.1f}" if abs(value - round(value, 1)) < 1e-9 else f"{value:g}"
    return text.replace(".", ",")


# Weight far outside the WHO range for the child's age and sex: WHO's flags for biologically
# implausible weight-for-age (WHO/UNICEF 2019, "Recommendations for data collection, analysis and
# reporting on anthropometric indicators in children under 5 years old", Table 4: WAZ < -6 or
# > +5), on the growth tables of mtbs_tui.rules.growth.
WEIGHT_FOR_AGE_FLAG_Z = (-6.0, 5.0)


def implausible(key: str, value: float | int | None, *, age_days: int | None = None,
                sex: str | None = None) -> str | None:
    """An Indonesian warning when ``value`` is possible but unlikely, else None. With the child's
    age (days) and sex, a weight is also checked against the WHO weight-for-age range."""
    if value is None:
        return None
    p = PLAUSIBLE.get(key)
    if p is not None and p.low is not None and value < p.low:
        return f"nilai {fmt(value)} tidak lazim (di bawah {fmt(p.low)})"
    if p is not None and p.high is not None and value > p.high:
        return f"nilai {fmt(value)} tidak lazim (di atas {fmt(p.high)})"
    if key == "weight_kg" and age_days is not None and sex in ("L", "P"):
        return _weight_for_age_warning(float(value), age_days, sex)
    return None


def _weight_for_age_warning(weight: float, age_days: int, sex: str) -> str | None:
    from mtbs_tui.rules.growth import GrowthTableError, weight_for_age

    try:
        z = weight_for_age(sex, age_days, weight)
    except (GrowthTableError, ValueError):  # no table for this age, or a weight it cannot read
        return None
    low, high = WEIGHT_FOR_AGE_FLAG_Z
    if z is None or low <= z <= high:
        return None
    side = "kecil" if z < low else "besar"
    return (f"{fmt(weight)} kg terlalu {side} untuk umur ini "
            f"(BB/U {fmt(round(z, 1))} SD; batas WHO {fmt(int(low))} s.d. +{fmt(int(high))})")


def unit_hint(key: str, text: str) -> str | None:
    """For a rejected number that looks like a unit slip, what the worker probably meant."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    typed = text.strip()
    if key == "muac_cm" and 60 <= value <= 250:
        return f"mungkin dalam mm: {typed} mm = {fmt(value / 10)} cm"
    if key == "weight_kg" and 500 <= value <= 40000:
        return f"mungkin dalam gram: {typed} g = {fmt(value / 1000)} kg"
    if key == "temperature_c" and 300 <= value <= 430:
        return f"mungkin maksudnya {fmt(value / 10)} °C"
    if key in ("length_cm", "head_circumference_cm") and 0.3 <= value <= 1.3:
        return f"mungkin dalam meter: {typed} m = {fmt(value * 100)} cm"
    return None
