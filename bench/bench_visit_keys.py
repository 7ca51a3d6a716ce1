"""Keys per standard visit, and seconds per key press until the form has handled it (issue 14).

The standard visit of the README (an 11-month-old with cough, 52 breaths a minute, every other box
answered: ``STANDARD_VISIT`` in tests/tui/form_app.py, the same keys the tests pin) is replayed
through the real app (``MtbsApp``, logged in, the real chart engine) on a fresh register: the
clinical form only (registration apart), from the open form to F10. Printed: the keys, per
section, the seconds per key (median, 95th percentile, worst; each press is timed until the app
has handled it and painted the panel), and whether the visit was saved complete.

The issue's target is at most 45 keys in the clinical form: the answers, the moves and F10. The
summary's ``d`` (every treatment given now, issue 17, added after the target was set) records the
treatment, not the assessment: it is printed apart, and in the total.

Run:  .venv/bin/python bench/bench_visit_keys.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "tui"))

from conftest import add_account  # noqa: E402
from form_app import GIVEN_LINE, STANDARD_VISIT, months_ago, open_register, press_list  # noqa: E402

from mtbs_tui.app import MtbsApp  # noqa: E402
from mtbs_tui.screens.visit_form import VisitFormScreen  # noqa: E402

TARGET_KEYS = 45


async def replay(folder: Path) -> tuple[list[float], bool]:
    reg = open_register(folder)
    pid = reg.add_patient(name="Aisyah Putri", sex="P", birth_date=months_ago(11, 3), actor="bench")
    user = add_account(reg, "bidan.sari")
    app = MtbsApp(reg, user=user, offer_drafts=False)
    times: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.start_visit(pid)
        await pilot.pause()
        assert isinstance(app.screen, VisitFormScreen)
        for line in STANDARD_VISIT:
            for key in press_list(line):
                start = time.perf_counter()
                await pilot.press(key)
                times.append(time.perf_counter() - start)
        await pilot.pause()
    row = reg.db.execute("SELECT status, result_json FROM visits").fetchone()
    complete = bool(row) and row[0] == "final" and '"incomplete":[]' in (row[1] or "").replace(" ", "")
    reg.close()
    return times, complete


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    per_section = [len(press_list(line)) for line in STANDARD_VISIT]
    given = sum(n for line, n in zip(STANDARD_VISIT, per_section) if line == GIVEN_LINE)
    keys = sum(per_section) - given
    all_times: list[float] = []
    complete = True
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as folder:
            times, ok = asyncio.run(replay(Path(folder)))
            all_times += times
            complete = complete and ok
    all_times.sort()
    p95 = all_times[int(0.95 * (len(all_times) - 1))]
    print(f"kunjungan standar (11 bulan, batuk, napas 52/menit): {keys} tombol di formulir klinis "
          f"(target <= {TARGET_KEYS}: {'ya' if keys <= TARGET_KEYS else 'BELUM'}); "
          f"+ {given} di ringkasan untuk obat yang diberikan (d) = {keys + given}")
    print("  per bagian: " + " ".join(str(n) for n in per_section))
    print(f"  detik per tombol: median {statistics.median(all_times):.4f}, p95 {p95:.4f}, "
          f"terlama {all_times[-1]:.4f} ({len(all_times)} tombol)")
    print(f"  tersimpan lengkap: {'ya' if complete else 'TIDAK'}")


if __name__ == "__main__":
    main()
