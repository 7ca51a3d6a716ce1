"""Pasting a NIK as Kartu Keluarga prints it ('5301 0123 4567 0001') into the new-patient form:
in tmux at 80x24 the whole paste was refused without a word (the field took digits only) and a
letter typed or pasted in a NIK or the sex field only rang. Now the spaces are kept (check_field
drops them) and a refused character is said on the help line."""
from __future__ import annotations

import pytest
from conftest import SIZE, make_app, type_keys
from textual import events
from textual.widgets import Input, Static

from mtbs_tui.screens.patients import NewPatientScreen

pytestmark = pytest.mark.timeout(60)


def _help(app) -> str:
    return str(app.screen.query_one("#help", Static).render())


async def test_a_pasted_nik_with_spaces_is_kept_and_letters_are_said(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(NewPatientScreen())
        await pilot.pause()
        screen = app.screen
        await type_keys(pilot, *"Uji Tempel", "enter", "l", *"28-02-2025", "enter", "enter")
        await pilot.pause()
        nik = screen.query_one("#f-nik", Input)
        assert screen.focused is nik
        nik.post_message(events.Paste("5301 0123 4567 0001"))
        await pilot.pause()
        assert nik.value == "5301 0123 4567 0001"
        await type_keys(pilot, "x")
        await pilot.pause()
        assert nik.value == "5301 0123 4567 0001"
        assert "NIK anak: hanya angka" in _help(app)
        await type_keys(pilot, "enter")
        await pilot.pause()
        mother = screen.query_one("#f-mother_nik", Input)
        assert screen.focused is mother
        mother.post_message(events.Paste("abc"))
        await pilot.pause()
        assert mother.value == "" and "NIK ibu: hanya angka" in _help(app)
        await type_keys(pilot, "f10")
        await pilot.pause()
        row = register.db.execute("SELECT nik FROM patients WHERE name = 'Uji Tempel'").fetchone()
        assert row is not None and row[0] == "5301012345670001"


async def test_a_wrong_letter_in_the_sex_field_is_said(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(NewPatientScreen())
        await pilot.pause()
        await type_keys(pilot, *"Uji", "enter", "x")
        await pilot.pause()
        assert "Jenis kelamin: ketik L (laki-laki) atau P (perempuan)" in _help(app)
        assert app.screen.query_one("#f-sex", Input).value == ""
