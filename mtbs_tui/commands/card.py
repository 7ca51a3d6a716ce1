"""`mtbs card VISIT_ID [-o FILE] [--print]`: the mother's card (kartu nasihat ibu) as a PDF."""
from __future__ import annotations

from pathlib import Path


def run(db_path: Path, visit_id: int, out: Path | None, *, print_it: bool = False,
        actor: str | None = None, overwrite: bool = False, old_version: bool = False) -> int:
    from mtbs_tui.commands.referral import run as run_document

    return run_document(db_path, visit_id, out, print_it=print_it, kind="card", actor=actor,
                        overwrite=overwrite, old_version=old_version)
