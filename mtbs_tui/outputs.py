"""Where a command may write a file (issue 20 item 1, issue 15 item 6): the one guard every
document, export, report and table file passes through (`documents.common.atomic_output` calls
`check_target` before it writes and again just before the finished file takes its name).

Refused, whatever the spelling (relative path, `..`, a symlink, another case on Windows, a hard
link): the register itself, its `-wal`, `-shm`, `-journal` and `.writelock`, anything in its
backup folder (`cadangan/` or the folder chosen in the settings), any existing SQLite database,
and anything that exists but is not a regular file (a folder, a FIFO, a device). An existing
regular file is replaced only when the command was given `--timpa` (the rule for every document
command: refuse, say so, and name the option).

A command states its rules with `policy(register=..., overwrite=...)`; while a policy is active
in the main thread, SIGTERM raises `Terminated`, so the half-written temporary file is removed as
on Ctrl-C. Plain Python only (no sqlite_utils, no reportlab): the CLI imports this at start.
"""
from __future__ import annotations

import contextlib
import contextvars
import os
import signal
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
# The files SQLite and our write lock keep beside a register.
REGISTER_SIDE_FILES = ("-wal", "-shm", "-journal", ".writelock", ".cadangan.writelock")
OVERWRITE_OPTION = "--timpa"


