"""CPU per key in the visit form and the summary, as a ratio against a one-Input Textual app.

The standard visit of the README (``STANDARD_VISIT`` in tests/tui/form_app.py: an 11-month-old
with cough, 52 breaths a minute, every box answered, then ``d`` and F10 on the summary) is typed
into the real shell (``MtbsApp``: logged in, the key gate, the real chart engine) on a fresh
register, headless, 80x24. The same number of keys is typed into a trivial app with one ``Input``
(the baseline, measured in the same run: the figures depend on the machine and its load, the
ratio much less).

Two measures, both in CPU time of this process (``time.process_time``), so a busy machine inflates
them less than wall-clock seconds:

* nurse: each key is posted as the terminal driver posts it, then the app is left alone until it
  is idle again (the key handled, the screen painted, a draft write if one fell due). What an old
  PC spends per key while a nurse types.
* pilot: each key through ``pilot.press`` (what the Pilot tests pay per key; Textual's test driver
  also waits for a callback on every widget of the screen).

``--profile FILE`` writes a cProfile of the nurse run of the form (pstats file) and prints its top.

Run:  .venv/bin/python bench/bench_form_key_cpu.py [--rounds N] [--profile out.pstats]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "tui"))

from conftest import add_account  # noqa: E402
from form_app import STANDARD_VISIT, months_ago, open_register, press_list  # noqa: E402
from textual import events  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import Input  # noqa: E402

from mtbs_tui.app import MtbsApp  # noqa: E402
from mtbs_tui.screens.visit_form import VisitFormScreen  # noqa: E402

KEYS = [key for line in STANDARD_VISIT for key in press_list(line)]
# Idle: a 5 ms slice in which this process used less than 0.25 ms of CPU.
SLICE = 0.005
IDLE_CPU = 0.00025


async def until_idle() -> None:
    """Return once the process has been idle for one slice (and at least two slices passed)."""
    quiet = 0
    while quiet < 2:
        cpu = time.process_time()
        await asyncio.sleep(SLICE)
        quiet = quiet + 1 if time.process_time() - cpu < IDLE_CPU else 0


def post_key(app: App[Any], key: str) -> None:
    """The key as the terminal driver posts it (one ``events.Key`` to the app)."""
    char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(event)


class OneInputApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="one")

    def on_mount(self) -> None:
        self.query_one(Input).focus()


async def type_keys(app: App[Any], pilot: Any, keys: list[str], *, nurse: bool,
                    profiler: cProfile.Profile | None = None) -> list[float]:
    """CPU seconds per key."""
    out = []
    for key in keys:
        cpu = time.process_time()
        if profiler:
            profiler.enable()
        if nurse:
            post_key(app, key)
            await until_idle()
        else:
            await pilot.press(key)
        if profiler:
            profiler.disable()
        out.append(time.process_time() - cpu)
    return out


async def baseline(nurse: bool) -> list[float]:
    app = OneInputApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await until_idle()
        # Digits and letters alike go into the Input; Tab/Enter/F-keys do nothing much there.
        keys = ["1" if len(k) > 1 else k for k in KEYS]
        return await type_keys(app, pilot, keys, nurse=nurse)


async def form(folder: Path, nurse: bool, profiler: cProfile.Profile | None = None
               ) -> tuple[list[float], bool]:
    reg = open_register(folder)
    pid = reg.add_patient(name="Aisyah Putri", sex="P", birth_date=months_ago(11, 3), actor="bench")
    user = add_account(reg, "bidan.sari")
    app = MtbsApp(reg, user=user, offer_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.start_visit(pid)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, VisitFormScreen)
        # The nurse looks at the child first: the other sections are mounted in the background.
        for _ in range(100):
            if all(s.is_mounted for s in screen.sections):
                break
            await asyncio.sleep(0.05)
        await until_idle()
        times = await type_keys(app, pilot, KEYS, nurse=nurse, profiler=profiler)
        await pilot.pause()
    row = reg.db.execute("SELECT status FROM visits").fetchone()
    reg.close()
    return times, bool(row) and row[0] == "final"


def ms(values: list[float]) -> str:
    return (f"median {statistics.median(values) * 1000:6.1f} ms, mean {statistics.mean(values) * 1000:6.1f},"
            f" max {max(values) * 1000:6.1f}")


def run(rounds: int, profile: str | None) -> None:
    results: dict[str, list[float]] = {}
    saved = True
    for _ in range(rounds):
        for nurse in (True, False):
            mode = "nurse" if nurse else "pilot"
            results.setdefault(f"base-{mode}", []).extend(asyncio.run(baseline(nurse)))
            with tempfile.TemporaryDirectory() as folder:
                times, ok = asyncio.run(form(Path(folder), nurse))
            saved = saved and ok
            results.setdefault(f"form-{mode}", []).extend(times)
    print(f"kunjungan standar: {len(KEYS)} tombol (formulir + ringkasan), {rounds} putaran; "
          f"tersimpan final: {'ya' if saved else 'TIDAK'}")
    for mode in ("nurse", "pilot"):
        base, got = results[f"base-{mode}"], results[f"form-{mode}"]
        print(f"  {mode}  one Input  CPU/key {ms(base)}")
        print(f"  {mode}  form       CPU/key {ms(got)}   mean {statistics.mean(got) / statistics.mean(base):5.2f}x "
              "one Input")
    if profile:
        profiler = cProfile.Profile()
        with tempfile.TemporaryDirectory() as folder:
            asyncio.run(form(Path(folder), True, profiler))
        profiler.dump_stats(profile)
        stats = pstats.Stats(profile)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--profile", default=None)
    args = parser.parse_args(argv)
    run(args.rounds, args.profile)


if __name__ == "__main__":
    main()
