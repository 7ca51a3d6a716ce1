"""Register benchmarks on a 100,000-visit demo register (issue 2).

Figures, each with a baseline measured in the same run on the same disk:

* creating the register (`mtbs demo --patients 25000 --visits 100000`, a whole process)
  vs. inserting the same visit rows into an empty copy of the schema with one executemany;
* opening it: Register.open with the start-up quick_check, and with check="background",
  vs. a bare sqlite3 connect + one query;
* saving one visit (save_visit: classify + one BEGIN IMMEDIATE transaction, synchronous=FULL),
  median and p99, vs. a bare one-row INSERT + COMMIT under the same pragmas (the fsync floor);
* patient search, first page, for name prefixes, vs. an index range query on no. RM;
* the referral loop (issue 17): recording what was given ("semua diberikan", one transaction with
  its audit entry) and the hospital's reply, median, vs. the same bare INSERT + COMMIT floor; the
  open-referrals list of the Rujukan screen and the Beranda panel vs. a bare count of referrals;
* the Mutu screen's year of quality indicators (`quality.compute`) on the main connection and on
  the worker's read-only `Register.reader()` (what the screen uses, off the UI thread), and how
  long an interrupted computation takes to stop (Esc or a moved period on the screen).

Targets (issue 2): save < 5 ms median and < 50 ms p99; first search page < 5 ms; creating the
100,000-visit register < 10 s. The register is kept in the temp folder between runs
(`mtbs-bench-register-100k.db`) for the other benchmarks; `--reuse` skips rebuilding it (and the
creation figure, the median of `--create-runs` whole-process runs).

    .venv/bin/python bench/bench_register.py [--reuse] [--create-runs 3] [--saves 200]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
MTBS = BIN / ("mtbs.exe" if os.name == "nt" else "mtbs")
BIG = Path(tempfile.gettempdir()) / "mtbs-bench-register-100k.db"
PATIENTS, VISITS = 25_000, 100_000


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


def create(path: Path) -> float:
    for suffix in ("", "-wal", "-shm", ".writelock"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    data = Path(tempfile.mkdtemp(prefix="mtbs-bench-data-"))
    env = dict(os.environ, MTBS_DATA_DIR=str(data))
    started = time.perf_counter()
    subprocess.run([str(MTBS), "--db", str(path), "demo", "--patients", str(PATIENTS), "--visits", str(VISITS)],
                   check=True, env=env, capture_output=True, timeout=3600)
    return time.perf_counter() - started


def create_baseline(path: Path, work: Path) -> float:
    """The same visit rows inserted into an empty copy of the schema: SQLite's own cost."""
    src = sqlite3.connect(path)
    rows = src.execute("SELECT * FROM visits").fetchall()
    # The visits table and its indexes as the current schema has them (migrations add columns).
    schema = [sql for (sql,) in src.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'visits' AND type IN ('table', 'index') "
        "AND sql IS NOT NULL ORDER BY type = 'index'")]
    src.close()
    target = work / "baseline-insert.db"
    conn = sqlite3.connect(target, isolation_level=None)
    for sql in schema:
        conn.execute(sql)
    conn.execute("PRAGMA journal_mode = MEMORY")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA foreign_keys = OFF")
    marks = ",".join("?" * len(rows[0]))
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO visits VALUES ({marks})", rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    target.unlink()
    return elapsed


def bench_open(path: Path, runs: int = 5) -> dict[str, float]:
    from mtbs_tui.register import Register

    out: dict[str, list[float]] = {"check": [], "background": [], "baseline": []}
    for _ in range(runs):
        started = time.perf_counter()
        reg = Register.open(path)
        out["check"].append(time.perf_counter() - started)
        reg.close()
        started = time.perf_counter()
        reg = Register.open(path, check="background")
        reg.visits_on(dt.date.today())
        out["background"].append(time.perf_counter() - started)
        reg.health(wait=True)
        reg.close()
        started = time.perf_counter()
        conn = sqlite3.connect(path)
        conn.execute("SELECT count(*) FROM meta").fetchone()
        out["baseline"].append(time.perf_counter() - started)
        conn.close()
    return {k: statistics.median(v) for k, v in out.items()}


