"""The §7 output contract of case-format.md: the worked example, shape, codes, ordering."""
from __future__ import annotations

import json
import re

import pytest
from casebuild import codes, normal, tx_codes

from mtbs_tui.rules import classify
from mtbs_tui.rules.codes import CLASSIFICATIONS, TREATMENTS
from mtbs_tui.rules.vocabulary import MODULES

EXAMPLE_CASE = {
    "visit_date": "2025-03-10", "birth_date": "2024-03-12", "sex": "L", "weight_kg": 9.0,
    "length_cm": 72.0, "muac_cm": 13.5, "head_circumference_cm": 45.0, "temperature_c": 36.8,
    "malaria_area": "non_endemis",
    "findings": {
        **dict.fromkeys(["tidak_bisa_minum", "memuntahkan_semua", "riwayat_kejang", "sedang_kejang",
                         "tidak_berinteraksi", "rewel_tidak_dapat_ditenangkan", "tatapan_kosong",
                         "tidak_bersuara_atau_tangis_melengking", "tarikan_dinding_dada",
                         "stridor", "napas_cuping_hidung", "mencari_posisi_nyaman", "kulit_pucat",
                         "sianosis", "kutis_marmorata", "diare", "demam", "masalah_telinga",
                         "masalah_pemberian_makan"], False),
        "batuk": True, "napas_per_menit": 50, "edema": "tidak", "zskor_bb_pb": 0.1,
        "zskor_pb_u": 0.2, "zskor_lk_u": 0.0, "kepucatan": "tidak",
        "imunisasi_diterima": ["hb0", "bcg", "polio_1", "polio_2", "polio_3", "polio_4",
                               "dpt_hb_hib_1", "dpt_hb_hib_2", "dpt_hb_hib_3", "ipv_1", "ipv_2",
                               "pcv_1", "pcv_2", "rotavirus_1", "rotavirus_2", "rotavirus_3",
                               "campak_rubela_1"],
        "vitamin_a_6_bulan_terakhir": True,
    },
}


def test_worked_example_of_section_7() -> None:
    out = classify(EXAMPLE_CASE)
    assert out["chart"] == "2022" and out["pathway"] == "balita"
    assert out["age"] == {"days": 363, "months": 11}
    assert [(c["module"], c["code"], c["label"], c["colour"], c["rule"]) for c in
            out["classifications"]] == [
        ("tanda_bahaya", "STABIL", "STABIL", "hijau", "2022.tanda_bahaya.STABIL"),
        ("batuk", "PNEUMONIA", "PNEUMONIA", "kuning", "2022.batuk.PNEUMONIA"),
        ("gizi", "GIZI_BAIK", "GIZI BAIK", "hijau", "2022.gizi.GIZI_BAIK"),
        ("pertumbuhan", "PERTUMBUHAN_NORMAL", "NORMAL", "hijau",
         "2022.pertumbuhan.PERTUMBUHAN_NORMAL"),
        ("lingkar_kepala", "LINGKAR_KEPALA_NORMAL", "NORMAL", "hijau",
         "2022.lingkar_kepala.LINGKAR_KEPALA_NORMAL"),
        ("anemia", "TIDAK_ANEMIA", "TIDAK ANEMIA", "hijau", "2022.anemia.TIDAK_ANEMIA")]
    by = {c["code"]: c["because"] for c in out["classifications"]}
    assert by["STABIL"][:5] == ["tidak_bisa_minum", "memuntahkan_semua", "riwayat_kejang",
                                "sedang_kejang", "tidak_berinteraksi"]
    assert by["PNEUMONIA"] == ["napas_per_menit"]
    assert by["GIZI_BAIK"] == ["zskor_bb_pb", "muac_cm", "edema"]
    assert by["PERTUMBUHAN_NORMAL"] == ["zskor_pb_u"]
    assert by["TIDAK_ANEMIA"] == ["kepucatan"]
    assert out["incomplete"] == [{"module": "hiv", "missing": [
        "tes_hiv_ibu", "tes_virologi_anak", "tes_serologi_anak",
        "masih_menyusu_atau_baru_berhenti"]}]
    assert out["refer_urgently"] is False
    assert out["follow_up_days"] == 2
    assert out["treatments"] == [
        {"code": "AMOKSISILIN", "label": "Amoksisilin oral",
         "dose": "¾ tablet 500 mg, 2 kali sehari selama 3 hari"},
        {"code": "PELEGA_TENGGOROKAN", "label": "Pelega tenggorokan dan pereda batuk yang aman",
         "dose": None},
        {"code": "NASIHAT_KEMBALI_SEGERA", "label": "Nasihati kapan kembali segera", "dose": None}]


