"""Kalakarya practice in the TUI (issue 19 item 3), driven with keys through the real screens: the
story, the visit form without its live panel, the trainee's classifications and treatments, the
result side by side. The assessment is put into the form's values directly (the form's own key
tests cover typing); everything after it is typed."""

from __future__ import annotations

from pathlib import Path

from mtbs_tui.latihan import library, scoring
from mtbs_tui.latihan.store import PracticeStore
from mtbs_tui.screens.latihan import (
    ClassifyScreen,
    PracticeApp,
    PracticeFormScreen,
    ResultScreen,
    StoryScreen,
    TreatScreen,
)
from mtbs_tui.widgets.panel import ClassificationPanel

SIZE = (80, 24)
CASE = library.by_id("b22-01-pneumonia")


def _record(form: PracticeFormScreen, case: dict) -> None:
    """What a nurse who assessed exactly as the story says has on the form."""
    for key, value in case.items():
        if key not in ("findings", "visit_date", "birth_date", "sex"):
            form.values.top[key] = value
    form.values.findings.update(case["findings"])


async def _classify(pilot, screen: ClassifyScreen, codes: list[str]) -> None:
    for i, choices in enumerate(screen.choices):
        picked = [c for c in codes if c in choices]
        assert screen.index == i
        if screen.modules[i].id in screen.multi:
            for code in picked:
                await pilot.press(str(choices.index(code) + 1))
            await pilot.press("down")
        else:
            await pilot.press(str(choices.index(picked[0]) + 1) if picked else "0")


async def _treat(pilot, screen: TreatScreen, treatments: dict, follow_up: int | None) -> None:
    await pilot.press(str(screen.days.index(follow_up) + 1) if follow_up is not None else "0")
    for code in screen.codes:
        await pilot.press("down")
        if code in treatments:
            await pilot.press("space")
            options = screen.doses(code)
            if len(options) >= 2:
                await pilot.press(str(options.index(treatments[code]) + 1))


async def _run_case(tmp_path: Path, *, wrong_classification: bool = False, wrong_dose: bool = False):
    store = PracticeStore.open(tmp_path / "latihan.db", create=True)
    app = PracticeApp(store, "Sari")
    right = scoring.correct_answer(CASE.case)
    codes = [("PNEUMONIA_BERAT" if c == "PNEUMONIA" and wrong_classification else c) for c in right.classifications]
    treatments = dict(right.treatments)
    if wrong_dose:
        treatments["AMOKSISILIN"] = next(d for d in scoring.dose_choices(CASE.case, "AMOKSISILIN")
                                         if d != right.treatments["AMOKSISILIN"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the first case of the list: b22-01-pneumonia
        await pilot.pause()
        assert isinstance(app.screen, StoryScreen) and app.screen.attempt.case.id == CASE.id
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PracticeFormScreen)
        assert form.query_one(ClassificationPanel).display is False  # the live classification is hidden
        _record(form, CASE.case)
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, ClassifyScreen)
        await _classify(pilot, app.screen, codes)
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, TreatScreen)
        await _treat(pilot, app.screen, treatments, right.follow_up_days)
        await pilot.press("f10")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ResultScreen)
        text = " ".join(str(w.render()) for w in screen.query("Static"))
        title = screen.query_one(".practice-title").text
        attempts = store.attempts("Sari")
    store.close()
    return screen.result, text, title, attempts


async def test_a_case_done_right_scores_100_percent(tmp_path: Path) -> None:
    result, text, title, attempts = await _run_case(tmp_path)
    assert result.percent == 100.0, result.differences
    assert title.startswith("Hasil 100 %")
    assert "Sesuai bagan: tidak ada perbedaan." in text
    assert "Jawaban Anda" in text and "Bagan" in text
    assert [a["case_id"] for a in attempts] == [CASE.id] and attempts[0]["percent"] == 100.0


async def test_a_wrong_classification_and_a_wrong_dose_are_named_with_the_deciding_finding(tmp_path: Path) -> None:
    result, text, title, attempts = await _run_case(tmp_path, wrong_classification=True, wrong_dose=True)
    assert 0 < result.percent < 100
    assert "Anda PNEUMONIA BERAT, bagan PNEUMONIA (2022.batuk.PNEUMONIA; karena Frekuensi napas: 54 kali/menit)" \
        in text.replace("\n", " ")
    assert "Dosis Amoksisilin oral" in text and "Berat badan (BB): 9,6 kg" in text.replace("\n", " ")
    assert attempts[0]["percent"] == round(result.percent, 1)