def bench_save(path: Path, saves: int, work: Path) -> dict[str, float]:
    from mtbs_tui.demo import BY_ID, ResultCache
    from mtbs_tui.register import Register
    from mtbs_tui.rules import classify

    reg = Register.open(path)
    birth = dt.date.today() - dt.timedelta(days=400)
    pid = reg.add_patient(name="Pasien Bench", sex="P", birth_date=birth.isoformat(), actor="bench")
    cache = ResultCache(classify, "rendah")
    names = ("pneumonia", "diare_tanpa_dehidrasi", "batuk_bukan_pneumonia", "demam_tes_negatif")
    cases = [cache.case(BY_ID[n], birth, dt.date.today(), "P") for n in names]
    classify(cases[0])
    total, engine = [], []
    for i in range(saves):
        case = cases[i % len(cases)]
        started = time.perf_counter()
        classify(case)
        engine.append(time.perf_counter() - started)
        started = time.perf_counter()
        reg.save_visit(patient_id=pid, case=case, actor="bench")
        total.append(time.perf_counter() - started)
    reg.close()

    floor = work / "baseline-save.db"
    conn = sqlite3.connect(floor, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON", "secure_delete = ON"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT)")
    base = []
    for _ in range(saves):
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t(body) VALUES (?)", ["x" * 3000])
        conn.execute("COMMIT")
        base.append(time.perf_counter() - started)
    conn.close()
    return {"median": statistics.median(total), "p99": p99(total), "classify": statistics.median(engine),
            "baseline": statistics.median(base), "baseline_p99": p99(base)}


def bench_search(path: Path, runs: int = 50) -> dict[str, tuple[float, float]]:
    from mtbs_tui.register import Register

    reg = Register.open(path)
    conn = reg.db.conn
    out = {}
    for text in ("si", "sit", "siti ra", "yul", "RM0123"):
        reg.search_patients(text)
        times, base = [], []
        for _ in range(runs):
            started = time.perf_counter()
            reg.search_patients(text, limit=20)
            times.append(time.perf_counter() - started)
            started = time.perf_counter()
            conn.execute("SELECT * FROM patients WHERE mrn >= ? AND mrn < ? ORDER BY mrn LIMIT 20",
                         ["RM0123", "RM0124"]).fetchall()
            base.append(time.perf_counter() - started)
        out[text] = (statistics.median(times), statistics.median(base))
    reg.close()
    return out


def bench_referral_loop(path: Path, runs: int = 40) -> dict[str, float]:
    """What the nurse waits for in the referral loop on the big register (see the module text)."""
    from mtbs_tui.given import rest_given
    from mtbs_tui.register import Register

    reg = Register.open(path)
    today = dt.date.today()
    opened = reg.open_referrals(today)
    lists, base = [], []
    for _ in range(runs):
        started = time.perf_counter()
        reg.open_referrals(today)
        lists.append(time.perf_counter() - started)
        started = time.perf_counter()
        reg.db.execute("SELECT count(*) FROM referrals").fetchone()
        base.append(time.perf_counter() - started)
    replies, given = [], []
    for row in opened[:runs]:
        visit = reg.get_visit(row["id"])
        changes = rest_given(visit["treatments"], visit.get("given"))
        started = time.perf_counter()
        reg.record_given(row["id"], changes, actor="bench")
        given.append(time.perf_counter() - started)
        started = time.perf_counter()
        reg.record_referral_reply(row["id"], received_date=visit["visit_date"], outcome="rawat_jalan",
                                  diagnosis="Pneumonia", actor="bench")
        replies.append(time.perf_counter() - started)
    reg.close()
    return {"open": len(opened), "list": statistics.median(lists), "count": statistics.median(base),
            "given": statistics.median(given) if given else float("nan"),
            "reply": statistics.median(replies) if replies else float("nan"), "samples": len(replies)}


