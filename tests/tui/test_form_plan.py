"""The form plan: generated from the vocabulary, each question asked once, folding rules."""

from __future__ import annotations

import pytest

from mtbs_tui.form.plan import HEADER_ID, build_plan, excluded_keys, vaccines_for_age, visibility
from mtbs_tui.rules import vocabulary as voc
from mtbs_tui.rules.age import Age
from mtbs_tui.rules.age import age_on as age_at

CASES = [("balita", "2022", Age(335, 11)), ("balita", "2015", Age(335, 11)),
         ("balita", "2022", Age(100, 3)), ("bayi_muda", "2022", Age(23, 0))]


@pytest.mark.parametrize(("pathway", "chart", "age"), CASES)
def test_every_module_key_is_asked_once(pathway: str, chart: str, age: Age) -> None:
    plans = build_plan(pathway, chart, age)
    asked = [k for p in plans[1:] for k in p.keys if k not in p.echoes]
    assert len(asked) == len(set(asked)), "a question is asked twice"
    wanted = {k for m in voc.modules_for(pathway, chart) for k in voc.module_keys(m.id, chart)
              if k not in voc.TOP_LEVEL}
    if age.months >= 6:
        wanted -= {"masalah_menyusu", "terlalu_lemah_menyusu", "berat_badan_tidak_naik"}
    assert set(asked) == wanted  # generated from the vocabulary: nothing missing, nothing extra
    assert plans[0].id == HEADER_ID


def test_sections_follow_the_chart_boxes() -> None:
    ids = [p.id for p in build_plan("balita", "2022", Age(335, 11))]
    assert ids == ["kunjungan", "tanda_bahaya", "batuk", "diare", "demam_malaria", "telinga", "gizi",
                   "anemia", "hiv", "imunisasi", "pemberian_makan"]
    ids = [p.id for p in build_plan("bayi_muda", "2022", Age(23, 0))]
    assert ids[1:] == ["bm_infeksi", "bm_ikterus", "bm_diare", "bm_hiv", "bm_berat_badan_asi",
                       "bm_imunisasi", "bm_vitamin_k1"]


def test_chest_indrawing_is_asked_where_the_chart_asks_it() -> None:
    by_id = {p.id: p for p in build_plan("balita", "2022", Age(335, 11))}
    assert "tarikan_dinding_dada" in by_id["tanda_bahaya"].keys  # 2022: SAGA usaha napas
    assert "tarikan_dinding_dada" in by_id["batuk"].echoes  # and shown again in the cough box
    by_id = {p.id: p for p in build_plan("balita", "2015", Age(335, 11))}
    assert "tarikan_dinding_dada" not in by_id["tanda_bahaya"].keys  # 2015: a cough sign only
    assert "tarikan_dinding_dada" in by_id["batuk"].keys


def test_optional_items_go_last_in_their_block() -> None:
    batuk = {p.id: p for p in build_plan("balita", "2022", Age(335, 11))}["batuk"]
    keys = list(batuk.keys)
    assert keys[0] == "batuk"
    optional = [k for k in keys if voc.FINDINGS[k].optional]
    assert keys[-len(optional):] == optional


def test_folding() -> None:
    plans = build_plan("balita", "2022", Age(335, 11))
    by_id = {p.id: p for p in plans}
    shown = visibility(by_id["batuk"], {"batuk": False})
    assert shown["batuk"] and not shown["napas_per_menit"]
    fever = by_id["demam_malaria"]
    assert not visibility(fever, {"demam": False})["ruam_seluruh_tubuh"]  # no fever: no measles box
    assert not visibility(fever, {"demam": True, "demam_hari": 10})["petekie"]  # dengue only 2-7 days
    assert visibility(fever, {"demam": True, "demam_hari": 3})["petekie"]
    assert visibility(fever, {"temperature_c": 38.2})["ruam_seluruh_tubuh"]  # fever by temperature
    # A folded answer stays in the form but leaves the case ...
    assert "napas_per_menit" in excluded_keys(plans, {"batuk": False, "napas_per_menit": 52})
    # ... and a question folded in one box but answered in another box that asks it counts.
    assert "penurunan_kesadaran" not in excluded_keys(plans, {"demam": False})


def test_age_reason_and_vaccines() -> None:
    assert age_at("2026-10-31", "2026-11-23").reason() == "umur 23 hari: formulir bayi muda (di bawah 2 bulan)"
    age = age_at("2025-08-10", "2026-11-23")
    assert age.months == 15 and age.heading() == "1t3b"
    assert age.reason().startswith("umur 1t3b (470 hari): formulir balita sakit")
    assert age_at("2024-01-31", "2024-02-29").months == 1  # case-format §3 examples
    assert age_at("2024-06-15", "2025-06-14").months == 11
    assert "campak_rubela_1" in vaccines_for_age(Age(300, 9))
    assert "campak_rubela_1" not in vaccines_for_age(Age(250, 8))
