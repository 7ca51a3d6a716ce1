"""Validation of a whole case file (case-format.md §2, §3, §10) and the derived ages.

``validate_case`` turns a JSON-like mapping into a ``Case`` or raises ``CaseError`` naming the
first bad field. It does not classify anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from mtbs_tui.rules.age import age_in_days, beyond_mtbs, completed_months, pathway_for_days
from mtbs_tui.rules.errors import CaseError
from mtbs_tui.rules.vocabulary import FINDINGS, TOP_LEVEL, validate_value

CHARTS = ("2022", "2015")
REQUIRED = ("visit_date", "birth_date", "findings")


@dataclass(frozen=True)
class Case:
    chart: str
    visit_date: dt.date
    birth_date: dt.date
    age_days: int
    age_months: int
    pathway: str
    values: Mapping[str, Any]  # top-level fields and findings, one mapping, absent/null removed


def check_chart(value: Any, field: str = "chart") -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in CHARTS:
        shown = f'"{value}"' if isinstance(value, str) else str(value)
        raise CaseError(field, f"nilai {shown} tidak dikenal (pilihan: 2022, 2015)")
    return value


def validate_case(case: Any, chart: str | None = None) -> Case:
    if not isinstance(case, Mapping):
        raise CaseError("berkas", "isi berkas kasus harus satu objek JSON")
    chart = check_chart(chart, "--chart")
    for key in case:
        if key != "findings" and key not in TOP_LEVEL:
            raise CaseError(str(key), "kolom tidak dikenal")
    for key in REQUIRED:
        if case.get(key) is None:
            raise CaseError(key, "wajib diisi")
    values: dict[str, Any] = {}
    for key in TOP_LEVEL:
        if key in case:
            value = validate_value(key, case[key])
            if value is not None:
                values[key] = value
    findings = case["findings"]
    if not isinstance(findings, Mapping):
        raise CaseError("findings", "harus berupa objek JSON")
    for key, value in findings.items():
        if key not in FINDINGS:
            raise CaseError(f"findings.{key}", "kunci temuan tidak dikenal")
        value = validate_value(key, value)
        if value is not None:
            values[key] = value
    visit = dt.date.fromisoformat(values["visit_date"])
    birth = dt.date.fromisoformat(values["birth_date"])
    if visit < birth:
        raise CaseError("visit_date", "tanggal kunjungan sebelum tanggal lahir")
    months = completed_months(birth, visit)
    if beyond_mtbs(months):
        raise CaseError("birth_date", "umur 5 tahun atau lebih, di luar cakupan MTBS")
    days = age_in_days(birth, visit)
    chosen = chart or values.get("chart") or "2022"
    values.pop("chart", None)
    return Case(chart=chosen, visit_date=visit, birth_date=birth, age_days=days,
                age_months=months, pathway=pathway_for_days(days), values=values)
