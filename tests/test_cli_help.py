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


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], (None, False)),
        (["tui"], (None, False)),
        (["tui", "--demo"], (None, True)),
        (["--db", "x.db"], ("x.db", False)),
        (["--db", "x.db", "tui", "--demo"], ("x.db", True)),
        (["--db=x.db", "tui"], ("x.db", False)),
        (["--db", "x.db", "check"], None),
        (["tui", "--bogus"], None),
        (["--user", "sari", "tui"], None),
        (["--db="], None),
        (["--help"], None),
    ],
)
def test_launcher_opens_the_app_directly_only_for_plain_requests(args: list[str], expected: object) -> None:
    from mtbs_tui.launcher import _tui_request

    assert _tui_request(args) == expected


def test_opening_the_app_does_not_import_typer(tmp_path: Path) -> None:
    """`mtbs` (the app) skips the Typer command tree: a missing register is reported without it."""
    import sys

    code = (
        "import sys; from mtbs_tui.launcher import main; "
        f"rc = main(['--db', {str(tmp_path / 'tidak-ada.db')!r}]); "
        "print(rc, 'typer' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["2", "False"], result
    assert result.stderr.startswith("galat: ") and "Traceback" not in result.stderr
