"""Confirming what was actually given (issue 17 item 1), from the summary (before and after F10)
and from any saved visit: `d` confirms "semua diberikan sekarang" (every treatment not yet
recorded), `1`-`9` change one treatment (diberikan with its time / tidak diberikan with a reason /
diberikan lain), `+` adds a treatment the chart did not list. The box is
`widgets/given_box.py`; the vocabulary and the checks are `mtbs_tui.given`; writing is
`Register.record_given` (or the visit's own save, for what was confirmed before F10)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from mtbs_tui import given
from mtbs_tui.screens.base import MtbsModalScreen

if TYPE_CHECKING:
    from mtbs_tui.screens.base import MtbsScreen

GIVEN_BINDINGS = [
    Binding("d", "given_all", "Semua diberikan", key_display="d", id="semua_diberikan"),
    *[Binding(str(n), f"given_item({n})", show=False) for n in range(1, 10)],
    Binding("0", "given_pick", show=False),  # the 10th treatment and after: its number is typed
    Binding("plus", "given_extra", "Tambahan", key_display="+", id="tambahan", show=False),
]
GIVEN_ACTIONS = ("given_all", "given_item", "given_pick", "given_extra")
# F1 help (screens/help.py): the digits are one family of keys, said in one line.
GIVEN_HELP_KEYS = [
    ("1…9", "Ubah satu tindakan: diberikan (jam), tidak diberikan (alasan), diberikan lain", ("given_item",)),
    ("0", "Tindakan nomor 10 dan seterusnya: ketik nomornya", ("given_pick",)),
]


def _number(parameters: tuple[object, ...]) -> int:
    """The digit of `given_item(3)` / `choose(2)` (0 when there is none)."""
    return parameters[0] if parameters and isinstance(parameters[0], int) else 0


@dataclass
class GivenContext:
    """What the keys work on: the visit's treatments, the record as saved (None: nothing yet),
    the visit's time (provisional before F10) and the saved visit id (None before F10)."""

    treatments: list[dict[str, Any]]
    record: dict[str, Any] | None
    visit_at: str
    visit_id: int | None


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def preview(context: GivenContext, pending: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The record as it will be once `pending` is written (the box before F10)."""
    if not pending:
        return context.record
    items = given.merge(context.treatments, list((context.record or {}).get("items", [])), pending,
                        visit_at=context.visit_at, now=now())
    return dict(context.record or {}, items=items)


class GivenKeys:
    """Mixin for a screen that shows a visit's treatments: add GIVEN_BINDINGS to BINDINGS, call
    `given_check()` from check_screen_action, implement `given_context()` and `given_shown()`.
    The keys are the role's only with treatment.record (ROLE_GATES, merged by screens/base.py)."""

    ROLE_GATES: ClassVar[dict[str, str]] = {action: "treatment.record" for action in GIVEN_ACTIONS}
    given_pending: list[dict[str, Any]]

    def _screen(self) -> MtbsScreen[Any]:
        return cast("MtbsScreen[Any]", self)  # a mixin: always mixed into a screen

    def given_context(self) -> GivenContext | None:
        raise NotImplementedError

    def given_shown(self, line: str, *, error: bool = False) -> None:
        """Redraw the box (and say `line` on the screen's status line)."""
        raise NotImplementedError

    def given_check(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in GIVEN_ACTIONS:
            return None
        context = self.given_context()
        if context is None:
            return False
        if not self._screen().role_may(action):
            return False
        if action == "given_item":
            return 1 <= _number(parameters) <= len(given.recommended(context.treatments))
        if action == "given_pick":
            return len(given.recommended(context.treatments)) > 9
        if action == "given_all":
            return bool(given.recommended(context.treatments))
        return True

    def given_record(self) -> dict[str, Any] | None:
        context = self.given_context()
        if context is None:
            return None
        return preview(context, self.given_pending) if context.visit_id is None else context.record

    def _given_apply(self, changes: list[dict[str, Any]], done: str) -> None:
        context = self.given_context()
        if context is None or not changes:
            return
        if context.visit_id is None:
            # Before F10: kept with the summary, written with the visit in its one transaction.
            named = {c["code"] for c in changes if c.get("code")}
            self.given_pending = [c for c in self.given_pending if c.get("code") not in named] + changes
            self.given_shown(f"{done} (disimpan bersama kunjungan dengan F10).")
            return
        app = self._screen().app
        try:
            version = app.register.record_given(context.visit_id, changes, actor=app.actor)
        except Exception as exc:  # noqa: BLE001 - RegisterError carries one Indonesian line
            self.given_shown(f"Tidak tersimpan: {getattr(exc, 'message', None) or exc}", error=True)
            return
        self.given_shown(f"{done}. Tersimpan (catatan tindakan versi {version}).")

    def action_given_all(self) -> None:
        context = self.given_context()
        if context is None:
            return
        changes = given.rest_given(context.treatments, self.given_record())
        if not changes:
            self.given_shown("Semua tindakan sudah dicatat; 1-9 mengubah satu.")
            return
        self._given_apply(changes, f"{len(changes)} tindakan: diberikan sekarang")

    def action_given_item(self, number: int) -> None:
        context = self.given_context()
        if context is None:
            return
        items = given.recommended(context.treatments)
        if not 1 <= number <= len(items):
            return
        t = items[number - 1]
        dialog = GivenDialog(t.get("label") or t["code"], t.get("dose") or "", code=t["code"],
                             visit_at=context.visit_at)
        self._screen().app.push_screen(dialog, self._after_dialog)

    def action_given_pick(self) -> None:
        context = self.given_context()
        if context is None:
            return
        count = len(given.recommended(context.treatments))
        def picked(number: int | None) -> None:
            if number:
                self.action_given_item(number)

        self._screen().app.push_screen(NumberDialog(count), picked)

    def action_given_extra(self) -> None:
        context = self.given_context()
        if context is None:
            return
        dialog = GivenDialog("Tindakan/obat di luar bagan", "", code=None, visit_at=context.visit_at)
        self._screen().app.push_screen(dialog, self._after_dialog)

    def _after_dialog(self, change: dict[str, Any] | None) -> None:
        if change:
            what = given.OUTCOMES[change["outcome"]]
            self._given_apply([change], f"Dicatat: {what}")


# Two reasons a line: the four do not fit the 64 columns of the dialog on one line.
_REASONS = [f"{n} {label}" for n, label in enumerate(given.REASONS.values(), 1)]
_REASON_PROMPT = "\n".join(["Alasan tidak diberikan:", "  ".join(_REASONS[:2]), "  ".join(_REASONS[2:])])


class GivenDialog(MtbsModalScreen["dict[str, Any] | None"]):
    """One treatment's outcome, one key per answer: 1 diberikan (then the time, now by default),
    2 tidak diberikan (then the reason 1-4; 4 lainnya asks the text), 3 diberikan lain (then what
    was given, and the time). For a treatment outside the chart (`code` None): the text, then
    whether it goes home with the mother (y/t). Dismissed with the change, or None (Esc)."""

    BINDINGS = [
        *[Binding(str(n), f"choose({n})", show=False) for n in range(1, 5)],
        Binding("y", "home(True)", show=False),
        Binding("t", "home(False)", show=False),
        Binding("escape", "cancel", "Batal", key_display="Esc", id="batal"),
    ]

    AUTO_FOCUS = None  # the text box takes the focus only at a question that is typed

    def __init__(self, title: str, dose: str, *, code: str | None, visit_at: str) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.dose = dose
        self.code = code
        self.visit_at = visit_at
        self.change: dict[str, Any] = {"code": code}
        self.stage = "outcome" if code is not None else "extra_text"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(self.title_text, classes="dialog-question", markup=False)
            if self.dose:
                yield Static(self.dose, classes="dialog-detail", markup=False)
            yield Label("", id="given-prompt", markup=False)
            yield Input(id="given-text", compact=True, max_length=given.MAX_NOTE)
            yield Label("", id="given-help", classes="dialog-keys", markup=False)

    def on_mount(self) -> None:
        self._show()

    PROMPTS = {
        "outcome": ("1 diberikan   2 tidak diberikan   3 diberikan lain", "Esc batal"),
        "reason": (_REASON_PROMPT, "Esc batal"),
        "reason_text": ("Alasan lainnya:", "Enter simpan · Esc batal"),
        "time": ("Jam diberikan (jj:mm):", "Enter simpan · kosong = sekarang · Esc batal"),
        "other_text": ("Obat/dosis yang diberikan:", "Enter lanjut · Esc batal"),
        "extra_text": ("Tindakan/obat yang diberikan (nama, dosis):", "Enter lanjut · Esc batal"),
        # The keys on the keys line: with them the question ran past the dialog ("t tid").
        "extra_home": ("Dibawa pulang oleh ibu (dicetak di kartu ibu)?", "y ya · t tidak · Esc batal"),
    }
    TEXT_STAGES = ("reason_text", "time", "other_text", "extra_text")
    # The one-key questions: what answers them, said when another key is pressed.
    ONE_KEY = {"outcome": ("123", "Jawab dengan 1, 2 atau 3 · Esc batal"),
               "reason": ("1234", "Jawab dengan angka 1–4 · Esc batal"),
               "extra_home": ("yt", "Jawab y (ya) atau t (tidak) · Esc batal")}
    # Text columns of the dialog box (64 wide, less its border and padding).
    WIDTH = 60

    def _show(self, error: str | None = None) -> None:
        prompt, keys = self.PROMPTS[self.stage]
        if self.stage == "time" and not self._today():
            keys = keys.replace("kosong = sekarang", "kosong = jam kunjungan")  # a visit of an earlier day
        self.query_one("#given-prompt", Label).update(prompt)
        help_line = self.query_one("#given-help", Label)
        help_line.update(error or keys)
        help_line.set_class(bool(error), "error")
        box = self.query_one("#given-text", Input)
        box.display = self.stage in self.TEXT_STAGES
        box.disabled = not box.display  # a hidden box never takes the digits of a one-key answer
        if box.display:
            if error is None:  # a new question; after a refusal the typed text stays
                box.value = now().strftime("%H:%M") if self.stage == "time" and self._today() else ""
            box.focus()
        else:
            self.set_focus(None)
        self.refresh_bindings()

    def _today(self) -> bool:
        return self.visit_at[:10] == now().date().isoformat()

    def on_key(self, event: events.Key) -> None:
        """A key that does not answer a one-key question (Enter, another letter or digit): the
        keys line says which do, instead of nothing happening."""
        if self.stage not in self.ONE_KEY or event.key == "escape":
            return
        keys, say = self.ONE_KEY[self.stage]
        char = (event.character or "").lower() if event.is_printable else ""
        if char and char in keys:
            return  # the binding answers it
        if event.key == "enter" or char.strip():
            event.stop()
            self.app.bell()
            self._show(say)

    def check_screen_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose":
            number = _number(parameters)
            return (self.stage == "outcome" and number <= 3) or self.stage == "reason"
        if action == "home":
            return self.stage == "extra_home"
        return True

    def action_choose(self, number: int) -> None:
        if self.stage == "outcome":
            self.change["outcome"] = (given.GIVEN, given.NOT_GIVEN, given.OTHERWISE)[number - 1]
            self.stage = {1: "time", 2: "reason", 3: "other_text"}[number]
            self._show()
        elif self.stage == "reason":
            self.change["reason"] = list(given.REASONS)[number - 1]
            if self.change["reason"] == given.OTHER_REASON:
                self.stage = "reason_text"
                self._show()
            else:
                self._finish()

    def action_home(self, home: bool) -> None:
        self.change["for_home"] = home
        self.change["outcome"] = given.DEVIATION
        self._finish()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if self.stage == "time":
            self.change["time"] = value or None
            self._finish()
        elif self.stage == "reason_text":
            self.change["note"] = value
            self._finish()
        elif self.stage == "other_text":
            if not value:
                self._show("Obat/dosis lain wajib diisi.")
                return
            self.change["note"] = value
            self.stage = "time"
            self._show()
        elif self.stage == "extra_text":
            if not value:
                self._show("Tindakan wajib diisi (nama dan dosis).")
                return
            self.change["note"] = value
            self.stage = "extra_home"
            self._show()

    def _finish(self) -> None:
        """Check the outcome as the register will (the time against the visit, the texts); a
        problem is said on the help line and the dialog stays on the question concerned."""
        change = self.change
        label = self.title_text if self.code else ""
        try:
            given.make_item(code=self.code, label=label, outcome=change.get("outcome", ""), visit_at=self.visit_at,
                            now=now(), time=change.get("time"), reason=change.get("reason"),
                            note=change.get("note"), for_home=bool(change.get("for_home")))
        except given.GivenError as exc:
            self.stage = {"jam": "time", "alasan lainnya": "reason_text", "obat/dosis lain": "other_text",
                          "tindakan tambahan": "extra_text"}.get(exc.field, self.stage)
            self._show(f"{exc.field}: {exc.message}")
            return
        self.dismiss(dict(change))

    def action_cancel(self) -> None:
        self.dismiss(None)


class NumberDialog(MtbsModalScreen["int | None"]):
    """Which treatment (its number in the box, 1..count), typed: for the 10th and after."""

    BINDINGS = [Binding("escape", "cancel", "Batal", key_display="Esc", id="batal")]

    def __init__(self, count: int) -> None:
        super().__init__(classes="dialog")
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(f"Nomor tindakan (1-{self.count}):", classes="dialog-question", markup=False)
            yield Input(id="given-number", compact=True, max_length=3)
            yield Label("Enter lanjut · Esc batal", id="given-number-help", classes="dialog-keys", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text.isdigit() or not 1 <= int(text) <= self.count:
            help_line = self.query_one("#given-number-help", Label)
            help_line.update(f"nomor: {text or 'kosong'} bukan nomor tindakan; pilihan 1-{self.count}")
            help_line.add_class("error")
            return
        self.dismiss(int(text))

    def action_cancel(self) -> None:
        self.dismiss(None)
