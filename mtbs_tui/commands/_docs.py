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

    With the start-up health check (header, a -wal that is its own, quick_check) before the first
    write, like every command (issue 20 item 4): these commands append an audit row, and a file
    known to be damaged must not be written. It costs seconds only on a very large register.
    """
    from mtbs_tui.register import Register

    return Register.open(path)
