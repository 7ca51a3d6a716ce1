"""Shared fixtures: every test gets its own data folder so nothing touches the user's register."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MTBS = BIN / ("mtbs.exe" if os.name == "nt" else "mtbs")


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path_factory.mktemp("mtbs-data")
    monkeypatch.setenv("MTBS_DATA_DIR", str(data))
    monkeypatch.delenv("MTBS_DB", raising=False)
    # Fast argon2 for every test and every `mtbs` subprocess (they inherit the environment): a
    # login costs microseconds instead of ~0.25 s. Tests about password strength use `strong_hash`.
    from mtbs_tui.accounts import FAST_HASH_ENV

    monkeypatch.setenv(FAST_HASH_ENV, "1")
    return data


@pytest.fixture
def strong_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real argon2id parameters (for tests about password strength and rehashing)."""
    from mtbs_tui.accounts import FAST_HASH_ENV

    monkeypatch.delenv(FAST_HASH_ENV, raising=False)


@pytest.fixture
def mtbs_exe() -> Path:
    """The real console script installed in the virtualenv."""
    return MTBS


class Ran:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def mtbs_here(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """`mtbs --db DB ARGS` in this process (the real entry point, `cli.main`): a subprocess per
    call costs seconds on a busy machine. Returns (returncode, stdout, stderr) as `mtbs` does; keep
    one test per command family on the console script itself (`mtbs`)."""
    from cli_login import HEAD_PASSWORD, HEAD_USER

    from mtbs_tui.cli import main

    def call(db: Path, *args: str, env: dict | None = None) -> Ran:
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        capsys.readouterr()
        try:
            code = main(["--db", str(db), *args])
        finally:
            for key in env or {}:
                monkeypatch.setenv(key, {"MTBS_USER": HEAD_USER, "MTBS_PASSWORD": HEAD_PASSWORD}[key])
        out = capsys.readouterr()
        return Ran(code, out.out, out.err)

    return call


# Hypothesis explores new examples on every local run; in CI (CI=true) it is derandomized, so a
# landing is decided by the code, not by the luck of one run. `make test` locally still explores.
try:
    from hypothesis import settings as _hypothesis_settings

    _hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
    if os.environ.get("CI"):
        _hypothesis_settings.load_profile("ci")
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    pass
