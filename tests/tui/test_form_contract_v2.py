"""The visit form asks the questions of contract version 2 (case-format.md §11.15) where the chart
asks them: movement for every young infant in the infection section, duration and blood in the
young-infant diarrhoea section, the three shock signs as optional one-key items in the danger-sign
section. Real engine, real register, keys only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import type_keys
from form_app import GatedFormApp, months_ago, open_register, press_list, screen_text

from mtbs_tui.form.plan import build_plan
from mtbs_tui.rules.age import Age
from mtbs_tui.rules.vocabulary import SHOCK_SIGNS
from mtbs_tui.screens.summary import SummaryScreen
from mtbs_tui.screens.visit_form import VisitFormScreen


def test_plan_places_the_new_questions() -> None:
    infant = {p.id: p for p in build_plan("bayi_muda", "2022", Age(23, 0))}
    assert "keadaan_umum" in infant["bm_infeksi"].keys  # asked for every young infant
    assert "keadaan_umum" in infant["bm_diare"].echoes  # the diarrhoea box reuses the answer
    assert infant["bm_diare"].keys[:3] == ("diare", "diare_hari", "darah_dalam_tinja")
    for chart in ("2022", "2015"):
        child = {p.id: p for p in build_plan("balita", chart, Age(335, 11))}
        danger = child["tanda_bahaya"].keys
        assert danger[-3:] == SHOCK_SIGNS  # optional: last, so one PgDn skips them
        assert set(SHOCK_SIGNS) <= set(child["demam_malaria"].echoes)  # the dengue box reads them
        assert not set(SHOCK_SIGNS) & set(child["tanda_bahaya"].echoes)


def _visit(reg) -> dict:
    [row] = reg.db.execute("SELECT id FROM visits").fetchall()
    return reg.get_visit(row[0])


async def test_young_infant_movement_duration_and_blood_are_asked(tmp_path: Path) -> None:
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="By. Ny. Sari", sex="P",
                          birth_date=(dt.date.today() - dt.timedelta(days=30)).isoformat(), actor="t")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_keys(pilot, *press_list("3,6 enter 52 enter 36,8 enter "  # BB PB suhu (cara, bagan filled in)
                                           "t t t 48 enter t t t t t t t t 1 1 t t"))  # infection signs
        await pilot.pause()
        assert "Keadaan umum" in screen_text(app)  # movement, asked in the infection section
        await type_keys(pilot, *press_list("1 "  # normal movement; the optional items are passed over
                                           "t "  # ikterus: no
                                           "y 15 enter y t 1 "  # diare 15 days, blood, eyes not sunken, pinch
                                           "2 1 1 "  # HIV (mother negative: "still breastfed" not needed)
                                           "y 10 enter t t y y y t t "  # ASI
                                           "k y"))  # vaccines none yet; vitamin K1 given -> summary
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen), screen_text(app)
        await type_keys(pilot, "f10")
        await pilot.pause()
    visit = _visit(reg)
    findings = visit["case"]["findings"]
    assert findings["keadaan_umum"] == "normal"  # asked once, reused by the diarrhoea box
    assert findings["diare_hari"] == 15 and findings["darah_dalam_tinja"] is True
    codes = [c["code"] for c in visit["classifications"] if c["module"] == "bm_diare"]
    assert codes == ["DIARE_PERSISTEN_BERAT", "DISENTRI", "DIARE_TANPA_DEHIDRASI"]
    assert visit["refer_urgently"]


async def test_shock_sign_in_the_danger_section_refers(tmp_path: Path) -> None:
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Dewi Lestari", sex="P", birth_date=months_ago(20), actor="t")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # A febrile child: the shock signs are asked in turn after the SAGA items.
        await type_keys(pilot, *press_list("11 enter 80 enter 38,5 enter pagedown " + "t " * 15))
        await pilot.pause()
        text = screen_text(app)
        # Offered after the SAGA items, the first one focused, none answered yet.
        assert "► Pengisian kapiler lebih dari 2" in text
        assert "Syok: nadi lemah atau tidak" in text and "Syok: tangan dan kaki dingin" in text
        await type_keys(pilot, *press_list("t y t f9"))  # capillary refill no, weak pulse YES, cold no
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await type_keys(pilot, "f10")
        await pilot.pause()
    visit = _visit(reg)
    assert visit["case"]["findings"]["nadi_lemah"] is True
    assert visit["classifications"][0]["code"] == "PENYAKIT_SANGAT_BERAT"
    assert visit["refer_urgently"]


def test_panel_names_an_enum_answer_by_its_label() -> None:
    from mtbs_tui.widgets.panel import because_text

    item = {"because": ["keadaan_umum", "mata_cekung"]}
    text = because_text(item, {"keadaan_umum": "letargis_tidak_sadar", "mata_cekung": True},
                        lambda k: {"keadaan_umum": "Keadaan umum", "mata_cekung": "Mata cekung"}[k])
    assert text == "Keadaan umum: letargis atau tidak sadar; Mata cekung"
