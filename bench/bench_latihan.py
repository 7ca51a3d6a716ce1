"""Benchmark of kalakarya practice (issue 19): what the trainee waits for after her last key.

    .venv/bin/python bench/bench_latihan.py

Figures (each as a ratio against a baseline measured in the same run):
1. Scoring one case (`latihan.scoring.score`: the chart's answer, her answer compared area by area,
   the differences with their deciding findings) against the engine's `classify` of the same case
   alone (target: within 3x; the result screen opens after it).
2. The choices shown while she answers: the dose choices of every treatment of the case
   (`dose_choices`, which classifies the case at nearby weights and ages to offer wrong bands),
   against `classify` once. It runs when the dose screen opens: target under 100 ms per case here
   (an old PC is about three times slower).
3. Loading the whole case library (65 cases, parsed and checked) against reading the same files as
   plain JSON (target: within 3x).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mtbs_tui.latihan import library  # noqa: E402
from mtbs_tui.latihan.scoring import correct_answer, dose_choices, score  # noqa: E402
from mtbs_tui.rules import classify  # noqa: E402


def _per_call(fn, seconds: float) -> float:  # type: ignore[no-untyped-def]
    """CPU seconds per call (process time: other work on a busy clinic PC does not count)."""
    fn()
    n, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        fn()
        n += 1
    return (time.process_time() - start) / n


def main() -> None:
    cases = library.load()
    answers = [(c.case, correct_answer(c.case)) for c in cases]

    def score_all() -> None:
        for case, answer in answers:
            score(case, answer)

    def classify_all() -> None:
        for case, _ in answers:
            classify(case)

    def doses_all() -> None:
        for case, answer in answers:
            for code in answer.treatments:
                dose_choices(case, code)

    scoring = _per_call(score_all, 2.0) / len(answers)
    engine = _per_call(classify_all, 2.0) / len(answers)
    doses = _per_call(doses_all, 2.0) / len(answers)

    directory = Path(library.__file__).resolve().parents[2] / "data" / "latihan"
    files = sorted(directory.glob("*.json"))

    def load_library() -> None:
        library.load.cache_clear()  # the app loads it once per process; measure that once
        library.load()

    def read_json() -> None:
        for f in files:
            json.loads(f.read_text(encoding="utf-8"))

    loading = _per_call(load_library, 1.0)
    plain = _per_call(read_json, 1.0)

    print(f"pustaka kasus: {len(cases)} kasus, {len(files)} berkas di {directory}")
    print(f"nilai satu kasus: CPU {scoring * 1000:6.2f} ms = {scoring / engine:4.2f}x classify "
          f"({engine * 1000:5.2f} ms)  (target <= 3x)")
    print(f"pilihan dosis satu kasus: CPU {doses * 1000:6.1f} ms = {doses / engine:5.1f}x classify  "
          f"(target < 100 ms)")
    print(f"muat pustaka: CPU {loading * 1000:6.1f} ms = {loading / plain:4.2f}x baca JSON saja "
          f"({plain * 1000:5.1f} ms)  (target <= 3x)")


if __name__ == "__main__":
    main()
