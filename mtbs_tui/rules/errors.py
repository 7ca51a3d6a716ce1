"""The one error type of the rules package: invalid input, named by field (case-format.md §10)."""

from __future__ import annotations


class CaseError(Exception):
    """Invalid case input. ``field`` is ``findings.<key>`` or a top-level name; ``message`` is
    Indonesian. ``str(err)`` is the exact §10 line: ``galat: <field>: <message>``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return f"galat: {self.field}: {self.message}"
