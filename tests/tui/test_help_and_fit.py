"""F1 help on every screen, End in the register, and every shell screen at 80x24 with nothing cut
where it matters (issue 14 items 6 and 7): the footer's keys, the clock in the header, the
register's and the search list's columns."""
from __future__ import annotations

import pytest
from conftest import SIZE, make_app, type_keys
from textual.widgets import DataTable, Static

from mtbs_tui.screens.help import HelpScreen
from mtbs_tui.screens.patients import NewPatientScreen, PatientScreen, PatientSearchScreen
from mtbs_tui.screens.register_view import PAGE_SIZE, RegisterScreen, VisitScreen
from mtbs_tui.widgets.chrome import KeyBar, TopBar

pytestmark = pytest.mark.timeout(120)

# (keys from the home screen, screen class, words the help must show)
SCREENS = [
    ([], "HomeScreen", ["Bantuan: Beranda", "F3", "Cari", "Kunj. ulang"]),
    (["f3"], PatientSearchScreen, ["Bantuan: Cari pasien", "301", "F2", "Pasien baru"]),
    (["f3", "f2"], NewPatientScreen, ["Bantuan: Data pasien", "F10", "Simpan", "^R", "Kosongkan"]),
    (["f3", *"aisyah", "enter"], PatientScreen, ["Bantuan: Pasien", "F4", "Ubah data", "F7", "Kartu ibu"]),
    (["f4"], RegisterScreen, ["Bantuan: Register", "End", "Baris terakhir", "[", "Periode sebelum"]),
    (["f4", "enter"], VisitScreen, ["Bantuan: Kunjungan", "F2", "Koreksi", "Esc", "Kembali"]),
]


def _text(widget) -> str:
    return str(widget.render())


def _footer_fits(app) -> str:
    footer = _text(app.screen.query_one(KeyBar)).rstrip()
    assert len(footer) <= SIZE[0], footer
    return footer


@pytest.mark.parametrize(("keys", "screen", "words"), SCREENS, ids=lambda v: getattr(v, "__name__", None))
async def test_f1_lists_the_keys_of_every_screen(register, keys, screen, words) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_keys(pilot, *keys)
        await pilot.pause()
        below = app.screen
        name = screen if isinstance(screen, str) else screen.__name__
        assert type(below).__name__ == name
        footer = _footer_fits(app)
        assert footer.endswith("F1 Bantuan")
        await type_keys(pilot, "f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = " ".join(_text(s) for s in app.screen.query(Static))
        for word in words:
            assert word in help_text, word
        assert "Cursor" not in help_text  # Textual's own English key names are not listed
        await type_keys(pilot, "escape")
        await pilot.pause()
        assert app.screen is below


async def test_the_header_keeps_the_clock_with_a_long_puskesmas_name(register) -> None:
    register.set_facility(name="Puskesmas Sukamaju Kecamatan Kupang Tengah Kabupaten Kupang", actor="t")
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f3")
        await pilot.pause()
        top = _text(app.screen.query_one(TopBar))
        assert len(top.rstrip()) <= SIZE[0] and top.rstrip().endswith("23-11-2026 08:12")
        assert "bidan.sari" in top and "Puskesmas Sukamaju" in top and "…" in top
        assert "   bidan.sari" in top  # the user apart from the screen's name


async def test_the_header_keeps_the_screen_name_apart_from_the_user(register) -> None:
    """'· Cari pasien bidan' read as one phrase: at least three spaces, the day name gives way."""
    register.set_facility(name="Puskesmas Sukamaju (DEMO)", actor="t")
    app = make_app(register, user="kepala", offer_drafts=False)  # 6 letters: the gap was 1
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f3")
        await pilot.pause()
        top = _text(app.screen.query_one(TopBar)).rstrip()
        assert "· Cari pasien   " in top and top.endswith("kepala 23-11-2026 08:12") and len(top) <= 80


def _table_fits(table: DataTable) -> None:
    # No column pushed past the border: the table never scrolls sideways.
    assert table.virtual_size.width <= table.scrollable_content_region.width, (
        table.virtual_size.width, table.scrollable_content_region.width)


async def test_the_register_fits_and_end_goes_to_the_last_row(register) -> None:
    for n in range(PAGE_SIZE + 3):  # a second page today
        register.save_visit(patient_id=register.ids["rizky"], case={
            "visit_date": "2026-11-23", "birth_date": "2026-03-20", "weight_kg": 7.0,
            "findings": {"batuk": True}}, actor="bidan.sari", visit_at=f"2026-11-23T09:{n:02d}:00")
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f4")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#register-table", DataTable)
        _table_fits(table)
        assert "Ulang" in str(table.columns[list(table.columns)[-1]].label)
        _footer_fits(app)
        await type_keys(pilot, "end")
        await pilot.pause()
        assert table.scroll_x == 0  # not sideways
        assert screen.rows[table.cursor_row]["visit_at"] == max(r["visit_at"] for r in register.visits_on(
            screen.shown_day) if r["status"] == "final")
        assert not screen.has_next and "Hal. 2/2" in _text(screen.query_one("#register-status", Static))
        await type_keys(pilot, "home")
        await pilot.pause()
        assert screen.page == 0 and table.cursor_row == 0
        await type_keys(pilot, "f5")  # the month: wider time column, still inside
        await pilot.pause()
        _table_fits(table)


