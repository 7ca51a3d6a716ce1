"""Shared by the document commands (referral, card, export, report, backup, restore): opening the
register and printing one `galat:` line."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def fail(message: str, code: int = 2) -> int:
    text = message if message.startswith("galat") else f"galat: {message}"
    print(text.splitlines()[0] if text else "galat", file=sys.stderr)
    return code


def open_register(path: Path) -> Any:
    """The register, or a RegisterError whose message the caller prints.

    Without the start-up quick_check: these commands read and append one audit row, and a full
    quick_check of a 100,000-visit register (560 MB) took ~4 s of a 4.2 s `mtbs referral`. The
    header/size checks still run; the TUI, `mtbs check` and every backup verify the whole file.
    """
    from mtbs_tui.register import Register

    return Register.open(path, check=False)
