"""Benchmark the district merge (issue 18): 50 puskesmas x 12 months of packages.

    .venv/bin/python bench/bench_district.py            # prints a table
    .venv/bin/python bench/bench_district.py --json     # also writes bench/out/district.json

One real package is built from a small demo register; 600 copies (50 puskesmas, 12 months, each
with its own name, code, month and counts, re-checksummed) are written to a temporary folder.
Timed (CPU time of this process, median of several runs): `merge_files` of each month's 50
packages, i.e. every file read, parsed, checksummed, checked for shape, month and duplicates, and
merged with medians and rankings. The baseline, measured in the same run, only reads and parses
the same 600 files with `json.loads`: the ratio is what checking and merging cost on top of that.
Target: the 600 packages in well under a second on a laptop.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mtbs_tui.demo import generate  # noqa: E402
from mtbs_tui.documents.package import build_package, checksum, merge_files, package_text  # noqa: E402
from mtbs_tui.register import Register  # noqa: E402

PUSKESMAS = 50
MONTHS = 12
RUNS = 5


def make_packages(folder: Path) -> dict[str, list[Path]]:
    reg = Register.open(folder / "demo.db", create=True)
    try:
        generate(reg, patients=120, visits=400, bulk=True)
        today = dt.date.today()
        month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
        base = build_package(reg, month, today=today)
    finally:
        reg.close()
    out: dict[str, list[Path]] = {}
    for m in range(1, MONTHS + 1):
        month = f"2025-{m:02d}"
        for p in range(PUSKESMAS):
            data = json.loads(json.dumps(base))
            data["month"] = month
            data["facility"] = dict(data["facility"], name=f"Puskesmas Uji {p:02d}", code=f"P99{p:05d}")
            for row in data["report"]["rows"]:
                if row["values"] is not None:
                    row["values"] = [v + (p + m) % 3 for v in row["values"]]
            data["checksum"] = checksum(data)
            path = folder / f"paket-{p:02d}-{month}.json"
            path.write_text(package_text(data), encoding="utf-8")
            out.setdefault(month, []).append(path)
    return out


def timed(func) -> float:  # noqa: ANN001
    samples = []
    for _ in range(RUNS):
        start = time.process_time()
        func()
        samples.append(time.process_time() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true", help="write bench/out/district.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        by_month = make_packages(Path(tmp))
        files = [p for paths in by_month.values() for p in paths]

        def baseline() -> None:
            for path in files:
                json.loads(path.read_bytes())

        def merged() -> None:
            for month, paths in by_month.items():
                district = merge_files(paths, month)
                assert len(district.facilities) == PUSKESMAS

        base = timed(baseline)
        merge = timed(merged)
    result = {"packages": len(files), "baseline_s": round(base, 4), "merge_s": round(merge, 4),
              "ratio": round(merge / base, 2) if base else None, "target_s": 1.0, "ok": merge < 1.0}
    print(f"{'what':<44} {'CPU s':>8}")
    print(f"{'read + json.loads of 600 packages (baseline)':<44} {base:>8.3f}")
    print(f"{'merge_files: 12 months x 50 puskesmas':<44} {merge:>8.3f}")
    print(f"ratio merge/baseline: {result['ratio']}; target < 1 s: {'ya' if result['ok'] else 'TIDAK'}")
    if args.json:
        out = ROOT / "bench" / "out"
        out.mkdir(parents=True, exist_ok=True)
        (out / "district.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
