"""docs/chart.md is generated from the tables; advice lists for the mother."""
from __future__ import annotations

from pathlib import Path

from casebuild import normal

from mtbs_tui.rules import classify
from mtbs_tui.rules.advice import advice_for
from mtbs_tui.rules.chartdoc import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "chart.md"


def _without_bayi_muda(text: str) -> str:
    # The bayi muda tables are another helper's and change on their own schedule; this test
    # guards the balita tables, doses and settings exactly.
    start = text.find("## Bayi muda")
    end = text.find("## Tabel dosis")
    return text if start < 0 else text[:start] + text[end:]


def test_chart_md_is_generated_from_the_tables() -> None:
    fresh = render()
    assert _without_bayi_muda(DOC.read_text("utf-8")) == _without_bayi_muda(fresh), (
        "docs/chart.md is stale: .venv/bin/python -m mtbs_tui.rules.chartdoc > docs/chart.md")


def test_chart_md_lists_every_balita_rule_and_setting() -> None:
    text = render()
    for rid in ("2022.tanda_bahaya.GAGAL_JANTUNG_PARU", "2015.dengue.MUNGKIN_DBD",
                "2022.demam_malaria.PENYAKIT_BERAT_DENGAN_DEMAM.non_endemis",
                "2022.gizi.GIZI_BURUK_DENGAN_KOMPLIKASI.bawah_6_bulan",
                "2015.hiv.DIDUGA_TERINFEKSI_HIV"):
        assert f"`{rid}`" in text
    for name in ("spo2_pneumonia_berat_2022", "hb_anemia_berat_g_dl", "imunisasi_je"):
        assert f"`{name}`" in text


def test_advice_follows_the_classifications() -> None:
    out = classify(normal("2022", 18, batuk=True, napas_per_menit=45))
    adv = advice_for(out)
    assert "Napas menjadi cepat" in adv.kembali_segera
    assert "Ada darah dalam tinja" not in adv.kembali_segera
    assert adv.kunjungan_ulang == "Kembali untuk kunjungan ulang dalam 2 hari"
    assert adv.rujuk_segera is False
    out = classify(normal("2022", 18, batuk=True, tarikan_dinding_dada=True))
    adv = advice_for(out)
    assert adv.rujuk_segera and adv.nasihat[0].startswith("Segera bawa anak")


def test_no_fever_return_sign_for_a_child_with_fever_and_finish_only_a_course() -> None:
    from mtbs_tui.rules.advice import FINISH_THE_COURSE

    for chart in ("2015", "2022"):
        # Fever: "come back if fever develops" is not said; paracetamol only
        # is not a course to finish.
        out = classify(normal(chart, 18, demam=True, demam_hari=2, bepergian_daerah_malaria="tidak",
                              kaku_kuduk=False, hasil_tes_malaria="negatif", penyebab_demam_lain=False))
        adv = advice_for(out)
        assert "Anak timbul demam" not in adv.kembali_segera
        if not any(t["code"] in {"DHP", "PRIMAKUIN", "AMOKSISILIN"} for t in out["treatments"]):
            assert FINISH_THE_COURSE not in adv.nasihat, out["treatments"]
        # Cough with fast breathing, no fever: the fever sign is said; amoxicillin is a course.
        out = classify(normal(chart, 18, batuk=True, napas_per_menit=45))
        adv = advice_for(out)
        assert "Anak timbul demam" in adv.kembali_segera
        assert FINISH_THE_COURSE in adv.nasihat