def bench_quality(path: Path) -> dict[str, float]:
    """A year of indicators ending with the register's last month: on the main connection, on a
    reader in a thread (as the Mutu screen's worker), and the time from `interrupt()` (sent 0.3 s
    after the start) until the worker thread has ended."""
    import threading

    from mtbs_tui.quality import compute
    from mtbs_tui.register import Register

    reg = Register.open(path)
    last = dt.date.fromisoformat(reg.db.execute("SELECT max(visit_date) FROM visits").fetchone()[0])
    first = dt.date(last.year - 1, last.month, 1) if last.month < 12 else dt.date(last.year, 1, 1)
    out: dict[str, float] = {}
    started = time.perf_counter()
    compute(reg, first, last, today=last)
    out["main"] = time.perf_counter() - started
    reader = reg.reader()
    started = time.perf_counter()
    worker = threading.Thread(target=compute, args=(reader, first, last), kwargs={"today": last})
    worker.start()
    worker.join()
    out["reader"] = time.perf_counter() - started
    reader.close()

    def stoppable(r: Register) -> None:
        try:
            compute(r, first, last, today=last)
        except sqlite3.OperationalError:
            pass  # "interrupted"

    reader = reg.reader()
    worker = threading.Thread(target=stoppable, args=(reader,))
    worker.start()
    time.sleep(0.3)
    started = time.perf_counter()
    reader.interrupt()
    worker.join()
    out["stop"] = time.perf_counter() - started
    reader.close()
    reg.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reuse", action="store_true",
                        help="pakai database 100.000 kunjungan yang sudah ada (tanpa mengukur pembuatannya)")
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--create-runs", type=int, default=3, help="berapa kali pembuatan register diukur")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mtbs-bench-"))
    print(f"SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, {os.cpu_count()} CPU")
    if not args.reuse or not BIG.exists():
        # Median of several whole-process runs: a shared 2-core VM varies by +-20 % from run to run.
        runs = [create(BIG) for _ in range(args.create_runs)]
        seconds = statistics.median(runs)
        baseline = create_baseline(BIG, work)
        print(f"Membuat register {VISITS} kunjungan: median {seconds:6.2f} s dari {len(runs)} kali "
              f"({', '.join(f'{r:.2f}' for r in runs)})  (target < 10 s: {seconds / 10:.2f}x target; "
              f"baris kunjungan saja, satu executemany: {baseline:5.2f} s, rasio {seconds / baseline:.1f}x)")
    else:
        print(f"Register {BIG} dipakai ulang (tanpa --reuse pembuatannya diukur)")
    size = BIG.stat().st_size / 1e6
    print(f"Ukuran berkas: {size:.0f} MB")
    copy = work / "bench.db"
    shutil.copy(BIG, copy)

    opened = bench_open(copy)
    print(f"Buka (quick_check)      {ms(opened['check'])}  rasio {opened['check'] / opened['baseline']:7.1f}x "
          f"dasar {ms(opened['baseline'])}")
    print(f"Buka (cek di latar)     {ms(opened['background'])}  rasio "
          f"{opened['background'] / opened['baseline']:7.1f}x (termasuk daftar hari ini)")

    saved = bench_save(copy, args.saves, work)
    print(f"Simpan kunjungan median {ms(saved['median'])}  p99 {ms(saved['p99'])}  (target < 5 ms / < 50 ms)")
    print(f"  dasar INSERT+COMMIT   {ms(saved['baseline'])}  p99 {ms(saved['baseline_p99'])}  "
          f"rasio median {saved['median'] / saved['baseline']:.1f}x; klasifikasi saja {ms(saved['classify'])}")

    for text, (took, base) in bench_search(copy).items():
        print(f"Cari {text!r:10} hal. 1  {ms(took)}  (target < 5 ms)  rasio {took / base:6.1f}x "
              f"terhadap rentang indeks no. RM {ms(base)}")
    loop = bench_referral_loop(copy)
    print(f"Daftar rujukan belum dibalas ({loop['open']:.0f}) {ms(loop['list'])}  rasio "
          f"{loop['list'] / loop['count']:6.1f}x terhadap count(*) rujukan {ms(loop['count'])}")
    print(f"Catat 'semua diberikan' median {ms(loop['given'])}, balasan rujukan median {ms(loop['reply'])} "
          f"({loop['samples']:.0f} kali); rasio {loop['given'] / saved['baseline']:.1f}x dan "
          f"{loop['reply'] / saved['baseline']:.1f}x terhadap INSERT+COMMIT  (target < 5 ms)")
    mutu = bench_quality(copy)
    print(f"Indikator mutu 12 bulan {ms(mutu['main'])}  di utas pekerja (Register.reader) {ms(mutu['reader'])}; "
          f"berhenti setelah interrupt {ms(mutu['stop'])}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
