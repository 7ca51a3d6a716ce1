"""Shared fixtures: every test gets its own data folder so nothing touches the user's register."""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MTBS = BIN / ("mtbs.exe" if os.name == "nt" else "mtbs")


@pytest.fixture(scope="session", autouse=True)
def _fast_hash() -> Iterator[None]:
    """Fast argon2 for every test and every `mtbs` subprocess (they inherit the environment): a login
    costs microseconds instead of ~0.25 s. Tests about password strength use `strong_hash`. Set for
    the session, so module-scoped fixtures (set up before any function-scoped autouse fixture) have
    it too: a register shared by a module got strong hashes, and each account's first login then
    rehashed it, changing its audit digest."""
    from mtbs_tui.accounts import FAST_HASH_ENV

    patch = pytest.MonkeyPatch()
    patch.setenv(FAST_HASH_ENV, "1")
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path_factory.mktemp("mtbs-data")
    monkeypatch.setenv("MTBS_DATA_DIR", str(data))
    monkeypatch.delenv("MTBS_DB", raising=False)
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


@pytest.fixture
def mtbs_here():  # noqa: ANN201
    """`mtbs [--db DB] ARGS` in this process: `cli_login.mtbs_here(db, *args, stdin=, env=, login=, cwd=)`
    (the one home; importable where a fixture cannot reach, e.g. a module-scoped fixture)."""
    from cli_login import mtbs_here

    return mtbs_here


# Hypothesis explores new examples on every local run; in CI (CI=true) it is derandomized, so a
# landing is decided by the code, not by the luck of one run. `make test` locally still explores.
try:
    from hypothesis import settings as _hypothesis_settings

    _hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
    if os.environ.get("CI"):
        _hypothesis_settings.load_profile("ci")
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    pass
