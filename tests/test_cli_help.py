"""The `mtbs` entry point speaks Indonesian and never shows a traceback, even for bad arguments."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from cli_login import mtbs_cli, mtbs_here


def test_help_is_indonesian() -> None:
    result = mtbs_cli("--help", timeout=60)
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
def test_usage_errors_are_one_indonesian_line(args: list[str], expected: str) -> None:
    # The first through the real console script, the others in this process.
    result = mtbs_cli(*args, timeout=60) if args == ["--bogus"] else mtbs_here(None, *args)
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


def _every_command(command: object, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], object]]:
    found = [(path, command)]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        found += _every_command(sub, (*path, name))
    return found


def test_every_help_speaks_in_metavars_not_python_types() -> None:
    """Each command's --help, as the head reads it: no Python type beside a value (typer wrote
    `--nama <str>`, `VISIT_ID <int range>`, `BERKAS... <list[Path]>`), no English usage words
    (`[OPTIONS]`, `COMMAND [ARGS]...`), no row-id ceiling (`1<=x<=9223372036854775807`)."""
    import re

    import typer
    from typer.main import get_command

    from mtbs_tui import cli

    cli._localise_help()
    root = get_command(cli.app)
    pages = {}
    for path, _command in _every_command(root):
        with typer.Context(root, info_name="mtbs") as parent:
            ctx = parent
            for name in path:
                ctx = typer.Context(ctx.command.commands[name], info_name=name, parent=ctx)
            pages[" ".join(path)] = ctx.get_help()
    assert len(pages) > 40
    for name, page in pages.items():
        assert page.startswith("Pemakaian: mtbs"), name
        assert not re.search(r"<[a-z\[\]A-Z ]+>", page), (name, page)
        for english in ("OPTIONS", "COMMAND", "ARGS", "9223372036854775807", "BERKAS......", "docs/case-format)"):
            assert english not in page, (name, english, page)
    assert "  --nama TEKS " in pages["init"] and "  --patients ANGKA " in pages["demo"]
    assert "  VISIT_ID  Nomor kunjungan.  [x>=1; wajib]" in pages["card"]
    assert "Pemakaian: mtbs kabupaten gabung [OPSI] {BERKAS}..." in pages["kabupaten gabung"]
    assert "Pemakaian: mtbs referral [OPSI] PERINTAH [ARGUMEN]..." in pages["referral"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["card", "1", "-o"], "galat: -o: nilainya belum ditulis (mis. -o BERKAS)"),
        (["export", "register", "--from"], "galat: --from: nilainya belum ditulis (mis. --from TANGGAL)"),
        (["--db"], "galat: --db: nilainya belum ditulis (mis. --db BERKAS)"),
        (["backup", "--list=ya"], "galat: --list: tidak memakai nilai (tulis tanpa =...)"),
    ],
)
def test_an_option_without_its_value_is_one_indonesian_line(args: list[str], expected: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The parser's own English ('Option '-o' requires an argument.') is not shown."""
    from mtbs_tui import cli

    assert cli.main(args) == 2
    out, err = capsys.readouterr()
    assert (out, err.strip()) == ("", expected)
