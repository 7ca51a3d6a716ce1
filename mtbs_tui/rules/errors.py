"""The one error type of the rules package: invalid input, named by field (case-format.md §10)."""

from __future__ import annotations

import json


def _one_line(text: str) -> str:
    """Control characters (a key typed with a newline, say) are shown escaped, so the error
    stays exactly one line."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else json.dumps(ch)[1:-1] for ch in text)


class CaseError(Exception):
    """Invalid case input. ``field`` is ``findings.<key>`` or a top-level name; ``message`` is
    Indonesian. ``str(err)`` is the exact §10 line: ``galat: <field>: <message>``."""

    def __init__(self, field: str, message: str) -> None:
        field, message = _one_line(field), _one_line(message)
        super().__init__(field, message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return f"galat: {self.field}: {self.message}"
