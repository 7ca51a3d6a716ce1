"""Connection discipline for the register file: checks, pragmas, write transactions, migrations.

Everything that opens, writes or upgrades the SQLite file goes through this module, so the
reliability rules of `shared/reference/reliability.md` live in one place:

* a path on a network share is refused, a damaged file is detected (header, size, quick_check)
  BEFORE anything writes to it, a newer schema is refused, an older one is upgraded only after a
  verified backup copy exists;
* every write is `BEGIN IMMEDIATE ... COMMIT` inside `write(db)`, which also holds a cross-process
  lock file (see `WriteLock` for why);
* each migration runs in one transaction that also sets `PRAGMA user_version`, so a kill during an
  upgrade leaves the old or the new schema, never a mix.

No Textual, reportlab or openpyxl here (tests/test_import_hygiene.py).
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import os
import sqlite3
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from mtbs_tui.dbfile import (  # noqa: F401 - re-exported: mtbs_tui.db is where callers look
    NETWORK_FS,
    SCHEMA_VERSION,
    SQLITE_MAGIC,
    DatabaseError,
    _posix_fs_type,
    _windows_drive_is_remote,
    check_existing_file,
    check_file_header,
    is_network_path,
    refuse_network_path,
)

# How long a writer waits for another process's write transaction (the lock file) before it gives
# up with a readable message. Our own transactions last milliseconds; a demo batch well under 1 s.
LOCK_TIMEOUT_S = 30.0


# --- paths ----------------------------------------------------------------------------------------

def readonly_uri(path: Path) -> str:
    """A `mode=ro` SQLite URI for `path` (file:///C:/... on Windows, file:///... elsewhere)."""
    return Path(path).resolve().as_uri() + "?mode=ro"


def sqlite_reason(exc: BaseException) -> str:
    """SQLite's English error as a short Indonesian reason (the original stays in parentheses)."""
    text = str(exc)
    lowered = text.lower()
    for needle, reason in (
        ("disk is full", "disk penuh"),
        ("readonly", "berkas atau folder hanya-baca"),
        ("locked", "database sedang dipakai proses lain"),
        ("busy", "database sedang dipakai proses lain"),
        ("disk i/o", "galat baca/tulis disk"),
        ("unable to open", "berkas tidak dapat dibuka"),
        ("malformed", "database rusak"),
        ("not a database", "bukan database SQLite"),
    ):
        if needle in lowered:
            return f"{reason} ({text})"
    return text


# --- the write lock -------------------------------------------------------------------------------

class WriteLock:
    """A cross-process lock file `<db>.writelock` held around every write transaction.

    Why: the SQLite here (3.40.1) is older than 3.51.3, which fixed a rare WAL corruption race when
    two connections write or checkpoint at the same moment (reliability.md). Holding this lock
    means only one connection of any of our processes writes or checkpoints at a time. The OS drops
    the lock when the process dies (SIGKILL included), so a crash never leaves it stuck.
    Windows: msvcrt.locking on byte 0; elsewhere fcntl.flock. Threads of one process are
    serialised by an RLock, because flock does not exclude two users of the same descriptor.
    """

    def __init__(self, db_path: Path) -> None:
        self.path = Path(str(db_path) + ".writelock")
        self._fd: int | None = None
        self._thread_lock = threading.RLock()
        self._depth = 0

    def _open(self) -> int:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd

    def acquire(self, timeout: float = LOCK_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        if not self._thread_lock.acquire(timeout=timeout):
            raise DatabaseError("database sedang dipakai; coba lagi sebentar lagi", kind="terkunci")
        if self._depth:
            self._depth += 1
            return
        try:
            fd = self._open()
            delay = 0.001
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise DatabaseError(
                        "database sedang dipakai proses lain terlalu lama; coba lagi sebentar lagi",
                        kind="terkunci",
                    )
                time.sleep(delay)
                delay = min(delay * 2, 0.02)
        except BaseException:
            self._thread_lock.release()
            raise
        self._depth = 1

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            _unlock(self._fd)
        self._thread_lock.release()

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    @contextlib.contextmanager
    def held(self, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
        self.acquire(timeout)
        try:
            yield
        finally:
            self.release()


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


# --- connections ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Opened:
    db: sqlite_utils.Database
    lock: WriteLock | None  # None: a read-only connection (`connect_readonly`), which never writes
    migrated_from: int | None  # the old schema version when this open upgraded the file
    backup_path: Path | None   # the verified pre-migration copy
    check_deferred: bool = False  # check="background": quick_check still to run (Register does it)


_LOCKS: dict[int, WriteLock] = {}


def connect(
    path: str | Path,
    *,
    create: bool = False,
    check: bool | str = True,
    migrate: bool = True,
    backup_dir: Path | None = None,
    target_version: int = SCHEMA_VERSION,
) -> Opened:
    """Open the register file with every check and pragma; create or upgrade the schema.

    Order matters: nothing is written (not even the WAL switch, which rewrites the header) until
    the file passed the header check, quick_check and the schema-version check.

    check=True runs quick_check now (its time grows with the file: about 2 s for 100,000 visits
    on a slow PC); check="background" leaves it to the caller when opening writes nothing, so a
    screen can appear at once (Register holds every write until the check has passed).
    """
    path = Path(path)
    refuse_network_path(path)
    checked = False
    if path.exists():
        check_existing_file(path)
        fresh = path.stat().st_size == 0
        if not fresh:
            # Before the read-write connection exists (closing it would checkpoint the WAL into the
            # file): a -wal that is not this register's, or a failed quick_check, refuses the file
            # and leaves it, and its -wal, byte for byte as they were.
            checked = wal_guard(path) or (check is True and readonly_quick_check(path))
    else:
        if not create:
            raise DatabaseError(
                f"{path}: berkas database tidak ditemukan (buat dengan `mtbs init`)", kind="hilang"
            )
        if not path.parent.exists():
            raise DatabaseError(f"{path.parent}: folder tidak ditemukan", kind="hilang")
        fresh = True
        # Owner only from the first byte: SQLite gives -wal and -shm the mode of the main file.
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600))

    try:
        # isolation_level=None: we issue BEGIN IMMEDIATE/COMMIT ourselves; Python's implicit BEGIN
        # (deferred) could turn a read-then-write into an unfixable SQLITE_BUSY.
        # check_same_thread=False: the TUI may save from a worker thread; WriteLock serialises.
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=5.0, check_same_thread=False)
    except (sqlite3.Error, UnicodeDecodeError) as exc:  # a damaged file can yield a non-UTF-8 error text
        raise DatabaseError(f"{path}: database tidak dapat dibuka ({exc})", kind="izin") from exc
    lock = WriteLock(path)
    try:
        # busy_timeout: a backup or export running beside the TUI must not surface "locked".
        conn.execute("PRAGMA busy_timeout = 5000")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        deferred = False
        if check == "background" and not fresh and not checked:
            # The caller checks in a thread and holds every write until the check passed. Only
            # when opening itself writes nothing: already WAL (no header rewrite) and no migration.
            mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
            deferred = mode == "wal" and version == target_version
        if check and not fresh and not deferred and not checked:
            quick_check(conn, path)
        if version > target_version:
            raise DatabaseError(
                f"{path}: database dibuat oleh versi aplikasi yang lebih baru "
                f"(skema {version}, aplikasi ini {target_version}); perbarui aplikasi",
                kind="baru",
            )
        if not fresh:
            _check_recorded_version(conn, path, version, target_version)
        if version == 0 and not fresh and _has_foreign_tables(conn):
            raise DatabaseError(f"{path}: bukan database register MTBS", kind="asing")
        if version == 0 and not create:
            raise DatabaseError(
                f"{path}: database kosong, belum dibuat sebagai register (jalankan `mtbs init`)",
                kind="asing",
            )
        owner_only(path)
        _apply_pragmas(conn)
        db = sqlite_utils.Database(conn)
        _LOCKS[id(conn)] = lock
        migrated_from: int | None = None
        backup_path: Path | None = None
        if version < target_version:
            if not migrate:
                raise DatabaseError(
                    f"{path}: skema database versi {version} perlu diperbarui ke {target_version}",
                    kind="lama",
                )
            if version > 0:
                backup_path = verified_copy(
                    conn, path, backup_dir or path.parent / "cadangan", label=f"sebelum-migrasi-v{version}"
                )
                migrated_from = version
            migrate_to(db, target_version)
        _clean_after_crash(path)
        return Opened(db=db, lock=lock, migrated_from=migrated_from, backup_path=backup_path,
                      check_deferred=deferred)
    except DatabaseError:
        _LOCKS.pop(id(conn), None)
        conn.close()
        lock.close()
        raise
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # a damaged file can yield a non-UTF-8 error text
        _LOCKS.pop(id(conn), None)
        conn.close()
        lock.close()
        if isinstance(exc, sqlite3.OperationalError) and "malformed" not in str(exc).lower():
            raise DatabaseError(f"{path}: database tidak dapat dipakai: {sqlite_reason(exc)}", kind="izin") from exc
        raise DatabaseError(f"{path}: database rusak atau tidak dapat dibaca ({exc})") from exc


