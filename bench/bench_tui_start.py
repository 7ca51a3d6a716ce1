"""Time to the first usable screen of `mtbs tui` in a real terminal, against a bare Textual app.

Both programs run in tmux at 80x24, launched the same way; the clock stops when capture-pane shows
the screen (the bare app: its one Label; mtbs: the login screen, the first screen a nurse can use:
keys typed there are kept while the register opens right after it is drawn, which is reported too).
The time from pressing Enter on the login to the home screen with its lists is reported beside it.
Peak memory is the process's VmHWM (Linux /proc) read just before quitting. Figures are medians of
N alternating runs, printed as ratios to the bare app measured in the same run. Targets (issue 5):
time at most 1.5x, peak memory at most 1.5x.

    .venv/bin/python bench/bench_tui_start.py [--runs 7] [--no-taskset]

It runs once normally and once pinned to one CPU (`taskset -c 0`) when taskset exists.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MTBS = BIN / "mtbs"

BARE_APP = '''
from textual.app import App
from textual.widgets import Label


class Bare(App):
    def compose(self):
        yield Label("SIAP-BARE")


Bare().run()
'''


class Tmux:
    def __init__(self) -> None:
        self.socket = f"mtbs-bench-{uuid.uuid4().hex[:8]}"

    def __call__(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                              check=check, timeout=30)
        return done.stdout

    def kill(self) -> None:
        self("kill-server", check=False)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


LOGIN_MARKERS = ("Nama pengguna",)
# The register is opened right after the login screen is drawn; the demo hint shows it is open.
READY_MARKERS = ("<nama>-demo",)
_ready_s: list[float] = []
HOME_MARKERS = ("F2 Baru", "Hari ini (")
LOGIN_KEYS = ("bidan", "Enter", "bidan-demo", "Enter")  # a demo account (mtbs_tui.demo)
_last_home_s: list[float] = []
_first_screen_kb: list[int] = []


def _peak_kb(pid: str) -> int:
    """The process's peak resident memory so far (VmHWM, Linux), 0 where unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _wait(tmux: "Tmux", markers: tuple[str, ...], start: float, command: str) -> float:
    deadline = start + 60
    while True:
        screen = tmux("capture-pane", "-p", "-t", "b", check=False)
        if all(m in screen for m in markers):
            return time.perf_counter() - start
        if time.perf_counter() > deadline:
            raise RuntimeError(f"layar tidak muncul: {command}\n{screen}")
        time.sleep(0.005)


def measure(command: str, markers: tuple[str, ...], env: dict[str, str], quit_key: str,
            login: bool = False) -> tuple[float, int]:
    """(seconds to the first screen showing every marker, peak RSS in kB). With `login`, also log
    in and time Enter -> home screen (kept in _last_home_s); the peak is then read on the home."""
    tmux = Tmux()
    exports = " ".join(f"{k}={_quote(v)}" for k, v in env.items())
    try:
        start = time.perf_counter()
        tmux("new-session", "-d", "-s", "b", "-x", "80", "-y", "24", f"exec env {exports} {command}")
        elapsed = _wait(tmux, markers, start, command)
        if login:
            _ready_s.append(_wait(tmux, READY_MARKERS, start, command))
            time.sleep(0.3)
            pid = tmux("list-panes", "-t", "b", "-F", "#{pane_pid}").strip()
            _first_screen_kb.append(_peak_kb(pid))
            for key in LOGIN_KEYS[:-1]:
                tmux("send-keys", "-t", "b", key)
            time.sleep(0.2)
            pressed = time.perf_counter()
            tmux("send-keys", "-t", "b", LOGIN_KEYS[-1])
            _last_home_s.append(_wait(tmux, HOME_MARKERS, pressed, command))
        pid = tmux("list-panes", "-t", "b", "-F", "#{pane_pid}").strip()
        # Let the app settle (idle after first paint) before reading the peak.
        time.sleep(0.3)
        peak = _peak_kb(pid)
        tmux("send-keys", "-t", "b", quit_key, check=False)
        time.sleep(0.2)
        return elapsed, peak
    finally:
        tmux.kill()


