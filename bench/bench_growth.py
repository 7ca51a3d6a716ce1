"""Benchmark mtbs_tui.rules.growth: time per z-score and first-call table load.

    .venv/bin/python bench/bench_growth.py            # prints a table
    .venv/bin/python bench/bench_growth.py --json     # also writes bench/out/growth.json

"Ratio" compares each call with a plain Python function doing the same LMS
arithmetic on constants (no lookup, no checks): what the table lookup, the
input checks and the restricted method cost on top of the formula itself.
The load cost is measured in fresh interpreters (cold: import of this module
alone, then the first call, which reads one table), median of several runs.
Times are CPU time of the benchmarking process (time.process_time), which a
busy shared machine disturbs less than wall time; compare ratios across runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mtbs_tui.rules import growth  # noqa: E402


def baseline_z(y: float) -> float:
    # weight-for-age, boy, day 400, as constants
    l, m, s = 0.0552, 9.9065, 0.10953
    return ((y / m) ** l - 1.0) / (l * s)


CASES: list[tuple[str, str]] = [
    ("weight_for_age, within 3 SD", "growth.weight_for_age('L', 400, 9.1)"),
    ("weight_for_age, restricted (> +3 SD)", "growth.weight_for_age('L', 400, 14.5)"),
    ("length_height_for_age", "growth.length_height_for_age('P', 900, 84.3)"),
    ("head_circumference_for_age", "growth.head_circumference_for_age('L', 200, 43.1)"),
    ("weight_for_length, 0.1 cm row", "growth.weight_for_length('P', 72.4, 8.2)"),
    ("weight_for_length, interpolated", "growth.weight_for_length('P', 72.45, 8.2)"),
    ("weight_for_height, interpolated", "growth.weight_for_height('L', 95.37, 13.9)"),
    ("weight_for_length_or_height (WHO rule)", "growth.weight_for_length_or_height('L', 800, 88.0, 12.1, False)"),
    ("convert_length", "growth.convert_length(80.0, True, True)"),
]

# The module is loaded from its file, not through the mtbs_tui.rules package,
# so that "import" is this module's own cost (the package imports the engine).
COLD_SNIPPET = """
import importlib.util, sys, time
t0 = time.process_time()
spec = importlib.util.spec_from_file_location("growth", "mtbs_tui/rules/growth.py")
growth = importlib.util.module_from_spec(spec)
sys.modules["growth"] = growth  # dataclasses looks the module up by name
spec.loader.exec_module(growth)
t1 = time.process_time()
growth.{call}
t2 = time.process_time()
growth.{call}
t3 = time.process_time()
print(t1 - t0, t2 - t1, t3 - t2)
"""

COLD_CALLS = {
    "wfa (1857 rows)": "weight_for_age('L', 400, 9.1)",
    "wfl (651 rows)": "weight_for_length('P', 72.45, 8.2)",
    "wfh (551 rows)": "weight_for_height('L', 95.37, 13.9)",
}


def per_call_ns(statement: str, number: int) -> float:
    # CPU time of this process: the machine is shared, and wall time then
    # counts the time other processes held the core.
    timer = timeit.Timer(statement, timer=time.process_time, globals={"growth": growth, "baseline_z": baseline_z})
    timer.timeit(1000)  # warm up, and load the table outside the timing
    return min(timer.repeat(repeat=5, number=number)) / number * 1e9


def cold_load(call: str, runs: int) -> tuple[float, float, float]:
    samples = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", COLD_SNIPPET.format(call=call)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        samples.append(tuple(float(x) for x in out))
    return tuple(statistics.median(s[i] for s in samples) * 1e3 for i in range(3))  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--number", type=int, default=200_000, help="calls per timing repeat")
    parser.add_argument("--runs", type=int, default=7, help="fresh interpreters per cold measurement")
    parser.add_argument("--json", action="store_true", help="write bench/out/growth.json")
    args = parser.parse_args()

    results: dict[str, object] = {"python": sys.version.split()[0]}
    base = per_call_ns("baseline_z(9.1)", args.number)
    results["baseline_ns"] = base
    print(f"Python {results['python']}; baseline (LMS formula on constants): {base:.0f} ns/call\n")
    print(f"{'call':42} {'ns/call':>8} {'ratio':>6}")
    rows = []
    for label, statement in CASES:
        ns = per_call_ns(statement, args.number)
        rows.append({"call": label, "ns": ns, "ratio": ns / base})
        print(f"{label:42} {ns:8.0f} {ns / base:6.1f}")
    results["per_call"] = rows

    print(f"\nfirst call in a fresh interpreter (median of {args.runs}):")
    print(f"{'table':18} {'import ms':>10} {'1st call ms':>12} {'2nd call ms':>12}")
    cold = []
    for label, call in COLD_CALLS.items():
        imp, first, second = cold_load(call, args.runs)
        cold.append({"table": label, "import_ms": imp, "first_call_ms": first, "second_call_ms": second})
        print(f"{label:18} {imp:10.2f} {first:12.2f} {second:12.4f}")
    results["cold"] = cold

    if args.json:
        out = ROOT / "bench" / "out"
        out.mkdir(parents=True, exist_ok=True)
        (out / "growth.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
