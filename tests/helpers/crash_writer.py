"""Writer process for the crash and concurrency tests: saves visits through the real save path.

Every line it prints on stdout is one `os.write` (atomic on a pipe):
    OK <visit_id>        after save_visit returned, i.e. after COMMIT (an acknowledged visit)
    CHILD <pid>          (zygote mode) a writer child was forked
    DONE <pid>           (zygote mode) that child has ended (killed or finished)

Modes:
    crash_writer.py DB [--count N] [--seed S]   write N visits (0 = until killed), then exit 0
    crash_writer.py DB --zygote                 import everything once, then fork one writer child
                                                per "go <seed>" line on stdin (POSIX only); the test
                                                SIGKILLs the children, so 200 cycles stay fast
Errors are printed as one `ERR ...` line on stderr and exit status 3.
"""
from __future__ import annotations

import datetime as dt
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mtbs_tui.demo import BY_ID, ResultCache  # noqa: E402
from mtbs_tui.register import Register, RegisterError  # noqa: E402
from mtbs_tui.rules import classify  # noqa: E402

SCENARIOS = ("pneumonia", "diare_tanpa_dehidrasi", "batuk_bukan_pneumonia", "demam_tes_negatif", "anemia")


def say(line: str) -> None:
    os.write(1, (line + "\n").encode())


def ensure_patient(reg: Register) -> int:
    row = reg.db.execute("SELECT id FROM patients ORDER BY id LIMIT 1").fetchone()
    if row:
        return int(row[0])
    birth = dt.date.today() - dt.timedelta(days=400)
    return reg.add_patient(name="Anak Uji Tahan Banting", sex="P", birth_date=birth.isoformat(),
                           mother_nik="5301015912860001", actor="uji")


def write_visits(db: str, count: int, seed: int) -> int:
    rng = random.Random(seed)
    cache = ResultCache(classify, "rendah")
    try:
        reg = Register.open(db, create=True)
        patient_id = ensure_patient(reg)
        patient = reg.get_patient(patient_id)
        birth = dt.date.fromisoformat(patient["birth_date"])
        n = 0
        while count == 0 or n < count:
            scenario = BY_ID[rng.choice(SCENARIOS)]
            case = cache.case(scenario, birth, dt.date.today(), "P")
            if n % 2:
                draft = reg.save_draft(patient_id=patient_id, case={"visit_date": case["visit_date"],
                                       "findings": {"batuk": True}}, section="batuk", actor="uji")
                visit_id = reg.save_visit(patient_id=patient_id, case=case, actor="uji", draft_id=draft)
            else:
                visit_id = reg.save_visit(patient_id=patient_id, case=case, actor="uji")
            say(f"OK {visit_id}")
            n += 1
        reg.close()
    except RegisterError as exc:
        print(f"ERR {exc}", file=sys.stderr, flush=True)
        return 3
    return 0


def zygote(db: str) -> int:
    classify(ResultCache(classify, "rendah").case(BY_ID["pneumonia"], dt.date(2025, 1, 1), dt.date(2025, 12, 1), "P"))
    say("READY")
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] != "go":
            break
        seed = int(parts[1]) if len(parts) > 1 else 0
        pid = os.fork()
        if pid == 0:  # the writer child: never returns into the zygote's loop
            code = 1
            try:
                code = write_visits(db, 0, seed)
            finally:
                os._exit(code)
        say(f"CHILD {pid}")
        os.waitpid(pid, 0)
        say(f"DONE {pid}")
    return 0


def main(argv: list[str]) -> int:
    db = argv[0]
    if "--zygote" in argv:
        return zygote(db)
    count = int(argv[argv.index("--count") + 1]) if "--count" in argv else 0
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else os.getpid()
    return write_visits(db, count, seed)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
