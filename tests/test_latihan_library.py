"""The practice case library (issue 19 item 1): every case classifies completely with the engine,
and together they exercise every module and every merah row of both charts. The row list comes from
the rules' own tables, never from a hand list."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from mtbs_tui.latihan import library
from mtbs_tui.rules.codes import ALL_CLEAR
from mtbs_tui.rules.engine import _load_pathways
from mtbs_tui.rules.settings import DEFAULT
from mtbs_tui.rules.table import MERAH, ModuleTable, registered
from mtbs_tui.rules.vocabulary import format_number

CASES = library.load()
RESULTS = {c.id: library.expected(c) for c in CASES}


def _specs(pathway: str, chart: str) -> list:
    _load_pathways(pathway)
    return registered(pathway, chart, DEFAULT)


def test_the_library_is_large_enough_and_covers_both_pathways_and_charts():
    assert len(CASES) >= 40
    kinds = {(c.pathway, c.chart) for c in CASES}
    assert kinds == {("balita", "2015"), ("balita", "2022"), ("bayi_muda", "2015"), ("bayi_muda", "2022")}
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_case_classifies_completely(case):
    result = RESULTS[case.id]
    assert result["pathway"] == case.pathway
    assert result["incomplete"] == [], case.id  # a practice answer is never "incomplete"
    assert result["classifications"]
    # The answer is computed, never stored with the case.
    assert not {"classifications", "treatments", "jawaban", "follow_up_days"} & set(case.case)


def test_every_module_of_both_charts_is_exercised():
    printed: dict[tuple[str, str], set[str]] = defaultdict(set)
    complete: dict[tuple[str, str], set[str]] = defaultdict(set)
    for case in CASES:
        result = RESULTS[case.id]
        key = (case.pathway, case.chart)
        printed[key] |= {c["module"] for c in result["classifications"]}
        complete[key] |= {s.module for s in _specs(*key)} - {i["module"] for i in result["incomplete"]}
    for pathway in ("balita", "bayi_muda"):
        for chart in ("2015", "2022"):
            for spec in _specs(pathway, chart):
                if isinstance(spec, ModuleTable):
                    assert spec.module in printed[(pathway, chart)], (pathway, chart, spec.module)
                else:  # a treatment-only module: assessed (complete) in at least one case
                    assert spec.module in complete[(pathway, chart)], (pathway, chart, spec.module)


def test_every_merah_row_of_both_charts_is_exercised():
    fired: dict[str, set[str]] = defaultdict(set)
    for case in CASES:
        fired[case.chart] |= {c["rule"] for c in RESULTS[case.id]["classifications"]}
    for chart in ("2015", "2022"):
        merah = {spec.rule_id(row) for pathway in ("balita", "bayi_muda") for spec in _specs(pathway, chart)
                 if isinstance(spec, ModuleTable) for table in spec.tables for row in table.rows
                 if row.colour == MERAH}
        assert len(merah) > 10
        assert merah - fired[chart] == set(), chart


def test_several_children_have_more_than_one_problem():
    def problems(result):
        return {c["module"] for c in result["classifications"] if c["code"] not in ALL_CLEAR}
    multi = [c.id for c in CASES if len(problems(RESULTS[c.id])) >= 3]
    assert len(multi) >= 4, multi


def _n(value: float) -> str:
    return format_number(float(value))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_story_states_the_numbers_of_the_findings(case):
    """What the worker counts and measures is in the story, as written in the case: weight, length,
    temperature, MUAC (from 6 months), head circumference (2022 balita), breaths per minute."""
    story, kasus, f = case.story, case.case, case.case["findings"]
    assert f"BB {_n(kasus['weight_kg'])} kg" in story
    assert f"{_n(kasus['length_cm'])} cm" in story
    assert f"suhu aksila {_n(kasus['temperature_c'])} °C" in story
    if "muac_cm" in kasus:
        assert f"LiLA {_n(kasus['muac_cm'])} cm" in story
    if "head_circumference_cm" in kasus:
        assert f"lingkar kepala {_n(kasus['head_circumference_cm'])} cm" in story
    if "napas_per_menit" in f:
        assert re.search(rf"\b{f['napas_per_menit']} kali per menit|napas {f['napas_per_menit']} kali/menit", story)
    if "hb_g_dl" in f:
        assert f"Hb {_n(f['hb_g_dl'])} g/dL" in story
    for key in ("diare_hari", "demam_hari", "batuk_hari"):
        if f.get(key) is not None and f.get(key.split("_")[0]) is True:
            assert re.search(rf"\b{f[key]} hari", story), key
    assert case.child in story


# A sign the case records as present is told in the story (a word the story must contain).
TOLD = {
    "masalah_pemberian_makan": (True, "masalah pemberian makan"), "kaku_kuduk": (True, "kaku"),
    "darah_dalam_tinja": (True, "darah"), "tampak_kuning": (True, "kuning"), "riwayat_kejang": (True, "kejang"),
    "tarikan_dinding_dada": (True, "tarikan dinding dada"), "batuk": (True, "batuk"), "diare": (True, "diare"),
    "masalah_telinga": (True, "telinga"), "pustul_kulit": (True, "pustul"), "merintih": (True, "merintih"),
    "anoreksia": (True, "tidak mau makan"), "vitamin_k1_diberikan": (False, "vitamin K1"),
    "vitamin_a_6_bulan_terakhir": (False, "Vitamin A"), "ruam_seluruh_tubuh": (True, "ruam"),
}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_story_tells_the_signs_that_are_present(case):
    f = case.case["findings"]
    for key, (value, word) in TOLD.items():
        if f.get(key) is value:
            assert word.lower() in case.story.lower(), (key, word)
    if f.get("kepucatan") not in (None, "tidak"):
        assert "pucat" in case.story
    if f.get("edema") not in (None, "tidak"):
        assert "edema" in case.story
    if f.get("tes_hiv_ibu") == "positif" or f.get("keluarga_hiv"):
        assert "HIV" in case.story and "positif" in case.story
