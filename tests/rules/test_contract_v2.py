"""Contract version 2: the safety amendments of shared/spec/case-format.md §11.15.

For each amendment a firing case and a just-missing case, under both charts where the rule applies
(the young-infant rows serve both charts, §11.7). Item 6 (dose bands as written) is tested with the
dose tables (tests/rules/test_doses_table.py). Written from the contract text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pytest
from casebuild import bayi_muda_rows, codes, incomplete, normal, top, tx_codes
from cli_login import mtbs_here

from mtbs_tui.rules import DEFAULT, classify
from mtbs_tui.rules.engine import CONTRACT_VERSION, RULES_VERSION

CHARTS = ("2022", "2015")


_ROWS = bayi_muda_rows()
DROP = _ROWS.DROP
DIARE = _ROWS.DIARE
PSBI = "PENYAKIT_SANGAT_BERAT_ATAU_INFEKSI_BAKTERI_BERAT"


def infant(findings: dict[str, Any] | None = None, age: int = 20, **top_fields: Any) -> dict:
    return _ROWS.make_case(age, findings or {}, top_fields or None)


def test_contract_version() -> None:
    assert CONTRACT_VERSION == 2 and RULES_VERSION == "contract 2"


# --- item 1: a young infant who moves only when stimulated ---------------------------------------

@pytest.mark.parametrize("chart", CHARTS)
def test_item1_moves_only_when_stimulated_fires(chart: str) -> None:
    out = classify(infant({"keadaan_umum": "letargis_tidak_sadar"}), chart=chart)
    assert codes(out, "bm_infeksi") == [PSBI]
    assert out["classifications"][0]["because"] == ["keadaan_umum"]
    assert out["refer_urgently"] is True
    assert {"AMPISILIN_IM", "GENTAMISIN_IM"} <= set(tx_codes(out))


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("value", ["normal", "gelisah_rewel"])
def test_item1_other_states_just_miss(chart: str, value: str) -> None:
    out = classify(infant({"keadaan_umum": value}), chart=chart)
    assert codes(out, "bm_infeksi") == ["MUNGKIN_BUKAN_INFEKSI"]
    assert out["refer_urgently"] is False


@pytest.mark.parametrize("chart", CHARTS)
def test_item1_keadaan_umum_is_required_unless_another_sign_fired(chart: str) -> None:
    out = classify(infant({"keadaan_umum": DROP}), chart=chart)
    assert codes(out, "bm_infeksi") == []
    assert incomplete(out, "bm_infeksi") == ["keadaan_umum"]
    out = classify(infant({"keadaan_umum": DROP, "sianosis": True}), chart=chart)
    assert codes(out, "bm_infeksi") == [PSBI] and incomplete(out, "bm_infeksi") is None


# --- item 2: young-infant persistent diarrhoea and blood in the stool ----------------------------

@pytest.mark.parametrize("chart", CHARTS)
def test_item2_persistent_14_days_fires_13_misses(chart: str) -> None:
    out = classify(infant({**DIARE, "diare_hari": 14}), chart=chart)
    assert codes(out, "bm_diare") == ["DIARE_PERSISTEN_BERAT", "DIARE_TANPA_DEHIDRASI"]
    persistent = out["classifications"][2]
    assert (persistent["colour"], persistent["label"], persistent["rule"]) == (
        "merah", "DIARE PERSISTEN BERAT", "2022.bm_diare.DIARE_PERSISTEN_BERAT")
    assert out["refer_urgently"] is True and tx_codes(out)[-1] == "RUJUK_SEGERA"
    out = classify(infant({**DIARE, "diare_hari": 13}), chart=chart)
    assert codes(out, "bm_diare") == ["DIARE_TANPA_DEHIDRASI"]
    assert out["refer_urgently"] is False


@pytest.mark.parametrize("chart", CHARTS)
def test_item2_blood_fires_no_blood_misses(chart: str) -> None:
    out = classify(infant({**DIARE, "darah_dalam_tinja": True}), chart=chart)
    assert codes(out, "bm_diare") == ["DISENTRI", "DIARE_TANPA_DEHIDRASI"]
    item = next(c for c in out["classifications"] if c["code"] == "DISENTRI")
    assert (item["colour"], item["label"]) == ("merah", "DISENTRI PADA BAYI MUDA")
    assert out["refer_urgently"] is True
    out = classify(infant({**DIARE, "darah_dalam_tinja": False}), chart=chart)
    assert codes(out, "bm_diare") == ["DIARE_TANPA_DEHIDRASI"] and not out["refer_urgently"]


@pytest.mark.parametrize("chart", CHARTS)
def test_item2_fluid_plan_is_kept_with_the_referral(chart: str) -> None:
    # Some dehydration: Plan B before the referral (no other merah row).
    some = {**DIARE, "diare_hari": 20, "keadaan_umum": "gelisah_rewel", "mata_cekung": True}
    out = classify(infant(some), chart=chart)
    assert codes(out, "bm_diare") == ["DIARE_PERSISTEN_BERAT", "DIARE_DEHIDRASI_RINGAN_SEDANG"]
    tx = tx_codes(out)
    assert "RENCANA_TERAPI_B" in tx and tx[-1] == "RUJUK_SEGERA"
    # Severe dehydration with blood: Plan C first, then the referral.
    severe = {**DIARE, "darah_dalam_tinja": True, "mata_cekung": True,
              "cubitan_kulit_perut": "sangat_lambat"}
    out = classify(infant(severe), chart=chart)
    assert codes(out, "bm_diare") == ["DISENTRI", "DIARE_DEHIDRASI_BERAT"]
    assert "RENCANA_TERAPI_C" in tx_codes(out) and out["refer_urgently"] is True
    # Another merah row (cyanosis) forbids it: ORS on the way.
    out = classify(infant({**severe, "sianosis": True}), chart=chart)
    assert "RENCANA_TERAPI_C" not in tx_codes(out)
    assert "ORALIT_PERJALANAN" in tx_codes(out)


@pytest.mark.parametrize("chart", CHARTS)
def test_item2_duration_and_blood_are_required_when_diarrhoea(chart: str) -> None:
    out = classify(infant({**DIARE, "diare_hari": DROP, "darah_dalam_tinja": DROP}), chart=chart)
    assert codes(out, "bm_diare") == ["DIARE_TANPA_DEHIDRASI"]  # the dehydration row still prints
    assert incomplete(out, "bm_diare") == ["diare_hari", "darah_dalam_tinja"]
    out = classify(infant({"diare": False, "diare_hari": DROP}), chart=chart)
    assert incomplete(out, "bm_diare") is None  # no diarrhoea: nothing more to ask


def test_item2_setting_off_restores_the_reference_rows() -> None:
    off = dataclasses.replace(DEFAULT, diare_persisten_disentri_bayi_muda=False)
    out = classify(infant({**DIARE, "diare_hari": 30, "darah_dalam_tinja": True}), settings=off)
    assert codes(out, "bm_diare") == ["DIARE_TANPA_DEHIDRASI"] and not out["refer_urgently"]


# --- item 3: shock signs are danger signs wherever they are recorded -----------------------------

SHOCK = ("crt_lebih_2_detik", "nadi_lemah", "ujung_ekstremitas_dingin")


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("sign", SHOCK)
def test_item3_shock_sign_fires_on_the_first_day_of_fever(chart: str, sign: str) -> None:
    case = normal(chart, 18, demam=True, demam_hari=1, hasil_tes_malaria="negatif",
                  kaku_kuduk=False, campak_3_bulan_terakhir=False, ruam_seluruh_tubuh=False,
                  batuk_pilek_mata_merah=False, **{sign: True})
    out = classify(case)
    assert codes(out, "tanda_bahaya") == ["PENYAKIT_SANGAT_BERAT"]
    assert sign in out["classifications"][0]["because"]
    assert out["refer_urgently"] is True and tx_codes(out)[-1] == "RUJUK_SEGERA"


@pytest.mark.parametrize("chart", CHARTS)
def test_item3_shock_signs_false_or_absent_just_miss(chart: str) -> None:
    for value in (False, None):
        out = classify(normal(chart, 18, **{k: value for k in SHOCK}))
        expected = ["STABIL"] if chart == "2022" else []
        assert codes(out, "tanda_bahaya") == expected
        assert incomplete(out, "tanda_bahaya") is None  # optional here: absent is never missing
        assert out["refer_urgently"] is False


def test_item3_2022_shock_completes_the_sirkulasi_side() -> None:
    case = normal("2022", 18, tidak_berinteraksi=True, stridor=True, nadi_lemah=True)
    assert codes(classify(case), "tanda_bahaya") == ["GAGAL_JANTUNG_PARU"]
    case = normal("2022", 18, tidak_berinteraksi=True, stridor=True)
    assert codes(classify(case), "tanda_bahaya") == ["PENYAKIT_SANGAT_BERAT"]


@pytest.mark.parametrize("chart", CHARTS)
def test_item3_young_infant_shock_sign_is_a_row_1_sign(chart: str) -> None:
    out = classify(infant({"nadi_lemah": True}), chart=chart)
    assert codes(out, "bm_infeksi") == [PSBI] and out["refer_urgently"] is True
    out = classify(infant({"nadi_lemah": False}), chart=chart)
    assert codes(out, "bm_infeksi") == ["MUNGKIN_BUKAN_INFEKSI"]


def test_item3_setting_off() -> None:
    off = dataclasses.replace(DEFAULT, tanda_syok_tanda_bahaya=False)
    assert codes(classify(normal("2022", 18, nadi_lemah=True), settings=off),
                 "tanda_bahaya") == ["STABIL"]


# --- item 4: pre-referral treatment of the most severe rows --------------------------------------

def test_item4_cardiopulmonary_failure_gets_the_pre_referral_treatments() -> None:
    case = top(normal("2022", 18, sedang_kejang=True, stridor=True, sianosis=True), weight_kg=11.0)
    out = classify(case)
    assert codes(out, "tanda_bahaya") == ["GAGAL_JANTUNG_PARU"]
    assert tx_codes(out) == ["BANTUAN_HIDUP_DASAR", "JALAN_NAPAS", "OKSIGEN", "DIAZEPAM",
                             "CEGAH_GULA_DARAH_TURUN", "JAGA_TETAP_HANGAT", "RUJUK_SEGERA"]
    # Without stridor (nasal flaring instead) and not convulsing now: no airway step, no diazepam.
    case = normal("2022", 18, tidak_berinteraksi=True, napas_cuping_hidung=True, sianosis=True)
    out = classify(case)
    assert codes(out, "tanda_bahaya") == ["GAGAL_JANTUNG_PARU"]
    assert tx_codes(out) == ["BANTUAN_HIDUP_DASAR", "OKSIGEN", "CEGAH_GULA_DARAH_TURUN",
                             "JAGA_TETAP_HANGAT", "RUJUK_SEGERA"]


def test_item4_2015_oxygen_for_cyanosis_alone() -> None:
    assert "OKSIGEN" in tx_codes(classify(normal("2015", 18, sianosis=True)))
    out = classify(normal("2015", 18, stridor=True, ujung_tangan_kaki_pucat_dingin=True))
    assert "OKSIGEN" not in tx_codes(out) and "JALAN_NAPAS" in tx_codes(out)
    off = dataclasses.replace(DEFAULT, oksigen_2015_sianosis_saja=False)
    assert "OKSIGEN" not in tx_codes(classify(normal("2015", 18, sianosis=True), settings=off))


# --- item 5: vaccine upper age limits ------------------------------------------------------------

def _balita_at(days: int, chart: str, received: list[str]) -> dict:
    visit = dt.date(2025, 6, 15)
    case = normal(chart, 18, imunisasi_diterima=received)
    case["birth_date"] = (visit - dt.timedelta(days=days)).isoformat()
    return case


def _vaccines(out: dict) -> list[str]:
    return [c.removeprefix("IMUNISASI_").lower() for c in tx_codes(out) if c.startswith("IMUNISASI_")]


@pytest.mark.parametrize("chart", CHARTS)
def test_item5_rotavirus_first_dose_before_15_weeks(chart: str) -> None:
    assert "rotavirus_1" in _vaccines(classify(_balita_at(104, chart, [])))
    assert "rotavirus_1" not in _vaccines(classify(_balita_at(105, chart, [])))


@pytest.mark.parametrize("chart", CHARTS)
def test_item5_later_rotavirus_doses_before_8_months(chart: str) -> None:
    got = ["hb0", "bcg", "polio_1", "polio_2", "polio_3", "polio_4", "dpt_hb_hib_1",
           "dpt_hb_hib_2", "dpt_hb_hib_3", "ipv_1", "pcv_1", "pcv_2", "rotavirus_1"]
    seven = normal(chart, 7, imunisasi_diterima=got)
    eight = normal(chart, 8, imunisasi_diterima=got)
    assert "rotavirus_2" in _vaccines(classify(seven))
    assert "rotavirus_2" not in _vaccines(classify(eight))


@pytest.mark.parametrize("chart", CHARTS)
def test_item5_bcg_before_12_months_others_until_60(chart: str) -> None:
    assert "bcg" in _vaccines(classify(normal(chart, 11, imunisasi_diterima=[])))
    out = classify(normal(chart, 12, imunisasi_diterima=[]))
    assert "bcg" not in _vaccines(out)
    assert {"polio_1", "dpt_hb_hib_1", "pcv_1", "ipv_1"} <= set(_vaccines(out))
    assert "polio_1" in _vaccines(classify(normal(chart, 59, imunisasi_diterima=[])))
    assert incomplete(out, "imunisasi") is None  # past a limit the module stays complete


def test_item5_young_infant_and_setting_off() -> None:
    out = classify(infant({"imunisasi_diterima": ["hb0"]}, age=40))
    assert {"bcg", "polio_1"} <= set(_vaccines(out))
    off = dataclasses.replace(DEFAULT, batas_umur_atas_vaksin=False)
    assert "bcg" in _vaccines(classify(normal("2022", 48, imunisasi_diterima=[]), settings=off))


# --- item 7: 2015 HIV-exposed pneumonia gets amoxicillin for 5 days ------------------------------

def _pneumonia(chart: str, **hiv: Any) -> dict:
    return normal(chart, 18, batuk=True, napas_per_menit=45, **hiv)


@pytest.mark.parametrize("chart", CHARTS)
def test_item7_exposed_5_days_not_exposed_3(chart: str) -> None:
    exposed = classify(_pneumonia(chart, tes_hiv_ibu="positif", tes_virologi_anak="belum"))
    assert "TERPAJAN_HIV" in codes(exposed, "hiv")
    amox = next(t for t in exposed["treatments"] if t["code"] == "AMOKSISILIN")
    assert amox["dose"].endswith("selama 5 hari")
    clear = classify(_pneumonia(chart))
    amox = next(t for t in clear["treatments"] if t["code"] == "AMOKSISILIN")
    assert amox["dose"].endswith("selama 3 hari")


def test_item7_setting_off() -> None:
    off = dataclasses.replace(DEFAULT, amoksisilin_5_hari_terpajan_hiv_2015=False)
    out = classify(_pneumonia("2015", tes_hiv_ibu="positif", tes_virologi_anak="belum"),
                   settings=off)
    amox = next(t for t in out["treatments"] if t["code"] == "AMOKSISILIN")
    assert amox["dose"].endswith("selama 3 hari")


# --- item 8: balita danger-sign keys on a young infant -------------------------------------------

@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize(("key", "target"), [
    ("tidak_bisa_minum", "menyusu_lemah"),
    ("memuntahkan_semua", "muntah_semua_atau_hijau"),
    ("letargis_tidak_sadar", "keadaan_umum")])
def test_item8_mapped_keys_make_the_infant_merah(chart: str, key: str, target: str) -> None:
    out = classify(infant({key: True, target: DROP}), chart=chart)
    assert out["unread_findings"] == [key]
    assert codes(out, "bm_infeksi") == [PSBI] and out["refer_urgently"] is True
    assert key in out["classifications"][0]["because"]
    assert target not in out["classifications"][0]["because"]
    # The case's own young-infant answer wins; the balita key is still reported.
    out = classify(infant({key: True}), chart=chart)
    assert out["unread_findings"] == [key]
    assert codes(out, "bm_infeksi") == ["MUNGKIN_BUKAN_INFEKSI"]


@pytest.mark.parametrize("chart", CHARTS)
def test_item8_keys_without_a_meaning_are_listed_not_dropped(chart: str) -> None:
    out = classify(infant({"stridor": True, "kutis_marmorata": True, "gelisah": True,
                           "sianosis": False}), chart=chart)
    assert out["unread_findings"] == ["gelisah", "stridor", "kutis_marmorata"]
    # False balita keys, or none at all: no field.
    assert "unread_findings" not in classify(infant({"stridor": False}), chart=chart)
    assert "unread_findings" not in classify(infant(), chart=chart)


def test_item8_balita_cases_never_carry_the_field() -> None:
    out = classify(normal("2022", 18, tidak_bisa_minum=True))
    assert "unread_findings" not in out and codes(out, "tanda_bahaya") == ["PENYAKIT_SANGAT_BERAT"]


# --- the command and the README ------------------------------------------------------------------

def _mtbs(*args: str) -> subprocess.CompletedProcess[str]:
    """In this process (test_classify_cli runs `mtbs classify` through the real console script)."""
    return mtbs_here(None, *args)


def test_classify_command_prints_the_new_codes_and_unread_findings(tmp_path: Path) -> None:
    import json

    case = infant({**DIARE, "diare_hari": 14, "darah_dalam_tinja": True, "tidak_bisa_minum": True,
                   "menyusu_lemah": DROP})
    path = tmp_path / "kasus.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    done = _mtbs("classify", str(path), "--chart", "2015")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["unread_findings"] == ["tidak_bisa_minum"]
    assert [c["code"] for c in out["classifications"] if c["module"] == "bm_diare"] == [
        "DIARE_PERSISTEN_BERAT", "DISENTRI", "DIARE_TANPA_DEHIDRASI"]
    assert out["refer_urgently"] is True


def test_help_and_readme_name_the_contract_version() -> None:
    done = _mtbs("classify", "--help")
    assert done.returncode == 0
    assert f"kontrak format kasus versi {CONTRACT_VERSION}" in " ".join(done.stdout.split())
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"**version {CONTRACT_VERSION}** of the case-file contract" in readme


def test_movement_is_an_infection_finding_first() -> None:
    """Documents show a finding under its first module on the visit's pathway (the referral
    letter's "Hasil pemeriksaan"): a young infant who moves only when stimulated is an infection
    sign even without diarrhoea (§11.15 item 1)."""
    from mtbs_tui.documents.referral import _module_for
    from mtbs_tui.rules.vocabulary import FINDINGS

    assert _module_for(FINDINGS["keadaan_umum"], "bayi_muda") == "bm_infeksi"
    assert _module_for(FINDINGS["keadaan_umum"], "balita") == "diare"


def test_chart_doc_lists_all_eight_amendments_for_the_clinician() -> None:
    import re
    from dataclasses import fields

    from mtbs_tui.rules.chartdoc import render
    from mtbs_tui.rules.settings import AMENDMENTS, ChartSettings

    assert [a.item for a in AMENDMENTS] == list(range(1, 9))
    text = render()
    section = text[text.index("## Wajib dikonfirmasi klinisi"):]
    section = section[:section.index("\n## ", 1)]
    for a in AMENDMENTS:
        assert f"| {a.item} | " in section and a.confidence in ("H", "M", "L") and a.source
    names = {f.name for f in fields(ChartSettings)}
    for name in re.findall(r"setelan `(\w+)`", section):
        assert name in names, name  # every named setting exists and is in the settings table
        assert f"| `{name}` |" in text
    for rule in re.findall(r"`(20\d\d\.\w+\.\w+)`", section):
        assert f"| `{rule}`" in text or f"`{rule}." in text, rule  # a real rule id of the tables
