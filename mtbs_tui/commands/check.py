"""`mtbs check`: is the register file healthy? Reads only; never writes, migrates or repairs.

Checks, in order: network share, existence, the raw file header and size, then (read-only
connection) `PRAGMA integrity_check`, `foreign_key_check`, the schema version and the counts.
Exit 0 when healthy; 2 with one Indonesian line on stderr when not.
"""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path


def _fail(message: str) -> int:
    print(f"galat: {message}", file=sys.stderr)
    return 2


def run(path: Path) -> int:
    from mtbs_tui import db as dbmod
    from mtbs_tui.register import facility_name, record_counts

    path = Path(path)
    try:
        dbmod.refuse_network_path(path)
        if not path.exists():
            return _fail(f"{path}: berkas database tidak ditemukan")
        dbmod.check_existing_file(path)
        if path.stat().st_size:
            dbmod.wal_guard(path)
    except dbmod.DatabaseError as exc:
        return _fail(exc.message)
    if path.stat().st_size == 0:
        return _fail(f"{path}: berkas kosong, bukan database register MTBS")

    uri = dbmod.readonly_uri(path)
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    except (sqlite3.Error, UnicodeDecodeError) as exc:  # a damaged file can yield a non-UTF-8 error text
        return _fail(f"{path}: database tidak dapat dibuka ({exc})")
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        try:
            errors = dbmod.integrity_errors(conn)
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # a damaged file can yield a non-UTF-8 error text
            return _fail(f"{path}: database rusak ({exc})")
        if not errors and conn.execute("PRAGMA user_version").fetchone()[0]:
            try:
                errors = dbmod.row_errors(conn)
            except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
                return _fail(f"{path}: database rusak ({exc}); pulihkan dari cadangan")
        if errors:
            more = f" (dan {len(errors) - 1} masalah lain)" if len(errors) > 1 else ""
            return _fail(f"{path}: database rusak: {errors[0]}{more}; pulihkan dari cadangan")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > dbmod.SCHEMA_VERSION:
            return _fail(
                f"{path}: database dibuat oleh versi aplikasi yang lebih baru (skema {version}, "
                f"aplikasi ini {dbmod.SCHEMA_VERSION}); perbarui aplikasi"
            )
        if version == 0:
            return _fail(f"{path}: bukan database register MTBS")
        try:
            counts = record_counts(conn)
            facility = facility_name(conn)
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # a damaged file can yield a non-UTF-8 error text
            return _fail(f"{path}: database rusak atau bukan register MTBS ({exc})")
    finally:
        conn.close()

    print(f"Berkas: {path}")
    print("Keutuhan: baik (integrity_check ok, kunci asing ok, setiap baris klinis terbaca)")
    if version < dbmod.SCHEMA_VERSION:
        print(f"Versi skema: {version} (aplikasi: {dbmod.SCHEMA_VERSION}); akan diperbarui saat dibuka, "
              "setelah cadangan terverifikasi")
    else:
        print(f"Versi skema: {version}")
    print(f"Puskesmas: {facility if facility else '(identitas belum diisi)'}")
    print(f"Pasien: {counts['pasien']}  Kunjungan: {counts['kunjungan']}  Koreksi: {counts['koreksi']}  "
          f"Draf: {counts['draf']}  Audit: {counts['audit']}")
    print(f"SQLite {sqlite3.sqlite_version}, jurnal {mode}")
    print("Database sehat.")
    return 0
