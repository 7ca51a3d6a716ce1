"""Benchmark of the visit form: opening it, and a key press until the classification panel shows.

Plain script (not a test). Figures are printed as ratios against baselines measured in the same
run, because the absolute numbers depend on the machine and on its load:

* open: pushing ``VisitFormScreen`` (balita 2022, every section mounted) until it is displayed,
  against pushing a bare screen (one Static) and a screen of 40 default ``Input`` widgets (the
  issue's reference point: "a form screen with 40 default Inputs costs about 2.5x a bare app").
  Target: under 300 ms.
* key: one key press in the breath-count field (5 <-> 58 at 11 months) until the panel with
  the new classification is painted, against one key press in a screen with a single ``Input``
  until the Input shows it (the event loop and a redraw). The form's own work per key
  (``_refresh_state``: folding, classify, panel text) is timed separately. Target: under 50 ms.

Run:  .venv/bin/python bench/bench_tui_form.py [--rounds N]
      taskset -c 0 .venv/bin/python bench/bench_tui_form.py     (one core)
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "tui"))

from form_app import FormApp, months_ago, open_register, press_list  # noqa: E402
from textual import events  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.screen import Screen  # noqa: E402
from textual.widgets import Input, Static  # noqa: E402

from mtbs_tui.screens.visit_form import VisitFormScreen  # noqa: E402
from mtbs_tui.widgets.panel import ClassificationBody  # noqa: E402


class BareScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("kosong")


class InputsScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        for i in range(40):
            yield Input(placeholder=f"isian {i}")


class OneInputScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="one")

    def on_mount(self) -> None:
        self.query_one(Input).focus()


async def time_push(app: App, make: type[Screen] | object, rounds: int) -> list[float]:
    out = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(rounds):
            t0 = time.perf_counter()
            screen = make() if callable(make) else make
            await app.push_screen(screen)
            await pilot.pause()
            out.append(time.perf_counter() - t0)
            app.pop_screen()
            await pilot.pause()
    return out


async def background_mounts(app: App, pid: int) -> list[float]:
    """Time each background section mount (one event-loop turn each) after the form opened."""
    out: list[float] = []
    original = VisitFormScreen._ensure_mounted

    async def timed(self: VisitFormScreen, section) -> None:  # noqa: ANN001
        t0 = time.perf_counter()
        was = section.is_mounted
        await original(self, section)
        if not was:
            out.append(time.perf_counter() - t0)

    VisitFormScreen._ensure_mounted = timed  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await app.push_screen(VisitFormScreen(pid))
            for _ in range(200):
                await pilot.pause(0.05)
                if all(s.is_mounted for s in app.screen.sections):
                    break
    finally:
        VisitFormScreen._ensure_mounted = original  # type: ignore[method-assign]
    return out


async def _press_until(app: App, key: str, rendered: asyncio.Event) -> float:
    """Post one key as the terminal driver would and wait until the awaited widget was painted.

    ``pilot.press`` is not used for timing: it also waits for a callback on every widget of the
    screen, which measures the test driver (the form has ~200 widgets) rather than the form.
    """
    rendered.clear()
    t0 = time.perf_counter()
    app.post_message(events.Key(key, key if len(key) == 1 else None))
    await asyncio.wait_for(rendered.wait(), 10)
    return time.perf_counter() - t0


async def key_latency_form(reg, pid: int, rounds: int) -> tuple[list[float], list[float]]:
    """A key that changes the classification (5 <-> 58 breaths at 11 months) until the panel
    shows the new row on screen."""
    app = FormApp(reg, lambda: VisitFormScreen(pid))
    inner: list[float] = []
    original = VisitFormScreen._refresh_state
    original_render = ClassificationBody.render
    rendered = asyncio.Event()
    want: list[str] = [""]

    def timed(self: VisitFormScreen, **kwargs: bool) -> None:
        t0 = time.perf_counter()
        original(self, **kwargs)
        inner.append(time.perf_counter() - t0)

    def render(self: ClassificationBody):  # noqa: ANN202
        text = original_render(self)
        if want[0] and want[0] in text.plain:
            rendered.set()
        return text

    VisitFormScreen._refresh_state = timed  # type: ignore[method-assign]
    ClassificationBody.render = render  # type: ignore[method-assign]
    out = []
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press(*press_list("11 enter pagedown " + "t " * 15 + "y"))  # shock signs passed over
            await pilot.pause(2.0)  # let the background section mounts finish
            form = app.screen
            assert isinstance(form, VisitFormScreen)
            await pilot.press("5")
            await pilot.pause()
            inner.clear()
            for i in range(rounds):
                # 5 -> 58 breaths: PNEUMONIA; 58 -> 5: BATUK BUKAN PNEUMONIA (valid both ways, so
                # the field keeps its height and only the panel's text changes).
                key, code = ("backspace", "BUKAN PNEUMONIA") if i % 2 else ("8", "KUNING PNEUMONIA")
                want[0] = code
                out.append(await _press_until(app, key, rendered))
                want[0] = ""
                if key == "8":  # 58 is full and moved on to the next box: back to the count
                    await pilot.press("shift+tab")
                    await pilot.pause()
    finally:
        VisitFormScreen._refresh_state = original  # type: ignore[method-assign]
        ClassificationBody.render = original_render  # type: ignore[method-assign]
    return out, inner[-rounds:]


async def key_latency_baseline(rounds: int) -> list[float]:
    """The same measure for a screen with one Input: the key until the Input shows the digit."""
    original_render = Input.render_line
    rendered = asyncio.Event()
    want: list[str] = [""]

    def render_line(self: Input, y: int):  # noqa: ANN202
        strip = original_render(self, y)
        if want[0] and want[0] in strip.text:
            rendered.set()
        return strip

    class OneInputApp(App[None]):
        def on_mount(self) -> None:
            self.push_screen(OneInputScreen())

    Input.render_line = render_line  # type: ignore[method-assign]
    app = OneInputApp()
    out = []
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            for _ in range(rounds):
                await pilot.press("backspace", "backspace", "4")
                want[0] = "48"
                out.append(await _press_until(app, "8", rendered))
                want[0] = ""
    finally:
        Input.render_line = original_render  # type: ignore[method-assign]
    return out


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:7.1f} ms  (min {min(values) * 1000:6.1f})"


async def main(rounds: int) -> None:
    tmp = Path(tempfile.mkdtemp())
    reg = open_register(tmp)
    pid = reg.add_patient(name="Aisyah Putri", sex="P", birth_date=months_ago(11, 3), actor="bench")

    class Holder(App[None]):
        def __init__(self) -> None:
            super().__init__()
            self.register = reg
            self.actor = "bench"

        def now(self) -> dt.datetime:  # as MtbsApp.now: the visit form asks when it opens
            return dt.datetime.now()

    bare = await time_push(Holder(), BareScreen, rounds)
    inputs = await time_push(Holder(), InputsScreen, rounds)
    # The other sections are mounted later, while the worker types: measured separately below.
    VisitFormScreen.BACKGROUND_MOUNT_DELAY = 3600
    form = await time_push(Holder(), lambda: VisitFormScreen(pid), rounds)
    VisitFormScreen.BACKGROUND_MOUNT_DELAY = 0.3
    sections = await background_mounts(Holder(), pid)
    print(f"open  bare screen      {ms(bare)}")
    print(f"open  40 Inputs        {ms(inputs)}   {statistics.median(inputs) / statistics.median(bare):5.2f}x bare")
    print(f"open  visit form       {ms(form)}   {statistics.median(form) / statistics.median(bare):5.2f}x bare, "
          f"{statistics.median(form) / statistics.median(inputs):5.2f}x 40 Inputs   (target < 300 ms)")

    print(f"later each section mounted in the background: {ms(sections)}, max "
          f"{max(sections) * 1000:.1f} ms ({statistics.median(sections) / statistics.median(bare):5.2f}x bare; "
          "the event loop is busy that long, only after a pause in typing)")

    base = await key_latency_baseline(rounds)
    keys, inner = await key_latency_form(reg, pid, rounds)
    print(f"key   one Input        {ms(base)}")
    print(f"key   form -> panel    {ms(keys)}   {statistics.median(keys) / statistics.median(base):5.2f}x one Input   "
          f"(target < 50 ms)")
    print(f"key   form's own work  {ms(inner)}   {statistics.median(inner) / statistics.median(base):5.2f}x one Input "
          "(fold, classify, panel text)")
    reg.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    asyncio.run(main(parser.parse_args().rounds))