def _check_recorded_version(conn: sqlite3.Connection, path: Path, version: int, target_version: int) -> None:
    """`meta.schema_version` is written with `PRAGMA user_version` in every migration: both must
    agree. A newer recorded version means a newer app wrote the file; any other disagreement means
    one of them was changed outside the application, and migrating such a file could damage it."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone():
        return
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        return
    try:
        recorded = int(row[0])
    except (TypeError, ValueError):
        recorded = -1
    if recorded > target_version:
        raise DatabaseError(
            f"{path}: database dibuat oleh versi aplikasi yang lebih baru "
            f"(skema {recorded}, aplikasi ini {target_version}); perbarui aplikasi",
            kind="baru",
        )
    if recorded != version:
        raise DatabaseError(
            f"{path}: versi skema tidak cocok (PRAGMA user_version {version}, meta.schema_version "
            f"{row[0]!s:.20}); berkas diubah di luar aplikasi, pulihkan dari cadangan",
            kind="rusak",
        )


def owner_only(path: Path) -> None:
    """Children's health data is readable by its owner only (POSIX 0600): the register and its
    -wal/-shm, tightened at every open when this account owns them (files made before this rule,
    or copied in). Windows: the per-user data folder's ACL already limits it to the user."""
    if os.name == "nt":
        return
    for name in (str(path), str(path) + "-wal", str(path) + "-shm", str(path) + ".writelock"):
        with contextlib.suppress(OSError):
            info = os.stat(name)
            if info.st_uid == os.getuid() and info.st_mode & 0o077:
                os.chmod(name, info.st_mode & 0o700)


def _clean_after_crash(path: Path) -> None:
    """Temporary copies a killed backup or restore left beside the register (or in its backup
    folder) are removed now, when no backup or restore of it runs (mtbs_tui.backup)."""
    from mtbs_tui.backup import clean_after_crash

    with contextlib.suppress(Exception):
        clean_after_crash(path)


