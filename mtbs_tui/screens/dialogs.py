"""Small keyboard-only dialogs with typed results (ModalScreen[Result] + dismiss).

- ConfirmDialog -> bool: `y`/`1` ya, `t`/`0`/Escape tidak. One key per answer.
- ReasonDialog -> str | None: one line of text (the reason of a correction); Escape -> None.
- PeriodDialog -> tuple[date, date] | None: a day (`23-11-2026`) or a month (`11-2026`).
"""
from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from mtbs_tui.screens.base import MtbsModalScreen


class DigitInput(Input):
    """A one-digit answer 1..`choices` (an outcome, a kind, a role). A key it refuses posts
    `Refused`, so the dialog says the allowed range on its help line: Textual's Input only rings
    the bell, which most puskesmas PCs do not sound, and the key was dropped unseen."""

    class Refused(Message):
        def __init__(self, field: DigitInput) -> None:
            super().__init__()
            self.field = field

    def __init__(self, value: str = "", *, choices: int, **kwargs: Any) -> None:
        super().__init__(value, restrict=f"[1-{choices}]?", **kwargs)
        self.choices = choices

    def restricted(self) -> None:
        self.post_message(self.Refused(self))


# A priority binding runs while the app reads the keys, before the next key is dispatched: focus
# moves at once, so text typed ahead ("bidan⏎bidan-demo⏎") never lands in the previous field.
ENTER_MOVES_ON = Binding("enter", "enter_field", show=False, priority=True)


class EnterMovesOn:
    """Mixin for a screen of one-line Inputs (with ENTER_MOVES_ON in its BINDINGS): Enter moves to
    the next field; on the last field it calls `last_field_entered()`."""

    def field_ids(self) -> list[str]:
        raise NotImplementedError

    def last_field_entered(self) -> None:
        raise NotImplementedError

    def action_enter_field(self) -> None:
        screen = cast("Screen[object]", self)  # a mixin: always mixed into a screen
        ids = self.field_ids()
        focused_id = getattr(screen.focused, "id", None)
        position = ids.index(focused_id) if focused_id in ids else len(ids) - 1
        if position < len(ids) - 1:
            screen.set_focus(screen.query_one(f"#{ids[position + 1]}", Input))
            return
        # Characters typed before this Enter may still wait in the field's own message queue:
        # submit from that queue, after them.
        focused = screen.focused
        if focused is not None:
            focused.call_later(self.last_field_entered)
        else:
            self.last_field_entered()


class ConfirmDialog(MtbsModalScreen[bool]):
    """A yes/no question answered with one key."""

    BINDINGS = [
        Binding("y,1", "answer(True)", "Ya", key_display="y", id="ya"),
        Binding("t,n,0", "answer(False)", "Tidak", key_display="t", id="tidak"),
        Binding("escape", "answer(False)", "Batal", key_display="Esc", id="batal"),
    ]

    def __init__(self, question: str, *, detail: str = "", yes: str = "Ya", no: str = "Tidak") -> None:
        super().__init__(classes="dialog")
        self.question = question
        self.detail = detail
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(self.question, classes="dialog-question")
            if self.detail:
                yield Static(self.detail, classes="dialog-detail", markup=False)
            yield Label(f"[y] {self.yes}    [t] {self.no}", classes="dialog-keys", markup=False)

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class ReasonDialog(MtbsModalScreen["str | None"]):
    """Ask for one line of text (e.g. why a visit is corrected). Empty text is refused."""

    BINDINGS = [Binding("escape", "cancel", "Batal", key_display="Esc", id="batal")]

    def __init__(self, title: str, prompt: str = "Alasan:", *, minimum: int = 3, initial: str = "") -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.prompt = prompt
        self.minimum = minimum
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(self.title_text, classes="dialog-question")
            yield Label(self.prompt)
            yield Input(value=self.initial, id="reason", compact=True, max_length=200)
            yield Label("Enter Simpan  Esc Batal", id="reason-help", classes="dialog-keys")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if len(text) < self.minimum:
            help_line = self.query_one("#reason-help", Label)
            help_line.update(f"Alasan wajib diisi (paling sedikit {self.minimum} huruf).")
            help_line.add_class("error")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


_DAY = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")
_MONTH = re.compile(r"^\s*(\d{1,2})[-/.](\d{4})\s*$")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_ISO_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")


def parse_period(text: str) -> tuple[date, date]:
    """`23-11-2026` -> that day; `11-2026` -> that month. ISO forms are accepted too.

    Raises ValueError with an Indonesian message."""
    for pattern, order in ((_DAY, "dmy"), (_ISO_DAY, "ymd")):
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups())))
            try:
                day = date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                raise ValueError("tanggal tidak ada di kalender") from None
            return day, day
    for pattern, order in ((_MONTH, "my"), (_ISO_MONTH, "ym")):
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups())))
            if not 1 <= parts["m"] <= 12 or parts["y"] < 1900:
                raise ValueError("bulan harus 1–12")
            last = calendar.monthrange(parts["y"], parts["m"])[1]
            return date(parts["y"], parts["m"], 1), date(parts["y"], parts["m"], last)
    raise ValueError("tulis HH-BB-TTTT untuk satu hari atau BB-TTTT untuk satu bulan")


class PeriodDialog(MtbsModalScreen["tuple[date, date] | None"]):
    """Choose the day or month the register shows."""

    BINDINGS = [Binding("escape", "cancel", "Batal", key_display="Esc", id="batal")]

    def __init__(self, initial: str = "") -> None:
        super().__init__(classes="dialog")
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label("Tampilkan register untuk", classes="dialog-question")
            yield Label("Hari: HH-BB-TTTT (23-11-2026) · bulan: BB-TTTT (11-2026)")
            yield Input(value=self.initial, id="period", compact=True, max_length=10)
            yield Label("Enter Tampilkan  Esc Batal", id="period-help", classes="dialog-keys")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            period = parse_period(event.value)
        except ValueError as exc:
            help_line = self.query_one("#period-help", Label)
            help_line.update(f"Periode: {exc}.")
            help_line.add_class("error")
            return
        self.dismiss(period)

    def action_cancel(self) -> None:
        self.dismiss(None)
