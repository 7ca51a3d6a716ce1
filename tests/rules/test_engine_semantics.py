"""§6 three-valued evaluation, §11 decisions and the treatment rules (tables: case in, codes out)."""
from __future__ import annotations

import dataclasses

import pytest
from casebuild import codes, incomplete, normal, top, tx_codes

from mtbs_tui.rules import DEFAULT, classify

DRY = dict(keadaan_umum="normal", mata_cekung=False, kemampuan_minum="normal",
           cubitan_kulit_perut="segera", darah_dalam_tinja=False)


# ---- §6 unknown is not no ------------------------------------------------------------------

def test_unknown_opening_lists_every_row_input() -> None:
    out = classify(normal("2022", 18, batuk=None))
    assert codes(out, "batuk") == []
    assert incomplete(out, "batuk") == ["batuk", "napas_per_menit"]


def test_unknown_row_stops_the_module_and_no_green_is_guessed() -> None:
    out = classify(normal("2022", 18, batuk=True))  # no respiratory rate
    assert codes(out, "batuk") == []
    assert incomplete(out, "batuk") == ["napas_per_menit"]


def test_severe_row_fires_on_known_signs_despite_missing_ones() -> None:
    out = classify(normal("2022", 18, batuk=True, tarikan_dinding_dada=True))
    assert codes(out, "batuk") == ["PNEUMONIA_BERAT"]
    assert incomplete(out, "batuk") is None


def test_merah_row_prints_past_an_unknown_merah_row() -> None:
    # GAGAL_JANTUNG_PARU unknown (circulation not assessed); PSB is known: printed, incomplete.
    out = classify(normal("2022", 18, sedang_kejang=True, stridor=True, kulit_pucat=None,
                          sianosis=None, kutis_marmorata=None))
    assert codes(out, "tanda_bahaya") == ["PENYAKIT_SANGAT_BERAT"]
    assert incomplete(out, "tanda_bahaya") == ["sianosis", "kulit_pucat", "kutis_marmorata"]
    assert out["refer_urgently"] is True
    assert "DIAZEPAM" in tx_codes(out)


def test_kuning_row_is_never_reached_past_an_unknown_row() -> None:
    out = classify(normal("2022", 18, diare=True, diare_hari=3, **{
        **DRY, "mata_cekung": None, "keadaan_umum": "letargis_tidak_sadar",
        "kemampuan_minum": "haus_lahap", "cubitan_kulit_perut": "lambat"}))
    # Two kuning signs known, but mata_cekung could still make it severe (one severe sign known).
    assert codes(out, "diare") == []
    assert incomplete(out, "diare") == ["mata_cekung"]


def test_at_least_two_is_false_when_unknowns_cannot_reach_two() -> None:
    out = classify(normal("2022", 18, diare=True, diare_hari=3,
                          **{**DRY, "mata_cekung": None}))
    # Severe: only mata_cekung unknown, the other three known absent -> cannot reach 2.
    # Some dehydration: the same. So no dehydration.
    assert codes(out, "diare") == ["DIARE_TANPA_DEHIDRASI"]


def test_added_table_can_be_incomplete_while_the_module_prints() -> None:
    out = classify(normal("2022", 18, diare=True, diare_hari=3, **{**DRY, "darah_dalam_tinja": None}))
    assert codes(out, "diare") == ["DIARE_TANPA_DEHIDRASI"]
    assert incomplete(out, "diare") == ["darah_dalam_tinja"]


def test_null_means_absent() -> None:
    case = normal("2022", 18)
    case["findings"]["kepucatan"] = None
    out = classify(case)
    assert incomplete(out, "anemia") == ["kepucatan"]


def test_optional_key_absent_cannot_fire_and_is_never_listed() -> None:
    out = classify(normal("2022", 18, batuk=True, tarikan_dinding_dada=False, napas_per_menit=30))
    assert codes(out, "batuk") == ["BATUK_BUKAN_PNEUMONIA"]
    assert all("spo2" not in e["missing"] for e in out["incomplete"])


def test_because_of_none_of_the_above_row_lists_ruling_out_inputs() -> None:
    out = classify(normal("2022", 18, batuk=True, napas_per_menit=30))
    bbp = out["classifications"][1]
    assert bbp["code"] == "BATUK_BUKAN_PNEUMONIA"
    assert bbp["because"] == ["tarikan_dinding_dada", "napas_per_menit"]


def test_missing_zscore_names_the_measurement() -> None:
    out = classify(top(normal("2022", 30, zskor_pb_u=None), length_cm=None))
    assert incomplete(out, "pertumbuhan") == ["length_cm"]