def connect_readonly(path: Path) -> Opened:
    """A read-only connection (`mode=ro`) to a register another connection of this process has
    opened (and checked, migrated): for reading in a worker thread while the UI thread keeps its
    own connection (sqlite3 connections are not shared between threads here). Nothing is checked
    again and nothing can be written; `close(db)` just closes it (no lock, no checkpoint)."""
    conn = sqlite3.connect(readonly_uri(path), uri=True, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA temp_store = MEMORY")  # sorting never writes temp files beside patient data
    except sqlite3.Error:
        conn.close()
        raise
    return Opened(db=sqlite_utils.Database(conn), lock=None, migrated_from=None, backup_path=None)


def _apply_pragmas(conn: sqlite3.Connection) -> None:
    # WAL: readers never block the writer (TUI + backup + export on one file). Local disk only.
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise DatabaseError("database tidak dapat memakai mode WAL (folder hanya-baca?)", kind="izin")
    # synchronous=FULL: in WAL, NORMAL never corrupts but a power cut can undo commits already
    # shown as "Tersimpan"; FULL syncs the WAL at every commit so they survive.
    conn.execute("PRAGMA synchronous = FULL")
    # foreign_keys: off by default in SQLite; visits must never point at a missing patient.
    conn.execute("PRAGMA foreign_keys = ON")
    # secure_delete: a discarded draft or replaced page leaves no readable personal data behind.
    conn.execute("PRAGMA secure_delete = ON")
    # temp_store=MEMORY: sorting for reports never writes temp files beside patient data.
    conn.execute("PRAGMA temp_store = MEMORY")


def _has_foreign_tables(conn: sqlite3.Connection) -> bool:
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return bool(names)


WAL_MAGIC = (0x377F0682, 0x377F0683)
# Files that passed quick_check in this process: (real path, device, inode). A CLI command opens its
# register twice (the login, then the command); the second open may skip the quick_check that the
# first ran a moment ago (`checked_in_this_process`), which is seconds on a very large register.
_PASSED_CHECK: set[tuple[str, int, int]] = set()


def _file_key(path: Path) -> tuple[str, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (os.path.normcase(os.path.realpath(path)), info.st_dev, info.st_ino)


def _passed(path: Path) -> None:
    key = _file_key(path)
    if key is not None:
        _PASSED_CHECK.add(key)


def checked_in_this_process(path: Path) -> bool:
    """True when this process already ran the health check on this very file (same inode; a CLI
    command lives seconds, so an inode number reused by a file deleted meanwhile is not a concern)."""
    key = _file_key(Path(path))
    return key is not None and key in _PASSED_CHECK


def wal_has_frames(path: Path) -> bool:
    """True when `<path>-wal` has a valid WAL header and at least one frame after it."""
    wal = Path(str(path) + "-wal")
    try:
        with open(wal, "rb") as fh:
            head = fh.read(32)
            size = os.fstat(fh.fileno()).st_size
    except OSError:
        return False
    return len(head) == 32 and int.from_bytes(head[:4], "big") in WAL_MAGIC and size > 32


def _install_id(uri: str) -> str | None:
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        row = conn.execute("SELECT value FROM meta WHERE key = 'install_id'").fetchone()
        return str(row[0]) if row and row[0] else None
    finally:
        conn.close()


def wal_guard(path: Path) -> bool:
    """Refuse a register whose -wal does not belong to it, reading only (issue 20 item 3).

    SQLite replays any self-consistent WAL beside a file, so another database's -wal (copied or
    left beside it) would become this register's content at the next checkpoint. Refused when the
    WAL's page size differs from the file's, when the file alone and the file through its WAL name
    different installations (`meta.install_id`), or when quick_check of the file through its WAL
    fails. Read-only connections never checkpoint, so nothing is changed. Returns True when it ran
    the quick_check (the WAL had frames), False when there is no WAL to judge.
    """
    if not wal_has_frames(path):
        return False
    wal = Path(str(path) + "-wal")
    foreign = DatabaseError(
        f"{wal}: berkas -wal di samping database ini bukan miliknya (dari database lain?); database "
        "tidak disentuh. Pindahkan berkas -wal itu ke folder lain, lalu jalankan mtbs check",
        kind="rusak",
    )
    with open(path, "rb") as fh:
        header = fh.read(100)
    with open(wal, "rb") as fh:
        wal_page_size = int.from_bytes(fh.read(32)[8:12], "big")
    if len(header) == 100 and header[:16] == SQLITE_MAGIC:
        page_size = int.from_bytes(header[16:18], "big")
        if (65536 if page_size == 1 else page_size) != wal_page_size:
            raise foreign
    uri = Path(path).resolve().as_uri()
    try:
        alone = _install_id(f"{uri}?mode=ro&immutable=1")  # the main file without its WAL
    except (sqlite3.Error, UnicodeDecodeError):
        alone = None  # unreadable alone (a checkpoint cut short): the check through the WAL decides
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 5000")
            quick_check(conn, path)
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            merged = None
            if "meta" in tables:
                row = conn.execute("SELECT value FROM meta WHERE key = 'install_id'").fetchone()
                merged = str(row[0]) if row and row[0] else None
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        if "malformed" not in str(exc).lower():  # busy, read-only folder without -shm, ...
            raise DatabaseError(f"{path}: database tidak dapat dipakai: {sqlite_reason(exc)}", kind="izin") from exc
        raise DatabaseError(f"{path}: database rusak atau -wal bukan miliknya ({exc}); database tidak disentuh") from exc
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # a damaged file can yield a non-UTF-8 error text
        raise DatabaseError(f"{path}: database rusak atau -wal bukan miliknya ({exc}); database tidak disentuh") from exc
    if alone is not None and merged != alone:
        raise foreign
    _passed(path)
    return True


def readonly_quick_check(path: Path) -> bool:
    """quick_check on a read-only connection (which never checkpoints): True when it ran, False
    when the file needs a writer first (a hot rollback journal of a file not yet in WAL mode)."""
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 5000")
            quick_check(conn, path)
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        text = str(exc).lower()
        if "readonly" in text or "read-only" in text:
            return False
        if "malformed" in text:
            raise DatabaseError(f"{path}: database rusak ({exc})") from exc
        raise DatabaseError(f"{path}: database tidak dapat dipakai: {sqlite_reason(exc)}", kind="izin") from exc
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise DatabaseError(f"{path}: database rusak ({exc})") from exc
    _passed(path)
    return True


def quick_check(conn: sqlite3.Connection, path: Path) -> None:
    """`PRAGMA quick_check`: catches damaged pages at start-up in a fraction of integrity_check."""
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # a damaged file can yield a non-UTF-8 error text
        raise DatabaseError(f"{path}: database rusak ({exc})") from exc
    if rows != ["ok"]:
        # SQLite's first finding can span lines ("*** in database main ***\nOn tree page ..."):
        # the message is one line.
        finding = "; ".join(part.strip() for part in str(rows[0]).splitlines() if part.strip())[:200]
        raise DatabaseError(f"{path}: database rusak (quick_check: {finding}); pulihkan dari cadangan")


def integrity_errors(conn: sqlite3.Connection, limit: int = 20) -> list[str]:
    """`PRAGMA integrity_check` plus `foreign_key_check`; [] when healthy."""
    rows = [r[0] for r in conn.execute(f"PRAGMA integrity_check({int(limit)})")]
    errors = [] if rows == ["ok"] else rows
    for row in conn.execute("PRAGMA foreign_key_check").fetchmany(limit):
        errors.append(f"kunci asing: tabel {row[0]} baris {row[1]} menunjuk {row[2]} yang tidak ada")
    return errors


# Clinical tables: columns every row must have, and columns that must hold valid JSON. SQLite has
# no page checksums, so a damaged page whose b-tree still holds together passes integrity_check;
# decoding every row catches the damage that breaks rows (issue 20 item 8).
CLINICAL_ROWS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "patients": (("mrn", "name", "sex", "birth_date", "created_at", "updated_at"), ()),
    "patient_versions": (("patient_id", "row_json", "changed_at", "changed_by", "reason"), ("row_json",)),
    "visits": (("visit_uid", "version", "patient_id", "visit_at", "visit_date", "case_json", "findings_json",
                "status", "recorded_by", "created_at", "updated_at"), ("case_json", "findings_json", "result_json")),
    "visit_classifications": (("visit_id", "position", "module", "code", "colour"), ()),
    "visit_treatments": (("visit_id", "position", "code"), ()),
    "referrals": (("visit_id",), ()),
    "given_records": (("visit_uid", "version", "visit_id", "recorded_at", "recorded_by"), ()),
    "given_items": (("record_id", "position", "label", "outcome"), ()),
    "referral_replies": (("visit_uid", "version", "received_date", "outcome", "recorded_by", "recorded_at"), ()),
}


def row_errors(conn: sqlite3.Connection, limit: int = 5) -> list[str]:
    """Rows of the clinical tables that do not decode: a required column empty, a JSON column that
    does not parse, a final visit without a result, a visit date that is not a date. [] = all rows
    decode. Each table is read once, every column of every row, inside SQLite."""
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    errors: list[str] = []
    for table, (required, json_cols) in CLINICAL_ROWS.items():
        if table not in present:
            continue
        columns = {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
        tests = [f'"{c}" IS NULL' for c in required if c in columns]
        tests += [f'("{c}" IS NOT NULL AND json_valid("{c}") = 0)' for c in json_cols if c in columns]
        if table == "visits":
            tests += ["(status = 'final' AND result_json IS NULL)", "date(visit_date) IS NULL",
                      "status NOT IN ('draft', 'final')"]
        if not tests:
            continue
        key = {"visit_classifications": "visit_id", "visit_treatments": "visit_id",
               "given_items": "record_id"}.get(table, "rowid")
        for (row_key,) in conn.execute(f'SELECT {key} FROM "{table}" WHERE {" OR ".join(tests)} LIMIT {int(limit)}'):
            errors.append(f"tabel {table} baris {row_key} tidak terbaca utuh")
        if len(errors) >= limit:
            break
    return errors[:limit]


# --- writes ---------------------------------------------------------------------------------------

@contextlib.contextmanager
def write(db: sqlite_utils.Database, *, timeout: float = LOCK_TIMEOUT_S) -> Iterator[sqlite_utils.Database]:
    """One write transaction: the lock file, `BEGIN IMMEDIATE`, the body, `COMMIT`.

    BEGIN IMMEDIATE takes SQLite's write lock up front, so a read-then-write body can never fail
    half-way with SQLITE_BUSY. Nested use joins the outer transaction. After this block returns,
    the data is durable (synchronous=FULL) and only then may the UI say "Tersimpan".
    """
    conn = db.conn
    lock = _LOCKS.get(id(conn))
    if lock is None:
        raise RuntimeError("write() needs a connection opened by mtbs_tui.db.connect")
    lock.acquire(timeout)
    try:
        if conn.in_transaction:
            yield db  # nested: the outer block commits
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        lock.release()


def close(db: sqlite_utils.Database, *, checkpoint: bool = True) -> None:
    """Checkpoint (TRUNCATE) under the write lock, then close: the .db file alone is complete.

    checkpoint=False (the file failed its health check, or the check has not finished): nothing
    reaches the main file. SQLite checkpoints when the last connection closes, so a read-only
    connection holding a read transaction stays open until this one is closed."""
    conn = db.conn
    lock = _LOCKS.pop(id(conn), None)
    if not checkpoint:
        guard = None
        with contextlib.suppress(sqlite3.Error, OSError):
            file = conn.execute("PRAGMA database_list").fetchone()[2]
            guard = sqlite3.connect(readonly_uri(Path(file)), uri=True, isolation_level=None)
            guard.execute("BEGIN")
            guard.execute("SELECT count(*) FROM sqlite_master").fetchall()
        try:
            conn.close()
        finally:
            if guard is not None:
                with contextlib.suppress(sqlite3.Error):
                    guard.close()
            if lock is not None:
                lock.close()
        return
    try:
        if lock is not None:
            try:
                with lock.held(timeout=5.0):
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except (DatabaseError, sqlite3.Error):
                pass  # another process is busy: its own close will checkpoint
    finally:
        conn.close()
        if lock is not None:
            lock.close()


# --- verified copies ------------------------------------------------------------------------------

def verified_copy(conn: sqlite3.Connection, path: Path, folder: Path, *, label: str) -> Path:
    """Copy the live database with the backup API, verify it, then give it its final name.

    copy to a temporary name -> journal_mode=DELETE -> fsync -> integrity_check and row counts equal
    to the source -> atomic rename. A copy that failed verification never carries the final name.
    """
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    final = folder / f"{path.stem}-{label}-{stamp}.db"
    tmp = folder / f".{final.name}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        # Owner only (POSIX 0600) from the first byte, like every copy of the register.
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600))
        dest = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
            errors = integrity_errors(dest)
            if errors:
                raise DatabaseError(f"salinan cadangan gagal diverifikasi ({errors[0]})")
            for name in _table_names(conn):
                a = conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                b = dest.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                if a != b:
                    raise DatabaseError(f"salinan cadangan gagal diverifikasi (tabel {name}: {b} != {a})")
        finally:
            dest.close()
        fsync_file(tmp)
        os.replace(tmp, final)
        fsync_dir(folder)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return final


