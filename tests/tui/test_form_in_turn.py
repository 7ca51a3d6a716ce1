"""Issue 14: the standard visit in at most 45 keys. What the form asks in turn, and what it fills
in or passes over for the nurse (each still on screen and reachable with Tab or Shift+Tab):

* the way of measuring (rules.age.length_position_for), the facility's malaria area and chart;
* optional items at the end of a box (SpO2, z-scores, the shock signs of a well, afebrile child);
* the gizi complications and "still breastfed" when the chart does not need them for this child
  (the engine's ``incomplete`` decides); the other feeding path of a young infant.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import type_keys
from form_app import FormApp, GatedFormApp, months_ago, open_register, press_list

from mtbs_tui.form.plan import (
    FEEDING_PATH_ONLY,
    build_plan,
    missing_by_module,
    optional_asked,
    visibility,
)
from mtbs_tui.rules import vocabulary as voc
from mtbs_tui.rules.age import Age, length_position_for
from mtbs_tui.screens.visit_form import VisitFormScreen

ELEVEN_MONTHS = Age(335, 11)
COMPLICATIONS = ("anoreksia", "penurunan_kesadaran", "komplikasi_medis_lain")


def _plans(pathway: str = "balita", age: Age = ELEVEN_MONTHS) -> dict:
    return {p.id: p for p in build_plan(pathway, "2022", age)}


def test_the_way_of_measuring_follows_the_age() -> None:
    assert length_position_for(23) == "berbaring" and length_position_for(24) == "berdiri"


def test_optional_items_end_their_box() -> None:
    plans = _plans()
    [saga] = plans["tanda_bahaya"].blocks
    assert saga.optional == voc.SHOCK_SIGNS or set(saga.optional) == set(voc.SHOCK_SIGNS)
    assert saga.keys[-3:] == saga.optional
    [hiv] = plans["hiv"].blocks
    # No balita row reads oral thrush (case-format §5.7): offered after the chart's questions.
    assert set(hiv.optional) == {"bercak_putih_mulut", "indikasi_tes_hiv"}
    assert hiv.keys[-2:] == hiv.optional
    [cough] = plans["batuk"].blocks
    assert "napas_per_menit" not in cough.optional and "spo2" in cough.optional


def test_shock_signs_are_asked_in_turn_with_a_danger_sign_or_fever() -> None:
    [saga] = _plans()["tanda_bahaya"].blocks
    assert not optional_asked(saga, {"kulit_pucat": False, "temperature_c": 36.8})
    assert optional_asked(saga, {"kulit_pucat": True})
    assert optional_asked(saga, {"temperature_c": 38.0})
    assert optional_asked(saga, {"demam": True})
    [cough] = _plans()["batuk"].blocks
    assert not optional_asked(cough, {"batuk": True, "temperature_c": 39.0})


def test_gizi_complications_are_asked_only_when_needed() -> None:
    gizi = _plans()["gizi"]
    values = {"edema": "tidak"}
    assert all(visibility(gizi, values, None)[k] for k in COMPLICATIONS)  # no classification: ask
    hidden = visibility(gizi, values, {"hiv": {"tes_hiv_ibu"}})
    assert not any(hidden[k] for k in COMPLICATIONS)
    needed = visibility(gizi, values, {"gizi": {"anoreksia", "komplikasi_medis_lain"}})
    assert needed["anoreksia"] and needed["komplikasi_medis_lain"]
    answered = visibility(gizi, {**values, "penurunan_kesadaran": False}, {})
    assert answered["penurunan_kesadaran"]  # an answer stays on screen
    assert visibility(gizi, values, {})["edema"]  # the chart's own question is always asked


def test_missing_by_module_reads_the_engine_result() -> None:
    assert missing_by_module(None) is None
    result = {"incomplete": [{"module": "gizi", "missing": ["anoreksia"]},
                             {"module": "hiv", "missing": ["tes_serologi_anak"]}]}
    assert missing_by_module(result) == {"gizi": {"anoreksia"}, "hiv": {"tes_serologi_anak"}}


def test_the_engine_needs_the_complications_only_with_a_wasting_sign() -> None:
    from mtbs_tui.rules import classify

    birth = months_ago(11, 3)
    base = {"visit_date": dt.date.today().isoformat(), "birth_date": birth, "sex": "P",
            "weight_kg": 9.0, "length_cm": 74.0, "muac_cm": 14.0, "findings": {"edema": "tidak"}}
    missing = missing_by_module(classify(base)) or {}
    assert not set(COMPLICATIONS) & missing.get("gizi", set())
    wasted = {**base, "muac_cm": 11.0}
    assert set(COMPLICATIONS) <= (missing_by_module(classify(wasted)) or {}).get("gizi", set())
    unweighed = {**base, "muac_cm": None, "weight_kg": None}  # unknown is not no: asked
    assert set(COMPLICATIONS) <= (missing_by_module(classify(unweighed)) or {}).get("gizi", set())


def test_a_young_infant_is_asked_one_feeding_path() -> None:
    asi = _plans("bayi_muda", Age(23, 0))["bm_berat_badan_asi"]
    breastfed = visibility(asi, {"menyusu": True})
    replacement = visibility(asi, {"menyusu": False})
    unknown = visibility(asi, {})
    assert not breastfed["susu_pengganti_tepat"] and breastfed["perlekatan_baik"]
    assert replacement["susu_pengganti_tepat"] and not replacement["perlekatan_baik"]
    assert breastfed["bercak_putih_mulut"] and replacement["bercak_putih_mulut"]  # both paths
    assert all(unknown.values())
    assert FEEDING_PATH_ONLY[True] == {"susu_pengganti_tepat", "jumlah_minum_cukup",
                                       "frekuensi_minum_cukup", "penyiapan_susu_bersih"}


def test_feeding_path_keys_are_the_rows_items() -> None:
    """vocabulary.ASI_PATH_KEYS / MINUM_PATH_KEYS name exactly what the bayi-muda rows read."""
    from mtbs_tui.rules import bayi_muda

    def names(conds: tuple) -> set[str]:
        return {str(c).split()[0] for c in conds}

    assert names(bayi_muda._ASI_PROBLEMS) == set(voc.ASI_PATH_KEYS)
    assert names(bayi_muda._MINUM_PROBLEMS) == set(voc.MINUM_PATH_KEYS)


def _eleven_months(tmp_path: Path, name: str, sex: str) -> FormApp:
    """The visit form of an 11-month-old on a fresh register (the standard visit's child)."""
    reg = open_register(tmp_path)
    pid = reg.add_patient(name=name, sex=sex, birth_date=months_ago(11, 3), actor="t")
    return GatedFormApp(reg, lambda: VisitFormScreen(pid))


def _focus(form: VisitFormScreen) -> str:
    return f"{form.current.plan.id}:{getattr(form.focused, 'key', None)}"


async def test_filled_in_and_optional_items_are_passed_over_and_reachable(tmp_path: Path) -> None:
    app = _eleven_months(tmp_path, "Aisyah Putri", "P")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, VisitFormScreen)
        await type_keys(pilot, *press_list("9 enter 74 enter"))
        assert _focus(form) == "kunjungan:temperature_c"  # the way of measuring: filled in
        assert form.values.top["length_position"] == "berbaring"
        await type_keys(pilot, *press_list("36,8 enter 14 enter 45 enter"))
        assert _focus(form) == "tanda_bahaya:tidak_bisa_minum"  # area and chart: the facility's
        await type_keys(pilot, *press_list("t " * 15))
        # No danger sign, no fever: the optional shock signs are passed over, not answered.
        assert _focus(form) == "batuk:batuk"
        assert not set(voc.SHOCK_SIGNS) & set(form.values.findings)
        await type_keys(pilot, "shift+tab")  # back to the question the form left from
        assert _focus(form) == "tanda_bahaya:kutis_marmorata"
        await type_keys(pilot, "tab")  # Tab visits the optional items
        assert _focus(form) == "tanda_bahaya:crt_lebih_2_detik"
        await type_keys(pilot, "t", "t", "t")  # answered by choice: on through them, then on
        assert _focus(form) == "batuk:batuk"
        await type_keys(pilot, *press_list("y 52 enter"))
        assert _focus(form) == "diare:diare"  # SpO2, recount, wheezing passed over
        await type_keys(pilot, "shift+tab")
        assert _focus(form) == "batuk:napas_per_menit"


