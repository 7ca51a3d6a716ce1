"""Fasilitas rujukan (issue 17 item 2): the head keeps the list with keys only at 80x24 (F8 Akun,
F6), every change one register call with its `faskes.*` audit entry; a refused value keeps the
dialog and its values; a clinician never reaches the screen."""
from __future__ import annotations

import pytest
from conftest import SIZE, make_app, type_keys
from form_app import screen_text
from textual.widgets import Input, Static

from mtbs_tui.screens.referral_facilities_admin import FacilityDialog, ReferralFacilitiesScreen
from mtbs_tui.screens.users_admin import UsersAdminScreen

pytestmark = pytest.mark.timeout(60)


def _rows(register) -> list[tuple]:
    return register.db.execute("SELECT id, name, kind, address, phone, active, is_default "
                               "FROM referral_facilities ORDER BY id").fetchall()


def _audit(register) -> list[tuple]:
    return register.db.execute("SELECT actor, action FROM audit WHERE action LIKE 'faskes.%' ORDER BY id").fetchall()


def _message(app) -> str:
    return str(app.screen.query_one("#faskes-message", Static).render())


async def test_head_keeps_the_list_with_keys(register) -> None:
    register.add_referral_facility(name="RSUD Wates", kind="rs", actor="kepala")
    app = make_app(register, user="kepala", offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f8")
        await pilot.pause()
        assert isinstance(app.screen, UsersAdminScreen)
        assert "F6: daftar fasilitas rujukan" in screen_text(app)
        await type_keys(pilot, "f6")
        await pilot.pause()
        assert isinstance(app.screen, ReferralFacilitiesScreen)
        text = screen_text(app)
        assert "RSUD Wates" in text and "BAWAAN" in text
        assert text.splitlines()[-1].startswith(" Esc Kembali  F2 Tambah  F4 Ubah  F3 Aktif/nonaktif  F5 Bawaan")
        assert all(len(line) <= 80 for line in text.splitlines())

        # F2: name, kind as a digit (9 is not taken), address, a bad phone: refused on the dialog,
        # the values kept; corrected, saved.
        await type_keys(pilot, "f2")
        await pilot.pause()
        assert isinstance(app.screen, FacilityDialog)
        await type_keys(pilot, *"RSIA Sadewa", "enter", "9")
        await pilot.pause()
        # The refused digit is said on the help line with the choices (it was dropped unseen).
        assert "Jenis fasilitas: ketik angka (1=RS" in str(app.screen.query_one("#fk-help", Static).render())
        await type_keys(pilot, "2", "enter", *"Jl. Babarsari", "enter", *"12ab", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FacilityDialog)
        assert "Telepon fasilitas: 8–15 angka" in str(app.screen.query_one("#fk-help", Static).render())
        assert app.screen.query_one("#fk-name", Input).value == "RSIA Sadewa"
        assert len(_rows(register)) == 1  # nothing written
        await type_keys(pilot, *["backspace"] * 4, *"0274489118", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReferralFacilitiesScreen)
        assert _rows(register)[1] == (2, "RSIA Sadewa", "rsia", "Jl. Babarsari", "0274489118", 1, 0)
        assert "Ditambahkan: RSIA Sadewa." in _message(app)

        # A second name that is already there (case ignored) is refused by the register.
        await type_keys(pilot, "f2", *"rsud wates", "enter", "1", "enter", "enter", "enter")
        await pilot.pause()
        assert "sudah dipakai" in str(app.screen.query_one("#fk-help", Static).render())
        await type_keys(pilot, "escape")
        await pilot.pause()

        # The cursor is on the new row: F5 makes it the default, F3 on the old default then works.
        await type_keys(pilot, "f5")
        await pilot.pause()
        assert "Tujuan bawaan rujukan sekarang: RSIA Sadewa." in _message(app)
        await type_keys(pilot, "f3")  # the default itself cannot be deactivated
        await pilot.pause()
        assert "adalah tujuan bawaan" in _message(app)
        await type_keys(pilot, "down", "f3")
        await pilot.pause()
        assert "RSUD Wates dinonaktifkan" in _message(app)

        # Enter edits the row under the cursor.
        await type_keys(pilot, "up", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FacilityDialog)
        await type_keys(pilot, "enter", "enter", "end", *" No. 16", "enter", "enter")  # a field starts selected
        await pilot.pause()
        assert "RSIA Sadewa diubah." in _message(app)
    assert _rows(register) == [(1, "RSUD Wates", "rs", None, None, 0, 0),
                               (2, "RSIA Sadewa", "rsia", "Jl. Babarsari No. 16", "0274489118", 1, 1)]
    assert _audit(register) == [("kepala", "faskes.tambah"), ("kepala", "faskes.tambah"),
                                ("kepala", "faskes.bawaan"), ("kepala", "faskes.nonaktifkan"),
                                ("kepala", "faskes.ubah")]


async def test_a_clinician_cannot_open_or_change_the_list(register) -> None:
    app = make_app(register, user="bidan.sari", offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f8")
        await pilot.pause()
        assert not isinstance(app.screen, UsersAdminScreen)
        # Even pushed directly, the gate refuses the keys before the screen's code runs.
        app.push_screen(ReferralFacilitiesScreen())
        await pilot.pause()
        await type_keys(pilot, "f2")
        await pilot.pause()
        assert not isinstance(app.screen, FacilityDialog)
        assert "F2" not in screen_text(app).splitlines()[-1]
    assert _rows(register) == []