def _table_names(conn: sqlite3.Connection) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT LIKE '%_fts_%'"
        )
    ]


def fsync_file(path: Path) -> None:
    """Force a file's data to disk. Windows' FlushFileBuffers needs a handle opened for writing
    (a read-only one fails); POSIX fsync works on a read-only descriptor."""
    mode = os.O_RDWR if os.name == "nt" else os.O_RDONLY
    fd = os.open(path, mode | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX). A folder cannot be opened for fsync on Windows;
    NTFS journals the rename itself."""
    if sys.platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- schema and migrations ------------------------------------------------------------------------

def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {}


def migration(version: int) -> Callable[[Callable[[sqlite_utils.Database], None]], Callable[[sqlite_utils.Database], None]]:
    def register(fn: Callable[[sqlite_utils.Database], None]) -> Callable[[sqlite_utils.Database], None]:
        MIGRATIONS[version] = fn
        return fn

    return register


def migrate_to(db: sqlite_utils.Database, target: int = SCHEMA_VERSION) -> None:
    """Run every pending migration up to `target`, each in its own write transaction.

    The version check is repeated inside the transaction, so two processes opening an old file at
    once upgrade it once.
    """
    for version in sorted(MIGRATIONS):
        if version > target:
            break
        with write(db):
            current = schema_version(db)
            if current >= version:
                continue
            if current != version - 1:
                raise DatabaseError(f"skema database versi {current} tidak dikenal", kind="asing")
            MIGRATIONS[version](db)
            now = _now()
            db.execute(
                "INSERT INTO meta(key, value) VALUES('schema_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [str(version)],
            )
            db.execute(
                "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [f"migrated_v{version}_at", now],
            )
            # PRAGMA user_version is written into page 1 inside this same transaction.
            db.execute(f"PRAGMA user_version = {int(version)}")


def _now() -> str:
    return _dt.datetime.now().isoformat(timespec="seconds")


@migration(1)
def _v1_first_schema(db: sqlite_utils.Database) -> None:
    """The first released schema: identity, patients, visits and their result rows, audit."""
    from mtbs_tui import __version__

    for sql in V1_SQL:
        db.execute(sql)
    db.execute("INSERT INTO meta(key, value) VALUES('created_at', ?)", [_now()])
    db.execute("INSERT INTO meta(key, value) VALUES('app_version', ?)", [__version__])
    db.execute("INSERT INTO meta(key, value) VALUES('install_id', ?)", [uuid.uuid4().hex])


@migration(2)
def _v2_search_and_history(db: sqlite_utils.Database) -> None:
    """FTS5 patient search, patient history, workstation and recency columns."""
    for sql in V2_SQL:
        db.execute(sql)
    db.execute("INSERT INTO patients_fts(patients_fts) VALUES('rebuild')")
    db.execute(
        "UPDATE patients SET last_seen_at = COALESCE("
        "(SELECT max(v.visit_at) FROM visits v WHERE v.patient_id = patients.id), created_at)"
    )


@migration(3)
def _v3_accounts_and_audit_chain(db: sqlite_utils.Database) -> None:
    """Accounts (one per person, argon2id) and the tamper-evident audit trail (issue 7): the
    entries written so far are chained in id order, then the table becomes append-only."""
    from mtbs_tui import audit, users

    for sql in users.USERS_SQL:
        db.execute(sql)
    audit.install(db.conn)


@migration(4)
def _v4_duplicates_and_merges(db: sqlite_utils.Database) -> None:
    """Duplicate patients (issue 14): normalised name keys to find the same child registered twice,
    and merges of two records that can be reversed."""
    from mtbs_tui.patient_fields import name_key

    for sql in V4_SQL:
        db.execute(sql)
    rows = db.execute("SELECT id, name, parent_name FROM patients").fetchall()
    db.conn.executemany("UPDATE patients SET name_key = ?, parent_key = ? WHERE id = ?",
                        [(name_key(name), name_key(parent), pid) for pid, name, parent in rows])


@migration(5)
def _v5_rules_version(db: sqlite_utils.Database) -> None:
    """The rules version each visit was classified with (contract v2, issue 13): a saved visit keeps
    its stored classification, and a reader can tell which rules made it. Every final visit saved
    before this migration was classified by contract version 1; drafts have no classification."""
    db.execute("ALTER TABLE visits ADD COLUMN rules_version TEXT")
    db.execute("UPDATE visits SET rules_version = 'contract 1' WHERE status = 'final'")


V4_SQL: tuple[str, ...] = (
    "ALTER TABLE patients ADD COLUMN name_key TEXT",
    "ALTER TABLE patients ADD COLUMN parent_key TEXT",
    "ALTER TABLE patients ADD COLUMN merged_into INTEGER REFERENCES patients(id)",
    # The duplicate query's three tests, each through an index: nik, mother_nik (v1) and this one.
    "CREATE INDEX patients_name_key ON patients(name_key, parent_key, birth_date)",
    "CREATE INDEX patients_merged ON patients(merged_into) WHERE merged_into IS NOT NULL",
    """CREATE TABLE patient_merges (
        id INTEGER PRIMARY KEY,
        kept_id INTEGER NOT NULL REFERENCES patients(id),
        merged_id INTEGER NOT NULL REFERENCES patients(id),
        visit_uids TEXT NOT NULL,
        merged_at TEXT NOT NULL, merged_by TEXT NOT NULL, reason TEXT NOT NULL,
        undone_at TEXT, undone_by TEXT, undo_reason TEXT)""",
)


@migration(6)
def _v6_referral_letters_and_signatures(db: sqlite_utils.Database) -> None:
    """Referral letter numbers (issue 15): assigned once, at a referral's first print, kept with
    the referral (its visit_uid: every corrected version prints the same number), unique per
    year in this puskesmas's register; the worker's NIP and STR on the accounts for the letter's
    signature block."""
    for sql in V6_SQL:
        db.execute(sql)


@migration(7)
def _v7_confirmed_values(db: sqlite_utils.Database) -> None:
    """Unusual values the worker confirmed (issue 14): the visit keeps which ones, so a resumed
    draft does not ask again and a reader sees that 3,5 kg at 11 months was meant."""
    db.execute("ALTER TABLE visits ADD COLUMN confirmed_json TEXT")


V6_SQL: tuple[str, ...] = (
    "ALTER TABLE users ADD COLUMN nip TEXT",
    "ALTER TABLE users ADD COLUMN str_number TEXT",
    """CREATE TABLE referral_letters (
        visit_uid TEXT PRIMARY KEY,
        year INTEGER NOT NULL,
        seq INTEGER NOT NULL CHECK (seq > 0),
        number TEXT NOT NULL UNIQUE,
        assigned_at TEXT NOT NULL,
        assigned_by TEXT NOT NULL,
        UNIQUE (year, seq)) WITHOUT ROWID""",
)


@migration(8)
def _v8_patient_bpjs(db: sqlite_utils.Database) -> None:
    """The child's BPJS Kesehatan/JKN card number (issue 15): asked on the patient form, printed
    on the referral letter. 13 digits or NULL."""
    db.execute("ALTER TABLE patients ADD COLUMN bpjs TEXT "
               "CHECK (bpjs IS NULL OR (length(bpjs) = 13 AND bpjs NOT GLOB '*[^0-9]*'))")


@migration(9)
def _v9_referral_facilities(db: sqlite_utils.Database) -> None:
    """Referral facilities and the destination of a referral (issue 17): the head keeps the list
    (name, kind, address, phone, active, one default); a referral keeps the facility it was sent
    to (`facility_id`) and the name as it was then (`destination`, already in v1: referrals made
    before this migration keep theirs, with no facility), with who chose it and when."""
    for sql in V9_SQL:
        db.execute(sql)


V9_SQL: tuple[str, ...] = (
    """CREATE TABLE referral_facilities (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        kind TEXT NOT NULL CHECK (kind IN ('rs','rsia','pkm_ranap','lainnya')),
        address TEXT, phone TEXT,
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
        is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0,1)),
        created_at TEXT NOT NULL, created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
        CHECK (is_default = 0 OR active = 1))""",
    # One name once (case ignored), one default at most.
    "CREATE UNIQUE INDEX referral_facilities_name ON referral_facilities(name COLLATE NOCASE)",
    "CREATE UNIQUE INDEX referral_facilities_default ON referral_facilities(is_default) WHERE is_default = 1",
    # An edit keeps the previous row (as patient_versions does for a child's identity).
    """CREATE TABLE referral_facility_versions (
        id INTEGER PRIMARY KEY,
        facility_id INTEGER NOT NULL REFERENCES referral_facilities(id),
        row_json TEXT NOT NULL,
        changed_at TEXT NOT NULL, changed_by TEXT NOT NULL)""",
    "ALTER TABLE referrals ADD COLUMN facility_id INTEGER REFERENCES referral_facilities(id)",
    "ALTER TABLE referrals ADD COLUMN destination_at TEXT",
    "ALTER TABLE referrals ADD COLUMN destination_by TEXT",
    "CREATE INDEX referrals_facility ON referrals(facility_id) WHERE facility_id IS NOT NULL",
)


@migration(10)
def _v10_treatments_given(db: sqlite_utils.Database) -> None:
    """What was actually given at a visit (issue 17 item 1): per visit (its visit_uid, so a
    corrected visit keeps it) a versioned record of each recommended treatment's outcome and the
    deviations. Every change is a new version; the old one stays readable (is_current = 0)."""
    for sql in V10_SQL:
        db.execute(sql)


V10_SQL: tuple[str, ...] = (
    """CREATE TABLE given_records (
        id INTEGER PRIMARY KEY,
        visit_uid TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version > 0),
        visit_id INTEGER NOT NULL REFERENCES visits(id),
        supersedes_id INTEGER REFERENCES given_records(id),
        is_current INTEGER NOT NULL DEFAULT 1 CHECK (is_current IN (0,1)),
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        reason TEXT,
        CHECK (version = 1 OR supersedes_id IS NOT NULL))""",
    "CREATE UNIQUE INDEX given_records_uid_version ON given_records(visit_uid, version)",
    "CREATE UNIQUE INDEX given_records_uid_current ON given_records(visit_uid) WHERE is_current = 1",
    """CREATE TABLE given_items (
        record_id INTEGER NOT NULL REFERENCES given_records(id),
        position INTEGER NOT NULL,
        code TEXT,
        label TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('diberikan','tidak_diberikan','diberikan_lain','tambahan')),
        given_at TEXT,
        reason TEXT CHECK (reason IS NULL OR reason IN ('stok_habis','keluarga_menolak','tidak_mampu','lainnya')),
        note TEXT,
        for_home INTEGER NOT NULL DEFAULT 0 CHECK (for_home IN (0,1)),
        CHECK ((outcome = 'tambahan') = (code IS NULL)),
        CHECK ((outcome = 'tidak_diberikan') = (reason IS NOT NULL)),
        CHECK (outcome = 'tidak_diberikan' OR given_at IS NOT NULL),
        PRIMARY KEY (record_id, position)) WITHOUT ROWID""",
)


@migration(11)
def _v11_referral_replies(db: sqlite_utils.Database) -> None:
    """The hospital's reply to a referral (issue 17): the reply slip (balasan rujukan) as it came
    back, kept with the referral's visit_uid (every corrected version of the visit shares it). A
    correction of a reply is a new version row with author and reason; the old one stays readable.
    Referrals recorded before this migration keep no reply: they are open until one is recorded."""
    for sql in V11_SQL:
        db.execute(sql)


V11_SQL: tuple[str, ...] = (
    """CREATE TABLE referral_replies (
        id INTEGER PRIMARY KEY,
        visit_uid TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        supersedes_id INTEGER REFERENCES referral_replies(id),
        is_current INTEGER NOT NULL DEFAULT 1 CHECK (is_current IN (0,1)),
        received_date TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('dirawat_inap','rawat_jalan','dirujuk_lagi','meninggal',
            'pulang_aps','tidak_datang')),
        diagnosis TEXT, treatment TEXT, advice TEXT, referred_to TEXT, examiner TEXT,
        recorded_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        correction_reason TEXT,
        CHECK (version = 1 OR (supersedes_id IS NOT NULL AND correction_reason IS NOT NULL)))""",
    "CREATE UNIQUE INDEX referral_replies_version ON referral_replies(visit_uid, version)",
    "CREATE UNIQUE INDEX referral_replies_current ON referral_replies(visit_uid) WHERE is_current = 1",
    # The open referrals and the referral log read the referred visits by time without a scan.
    "CREATE INDEX visits_referred ON visits(visit_at, id) WHERE is_current = 1 AND status = 'final' "
    "AND refer_urgently = 1",
)


@migration(12)
def _v12_draft_typed(db: sqlite_utils.Database) -> None:
    """What a draft holds that is not a value yet (issue 14): the text typed into a number field
    that is invalid (a breathing rate of 300), {key: text}, so a resumed draft shows it again,
    flagged, instead of an empty field. Drafts only: a final visit cannot hold an invalid value,
    and the save of a draft clears it."""
    db.execute("ALTER TABLE visits ADD COLUMN typed_json TEXT")



@migration(13)
def _v13_form_opened_at(db: sqlite_utils.Database) -> None:
    """When the visit form was opened for a visit (issue 18 follow-up): written with its first
    draft, kept when the draft becomes the final visit, so the consultation minutes start when
    the nurse opened the form, not at the first autosave. NULL for visits saved before it, for
    corrections and for visits saved without the form (CLI, import, demo)."""
    db.execute("ALTER TABLE visits ADD COLUMN opened_at TEXT")


@migration(14)
def _v14_pending_drafts(db: sqlite_utils.Database) -> None:
    """Issue 14's promise for the forms of issue 17: what a nurse typed there survives a power cut.
    `visits.pending_json` (drafts only): what was given and the referral destination confirmed on
    the summary before F10, {"given": [...], "destination": id | null | "auto"}, restored when the
    draft is resumed, cleared by the final save. `referral_reply_drafts`: the reply form of one
    referral as typed ({field: text}), written as she types, removed when the reply is saved or
    she discards it."""
    for sql in V14_SQL:
        db.execute(sql)


V14_SQL: tuple[str, ...] = (
    "ALTER TABLE visits ADD COLUMN pending_json TEXT",
    """CREATE TABLE referral_reply_drafts (
        visit_uid TEXT PRIMARY KEY,
        fields_json TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        updated_at TEXT NOT NULL)""",
)

V1_SQL: tuple[str, ...] = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
    """CREATE TABLE facility (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL, code TEXT, address TEXT, district TEXT, province TEXT,
        malaria_area TEXT CHECK (malaria_area IN ('tinggi','rendah','non_endemis')),
        head_name TEXT, head_nip TEXT,
        chart_default TEXT NOT NULL DEFAULT '2022' CHECK (chart_default IN ('2022','2015')),
        phone TEXT, updated_at TEXT, updated_by TEXT)""",
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)",
    """CREATE TABLE patients (
        id INTEGER PRIMARY KEY,
        mrn TEXT NOT NULL UNIQUE,
        nik TEXT CHECK (nik IS NULL OR (length(nik) = 16 AND nik NOT GLOB '*[^0-9]*')),
        mother_nik TEXT CHECK (mother_nik IS NULL OR (length(mother_nik) = 16 AND mother_nik NOT GLOB '*[^0-9]*')),
        name TEXT NOT NULL,
        sex TEXT NOT NULL CHECK (sex IN ('L','P')),
        birth_date TEXT NOT NULL,
        parent_name TEXT, address TEXT, village TEXT, phone TEXT,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    "CREATE INDEX patients_nik ON patients(nik)",
    "CREATE INDEX patients_mother_nik ON patients(mother_nik)",
    """CREATE TABLE visits (
        id INTEGER PRIMARY KEY,
        visit_uid TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        supersedes_id INTEGER REFERENCES visits(id),
        is_current INTEGER NOT NULL DEFAULT 1 CHECK (is_current IN (0,1)),
        patient_id INTEGER NOT NULL REFERENCES patients(id),
        visit_at TEXT NOT NULL,
        visit_date TEXT NOT NULL,
        pathway TEXT CHECK (pathway IN ('balita','bayi_muda')),
        kind TEXT NOT NULL DEFAULT 'pertama' CHECK (kind IN ('pertama','ulang')),
        follow_up_of TEXT,
        chart TEXT CHECK (chart IN ('2022','2015')),
        age_days INTEGER, age_months INTEGER,
        weight_kg REAL, length_cm REAL, length_position TEXT, muac_cm REAL,
        head_circumference_cm REAL, temperature_c REAL, malaria_area TEXT,
        case_json TEXT NOT NULL,
        findings_json TEXT NOT NULL,
        result_json TEXT,
        refer_urgently INTEGER,
        follow_up_days INTEGER,
        follow_up_date TEXT,
        status TEXT NOT NULL CHECK (status IN ('draft','final')),
        section TEXT,
        recorded_by TEXT NOT NULL,
        correction_reason TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK (status = 'draft' OR result_json IS NOT NULL),
        CHECK (version = 1 OR (supersedes_id IS NOT NULL AND correction_reason IS NOT NULL)))""",
    "CREATE UNIQUE INDEX visits_uid_version ON visits(visit_uid, version)",
    "CREATE UNIQUE INDEX visits_uid_current ON visits(visit_uid) WHERE is_current = 1",
    "CREATE INDEX visits_final_at ON visits(visit_at, id) WHERE is_current = 1 AND status = 'final'",
    "CREATE INDEX visits_patient ON visits(patient_id, visit_at)",
    # (patient_id, visit_at) too: "is there a later visit?" is answered from the index alone.
    "CREATE INDEX visits_follow_up ON visits(follow_up_date, patient_id, visit_at) WHERE is_current = 1 "
    "AND status = 'final' AND follow_up_date IS NOT NULL",
    "CREATE INDEX visits_follow_up_of ON visits(follow_up_of) WHERE follow_up_of IS NOT NULL",
    "CREATE INDEX visits_drafts ON visits(visit_date) WHERE status = 'draft'",
    # No index on code: reports count codes over a date range, reaching these rows from the
    # visits' date index through the (visit_id, position) key; an index on code would only slow
    # every save.
    """CREATE TABLE visit_classifications (
        visit_id INTEGER NOT NULL REFERENCES visits(id),
        position INTEGER NOT NULL,
        module TEXT NOT NULL, code TEXT NOT NULL, label TEXT,
        colour TEXT NOT NULL CHECK (colour IN ('merah','kuning','hijau')),
        rule TEXT,
        PRIMARY KEY (visit_id, position)) WITHOUT ROWID""",
    """CREATE TABLE visit_treatments (
        visit_id INTEGER NOT NULL REFERENCES visits(id),
        position INTEGER NOT NULL,
        code TEXT NOT NULL, label TEXT, dose TEXT,
        PRIMARY KEY (visit_id, position)) WITHOUT ROWID""",
    """CREATE TABLE referrals (
        visit_id INTEGER PRIMARY KEY REFERENCES visits(id),
        destination TEXT, reason TEXT, pre_referral_notes TEXT,
        referred_at TEXT, letter_printed_at TEXT)""",
    """CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL, actor TEXT NOT NULL,
        patient_id INTEGER, action TEXT NOT NULL, detail TEXT)""",
    "CREATE INDEX audit_patient ON audit(patient_id)",
)

