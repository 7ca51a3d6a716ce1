"""The `mtbs` entry point speaks Indonesian and never shows a traceback, even for bad arguments."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest


def run(exe: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=60)


def test_help_is_indonesian(mtbs_exe: Path) -> None:
    result = run(mtbs_exe, "--help")
    assert result.returncode == 0
    for word in ("Pemakaian:", "Opsi:", "Perintah:", "Tampilkan bantuan ini lalu keluar."):
        assert word in result.stdout
    for english in ("Usage:", "Options:", "Commands:", "Show this message"):
        assert english not in result.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--bogus"], "galat: argumen: opsi tidak dikenal --bogus"),
        (["frob"], "galat: perintah: perintah tidak dikenal 'frob'"),
        (["classify"], "galat: KASUS.json: wajib diisi"),
        (["demo", "--patients", "x"], "galat: --patients: nilai tidak sah (harus bilangan bulat)"),
        (["demo", "--patients", "0"], "galat: --patients: nilai tidak sah (minimal 1)"),
    ],
)
def test_usage_errors_are_one_indonesian_line(mtbs_exe: Path, args: list[str], expected: str) -> None:
    result = run(mtbs_exe, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == expected
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_entry_point_imports_only_typer() -> None:
    """`mtbs --help` must not pay for Textual, reportlab, openpyxl or the register."""
    import sys

    code = (
        "import sys; from mtbs_tui import cli; "
        "heavy = [m for m in ('textual', 'reportlab', 'openpyxl', 'sqlite_utils', 'mtbs_tui.register') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
