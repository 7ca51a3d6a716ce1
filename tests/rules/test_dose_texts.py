"""Dose bands read as each table writes them (§9, §11.15 item 6), never extrapolated."""
from __future__ import annotations

import pytest
from casebuild import normal, top

from mtbs_tui.rules import classify, doses


@pytest.mark.parametrize("weight,text", [
    (3.9, None), (4.0, "½"), (5.99, "½"), (6.0, "¾"), (9.9, "¾"), (10.0, "1 ¼"), (16.0, "1 ½"),
    (18.9, "1 ½"), (19.0, None), (None, None)])
def test_amoxicillin_pneumonia_bands(weight, text) -> None:
    dose = doses.amoksisilin_pneumonia(weight, 3)
    assert dose == (None if text is None else f"{text} tablet 500 mg, 2 kali sehari selama 3 hari")


@pytest.mark.parametrize("weight,dhp,prim", [
    (3.99, "⅓", None), (4.0, "⅓", None), (4.01, "½", None), (6.0, "½", None), (6.01, "½", "¼"),
    (10.0, "½", "¼"), (10.01, "1", "¼"), (17.0, "1", "¼"), (17.01, "1 ½", "½"), (30.0, "1 ½", "½"),
    (30.01, None, None)])
def test_dhp_and_primaquine_read_as_written(weight, dhp, prim) -> None:
    """"≤ 4", then "> a – b" rows: a < BB <= b, so 10.0 kg takes DHP ½ tablet."""
    band = doses.DHP.lookup(weight)
    assert (band.amounts[0].quantity if band else None) == dhp
    band = doses.PRIMAKUIN.lookup(weight)
    assert (band.amounts[0].quantity if band and band.amounts else None) == prim


@pytest.mark.parametrize("months,drug", [
    (3, None), (4, "pirantel pamoat 125 mg ½"), (11, "pirantel pamoat 125 mg ¾"),
    (12, "albendazol 400 mg ½"), (24, "albendazol 400 mg 1 tablet")])
def test_deworming_by_completed_months(months, drug) -> None:
    text = doses.obat_cacing(months)
    assert (text is None) if drug is None else text.startswith(drug)


def test_iron_has_no_dose_below_7_kg() -> None:
    assert doses.zat_besi(6.9) is None
    assert doses.zat_besi(7.0).startswith("¼ tablet")
    assert doses.zat_besi(19.0).startswith("½ tablet")  # the last row is written "10 – 19"
    assert doses.zat_besi(19.01) is None


@pytest.mark.parametrize("table,written", [
    (doses.DHP, ["≤ 4", "> 4 – 6", "> 6 – 10", "> 10 – 17", "> 17 – 30"]),
    (doses.ZAT_BESI, ["7 – < 10", "10 – 19"]),
    (doses.KOTRIMOKSAZOL_KOLERA, ["4 – < 6", "6 – < 10", "10 – 19"]),
    (doses.AMOKSISILIN_PNEUMONIA, ["4 – < 6", "6 – < 10", "10 – < 16", "16 – < 19"])])
def test_bands_render_as_the_table_writes_them(table, written) -> None:
    assert [b.written() for b in table.bands] == written


def test_vitamin_a_bands() -> None:
    assert doses.vitamin_a_treatment(5, (1,)).startswith("50.000 IU")
    assert doses.vitamin_a_treatment(6, (1,)).startswith("100.000 IU")
    assert doses.vitamin_a_treatment(12, (1,)).startswith("200.000 IU")
    assert doses.vitamin_a_supplement(5) is None


def test_plan_volumes_for_this_child() -> None:
    assert doses.rencana_b(9.0).startswith("oralit 675 mL (75 mL/kgBB), dalam 3 jam")
    assert "270 mL dalam 1 jam, lalu 630 mL dalam 5 jam" in doses.rencana_c(9.0, 11)
    assert "300 mL dalam 30 menit, lalu 700 mL dalam 2½ jam" in doses.rencana_c(10.0, 12)
    assert doses.rencana_b(None) is None
    assert "50–100 mL" in doses.rencana_a(23) and "100–200 mL" in doses.rencana_a(24)


def test_engine_output_carries_band_doses() -> None:
    case = top(normal("2015", 30, diare=True, diare_hari=2, keadaan_umum="normal",
                      mata_cekung=False, kemampuan_minum="normal", cubitan_kulit_perut="segera",
                      darah_dalam_tinja=True), weight_kg=10.0)
    tx = {t["code"]: t["dose"] for t in classify(case)["treatments"]}
    assert tx["KOTRIMOKSAZOL"] == ("2 ½ tablet anak (20 mg TMP + 100 mg SMX), 2 kali sehari "
                                   "selama 5 hari")
    assert tx["ZINK"].startswith("1 tablet (20 mg)")
    assert tx["RENCANA_TERAPI_A"].startswith("oralit 100–200 mL")


def test_a_dose_is_a_structure_whose_text_is_built_from_its_parts() -> None:
    """The card and the letter print from the parts; the §7 text is the same parts joined."""
    dose = doses.parasetamol(5.0)
    assert [a.text() for a in dose.amounts] == [
        "⅛ tablet 500 mg", "½ tablet 100 mg", "2,5 mL sirup 120 mg/5 mL"]
    assert (dose.frequency, dose.duration) == ("setiap 6 jam", "sampai demam atau nyeri hilang")
    assert dose == ("⅛ tablet 500 mg atau ½ tablet 100 mg atau 2,5 mL sirup 120 mg/5 mL, "
                    "setiap 6 jam sampai demam atau nyeri hilang")
    iron = doses.zat_besi(8.0)
    assert iron.amounts[0].form == "besi-folat (60 mg Fe + 0,25 mg asam folat)"
    assert (iron.amounts[1].quantity, iron.amounts[1].unit) == ("2,5", "mL")
    gizi = doses.amoksisilin_gizi_buruk(6.3)
    assert (gizi.amounts[0].quantity, gizi.amounts[0].unit) == ("94,5", "mg")
    cholera = doses.antibiotik_kolera(12.0)
    assert [p.frequency for p in doses.parts_of(cholera)] == ["4 kali sehari", "2 kali sehari"]
    assert doses.parts_of(None) == () and doses.parts_of("1 liter/menit") == ("1 liter/menit",)


def test_the_engine_keeps_the_parts_of_joined_doses() -> None:
    """Pneumonia and ear infection both call for AMOKSISILIN: one item, two doses, both parts kept."""
    import copy
    import json
    import pickle

    case = top(normal("2022", 18, batuk=True, napas_per_menit=60, tarikan_dinding_dada=False,
                      masalah_telinga=True, nyeri_telinga=True, rasa_penuh_telinga=False,
                      keluar_cairan_telinga=False, bengkak_nyeri_belakang_telinga=False),
               weight_kg=10.0)
    amox = next(t["dose"] for t in classify(case)["treatments"] if t["code"] == "AMOKSISILIN")
    parts = doses.parts_of(amox)
    assert [p.duration for p in parts] == ["selama 3 hari", "selama 10 hari"]
    assert amox == "; ".join(parts)
    assert doses.parts_of(copy.deepcopy(amox)) == parts == doses.parts_of(pickle.loads(pickle.dumps(amox)))
    assert json.loads(json.dumps({"dose": amox}))["dose"] == str(amox)
