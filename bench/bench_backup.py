"""Verified backup of a 100,000-visit register against `sqlite3 DB ".backup FILE"` (the SQLite shell's
online backup, no verification), measured in the same run. Target: within 3x; the verification
(integrity_check, foreign_key_check, row counts, fsync) is the difference. Also: verify alone, and
a restore (verify, stage, keep the current database aside, write over the live file).

Run: .venv/bin/python bench/bench_backup.py   ($MTBS_BENCH_DB reuses a register)
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_export import bench_db  # noqa: E402


def timed(fn):  # type: ignore[no-untyped-def]
    """(wall seconds, CPU seconds of this process and its children, result)."""
    import os

    def cpu() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    t, c = time.perf_counter(), cpu()
    out = fn()
    return time.perf_counter() - t, cpu() - c, out


def main() -> None:
    from mtbs_tui.backup import create_backup, restore_backup, verify_backup

    src = bench_db(100_000)
    shell = shutil.which("sqlite3")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "mtbs.db"
        # Work on a copy so the shared bench register is never written (audit rows, restore).
        subprocess.run([sys.executable, "-c", "import sqlite3,sys; a=sqlite3.connect(sys.argv[1]); "
                        "b=sqlite3.connect(sys.argv[2]); a.backup(b); b.close()", str(src), str(db)], check=True)
        size = db.stat().st_size / 1e6
        rows: dict[str, list[tuple[float, float]]] = {"ref": [], "ours": [], "verify": []}
        for i in range(2):  # interleaved, best of 2
            if shell:
                t = timed(lambda i=i: subprocess.run([shell, str(db), f".backup {work / f'ref{i}.db'}"], check=True))
            else:
                import sqlite3

                def py_backup(i: int = i) -> None:
                    a, b = sqlite3.connect(db), sqlite3.connect(work / f"ref{i}.db")
                    a.backup(b)
                    b.close()
                    a.close()
                t = timed(py_backup)
            rows["ref"].append(t[:2])
            *t, info = timed(lambda: create_backup(db, work / "cadangan", audit=False, prune=False))
            rows["ours"].append(tuple(t))
            rows["verify"].append(timed(lambda info=info: verify_backup(info.path))[:2])
        t_restore, c_restore, _ = timed(lambda: restore_backup(info.path, db, aside_dir=work / "aside"))
    best = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in rows.items()}
    (ref, ref_cpu), (ours, ours_cpu), (ver, ver_cpu) = best["ref"], best["ours"], best["verify"]
    print(f"register: {src} ({size:.0f} MB)")
    print(f"  acuan `sqlite3 .backup` {'(shell)' if shell else '(python backup API)'}: "
          f"dinding {ref:6.2f} s, CPU {ref_cpu:6.2f} s")
    print(f"  mtbs backup (salin + verifikasi + fsync + ganti nama): dinding {ours:6.2f} s = {ours / ref:4.2f}x, "
          f"CPU {ours_cpu:6.2f} s = {ours_cpu / max(ref_cpu, 1e-9):4.2f}x acuan (target <= 3x)")
    print(f"  verifikasi saja (integrity_check, kunci asing, jumlah baris): dinding {ver:6.2f} s, CPU {ver_cpu:6.2f} s")
    print(f"  mtbs restore (verifikasi, salinan sementara, simpan yang lama, tulis): dinding {t_restore:6.2f} s "
          f"= {t_restore / ref:4.2f}x, CPU {c_restore:6.2f} s = {c_restore / max(ref_cpu, 1e-9):4.2f}x acuan")


if __name__ == "__main__":
    main()
