"""Register list (paged through SQL), the read-only visit view, corrections with a reason."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import SIZE, TODAY, make_app, type_keys
from textual.widgets import DataTable, Input, Static

from mtbs_tui.screens.dialogs import PeriodDialog, ReasonDialog, parse_period
from mtbs_tui.screens.register_view import PAGE_SIZE, RegisterScreen, VisitScreen

pytestmark = pytest.mark.timeout(90)


def _visit_text(app) -> str:
    return str(app.screen.query_one("#visit-text", Static).render())


async def test_register_shows_the_day_and_switches_to_the_month(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        table = screen.query_one("#register-table", DataTable)
        assert table.row_count == 3  # the draft is not in the register
        assert [r["patient_name"] for r in screen.rows] == ["Aisyah Putri", "Budi Santoso", "By. Ny. Wati"]
        assert "RUJUK" in str(table.get_row_at(2)[5])
        await type_keys(pilot, "f5")  # month
        assert screen.span == "bulan" and table.row_count == 5
        assert "November 2026 (5 kunjungan)" in str(table.border_title)
        await type_keys(pilot, "left_square_bracket")  # October: empty
        assert table.row_count == 0
        assert "Tidak ada kunjungan" in str(screen.query_one("#register-status", Static).render())
        await type_keys(pilot, "right_square_bracket", "f5", "left_square_bracket", "left_square_bracket")
        assert screen.period == (date(2026, 11, 21), date(2026, 11, 21))
        assert [r["patient_name"] for r in screen.rows] == ["Rizky Ananda"]


async def test_f3_chooses_a_day_and_refuses_a_bad_date_without_losing_it(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f4", "f3")
        await pilot.pause()
        assert isinstance(app.screen, PeriodDialog)
        field = app.screen.query_one("#period", Input)
        await type_keys(pilot, *["backspace"] * 10)
        await type_keys(pilot, *"31-11-2026")
        await type_keys(pilot, "enter")
        assert isinstance(app.screen, PeriodDialog)
        assert field.value == "31-11-2026"
        assert "tidak ada di kalender" in str(app.screen.query_one("#period-help").render())
        await type_keys(pilot, *["backspace"] * 10)
        await type_keys(pilot, *"18-11-2026", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        assert [r["patient_name"] for r in screen.rows] == ["Nur Halimah"]


def test_parse_period() -> None:
    assert parse_period("3-2-2026") == (date(2026, 2, 3), date(2026, 2, 3))
    assert parse_period("02-2024") == (date(2024, 2, 1), date(2024, 2, 29))
    assert parse_period("2026-11") == (date(2026, 11, 1), date(2026, 11, 30))
    for bad in ("13-2026", "", "kemarin", "30-02-2026"):
        with pytest.raises(ValueError):
            parse_period(bad)


async def test_register_pages_with_keyset_through_the_month(register) -> None:
    # 40 more visits on one day: three pages of PAGE_SIZE at most.
    day = TODAY - timedelta(days=1)
    pid = register.ids["budi"]
    for i in range(40):
        register.save_visit(patient_id=pid, case={"visit_date": day.isoformat(), "findings": {"diare": True}},
                            actor="t", visit_at=f"{day.isoformat()}T{8 + i // 60:02d}:{i % 60:02d}:00")
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f4", "left_square_bracket")
        screen = app.screen
        seen: list[int] = []
        pages = 0
        while True:
            pages += 1
            ids = [r["id"] for r in screen.rows]
            assert len(ids) <= PAGE_SIZE
            seen += ids
            if not screen.has_next:
                break
            await type_keys(pilot, "pagedown")
        assert pages == 3 and len(seen) == 40 == len(set(seen))
        await type_keys(pilot, "pageup")
        assert [r["id"] for r in screen.rows] == seen[PAGE_SIZE: 2 * PAGE_SIZE]
        assert "Hal. 2/3" in str(screen.query_one("#register-status", Static).render())


async def test_visit_view_reads_the_visit(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f4", "down", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, VisitScreen)
        text = _visit_text(app)
        assert "By. Ny. Wati" in text and "Bayi muda (MTBM)" in text
        assert "MERAH - RUJUK SEGERA" in text
        assert "MERAH  PNEUMONIA BERAT" in text
        assert "Rujuk segera" in text
        assert "versi 1" in text and "oleh bidan.sari" in text


async def test_correct_a_visit_asks_the_reason_and_keeps_the_old_version(register) -> None:
    from mtbs_tui.screens.visit_form import VisitFormScreen

    app = make_app(register, offer_drafts=False)
    first = register.visits_on(TODAY)[0]
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f4", "enter")
        await pilot.pause()
        assert isinstance(app.screen, VisitScreen)
        await type_keys(pilot, "f2")
        await pilot.pause()
        assert isinstance(app.screen, VisitFormScreen)
        assert app.screen.correct_visit_id == first["id"]
        await type_keys(pilot, "f9")
        await pilot.pause()
        await type_keys(pilot, "f10")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        await type_keys(pilot, "enter")  # empty reason is refused
        assert isinstance(app.screen, ReasonDialog)
        await type_keys(pilot, *"salah ketik napas", "enter")
        await pilot.pause()
        await pilot.pause()
        # Saved: the summary stays for the mother's card; Esc goes back.
        assert "Tersimpan (kunjungan" in str(app.screen.query_one("#sum-status").render())
        await type_keys(pilot, "escape")
        await pilot.pause()
        # Back on the visit view, now showing the new version.
        for _ in range(5):
            if isinstance(app.screen, VisitScreen):
                break
            await pilot.pause(0.1)
        assert isinstance(app.screen, VisitScreen)
        assert app.screen.visit["version"] == 2
        assert "alasan koreksi: salah ketik napas" in _visit_text(app)
        await type_keys(pilot, "left_square_bracket")
        assert app.screen.visit["version"] == 1 and app.screen.visit["id"] == first["id"]
        assert "sudah dikoreksi" in _visit_text(app)
        assert app.screen.check_action("correct", ()) is False  # an old version is not corrected
    rows = register.db.execute(
        "SELECT id, version, is_current, supersedes_id, correction_reason, recorded_by FROM visits "
        "WHERE visit_uid = ? ORDER BY version", [first["visit_uid"]]).fetchall()
    assert len(rows) == 2
    assert rows[0][:3] == (first["id"], 1, 0)
    assert rows[1][1:] == (2, 1, first["id"], "salah ketik napas", "bidan.sari")


async def test_escape_on_the_reason_saves_nothing(register) -> None:
    app = make_app(register, offer_drafts=False)
    before = register.db.execute("SELECT count(*) FROM visits").fetchone()[0]
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f4", "f2")  # F2 on the register list corrects the highlighted visit
        await pilot.pause()
        await type_keys(pilot, "f9")
        await pilot.pause()
        await type_keys(pilot, "f10")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        await type_keys(pilot, *"abc", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReasonDialog)
    assert register.db.execute("SELECT count(*) FROM visits").fetchone()[0] == before


async def test_a_follow_up_visit_names_the_earlier_visit(register) -> None:
    rizky = register.ids["rizky"]
    uid = register.db.execute("SELECT visit_uid FROM visits WHERE patient_id = ?", [rizky]).fetchone()[0]
    register.save_visit(patient_id=rizky, kind="ulang", follow_up_of=uid, actor="bidan.sari",
                        case={"visit_date": TODAY.isoformat(), "findings": {"batuk": True, "napas_per_menit": 40}},
                        visit_at=f"{TODAY.isoformat()}T08:11:00")
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f4", "down", "down", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, VisitScreen)
        assert "kunjungan ulang dari kunjungan 21-11-2026" in _visit_text(app)


async def test_the_day_register_draws_its_rows_in_full_when_it_opens(register) -> None:
    """F4 from the home screen: every row drawn with its columns' full width at once (the first
    paint came before the table had measured its rows: 'RM0000 Dafa HIJAU DEMA')."""
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        table = screen.query_one("#register-table", DataTable)
        # A paint between filling the table and its idle measuring (a busy old PC): the rows
        # drawn then must not stay cut once the table has measured them.
        screen.load_first()
        [table.render_line(y) for y in range(1 + table.row_count)]
        await pilot.pause()
        painted = [table.render_line(y).text for y in range(1, 1 + table.row_count)]
        for row, line in zip(screen.rows, painted):
            assert row["mrn"] in line, (row["mrn"], line)
            assert row["patient_name"][:10] in line, (row["patient_name"], line)
