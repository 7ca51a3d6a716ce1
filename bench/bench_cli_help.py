"""`mtbs --help` as a whole process, against a one-command Typer app's `--help` in the same run.

Start-up matters on old clinic PCs: the entry point imports only Typer (each command imports its
own libraries), so `mtbs --help` should cost about what Typer itself costs. Target (issue 2): within
1.3x of the one-command app. Each figure is the median of N alternating runs.

    .venv/bin/python bench/bench_cli_help.py [--runs 15]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
MTBS = BIN / ("mtbs.exe" if os.name == "nt" else "mtbs")

BASELINE = '''
import typer
app = typer.Typer(add_completion=False, rich_markup_mode=RICH)

@app.command()
def hello(name: str = "dunia") -> None:
    """Sapa seseorang."""
    print(f"halo {name}")

if __name__ == "__main__":
    app()
'''


def timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"galat: {' '.join(cmd)} gagal: {result.stderr.strip()}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # Two baselines: Typer's defaults (rich help) and, like mtbs, without rich markup.
        plain = Path(tmp) / "satu_perintah.py"
        plain.write_text(BASELINE.replace("RICH", "None"), encoding="utf-8")
        rich = Path(tmp) / "satu_perintah_rich.py"
        rich.write_text(BASELINE.replace(", rich_markup_mode=RICH", ""), encoding="utf-8")
        cmds = {
            "Typer satu perintah (tanpa rich)": [sys.executable, str(plain), "--help"],
            "Typer satu perintah (bawaan)": [sys.executable, str(rich), "--help"],
            "mtbs --help": [str(MTBS), "--help"],
        }
        for cmd in cmds.values():
            timed(cmd)  # warm the file cache
        times: dict[str, list[float]] = {name: [] for name in cmds}
        for _ in range(args.runs):
            for name, cmd in cmds.items():
                times[name].append(timed(cmd))
    med = {name: statistics.median(values) for name, values in times.items()}
    ours = med["mtbs --help"]
    for name, value in med.items():
        ratio = "" if name == "mtbs --help" else f"   mtbs/ini = {ours / value:5.2f}x (target <= 1.3x)"
        print(f"{name:34} {value * 1000:7.1f} ms (median {args.runs}x){ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
