"""Verified backups of the register, their generations, and restore (reliability.md, "Backups").

A backup is made in steps, and a file that did not pass every step never carries the final name:

    online backup API -> temporary name (journal_mode=DELETE, backup facts in `meta`)
    -> fsync -> integrity_check + foreign_key_check + row counts equal to the source snapshot
    -> seal: the copy's audit chain is recomputed and its head (count + hash) recorded
    -> [encrypt with age/pyrage when `backup_public_key` is set] -> fsync
    -> atomic rename to `<stem>-cadangan-YYYYMMDD-HHMMSS.db` (`.db.age` when encrypted)
    -> fsync the folder -> prune generations

Encryption (reliability.md): with a public key (an age recipient `age1...`, setting
`backup_public_key`) the plaintext copy is made and verified beside the live database (which holds
the same data in the clear anyway), and only the encrypted file is written to the backup folder,
so a stolen flash disk never held a readable copy, not even a deleted temporary one. Restore
decrypts to a temporary file beside the live database with the head's private key file.

Restore verifies the chosen file first, stages a verified copy beside the live database, keeps the
current database aside (a verified copy, or the damaged file itself moved aside), and then replaces
the content in one SQLite transaction (the backup API writing into the live file), so a kill at any
moment leaves the old register or the restored one, never a mix.

No Textual, reportlab or openpyxl here.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mtbs_tui.db import WriteLock

# One implementation of the durability calls, shared with the database layer.
from mtbs_tui.db import fsync_dir as _fsync_dir
from mtbs_tui.db import fsync_file as _fsync_file
from mtbs_tui.outputs import os_reason

# Generations kept in a backup folder (reliability.md proposes 7 daily, 4 weekly, 12 monthly).
KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_MONTHLY = 12

BACKUP_WORD = "cadangan"
ASIDE_WORD = "sebelum-pulih"
_STAMP = "%Y%m%d-%H%M%S"
_NAME_RE = re.compile(
    r"^(?P<stem>.+)-(?P<word>cadangan|sebelum-pulih)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?\.db(?P<age>\.age)?$"
)
SETTING_PUBLIC_KEY = "backup_public_key"
AGE_SUFFIX = ".age"
# Per folder: one line per backup (name, audit entries, chain head), readable without the key.
CHAIN_INDEX = "rantai-audit-cadangan.txt"
# Keys this module writes into the copy's `meta` table; they describe the copy, not the register.
META_CREATED = "backup_created_at"
META_SOURCE = "backup_source"
META_COUNTS = "backup_counts"


class BackupError(Exception):
    """A backup or restore that must not go on. `message` is one Indonesian line for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: _dt.datetime
    size: int
    counts: dict[str, int]
    seconds: float
    pruned: tuple[Path, ...] = ()
    encrypted: bool = False
    audit_count: int = 0
    audit_head: str | None = None
    audit_ok: bool = True


@dataclass(frozen=True)
class BackupEntry:
    path: Path
    created_at: _dt.datetime
    size: int
    generations: tuple[str, ...]  # "harian", "mingguan", "bulanan": why pruning keeps it

    @property
    def encrypted(self) -> bool:
        return self.path.name.endswith(AGE_SUFFIX)


@dataclass(frozen=True)
class RestoreInfo:
    restored_from: Path
    aside: Path | None  # where the previous database was kept
    counts: dict[str, int]
    seconds: float
    steps: list[str] = field(default_factory=list)


# --- small helpers --------------------------------------------------------------------------------

def backup_dir_for(db_path: Path) -> Path:
    """The folder chosen in the register's settings (`backup_dir`), else `cadangan/` beside it."""
    from mtbs_tui.paths import default_backup_dir

    chosen = _read_setting(db_path, "backup_dir")
    return Path(chosen) if chosen else default_backup_dir(db_path)


def _read_setting(db_path: Path, key: str) -> str | None:
    if not db_path.exists():
        return None
    try:
        conn = sqlite3.connect(f"{_uri(db_path)}?mode=ro", uri=True, timeout=5.0)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        finally:
            conn.close()
    except (sqlite3.Error, UnicodeDecodeError):  # a damaged file can yield a non-UTF-8 error text
        return None
    return row[0] if row and row[0] else None


def _uri(path: Path) -> str:
    """A file: URI for SQLite's URI filenames: Windows drive letters, spaces, `?` and `#` escaped."""
    return Path(path).resolve().as_uri()


def table_names(conn: sqlite3.Connection) -> list[str]:
    """Ordinary tables whose row counts are compared (FTS5 virtual and shadow tables excluded:
    the external-content index is rebuilt from `patients` and counting it reads `patients` again)."""
    virtual = [
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")
    ]
    names = []
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
    ):
        if any(name.startswith(v + "_") for v in virtual):
            continue
        names.append(name)
    return names


def row_counts(conn: sqlite3.Connection, *, skip: Iterable[str] = ("meta",)) -> dict[str, int]:
    skipped = set(skip)
    return {
        name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        for name in table_names(conn)
        if name not in skipped
    }




def _unlink_quietly(*paths: Path) -> None:
    for p in paths:
        with contextlib.suppress(OSError):
            p.unlink()


def _check_header(path: Path) -> None:
    from mtbs_tui.db import DatabaseError, check_file_header

    try:
        check_file_header(path)
    except DatabaseError as exc:
        raise BackupError(exc.message if exc.message.startswith("galat") else f"galat: {exc.message}") from exc


def _write_lock(db_path: Path) -> WriteLock:
    """The register's cross-process write lock (mtbs_tui.db.WriteLock), held around checkpoints
    and the restore write so no other mtbs process writes at the same moment."""
    return WriteLock(db_path)


# How long a backup or restore waits for another backup or restore of the same register.
BACKUP_LOCK_TIMEOUT_S = 600.0
AUTO_LOCK_TIMEOUT_S = 20.0
_BACKUP_LOCKS: dict[str, WriteLock] = {}


