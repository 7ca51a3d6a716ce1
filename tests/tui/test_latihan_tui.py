"""Kalakarya practice in the TUI (issue 19 item 3), driven with keys through the real screens: the
story, the visit form without its live panel, the trainee's classifications and treatments, the
result side by side. The assessment is put into the form's values directly (the form's own key
tests cover typing); everything after it is typed."""

from __future__ import annotations

import html
from pathlib import Path

from conftest import build_register, make_app, type_keys

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


def _shown(app) -> str:
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


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
                await type_keys(pilot, str(choices.index(code) + 1))
            await type_keys(pilot, "down")
        else:
            await type_keys(pilot, str(choices.index(picked[0]) + 1) if picked else "0")


async def _treat(pilot, screen: TreatScreen, treatments: dict, follow_up: int | None) -> None:
    await type_keys(pilot, str(screen.days.index(follow_up) + 1) if follow_up is not None else "0")
    listing = screen.query_one("#items")
    for code in treatments:
        # Go to the line (the arrows are Textual's own; a test of them costs a key per line), then
        # choose it and its dose with the keys a nurse uses.
        listing.highlighted = 1 + screen.codes.index(code)
        await pilot.pause()
        await type_keys(pilot, "space")
        options = screen.doses(code)
        if len(options) >= 2:
            await type_keys(pilot, str(options.index(treatments[code]) + 1))
    await type_keys(pilot, "down")


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
        await type_keys(pilot, "enter")  # the first case of the list: b22-01-pneumonia
        await pilot.pause()
        assert isinstance(app.screen, StoryScreen) and app.screen.attempt.case.id == CASE.id
        assert "panel klasifikasi disembunyikan." in _shown(app)  # the help line whole at 80 columns
        await type_keys(pilot, "enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PracticeFormScreen)
        assert form.query_one(ClassificationPanel).display is False  # the live classification is hidden
        _record(form, CASE.case)
        await type_keys(pilot, "f10")
        await pilot.pause()
        assert isinstance(app.screen, ClassifyScreen)
        shown = _shown(app)
        assert all(m.label[:20] in shown for m in app.screen.modules)  # every module on one 80x24 screen
        await _classify(pilot, app.screen, codes)
        await type_keys(pilot, "f10")
        await pilot.pause()
        assert isinstance(app.screen, TreatScreen)
        await _treat(pilot, app.screen, treatments, right.follow_up_days)
        await type_keys(pilot, "home")
        await pilot.pause()
        assert "Kunjungan ulang: 2 hari" in _shown(app)
        app.screen.query_one("#items").highlighted = 1 + app.screen.codes.index("AMOKSISILIN")
        await pilot.pause()
        assert "[x] Amoksisilin oral — " in _shown(app)  # not read as markup
        await type_keys(pilot, "f10")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ResultScreen)
        text = " ".join(str(w.render()) for w in screen.query("Static"))
        title = screen.query_one(".practice-title").text
        attempts = store.attempts("Sari")
        await type_keys(pilot, "escape")
        await pilot.pause()
        # Back on the list: the next case of the set is highlighted, the first shows its score.
        assert app.screen.query_one("#cases").highlighted == 1
        assert f"{attempts[0]['percent']:>3.0f} %" in _shown(app)
        await type_keys(pilot, "up", "f4")  # her last answer to that case, again
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen) and app.screen.result.percent == screen.result.percent
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
    assert "baris bagan: napas cepat (≥ 50/menit umur 2–<12 bulan" in text  # the row, not only its id
    assert attempts[0]["percent"] == round(result.percent, 1)


async def test_after_a_case_her_own_summary_names_her_score_and_the_rows_she_missed(tmp_path: Path) -> None:
    store = PracticeStore.open(tmp_path / "latihan.db", create=True)
    answer = scoring.correct_answer(CASE.case)
    wrong = scoring.Answer(tuple("PNEUMONIA_BERAT" if c == "PNEUMONIA" else c for c in answer.classifications),
                           answer.treatments, answer.follow_up_days, CASE.case)
    from mtbs_tui.rules.engine import RULES_VERSION

    store.save_attempt(participant="Sari", case_id=CASE.id, chart="2022", answer=wrong.to_json(),
                       score=scoring.score(CASE.case, wrong).to_json(), started_at="x", rules_version=RULES_VERSION)
    app = PracticeApp(store, "Sari")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        title = app.screen.query_one("#home-title").text
        assert "1/65 selesai" in title
        await type_keys(pilot, "f5")
        await pilot.pause()
        shown = str(app.screen.query_one("#my-score").render())
        assert "Kasus selesai: 1 dari 65" in shown
        assert "PNEUMONIA (2022.batuk.PNEUMONIA): 1 kali" in shown
        assert "Batuk atau sukar bernapas: 1 kali" in shown
    store.close()


async def test_a_session_file_asks_the_participant_name_from_its_list(tmp_path: Path) -> None:
    from mtbs_tui.latihan.store import create_session

    create_session(tmp_path / "sesi.db", "Pelatihan", ["Sari", "Rina"], ["b22-06-diare-tanpa-dehidrasi"])
    store = PracticeStore.open(tmp_path / "sesi.db")
    app = PracticeApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_keys(pilot, "down", "enter")
        await pilot.pause()
        assert app.screen.query_one("#home-title").text.startswith("Latihan MTBS · Rina · Pelatihan · 0/1 selesai")
    store.close()