class OutputRefused(Exception):
    """An output path a command must not write. `message` is one Indonesian line (`galat: ...`)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message if message.startswith("galat") else f"galat: {message}"


class Terminated(BaseException):
    """SIGTERM arrived while a command was writing a file (a BaseException, like KeyboardInterrupt,
    so every `except Exception` lets it through and every cleanup runs)."""


@dataclass(frozen=True)
class Policy:
    register: Path | None = None
    overwrite: bool = True


# No policy (the TUI's documents folder, library callers): overwrite allowed, the register unknown.
_POLICY: contextvars.ContextVar[Policy] = contextvars.ContextVar("mtbs_output_policy", default=Policy())  # noqa: B039 - Policy is frozen


def current() -> Policy:
    return _POLICY.get()


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


@contextlib.contextmanager
def sigterm_cleans_up() -> Iterator[None]:
    """While active in the main thread, SIGTERM raises `Terminated`, so every `finally` and
    `except BaseException` cleanup runs (temporary files removed) as on Ctrl-C."""
    previous = None
    installed = False
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGTERM"):
        with contextlib.suppress(ValueError, OSError):
            previous = signal.signal(signal.SIGTERM, _raise_terminated)
            installed = True
    try:
        yield
    finally:
        if installed:
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


@contextlib.contextmanager
def policy(*, register: Path | None, overwrite: bool) -> Iterator[Policy]:
    """The output rules of one command; SIGTERM becomes `Terminated` meanwhile (main thread only)."""
    chosen = Policy(Path(register) if register is not None else None, overwrite)
    token = _POLICY.set(chosen)
    try:
        with sigterm_cleans_up():
            yield chosen
    finally:
        _POLICY.reset(token)


def _norm(path: Path) -> str:
    """An absolute, symlink-free, case-folded (Windows) spelling of `path` for comparison."""
    return os.path.normcase(os.path.realpath(os.path.abspath(path)))


def _inside(path: str, folder: str) -> bool:
    folder = folder.rstrip("\\/")
    return path == folder or path.startswith(folder + os.sep)


def _protected(register: Path) -> tuple[list[Path], list[Path]]:
    """(files, folders) that belong to the register: never an output."""
    files = [register] + [Path(str(register) + side) for side in REGISTER_SIDE_FILES]
    folders = [register.parent / "cadangan"]
    with contextlib.suppress(Exception):  # a damaged register: the default folder still counts
        from mtbs_tui.backup import backup_dir_for

        folders.append(Path(backup_dir_for(register)))
    return files, folders


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def folder_message(path: Path | str) -> str:
    """The one line for an output named by a folder (`-o dokumen`)."""
    return f"galat: {path}: ini folder, bukan nama berkas"


def check_target(path: Path | str, *, register: Path | None = None, overwrite: bool | None = None) -> Path:
    """`path` if a command may write it now, else OutputRefused with one line saying why (and, for
    an existing file, that `--timpa` replaces it). `register`/`overwrite` default to the policy."""
    rules = current()
    register = Path(register) if register is not None else rules.register
    overwrite = rules.overwrite if overwrite is None else overwrite
    path = Path(path)
    target = _norm(path)
    if register is not None:
        files, folders = _protected(Path(register))
        for f in files:
            if target == _norm(f) or _same_file(path, f):
                what = "database register" if f == files[0] else f"berkas pendamping database ({f.name})"
                raise OutputRefused(f"galat: {path}: ini {what}; pilih nama berkas tujuan lain")
        for folder in folders:
            if _inside(target, _norm(folder)):
                raise OutputRefused(
                    f"galat: {path}: folder cadangan hanya untuk berkas cadangan; pilih folder tujuan lain"
                )
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return path
    except OSError:
        return path  # the folder check and the write itself report it
    if stat.S_ISDIR(info.st_mode):
        raise OutputRefused(folder_message(path))
    if not stat.S_ISREG(info.st_mode):
        raise OutputRefused(f"galat: {path}: bukan berkas biasa (pipa atau perangkat); pilih nama berkas lain")
    if _is_sqlite(path):
        raise OutputRefused(f"galat: {path}: berkas ini database SQLite; tidak ditimpa, pilih nama berkas lain")
    if not overwrite:
        raise OutputRefused(
            f"galat: {path}: berkas sudah ada; beri {OVERWRITE_OPTION} untuk menimpanya, atau pilih nama lain"
        )
    return path


def place(tmp: Path, path: Path) -> None:
    """Give the finished temporary file its final name under the active policy. Without overwrite,
    a file that appeared meanwhile is never replaced (a hard link fails if the name exists; media
    without hard links, such as FAT flash disks, get a last check and the rename)."""
    check_target(path)
    if current().overwrite:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise OutputRefused(
            f"galat: {path}: berkas sudah ada; beri {OVERWRITE_OPTION} untuk menimpanya, atau pilih nama lain"
        ) from None
    except OSError:
        if os.path.lexists(path):
            raise OutputRefused(
                f"galat: {path}: berkas sudah ada; beri {OVERWRITE_OPTION} untuk menimpanya, atau pilih nama lain"
            ) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


# --- an OS error in words a nurse can act on ------------------------------------------------------

_ERRNO_TEXT = {
    "EACCES": "izin ditolak, atau berkas sedang dibuka program lain",
    "EPERM": "izin ditolak",
    "ENOSPC": "disk penuh",
    "EDQUOT": "kuota disk habis",
    "EROFS": "media hanya-baca (flashdisk terkunci?)",
    "ENOENT": "folder atau berkas tidak ditemukan",
    "ENOTDIR": "bagian jalurnya bukan folder",
    "EISDIR": "ini folder, bukan berkas",
    "EEXIST": "sudah ada",
    "EIO": "kesalahan baca/tulis perangkat",
    "ENAMETOOLONG": "nama terlalu panjang",
    "EBUSY": "sedang dipakai",
}


def os_reason(exc: BaseException) -> str:
    """An OSError in Bahasa Indonesia (strerror is English on Linux and localised on Windows)."""
    import errno as _errno

    code = getattr(exc, "errno", None)
    name = _errno.errorcode.get(code, "") if isinstance(code, int) else ""
    if name in _ERRNO_TEXT:
        return _ERRNO_TEXT[name]
    if getattr(exc, "winerror", None) == 32:  # ERROR_SHARING_VIOLATION
        return "berkas sedang dibuka program lain"
    return f"kesalahan sistem {code}" if code is not None else str(exc)