V2_SQL: tuple[str, ...] = (
    "ALTER TABLE audit ADD COLUMN workstation TEXT",
    "ALTER TABLE patients ADD COLUMN last_seen_at TEXT",
    "CREATE INDEX patients_last_seen ON patients(last_seen_at, id)",
    """CREATE TABLE patient_versions (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patients(id),
        row_json TEXT NOT NULL,
        changed_at TEXT NOT NULL, changed_by TEXT NOT NULL, reason TEXT NOT NULL)""",
    "CREATE INDEX patient_versions_patient ON patient_versions(patient_id)",
    # External-content FTS5: the text lives once, in patients; prefix indexes for 2 and 3
    # characters keep "first page for a short prefix" fast on large registers (a 1-character
    # index would cost more on every insert than it saves).
    """CREATE VIRTUAL TABLE patients_fts USING fts5(
        name, mrn, nik, mother_nik, parent_name,
        content='patients', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER patients_fts_ai AFTER INSERT ON patients BEGIN
        INSERT INTO patients_fts(rowid, name, mrn, nik, mother_nik, parent_name)
        VALUES (new.id, new.name, new.mrn, new.nik, new.mother_nik, new.parent_name);
    END""",
    """CREATE TRIGGER patients_fts_ad AFTER DELETE ON patients BEGIN
        INSERT INTO patients_fts(patients_fts, rowid, name, mrn, nik, mother_nik, parent_name)
        VALUES ('delete', old.id, old.name, old.mrn, old.nik, old.mother_nik, old.parent_name);
    END""",
    # Only when a searched column changes: last_seen_at moves on every visit and must not churn FTS.
    """CREATE TRIGGER patients_fts_au AFTER UPDATE OF name, mrn, nik, mother_nik, parent_name ON patients
    BEGIN
        INSERT INTO patients_fts(patients_fts, rowid, name, mrn, nik, mother_nik, parent_name)
        VALUES ('delete', old.id, old.name, old.mrn, old.nik, old.mother_nik, old.parent_name);
        INSERT INTO patients_fts(rowid, name, mrn, nik, mother_nik, parent_name)
        VALUES (new.id, new.name, new.mrn, new.nik, new.mother_nik, new.parent_name);
    END""",
)
