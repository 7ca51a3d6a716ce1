"""No typed key is lost across a screen change (issue 14 item 4).

A whole new visit (Beranda F2, the name, Enter to register, sex and birth date, F10 to the visit
form, every section, F10 to save) is typed twice: once key by key (each key handled before the
next), once as one burst with no gap at all (every key posted to the app before the first is
handled, as tmux send-keys or a slow PC catching up does). Both must save the same visit.
"""
from __future__ import annotations

import asyncio
import time

from conftest import SIZE, key_event, keys_handled, make_app
from form_app import standard_visit_keys

from mtbs_tui.screens.summary import SummaryScreen

NAME = "Sinta Dewi"
# Beranda F2 -> Kunjungan baru (search); the name matches nobody: Enter -> Pasien baru with the
# name filled in; P, the birth date (11 months on the app's day), F10 -> the visit form.
REGISTRATION = ["f2", *NAME, "enter", "p", *"20122025", "f10"]
def saved_visit(register) -> dict | None:
    row = register.db.execute(
        "SELECT v.id FROM visits v JOIN patients p ON p.id = v.patient_id "
        "WHERE p.name = ? AND v.status = 'final'", [NAME]).fetchone()
    if row is None:
        return None
    visit = register.get_visit(row[0])
    return {"case": visit["case"], "classifications": [c["code"] for c in visit["classifications"]],
            "patient": {k: visit["patient"][k] for k in ("name", "sex", "birth_date")}
            if isinstance(visit.get("patient"), dict) else None}


async def type_visit(register, *, burst: bool) -> tuple[dict | None, float]:
    app = make_app(register, offer_drafts=False)
    keys = [*REGISTRATION, *standard_visit_keys(save=True)]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        start = time.perf_counter()
        if burst:
            for key in keys:  # all posted before the app handles the first one
                app._driver.send_message(key_event(key))
            for _ in range(400):
                await asyncio.sleep(0.05)
                if isinstance(app.screen, SummaryScreen) and saved_visit(register):
                    break
        else:
            for key in keys:
                await pilot.press(key)
        seconds = time.perf_counter() - start
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen), type(app.screen).__name__
    return saved_visit(register), seconds


async def test_a_whole_visit_typed_in_one_burst_saves_what_slow_typing_saves(tmp_path) -> None:
    from conftest import build_register

    slow_reg = build_register(tmp_path / "slow.db")
    burst_reg = build_register(tmp_path / "burst.db")
    slow, slow_s = await type_visit(slow_reg, burst=False)
    burst, burst_s = await type_visit(burst_reg, burst=True)
    print(f"slow {slow_s:.2f}s burst {burst_s:.2f}s")
    assert slow is not None and slow["case"]["findings"]["napas_per_menit"] == 52
    assert "PNEUMONIA" in slow["classifications"]
    assert burst == slow
    slow_reg.close()
    burst_reg.close()


async def test_registering_from_f2_says_saved_on_the_form_help_line_not_in_a_toast(register) -> None:
    """After Pasien baru -> F10 the visit form opens; 'Pasien ... tersimpan.' is on its help line
    (no toast over the classification panel or the help line) until the focus moves on."""
    from form_app import screen_text

    from mtbs_tui.screens.visit_form import VisitFormScreen

    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        for key in REGISTRATION:
            await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, VisitFormScreen)
        assert list(app._notifications) == []
        lines = screen_text(app).splitlines()
        assert lines[22].strip() == f"Pasien {NAME} tersimpan.", lines[22]
        await pilot.press("9", "enter")  # the next question has its own help again
        await pilot.pause()
        assert "tersimpan" not in screen_text(app).splitlines()[22]


async def test_a_key_is_never_held_for_ever(register, monkeypatch) -> None:
    """A widget that never settles must not freeze the keyboard: after KEY_HOLD_LIMIT each key is
    delivered anyway, still in order."""
    from textual.widgets import Input

    from mtbs_tui import keygate
    from mtbs_tui.screens.patients import PatientSearchScreen

    monkeypatch.setattr(keygate, "KEY_HOLD_LIMIT", 0.05)
    monkeypatch.setattr(keygate.KeyGate, "keys_settled", lambda self: False)
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in ("f3", "b", "u", "d"):
            app._driver.send_message(key_event(key))
        await keys_handled(pilot)
        assert isinstance(app.screen, PatientSearchScreen)
        assert app.screen.query_one("#search", Input).value == "bud"


async def test_escape_and_the_dialog_answer_in_one_burst(register) -> None:
    """Esc on the form opens the leave dialog; the 'y' typed right after answers the dialog (the
    draft is kept and the form closes), it is never an answer in the form behind it."""
    from mtbs_tui.screens.home import HomeScreen

    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.start_visit(register.ids["aisyah"])
        await pilot.pause()
        for key in ("9", "enter", "escape", "y"):
            app._driver.send_message(key_event(key))
        await keys_handled(pilot)
        assert isinstance(app.screen, HomeScreen)
    drafts = [register.get_draft(r["id"]) for r in register.drafts()
              if r["patient_id"] == register.ids["aisyah"]]
    assert [d["case"].get("weight_kg") for d in drafts] == [9.0]


async def test_an_existing_patient_found_and_weighed_in_one_burst(register) -> None:
    """F2, part of a name, Enter (the first match opens the visit form) and the weight typed at
    once: the weight lands in the form's first question, not in the search box."""
    from mtbs_tui.screens.visit_form import VisitFormScreen

    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in ["f2", *"budi", "enter", "1", "2", ",", "5", "enter"]:
            app._driver.send_message(key_event(key))
        await keys_handled(pilot)
        form = app.screen
        assert isinstance(form, VisitFormScreen) and form.patient_id == register.ids["budi"]
        assert form.values.top.get("weight_kg") == 12.5
        assert form.focused.key == "length_cm"
