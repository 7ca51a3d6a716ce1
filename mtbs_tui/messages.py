"""Typed messages between the screens of the shell and the visit forms.

Screens also refresh themselves when they come back to the top (ScreenResume); these messages are
for changes that happen while a screen is still visible underneath a dialog.
"""
from __future__ import annotations

from textual.message import Message


class RegisterChanged(Message):
    """Something was written to the register (patient, visit, draft): lists must be re-read."""

    def __init__(self, *, patient_id: int | None = None, visit_id: int | None = None) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.visit_id = visit_id


class VisitChosen(Message):
    """A visit was picked in a list (Enter): open it read-only."""

    def __init__(self, visit_id: int) -> None:
        super().__init__()
        self.visit_id = visit_id
