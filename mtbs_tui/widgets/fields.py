"""One-line answer fields generated from a vocabulary ``Finding``.

* ``YesNoField``: ``y``/``1`` ya, ``t``/``0`` tidak, and focus moves on at once.
* ``ChoiceField``: one digit per choice (``1 segera 2 lambat 3 sangat lambat``).
* ``NumberField``: typed text checked on every key with ``vocabulary.parse_value``; Enter moves on
  only when the value is valid; an implausible value needs a second Enter (reliability.md);
  Delete or Ctrl+U clears it.
* ``SetField``: several choices (vaccines received): arrows + Space, ``s`` all due for the age.

Every field has ``load(value)`` / ``to_model()`` and ``help_text`` (the line that follows focus).
Backspace/Delete on a yes/no, choice or set field clears it back to "not assessed" (unknown is not
no). Only characters of the WGL4 set (Consolas, Lucida Console) are drawn, for Windows conhost. Keys a field does not use bubble up to the screen's bindings (Tab, PgDn, F9, Escape).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.widget import Widget

from mtbs_tui.form.plausible import TYPED_DECIMALS, fmt, implausible, unit_hint
from mtbs_tui.rules.errors import CaseError
from mtbs_tui.rules.vocabulary import Finding, parse_value
from mtbs_tui.widgets.messages import FieldChanged, FieldDone

MIN_VALUE_W = 9
# The help line under a form: 80 columns less the leading space and the right edge.
HELP_WIDTH = 78


def fitting_line(candidates: tuple[str, ...]) -> str:
    """The first of ``candidates`` that fits the help line (HELP_WIDTH); the last one otherwise,
    which the caller keeps short."""
    return next((text for text in candidates if len(text) <= HELP_WIDTH), candidates[-1])


class FormField(Widget, can_focus=True):
    """Base: a label column and a value box; the subclasses handle keys and the box text."""

    DEFAULT_CSS = """
    FormField {
        height: auto;
        width: 1fr;
    }
    FormField > .formfield--box { text-style: bold; }
    FormField > .formfield--invalid { color: $text-error; text-style: bold reverse; }
    FormField > .formfield--notice { color: $text-warning; }
    FormField > .formfield--hint { color: $text-muted; }
    FormField > .formfield--marker { color: $text-accent; text-style: bold; }
    FormField > .formfield--chosen { text-style: bold reverse; }
    """
    # Arrows move between questions (the set field uses them inside its list instead); bound here
    # so that the scrolling column around the fields does not take them.
    BINDINGS = [
        Binding("down", "screen.next_field", "Lanjut", show=False),
        Binding("up", "screen.prev_field", "Kembali", show=False),
    ]
    # Only what every field draws; each kind adds its own (Textual matches the whole stylesheet
    # once per component class of every field mounted: declaring all of them on every field was
    # two thirds of mounting a section).
    COMPONENT_CLASSES = {"formfield--box", "formfield--marker"}
    # Not a component class: the box in reverse video (the rules above give a focused field's box
    # no style of its own; it is drawn as "formfield--box" reversed, see ``render``).
    FOCUSED_BOX = "formfield--focused-box"

    # Textual's own virtual_size (layout=True) is kept: with it off (09af168), questions shown
    # by an answer (the shock signs after a danger sign) were now and then not drawn until the
    # next layout in loaded full runs.

    def __init__(self, spec: Finding, *, label: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id or f"f-{spec.key}", classes=classes)
        self.spec = spec
        self.key = spec.key
        self.label = label or spec.label
        self.value: Any = None
        self.error: str | None = None
        self.notice: str | None = None
        self._wrapped: tuple[int, list[str]] = (-1, [])  # the label wrapped at a width
        # The component styles as Rich styles, kept until the stylesheet restyles the field
        # (``notify_style_update``): Textual forgets them on every refresh, and computing them
        # again was a tenth of a key's CPU in the form.
        self._styles: dict[str, Style] = {}

    # --- model -------------------------------------------------------------------------------
    def load(self, value: Any) -> None:
        """Show a stored value without announcing a change (drafts, corrections)."""
        self.value = value
        self.error = None
        self.notice = None
        self.refresh_field()

    def to_model(self) -> Any:
        """The answer for the case, or None (not assessed) when empty or invalid."""
        return None if self.error else self.value

    def set_value(self, value: Any, *, done: bool = False, announce: bool = True) -> None:
        self.value = value
        self.error = None
        self.notice = None
        self.refresh_field()
        if announce:
            self.post_message(FieldChanged(self))
        if done:
            self.post_message(FieldDone(self))

    # --- one-key answers -----------------------------------------------------------------
    # A form reads these keys with priority bindings (while the app reads the keys, before the
    # next one is dispatched), so focus has moved on before a key typed ahead arrives.
    def answer_for(self, key: str) -> tuple[bool, Any]:
        """(True, value) when ``key`` answers this question at once; (False, None) otherwise."""
        return False, None

    def on_paste(self, event: events.Paste) -> None:
        """A one-key question takes no pasted text (a terminal's bracketed paste): it rings and
        says so on the help line instead of dropping it without a word."""
        event.stop()
        event.prevent_default()
        self.app.bell()
        self.notice = f"{self.spec.label}: tempelan tidak dipakai; jawab dengan tombol"
        self.refresh_field()
        self.post_message(FieldChanged(self))

    def refuse_key(self, key: str) -> None:
        """A key that does not answer this question (a letter on a y/t question, a digit past the
        choices): it rings and the help line says how the question is answered (``how_to_answer``),
        never a key that does nothing without a word."""
        self.app.bell()
        self.notice = self.how_to_answer()
        self.refresh_field()

    def how_to_answer(self) -> str:
        """One help line (at most HELP_WIDTH) saying which keys answer this question."""
        return self.default_help()

    @property
    def help_text(self) -> str:
        if self.error:
            return self.error
        if self.notice:
            return self.notice
        return self.spec.help or self.default_help()

    def default_help(self) -> str:
        return self.spec.label

    # --- rendering ---------------------------------------------------------------------------
    def value_parts(self) -> list[tuple[str, str]]:
        """The value column as (text, component class) pieces."""
        raise NotImplementedError

    def extra_lines(self, width: int) -> list[list[tuple[str, str]]]:
        """Lines under the question (choices when focused, a message)."""
        return []

    def _lines(self, width: int) -> list[list[tuple[str, str]]]:
        width = max(width, 24)
        value = self.value_parts()
        value_len = sum(len(t) for t, _ in value)
        label_w = max(10, width - 2 - max(MIN_VALUE_W, value_len) - 1)
        if self._wrapped[0] != label_w:
            self._wrapped = (label_w, textwrap.wrap(self.label, label_w) or [""])
        wrapped = self._wrapped[1]
        marker = "► " if self.has_focus else "  "
        lines: list[list[tuple[str, str]]] = []
        if self.has_focus:  # the focused question's answer box in reverse video
            value = [(t, self.FOCUSED_BOX if c == "formfield--box" else c) for t, c in value]
        first = [(marker, "formfield--marker"), (wrapped[0].ljust(label_w) + " ", ""), *value]
        lines.append(first)
        for rest in wrapped[1:]:
            lines.append([("  " + rest, "")])
        lines.extend(self.extra_lines(width))
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._height = len(self._lines(width))
        return self._height

    def refresh_field(self) -> None:
        """Redraw; ask for a new layout only when the field's height changed (cheap typing)."""
        width = self.content_region.width or self.size.width
        # Not on screen (its section hidden, or not laid out yet): -1, so the layout asked for
        # below measures it (refresh() alone left a question shown later undrawn now and then).
        height = len(self._lines(width)) if width else -1
        if height != getattr(self, "_height", None):
            self._height = height
            self.refresh(layout=True)
            if self.parent is not None:  # the section re-arranges its (auto-height) children
                self.parent.refresh(layout=True)
        else:
            self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()  # a theme or a stylesheet change: computed again at the next render

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        styles = self._styles
        for i, line in enumerate(self._lines(self.content_region.width or self.size.width)):
            if i:
                text.append("\n")
            for chunk, component in line:
                if component:
                    style = styles.get(component)
                    if style is None:
                        if component == self.FOCUSED_BOX:
                            style = self.get_component_rich_style("formfield--box") + Style(reverse=True)
                        else:
                            style = self.get_component_rich_style(component)
                        styles[component] = style
                    text.append(chunk, style)
                else:
                    text.append(chunk)
        return text

    # --- focus -------------------------------------------------------------------------------
    def watch_has_focus(self, has_focus: bool) -> None:
        """Nothing to restyle: the focused look (the marker, the box in reverse video, the
        choices) is drawn by ``render`` from ``has_focus``, so no CSS rule of a field reads
        ``:focus`` and the field is not run through the stylesheet on every answer (Textual's
        default restyles the two fields the focus moved between, with their component classes)."""

    def on_focus(self, event: events.Focus) -> None:
        # After the focus change has settled: a layout asked for in the middle of it is lost
        # (the choice list under a focused question would not appear).
        self.call_after_refresh(self.refresh_field)

    def on_blur(self, event: events.Blur) -> None:
        self.call_after_refresh(self.refresh_field)

    def _consume(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()


class YesNoField(FormField):
    """``y``/``1`` = ya, ``t``/``0`` = tidak; Backspace clears."""

    COMPONENT_CLASSES = {"formfield--hint"}

    YES_KEYS = frozenset({"y", "1"})
    NO_KEYS = frozenset({"t", "0", "n"})

    def value_parts(self) -> list[tuple[str, str]]:
        if self.value is True:
            return [("[y]", "formfield--box"), (" ya", "")]
        if self.value is False:
            return [("[t]", "formfield--box"), (" tidak", "")]
        return [("[ ]", "formfield--box"), (" y/t" if self.has_focus else "", "formfield--hint")]

    @property
    def help_text(self) -> str:
        text = super().help_text
        return text if self.error or self.notice or not self.spec.help else f"{text}  (y/t)"

    def default_help(self) -> str:
        return f"{self.spec.label}? Tekan y (ya) atau t (tidak)."

    def how_to_answer(self) -> str:
        return fitting_line((f"{self.spec.label}: jawab y (ya) atau t (tidak)",
                             "Jawab y (ya) atau t (tidak); Backspace mengosongkan"))

    def answer_for(self, key: str) -> tuple[bool, Any]:
        if key in self.YES_KEYS:
            return True, True
        if key in self.NO_KEYS:
            return True, False
        return False, None

    def on_key(self, event: events.Key) -> None:
        key = (event.character or "").lower() if event.is_printable else event.key
        if key in self.YES_KEYS:
            self._consume(event)
            self.set_value(True, done=True)
        elif key in self.NO_KEYS:
            self._consume(event)
            self.set_value(False, done=True)
        elif event.key in ("backspace", "delete", "space"):
            self._consume(event)
            self.set_value(None)
        elif event.key == "enter":
            self._consume(event)
            self.post_message(FieldDone(self))
        elif event.is_printable and (event.character or "").strip():
            self._consume(event)
            self.refuse_key(key)
            self.post_message(FieldChanged(self))


class ChoiceField(FormField):
    """One digit per choice; the choices are listed under the question while it has focus."""

    COMPONENT_CLASSES = {"formfield--hint", "formfield--chosen"}

    def __init__(self, spec: Finding, *, label: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(spec, label=label, id=id, classes=classes)
        self.choices: tuple[tuple[str, str], ...] = spec.choices[:9]

    def value_parts(self) -> list[tuple[str, str]]:
        for i, (value, label) in enumerate(self.choices, 1):
            if value == self.value:
                return [(f"[{i}]", "formfield--box"), (" " + label, "")]
        return [("[ ]", "formfield--box"),
                (f" 1–{len(self.choices)}" if self.has_focus else "", "formfield--hint")]

    def extra_lines(self, width: int) -> list[list[tuple[str, str]]]:
        if not self.has_focus:
            return []
        lines: list[list[tuple[str, str]]] = []
        line: list[tuple[str, str]] = [("    ", "")]
        used = 4
        for i, (value, label) in enumerate(self.choices, 1):
            piece = f"{i} {label}"
            if used + len(piece) + 2 > width and used > 4:
                lines.append(line)
                line, used = [("    ", "")], 4
            line.append((piece, "formfield--chosen" if value == self.value else "formfield--hint"))
            line.append(("  ", ""))
            used += len(piece) + 2
        lines.append(line)
        return lines

    def default_help(self) -> str:
        return f"{self.spec.label}: tekan angka pilihan (1–{len(self.choices)})."

    def how_to_answer(self) -> str:
        # The longest of these that fits (the choices are also listed under the question).
        ask = f"jawab dengan angka 1–{len(self.choices)}"
        listed = ", ".join(f"{i} {label}" for i, (_, label) in enumerate(self.choices, 1))
        return fitting_line((f"{self.spec.label}: {ask} ({listed})", f"{ask.capitalize()}: {listed}",
                             f"{self.spec.label}: {ask}",
                             f"{ask.capitalize()} (pilihan di bawah pertanyaan)"))

    def answer_for(self, key: str) -> tuple[bool, Any]:
        if key.isdigit() and 1 <= int(key) <= len(self.choices):
            return True, self.choices[int(key) - 1][0]
        return False, None

    def on_key(self, event: events.Key) -> None:
        char = event.character or ""
        if char.isdigit() and 1 <= int(char) <= len(self.choices):
            self._consume(event)
            self.set_value(self.choices[int(char) - 1][0], done=True)
        elif event.is_printable and char.strip():
            # "t" or "y" (or another digit) on a numbered question: say how it is answered.
            self._consume(event)
            self.refuse_key(char)
            self.post_message(FieldChanged(self))
        elif event.key in ("backspace", "delete", "space"):
            self._consume(event)
            self.set_value(None)
        elif event.key == "enter":
            self._consume(event)
            self.post_message(FieldDone(self))


class NumberField(FormField):
    """Typed digits (decimal comma or point), checked as typed against the vocabulary range."""

    COMPONENT_CLASSES = {"formfield--invalid", "formfield--notice"}
    ALLOWED = frozenset("0123456789,.-")

    def __init__(self, spec: Finding, *, label: str | None = None, id: str | None = None,
                 classes: str | None = None, context: dict[str, Any] | None = None) -> None:
        super().__init__(spec, label=label, id=id, classes=classes)
        self.text = ""
        self.confirmed_text: str | None = None
        self.warning: str | None = None
        # What the plausibility check may know about the child (``age_days``, ``sex``).
        self.context: dict[str, Any] = dict(context or {})

    def load(self, value: Any, *, confirmed: bool = False) -> None:
        """Show a stored value; an unlikely one counts as confirmed only when the visit recorded
        that it was (``confirmed``), otherwise it is asked again like a typed one."""
        self.text = "" if value is None else fmt(value)
        self.warning = self._warning(value)
        self.confirmed_text = self.text if confirmed and value is not None else None
        super().load(value)

    def _warning(self, value: Any) -> str | None:
        return implausible(self.key, value, **self.context)

    def value_parts(self) -> list[tuple[str, str]]:
        box_w = 5 if self.spec.kind == "int" else 6
        shown = self.text + ("_" if self.has_focus else "")
        style = "formfield--invalid" if self.error else "formfield--box"
        parts = [(f"[{shown.ljust(box_w)}]", style)]
        if self.spec.unit:
            parts.append((" " + self.spec.unit, ""))
        if self.unconfirmed:
            parts.append((" ?", "formfield--notice"))
        return parts

    def extra_lines(self, width: int) -> list[list[tuple[str, str]]]:
        message, style = (self.error, "formfield--invalid") if self.error else \
            (self.notice, "formfield--notice")
        if not message:
            return []
        if message.startswith(self.spec.label + ": "):  # the label is on the line above
            message = message[len(self.spec.label) + 2:]
        lines = textwrap.wrap(message, max(10, width - 6)) or [""]
        return [[(("    → " if i == 0 else "      ") + line, style)] for i, line in enumerate(lines)]

    @property
    def help_text(self) -> str:
        """The help line, one line of HELP_WIDTH: an error or notice too long for it (the whole
        text is under the box) is said shorter; the unlikely-value question ran past the screen's
        edge and lost 'Tekan Enter sekali lagi untuk memastikan' (tmux 80x24)."""
        text = super().help_text
        if len(text) <= HELP_WIDTH or not (self.error or self.notice):
            return text
        label = self.spec.label
        if self.notice and self.warning and not self.error:
            head = self.warning.split(" (", 1)[0]
            return fitting_line((f"{label}: {head}. Enter lagi bila benar.",
                                 f"{head}. Enter lagi bila benar.",
                                 f"{label}: tidak lazim (lihat di bawah kotak); Enter lagi bila benar"))
        return fitting_line((f"{text.split(' (', 1)[0].split('; ', 1)[0]} (lihat di bawah kotak)",
                             f"{label}: tidak sah (lihat di bawah kotak)"))

    def default_help(self) -> str:
        spec = self.spec
        rng = ""
        if spec.minimum is not None and spec.maximum is not None:
            rng = f", rentang {fmt(spec.minimum if spec.kind != 'int' else int(spec.minimum))}–" \
                  f"{fmt(spec.maximum if spec.kind != 'int' else int(spec.maximum))}"
        return f"{spec.label}{rng}{' ' + spec.unit if spec.unit else ''}. Enter untuk lanjut."

    def _check(self) -> None:
        """Parse the text; set value and error. Never raises."""
        self.notice = None
        self.warning = None
        try:
            value = parse_value(self.key, self.text)
        except CaseError as err:
            hint = unit_hint(self.key, self.text)
            self.error = err.message + (f"; {hint}" if hint else "")
            self.value = None
            return
        self.error = None
        self.value = value
        self.warning = self._warning(value)

    @property
    def unconfirmed(self) -> bool:
        """An unlikely value (reliability.md second tier) that nobody confirmed yet."""
        return bool(self.warning) and self.confirmed_text != self.text and not self.error

    @property
    def confirmed(self) -> bool:
        """An unlikely value the worker confirmed (the visit records it)."""
        return bool(self.warning) and self.confirmed_text == self.text and not self.error

    def _edited(self) -> None:
        self._check()
        self.refresh_field()
        self.post_message(FieldChanged(self))

    # Keys that edit the text. A form reads them with priority (``type_key``), like the one-key
    # answers, so a value that is full moves the focus on before the next key is dispatched.
    EDIT_KEYS = frozenset({"backspace", "delete", "ctrl+u"})

    def takes_key(self, key: str) -> bool:
        """Whether ``key`` (a character or an edit key's name) edits this field's text."""
        return key in self.ALLOWED or key in self.EDIT_KEYS

    def type_key(self, key: str) -> None:
        """A typed character appended, or an edit key (Backspace, Delete/Ctrl+U clear)."""
        if key in self.ALLOWED:
            if len(self.text) >= 10:
                return
            self.text += key
        elif key == "backspace":
            self.text = self.text[:-1]
        elif key in ("delete", "ctrl+u"):  # Ctrl+U as in a terminal: clear the field
            self.text = ""
        else:
            return
        self._edited()

    def is_full(self) -> bool:
        """The typed value is valid, not unusual, and cannot get longer: one more digit (or a
        decimal separator) would leave the allowed range, or it has the decimals the instrument
        reads (``plausible.TYPED_DECIMALS``). The form moves on without Enter (e.g. 36,8 °C; 52
        breaths: 520 is out of range; not 12, which may become 120)."""
        if self.error or self.value is None or self.warning:
            return False
        text = self.text.replace(".", ",")
        if "," in text:
            decimals = TYPED_DECIMALS.get(self.key)
            return decimals is not None and len(text.split(",", 1)[1]) >= decimals
        if self.spec.kind != "int":
            return False  # a decimal may follow
        for char in "0123456789":
            try:
                parse_value(self.key, self.text + char)
            except CaseError:
                continue
            return False
        return True

    def on_key(self, event: events.Key) -> None:
        char = event.character or ""
        if event.is_printable and char in self.ALLOWED:
            self._consume(event)
            self.type_key(char)
        elif event.key in self.EDIT_KEYS:
            self._consume(event)
            self.type_key(event.key)
        elif event.key == "enter":
            self._consume(event)
            if self.enter_moves_on():
                self.post_message(FieldDone(self))
        elif event.is_printable and char.strip():
            self._consume(event)
            self._refuse_letter()

    def _refuse_letter(self) -> None:
        """A letter in a number field: mark it, keep what was typed."""
        self.error = f"{self.spec.label}: hanya angka (contoh 37,5)"
        self.refresh_field()
        self.post_message(FieldChanged(self))

    def on_paste(self, event: events.Paste) -> None:
        """Text pasted from the terminal (bracketed paste) goes in as if typed, character by
        character: digits and separators are added; at anything else the field is marked as for a
        typed letter and the rest is left out (nothing pasted is silently dropped)."""
        event.stop()
        event.prevent_default()
        for char in event.text.strip():
            if char in self.ALLOWED:
                self.type_key(char)
            elif char.strip():
                self._refuse_letter()
                return

    def enter_moves_on(self) -> bool:
        """Enter on this field: False (stay) on an invalid value, or on an unlikely value not yet
        confirmed (the notice asks for a second Enter); True when the form may move on."""
        if self.error:
            self.app.bell()
            return False
        if self.unconfirmed and not self.notice:
            # First Enter on an unlikely value: say so, stay; the second Enter confirms.
            self.notice = (f"{self.spec.label}: {self.warning}. "
                           "Tekan Enter sekali lagi untuk memastikan.")
            self.refresh_field()
            self.post_message(FieldChanged(self))
            return False
        if self.notice:
            self.confirmed_text = self.text
            self.notice = None
            self.refresh_field()
            self.post_message(FieldChanged(self))
        return True


class SetField(FormField):
    """Several choices: arrows move, Space toggles, ``s`` = all due for the age, ``k`` = none."""

    COMPONENT_CLASSES = {"formfield--hint", "formfield--chosen"}

    def __init__(self, spec: Finding, *, label: str | None = None, id: str | None = None,
                 classes: str | None = None,
                 suggest: Callable[[], Sequence[str]] | None = None) -> None:
        super().__init__(spec, label=label, id=id, classes=classes)
        self.cursor = 0
        self.suggest = suggest

    def value_parts(self) -> list[tuple[str, str]]:
        if self.value is None:
            return [("[ ]", "formfield--box"), (" s/k/spasi" if self.has_focus else "", "formfield--hint")]
        if not self.value:
            return [("[tidak ada]", "formfield--box")]
        return [(f"[{len(self.value)} dipilih]", "formfield--box")]

    def extra_lines(self, width: int) -> list[list[tuple[str, str]]]:
        chosen = set(self.value or [])
        if not self.has_focus:
            if not chosen:
                return []
            names = ", ".join(label for value, label in self.spec.choices if value in chosen)
            return [[("    " + line, "formfield--hint")] for line in textwrap.wrap(names, width - 4)]
        lines: list[list[tuple[str, str]]] = []
        line: list[tuple[str, str]] = [("    ", "")]
        used = 4
        for i, (value, label) in enumerate(self.spec.choices):
            piece = ("■" if value in chosen else "□") + label
            if used + len(piece) + 1 > width and used > 4:
                lines.append(line)
                line, used = [("    ", "")], 4
            style = "formfield--chosen" if i == self.cursor else ("" if value in chosen else "formfield--hint")
            line.append((piece, style))
            line.append((" ", ""))
            used += len(piece) + 1
        lines.append(line)
        return lines

    def default_help(self) -> str:
        return "Panah pindah, Spasi centang, s semua sesuai umur, k tidak ada, Enter lanjut."

    def answer_for(self, key: str) -> tuple[bool, Any]:
        if key == "s" and self.suggest is not None:
            order = [v for v, _ in self.spec.choices]
            return True, [v for v in order if v in set(self.suggest())]
        if key == "k":
            return True, []
        return False, None

    def _toggle(self, value: str) -> None:
        chosen = list(self.value or [])
        if value in chosen:
            chosen.remove(value)
        else:
            chosen.append(value)
        order = [v for v, _ in self.spec.choices]
        self.set_value(sorted(chosen, key=order.index))

    def on_key(self, event: events.Key) -> None:
        n = len(self.spec.choices)
        key = event.key
        char = (event.character or "").lower()
        if key in ("right", "down"):
            self._consume(event)
            self.cursor = (self.cursor + 1) % n
            self.refresh()
        elif key in ("left", "up"):
            self._consume(event)
            self.cursor = (self.cursor - 1) % n
            self.refresh()
        elif key == "space":
            self._consume(event)
            self._toggle(self.spec.choices[self.cursor][0])
        elif char == "s" and self.suggest is not None:
            self._consume(event)
            order = [v for v, _ in self.spec.choices]
            self.set_value([v for v in order if v in set(self.suggest())], done=True)
        elif char == "k":
            self._consume(event)
            self.set_value([], done=True)
        elif key in ("backspace", "delete"):
            self._consume(event)
            self.set_value(None)
        elif key == "enter":
            self._consume(event)
            self.post_message(FieldDone(self))


def field_for(spec: Finding, **kwargs: Any) -> FormField:
    """The field widget for a vocabulary entry, by its kind."""
    if spec.kind == "bool":
        return YesNoField(spec, **{k: v for k, v in kwargs.items() if k not in ("suggest", "context")})
    if spec.kind == "enum":
        return ChoiceField(spec, **{k: v for k, v in kwargs.items() if k not in ("suggest", "context")})
    if spec.kind in ("int", "number"):
        return NumberField(spec, **{k: v for k, v in kwargs.items() if k != "suggest"})
    kwargs.pop("context", None)  # only numbers are checked for plausibility
    if spec.kind == "set":
        return SetField(spec, **kwargs)
    raise ValueError(f"no form field for kind {spec.kind!r} ({spec.key})")
