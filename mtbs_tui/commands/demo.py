"""`mtbs demo`: build a demo register (fictional puskesmas, synthetic children, a year of visits).

Without --db / $MTBS_DB the demo goes to its own file (`paths.demo_db_path()`), so demo patients
never mix with the real register. The file is built under a temporary name and renamed into place
only when complete: an interrupted run leaves no half-filled demo. An existing file is replaced
only when it is itself a demo register; a real register is never overwritten.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def _err(message: str) -> int:
    print(f"galat: {message}", file=sys.stderr)
    return 2


def _is_demo(path: Path) -> bool | None:
    """True/False when the file is a readable register, None when it is not one at all."""
    import sqlite3

    from mtbs_tui.db import readonly_uri
    from mtbs_tui.register import is_demo_register

    uri = readonly_uri(path)
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            return is_demo_register(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def run(path: Path | None, *, patients: int, visits: int, if_missing: bool = False, seed: int = 2026,
        variant: str = "sukamaju") -> int:
    from mtbs_tui import db as dbmod
    from mtbs_tui.paths import demo_db_path

    target = Path(path) if path is not None else demo_db_path()
    try:
        dbmod.refuse_network_path(target)
    except dbmod.DatabaseError as exc:
        return _err(exc.message)
    if not target.parent.exists():
        return _err(f"{target.parent}: folder tidak ditemukan")
    if patients < 1:
        return _err("--patients: minimal 1")
    if visits < 0:
        return _err("--visits: tidak boleh negatif")
    from mtbs_tui.demo import PRACTICES

    if variant not in PRACTICES:
        return _err(f"--varian: {variant!r} tidak dikenal (pilihan: {', '.join(PRACTICES)})")
    if target.exists():
        if if_missing:
            print(f"Database demo sudah ada: {target}")
            return 0
        kind = _is_demo(target) if target.stat().st_size else False
        if kind is not True:
            return _err(f"{target}: berkas sudah ada dan bukan database demo; tidak ditimpa")

    from mtbs_tui.demo import generate
    from mtbs_tui.register import Register, RegisterError

    tmp = target.with_name(f".{target.name}.{os.getpid()}.baru")
    started = time.perf_counter()
    try:
        reg = Register.open(tmp, create=True)
        try:
            # Each variant its own children (a seed of its own), the default demo as before.
            stats = generate(reg, patients=patients, visits=visits, seed=seed + list(PRACTICES).index(variant),
                             bulk=True, practice=variant)
            reg.mark_demo()
        finally:
            reg.close()
        try:
            for suffix in ("-wal", "-shm"):
                stale = Path(str(target) + suffix)
                if stale.exists():
                    stale.unlink()
            os.replace(tmp, target)
        except OSError:
            # Windows refuses to replace a file another program has open (the TUI on the demo).
            return _err(f"{target}: database demo sedang dipakai; tutup aplikasi lalu coba lagi")
    except RegisterError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        for leftover in (tmp, *(Path(str(tmp) + side) for side in ("-wal", "-shm", ".writelock", ".cadangan.writelock"))):
            if leftover.exists():
                leftover.unlink()
    elapsed = time.perf_counter() - started
    print(f"Database demo dibuat: {target}" + (f" ({PRACTICES[variant].name}: {PRACTICES[variant].description})"
                                                 if variant != "sukamaju" else ""))
    print(f"Pasien: {stats.patients}  Kunjungan: {stats.visits} (ulang {stats.follow_ups}, koreksi "
          f"{stats.corrections})  Balasan rujukan: {stats.replies}  Draf: {stats.drafts}  "
          f"Waktu: {elapsed:.1f} dtk")
    return 0
