"""Mutu (F9 on Beranda; kepala and peninjau, action `quality.view`): the quality indicators of the
last 12 months, one line each with the period's value, numerator/denominator and a text sparkline
of the months (issue 18). ←/→ move the period by a month, PgUp/PgDn by a year.

The numbers are `mtbs_tui.quality.compute` (the same as `mtbs report mutu`); a month without a
denominator is a dot in the sparkline, the period without one is "-". A year of a large register
takes seconds (about 4 s for 100,000 visits), so it is computed in a worker thread on its own
read-only connection (`Register.reader`) while the screen says "Menghitung..." and keys stay live:
Esc leaves at once, moving the period stops the stale computation (`Register.interrupt`) and starts
the new one.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static
from textual.worker import Worker, get_current_worker

from mtbs_tui.display import MONTH_NAMES, month_text
from mtbs_tui.quality import INDICATORS, QualityReport, compute, fraction_text, sparkline
from mtbs_tui.rules.age import add_months, month_end
from mtbs_tui.screens.base import MtbsScreen
from mtbs_tui.widgets.chrome import KeyBar, TopBar

MONTHS_SHOWN = 12
COMPUTING_TEXT = "Menghitung indikator... (Esc kembali, ←/→ periode lain)"
LABEL_WIDTH = 29
VALUE_WIDTH = 10
FRACTION_WIDTH = 13


def shift_month(day: _dt.date, months: int) -> _dt.date:
    """The first day of the month `months` after (or before) `day`'s month."""
    return add_months(day.replace(day=1), months)