@contextlib.contextmanager
def backup_lock(db_path: Path, *, timeout: float = BACKUP_LOCK_TIMEOUT_S) -> Iterator[None]:
    """One backup or restore of a register at a time, across processes (`<db>.cadangan.writelock`,
    released by the OS when a process dies). Re-entrant within a process. While it is held, a
    temporary file of ours for this register is being written by this holder or is stale."""
    from mtbs_tui.db import DatabaseError

    key = os.path.normcase(os.path.realpath(db_path))
    lock = _BACKUP_LOCKS.get(key)
    if lock is None:
        lock = _BACKUP_LOCKS[key] = WriteLock(Path(str(db_path) + ".cadangan"))
    try:
        lock.acquire(timeout)
    except DatabaseError:
        raise BackupError(
            "galat: cadangan atau pemulihan lain untuk database ini sedang berjalan; coba lagi setelah selesai"
        ) from None
    try:
        yield
    finally:
        lock.release()


def _private_file(path: Path) -> Path:
    """Create `path` empty, readable by its owner only (0600 on POSIX), before SQLite or age
    writes into it: a copy of children's health data is never readable by other accounts, not even
    for a moment, and SQLite gives its -journal the same mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    os.close(fd)
    return path


def temp_patterns(db_path: Path) -> list[tuple[Path, str]]:
    """(folder, glob) of the temporary files our backups and restores of `db_path` make."""
    stem, name = db_path.stem, db_path.name
    here = db_path.parent if str(db_path.parent) else Path(".")
    return [
        (here, f".{stem}-{BACKUP_WORD}-*.tmp*"),      # encrypted backup: plaintext work copy
        (here, f".{name}.pulih-*.tmp*"),             # restore: staged copy
        (here, f".{name}.dekripsi-*.tmp*"),          # restore: decrypted backup
        (here, f".{stem}-{ASIDE_WORD}-*.tmp*"),      # restore: aside copy before encryption
    ]


def folder_temp_patterns(db_path: Path) -> list[str]:
    stem = db_path.stem
    return [f".{stem}-{BACKUP_WORD}-*.tmp*", f".{stem}-{ASIDE_WORD}-*.tmp*"]


def remove_stale_temps(db_path: Path, folders: Iterable[Path] = ()) -> list[Path]:
    """Delete the temporary files a killed backup or restore of `db_path` left behind (plaintext
    copies of the register among them). Only while holding `backup_lock`: then none is in use."""
    db_path = Path(db_path)
    removed: list[Path] = []
    places = temp_patterns(db_path) + [(Path(f), pat) for f in folders for pat in folder_temp_patterns(db_path)]
    for folder, pattern in places:
        with contextlib.suppress(OSError):
            for path in folder.glob(pattern):
                if path.is_file():
                    with contextlib.suppress(OSError):
                        path.unlink()
                        removed.append(path)
    return removed


def clean_after_crash(db_path: Path) -> list[Path]:
    """At open: remove stale temporary files when no backup or restore of this register runs now
    (the lock is free); otherwise leave them to the holder."""
    db_path = Path(db_path)
    folders = {default_backup_folder(db_path), backup_dir_for(db_path)}
    places = temp_patterns(db_path) + [(f, pat) for f in folders for pat in folder_temp_patterns(db_path)]
    if not any(True for folder, pat in places if folder.is_dir() for _ in folder.glob(pat)):
        return []  # the usual case: nothing to clean, no lock file made
    held = _BACKUP_LOCKS.get(os.path.normcase(os.path.realpath(db_path)))
    if held is not None and getattr(held, "_depth", 0) > 0:
        return []  # this process is backing up or restoring it now: those files are in use
    try:
        with backup_lock(db_path, timeout=0):
            return remove_stale_temps(db_path, folders)
    except BackupError:
        return []


def default_backup_folder(db_path: Path) -> Path:
    from mtbs_tui.paths import default_backup_dir

    return default_backup_dir(Path(db_path))


def _folder_ready(folder: Path) -> None:
    """The backup folder exists and takes files. Only its last level is made: a folder above it
    that is missing is most likely a flash disk that is not plugged in (`--to /media/usb/cadangan`,
    a `backup_dir` of `E:\\cadangan`), and making it would put the backup on the PC's own disk
    while the head believes it went onto the flash disk."""
    if not folder.exists() and not folder.parent.exists():
        raise BackupError(f"galat: {folder}: folder di atasnya ({folder.parent}) tidak ada; "
                          "flashdisk belum terpasang? Cadangan tidak dibuat")
    try:
        if not folder.exists():
            # Owner only (POSIX): a folder of backups of children's health data.
            folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"galat: {folder}: folder cadangan tidak dapat dibuat ({os_reason(exc)})") from exc
    if not folder.is_dir():
        raise BackupError(f"galat: {folder}: bukan folder")
    probe = folder / f".tulis-{uuid.uuid4().hex[:8]}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise BackupError(f"galat: {folder}: folder tidak dapat ditulisi ({os_reason(exc)})") from exc


def _final_name(folder: Path, stem: str, when: _dt.datetime, suffix: str = ".db") -> Path:
    """A name no backup of this folder ever had: not on disk (plain or encrypted) and not in the
    chain index (a pruned backup's name is never given to a new file). Called under backup_lock."""
    base = f"{stem}-{BACKUP_WORD}-{when.strftime(_STAMP)}"
    used = chain_index(folder)
    n = 1
    while True:
        name = base if n == 1 else f"{base}-{n}"
        if not any((folder / f"{name}{s}").exists() or f"{name}{s}" in used for s in (".db", ".db" + AGE_SUFFIX)):
            return folder / f"{name}{suffix}"
        n += 1


# --- verification ---------------------------------------------------------------------------------

def verify_backup(path: Path, *, expected_counts: dict[str, int] | None = None) -> dict[str, int]:
    """Check a backup file without changing it: header, integrity, an MTBS register of a schema
    this program knows, and the row counts recorded when it was made. Returns the counts."""
    path = Path(path)
    if not path.exists():
        raise BackupError(f"galat: {path}: berkas cadangan tidak ditemukan")
    if path.is_dir():
        raise BackupError(f"galat: {path}: ini folder, bukan berkas cadangan")
    _check_header(path)
    if path.stat().st_size == 0:
        raise BackupError(f"galat: {path}: berkas cadangan kosong")
    try:
        # immutable=1: a backup on read-only media (a write-protected flash disk) opens without
        # SQLite trying to create a journal; the file is never modified here.
        conn = sqlite3.connect(f"{_uri(path)}?mode=ro&immutable=1", uri=True)
    except (sqlite3.Error, UnicodeDecodeError) as exc:  # a damaged file can yield a non-UTF-8 error text
        raise BackupError(f"galat: {path}: cadangan tidak dapat dibuka ({exc})") from exc
    try:
        # Memory-mapped reads and a larger page cache: integrity_check and foreign_key_check visit
        # every page (index pages several times); this roughly halves their time on a large file.
        conn.execute("PRAGMA mmap_size = 1073741824").fetchall()
        conn.execute("PRAGMA cache_size = -65536").fetchall()
        return _verify_conn(conn, path, expected_counts)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # a damaged file can yield a non-UTF-8 error text
        raise BackupError(f"galat: {path}: cadangan rusak ({exc}); pilih berkas cadangan lain") from exc
    finally:
        conn.close()


def _verify_conn(conn: sqlite3.Connection, path: Path, expected: dict[str, int] | None) -> dict[str, int]:
    from mtbs_tui.db import SCHEMA_VERSION, integrity_errors, row_errors

    errors = integrity_errors(conn) or row_errors(conn)
    if errors:
        raise BackupError(f"galat: {path}: cadangan rusak ({errors[0]}); pilih berkas cadangan lain")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    names = set(table_names(conn))
    if version == 0 or not {"meta", "patients", "visits"} <= names:
        raise BackupError(f"galat: {path}: bukan cadangan register MTBS")
    if version > SCHEMA_VERSION:
        raise BackupError(
            f"galat: {path}: cadangan dibuat oleh versi aplikasi yang lebih baru (skema {version}, "
            f"aplikasi ini {SCHEMA_VERSION}); perbarui aplikasi dulu"
        )
    counts = row_counts(conn)
    if expected is None:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", [META_COUNTS]).fetchone()
        if row and row[0]:
            try:
                expected = {str(k): int(v) for k, v in json.loads(row[0]).items()}
            except (ValueError, TypeError, AttributeError):
                raise BackupError(f"galat: {path}: catatan jumlah baris cadangan rusak") from None
    if expected is not None:
        for name, want in expected.items():
            got = counts.get(name)
            if got != want:
                raise BackupError(
                    f"galat: {path}: cadangan tidak lengkap (tabel {name}: {got if got is not None else 'tidak ada'}"
                    f" baris, seharusnya {want})"
                )
    return counts


# --- making a backup ------------------------------------------------------------------------------

def _open_source(db_path: Path) -> sqlite3.Connection:
    """The live register, after a header check only.

    No quick_check here: the copy is page-for-page the source, and the copy's integrity_check
    (which is stricter) runs anyway; a full quick_check of the source as well made a backup of a
    100,000-visit register take twice as long. When the copy fails, `_source_damage()` says whether
    the register itself is damaged.
    """
    if not db_path.exists():
        raise BackupError(f"galat: {db_path}: berkas database tidak ditemukan")
    if db_path.is_dir():
        raise BackupError(f"galat: {db_path}: ini folder, bukan berkas database")
    _check_header(db_path)
    from mtbs_tui.db import DatabaseError, wal_guard

    try:
        wal_guard(db_path)  # before the read-write connection: its close would checkpoint the WAL
    except DatabaseError as exc:
        raise BackupError(f"galat: {exc.message}") from None
    try:
        conn = sqlite3.connect(str(db_path), isolation_level=None, timeout=5.0)
        conn.execute("PRAGMA busy_timeout = 5000")
        if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
            conn.close()
            raise BackupError(f"galat: {db_path}: bukan database register MTBS")
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # a damaged file can yield a non-UTF-8 error text
        raise BackupError(f"galat: {db_path}: database rusak ({exc}); gunakan `mtbs restore` dari cadangan terakhir") from exc
    return conn


def _source_damage(db_path: Path) -> str | None:
    """quick_check of the register, run only after a copy failed verification (read-only: a
    read-only connection never checkpoints a WAL into a damaged file)."""
    try:
        conn = sqlite3.connect(f"{_uri(db_path)}?mode=ro", uri=True, timeout=5.0)
        try:
            from mtbs_tui.db import row_errors

            rows = [r[0] for r in conn.execute("PRAGMA quick_check(1)")]
            if rows == ["ok"]:
                rows = row_errors(conn, limit=1) or rows
        finally:
            conn.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # a damaged file can yield a non-UTF-8 error text
        return str(exc)
    return None if rows == ["ok"] else rows[0]


def _checkpoint(conn: sqlite3.Connection, db_path: Path) -> None:
    """Fold the WAL into the main file first (reliability.md), under the register's write lock."""
    lock = _write_lock(db_path)
    try:
        with lock.held(timeout=10.0):
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except Exception:  # noqa: BLE001 - a busy checkpoint only makes the copy read more WAL
        pass
    finally:
        lock.close()


def _copy_snapshot(conn: sqlite3.Connection, tmp: Path) -> dict[str, int]:
    """Copy one consistent snapshot and return the row counts of that same snapshot.

    The counts are read inside a read transaction and the backup API runs on the same connection
    inside it, so a visit saved by the TUI meanwhile is in neither or (next time) in both.
    """
    conn.execute("BEGIN")
    try:
        counts = row_counts(conn)
        dest = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            conn.backup(dest)
        finally:
            dest.close()
    finally:
        conn.execute("COMMIT")
    return counts


def _stamp_copy(tmp: Path, counts: dict[str, int], source: Path, when: _dt.datetime) -> None:
    dest = sqlite3.connect(str(tmp), isolation_level=None)
    try:
        # DELETE journal: a backup opens from read-only media and is one self-contained file.
        dest.execute("PRAGMA journal_mode = DELETE").fetchall()
        dest.execute("BEGIN IMMEDIATE")
        for key, value in (
            (META_CREATED, when.isoformat(timespec="seconds")),
            (META_SOURCE, str(source)),
            (META_COUNTS, json.dumps(counts, sort_keys=True)),
        ):
            dest.execute(
                "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
        dest.execute("COMMIT")
    finally:
        dest.close()


def _finalise_steps(public_key: str | None = None, folder: Path | None = None,
                    name: str = "cadangan") -> list[Callable[[Path], Path]]:
    """Steps between verification and the final rename, each `Path -> Path` on a temporary file.

    With a public key: encrypt the verified copy (age, pyrage) into `folder` and delete the
    plaintext copy. The seal (audit chain head) is computed before, in `create_backup`.
    """
    if not public_key:
        return []
    target_dir = folder

    def encrypt(plain: Path) -> Path:
        # Named after the backup, so a killed run's leftover is recognised (remove_stale_temps).
        out = _private_file((target_dir or plain.parent) / f".{name}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            encrypt_file(plain, out, public_key)
        finally:
            _unlink_quietly(plain)
        return out

    return [encrypt]


# --- encryption (age format, pyrage) --------------------------------------------------------------

def validate_public_key(text: str) -> str:
    """An age X25519 recipient (`age1...`), or BackupError saying what is wrong."""
    key = (text or "").strip()
    if not key.startswith("age1"):
        raise BackupError("galat: --set-key: kunci publik age harus diawali age1... (buat dengan age-keygen)")
    import pyrage

    try:
        pyrage.x25519.Recipient.from_str(key)
    except Exception:  # noqa: BLE001 - pyrage raises RecipientError/ValueError variants
        raise BackupError("galat: --set-key: kunci publik age tidak sah (salah ketik?)") from None
    return key


def public_key_for(db_path: Path) -> str | None:
    return _read_setting(Path(db_path), SETTING_PUBLIC_KEY)


def encrypt_file(plain: Path, out: Path, public_key: str) -> None:
    import pyrage

    recipient = pyrage.x25519.Recipient.from_str(public_key)
    try:
        pyrage.encrypt_file(str(plain), str(out), [recipient])
    except BaseException:
        _unlink_quietly(out)
        raise
    _fsync_file(out)


def read_identities(key_file: Path) -> list:  # list[pyrage.x25519.Identity]
    """The private keys in an age identity file (lines `AGE-SECRET-KEY-1...`; comments ignored)."""
    import pyrage

    from mtbs_tui.inputs import KEY_MAX_BYTES, InputTooLarge, read_capped

    key_file = Path(key_file)
    try:
        text = read_capped(key_file, KEY_MAX_BYTES).decode("utf-8", errors="replace")
    except InputTooLarge as exc:
        raise BackupError(f"galat: --kunci: {key_file}: {exc}") from None
    except OSError as exc:
        raise BackupError(f"galat: --kunci: {key_file}: berkas kunci tidak dapat dibaca ({os_reason(exc)})") from None
    identities = []
    for line in text.splitlines():
        line = line.strip()
        if line.upper().startswith("AGE-SECRET-KEY-"):
            try:
                identities.append(pyrage.x25519.Identity.from_str(line))
            except Exception:  # noqa: BLE001
                raise BackupError(f"galat: --kunci: {key_file}: kunci privat age tidak sah") from None
    if not identities:
        raise BackupError(f"galat: --kunci: {key_file}: tidak berisi kunci privat age (AGE-SECRET-KEY-...)")
    return identities


def decrypt_backup(path: Path, key_file: Path | None, work_dir: Path, owner: Path | None = None) -> Path:
    """Decrypt an `.age` backup into a temporary file in `work_dir` (the live database's folder)
    and return it; the caller deletes it. A wrong key, a tampered or truncated file: BackupError,
    and no plaintext is left behind."""
    import pyrage

    path = Path(path)
    if not path.exists():
        raise BackupError(f"galat: {path}: berkas cadangan tidak ditemukan")
    if key_file is None:
        raise BackupError(f"galat: {path.name}: cadangan terenkripsi; beri --kunci BERKAS_KUNCI_PRIVAT")
    identities = read_identities(key_file)
    # Named after the register it is restored into, so a killed restore's leftover is recognised.
    prefix = f".{Path(owner).name}." if owner is not None else "."
    out = _private_file(Path(work_dir) / f"{prefix}dekripsi-{uuid.uuid4().hex[:12]}.tmp")
    try:
        pyrage.decrypt_file(str(path), str(out), identities)
    except pyrage.DecryptError as exc:
        _unlink_quietly(out)
        if "no matching" in str(exc).lower():
            raise BackupError(
                f"galat: {path.name}: kunci privat tidak cocok dengan cadangan ini (atau kepala berkas "
                "cadangan rusak)"
            ) from None
        raise BackupError(f"galat: {path.name}: cadangan terenkripsi rusak atau diubah; pilih berkas lain") from None
    except Exception:  # noqa: BLE001 - pyrage reports a failed chunk MAC / truncation as OSError
        _unlink_quietly(out)
        raise BackupError(
            f"galat: {path.name}: cadangan terenkripsi rusak, terpotong atau diubah; pilih berkas cadangan lain"
        ) from None
    return out


@contextlib.contextmanager
def plain_backup(path: Path, key_file: Path | None, work_dir: Path,
                 owner: Path | None = None) -> Iterator[Path]:
    """The backup as a plain SQLite file: itself, or a decrypted temporary copy deleted afterwards."""
    path = Path(path)
    if not path.name.endswith(AGE_SUFFIX):
        yield path
        return
    plain = decrypt_backup(path, key_file, work_dir, owner)
    try:
        yield plain
    finally:
        _unlink_quietly(plain, Path(str(plain) + "-journal"))


# --- the audit chain in a copy --------------------------------------------------------------------

def copy_chain(path: Path) -> tuple[bool, int, str | None]:
    """(chain verifies, entries, head) of a plain backup copy; (True, 0, None) before schema v3."""
    from mtbs_tui import audit

    conn = sqlite3.connect(f"{_uri(path)}?mode=ro&immutable=1", uri=True)
    try:
        cols = {r[1] for r in conn.execute("PRAGMA table_info(audit)")}
        if "hash" not in cols:
            return True, 0, None
        result = audit.verify(conn)
        return result.ok, result.count, result.head
    finally:
        conn.close()


def _verify_with_chain(path: Path, counts: dict[str, int]) -> tuple[bool, int, str | None]:
    """verify_backup() and copy_chain() of one copy at once: the check runs inside SQLite without
    the GIL in a thread while this thread recomputes the audit hashes (a third off a 100,000-visit
    backup on two cores). A failed verification is raised first, as if it had run alone."""
    import threading

    failed: list[BaseException] = []

    def check() -> None:
        try:
            verify_backup(path, expected_counts=counts)
        except BaseException as exc:  # noqa: BLE001 - re-raised by the caller's thread below
            failed.append(exc)

    checker = threading.Thread(target=check, name="mtbs-backup-verify", daemon=True)
    checker.start()
    try:
        chain = copy_chain(path)
    except (sqlite3.Error, UnicodeDecodeError):
        checker.join()
        if failed:
            raise failed[0] from None
        raise
    checker.join()
    if failed:
        raise failed[0]
    return chain


def _record_chain(folder: Path, name: str, count: int, head: str | None, ok: bool) -> None:
    """Append the backup's chain head to the folder's index (hashes only: no patient data)."""
    with contextlib.suppress(OSError):
        with open(folder / CHAIN_INDEX, "a", encoding="utf-8") as fh:
            fh.write(f"{name}\t{count}\t{head or '-'}\t{'utuh' if ok else 'rusak'}\n")


def chain_index(folder: Path) -> dict[str, tuple[int, str, bool]]:
    """name -> (entries, head, chain intact) from the folder's index."""
    out: dict[str, tuple[int, str, bool]] = {}
    with contextlib.suppress(OSError, ValueError):
        for line in (Path(folder) / CHAIN_INDEX).read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 4:
                out[parts[0]] = (int(parts[1]), parts[2], parts[3] == "utuh")
    return out


def create_backup(
    db_path: Path,
    dest_dir: Path | None = None,
    *,
    actor: str | None = None,
    prune: bool = True,
    audit: bool = True,
    now: _dt.datetime | None = None,
    lock_timeout: float = BACKUP_LOCK_TIMEOUT_S,
) -> BackupInfo:
    """Make one verified backup of the register in `dest_dir` (default: the register's backup folder).

    Backups of one register take turns (`backup_lock`): each gets its own name (a second one in the
    same second is `...-2.db`), and pruning never removes the backup this run made nor the newest
    backup recorded as verified in the folder's chain index.
    """
    db_path = Path(db_path)
    folder = Path(dest_dir) if dest_dir is not None else backup_dir_for(db_path)
    with backup_lock(db_path, timeout=lock_timeout):
        info = _create_backup_locked(db_path, folder, prune=prune, now=now)
    if audit:
        record_audit(db_path, "cadangan", detail=f"{info.path.name} ({info.size} bita) di {folder}", actor=actor)
    return info


def _create_backup_locked(db_path: Path, folder: Path, *, prune: bool, now: _dt.datetime | None) -> BackupInfo:
    started = time.perf_counter()
    when = now or _dt.datetime.now()
    conn = _open_source(db_path)
    public_key = public_key_for(db_path)
    chain: tuple[bool, int, str | None] = (True, 0, None)
    try:
        _folder_ready(folder)
        remove_stale_temps(db_path, {folder, default_backup_folder(db_path)})
        suffix = ".db" + AGE_SUFFIX if public_key else ".db"
        final = _final_name(folder, db_path.stem, when, suffix)
        # Encrypted: the plaintext copy stays on the live database's disk (see the module docstring).
        work = db_path.parent if public_key else folder
        tmp = work / f".{final.name}.{uuid.uuid4().hex[:8]}.tmp"
        made: list[Path] = [tmp, Path(str(tmp) + "-journal")]
        try:
            _private_file(tmp)
            _checkpoint(conn, db_path)
            counts = _copy_snapshot(conn, tmp)
            _stamp_copy(tmp, counts, db_path, when)
            _fsync_file(tmp)
            try:
                chain = _verify_with_chain(tmp, counts)
            except BackupError:
                damage = _source_damage(db_path)
                if damage:
                    raise BackupError(
                        f"galat: {db_path}: database rusak ({damage}); gunakan `mtbs restore` dari cadangan terakhir"
                    ) from None
                raise
            current = tmp
            for step in _finalise_steps(public_key, folder, final.name):
                current = step(current)
                made.append(current)
            _fsync_file(current)
            # Under backup_lock no other backup of this register names a file now: the name is free.
            final = _final_name(folder, db_path.stem, when, suffix)
            os.replace(current, final)
            _fsync_dir(folder)
        except BackupError:
            _unlink_quietly(*made)
            raise
        except OSError as exc:
            _unlink_quietly(*made)
            raise BackupError(f"galat: {folder}: cadangan gagal ditulis ({os_reason(exc)})") from exc
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # a damaged file can yield a non-UTF-8 error text
            _unlink_quietly(*made)
            damage = _source_damage(db_path)
            if damage:
                raise BackupError(
                    f"galat: {db_path}: database rusak ({damage}); gunakan `mtbs restore` dari cadangan terakhir"
                ) from exc
            raise BackupError(f"galat: {folder}: cadangan gagal dibuat ({exc})") from exc
        except BaseException:
            _unlink_quietly(*made)
            raise
    finally:
        conn.close()
    size = final.stat().st_size
    _record_chain(folder, final.name, chain[1], chain[2], chain[0])
    pruned: tuple[Path, ...] = ()
    if prune:
        pruned = tuple(prune_backups(folder, db_path.stem, now=when, keep=(final,)))
    return BackupInfo(
        path=final,
        created_at=when,
        size=size,
        counts=counts,
        seconds=time.perf_counter() - started,
        pruned=pruned,
        encrypted=bool(public_key),
        audit_ok=chain[0],
        audit_count=chain[1],
        audit_head=chain[2],
    )


def auto_backup_if_due(register_path: Path, *, now: _dt.datetime | None = None) -> Path | None:
    """The automatic end-of-day backup (called when the TUI closes): one per calendar day.

    Returns the new backup, or None when today's backup already exists. Raises BackupError (with
    an Indonesian `.message`) when it fails; the caller shows it and may still quit.
    """
    register_path = Path(register_path)
    when = now or _dt.datetime.now()
    folder = backup_dir_for(register_path)
    today = when.date()
    for entry in list_backups(folder, register_path.stem):
        # A file named for later than now (a wrong clock, a copied file) does not count as today's.
        if entry.created_at.date() == today and entry.created_at <= when + _FUTURE_SLACK:
            return None
    # The TUI is closing: wait a little for a backup or restore another process is making, not long.
    return create_backup(register_path, folder, actor="otomatis", now=when, lock_timeout=AUTO_LOCK_TIMEOUT_S).path


# --- generations ----------------------------------------------------------------------------------

def backup_made_at(name: str, stem: str) -> _dt.datetime | None:
    """When the backup file `name` of the register `stem` was made (from its name); None when the
    name is not one of that register's backups."""
    m = _NAME_RE.match(name)
    if not m or m.group("word") != BACKUP_WORD or m.group("stem") != stem:
        return None
    try:
        return _dt.datetime.strptime(m.group("stamp"), _STAMP)
    except ValueError:
        return None


def list_backups(folder: Path, stem: str | None = None, *, word: str = BACKUP_WORD) -> list[BackupEntry]:
    """Our backup files in `folder` (or, with word=ASIDE_WORD, the copies restores kept aside),
    newest first, with the generations that keep them."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found: list[tuple[_dt.datetime, int, Path]] = []
    for path in folder.iterdir():
        m = _NAME_RE.match(path.name)
        if not m or m.group("word") != word or (stem is not None and m.group("stem") != stem) \
                or not path.is_file():
            continue
        try:
            when = _dt.datetime.strptime(m.group("stamp"), _STAMP)
        except ValueError:
            continue
        found.append((when, int(m.group("n") or 1), path))
    # Same second: `-2` was made after the plain name, `-3` after `-2`.
    found.sort(key=lambda item: (item[0], item[1], item[2].name), reverse=True)
    keep = _generations([w for w, _, _ in found])
    return [
        BackupEntry(path=p, created_at=w, size=p.stat().st_size, generations=tuple(keep.get(i, ())))
        for i, (w, _, p) in enumerate(found)
    ]


def _generations(times_newest_first: list[_dt.datetime]) -> dict[int, list[str]]:
    """Grandfather-father-son: the newest backup of each of the last 7 days, 4 ISO weeks and
    12 months is kept. Index -> the generations it belongs to."""
    keep: dict[int, list[str]] = {}
    for word, limit, key in (
        ("harian", KEEP_DAILY, lambda t: t.date()),
        ("mingguan", KEEP_WEEKLY, lambda t: tuple(t.isocalendar()[:2])),
        ("bulanan", KEEP_MONTHLY, lambda t: (t.year, t.month)),
    ):
        seen: list[object] = []
        for i, t in enumerate(times_newest_first):
            k = key(t)
            if k in seen:
                continue
            if len(seen) >= limit:
                break
            seen.append(k)
            keep.setdefault(i, []).append(word)
    return keep


# A backup named more than this after "now" was not made by this clock: never pruned, never counted.
_FUTURE_SLACK = _dt.timedelta(minutes=5)


def prune_backups(folder: Path, stem: str, *, now: _dt.datetime | None = None,
                  keep: Iterable[Path] = ()) -> list[Path]:
    """Delete our backups of `stem` that no generation keeps. Other files are never touched; nor
    are `keep` (the backup just made), the newest backup the chain index records as verified, a
    file named for the future, and (in `_generations`) the newest backup of each kept period.
    Aside copies kept by restores (`sebelum-pulih`) follow the same rule among themselves."""
    now = now or _dt.datetime.now()
    protected = {Path(p).name for p in keep}
    verified = chain_index(folder)
    removed = []
    for word in (BACKUP_WORD, ASIDE_WORD):
        entries = [e for e in list_backups(folder, stem, word=word) if e.created_at <= now + _FUTURE_SLACK]
        keep_sets = _generations([e.created_at for e in entries])
        newest_verified = next((e.path.name for e in entries if e.path.name in verified), None)
        for i, entry in enumerate(entries):
            if i in keep_sets or i == 0 or entry.path.name in protected or entry.path.name == newest_verified:
                continue
            try:
                entry.path.unlink()
                removed.append(entry.path)
            except OSError:
                pass  # read-only media or a file in use: keep it, the next backup tries again
    return removed


# --- restore --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Identity:
    """Whose register a file is: installation, puskesmas, and how much a restore would replace."""

    install_id: str | None
    name: str | None
    code: str | None
    patients: int | None
    accounts: int | None

    def text(self) -> str:
        who = self.name or "puskesmas tanpa nama"
        code = f", kode {self.code}" if self.code else ""
        counts = []
        if self.patients is not None:
            counts.append(f"{self.patients} pasien")
        if self.accounts is not None:
            counts.append(f"{self.accounts} akun")
        return f"{who}{code}" + (f" ({', '.join(counts)})" if counts else "")


def identity_of(path: Path) -> Identity | None:
    """The identity recorded in a register or a plain backup (read-only); None when unreadable."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        # The file through its WAL when it has one (read-only never checkpoints); else immutable.
        conn = sqlite3.connect(f"{_uri(path)}?mode=ro", uri=True, timeout=5.0)
        try:
            def one(sql: str) -> object:
                try:
                    row = conn.execute(sql).fetchone()
                except sqlite3.Error:
                    return None
                return row[0] if row else None

            install = one("SELECT value FROM meta WHERE key = 'install_id'")
            facility = None
            with contextlib.suppress(sqlite3.Error):
                facility = conn.execute("SELECT name, code FROM facility WHERE id = 1").fetchone()
            patients = one("SELECT count(*) FROM patients")
            accounts = one("SELECT count(*) FROM users")
        finally:
            conn.close()
    except (sqlite3.Error, UnicodeDecodeError):
        return None
    return Identity(
        install_id=str(install) if install else None,
        name=(facility[0] or None) if facility else None,
        code=(str(facility[1]).strip() or None) if facility and facility[1] else None,
        patients=int(patients) if isinstance(patients, int) else None,
        accounts=int(accounts) if isinstance(accounts, int) else None,
    )


OTHER_FACILITY_OPTION = "--puskesmas-lain"


def other_facility(backup_plain: Path, db_path: Path) -> tuple[Identity, Identity] | None:
    """(register, backup) when the backup belongs to another puskesmas or installation than the
    register it would replace; None when they match or nothing could be lost.

    A mismatch: different facility codes (both filled in), or a different installation id while the
    register holds patients (a fresh `mtbs init` on a new PC has nothing to lose). A register that
    cannot be read (damaged) cannot be compared: the restore goes on, as it must then."""
    live = identity_of(db_path)
    backup = identity_of(backup_plain)
    if live is None or backup is None:
        return None
    if live.code and backup.code and live.code.casefold() != backup.code.casefold():
        return live, backup
    if live.install_id and backup.install_id and live.install_id != backup.install_id and (live.patients or 0) > 0:
        return live, backup
    return None


def other_facility_message(backup_name: str, pair: tuple[Identity, Identity]) -> str:
    live, backup = pair
    return (f"galat: {backup_name}: cadangan ini milik puskesmas/instalasi lain ({backup.text()}); database "
            f"ini: {live.text()}. Pemulihan akan mengganti identitas puskesmas, semua akun dan semua pasien; "
            f"bila memang dimaksud, ulangi dengan {OTHER_FACILITY_OPTION}")


def restore_backup(
    backup_path: Path,
    db_path: Path,
    *,
    actor: str | None = None,
    aside_dir: Path | None = None,
    source_name: str | None = None,
    other_facility_ok: bool = False,
    _fail_after: str | None = None,
) -> RestoreInfo:
    """Replace the register with a verified backup; the current database is kept aside first.

    A backup of another puskesmas or installation (`other_facility`) is refused unless
    `other_facility_ok` (the CLI's --puskesmas-lain).

    `_fail_after` names a step after which to raise (tests prove nothing half-done is left).
    """
    with backup_lock(Path(db_path)):
        if not other_facility_ok:
            pair = other_facility(Path(backup_path), Path(db_path))
            if pair is not None:
                raise BackupError(other_facility_message(source_name or Path(backup_path).name, pair))
        return _restore_locked(Path(backup_path), Path(db_path), actor=actor, aside_dir=aside_dir,
                               source_name=source_name, _fail_after=_fail_after)


def _restore_locked(backup_path: Path, db_path: Path, *, actor: str | None, aside_dir: Path | None,
                    source_name: str | None, _fail_after: str | None) -> RestoreInfo:
    started = time.perf_counter()
    steps: list[str] = []

    def step(name: str) -> None:
        steps.append(name)
        if _fail_after == name:
            raise BackupError(f"galat: pemulihan dihentikan setelah langkah {name} (uji)")

    expected = verify_backup(backup_path)
    step("verifikasi")
    if db_path.parent and not db_path.parent.exists():
        raise BackupError(f"galat: {db_path.parent}: folder database tidak ditemukan")
    staged = db_path.parent / f".{db_path.name}.pulih-{uuid.uuid4().hex[:8]}.tmp"
    try:
        _private_file(staged)
        src = sqlite3.connect(f"{_uri(backup_path)}?mode=ro&immutable=1", uri=True)
        try:
            dest = sqlite3.connect(str(staged), isolation_level=None)
            try:
                src.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE").fetchall()
            finally:
                dest.close()
        finally:
            src.close()
        _fsync_file(staged)
        verify_backup(staged, expected_counts=expected)
        step("salinan-sementara")
        aside = _restore_into(staged, db_path, aside_dir, step)
    except OSError as exc:
        raise BackupError(f"galat: {db_path}: pemulihan gagal ({os_reason(exc)}); database lama tetap dipakai") from exc
    except (sqlite3.Error, UnicodeDecodeError) as exc:  # a damaged file can yield a non-UTF-8 error text
        raise BackupError(f"galat: {db_path}: pemulihan gagal ({exc}); database lama tetap dipakai") from exc
    finally:
        _unlink_quietly(staged, Path(str(staged) + "-journal"))
    record_audit(
        db_path,
        "pulihkan",
        detail=f"dari {source_name or backup_path.name}" + (f"; database lama disimpan: {aside.name}" if aside else ""),
        actor=actor,
    )
    return RestoreInfo(
        restored_from=backup_path,
        aside=aside,
        counts=expected,
        seconds=time.perf_counter() - started,
        steps=steps,
    )


def _live_is_healthy(db_path: Path) -> bool:
    from mtbs_tui.db import DatabaseError, check_file_header, wal_guard

    try:
        check_file_header(db_path)
        wal_guard(db_path)  # a foreign -wal: the file and that -wal are moved aside together, untouched
        conn = sqlite3.connect(f"{_uri(db_path)}?mode=ro", uri=True, timeout=5.0)
        try:
            return conn.execute("PRAGMA quick_check(1)").fetchone()[0] == "ok"
        finally:
            conn.close()
    except (DatabaseError, sqlite3.Error, OSError):
        return False


def _restore_into(staged: Path, db_path: Path, aside_dir: Path | None, step: Callable[[str], None]) -> Path | None:
    now = _dt.datetime.now()
    if not db_path.exists():
        os.replace(staged, db_path)
        _fsync_dir(db_path.parent)
        step("ganti")
        return None
    lock = _write_lock(db_path)
    try:
        with lock.held(timeout=30.0):
            if _live_is_healthy(db_path):
                folder = aside_dir or backup_dir_for(db_path)
                _folder_ready(folder)
                aside = _keep_aside_copy(db_path, folder, now)
                step("simpan-lama")
                _write_over_live(staged, db_path, step)
            else:
                aside = _move_damaged_aside(db_path, now)
                step("simpan-lama")
                os.replace(staged, db_path)
                _fsync_dir(db_path.parent)
                step("ganti")
    except BackupError:
        raise
    except Exception as exc:
        from mtbs_tui.db import DatabaseError

        if isinstance(exc, DatabaseError):
            raise BackupError(f"galat: {exc.message}") from exc
        raise
    finally:
        lock.close()
    return aside


def _keep_aside_copy(db_path: Path, folder: Path, now: _dt.datetime) -> Path:
    """A verified copy of the current database, encrypted like the backups when the head's public
    key is set; it follows the generation pruning of the aside copies (`prune_backups`)."""
    public_key = public_key_for(db_path)
    conn = sqlite3.connect(str(db_path), isolation_level=None, timeout=5.0)
    suffix = ".db" + AGE_SUFFIX if public_key else ".db"
    base = f"{db_path.stem}-{ASIDE_WORD}-{now.strftime(_STAMP)}"
    final = folder / f"{base}{suffix}"
    n = 2
    while final.exists():
        final = folder / f"{base}-{n}{suffix}"
        n += 1
    # Encrypted: the plaintext copy is made beside the live database, never in the backup folder.
    tmp = (db_path.parent if public_key else folder) / f".{final.name}.{uuid.uuid4().hex[:8]}.tmp"
    made = [tmp, Path(str(tmp) + "-journal")]
    try:
        _private_file(tmp)
        counts = _copy_snapshot(conn, tmp)
        _stamp_copy(tmp, counts, db_path, now)
        _fsync_file(tmp)
        verify_backup(tmp, expected_counts=counts)
        current = tmp
        for step in _finalise_steps(public_key, folder, final.name):
            current = step(current)
            made.append(current)
        os.replace(current, final)
        _fsync_dir(folder)
    except BaseException:
        _unlink_quietly(*made)
        raise
    finally:
        conn.close()
    prune_backups(folder, db_path.stem, now=now, keep=(final,))
    return final


def _move_damaged_aside(db_path: Path, now: _dt.datetime) -> Path:
    """A damaged register cannot be copied: the file itself (with its WAL) is renamed aside."""
    aside = db_path.with_name(f"{db_path.name}.rusak-{now.strftime(_STAMP)}")
    n = 2
    while aside.exists():
        aside = db_path.with_name(f"{db_path.name}.rusak-{now.strftime(_STAMP)}-{n}")
        n += 1
    for suffix in ("-wal", "-shm"):
        side = Path(str(db_path) + suffix)
        if side.exists():
            os.replace(side, Path(str(aside) + suffix))
    os.replace(db_path, aside)
    return aside


def _write_over_live(staged: Path, db_path: Path, step: Callable[[str], None]) -> None:
    """Write the staged copy into the live file with the backup API: one write transaction on the
    destination, so other connections (and a crash) see the old register or the new one."""
    src = sqlite3.connect(str(staged), isolation_level=None)
    dest = sqlite3.connect(str(db_path), isolation_level=None, timeout=5.0)
    try:
        dest.execute("PRAGMA busy_timeout = 5000")
        src.backup(dest)
        step("ganti")
        errors = dest.execute("PRAGMA quick_check(5)").fetchall()
        if [r[0] for r in errors] != ["ok"]:
            raise BackupError(f"galat: {db_path}: database hasil pemulihan gagal diperiksa ({errors[0][0]})")
        # Keep the live file in WAL mode as db.connect expects (the copy carried DELETE).
        dest.execute("PRAGMA journal_mode = WAL").fetchall()
        dest.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        dest.close()
        src.close()


# --- audit ----------------------------------------------------------------------------------------

def record_audit(db_path: Path, action: str, *, detail: str | None = None, actor: str | None = None,
                 patient_id: int | None = None) -> None:
    """One audit row in the register (who, what, when; never clinical content).

    Uses Register.audit when the register module is present; an audit failure never undoes a
    finished backup or restore, so it is swallowed here (the file itself is the evidence).
    """
    from mtbs_tui.audit import record_audit as _record

    with contextlib.suppress(Exception):
        _record(db_path, action, detail=detail, actor=actor, patient_id=patient_id)
