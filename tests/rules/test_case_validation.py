"""§10 errors: one Indonesian line naming the field, exit 2 from the command, never a traceback."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from casebuild import normal

from mtbs_tui.rules import CaseError, classify
from mtbs_tui.rules.age import add_months, completed_months
from mtbs_tui.rules.vocabulary import parse_value


def _err(case, chart=None) -> CaseError:
    with pytest.raises(CaseError) as info:
        classify(case, chart=chart)
    return info.value


def _with(**findings) -> dict:
    return normal("2022", 18, **findings)


@pytest.mark.parametrize("case,line", [
    (_with(napas_per_menit=200), "galat: findings.napas_per_menit: nilai 200 di luar rentang 5–150"),
    (_with(cubitan_kulit_perut="pelan"),
     'galat: findings.cubitan_kulit_perut: nilai "pelan" tidak dikenal '
     "(pilihan: segera, lambat, sangat_lambat)"),
    (_with(napas_permenit=40), "galat: findings.napas_permenit: kunci temuan tidak dikenal"),
    (_with(napas_per_menit=50.0),
     "galat: findings.napas_per_menit: nilai 50,0 harus bilangan bulat (tanpa desimal)"),
    (_with(batuk="ya"), 'galat: findings.batuk: nilai "ya" harus true atau false'),
    (_with(imunisasi_diterima=["bcg", "bcg"]),
     'galat: findings.imunisasi_diterima: nilai "bcg" tercantum lebih dari sekali'),
    (_with(spo2=49), "galat: findings.spo2: nilai 49 di luar rentang 50–100"),
])
def test_bad_finding_values(case: dict, line: str) -> None:
    assert str(_err(case)) == line


def test_bounds_are_inclusive() -> None:
    classify(_with(napas_per_menit=5))
    classify(_with(napas_per_menit=150))
    c = normal("2022", 18)
    c["weight_kg"] = 40.0
    classify(c)


def test_top_level_errors() -> None:
    c = normal("2022", 18)
    c["visit_date"] = "2020-01-01"
    c["birth_date"] = "2020-01-02"
    assert str(_err(c)) == "galat: visit_date: tanggal kunjungan sebelum tanggal lahir"
    c = normal("2022", 18)
    c["birth_date"] = "2020-06-15"  # exactly 5 years at 2025-06-15
    assert str(_err(c)) == "galat: birth_date: umur 5 tahun atau lebih, di luar cakupan MTBS"
    c["birth_date"] = "2020-06-16"  # one day short of 5 years: 59 months
    assert classify(c)["age"]["months"] == 59
    for key in ("visit_date", "birth_date", "findings"):
        c = normal("2022", 18)
        del c[key]
        assert _err(c).field == key
    c = normal("2022", 18)
    c["umur"] = 3
    assert _err(c).field == "umur"
    c = normal("2022", 18)
    c["visit_date"] = "15-06-2025"
    assert _err(c).field == "visit_date"
    c["visit_date"] = "2025-02-30"
    assert _err(c).field == "visit_date"
    c = normal("2022", 18)
    c["weight_kg"] = 0.4
    assert str(_err(c)) == "galat: weight_kg: nilai 0,4 di luar rentang 0,5–40,0"
    c = normal("2022", 18)
    c["chart"] = "2019"
    assert _err(c).field == "chart"
    assert _err(normal("2022", 18), chart="2019").field == "--chart"
    c = normal("2022", 18)
    c["chart"] = None
    assert classify(c)["chart"] == "2022"


def test_zscore_outside_six_is_an_input_error() -> None:
    with pytest.raises(CaseError) as info:
        classify(_with(zskor_bb_pb=6.5))
    assert info.value.field == "findings.zskor_bb_pb"


def test_completed_months_examples_of_section_3() -> None:
    d = dt.date.fromisoformat
    assert completed_months(d("2024-01-31"), d("2024-02-29")) == 1
    assert completed_months(d("2024-06-15"), d("2025-06-14")) == 11
    assert add_months(d("2024-01-31"), 1) == d("2024-02-29")
    # Born 31 March, seen 30 May: day 60, one completed month, a balita.
    c = normal("2022", 18)
    c["birth_date"], c["visit_date"] = "2025-03-31", "2025-05-30"
    out = classify(c)
    assert out["age"] == {"days": 60, "months": 1} and out["pathway"] == "balita"
    c["visit_date"] = "2025-05-29"
    c["weight_kg"] = 4.5
    assert classify(c)["pathway"] == "bayi_muda"


def test_parse_value_for_forms() -> None:
    assert parse_value("temperature_c", "37,5") == 37.5
    assert parse_value("batuk", "ya") is True and parse_value("batuk", "Tidak") is False
    assert parse_value("napas_per_menit", "") is None
    assert parse_value("cubitan_kulit_perut", "Sangat lambat (lebih dari 2 detik)") == "sangat_lambat"
    assert parse_value("visit_date", "15-06-2025") == "2025-06-15"
    with pytest.raises(CaseError) as info:
        parse_value("napas_per_menit", "200")
    assert info.value.message == "Frekuensi napas: nilai 200 di luar rentang 5–150"
    with pytest.raises(CaseError) as info:
        parse_value("napas_per_menit", "4a")
    assert "5–150" in info.value.message and info.value.field == "findings.napas_per_menit"


# ---- the command as a whole process -----------------------------------------------------------

def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mtbs_tui.cli", "classify", *args],
                          capture_output=True, timeout=60)


def test_cli_success_and_errors(tmp_path: Path) -> None:
    from mtbs_tui.commands.classify import run  # noqa: F401  (the body the Typer app calls)

    good = tmp_path / "kasus.json"
    good.write_text(json.dumps(normal("2015", 30, batuk=True, napas_per_menit=45)), "utf-8")
    bad = tmp_path / "salah.json"
    bad.write_text(json.dumps(_with(napas_per_menit=200)), "utf-8")
    notjson = tmp_path / "rusak.json"
    notjson.write_text("{bukan json", "utf-8")
    array = tmp_path / "array.json"
    array.write_text("[]", "utf-8")
    p = _run(str(good), "--chart", "2022")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout.decode("utf-8"))
    assert out["chart"] == "2022" and p.stderr == b""
    for path, field in ((bad, "findings.napas_per_menit"), (notjson, "berkas"),
                        (array, "berkas"), (tmp_path / "tidak-ada.json", "berkas")):
        p = _run(str(path))
        err = p.stderr.decode("utf-8")
        assert p.returncode == 2, err
        assert p.stdout == b""
        assert err.count("\n") == 1 and err.startswith(f"galat: {field}: "), err
        assert "Traceback" not in err
    p = _run(str(good), "--chart", "2019")
    assert p.returncode == 2 and p.stdout == b""
    assert p.stderr.decode().startswith("galat: ")