def test_output_is_json_with_exactly_the_contract_fields() -> None:
    out = classify(normal("2022", 18, batuk=True, napas_per_menit=45))
    assert list(out) == ["chart", "pathway", "age", "classifications", "incomplete",
                         "refer_urgently", "follow_up_days", "treatments"]
    json.dumps(out)  # serialisable
    for c in out["classifications"]:
        assert list(c) == ["module", "code", "label", "colour", "rule", "because"]
    for t in out["treatments"]:
        assert list(t) == ["code", "label", "dose"]


@pytest.mark.parametrize("chart", ["2022", "2015"])
def test_codes_labels_colours_come_from_section_8(chart: str) -> None:
    out = classify(normal(chart, 30, batuk=True, tarikan_dinding_dada=True, diare=True,
                          diare_hari=15, keadaan_umum="letargis_tidak_sadar", mata_cekung=True,
                          kemampuan_minum="normal", cubitan_kulit_perut="segera",
                          darah_dalam_tinja=True))
    table = CLASSIFICATIONS["balita"]
    for c in out["classifications"]:
        assert table[c["code"]].label == c["label"]
        assert table[c["code"]].colour == c["colour"]
        assert table[c["code"]].module == c["module"]
        assert re.fullmatch(rf"{chart}\.{c['module']}\.{c['code']}(\.[a-z0-9_]+)?", c["rule"])
    for t in out["treatments"]:
        assert t["code"] in TREATMENTS


def test_classifications_follow_chart_module_order() -> None:
    out = classify(normal("2022", 30, batuk=True, napas_per_menit=45, diare=True, diare_hari=3,
                          keadaan_umum="normal", mata_cekung=False, kemampuan_minum="normal",
                          cubitan_kulit_perut="segera", darah_dalam_tinja=False,
                          masalah_telinga=True, nyeri_telinga=True,
                          bengkak_nyeri_belakang_telinga=False, keluar_cairan_telinga=False,
                          rasa_penuh_telinga=False, kepucatan="agak_pucat"))
    pos = {m.id: i for i, m in enumerate(MODULES)}
    order = [pos[c["module"]] for c in out["classifications"]]
    assert order == sorted(order)
    assert codes(out, "diare") == ["DIARE_TANPA_DEHIDRASI"]


def test_rujuk_segera_is_last_and_only_merah_treatments_remain() -> None:
    out = classify(normal("2022", 30, batuk=True, tarikan_dinding_dada=True, napas_per_menit=60,
                          kepucatan="agak_pucat", obat_cacing_6_bulan_terakhir=False))
    assert out["refer_urgently"] is True
    tx = tx_codes(out)
    assert tx[-1] == "RUJUK_SEGERA"
    # ANEMIA (kuning) would give iron and deworming: they would delay the referral (G5).
    assert "ZAT_BESI" not in tx and "OBAT_CACING" not in tx
    assert "NASIHAT_KEMBALI_SEGERA" not in tx
    assert {"AMPISILIN_IM", "GENTAMISIN_IM", "OKSIGEN"} <= set(tx)


def test_treatments_are_unique_and_doses_joined() -> None:
    # PNEUMONIA and INFEKSI_TELINGA_AKUT both give AMOKSISILIN with different doses (§9).
    out = classify(normal("2015", 30, batuk=True, napas_per_menit=45,
                          masalah_telinga=True, nyeri_telinga=True, rasa_penuh_telinga=False,
                          keluar_cairan_telinga=False, bengkak_nyeri_belakang_telinga=False)
                   | {"weight_kg": 12.0})
    amox = [t for t in out["treatments"] if t["code"] == "AMOKSISILIN"]
    assert len(amox) == 1
    assert amox[0]["dose"] == ("1 ¼ tablet 500 mg, 2 kali sehari selama 3 hari; "
                               "⅔ tablet 500 mg, 2 kali sehari selama 7 hari")
    assert len(tx_codes(out)) == len(set(tx_codes(out)))


def test_rujuk_appears_once_per_reason() -> None:
    out = classify(normal("2022", 30, batuk=True, napas_per_menit=30, batuk_hari=20, demam=True,
                          demam_hari=9, kaku_kuduk=False, bepergian_daerah_malaria="tidak"))
    rujuk = [t["label"] for t in out["treatments"] if t["code"] == "RUJUK"]
    assert len(rujuk) == 2 and len(set(rujuk)) == 2


def test_deterministic_repeat() -> None:
    case = normal("2022", 20, batuk=True, tarikan_dinding_dada=True)
    assert json.dumps(classify(case)) == json.dumps(classify(case))