async def test_the_search_list_fits_and_shows_the_chosen_row_in_full(register) -> None:
    register.add_patient(name="Veronika Aisyah Siregar Putri", sex="P", birth_date="2025-01-02",
                         parent_name="Susanti Kurniawati Rahmawati", village="Nunkurus Barat Daya",
                         actor="t", allow_duplicate=True)
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f3", *"veronika")
        await pilot.pause()
        table = app.screen.query_one("#search-results", DataTable)
        _table_fits(table)
        row = [str(c) for c in table.get_row_at(0)]
        assert row[1].endswith("…") and row[4].endswith("…")
        await type_keys(pilot, "down")
        await pilot.pause()
        line = _text(app.screen.query_one("#search-status", Static))
        assert "ibu Susanti Kurniawati Rahmawati" in line and "desa Nunkurus Barat Daya" in line
        assert len(line.rstrip()) <= SIZE[0]


async def test_end_and_home_on_the_search_list_move_the_row_not_the_view(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f3")
        await pilot.pause()
        table = app.screen.query_one("#search-results", DataTable)
        assert table.row_count == 5
        await type_keys(pilot, "down", "end")
        await pilot.pause()
        assert table.cursor_row == 4 and table.scroll_x == 0
        await type_keys(pilot, "home")
        assert table.cursor_row == 0


async def test_f1_in_the_visit_form_lists_the_answer_keys_and_the_sections(register) -> None:
    from mtbs_tui.screens.visit_form import VisitFormScreen

    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.start_visit(register.ids["budi"])
        await pilot.pause()
        assert isinstance(app.screen, VisitFormScreen)
        await type_keys(pilot, "f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = " ".join(_text(s) for s in app.screen.query(Static))
        for word in ("y / t", "Spasi", "Alt+1…Alt+0", "bagian 1–10", "Alt+huruf", "F9", "F10",
                     "F7 / F8", "^Q"):
            assert word in help_text, word
        # Sections are numbered from 1: no "Bagian 0"; ^C is not listed beside ^Q; one line for
        # the 26 Alt+letter keys.
        assert "Bagian 0" not in help_text and "^c" not in help_text.lower()
        assert "^Q  Keluar" in help_text
        # Every line inside the box; a long one goes on under its own text.
        keys = _text(app.screen.query_one("#help-key-list", Static)).splitlines()
        assert all(len(line) <= 70 for line in keys), keys
        col = next(line for line in keys if "Ke bagian 1" in line).index("  Ke bagian 1")
        assert all(line[col:col + 2] == "  " and line[col + 2] != " " for line in keys if line), keys
        assert "alt+a" not in help_text and "alt+0" not in help_text
