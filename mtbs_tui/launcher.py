"""The `mtbs` console script.

Opening the app is what a nurse does many times a day on an old PC, so `mtbs`, `mtbs tui` and
`mtbs tui --demo` (optionally after `--db FILE`) start it directly, without importing Typer and
building the command tree (about 0.1 s). Everything else goes to the Typer app in `mtbs_tui.cli`.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path


def _tui_request(args: list[str]) -> tuple[str | None, bool] | None:
    """(the --db value or None, demo) when `args` only ask to open the app; otherwise None."""
    rest = list(args)
    db: str | None = None
    if len(rest) >= 2 and rest[0] == "--db":
        db, rest = rest[1], rest[2:]
    elif rest and rest[0].startswith("--db="):
        db, rest = rest[0][len("--db="):], rest[1:]
    if db == "":
        return None  # let the CLI report the missing value
    if rest == [] or rest == ["tui"]:
        return db, False
    if rest == ["tui", "--demo"]:
        return db, True
    return None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    request = _tui_request(args)
    if request is None:
        from mtbs_tui.cli import main as cli_main

        return cli_main(args)
    db, demo = request
    chosen = db or os.environ.get("MTBS_DB")
    try:
        if chosen:
            path = Path(chosen)
        else:
            from mtbs_tui.paths import default_db_path

            path = default_db_path()
        from mtbs_tui.commands.tui import run

        return run(path, demo=demo, db_chosen=bool(chosen))
    except KeyboardInterrupt:
        print("galat: dibatalkan", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - never a traceback (and no patient data)
        print(f"galat internal: {type(exc).__name__}; kesalahan di dalam aplikasi "
              "(rinciannya tidak ditampilkan agar data pasien tidak bocor)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
