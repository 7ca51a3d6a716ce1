"""`cli_login.mtbs_here` (a command in this process) gives what the console script gives: the same
exit status, stdout and stderr, byte for byte, for help text, usage and input errors, JSON output
with non-ASCII text, a password read from stdin and a login refused without a terminal. Most CLI
tests run in-process on the strength of this comparison."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_login import add_account, mtbs_cli, mtbs_here

from mtbs_tui.register import Register

SPEC_CASE = {"visit_date": "2025-06-13", "birth_date": "2024-06-15", "weight_kg": 9.0,
             "findings": {"batuk": True, "napas_per_menit": 50}}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("sini")
    db = base / "r.db"
    Register.open(db, create=True).close()
    add_account(db, "kepala", "kepala")
    good = base / "kasus.json"
    good.write_text(json.dumps(SPEC_CASE), encoding="utf-8")
    bad = base / "buruk.json"
    bad.write_text(json.dumps(dict(SPEC_CASE, findings={"napas_per_menit": 200})), encoding="utf-8")
    return {"db": db, "good": good, "bad": bad}


# (id, argv with {db}/{good}/{bad}, stdin, login from the environment)
CASES = [
    ("help", ["--help"], None, False),
    ("command help", ["classify", "--help"], None, False),
    ("usage error", ["classify"], None, False),
    ("unknown command", ["frob"], None, False),
    ("bad case", ["classify", "{bad}"], None, False),
    ("JSON with ¾", ["classify", "{good}", "--chart", "2022"], None, False),
    ("password from stdin", ["--db", "{db}", "--user", "kepala", "--password-stdin", "audit", "show", "--limit",
                             "1"], "kepala-demo\n", False),
    ("no terminal, no password", ["--db", "{db}", "--user", "kepala", "audit", "verify"], None, False),
]


@pytest.mark.parametrize(("argv", "stdin", "login"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_in_process_gives_what_the_console_script_gives(files: dict[str, Path], argv: list[str],
                                                         stdin: str | None, login: bool) -> None:
    args = [a.format(**files) for a in argv]
    here = mtbs_here(None, *args, stdin=stdin, login=login)
    real = mtbs_cli(*args, stdin=stdin, login=login, encoding="utf-8")
    # `audit show` lists the login it just made: its time and number differ between the two runs.
    if "show" in args:
        here_lines, real_lines = here.stdout.splitlines(), real.stdout.splitlines()
        assert len(here_lines) == len(real_lines) == 2 and here_lines[0] == real_lines[0]
        assert "login" in here_lines[1] and "login" in real_lines[1]
        here.stdout = real.stdout = ""
    assert (here.returncode, here.stdout, here.stderr) == (real.returncode, real.stdout, real.stderr)
    assert "Traceback" not in real.stderr
