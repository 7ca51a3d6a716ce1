"""Scoring a trainee's answer against the engine (issue 19 item 2)."""

from __future__ import annotations

import json

import pytest

from mtbs_tui.latihan import library
from mtbs_tui.latihan.scoring import (
    AREAS,
    Answer,
    classification_choices,
    correct_answer,
    dose_choices,
    score,
    treatment_choices,
)

PNEUMONIA = library.by_id("b22-01-pneumonia").case


def test_the_charts_own_answer_scores_100_on_every_case():
    for case in library.load():
        result = score(case.case, correct_answer(case.case))
        assert result.percent == 100.0, (case.id, result.differences)
        assert result.differences == ()
        assert [a.area for a in result.areas] == list(AREAS)


def _answer(**changes):
    right = correct_answer(PNEUMONIA)
    fields = dict(classifications=right.classifications, treatments=dict(right.treatments),
                  follow_up_days=right.follow_up_days, recorded=right.recorded)
    fields.update(changes)
    return Answer(**fields)


def test_a_wrong_classification_and_a_wrong_dose_are_named_with_the_deciding_finding():
    right = correct_answer(PNEUMONIA)
    wrong_dose = next(d for d in dose_choices(PNEUMONIA, "AMOKSISILIN") if d != right.treatments["AMOKSISILIN"])
    codes = tuple("PNEUMONIA_BERAT" if c == "PNEUMONIA" else c for c in right.classifications)
    result = score(PNEUMONIA, _answer(classifications=codes,
                                      treatments={**right.treatments, "AMOKSISILIN": wrong_dose}))
    cls = [d for d in result.differences if d.area == "klasifikasi"]
    dose = [d for d in result.differences if d.area == "dosis"]
    assert len(cls) == 1 and len(dose) == 1
    assert cls[0].rule == "2022.batuk.PNEUMONIA" and cls[0].because == ("napas_per_menit",)
    assert "Anda PNEUMONIA BERAT, bagan PNEUMONIA" in cls[0].text and "Frekuensi napas: 54 kali/menit" in cls[0].text
    assert dose[0].because == ("weight_kg",) and "9,6 kg" in dose[0].text and wrong_dose in dose[0].text
    assert result.area("klasifikasi").correct == 5 and result.area("klasifikasi").total == 7
    assert result.area("dosis").percent == 0.0
    assert result.missed_rules == ("2022.batuk.PNEUMONIA",)
    assert 0 < result.percent < 100


def test_only_recorded_findings_that_change_the_result_count_against_the_assessment():
    findings = dict(PNEUMONIA["findings"])
    findings["batuk_hari"] = 4  # read by no classification row: no difference
    findings["napas_per_menit"] = 44  # decides PNEUMONIA: a difference
    result = score(PNEUMONIA, _answer(recorded={**PNEUMONIA, "findings": findings}))
    texts = [d.text for d in result.differences if d.area == "penilaian"]
    assert texts == ["Penilaian Frekuensi napas: Anda mencatat 44 kali/menit, kasus: 54 kali/menit"]
    assert result.area("penilaian").correct == result.area("penilaian").total - 1


def test_a_missed_and_an_extra_treatment_and_the_follow_up():
    right = correct_answer(PNEUMONIA)
    tx = {k: v for k, v in right.treatments.items() if k != "AMOKSISILIN"}
    tx["ZAT_BESI"] = None
    result = score(PNEUMONIA, _answer(treatments=tx, follow_up_days=5))
    texts = [d.text for d in result.differences]
    assert any(t.startswith("Tindakan terlewat: Amoksisilin oral (2022.batuk.PNEUMONIA") for t in texts)
    assert "Tindakan tidak sesuai bagan: Zat besi" in texts
    assert "Kunjungan ulang: Anda 5 hari, bagan 2 hari (PNEUMONIA, 2022.batuk.PNEUMONIA)" in texts
    assert result.area("dosis").total == 0  # a treatment not chosen has no dose to judge


def test_choices_offer_the_right_answer_among_others():
    right = correct_answer(PNEUMONIA)
    doses = dose_choices(PNEUMONIA, "AMOKSISILIN")
    assert right.treatments["AMOKSISILIN"] in doses and 2 <= len(doses) <= 5
    offered = treatment_choices(PNEUMONIA, right.classifications)
    assert set(right.treatments) <= set(offered) and len(offered) > len(right.treatments) + 3
    assert classification_choices("balita", "2022", "batuk") == ["PNEUMONIA_BERAT", "PNEUMONIA",
                                                                 "BATUK_BUKAN_PNEUMONIA"]
    assert "GIZI_NORMAL" in classification_choices("balita", "2015", "gizi")
    assert "GIZI_BAIK" not in classification_choices("balita", "2015", "gizi")


@pytest.mark.parametrize("case", library.load()[:8], ids=lambda c: c.id)
def test_every_expected_dose_is_among_the_choices(case):
    right = correct_answer(case.case)
    for code, dose in right.treatments.items():
        if dose:
            assert dose in dose_choices(case.case, code)


def test_answer_and_score_round_trip_through_json():
    answer = _answer(follow_up_days=None)
    again = Answer.from_json(json.loads(json.dumps(answer.to_json())))
    assert again == Answer(answer.classifications, dict(answer.treatments), None, json.loads(json.dumps(PNEUMONIA)))
    data = score(PNEUMONIA, again).to_json()
    assert data["areas"]["kunjungan_ulang"] == {"correct": 0, "total": 1}
    assert json.dumps(data)


def test_the_chart_row_reads_in_the_form_labels_not_the_finding_keys() -> None:
    """A trainee reads 'Tidak bisa minum atau menyusu', not 'tidak_bisa_minum'; a value key reads
    as words ('sangat lambat'); a row written in words stays as it is."""
    import re

    from mtbs_tui.latihan import scoring

    stable = scoring.rule_text("balita", "2022", "2022.tanda_bahaya.STABIL")
    assert "Tidak bisa minum atau menyusu" in stable and "Pengisian kapiler lebih dari 2 detik" in stable
    dehydration = scoring.rule_text("balita", "2022", "2022.diare.DIARE_DEHIDRASI_BERAT")
    assert "Cubitan kulit perut kembali = sangat lambat" in dehydration
    for rule in (stable, dehydration, scoring.rule_text("balita", "2022", "2022.gizi.GIZI_BAIK")):
        assert not re.search(r"[A-Za-z]_[A-Za-z]", rule), rule
    assert scoring.rule_text("balita", "2022", "2022.batuk.PNEUMONIA") == (
        "napas cepat (≥ 50/menit umur 2–<12 bulan; ≥ 40/menit umur ≥ 12 bulan)")
