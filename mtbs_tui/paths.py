"""Where the register lives on this computer.

Default locations come from platformdirs, so Windows gets its usual per-user data folder
(%LOCALAPPDATA%\\mtbs_tui) and Linux gets ~/.local/share/mtbs_tui. `--db` or $MTBS_DB override them.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

APP_NAME = "mtbs_tui"


def data_dir() -> Path:
    """The per-user data folder (created on first use)."""
    override = os.environ.get("MTBS_DATA_DIR")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_NAME, appauthor=False))
    # Owner only (POSIX 0700): it holds the register, children's health data.
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    """The real register: `mtbs.db` in the data folder."""
    return data_dir() / "mtbs.db"


def demo_db_path() -> Path:
    """The demo register, kept apart so demo patients never mix with real ones."""
    return data_dir() / "mtbs-demo.db"


def practice_db_path() -> Path:
    """The practice (kalakarya) file of free practice: never the register (issue 19)."""
    return data_dir() / "latihan.db"


def default_backup_dir(db_path: Path) -> Path:
    """Backups go beside the database in `cadangan/` unless the admin chooses another folder."""
    return db_path.parent / "cadangan"


def chosen_db_path(options: Any) -> Path:
    """The register a command works on: --db (kept in the Typer context's `obj`), then $MTBS_DB,
    then the per-user default."""
    chosen = options.get("db") if isinstance(options, dict) else None
    if chosen:
        return Path(chosen)
    env = os.environ.get("MTBS_DB")
    if env:
        return Path(env)
    return default_db_path()
