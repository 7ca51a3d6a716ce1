"""Several processes save and read one register at once: no "database is locked" escapes, no row lost.

Three writers save visits through the real save path, two readers page, search and open visits,
and one process takes online backups (the SQLite backup API, as `mtbs cadangan` does) meanwhile.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from mtbs_tui.register import Register

HELPER = Path(__file__).parent / "helpers" / "crash_writer.py"
WRITERS = 3
SAVES = 25

READER = textwrap.dedent(
    """
    import datetime as dt, sys, time
    from mtbs_tui.register import Register
    reg = Register.open(sys.argv[1])
    end = time.monotonic() + float(sys.argv[2])
    n = 0
    today = dt.date.today()
    while time.monotonic() < end:
        page = reg.visits_page(today - dt.timedelta(days=1), today, limit=20)
        for row in page[:3]:
            reg.get_visit(row["id"])
        reg.search_patients("anak")
        reg.follow_ups_due(today)
        reg.visits_on(today)
        n += 1
    reg.close()
    print("READS", n, flush=True)
    """
)

BACKUP = textwrap.dedent(
    """
    import sqlite3, sys, time, os
    end = time.monotonic() + float(sys.argv[2])
    n = 0
    while time.monotonic() < end:
        src = sqlite3.connect(sys.argv[1], timeout=5)
        src.execute("PRAGMA busy_timeout = 5000")
        dst = sqlite3.connect(sys.argv[3])
        src.backup(dst)
        assert dst.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        dst.close(); src.close(); os.remove(sys.argv[3])
        n += 1
    print("BACKUPS", n, flush=True)
    """
)


def test_writers_readers_and_backup_on_one_file(tmp_path: Path) -> None:
    db = tmp_path / "register.db"
    subprocess.run([sys.executable, str(HELPER), str(db), "--count", "1"], check=True, capture_output=True)
    seconds = "4"
    procs = [subprocess.Popen([sys.executable, str(HELPER), str(db), "--count", str(SAVES), "--seed", str(i)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(WRITERS)]
    procs += [subprocess.Popen([sys.executable, "-c", READER, str(db), seconds], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for _ in range(2)]
    procs.append(subprocess.Popen([sys.executable, "-c", BACKUP, str(db), seconds, str(tmp_path / "copy.db")],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    acknowledged: set[int] = {1}
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err, err
        acknowledged |= {int(line.split()[1]) for line in out.splitlines() if line.startswith("OK ")}
        if "READS" in out:
            assert int(out.split()[-1]) > 0
    assert len(acknowledged) == 1 + WRITERS * SAVES
    reg = Register.open(db)
    try:
        final = {r[0] for r in reg.db.execute("SELECT id FROM visits WHERE status = 'final'")}
        assert acknowledged <= final and len(final) == len(acknowledged)
        assert reg.integrity_errors() == []
    finally:
        reg.close()
