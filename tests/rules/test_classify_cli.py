"""`mtbs classify CASE.json [--chart 2022|2015]` (spec §7, §10).

Bad input: exit 2, nothing on stdout, exactly one line on stderr that starts "galat: " and names
the field (`findings.<key>` or the top-level name), never a traceback. Valid input: exit 0 and one
JSON object; the spec §7 example reproduces its documented output.

The spec §7 example and a few bad inputs of each kind go through the real console script (`real`):
its exit status, stderr of a real process, UTF-8 output to a pipe. The other cases run the same entry
point in this process (`run`, cli_login.mtbs_here): a new interpreter per case cost 0.5 s.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cli_login import mtbs_cli, mtbs_here

OK = {"visit_date": "2025-06-15", "birth_date": "2024-01-05", "findings": {}}


def run(args: list[str]) -> subprocess.CompletedProcess:
    return mtbs_here(None, *args)


def real(args: list[str]) -> subprocess.CompletedProcess:
    return mtbs_cli(*args, env={"PYTHONIOENCODING": "utf-8"}, encoding="utf-8", timeout=60)


def write(tmp_path: Path, content: Any, raw: bool = False) -> Path:
    p = tmp_path / "kasus.json"
    p.write_text(content if raw else json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return p


def with_(top: dict | None = None, drop: tuple[str, ...] = (), **findings: Any) -> dict:
    c = json.loads(json.dumps(OK))
    for k in drop:
        c.pop(k, None)
    c.update(top or {})
    if "findings" in c and isinstance(c["findings"], dict):
        c["findings"].update(findings)
    return c


def assert_galat(proc: subprocess.CompletedProcess, field: str | None) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stdout == "", proc.stdout
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    line = lines[0]
    assert line.startswith("galat: "), line
    if field is not None:
        assert line.startswith(f"galat: {field}:") or line.startswith(f"galat: {field} "), line
    return line


# (id, case JSON (dict, or raw text), field the message must name)
BAD: list[tuple[str, Any, str]] = [
    # unknown keys
    ("unknown finding key", with_(napas_permenit=40), "findings.napas_permenit"),
    ("unknown top-level field", with_({"berat": 9.0}), "berat"),
    ("typo of a bayi muda key", with_(spo2_tangan=98), "findings.spo2_tangan"),
    # required fields
    ("missing visit_date", with_(drop=("visit_date",)), "visit_date"),
    ("missing birth_date", with_(drop=("birth_date",)), "birth_date"),
    ("missing findings", with_(drop=("findings",)), "findings"),
    ("findings null", with_({"findings": None}), "findings"),
    ("visit_date null", with_({"visit_date": None}), "visit_date"),
    ("findings not an object", with_({"findings": []}), "findings"),
    # wrong types
    ("50.0 for an int", with_(napas_per_menit=50.0), "findings.napas_per_menit"),
    ("string for an int", with_(napas_per_menit="50"), "findings.napas_per_menit"),
    ("true for an int", with_(napas_per_menit=True), "findings.napas_per_menit"),
    ("14.0 days for an int", with_(diare_hari=14.0), "findings.diare_hari"),
    ("90.0 for int spo2", with_(spo2=90.0), "findings.spo2"),
    ('"ya" for a bool', with_(batuk="ya"), "findings.batuk"),
    ("1 for a bool", with_(batuk=1), "findings.batuk"),
    ('"true" for a bool', with_(demam="true"), "findings.demam"),
    ("string for a number", with_({"weight_kg": "9.0"}), "weight_kg"),
    ("bool for a number", with_({"weight_kg": True}), "weight_kg"),
    ("string for a number finding", with_(hb_g_dl="8"), "findings.hb_g_dl"),
    ("duplicate in a set", with_(imunisasi_diterima=["bcg", "bcg"]), "findings.imunisasi_diterima"),
    ("set given as a string", with_(imunisasi_diterima="bcg"), "findings.imunisasi_diterima"),
    ("unlisted set value", with_(imunisasi_diterima=["bcg", "campak"]), "findings.imunisasi_diterima"),
    ("unlisted indikasi value", with_(indikasi_tes_hiv=["tb"]), "findings.indikasi_tes_hiv"),
    ("number for a date", with_({"visit_date": 20250615}), "visit_date"),
    # ranges (bounds inclusive)
    ("RR 200", with_(napas_per_menit=200), "findings.napas_per_menit"),
    ("RR 4", with_(napas_per_menit=4), "findings.napas_per_menit"),
    ("RR 151", with_(napas_per_menit=151), "findings.napas_per_menit"),
    ("recount 151", with_(napas_per_menit_ulang=151), "findings.napas_per_menit_ulang"),
    ("spo2 49", with_(spo2=49), "findings.spo2"),
    ("spo2 101", with_(spo2=101), "findings.spo2"),
    ("weight 0.4", with_({"weight_kg": 0.4}), "weight_kg"),
    ("weight 40.1", with_({"weight_kg": 40.1}), "weight_kg"),
    ("length 29.9", with_({"length_cm": 29.9}), "length_cm"),
    ("length 125.1", with_({"length_cm": 125.1}), "length_cm"),
    ("muac 5.9", with_({"muac_cm": 5.9}), "muac_cm"),
    ("muac 25.1", with_({"muac_cm": 25.1}), "muac_cm"),
    ("head 19.9", with_({"head_circumference_cm": 19.9}), "head_circumference_cm"),
    ("temperature 29.9", with_({"temperature_c": 29.9}), "temperature_c"),
    ("temperature 43.1", with_({"temperature_c": 43.1}), "temperature_c"),
    ("diare_hari 366", with_(diare_hari=366), "findings.diare_hari"),
    ("demam_hari -1", with_(demam_hari=-1), "findings.demam_hari"),
    ("hb 1.9", with_(hb_g_dl=1.9), "findings.hb_g_dl"),
    ("hb 20.1", with_(hb_g_dl=20.1), "findings.hb_g_dl"),
    ("zskor_bb_pb -6.01", with_(zskor_bb_pb=-6.01), "findings.zskor_bb_pb"),
    ("zskor_pb_u 6.01", with_(zskor_pb_u=6.01), "findings.zskor_pb_u"),
    ("leukocytes 200001", with_(leukosit_per_ul=200001), "findings.leukosit_per_ul"),
    # enums
    ("bad enum cubitan", with_(cubitan_kulit_perut="pelan"), "findings.cubitan_kulit_perut"),
    ("bad enum keadaan_umum", with_(keadaan_umum="gelisah"), "findings.keadaan_umum"),
    ("bad enum edema", with_(edema="+4"), "findings.edema"),
    ("bad enum tes_serologi_anak", with_(tes_serologi_anak="positif"), "findings.tes_serologi_anak"),
    ("bad sex", with_({"sex": "M"}), "sex"),
    ("bad malaria_area", with_({"malaria_area": "endemis"}), "malaria_area"),
    ("bad length_position", with_({"length_position": "duduk"}), "length_position"),
    ("bad chart in the case", with_({"chart": "2019"}), "chart"),
    ("chart as a number", with_({"chart": 2022}), "chart"),
    # dates and age
    ("visit_date month 13", with_({"visit_date": "2025-13-01"}), "visit_date"),
    ("visit_date with slashes", with_({"visit_date": "2025/06/15"}), "visit_date"),
    ("birth_date day-month-year", with_({"birth_date": "05-01-2024"}), "birth_date"),
    ("birth_date not zero-padded", with_({"birth_date": "2024-1-5"}), "birth_date"),
    ("birth_date 30 February", with_({"birth_date": "2024-02-30"}), "birth_date"),
    ("visit_date with a time", with_({"visit_date": "2025-06-15T10:00"}), "visit_date"),
    ("visit before birth", with_({"visit_date": "2024-01-04"}), "visit_date"),
    ("age exactly 5 years", with_({"birth_date": "2020-06-15"}), "birth_date"),
    ("60 completed months through month end", with_({"birth_date": "2020-02-29", "visit_date": "2025-02-28"}),
     "birth_date"),
]


@pytest.mark.parametrize("content, field", [pytest.param(c, f, id=i) for i, c, f in BAD])
def test_bad_case_file(tmp_path: Path, content: Any, field: str) -> None:
    assert_galat(run(["classify", str(write(tmp_path, content))]), field)


# One of each kind through the real `mtbs` process (the console script, not only its function).
REAL = ("unknown finding key", "string for an int", "RR 200", "age exactly 5 years")


@pytest.mark.parametrize("content, field", [pytest.param(c, f, id=i) for i, c, f in BAD if i in REAL])
def test_bad_case_file_through_the_console_script(tmp_path: Path, content: Any, field: str) -> None:
    assert_galat(real(["classify", str(write(tmp_path, content))]), field)


def test_not_json_and_a_missing_file_through_the_console_script(tmp_path: Path) -> None:
    assert_galat(real(["classify", str(write(tmp_path, "{", raw=True))]), None)
    assert_galat(real(["classify", str(tmp_path / "tidak-ada.json")]), None)


def test_range_message_follows_spec_example(tmp_path: Path) -> None:
    line = assert_galat(run(["classify", str(write(tmp_path, with_(napas_per_menit=200)))]),
                        "findings.napas_per_menit")
    assert "200" in line and "150" in line


def test_computed_z_score_outside_6_names_the_measurements(tmp_path: Path) -> None:
    """Spec §3/§10: a computed z-score outside -6..+6 is an input error naming the measurements."""
    c = {"visit_date": "2025-06-15", "birth_date": "2024-06-05", "sex": "L", "weight_kg": 3.0,
         "length_cm": 75.0, "findings": {}}
    line = assert_galat(run(["classify", str(write(tmp_path, c)), "--chart", "2022"]), None)
    assert "weight_kg" in line or "length_cm" in line, line


@pytest.mark.parametrize("raw, name", [
    ("", "empty file"), ("{", "truncated JSON"), ("[]", "array"), ('"kasus"', "string"), ("42", "number"),
    ("null", "null"), ("{\"visit_date\": \"2025-06-15\",}", "trailing comma"), ("\x00\x01", "binary"),
])
def test_not_a_json_object(tmp_path: Path, raw: str, name: str) -> None:
    assert_galat(run(["classify", str(write(tmp_path, raw, raw=True))]), None)


def test_nan_is_not_a_number(tmp_path: Path) -> None:
    raw = '{"visit_date": "2025-06-15", "birth_date": "2024-01-05", "weight_kg": NaN, "findings": {}}'
    assert_galat(run(["classify", str(write(tmp_path, raw, raw=True))]), None)


def test_duplicate_key_in_json_object(tmp_path: Path) -> None:
    raw = ('{"visit_date": "2025-06-15", "birth_date": "2024-01-05", '
           '"findings": {"batuk": true, "batuk": false}}')
    proc = run(["classify", str(write(tmp_path, raw, raw=True))])
    # Not named by spec §10; a JSON object with a repeated key is at least not a traceback.
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 2)


def test_missing_file(tmp_path: Path) -> None:
    assert_galat(run(["classify", str(tmp_path / "tidak-ada.json")]), None)


def test_directory_instead_of_file(tmp_path: Path) -> None:
    assert_galat(run(["classify", str(tmp_path)]), None)


@pytest.mark.skipif(os.name == "nt" or (hasattr(os, "geteuid") and os.geteuid() == 0),
                    reason="root can read a chmod 000 file")
def test_unreadable_file(tmp_path: Path) -> None:
    p = write(tmp_path, OK)
    p.chmod(0)
    try:
        assert_galat(run(["classify", str(p)]), None)
    finally:
        p.chmod(0o600)


def test_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "kasus.json"
    p.write_bytes(b'{"visit_date": "2025-06-15", "birth_date": "2024-01-05", "findings": {}, "x": "\xff\xfe"}')
    assert_galat(run(["classify", str(p)]), None)


@pytest.mark.parametrize("chart", ["2019", "22", "", "2022 "])
def test_bad_chart_option(tmp_path: Path, chart: str) -> None:
    line = assert_galat(run(["classify", str(write(tmp_path, OK)), "--chart", chart]), None)
    assert "chart" in line, line


def test_missing_file_argument() -> None:
    assert_galat(run(["classify"]), None)


def test_unknown_option(tmp_path: Path) -> None:
    assert_galat(run(["classify", str(write(tmp_path, OK)), "--bagan", "2015"]), None)


# --------------------------------------------------------------------------------------------
# Valid input.
@pytest.mark.parametrize("top, findings", [
    ({"weight_kg": 0.5, "length_cm": 30.0, "muac_cm": 6.0, "head_circumference_cm": 20.0,
      "temperature_c": 30.0}, {"napas_per_menit": 5, "spo2": 50, "hb_g_dl": 2.0, "diare_hari": 0,
                               "zskor_bb_pb": -6, "leukosit_per_ul": 0}),
    ({"weight_kg": 40.0, "length_cm": 125.0, "muac_cm": 25.0, "head_circumference_cm": 60.0,
      "temperature_c": 43.0}, {"napas_per_menit": 150, "spo2": 100, "hb_g_dl": 20.0, "diare_hari": 365,
                               "zskor_bb_pb": 6, "zskor_pb_u": 6.0, "leukosit_per_ul": 200000}),
], ids=["lower bounds", "upper bounds"])
def test_range_bounds_are_inclusive(tmp_path: Path, top: dict, findings: dict) -> None:
    c = with_(top, **findings)
    c["findings"].update({"zskor_pb_u": findings.get("zskor_pb_u", 0.0), "zskor_lk_u": 0.0})
    proc = run(["classify", str(write(tmp_path, c))])
    assert proc.returncode == 0, proc.stderr
    json.loads(proc.stdout)


def test_valid_but_empty_findings_exits_0(tmp_path: Path) -> None:
    proc = run(["classify", str(write(tmp_path, OK))])
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert proc.stdout.endswith("\n") and proc.stdout.count("\n") >= 1
    out = json.loads(proc.stdout)
    assert out["chart"] == "2022" and out["pathway"] == "balita"
    assert out["incomplete"], "nothing assessed: modules must be incomplete"


def test_keys_of_other_chart_and_pathway_accepted(tmp_path: Path) -> None:
    """Spec §1: keys the selected chart or pathway does not read are accepted and ignored."""
    c = with_(None, gelisah=False, keluarga_hiv=False, merintih=False, vitamin_k1_diberikan=True,
              tidak_berinteraksi=False, distres_napas=False)
    for chart in ("2015", "2022"):
        proc = run(["classify", str(write(tmp_path, c)), "--chart", chart])
        assert proc.returncode == 0, proc.stderr


def test_null_chart_means_default(tmp_path: Path) -> None:
    proc = run(["classify", str(write(tmp_path, with_({"chart": None})))])
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["chart"] == "2022"


@pytest.mark.parametrize("case_chart, option, expected", [
    ("2022", "2015", "2015"), ("2015", "2022", "2022"), ("2015", None, "2015")])
def test_chart_option_wins(tmp_path: Path, case_chart: str, option: str | None, expected: str) -> None:
    args = ["classify", str(write(tmp_path, with_({"chart": case_chart})))]
    if option:
        args += ["--chart", option]
    proc = run(args)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["chart"] == expected


# Spec §7 example: 11 months (363 days), 9.0 kg, cough, RR 50; every other module assessed and
# normal, vaccines and vitamin A up to date, no feeding problem; HIV not entered.
SPEC_EXAMPLE = {
    "visit_date": "2025-06-13", "birth_date": "2024-06-15", "weight_kg": 9.0, "muac_cm": 14.0,
    "findings": {
        "tidak_bisa_minum": False, "memuntahkan_semua": False, "riwayat_kejang": False,
        "sedang_kejang": False, "tidak_berinteraksi": False, "rewel_tidak_dapat_ditenangkan": False,
        "tatapan_kosong": False, "tidak_bersuara_atau_tangis_melengking": False,
        "tarikan_dinding_dada": False, "stridor": False, "napas_cuping_hidung": False,
        "mencari_posisi_nyaman": False, "kulit_pucat": False, "sianosis": False, "kutis_marmorata": False,
        "batuk": True, "napas_per_menit": 50,
        "diare": False, "demam": False, "masalah_telinga": False,
        "edema": "tidak", "zskor_bb_pb": 0.0, "zskor_pb_u": 0.0, "zskor_lk_u": 0.0,
        "kepucatan": "tidak",
        "imunisasi_diterima": ["hb0", "bcg", "polio_1", "polio_2", "polio_3", "polio_4", "dpt_hb_hib_1",
                               "dpt_hb_hib_2", "dpt_hb_hib_3", "ipv_1", "ipv_2", "pcv_1", "pcv_2",
                               "rotavirus_1", "rotavirus_2", "rotavirus_3", "campak_rubela_1"],
        "vitamin_a_6_bulan_terakhir": True,
        "masalah_pemberian_makan": False,
    },
}


@pytest.fixture(scope="module")
def spec_example_output(tmp_path_factory: pytest.TempPathFactory) -> dict:
    p = tmp_path_factory.mktemp("contoh") / "contoh.json"
    p.write_text(json.dumps(SPEC_EXAMPLE), encoding="utf-8")
    proc = real(["classify", str(p)])
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert proc.stdout.endswith("\n")
    return json.loads(proc.stdout)


def test_spec_example_header(spec_example_output: dict) -> None:
    out = spec_example_output
    assert out["chart"] == "2022"
    assert out["pathway"] == "balita"
    assert out["age"] == {"days": 363, "months": 11}


def test_spec_example_classifications(spec_example_output: dict) -> None:
    got = [(c["module"], c["code"], c["label"], c["colour"]) for c in spec_example_output["classifications"]]
    assert got == [
        ("tanda_bahaya", "STABIL", "STABIL", "hijau"),
        ("batuk", "PNEUMONIA", "PNEUMONIA", "kuning"),
        ("gizi", "GIZI_BAIK", "GIZI BAIK", "hijau"),
        ("pertumbuhan", "PERTUMBUHAN_NORMAL", "NORMAL", "hijau"),
        ("lingkar_kepala", "LINGKAR_KEPALA_NORMAL", "NORMAL", "hijau"),
        ("anemia", "TIDAK_ANEMIA", "TIDAK ANEMIA", "hijau"),
    ]


def test_spec_example_because(spec_example_output: dict) -> None:
    by = {c["code"]: c["because"] for c in spec_example_output["classifications"]}
    assert by["PNEUMONIA"] == ["napas_per_menit"]
    assert set(by["GIZI_BAIK"]) == {"zskor_bb_pb", "muac_cm", "edema"}
    assert by["PERTUMBUHAN_NORMAL"] == ["zskor_pb_u"]
    assert by["LINGKAR_KEPALA_NORMAL"] == ["zskor_lk_u"]
    assert by["TIDAK_ANEMIA"] == ["kepucatan"]
    assert by["STABIL"][:5] == ["tidak_bisa_minum", "memuntahkan_semua", "riwayat_kejang", "sedang_kejang",
                                "tidak_berinteraksi"]


def test_spec_example_incomplete(spec_example_output: dict) -> None:
    assert spec_example_output["incomplete"] == [
        {"module": "hiv", "missing": ["tes_hiv_ibu", "tes_virologi_anak", "tes_serologi_anak",
                                      "masih_menyusu_atau_baru_berhenti"]}]


def test_spec_example_referral_and_follow_up(spec_example_output: dict) -> None:
    assert spec_example_output["refer_urgently"] is False
    assert spec_example_output["follow_up_days"] == 2


def test_spec_example_treatments(spec_example_output: dict) -> None:
    tx = spec_example_output["treatments"]
    assert [t["code"] for t in tx] == ["AMOKSISILIN", "PELEGA_TENGGOROKAN", "NASIHAT_KEMBALI_SEGERA"]
    assert tx[0]["dose"] == "¾ tablet 500 mg, 2 kali sehari selama 3 hari"
    assert tx[1]["dose"] is None and tx[2]["dose"] is None
    assert all(isinstance(t["label"], str) and t["label"] for t in tx)


# Spec §3: only the z-scores that the selected chart and pathway read are computed, so an absurd
# head circumference is an error under 2022 (LK/U) and ignored under 2015.
HEAD_20 = {"visit_date": "2025-06-15", "birth_date": "2023-06-05", "sex": "L", "head_circumference_cm": 20.0,
           "findings": {}}


def test_head_z_outside_6_is_an_error_in_2022(tmp_path: Path) -> None:
    line = assert_galat(run(["classify", str(write(tmp_path, HEAD_20)), "--chart", "2022"]), None)
    assert "head_circumference_cm" in line, line


def test_head_z_not_computed_in_2015(tmp_path: Path) -> None:
    proc = run(["classify", str(write(tmp_path, HEAD_20)), "--chart", "2015"])
    assert proc.returncode == 0, proc.stderr


def test_given_zskor_means_no_computation(tmp_path: Path) -> None:
    c = dict(HEAD_20, findings={"zskor_lk_u": 0.0})
    proc = run(["classify", str(write(tmp_path, c)), "--chart", "2022"])
    assert proc.returncode == 0, proc.stderr
