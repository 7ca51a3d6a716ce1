"""Opening the register screen on a 100,000-visit database, against a 1,200-visit one.

Both databases come from the demo generator (`mtbs demo`); the big one is kept in the temp folder
between runs (`mtbs-bench-100k.db`) because making it takes a minute. The app runs headless
(Textual Pilot) with the real register; each figure is the median of N runs:

* Register.open as `mtbs tui` does it (check="background"), and when its background quick_check
  has finished (writes wait for it; reads and screens do not),
* F4: from the key to the register table filled with the day's first page,
* F5: the whole month (first page, count),
* PgDn: the next keyset page of the month,
* typing one letter in Cari pasien (FTS5 prefix search, one page),
* a key that does nothing: what the Pilot harness itself costs.

Printed as milliseconds and as the ratio big/small measured in the same run. Target (issue 5):
opening the register on 100,000 visits under 300 ms. `--pinned` re-runs under `taskset -c 0`.

    .venv/bin/python bench/bench_register_open.py [--runs 5] [--no-taskset]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
MTBS = BIN / "mtbs"
BIG = Path(tempfile.gettempdir()) / "mtbs-bench-100k.db"


def make_db(path: Path, patients: int, visits: int) -> None:
    if path.exists():
        return
    data = Path(tempfile.mkdtemp(prefix="mtbs-bench-data-"))
    env = dict(os.environ, MTBS_DATA_DIR=str(data))
    partial = path.with_suffix(".tmp.db")
    for suffix in ("", "-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    print(f"Membuat {path.name}: {patients} pasien, {visits} kunjungan ...", flush=True)
    subprocess.run([str(MTBS), "--db", str(partial), "demo", "--patients", str(patients),
                    "--visits", str(visits)], check=True, env=env, timeout=3600, capture_output=True)
    partial.rename(path)


async def measure_once(path: Path) -> dict[str, float]:
    from textual.widgets import DataTable

    from mtbs_tui.app import MtbsApp
    from mtbs_tui.register import Register
    from mtbs_tui.screens.register_view import RegisterScreen

    t0 = time.perf_counter()
    # As `mtbs tui` opens it: the quick_check runs in a thread while the screens are usable.
    register = Register.open(path, check="background")
    out = {"open": time.perf_counter() - t0}
    register.health(wait=True)
    out["check"] = time.perf_counter() - t0
    # The busiest recent day of the file, so the day view has rows.
    day = register.db.execute(
        "SELECT visit_date FROM visits WHERE status = 'final' GROUP BY visit_date "
        "ORDER BY count(*) DESC, visit_date DESC LIMIT 1").fetchone()[0]
    from datetime import datetime

    clock = datetime.fromisoformat(f"{day}T12:00:00")
    from mtbs_tui.accounts import User

    # Logged in as a clinical worker (the login itself is timed by bench_tui_start.py).
    app = MtbsApp(register, user=User(1, "bench", "Bench", "klinis", True), clock=lambda: clock,
                  offer_drafts=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            # The harness itself: a key that does nothing (Pilot waits for the app to be idle).
            t0 = time.perf_counter()
            await pilot.press("f12")
            out["noop"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            await pilot.press("f4")
            screen = app.screen
            assert isinstance(screen, RegisterScreen) and screen.rows
            assert screen.query_one(DataTable).row_count
            out["f4"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            await pilot.press("f5")
            out["month"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            await pilot.press("pagedown")
            out["pgdn"] = time.perf_counter() - t0
            await pilot.press("escape", "f3")
            await pilot.pause()
            t0 = time.perf_counter()
            await pilot.press("s")
            out["search_key"] = time.perf_counter() - t0
            await pilot.press("ctrl+q")
    finally:
        register.close()
    return out


def series(path: Path, runs: int) -> dict[str, float]:
    results = [asyncio.run(measure_once(path)) for _ in range(runs)]
    return {k: statistics.median(r[k] for r in results) for k in results[0]}


LABELS = {
    "open": "Register.open (seperti mtbs tui)",
    "check": "quick_check di latar belakang",
    "noop": "tombol tanpa aksi (alat ukur)",
    "f4": "F4 buka register (hari)",
    "month": "F5 satu bulan",
    "pgdn": "PgDn halaman berikut",
    "search_key": "Cari pasien: satu huruf",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-taskset", action="store_true")
    parser.add_argument("--pinned", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mtbs-bench-reg-") as tmp:
        small = Path(tmp) / "kecil.db"
        make_db(small, 300, 1200)
        make_db(BIG, 20000, 100000)
        os.environ["MTBS_DATA_DIR"] = tmp
        title = "taskset -c 0 (satu CPU)" if args.pinned else "Normal"
        base = series(small, args.runs)
        big = series(BIG, args.runs)
        print(f"{title}: median {args.runs} kali; 1.200 vs 100.000 kunjungan")
        for key, label in LABELS.items():
            ratio = big[key] / base[key] if base[key] else float("nan")
            print(f"  {label:<30} {base[key] * 1000:7.1f} ms  {big[key] * 1000:7.1f} ms   rasio {ratio:5.2f}x")
        total = big["open"] + big["f4"]
        print(f"  Buka register 100.000 kunjungan (F4): {big['f4'] * 1000:.0f} ms "
              f"(target < 300 ms) {'OK' if big['f4'] < 0.3 else 'MELEBIHI'}; "
              f"termasuk membuka berkas: {total * 1000:.0f} ms")
    if not args.pinned and not args.no_taskset and shutil.which("taskset"):
        sys.stdout.flush()
        subprocess.run(["taskset", "-c", "0", sys.executable, __file__, "--pinned", "--runs", str(args.runs)],
                       check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