def test_danger_sign_unknown_makes_fever_rows_unknown() -> None:
    out = classify(normal("2015", 30, demam=True, demam_hari=1, kaku_kuduk=False,
                          bepergian_daerah_malaria="tidak", gelisah=None))
    assert codes(out, "demam_malaria") == []
    assert incomplete(out, "demam_malaria") == ["gelisah"]


# ---- derived values (§3) --------------------------------------------------------------------

@pytest.mark.parametrize("months,rr,code", [
    (11, 49, "BATUK_BUKAN_PNEUMONIA"), (11, 50, "PNEUMONIA"),
    (12, 39, "BATUK_BUKAN_PNEUMONIA"), (12, 40, "PNEUMONIA")])
def test_fast_breathing_by_age_band(months: int, rr: int, code: str) -> None:
    out = classify(normal("2022", months, batuk=True, napas_per_menit=rr))
    assert codes(out, "batuk") == [code]


def test_recount_replaces_first_count() -> None:
    out = classify(normal("2022", 30, batuk=True, napas_per_menit=45, napas_per_menit_ulang=35))
    assert codes(out, "batuk") == ["BATUK_BUKAN_PNEUMONIA"]
    assert out["classifications"][1]["because"] == ["tarikan_dinding_dada", "napas_per_menit_ulang"]


@pytest.mark.parametrize("demam,temp,applies", [
    (True, None, True), (False, 37.5, True), (False, 37.4, False), (None, 38.0, True)])
def test_fever_definition(demam, temp, applies) -> None:
    case = top(normal("2022", 30, demam=demam, demam_hari=1, kaku_kuduk=False,
                      bepergian_daerah_malaria="tidak"), temperature_c=temp)
    out = classify(case)
    assert (codes(out, "demam_malaria") == ["DEMAM_BUKAN_MALARIA"]) is applies


def test_fever_unknown_without_demam_and_normal_temperature() -> None:
    out = classify(top(normal("2022", 30, demam=None, bepergian_daerah_malaria="tidak",
                              kaku_kuduk=False), temperature_c=37.0))
    assert incomplete(out, "demam_malaria") == ["demam"]  # route known: malaria rows false


# ---- §11 decisions --------------------------------------------------------------------------

def test_chest_indrawing_is_also_psb_in_2022_only() -> None:
    out22 = classify(normal("2022", 18, batuk=True, tarikan_dinding_dada=True))
    out15 = classify(normal("2015", 18, batuk=True, tarikan_dinding_dada=True))
    assert codes(out22, "tanda_bahaya") == ["PENYAKIT_SANGAT_BERAT"]
    assert codes(out15, "tanda_bahaya") == []


def test_severe_dehydration_alone_is_treated_in_the_facility() -> None:
    out = classify(normal("2022", 30, diare=True, diare_hari=2,
                          **{**DRY, "keadaan_umum": "letargis_tidak_sadar", "mata_cekung": True}))
    assert codes(out, "diare") == ["DIARE_DEHIDRASI_BERAT"]
    assert out["refer_urgently"] is False
    assert "RENCANA_TERAPI_C" in tx_codes(out) and "RUJUK_SEGERA" not in tx_codes(out)


def test_severe_dehydration_with_another_severe_is_referred_with_ors_on_the_way() -> None:
    out = classify(normal("2022", 30, diare=True, diare_hari=2, batuk=True,
                          tarikan_dinding_dada=True,
                          **{**DRY, "keadaan_umum": "letargis_tidak_sadar", "mata_cekung": True}))
    assert out["refer_urgently"] is True
    tx = tx_codes(out)
    assert "ORALIT_PERJALANAN" in tx and "RENCANA_TERAPI_C" not in tx
    assert tx[-1] == "RUJUK_SEGERA"


def test_persistent_severe_counts_for_referral_and_treats_dehydration_first() -> None:
    out = classify(normal("2022", 30, diare=True, diare_hari=14,
                          **{**DRY, "keadaan_umum": "gelisah_rewel", "mata_cekung": True}))
    assert codes(out, "diare") == ["DIARE_PERSISTEN_BERAT"] or \
        codes(out, "diare")[:2] == ["DIARE_DEHIDRASI_RINGAN_SEDANG", "DIARE_PERSISTEN_BERAT"]
    assert out["refer_urgently"] is True
    assert tx_codes(out) == ["RENCANA_TERAPI_B", "JAGA_TETAP_HANGAT", "RUJUK_SEGERA"]


def test_follow_up_is_earliest_and_kept_when_referred() -> None:
    out = classify(normal("2022", 30, batuk=True, napas_per_menit=45, kepucatan="agak_pucat"))
    assert out["follow_up_days"] == 2  # PNEUMONIA 2, ANEMIA 7
    out = classify(normal("2022", 30, batuk=True, napas_per_menit=45, kepucatan="sangat_pucat"))
    assert out["refer_urgently"] is True and out["follow_up_days"] == 2