async def test_a_wasted_child_is_asked_the_complications(tmp_path: Path) -> None:
    app = _eleven_months(tmp_path, "Budi Santoso", "L")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, VisitFormScreen)
        letters = form.section_letters()
        ids = [s.plan.id for s in form.sections]
        await type_keys(pilot, *press_list("9 enter 74 enter 36,8 enter 11 enter 45 enter"))  # LiLA 11
        await type_keys(pilot, f"alt+{letters[ids.index('gizi')]}", "1")  # edema: tidak
        await pilot.pause()
        assert _focus(form) == "gizi:anoreksia"
        await type_keys(pilot, "t", "t", "t")
        assert _focus(form) == "anemia:kepucatan"
        # An HIV-positive mother whose child tested negative: "still breastfed" is asked.
        await type_keys(pilot, f"alt+{letters[ids.index('hiv')]}", "3", "2", "1")
        assert _focus(form) == "hiv:masih_menyusu_atau_baru_berhenti"


def _typed(key: str, text: str):
    from mtbs_tui.widgets.fields import NumberField

    spec = voc.TOP_LEVEL.get(key) or voc.FINDINGS[key]
    field = NumberField(spec, context={"age_days": 335, "sex": "P"})
    for char in text:
        field.type_key(char)
    return field


def test_a_number_is_full_when_it_cannot_get_longer() -> None:
    full = [("temperature_c", "36,8"), ("temperature_c", "38.5"), ("napas_per_menit", "52"),
            ("napas_per_menit", "99"), ("diare_hari", "40"), ("muac_cm", "14,5")]
    not_yet = [("napas_per_menit", "120"),  # unusual at 11 months: confirmed with Enter
               ("temperature_c", "36"), ("temperature_c", "36,"), ("napas_per_menit", "12"),
               ("napas_per_menit", "15"), ("diare_hari", "36"), ("weight_kg", "9"),
               ("weight_kg", "9,2"), ("muac_cm", "14"), ("napas_per_menit", "151"),
               ("temperature_c", "33,5")]  # unusual: Enter asks to confirm it first
    assert [(k, t) for k, t in full if not _typed(k, t).is_full()] == []
    assert [(k, t) for k, t in not_yet if _typed(k, t).is_full()] == []


async def test_a_full_number_moves_on_and_the_enter_after_it_only_confirms(tmp_path: Path) -> None:
    app = _eleven_months(tmp_path, "Citra Dewi", "P")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, VisitFormScreen)
        await type_keys(pilot, *press_list("9 enter 74 enter 36,8"))
        assert _focus(form) == "kunjungan:muac_cm" and form.values.top["temperature_c"] == 36.8
        await type_keys(pilot, "enter")  # the habit: absorbed, LiLA is not passed over
        assert _focus(form) == "kunjungan:muac_cm"
        await type_keys(pilot, *press_list("14 enter 45 enter " + "t " * 15 + "y 52"))
        assert _focus(form) == "diare:diare" and form.values.findings["napas_per_menit"] == 52
        await type_keys(pilot, "1")  # 521: one digit too many is not taken as "ya" here
        await pilot.pause()
        assert _focus(form) == "diare:diare" and "diare" not in form.values.findings
        assert "sudah lengkap (52)" in str(form.query_one("#help-line").render())
        await type_keys(pilot, "0")  # pressed again: now it answers
        assert form.values.findings["diare"] is False
