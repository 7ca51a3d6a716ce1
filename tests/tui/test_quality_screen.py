"""F9 Mutu (issue 18): kepala and peninjau see the quality indicators of 12 months with a text
sparkline; clinical staff neither see the key nor reach the screen."""
from __future__ import annotations

import pytest
from conftest import SIZE, make_app, type_keys
from textual.widgets import Static

from mtbs_tui.screens.home import HomeScreen
from mtbs_tui.screens.quality import QualityScreen

pytestmark = pytest.mark.timeout(60)


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def _computed(app, pilot) -> None:
    """Wait for the screen's worker thread (the indicators are computed off the UI thread)."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_reviewer_opens_the_indicators_and_moves_the_period(register) -> None:
    app = make_app(register, user="tinjau", offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "F9 Mutu" in str(app.screen.query_one("KeyBar").render())
        await type_keys(pilot, "f9")
        await _computed(app, pilot)
        assert isinstance(app.screen, QualityScreen)
        table = _text(app, "#quality-table")
        lines = table.splitlines()
        assert lines[0].startswith("Indikator") and "Des..Nov" in lines[0]
        assert _text(app, "#quality-period").endswith("Desember 2025 - November 2026 (12 bulan)")
        row = next(line for line in lines if line.startswith("Penilaian lengkap"))
        total = register.count_visits()
        assert f"{total}/{total}" in row and "100,0%" in row
        assert len(row.split()[-1]) == 12  # one sparkline character per month
        assert next(line for line in lines if line.startswith("Rujukan dengan balasan"))
        assert all(len(line) <= 80 for line in lines)
        assert lines[-1].startswith("Menit per konsultasi: ")
        keys = str(app.screen.query_one("KeyBar").render())
        assert "→ Bulan +1" not in keys  # the period ends this month: nothing later to show
        await type_keys(pilot, "left")
        await _computed(app, pilot)
        assert _text(app, "#quality-period").endswith("November 2025 - Oktober 2026 (12 bulan)")
        await type_keys(pilot, "pageup", "right")
        await _computed(app, pilot)
        assert "Penilaian lengkap" in _text(app, "#quality-table")
        assert _text(app, "#quality-period").endswith("Desember 2024 - November 2025 (12 bulan)")
        await type_keys(pilot, "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_clinical_staff_cannot_open_the_indicators(register) -> None:
    app = make_app(register, user="bidan.sari", offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Mutu" not in str(app.screen.query_one("KeyBar").render())
        await type_keys(pilot, "f9")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


def test_worker_minutes_keep_the_worker_name() -> None:
    import datetime as dt

    from mtbs_tui.quality import INDICATORS, QualityReport, Value
    from mtbs_tui.screens.quality import indicator_lines

    empty = {i.id: Value(None, None, None) for i in INDICATORS}
    report = QualityReport(first=dt.date(2026, 1, 1), last=dt.date(2026, 1, 31), facility={}, months=["2026-01"],
                           monthly={k: [v] for k, v in empty.items()}, total=empty,
                           workers=[("Bd. Sari", 3, 12.5)])
    assert str(indicator_lines(report)).splitlines()[-1] == "Menit per konsultasi: Bd. Sari 12,5 (n=3)"


async def test_head_writes_the_pdf_and_the_district_package_from_the_screen(register) -> None:
    from pathlib import Path

    from mtbs_tui.documents.package import load_package

    app = make_app(register, user="kepala", offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f9")
        await _computed(app, pilot)
        assert "F8 Paket kab." in str(app.screen.query_one("KeyBar").render())
        assert _text(app, "#quality-note") == (
            "Definisi: F1 · F7 PDF 12 bulan ini · F8 paket bulanan kabupaten")  # whole
        await type_keys(pilot, "f8")
        await pilot.pause()
        folder = Path(register.path).parent / "dokumen"
        note = _text(app, "#quality-note")
        assert note.startswith("Paket 2026-10 tersimpan: ") and len(note) <= 79
        package = load_package(next(folder.glob("paket-mtbs-*-2026-10.json")))
        assert package.month == "2026-10"
        await type_keys(pilot, "f7")
        await pilot.pause()
        assert _text(app, "#quality-note").startswith("PDF mutu tersimpan: ")
        pdfs = list(folder.glob("mutu-mtbs-2025-12-2026-11.pdf"))
        assert pdfs and pdfs[0].read_bytes().startswith(b"%PDF")
    actions = [r[0] for r in register.db.execute("SELECT action FROM audit WHERE action LIKE 'laporan.%'")]
    assert actions == ["laporan.kirim", "laporan.mutu"]


async def test_reviewer_prints_but_cannot_send_the_package(register) -> None:
    from pathlib import Path

    app = make_app(register, user="tinjau", offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f9")
        await pilot.pause()
        keys = str(app.screen.query_one("KeyBar").render())
        assert "F7 PDF" in keys and "Paket" not in keys
        assert "F8" not in _text(app, "#quality-note")  # the note offers no key she cannot use
        await type_keys(pilot, "f8")
        await pilot.pause()
    assert not list((Path(register.path).parent / "dokumen").glob("paket-*.json"))


async def test_keys_stay_live_while_the_indicators_are_computed(register, monkeypatch) -> None:
    """The computation runs in a worker thread on its own read-only connection: the screen says
    "Menghitung...", a period moved meanwhile interrupts the stale query at once and starts the
    new one, and Esc leaves at once (its query interrupted too). The stand-in computation is a
    query that never ends unless interrupted."""
    import sqlite3
    import threading
    import time

    from mtbs_tui.screens import quality as screen_module

    calls: list[tuple[object, object]] = []
    stopped: list[str] = []
    started = threading.Event()

    def endless(reader, first, last, *, today):
        assert reader is not register and reader.db.conn is not register.db.conn
        calls.append((first, last))
        started.set()
        try:
            reader.db.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                              "SELECT count(*) FROM c").fetchone()
        except sqlite3.OperationalError as exc:
            stopped.append(str(exc))
            raise

    monkeypatch.setattr(screen_module, "compute", endless)
    app = make_app(register, user="tinjau", offer_drafts=False)
    # While the worker's query runs the process is never idle: Pilot's idle waits would each last
    # their whole second, so the keys are typed without them (type_keys idle=False).
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f9", idle=False)
        assert isinstance(app.screen, QualityScreen)
        assert started.wait(5)
        assert _text(app, "#quality-table").startswith("Menghitung indikator...")
        started.clear()
        began = time.monotonic()
        await type_keys(pilot, "left", idle=False)
        assert _text(app, "#quality-period").endswith("November 2025 - Oktober 2026 (12 bulan)")
        assert _text(app, "#quality-table").startswith("Menghitung indikator...")
        assert started.wait(5)
        assert len(calls) == 2 and calls[1][0] < calls[0][0]
        await type_keys(pilot, "escape", idle=False)
        assert isinstance(app.screen, HomeScreen)
        await app.workers.wait_for_complete()
        assert time.monotonic() - began < 5
        assert stopped == ["interrupted", "interrupted"]
    # The register the UI uses is untouched and still writable.
    assert register.db.execute("SELECT count(*) FROM visits").fetchone()[0] > 0


async def test_f7_while_computing_prints_when_the_indicators_are_shown(register, monkeypatch) -> None:
    """F7 never computes a year on the UI thread: pressed while the worker computes, the note says
    the PDF follows, and it is written from the worker's numbers (compute runs once) as soon as
    they are shown."""
    import threading
    from pathlib import Path

    from mtbs_tui.screens import quality as screen_module

    real = screen_module.compute
    release = threading.Event()
    runs: list[object] = []

    def gated(reader, first, last, *, today):
        runs.append(first)
        assert release.wait(10)
        return real(reader, first, last, today=today)

    monkeypatch.setattr(screen_module, "compute", gated)
    monkeypatch.setattr("mtbs_tui.documents.quality.compute", lambda *a, **k: pytest.fail("computed again"))
    app = make_app(register, user="tinjau", offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f9")
        await type_keys(pilot, "f7")
        assert _text(app, "#quality-note") == "PDF mutu dibuat setelah indikator selesai dihitung..."
        release.set()
        await _computed(app, pilot)
        assert _text(app, "#quality-note").startswith("PDF mutu tersimpan: ")
    assert len(runs) == 1
    assert list((Path(register.path).parent / "dokumen").glob("mutu-mtbs-*.pdf"))