def test_spo2_cutoffs_per_chart_and_setting() -> None:
    case = normal("2022", 30, batuk=True, napas_per_menit=30, spo2=91)
    assert codes(classify(case), "batuk") == ["PNEUMONIA_BERAT"]
    case = normal("2022", 30, batuk=True, napas_per_menit=30, spo2=92)
    assert codes(classify(case), "batuk") == ["BATUK_BUKAN_PNEUMONIA"]
    case = normal("2015", 30, batuk=True, napas_per_menit=30, spo2=91)
    assert codes(classify(case), "batuk") == ["BATUK_BUKAN_PNEUMONIA"]
    s = dataclasses.replace(DEFAULT, spo2_pneumonia_berat_2022=93)
    case = normal("2022", 30, batuk=True, napas_per_menit=30, spo2=92)
    assert codes(classify(case, settings=s), "batuk") == ["PNEUMONIA_BERAT"]


def test_chart_option_wins_over_case_chart() -> None:
    case = normal("2015", 30)
    assert classify(case, chart="2022")["chart"] == "2022"
    assert classify(case)["chart"] == "2015"


def test_hiv_result_alone_never_refers() -> None:
    out = classify(normal("2022", 30, tes_virologi_anak="positif"))
    assert codes(out, "hiv") == ["INFEKSI_HIV_TERKONFIRMASI"]
    assert out["refer_urgently"] is False


def test_hiv_2015_order_setting() -> None:
    case = normal("2015", 30, tes_hiv_ibu="positif", tes_virologi_anak="belum")
    assert codes(classify(case), "hiv") == ["TERPAJAN_HIV"]
    s = dataclasses.replace(DEFAULT, hiv_2015_terpajan_sebelum_diduga=False)
    assert codes(classify(case, settings=s), "hiv") == ["DIDUGA_TERINFEKSI_HIV"]


def test_2015_oedema_without_complication_is_severe() -> None:
    case = normal("2015", 30, edema="+1")
    assert codes(classify(case), "gizi") == ["SANGAT_KURUS_DENGAN_KOMPLIKASI"]
    s = dataclasses.replace(DEFAULT, edema_2015_sangat_kurus_dengan_komplikasi=False)
    assert codes(classify(case, settings=s), "gizi") == ["SANGAT_KURUS_TANPA_KOMPLIKASI"]


def test_gizi_2022_undernutrition_is_not_hidden_by_high_zscore() -> None:
    out = classify(top(normal("2022", 30, zskor_bb_pb=1.5), muac_cm=11.0))
    assert codes(out, "gizi") == ["GIZI_BURUK_TANPA_KOMPLIKASI"]


def test_gizi_2022_complication_from_another_module_cites_its_inputs() -> None:
    out = classify(top(normal("2022", 30, batuk=True, tarikan_dinding_dada=True), muac_cm=11.0))
    gizi = [c for c in out["classifications"] if c["module"] == "gizi"][0]
    assert gizi["code"] == "GIZI_BURUK_DENGAN_KOMPLIKASI"
    assert "tarikan_dinding_dada" in gizi["because"] and "muac_cm" in gizi["because"]


def test_muac_not_read_below_6_months() -> None:
    out = classify(top(normal("2015", 5), muac_cm=None))
    assert codes(out, "gizi") == ["GIZI_NORMAL"]
    assert "muac_cm" not in out["classifications"][-3]["because"]


def test_dengue_2015_petekie_with_negative_tourniquet_is_possible_dbd() -> None:
    dengue = dict(demam=True, demam_hari=3, kaku_kuduk=False, bepergian_daerah_malaria="tidak",
                  **dict.fromkeys(["ujung_ekstremitas_dingin", "nadi_lemah", "crt_lebih_2_detik",
                                   "nyeri_perut", "muntah_berulang", "perdarahan_hidung_gusi",
                                   "perdarahan_saluran_cerna",
                                   "demam_tinggi_mendadak_terus_menerus"], False))
    out = classify(normal("2015", 30, petekie=True, uji_torniket="negatif", **dengue))
    assert codes(out, "dengue") == ["MUNGKIN_DBD"]
    out = classify(normal("2015", 30, petekie=True, uji_torniket="tidak_dilakukan", **dengue))
    assert codes(out, "dengue") == ["DEMAM_BERDARAH_DENGUE"]


# ---- treatments ------------------------------------------------------------------------------

