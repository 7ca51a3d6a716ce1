"""Messages posted by the form widgets (small typed classes, one module)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from mtbs_tui.widgets.fields import FormField


class FieldChanged(Message):
    """A field's value (or its error state) changed; the form recomputes the classification."""

    def __init__(self, field: FormField) -> None:
        super().__init__()
        self.field = field

    @property
    def control(self) -> FormField:
        return self.field


class FieldDone(Message):
    """The field was answered (one key, or Enter on a valid value): focus moves to the next one."""

    def __init__(self, field: FormField) -> None:
        super().__init__()
        self.field = field

    @property
    def control(self) -> FormField:
        return self.field
