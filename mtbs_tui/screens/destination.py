"""The list of referral facilities for a referred child (issue 17 item 2), opened with `r` on the
summary of a merah visit: a digit picks at once (the first nine), arrows + Enter too; 0 leaves the
destination to be written by hand on the letter. Escape keeps the current choice."""
from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from mtbs_tui.referral_facilities import describe
from mtbs_tui.screens.base import MtbsModalScreen
from mtbs_tui.widgets.destination import NONE_TEXT

HAND = "hand"  # the option id of "no facility"


class DestinationPicker(MtbsModalScreen["int | str | None"]):
    """The active facilities, the default first. Dismissed with a facility id, `HAND` (no facility:
    written by hand), or None (Escape: nothing changes)."""

    BINDINGS = [
        Binding("escape", "cancel", "Batal", key_display="Esc", id="batal"),
        *[Binding(str(n), f"pick_number({n})", show=False) for n in range(10)],
    ]

    CSS = """
    DestinationPicker .dialog-box { width: 78; }
    DestinationPicker OptionList { height: auto; max-height: 14; border: none; padding: 0; }
    DestinationPicker OptionList:focus { border: none; }
    """

    def __init__(self, facilities: list[dict[str, Any]], chosen: int | None) -> None:
        super().__init__(classes="dialog")
        self.facilities = facilities  # the first nine have a digit each; the rest by arrows
        self.chosen = chosen

    def compose(self) -> ComposeResult:
        options = [Option(f"{n if n <= 9 else ' '} {describe(f, mark_default=True)}", id=str(f["id"]))
                   for n, f in enumerate(self.facilities, start=1)]
        options.append(Option(f"0 {NONE_TEXT.capitalize()}", id=HAND))
        with Vertical(classes="dialog-box"):
            yield Label("Tujuan rujukan", classes="dialog-question")
            yield OptionList(*options, id="destination-options")
            yield Static("Angka atau ↑↓ Enter memilih · Esc batal", classes="dialog-keys", markup=False)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [str(f["id"]) for f in self.facilities] + [HAND]
        current = str(self.chosen) if self.chosen is not None else HAND
        options.highlighted = ids.index(current) if current in ids else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(event.option.id)

    def action_pick_number(self, number: int) -> None:
        if number == 0:
            self._pick(HAND)
        elif number <= min(len(self.facilities), 9):
            self._pick(str(self.facilities[number - 1]["id"]))
        else:
            self.app.bell()

    def _pick(self, option_id: str | None) -> None:
        self.dismiss(HAND if option_id in (None, HAND) else int(str(option_id)))

    def action_cancel(self) -> None:
        self.dismiss(None)
