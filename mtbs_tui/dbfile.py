"""Checks of a register file that need no SQLite: its path and its first bytes.

Kept apart from mtbs_tui.db (which imports sqlite_utils) so that `mtbs tui` can refuse a network
share or a file that is not SQLite with one line before it starts the app, and open the register
itself only after the login screen is on the screen. No Textual, reportlab or openpyxl here.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
# The register schema this code writes (PRAGMA user_version); mtbs_tui.db re-exports it.
SCHEMA_VERSION = 14
# PRAGMA application_id of a practice (kalakarya) file, "MTLT" (issue 19): read from the header
# (offset 68) before SQLite opens anything, so a practice file is never opened as a clinical register
# and a clinical register never as a practice file.
PRACTICE_APPLICATION_ID = 0x4D544C54
# Filesystems on which SQLite's locking is unreliable (reliability.md): refused.
NETWORK_FS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "coda", "9p",
        "fuse.sshfs", "sshfs", "davfs", "fuse.davfs2", "fuse.gvfsd-fuse", "glusterfs",
        "fuse.glusterfs", "ceph", "fuse.ceph", "lustre", "gpfs", "fuse.rclone", "fuse.s3fs",
    }
)


class DatabaseError(Exception):
    """A file we cannot or must not use. `message` is one Indonesian line for the user."""

    def __init__(self, message: str, *, kind: str = "rusak") -> None:
        super().__init__(message)
        self.message = message
        # kind: "hilang" (missing), "rusak" (damaged), "jaringan" (network share), "baru" (newer
        # schema), "asing" (not an MTBS register), "terkunci" (busy), "izin" (permission)
        self.kind = kind

    def __str__(self) -> str:
        return f"galat: {self.message}"


# --- paths ----------------------------------------------------------------------------------------

def refuse_network_path(path: Path) -> None:
    """DatabaseError (kind "jaringan") for a register on a network share."""
    if is_network_path(path):
        raise DatabaseError(f"{path}: database di folder jaringan tidak didukung; simpan di disk lokal komputer ini",
                            kind="jaringan")


def is_network_path(path: str | Path, *, mounts_file: str = "/proc/mounts") -> bool:
    """True when `path` is a UNC path or lies on a network filesystem (SMB, NFS, ...)."""
    text = str(path)
    # A UNC name (\\server\share) is a network path on every platform: on POSIX `//x` is legal but
    # nobody keeps a register there, and a Windows path copied into a Linux config is still remote.
    if text.startswith("\\\\") or text.startswith("//"):
        return True
    if sys.platform == "win32":
        return _windows_drive_is_remote(text)
    return _posix_fs_type(Path(text), mounts_file) in NETWORK_FS


def _windows_drive_is_remote(text: str) -> bool:
    import ctypes

    full = os.path.abspath(text)
    drive = os.path.splitdrive(full)[0]
    if not drive or drive.startswith("\\\\"):
        return bool(drive)
    DRIVE_REMOTE = 4
    return bool(ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == DRIVE_REMOTE)  # type: ignore[attr-defined]


def _posix_fs_type(path: Path, mounts_file: str) -> str | None:
    """The filesystem type of the longest mount point containing `path` (None when unknown)."""
    try:
        with open(mounts_file, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None  # macOS and others: no /proc/mounts; UNC check above still applies
    target = os.path.realpath(path.parent if not path.exists() else path)
    best, best_type = "", None
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount = parts[1].replace("\\040", " ")
        if (target == mount or target.startswith(mount.rstrip("/") + "/")) and len(mount) >= len(best):
            best, best_type = mount, parts[2]
    return best_type


# --- raw file checks (before SQLite touches the file) ---------------------------------------------

def check_existing_file(path: Path, *, practice: bool = False) -> None:
    """An existing path that should be a register (or, with ``practice``, a practice file): not a
    folder, a sound SQLite header, and the right kind of file (``application_id``)."""
    if path.is_dir():
        raise DatabaseError(f"{path}: ini folder, bukan berkas database", kind="hilang")
    check_file_header(path)
    check_file_kind(path, practice=practice)


def check_file_kind(path: Path, *, practice: bool = False) -> None:
    """A practice file is never opened as a clinical register, nor anything else as a practice
    file (issue 19): the header's application_id decides, before SQLite opens the file."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError:
        return  # check_file_header has said why
    if len(header) < 100:
        return  # empty: a new file, made by the caller that asked for it
    is_practice = int.from_bytes(header[68:72], "big") == PRACTICE_APPLICATION_ID
    if is_practice and not practice:
        raise DatabaseError(f"{path}: ini berkas latihan (kalakarya), bukan register klinis; "
                            "buka dengan `mtbs latihan`", kind="asing")
    if practice and not is_practice:
        raise DatabaseError(f"{path}: bukan berkas latihan; register klinis tidak pernah dibuka "
                            "sebagai latihan", kind="asing")


def check_file_header(path: Path) -> None:
    """Detect a bad header or a truncated file by reading bytes only (no SQLite, no write)."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            header = fh.read(100)
    except PermissionError as exc:
        raise DatabaseError(f"{path}: berkas tidak dapat dibaca (izin ditolak)", kind="izin") from exc
    except OSError as exc:
        raise DatabaseError(f"{path}: berkas tidak dapat dibaca ({exc.strerror})", kind="izin") from exc
    if size == 0:
        return  # an empty file is a new database to SQLite; the schema check decides
    if len(header) < 100 or header[:16] != SQLITE_MAGIC:
        raise DatabaseError(f"{path}: berkas rusak atau bukan database SQLite (kepala berkas salah)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise DatabaseError(f"{path}: berkas rusak (ukuran halaman {page_size} tidak sah)")
    if size % page_size:
        raise DatabaseError(f"{path}: berkas rusak atau terpotong (ukuran bukan kelipatan halaman)")
    change_counter = int.from_bytes(header[24:28], "big")
    header_pages = int.from_bytes(header[28:32], "big")
    valid_for = int.from_bytes(header[92:96], "big")
    wal = Path(str(path) + "-wal")
    wal_has_frames = wal.exists() and wal.stat().st_size > 32
    # The in-header page count is trustworthy when valid_for matches the change counter. With a
    # non-empty WAL a checkpoint may have been cut short while growing the file: the WAL replays it.
    if valid_for == change_counter and header_pages and not wal_has_frames:
        if size < header_pages * page_size:
            raise DatabaseError(
                f"{path}: berkas rusak atau terpotong ({size // page_size} dari {header_pages} halaman)"
            )


def open_needs_work(path: Path) -> bool:
    """True when opening `path` will not be instant: an older schema (a verified backup and the
    upgrade come first) or a file not yet in WAL mode (quick_check cannot wait in the background).
    Read from the header only (user_version at offset 60, WAL read/write versions at 18-19)."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError:
        return False
    if len(header) < 100 or header[:16] != SQLITE_MAGIC:
        return False
    user_version = int.from_bytes(header[60:64], "big")
    wal = header[18] == 2 and header[19] == 2
    return user_version < SCHEMA_VERSION or not wal