def test_paracetamol_needs_a_temperature_not_just_demam() -> None:
    case = normal("2022", 30, demam=True, demam_hari=1, kaku_kuduk=False,
                  bepergian_daerah_malaria="tidak")
    assert "PARASETAMOL" not in tx_codes(classify(case))
    assert "PARASETAMOL" in tx_codes(classify(top(case, temperature_c=38.0)))
    case15 = dict(case, chart="2015", findings={**case["findings"], "gelisah": False,
                                                "letargis_tidak_sadar": False,
                                                "ujung_tangan_kaki_pucat_dingin": False})
    assert "PARASETAMOL" not in tx_codes(classify(top(case15, temperature_c=38.0), chart="2015"))


def test_amoxicillin_5_days_when_hiv_exposed_2022() -> None:
    out = classify(normal("2022", 30, batuk=True, napas_per_menit=45, tes_hiv_ibu="positif",
                          tes_virologi_anak="belum"))
    amox = next(t for t in out["treatments"] if t["code"] == "AMOKSISILIN")
    assert amox["dose"].endswith("selama 5 hari")


def test_no_dose_without_weight_or_outside_bands() -> None:
    out = classify(top(normal("2022", 30, batuk=True, napas_per_menit=45), weight_kg=None))
    amox = next(t for t in out["treatments"] if t["code"] == "AMOKSISILIN")
    assert amox["dose"] is None
    out = classify(top(normal("2022", 30, batuk=True, napas_per_menit=45), weight_kg=19.0))
    assert next(t for t in out["treatments"] if t["code"] == "AMOKSISILIN")["dose"] is None


def test_immunisation_due_one_per_series_and_none_when_referred() -> None:
    case = normal("2022", 4, imunisasi_diterima=["hb0", "bcg", "polio_1", "dpt_hb_hib_1"])
    tx = tx_codes(classify(case))
    assert [t for t in tx if t.startswith("IMUNISASI_")] == [
        "IMUNISASI_POLIO_2", "IMUNISASI_DPT_HB_HIB_2", "IMUNISASI_IPV_1", "IMUNISASI_PCV_1"]
    # rotavirus_1 is past its limit at 4 months (only before 15 weeks, §11.15 item 5)
    case = normal("2022", 4, imunisasi_diterima=[], batuk=True, tarikan_dinding_dada=True)
    assert not [t for t in tx_codes(classify(case)) if t.startswith("IMUNISASI_")]
    assert incomplete(classify(normal("2022", 4, imunisasi_diterima=None)), "imunisasi") == [
        "imunisasi_diterima"]


def test_vitamin_a_supplement_or_treatment_dose_only() -> None:
    out = classify(normal("2022", 30, vitamin_a_6_bulan_terakhir=False))
    vit = [t for t in out["treatments"] if t["code"] == "VITAMIN_A"]
    assert vit and "suplementasi" in vit[0]["dose"]
    measles = dict(demam=True, demam_hari=1, kaku_kuduk=False, bepergian_daerah_malaria="tidak",
                   campak_3_bulan_terakhir=True, kekeruhan_kornea=False, luka_mulut="tidak",
                   mata_bernanah="tidak")
    out = classify(normal("2022", 30, vitamin_a_6_bulan_terakhir=False, **measles))
    vit = [t for t in out["treatments"] if t["code"] == "VITAMIN_A"]
    assert len(vit) == 1 and "pengobatan" in vit[0]["dose"]
    assert incomplete(classify(normal("2022", 5, vitamin_a_6_bulan_terakhir=None)),
                      "vitamin_a") is None
    assert incomplete(classify(normal("2022", 6, vitamin_a_6_bulan_terakhir=None)),
                      "vitamin_a") == ["vitamin_a_6_bulan_terakhir"]


def test_tes_hiv_when_no_row_and_an_indication() -> None:
    out = classify(normal("2022", 30, tes_hiv_ibu="belum", tes_virologi_anak="belum",
                          tes_serologi_anak="belum", indikasi_tes_hiv=["pneumonia_berulang"]))
    assert codes(out, "hiv") == [] and incomplete(out, "hiv") is None
    assert "TES_HIV" in tx_codes(out)


def test_feeding_assessed_below_24_months_or_with_anaemia() -> None:
    assert codes(classify(normal("2022", 23, masalah_pemberian_makan=True)),
                 "pemberian_makan") == ["MASALAH_PEMBERIAN_MAKAN"]
    assert codes(classify(normal("2022", 24, masalah_pemberian_makan=True)),
                 "pemberian_makan") == []
    assert codes(classify(normal("2022", 24, masalah_pemberian_makan=True,
                                 kepucatan="agak_pucat")),
                 "pemberian_makan") == ["MASALAH_PEMBERIAN_MAKAN"]