def run_series(runs: int, pin: bool, demo_db: Path, bare_py: Path, data_dir: Path) -> dict:
    prefix = "taskset -c 0 " if pin else ""
    env = {"MTBS_DATA_DIR": str(data_dir), "TERM": "xterm-256color", "PATH": os.environ.get("PATH", ""),
           "MTBS_USER": "bench"}
    bare_cmd = f"{prefix}{_quote(sys.executable)} {_quote(str(bare_py))}"
    mtbs_cmd = f"{prefix}{_quote(str(MTBS))} --db {_quote(str(demo_db))} tui"
    # The same app started without the Typer command line (to show what the CLI layer costs).
    direct_cmd = (f"{prefix}{_quote(sys.executable)} -c "
                  + _quote(f"from pathlib import Path; from mtbs_tui.commands.tui import run; run(Path({str(demo_db)!r}))"))
    bare_t, bare_m, app_t, app_m, direct_t = [], [], [], [], []
    # Warm the OS file cache once for both, then alternate so drift hits both equally.
    measure(bare_cmd, ("SIAP-BARE",), env, "C-q")
    measure(mtbs_cmd, LOGIN_MARKERS, env, "C-q", login=True)
    _last_home_s.clear()
    _first_screen_kb.clear()
    _ready_s.clear()
    for _ in range(runs):
        t, m = measure(bare_cmd, ("SIAP-BARE",), env, "C-q")
        bare_t.append(t)
        bare_m.append(m)
        t, m = measure(mtbs_cmd, LOGIN_MARKERS, env, "C-q", login=True)
        app_t.append(t)
        app_m.append(m)
        t, _ = measure(direct_cmd, LOGIN_MARKERS, env, "C-q")
        direct_t.append(t)
    home = list(_last_home_s)
    ready = list(_ready_s)
    _ready_s.clear()
    first_kb = list(_first_screen_kb)
    _last_home_s.clear()
    _first_screen_kb.clear()
    return {
        "first_kb": statistics.median(first_kb),
        "home_s": statistics.median(home),
        "ready_s": statistics.median(ready),
        "direct_s": statistics.median(direct_t),
        "bare_s": statistics.median(bare_t), "app_s": statistics.median(app_t),
        "bare_kb": statistics.median(bare_m), "app_kb": statistics.median(app_m),
    }


def report(title: str, r: dict) -> None:
    time_ratio = r["app_s"] / r["bare_s"]
    mem_ratio = r["first_kb"] / r["bare_kb"] if r["bare_kb"] else float("nan")
    print(f"{title}")
    print(f"  aplikasi kosong (satu Label): {r['bare_s'] * 1000:7.0f} ms   puncak memori {r['bare_kb'] / 1024:6.1f} MB")
    print(f"  mtbs tui (layar masuk):       {r['app_s'] * 1000:7.0f} ms   puncak memori {r['first_kb'] / 1024:6.1f} MB")
    print(f"  register terbuka (judul dan akun demo tampil): {r['ready_s'] * 1000:5.0f} ms   rasio "
          f"{r['ready_s'] / r['bare_s']:5.2f}x (register dibuka setelah layar masuk tergambar)")
    print(f"  Enter masuk -> beranda:       {r['home_s'] * 1000:7.0f} ms   puncak memori {r['app_kb'] / 1024:6.1f} MB"
          " (termasuk 64 MiB kerja argon2id saat sandi diperiksa)")
    print(f"  tanpa Typer (run() langsung): {r['direct_s'] * 1000:7.0f} ms   rasio {r['direct_s'] / r['bare_s']:5.2f}x")
    print(f"  rasio waktu   {time_ratio:5.2f}x  (target <= 1.5x) {'OK' if time_ratio <= 1.5 else 'MELEBIHI'}")
    print(f"  rasio memori  {mem_ratio:5.2f}x  (target <= 1.5x) {'OK' if mem_ratio <= 1.5 else 'MELEBIHI'}")


def import_breakdown(runs: int = 3) -> None:
    """Where the start-up goes: cumulative import time (ms) and memory of each part, fresh process."""
    code = (
        "import time, resource, sys\n"
        "marks = []\n"
        "def mark(name):\n"
        "    marks.append((name, time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))\n"
        "mark('python')\n"
        "import textual.app, textual.widgets._static, textual.widgets._label; mark('textual')\n"
        "import typer; mark('typer (mtbs_tui.cli)')\n"
        "import sqlite_utils; mark('sqlite_utils (register)')\n"
        "import mtbs_tui.cli, mtbs_tui.register; mark('mtbs_tui.cli + register + db')\n"
        "import mtbs_tui.app, mtbs_tui.screens.home; mark('mtbs_tui.app + home')\n"
        "for (a, t0, m0), (b, t1, m1) in zip(marks, marks[1:]):\n"
        "    print(f'{b}\\t{(t1 - t0) * 1000:.1f}\\t{(m1 - m0) / 1024:.1f}')\n"
    )
    rows: dict[str, list[tuple[float, float]]] = {}
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            name, ms, mb = line.split("\t")
            rows.setdefault(name, []).append((float(ms), float(mb)))
    print("Rincian impor (median, proses baru):")
    for name, values in rows.items():
        print(f"  {name:<30} {statistics.median(v[0] for v in values):6.1f} ms  "
              f"+{statistics.median(v[1] for v in values):5.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-taskset", action="store_true")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux tidak terpasang: benchmark dilewati")
        return 0
    with tempfile.TemporaryDirectory(prefix="mtbs-bench-start-") as tmp:
        tmp_path = Path(tmp)
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        demo_db = tmp_path / "demo.db"
        env = dict(os.environ, MTBS_DATA_DIR=str(data_dir))
        subprocess.run([str(MTBS), "--db", str(demo_db), "demo"], check=True, env=env,
                       capture_output=True, timeout=600)
        bare_py = tmp_path / "bare.py"
        bare_py.write_text(BARE_APP)
        print(f"Waktu sampai layar pertama di tmux 80x24, median {args.runs} kali (database demo bawaan)")
        report("Normal:", run_series(args.runs, False, demo_db, bare_py, data_dir))
        if not args.no_taskset and shutil.which("taskset"):
            report("taskset -c 0 (satu CPU):", run_series(args.runs, True, demo_db, bare_py, data_dir))
        import_breakdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
