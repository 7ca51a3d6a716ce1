"""The practice's classification step is not skipped by one F10 too many (tmux 80x24: F5 in the
last section ended the form, the trainee's F10 "selesai menilai" then passed her classification
step with nothing chosen, without a word, and the case scored Klasifikasi 0 %)."""
from __future__ import annotations

import html
from pathlib import Path

from conftest import type_keys

from mtbs_tui.latihan.store import PracticeStore
from mtbs_tui.screens.latihan import ClassifyScreen, PracticeApp, TreatScreen


def _shown(app) -> str:
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


async def test_f10_with_no_classification_asks_once(tmp_path: Path) -> None:
    store = PracticeStore.open(tmp_path / "latihan.db", create=True)
    app = PracticeApp(store, "Sari")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_keys(pilot, "enter", "enter", "f10", "y")  # story, form, finish unassessed
        await pilot.pause()
        classify = app.screen
        assert isinstance(classify, ClassifyScreen)
        await type_keys(pilot, "f10")
        await pilot.pause()
        assert app.screen is classify
        assert ClassifyScreen.NONE_CHOSEN in _shown(app) and len(ClassifyScreen.NONE_CHOSEN) <= 80
        await type_keys(pilot, "f10")  # said once: a second F10 goes on without one
        await pilot.pause()
        assert isinstance(app.screen, TreatScreen)
        await type_keys(pilot, "escape")
        await pilot.pause()
        classify = app.screen
        assert isinstance(classify, ClassifyScreen)
        await type_keys(pilot, "1", "f10")  # one chosen: no question
        await pilot.pause()
        assert isinstance(app.screen, TreatScreen)
    store.close()


async def test_the_story_s_chart_and_malaria_area_are_passed_over(tmp_path: Path) -> None:
    """As the facility's own values in the visit form: the last measurement's Enter goes on to the
    danger signs (it stopped on the malaria area, then on the chart version)."""
    from form_app import press_list

    from mtbs_tui.screens.latihan import PracticeFormScreen

    store = PracticeStore.open(tmp_path / "latihan.db", create=True)
    app = PracticeApp(store, "Sari")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_keys(pilot, "enter", "enter")  # the first case's story, then the form
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PracticeFormScreen)
        assert {"chart", "malaria_area"} <= form.implied
        await type_keys(pilot, *press_list("9,1 enter 72,5 enter 36,8 enter 14 enter 45 enter"))
        await pilot.pause()
        assert form.focused.key == "tidak_bisa_minum", form.focused.key
    store.close()


async def test_f5_in_the_danger_signs_says_why_in_the_practice_app(tmp_path: Path) -> None:
    """The shell's hook for a key that does nothing was the app's: `mtbs latihan` (its own app)
    stayed silent on F5 in the danger signs; the screen says it now."""
    from form_app import press_list, screen_text

    store = PracticeStore.open(tmp_path / "latihan.db", create=True)
    app = PracticeApp(store, "Sari")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_keys(pilot, "enter", "enter")
        await pilot.pause()
        await type_keys(pilot, *press_list("9,1 enter 72,5 enter 36,8 enter 14 enter 45 enter"), "f5")
        await pilot.pause()
        assert "Tanda bahaya dinilai satu per satu" in screen_text(app).splitlines()[-2]
    store.close()
