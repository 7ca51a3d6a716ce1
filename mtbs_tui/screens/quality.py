"""Mutu (F9 on Beranda; kepala and peninjau, action `quality.view`): the quality indicators of the
last 12 months, one line each with the period's value, numerator/denominator and a text sparkline
of the months (issue 18). ←/→ move the period by a month, PgUp/PgDn by a year.

The numbers are `mtbs_tui.quality.compute` (the same as `mtbs report mutu`); a month without a
denominator is a dot in the sparkline, the period without one is "-".
"""
from __future__ import annotations

import datetime as _dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from mtbs_tui.display import MONTH_NAMES, month_text
from mtbs_tui.quality import INDICATORS, QualityReport, compute, fraction_text, sparkline
from mtbs_tui.screens.base import MtbsScreen
from mtbs_tui.widgets.chrome import KeyBar, TopBar

MONTHS_SHOWN = 12
LABEL_WIDTH = 29
VALUE_WIDTH = 10
FRACTION_WIDTH = 13


def shift_month(day: _dt.date, months: int) -> _dt.date:
    """The first day of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return _dt.date(index // 12, index % 12 + 1, 1)


def month_span(last_month: _dt.date) -> tuple[_dt.date, _dt.date]:
    """The 12 months ending with `last_month` (its first day): first and last day."""
    first = shift_month(last_month, -(MONTHS_SHOWN - 1))
    return first, shift_month(last_month, 1) - _dt.timedelta(days=1)


def indicator_lines(report: QualityReport) -> Text:
    """The table: one line per indicator, then the median minutes per worker."""
    out = Text()
    out.append(f"{'Indikator':<{LABEL_WIDTH}} {'Periode':>{VALUE_WIDTH}} {'Jumlah':>{FRACTION_WIDTH}}  "
               f"{MONTH_NAMES[report.first.month - 1][:3]}..{MONTH_NAMES[report.last.month - 1][:3]}\n", style="bold")
    for ind in INDICATORS:
        value = report.total[ind.id]
        label = ind.label[:LABEL_WIDTH]
        values = [v.value for v in report.monthly[ind.id]]
        spark = sparkline(values, top=100.0 if ind.unit == "%" else None)
        out.append(f"{label:<{LABEL_WIDTH}} {value.text(ind.unit):>{VALUE_WIDTH}} "
                   f"{fraction_text(ind, value):>{FRACTION_WIDTH}}  ")
        out.append(spark + "\n", style="bold")
    if report.workers:
        parts = [f"{w} " + f"{m:.1f}".replace(".", ",") + f" (n={n})" for w, n, m in report.workers]
        out.append("Menit per konsultasi: " + " · ".join(parts), style="dim")
    else:
        out.append("Menit per konsultasi: belum ada kunjungan yang disimpan dari draf.", style="dim")
    return out


class QualityScreen(MtbsScreen[None]):
    """Indikator mutu."""

    BINDINGS = [
        Binding("escape", "back", "Kembali", key_display="Esc", id="kembali"),
        Binding("left", "shift(-1)", "Bulan -1", key_display="←", id="bulan_sebelum"),
        Binding("right", "shift(1)", "Bulan +1", key_display="→", id="bulan_sesudah"),
        Binding("pageup", "shift(-12)", "Tahun -1", key_display="PgUp", id="tahun_sebelum"),
        Binding("pagedown", "shift(12)", "Tahun +1", key_display="PgDn", id="tahun_sesudah"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.last_month: _dt.date | None = None
        self.report: QualityReport | None = None

    def compose(self) -> ComposeResult:
        yield TopBar("Indikator mutu")
        yield Static("", id="quality-period", classes="help-line", markup=False)
        with Vertical(id="quality-body"):
            yield Static("", id="quality-table", markup=False)
        yield Static("Definisi: docs/quality.md · cetak: mtbs report mutu --from --to", classes="help-line",
                     markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        today: _dt.date = self.app.today()
        self.last_month = today.replace(day=1)
        self.reload()

    def check_screen_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "shift" and parameters and self.last_month is not None:
            today: _dt.date = self.app.today()
            moved = shift_month(self.last_month, int(str(parameters[0])))
            return moved <= today.replace(day=1)
        return True

    def reload(self) -> None:
        assert self.last_month is not None
        today: _dt.date = self.app.today()
        first, last = month_span(self.last_month)
        self.report = compute(self.app.register, first, min(last, today), today=today)
        fac = self.report.facility.get("name") or ""
        self.query_one("#quality-period", Static).update(
            f"{fac} · {month_text(first)} - {month_text(last)} ({MONTHS_SHOWN} bulan)")
        self.query_one("#quality-table", Static).update(indicator_lines(self.report))
        self.refresh_bindings()

    def action_shift(self, months: int) -> None:
        assert self.last_month is not None
        today: _dt.date = self.app.today()
        moved = shift_month(self.last_month, months)
        if moved > today.replace(day=1):
            return
        self.last_month = moved
        self.reload()

    def action_back(self) -> None:
        self.dismiss(None)
