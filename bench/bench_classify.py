"""Benchmark of the chart engine and of `mtbs classify` as a whole process.

    .venv/bin/python bench/bench_classify.py

Figures (each as a ratio against a baseline measured in the same run):
1. classify() in-process per case (target < 1 ms), against a JSON round trip of the same case.
2. `mtbs classify CASE.json` as a process (median wall time), against a one-command Typer app
   that reads the same file and prints it (target: within 1.5x).
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mtbs_tui.rules import classify  # noqa: E402

CASES = {
    "balita 2022 lengkap (contoh §7)": {
        "visit_date": "2025-03-10", "birth_date": "2024-03-12", "sex": "L", "weight_kg": 9.0,
        "length_cm": 72.0, "muac_cm": 13.5, "head_circumference_cm": 45.0,
        "temperature_c": 38.6, "malaria_area": "tinggi",
        "findings": {
            **dict.fromkeys(["tidak_bisa_minum", "memuntahkan_semua", "riwayat_kejang",
                             "sedang_kejang", "tidak_berinteraksi", "rewel_tidak_dapat_ditenangkan",
                             "tatapan_kosong", "tidak_bersuara_atau_tangis_melengking",
                             "tarikan_dinding_dada", "stridor", "napas_cuping_hidung",
                             "mencari_posisi_nyaman", "kulit_pucat", "sianosis", "kutis_marmorata",
                             "masalah_telinga", "masalah_pemberian_makan", "kaku_kuduk",
                             "darah_dalam_tinja"], False),
            "batuk": True, "napas_per_menit": 50, "diare": True, "diare_hari": 3,
            "keadaan_umum": "gelisah_rewel", "mata_cekung": True, "kemampuan_minum": "haus_lahap",
            "cubitan_kulit_perut": "segera", "demam": True, "demam_hari": 2,
            "hasil_tes_malaria": "positif", "edema": "tidak", "kepucatan": "agak_pucat",
            "tes_hiv_ibu": "negatif", "tes_virologi_anak": "negatif",
            "imunisasi_diterima": ["hb0", "bcg", "polio_1", "polio_2", "dpt_hb_hib_1"],
            "vitamin_a_6_bulan_terakhir": False},
    },
}


def _per_call(fn, seconds: float) -> float:
    """CPU seconds per call (process time: other work on a busy clinic PC does not count)."""
    n, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        fn()
        n += 1
    return (time.process_time() - start) / n


def bench_in_process(case: dict, seconds: float = 1.0) -> tuple[float, float]:
    classify(case)  # warm: tables loaded, growth imported
    per = _per_call(lambda: classify(case), seconds)
    base = _per_call(lambda: json.loads(json.dumps(case)), seconds)
    return per, base


TYPER_BASELINE = '''
import sys, typer
app = typer.Typer(add_completion=False)
@app.command()
def main(path: str) -> None:
    sys.stdout.write(open(path, encoding="utf-8").read() + "\\n")
app()
'''


def _one(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) for one run."""
    before = _child_cpu()
    start = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, env=env)
    wall = time.perf_counter() - start
    if p.returncode != 0:
        raise SystemExit(f"{cmd} failed: {p.stderr.decode(errors='replace')}")
    return wall, _child_cpu() - before


def _child_cpu() -> float:
    try:
        import resource
    except ImportError:  # Windows: no rusage; CPU figures then read 0 and wall time is used
        return 0.0
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def bench_process(case: dict, runs: int = 15) -> dict[str, float]:
    bindir = Path(sys.executable).parent
    mtbs = bindir / ("mtbs.exe" if os.name == "nt" else "mtbs")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kasus.json"
        path.write_text(json.dumps(case), "utf-8")
        baseline = Path(tmp) / "satu_perintah.py"
        baseline.write_text(TYPER_BASELINE, "utf-8")
        # An installed app has compiled bytecode (pip compiles on install). This workspace may set
        # PYTHONDONTWRITEBYTECODE, which would make only our editable sources recompile on every
        # run; give both commands the same private, warm bytecode cache instead.
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        ours_cmd = [str(mtbs), "classify", str(path)]
        base_cmd = [sys.executable, str(baseline), str(path)]
        _one(ours_cmd, env)
        _one(base_cmd, env)
        # Interleave so machine noise falls on both alike.
        ours, base = [], []
        for _ in range(runs):
            ours.append(_one(ours_cmd, env))
            base.append(_one(base_cmd, env))
        med = lambda xs, i: statistics.median(x[i] for x in xs)  # noqa: E731
        return {"ours_wall": med(ours, 0), "base_wall": med(base, 0),
                "ours_cpu": med(ours, 1), "base_cpu": med(base, 1)}


def main() -> None:
    for name, case in CASES.items():
        per, base = bench_in_process(case)
        print(f"classify() in-process [{name}]: {per * 1000:.3f} ms/kasus "
              f"(target < 1 ms: {'OK' if per < 0.001 else 'GAGAL'}); "
              f"ratio vs JSON round trip of the case ({base * 1e6:.1f} µs): {per / base:.1f}x")
        f = bench_process(case)
        wall = f["ours_wall"] / f["base_wall"]
        print(f"`mtbs classify` process, wall: {f['ours_wall'] * 1000:.0f} ms median; one-command "
              f"Typer app {f['base_wall'] * 1000:.0f} ms; ratio {wall:.2f}x "
              f"(target <= 1.5x: {'OK' if wall <= 1.5 else 'GAGAL'})")
        if f["base_cpu"] > 0:
            cpu = f["ours_cpu"] / f["base_cpu"]
            print(f"`mtbs classify` process, CPU: {f['ours_cpu'] * 1000:.0f} ms median; "
                  f"one-command Typer app {f['base_cpu'] * 1000:.0f} ms; ratio {cpu:.2f}x")


if __name__ == "__main__":
    main()
