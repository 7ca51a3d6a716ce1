"""Pasted text waits for a screen change like a typed key (keygate.py): a weight pasted (the
terminal's bracketed paste) right after the Enter that opens the visit form lands in the form's
first question, in order with the keys around it, never in the search box being left."""
from __future__ import annotations

from conftest import SIZE, key_event, keys_handled, make_app
from textual import events

from mtbs_tui.screens.visit_form import VisitFormScreen


async def test_a_weight_pasted_while_the_visit_form_opens_lands_in_the_form(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in ["f2", *"budi", "enter"]:
            app._driver.send_message(key_event(key))
        app._driver.send_message(events.Paste("12,5"))
        app._driver.send_message(key_event("enter"))
        await keys_handled(pilot)
        form = app.screen
        assert isinstance(form, VisitFormScreen) and form.patient_id == register.ids["budi"]
        assert form.values.top.get("weight_kg") == 12.5
        assert form.focused.key == "length_cm"
        # Pasted into a number box: a letter marks the box as a typed one does, the digits before
        # it are kept; nothing pasted disappears without a word.
        app._driver.send_message(events.Paste("8x5"))
        await keys_handled(pilot)
        field = form.focused
        assert field.key == "length_cm" and field.text == "8"
        assert field.error == "Panjang/tinggi badan (PB/TB): hanya angka (contoh 37,5)", field.error
        # A one-key question (ya/tidak) takes no pasted text and says so.
        await form.jump_to("tidak_bisa_minum")
        await pilot.pause()
        assert form.focused.key == "tidak_bisa_minum"
        app._driver.send_message(events.Paste("tidak"))
        await keys_handled(pilot)
        assert form.focused.value is None
        assert form.focused.help_text.endswith("tempelan tidak dipakai; jawab dengan tombol")
