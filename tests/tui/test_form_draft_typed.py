"""A draft keeps what was typed even when it is not a valid value yet (issue 14): a breathing
rate of 151 is kept in the draft (`typed_json`), and the resumed form shows it again in its field,
flagged invalid, listed by the summary; F10 still refuses until it is corrected."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SIZE, type_keys, until
from form_app import GatedFormApp, months_ago, open_register, press_list, screen_text

from mtbs_tui.screens.summary import SummaryScreen
from mtbs_tui.screens.visit_form import VisitFormScreen

pytestmark = pytest.mark.timeout(120)


async def test_an_invalid_breathing_rate_is_kept_in_the_draft_and_restored_flagged(tmp_path: Path) -> None:
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Siti Rahma", sex="P", birth_date=months_ago(11, 3), actor="t")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_keys(pilot, *press_list("9 enter 74 enter 36,8 enter alt+a y 1 5 1"))
        await until(pilot, lambda: reg.drafts() and reg.get_draft(reg.drafts()[0]["id"])["typed"],
                    within=VisitFormScreen.AUTOSAVE_DELAY + 0.3, what="the typed 151 is not in the draft")
        form = app.screen
        assert form.focused.key == "napas_per_menit" and form.focused.error
    [row] = reg.drafts()
    draft = reg.get_draft(row["id"])
    assert draft["typed"] == {"napas_per_menit": "151"}
    assert "napas_per_menit" not in draft["case"]["findings"]  # not a value: the case stays valid

    # Resumed (after a power cut): the 151 is back, flagged, and the summary names it.
    app2 = GatedFormApp(reg, lambda: VisitFormScreen(pid, draft_id=draft["id"]))
    async with app2.run_test(size=SIZE) as pilot:
        await pilot.pause()
        form = app2.screen
        field = next(f for s in form.sections if s.is_mounted for f in s.fields
                     if f.key == "napas_per_menit" and "echo" not in f.classes)
        assert field.text == "151" and field.error and field.value is None
        problems = form.problems()
        assert problems and problems[0].key == "napas_per_menit" and "tidak valid" in problems[0].why
        await type_keys(pilot, "f10")  # the summary refuses, naming the field
        await pilot.pause()
        assert isinstance(app2.screen, SummaryScreen)
        assert "Frekuensi napas" in screen_text(app2)
        assert reg.db.execute("SELECT count(*) FROM visits WHERE status = 'final'").fetchone()[0] == 0
        await type_keys(pilot, "escape", "tab")  # back in the form (cough), Tab to the breathing rate
        await pilot.pause()
        assert app2.screen is form and form.focused is field
        # Corrected: the draft no longer holds the typed text.
        await type_keys(pilot, *("backspace",) * 3, *press_list("52"))
        await until(pilot, lambda: reg.get_draft(draft["id"])["typed"] == {},
                    within=VisitFormScreen.AUTOSAVE_DELAY + 0.3, what="the draft still holds the typed 151")
    draft = reg.get_draft(draft["id"])
    assert draft["typed"] == {} and draft["case"]["findings"]["napas_per_menit"] == 52
