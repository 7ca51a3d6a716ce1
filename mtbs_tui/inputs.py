"""Files a command reads that the user names (issue 20 item 12): a case file (`mtbs classify`), a
report table (`--tabel`), an age key (`--kunci`). Each is read with a size cap, so `/dev/zero`, a
FIFO fed forever or a multi-gigabyte file by mistake ends in one Indonesian line instead of filling
the memory of an old PC. Plain Python only: the CLI may import this at start.
"""
from __future__ import annotations

from pathlib import Path

# The caps: far above any real file of its kind (a case is a few KB, a report table some KB, an
# age identity file one line), far below what would hurt a 2 GB PC.
CASE_MAX_BYTES = 1 << 20
TABLE_MAX_BYTES = 1 << 20
KEY_MAX_BYTES = 64 << 10


class InputTooLarge(ValueError):
    """The file holds more than `limit` bytes (or never ends)."""

    def __init__(self, limit: int) -> None:
        super().__init__(too_large_text(limit))
        self.limit = limit


def too_large_text(limit: int) -> str:
    size = f"{limit >> 20} MB" if limit >= 1 << 20 else f"{limit >> 10} KB"
    return f"berkas terlalu besar atau tidak berujung (batas {size})"


def read_capped(path: Path | str, limit: int) -> bytes:
    """The bytes of `path`, at most `limit`; InputTooLarge when there are more. OSError as open()
    raises it (the caller names the option in its message)."""
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise InputTooLarge(limit)
    return data


def has_lone_surrogate(text: str) -> bool:
    """True when `text` holds a lone surrogate: bytes that are not UTF-8 arrive that way in argv,
    the environment or stdin (Python's surrogateescape); SQLite, a PDF and the terminal cannot
    take them, so such input is refused as one line."""
    return any("\ud800" <= ch <= "\udfff" for ch in text)
