"""A scripted nurse for the form kill test: types a whole visit into the real app (headless Pilot),
and logs after every key what the form holds, so the test can SIGKILL it at any moment and check
that the draft in the register has every answer that was on screen a second before.

Every log line is one `os.write` of JSON (no buffering to lose on SIGKILL):
    {"t": <time.time()>, "ready": true}       the form is open, typing starts
    {"t": ..., "case": {...}}                 after a key was handled: the form's case (build_case)
    {"t": ..., "done": true}                  every key typed; the child then waits to be killed
On stdout (zygote mode):  CHILD <pid>  when a nurse child was forked;  DONE <pid>  when it ended.

Modes:
    form_nurse.py DB LOG --seed S          one nurse (opens the first patient's visit form)
    form_nurse.py DB --zygote              import Textual and the app once, then fork one nurse per
                                           "go <seed> <log>" line on stdin (POSIX), so 50 kills
                                           cost no 50 interpreter start-ups
"""
from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mtbs_tui.app import MtbsApp  # noqa: E402
from mtbs_tui.register import Register  # noqa: E402
from mtbs_tui.screens.visit_form import VisitFormScreen  # noqa: E402
from mtbs_tui.users import get_user  # noqa: E402

USER = "bidan.sari"
# The standard visit of an 11-month-old (data, danger signs, cough 52/min, the other boxes; as
# tests/tui/form_app.STANDARD_VISIT), without the last key that opens the summary: the form stays
# open to be killed.
KEYS = ("9 , 2 enter 7 4 enter 3 6 , 8 enter 1 4 enter 4 5 enter "
        "t t t t t t t t t t t t t t t y 5 2 enter t t t 1 1 "
        "2 1 1 s y").split()


def log(fd: int, record: dict) -> None:
    os.write(fd, (json.dumps(record) + "\n").encode())


async def nurse(db: str, log_path: str, seed: int) -> None:
    rng = random.Random(seed)
    reg = Register.open(db)
    patient_id = int(reg.db.execute("SELECT min(id) FROM patients").fetchone()[0])
    app = MtbsApp(reg, user=get_user(reg, USER), offer_drafts=False)
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.start_visit(patient_id)
        await pilot.pause()
        form = app.screen
        assert isinstance(form, VisitFormScreen), form
        log(fd, {"t": time.time(), "ready": True})
        for key in KEYS:
            await pilot.press(key)
            if app.screen is not form:
                break
            log(fd, {"t": time.time(), "case": form.build_case()})
            # A nurse types in bursts: mostly quick keys, sometimes a pause to look at the child.
            await asyncio.sleep(rng.choice((0.01, 0.03, 0.08, 0.15, 0.4)))
        log(fd, {"t": time.time(), "done": True})
        await asyncio.sleep(60)  # killed here at the latest


def zygote(db: str) -> None:
    print("READY", flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] != "go":
            continue
        seed, log_path = int(parts[1]), parts[2]
        pid = os.fork()
        if pid == 0:
            try:
                asyncio.run(nurse(db, log_path, seed))
            finally:
                os._exit(0)
        print(f"CHILD {pid}", flush=True)
        os.waitpid(pid, 0)
        print(f"DONE {pid}", flush=True)


def main(argv: list[str]) -> None:
    if len(argv) >= 2 and argv[1] == "--zygote":
        zygote(argv[0])
        return
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 0
    asyncio.run(nurse(argv[0], argv[1], seed))


if __name__ == "__main__":
    main(sys.argv[1:])