async def test_beranda_opens_practice_for_a_read_only_account_and_the_register_is_untouched(tmp_path: Path) -> None:
    from mtbs_tui.paths import practice_db_path
    from mtbs_tui.screens.latihan import PracticeHomeScreen

    register = build_register(tmp_path / "mtbs.db")
    before = register.counts()
    app = make_app(register, user="tinjau", offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_keys(pilot, "f7")
        await pilot.pause()
        assert isinstance(app.screen, PracticeHomeScreen)
        await type_keys(pilot, "escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
    assert register.counts() == before
    assert practice_db_path().exists() and practice_db_path() != register.path
    register.close()


def test_every_dose_choice_fits_its_box_at_80_columns() -> None:
    from mtbs_tui.screens.latihan import Attempt

    for case in library.load()[::7]:
        right = scoring.correct_answer(case.case)
        screen = TreatScreen(Attempt(case, "x", classifications=list(right.classifications)))
        for code in right.treatments:
            lines = screen.choice_lines(1 + screen.codes.index(code))
            assert len(lines) <= 6 and all(len(line) <= 76 for line in lines), (case.id, code)
        assert len(screen.choice_lines(0)) <= 4


async def test_finishing_an_unassessed_form_asks_first(tmp_path: Path) -> None:
    store = PracticeStore.open(tmp_path / "latihan.db", create=True)
    app = PracticeApp(store, "Sari")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_keys(pilot, "enter", "enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PracticeFormScreen)
        await type_keys(pilot, "f10")
        await pilot.pause()
        assert "Selesai menilai?" in _shown(app) and "belum dinilai" in _shown(app)
        await type_keys(pilot, "t")  # back to the form, nothing lost
        await pilot.pause()
        assert app.screen is form
        await type_keys(pilot, "f10")
        await pilot.pause()
        await type_keys(pilot, "y")
        await pilot.pause()
        assert isinstance(app.screen, ClassifyScreen)
    store.close()


def test_the_real_command_in_tmux_shows_the_story_at_80x24(tmp_path: Path) -> None:
    import os
    import shutil

    import pytest
    from tmux_helpers import Tmux

    if shutil.which("tmux") is None:
        pytest.skip("tmux tidak terpasang")
    exe = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "mtbs"
    exe = exe if exe.exists() else Path(shutil.which("mtbs") or "mtbs")
    tmux = Tmux(tmp_path)
    try:
        tmux.start(f"{exe} latihan --peserta Sari", {"MTBS_DATA_DIR": os.environ["MTBS_DATA_DIR"]})
        screen = tmux.wait_for("Latihan MTBS · Sari · Latihan mandiri · 0/65 selesai")
        assert "Enter Mulai kasus" in screen
        tmux.keys("Enter")
        screen = tmux.wait_for("Kasus latihan · Raka (L)")
        assert "54" in screen and "kali per menit" in screen and "Enter Mulai menilai" in screen
        # Typed ahead without waiting: the form, F10, "finish anyway", the classification screen.
        tmux.keys("Enter", "F10", "y")
        screen = tmux.wait_for("Klasifikasi Anda · Raka (L)")
        assert "Tanda bahaya umum / SAGA" in screen and "F10 Lanjut" in screen
        tmux.keys("C-q")
        tmux.wait_for("SELESAI:0")
    finally:
        tmux.kill()


def test_every_modules_codes_and_the_module_list_fit_80x24() -> None:
    from mtbs_tui.screens.latihan import Attempt

    seen = set()
    for case in library.load():
        if (case.pathway, case.chart) in seen:
            continue
        seen.add((case.pathway, case.chart))
        screen = ClassifyScreen(Attempt(case, "x"))
        box = screen.box_height()
        assert all(len(line) <= 76 for i in range(len(screen.modules)) for line in screen.choice_lines(i))
        assert all(len(screen.choice_lines(i)) <= box - 2 for i in range(len(screen.modules)))
        # title, help line and legend, the list's two border rows: the rest holds every module
        assert len(screen.modules) <= 24 - 3 - box - 2, (case.pathway, case.chart)
    assert len(seen) == 4


async def test_a_session_made_by_a_newer_library_names_the_unknown_case(tmp_path: Path) -> None:
    from mtbs_tui.latihan.store import create_session

    create_session(tmp_path / "sesi.db", "Pelatihan", ["Sari"], ["b22-06-diare-tanpa-dehidrasi"])
    store = PracticeStore.open(tmp_path / "sesi.db")
    with store.write() as conn:  # as a newer version would have written it
        conn.execute("INSERT INTO session_cases(case_id) VALUES ('b22-99-kasus-baru')")
    app = PracticeApp(store, "Sari")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "0/1 selesai" in app.screen.query_one("#home-title").text
        assert "1 kasus sesi ini tidak dikenal aplikasi ini (b22-99-kasus-baru)" in _shown(app)
    store.close()