def month_span(last_month: _dt.date) -> tuple[_dt.date, _dt.date]:
    """The 12 months ending with `last_month` (its first day): first and last day."""
    first = shift_month(last_month, -(MONTHS_SHOWN - 1))
    return first, month_end(last_month)


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

    # The package for the district is the head's (as `mtbs report kirim`); printing is for every
    # role that may open this screen.
    ROLE_GATES = {"send_package": "report.monthly"}

    BINDINGS = [
        Binding("escape", "back", "Kembali", key_display="Esc", id="kembali"),
        Binding("left", "shift(-1)", "Bulan -1", key_display="←", id="bulan_sebelum"),
        Binding("right", "shift(1)", "Bulan +1", key_display="→", id="bulan_sesudah"),
        Binding("pageup", "shift(-12)", "Tahun -1", key_display="PgUp", id="tahun_sebelum"),
        Binding("pagedown", "shift(12)", "Tahun +1", key_display="PgDn", id="tahun_sesudah"),
        Binding("f7", "print_report", "PDF", key_display="F7", id="cetak_mutu"),
        # Only the head (report.monthly) sees this key: the package of the last complete month shown.
        Binding("f8", "send_package", "Paket kab.", key_display="F8", id="paket_kabupaten"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.last_month: _dt.date | None = None
        self.report: QualityReport | None = None
        self.print_pending = False  # F7 pressed while the indicators were still being computed
        # The computation running (None when the numbers shown are those of `last_month`): its
        # worker and the register reader it reads through, interrupted when it is no longer wanted.
        self.computing: Worker[None] | None = None
        self._readers: dict[Worker[None], Any] = {}

    def compose(self) -> ComposeResult:
        yield TopBar("Indikator mutu")
        yield Static("", id="quality-period", classes="help-line", markup=False)
        with Vertical(id="quality-body"):
            yield Static("", id="quality-table", markup=False)
        yield Static(self.note_text(), id="quality-note", classes="help-line", markup=False)
        yield KeyBar()

    def note_text(self) -> str:
        """One line of 80 columns; F8 only for a role that may send the package."""
        note = "Definisi: F1 · F7 PDF 12 bulan ini"
        if self.role_may("send_package"):
            note += " · F8 paket bulanan kabupaten"
        return note

    def help_details(self) -> list[tuple[str, str]]:
        """F1: each indicator's numerator and denominator (quality.INDICATORS, their one home)."""
        return [(ind.label, f"Pembilang: {ind.numerator}. Penyebut: {ind.denominator}.")
                for ind in INDICATORS]

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
        """Show the period of `last_month` and compute its indicators in a worker thread; a
        computation still running for another period is stopped."""
        assert self.last_month is not None
        today: _dt.date = self.app.today()
        first, last = month_span(self.last_month)
        self.stop_computing()
        self.report = None
        if self.print_pending:  # F7 was for the period left: not printed
            self.print_pending = False
            self.query_one("#quality-note", Static).update(self.note_text())
        fac = (self.app.register.facility() or {}).get("name") or ""
        self.query_one("#quality-period", Static).update(
            f"{fac} · {month_text(first)} - {month_text(last)} ({MONTHS_SHOWN} bulan)")
        self.query_one("#quality-table", Static).update(Text(COMPUTING_TEXT, style="bold"))
        self.computing = self.run_worker(lambda: self._compute(first, min(last, today), today), thread=True,
                                         group="mutu", exit_on_error=False)
        self.refresh_bindings()

    def _compute(self, first: _dt.date, last: _dt.date, today: _dt.date) -> None:
        """The worker: the indicators over a read-only connection of its own; the result (or the
        fault, as one line) is handed to the UI thread unless the worker was cancelled meanwhile."""
        worker = get_current_worker()
        reader = self.app.register.reader()
        self._readers[worker] = reader
        try:
            if worker.is_cancelled:
                return
            report = compute(reader, first, last, today=today)
        except Exception as exc:  # noqa: BLE001 - an interrupted query, or a fault shown as one line
            if not worker.is_cancelled:
                self.app.call_from_thread(self._show_fault, worker, exc)
            return
        finally:
            self._readers.pop(worker, None)
            reader.close()
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, worker, report)

    def _show(self, worker: Worker[None], report: QualityReport) -> None:
        if worker is not self.computing or not self.is_mounted:
            return  # a stale period's numbers
        self.computing = None
        self.report = report
        self.query_one("#quality-table", Static).update(indicator_lines(report))
        self.refresh_bindings()
        if self.print_pending:
            self.action_print_report()

    def _show_fault(self, worker: Worker[None], exc: Exception) -> None:
        if worker is not self.computing or not self.is_mounted:
            return
        self.computing = None
        if self.print_pending:
            self.print_pending = False
            self._say(False, "PDF mutu", exc)
        message = str(getattr(exc, "message", None) or exc).splitlines()[0]
        line = f"Indikator tidak dapat dihitung: {message}"
        self.query_one("#quality-table", Static).update(Text(line[:79], style="bold red"))

    def stop_computing(self) -> None:
        """Cancel the running computation and interrupt its query (its result is dropped)."""
        worker, self.computing = self.computing, None
        if worker is not None:
            worker.cancel()
        reader = self._readers.get(worker) if worker is not None else None
        if reader is not None:
            with contextlib.suppress(Exception):  # closed by the worker meanwhile
                reader.interrupt()

    def on_unmount(self) -> None:
        self.stop_computing()

    def action_shift(self, months: int) -> None:
        assert self.last_month is not None
        today: _dt.date = self.app.today()
        moved = shift_month(self.last_month, months)
        if moved > today.replace(day=1):
            return
        self.last_month = moved
        self.reload()

    def package_month(self) -> str:
        """The last complete month of the period shown (the month before, when it ends this month)."""
        assert self.last_month is not None
        today: _dt.date = self.app.today()
        month = self.last_month if self.last_month < today.replace(day=1) else shift_month(self.last_month, -1)
        return f"{month:%Y-%m}"

    def _say(self, ok: bool, what: str, result: Any) -> None:
        from mtbs_tui.screens.visit_documents import short_path

        note = self.query_one("#quality-note", Static)
        if ok:
            prefix = f"{what} tersimpan: "
            note.update(Text(prefix + short_path(result, 79 - len(prefix))))
        else:
            message = str(getattr(result, "message", None) or result).splitlines()[0]
            line = f"{what} gagal: {message}"
            note.update(Text(line if len(line) <= 79 else line[:78] + "…", style="bold red"))

    def _folder(self) -> Path:
        from mtbs_tui.screens.visit_documents import FOLDER_NAME

        folder = Path(self.app.register.path).parent / FOLDER_NAME
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def action_print_report(self) -> None:
        """F7: the PDF of the 12 months shown, into `dokumen/` beside the register, from the
        indicators the worker computed. Pressed while they are still being computed, it is
        written as soon as they are shown (the UI thread never computes a year)."""
        from mtbs_tui.documents.quality import write_report

        assert self.last_month is not None
        if self.report is None:
            self.print_pending = True
            self.query_one("#quality-note", Static).update(
                Text("PDF mutu dibuat setelah indikator selesai dihitung...", style="bold"))
            return
        self.print_pending = False
        today: _dt.date = self.app.today()
        first, last = month_span(self.last_month)
        last = min(last, today)
        try:
            target = self._folder() / f"mutu-mtbs-{first:%Y-%m}-{last:%Y-%m}.pdf"
            write_report(self.app.register, first, last, "pdf", target, actor=self.app.actor, today=today,
                         report=self.report)
        except Exception as exc:  # noqa: BLE001 - DocumentError/RegisterError carry one Indonesian line
            self._say(False, "PDF mutu", exc)
            return
        self._say(True, "PDF mutu", target)

    def action_send_package(self) -> None:
        """F8: the monthly package for the district (`mtbs report kirim`), into `dokumen/`."""
        from mtbs_tui.documents.package import default_name, write_package

        month = self.package_month()
        register = self.app.register
        try:
            target = self._folder() / default_name(register.facility() or {}, month)
            write_package(register, month, target, actor=self.app.actor, today=self.app.today())
        except Exception as exc:  # noqa: BLE001 - DocumentError/RegisterError carry one Indonesian line
            self._say(False, f"Paket {month}", exc)
            return
        self._say(True, f"Paket {month}", target)

    def action_back(self) -> None:
        self.stop_computing()
        self.dismiss(None)
