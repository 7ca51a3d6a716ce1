"""Send a finished PDF to the system's default printer (Windows and Linux/macOS).

Windows: the shell's "print" verb (`os.startfile(path, "print")`), which hands the file to the
default PDF reader's print command on the default printer. Elsewhere: CUPS `lp` (or `lpr`).
$MTBS_PRINT_COMMAND overrides both (e.g. `lp -d Printer_Lantai2` or a script); `{file}` in it is
replaced by the path, otherwise the path is appended.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from mtbs_tui.documents.common import os_reason  # plain Python: no reportlab at import


class PrintError(Exception):
    """Printing failed. `message` is one Indonesian line; the PDF itself is kept."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def print_command(path: Path) -> list[str] | None:
    """The command that prints `path` on this system (None on Windows: the shell verb is used)."""
    custom = os.environ.get("MTBS_PRINT_COMMAND")
    if custom:
        parts = shlex.split(custom, posix=os.name != "nt")
        if any("{file}" in p for p in parts):
            return [p.replace("{file}", str(path)) for p in parts]
        return parts + [str(path)]
    if sys.platform == "win32":
        return None
    for tool in ("lp", "lpr"):
        found = shutil.which(tool)
        if found:
            return [found, str(path)]
    raise PrintError(
        f"galat: --print: tidak ada perintah cetak (lp/lpr); berkas tersimpan di {path}, cetak secara manual"
    )


def print_file(path: Path | str) -> None:
    path = Path(path).resolve()
    if not path.exists():
        raise PrintError(f"galat: --print: {path}: berkas tidak ditemukan")
    cmd = print_command(path)
    if cmd is None:
        try:
            os.startfile(str(path), "print")  # type: ignore[attr-defined]  # Windows only
        except OSError as exc:
            raise PrintError(
                f"galat: --print: tidak dapat mencetak ({os_reason(exc)}); berkas tersimpan di {path}"
            ) from exc
        return
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PrintError(f"galat: --print: perintah cetak gagal ({exc}); berkas tersimpan di {path}") from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout or "").strip().splitlines()
        reason = detail[-1] if detail else f"status {done.returncode}"
        raise PrintError(f"galat: --print: pencetak menolak ({reason}); berkas tersimpan di {path}")
