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

from mtbs_tui.outputs import os_reason


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


# What CUPS/lp (and lpr) say, in English, mapped to what the user should do, in Indonesian.
_PRINTER_REPLIES = (
    ("no default destination", "belum ada pencetak bawaan; jadikan satu pencetak bawaan di pengaturan "
     "pencetak, atau atur MTBS_PRINT_COMMAND=\"lp -d NAMA_PENCETAK\""),
    ("does not exist", "pencetak yang dipilih tidak dikenal; periksa nama pencetak (lpstat -p) atau "
     "MTBS_PRINT_COMMAND"),
    ("unknown destination", "pencetak yang dipilih tidak dikenal; periksa nama pencetak (lpstat -p) atau "
     "MTBS_PRINT_COMMAND"),
    ("not accepting", "pencetak sedang tidak menerima pekerjaan; nyalakan/aktifkan pencetak lalu cetak ulang"),
    ("scheduler is not running", "layanan cetak (CUPS) tidak berjalan; nyalakan ulang komputer atau "
     "layanan cetak, lalu cetak ulang"),
    ("connection refused", "layanan cetak (CUPS) tidak berjalan; nyalakan ulang komputer atau layanan "
     "cetak, lalu cetak ulang"),
    ("forbidden", "akun komputer ini tidak diizinkan mencetak; minta bantuan pengelola komputer"),
    ("not authorized", "akun komputer ini tidak diizinkan mencetak; minta bantuan pengelola komputer"),
)


def printer_reply(text: str, returncode: int) -> str:
    """One Indonesian instruction for a print command's failure (its English text is not shown)."""
    lowered = (text or "").lower()
    for needle, advice in _PRINTER_REPLIES:
        if needle in lowered:
            return advice
    return (f"pencetak menolak pekerjaan cetak (status {returncode}); periksa pencetak menyala, "
            "berkertas dan terhubung, lalu cetak ulang")


def print_file(path: Path | str) -> None:
    path = Path(path).resolve()
    if not path.exists():
        raise PrintError(f"galat: --print: {path}: berkas tidak ditemukan")
    cmd = print_command(path)
    kept = f"berkas tersimpan di {path}"
    if cmd is None:
        try:
            os.startfile(str(path), "print")  # type: ignore[attr-defined]  # Windows only
        except OSError as exc:
            raise PrintError(
                f"galat: --print: tidak dapat mencetak ({os_reason(exc)}; pasang pembaca PDF dan "
                f"pilih pencetak bawaan); {kept}"
            ) from exc
        return
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    except FileNotFoundError:
        raise PrintError(
            f"galat: --print: perintah cetak {cmd[0]!r} tidak ditemukan; periksa MTBS_PRINT_COMMAND "
            f"atau pasang CUPS (lp); {kept}"
        ) from None
    except PermissionError:
        raise PrintError(
            f"galat: --print: perintah cetak {cmd[0]!r} tidak boleh dijalankan (izin ditolak); periksa "
            f"MTBS_PRINT_COMMAND; {kept}"
        ) from None
    except subprocess.TimeoutExpired:
        raise PrintError(
            f"galat: --print: perintah cetak tidak selesai dalam 60 detik; periksa pencetak, lalu cetak "
            f"ulang; {kept}"
        ) from None
    except OSError as exc:
        raise PrintError(f"galat: --print: perintah cetak gagal ({os_reason(exc)}); {kept}") from exc
    if done.returncode != 0:
        advice = printer_reply(f"{done.stderr or ''}\n{done.stdout or ''}", done.returncode)
        raise PrintError(f"galat: --print: {advice}; {kept}")
