"""The live classification panel: what the answers so far give, never focusable.

Severity is a word and a colour (``MERAH``/``KUNING``/``HIJAU`` in reverse video), readable in 16
colours and on a monochrome screen. The panel also names the modules still incomplete and lists
the treatments with the doses for this child's weight, and the follow-up.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget

from mtbs_tui.display import needs_module_name
from mtbs_tui.rules.vocabulary import FINDINGS

SEVERITY_WORD = {"merah": "MERAH ", "kuning": "KUNING", "hijau": "HIJAU "}
URGENT = "MERAH - RUJUK SEGERA"


def because_text(item: dict, values: dict[str, Any], label_of: Callable[[str], str]) -> str:
    """The inputs that made a row true, with their values (``Frekuensi napas 52``)."""
    parts = []
    for name in item.get("because") or []:
        value = values.get(name)
        label = label_of(name)
        if value is True or value is None:
            parts.append(label)
        elif value is False:
            parts.append(f"tidak {label[0].lower()}{label[1:]}")
        elif isinstance(value, list):
            parts.append(f"{label}: {len(value)}")
        elif isinstance(value, float):
            parts.append(f"{label} {value:g}".replace(".", ","))
        elif isinstance(value, str) and name in FINDINGS and FINDINGS[name].choices:
            # An enum as the form shows it ("Letargis atau tidak sadar"), never its key.
            parts.append(f"{label}: {FINDINGS[name].choice_label(value).lower()}")
        else:
            parts.append(f"{label} {value}")
    return "; ".join(parts)


class ClassificationBody(Widget):
    """The panel's text, rebuilt from one classify() result; no focus, one render.

    Its height is fixed by the layout (the whole column), so new text is only a repaint, never a
    new layout of the screen: that keeps a key press in the form cheap. Lines that do not fit end
    with "…"; the summary (F9) shows everything.
    """

    DEFAULT_CSS = """
    ClassificationBody { height: 1fr; width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    ClassificationBody > .panel--merah { background: $error; color: $text; text-style: bold reverse; }
    ClassificationBody > .panel--kuning { background: $warning; color: $text; text-style: bold reverse; }
    ClassificationBody > .panel--hijau { background: $success; color: $text; text-style: bold reverse; }
    ClassificationBody > .panel--urgent { background: $error; color: $text; text-style: bold reverse; }
    ClassificationBody > .panel--muted { color: $text-muted; }
    ClassificationBody > .panel--heading { text-style: bold underline; }
    ClassificationBody > .panel--error { color: $text-error; text-style: bold; }
    """
    COMPONENT_CLASSES = {"panel--merah", "panel--kuning", "panel--hijau", "panel--urgent",
                         "panel--muted", "panel--heading", "panel--error"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[list[tuple[str, str]]] = [[("Belum ada jawaban.", "panel--muted")]]

    def show(self, lines: list[list[tuple[str, str]]]) -> None:
        if lines != self.lines:
            self.lines = lines
            self.refresh()

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        cache: dict[str, Style] = {}
        height = self.size.height or len(self.lines)
        lines = self.lines
        if len(lines) > height:
            lines = lines[: max(height - 1, 0)] + [[("… (lengkap di Ringkasan, F9)", "panel--muted")]]
        for i, line in enumerate(lines):
            if i:
                text.append("\n")
            for chunk, component in line:
                if component:
                    style = cache.get(component)
                    if style is None:
                        style = cache[component] = self.get_component_rich_style(component)
                    text.append(chunk, style)
                else:
                    text.append(chunk)
        return text


def panel_lines(result: dict | None, *, width: int, values: dict[str, Any],
                label_of: Callable[[str], str], module_name: Callable[[str], str],
                error: str | None = None) -> list[list[tuple[str, str]]]:
    """The panel as lines of (text, component) pieces; a pure function so it is cheap to test."""
    width = max(width, 20)
    out: list[list[tuple[str, str]]] = []
    if error:
        for part in textwrap.wrap(error, width):
            out.append([(part, "panel--error")])
        return out
    if result is None:
        return [[("Belum ada jawaban.", "panel--muted")]]
    if result.get("refer_urgently"):
        out.append([(URGENT.center(width), "panel--urgent")])
    items = result.get("classifications") or []
    if not items:
        out.append([("Belum ada klasifikasi.", "panel--muted")])
    for item in items:
        colour = item.get("colour", "")
        word = SEVERITY_WORD.get(colour, "?     ")
        label_w = width - len(word) - 1
        text = item.get("label", item.get("code", ""))
        if needs_module_name(text):  # a bare "NORMAL" (growth, head size): say which
            text = f"{module_name(item.get('module', ''))}: {text}"
        wrapped = textwrap.wrap(text, label_w) or [""]
        out.append([(word, f"panel--{colour}" if colour in SEVERITY_WORD else ""), (" " + wrapped[0], "")])
        for more in wrapped[1:]:
            out.append([(" " * (len(word) + 1) + more, "")])
        # Why, for the rows that call for action; a green "none of the above" row would list
        # every sign that was absent.
        why = because_text(item, values, label_of) if colour != "hijau" else ""
        if why:
            # Two lines at most; a longer reason ends with "…" (it was cut without a mark).
            for part in textwrap.wrap(why, width - 2, max_lines=2, placeholder=" …"):
                out.append([("  " + part, "panel--muted")])
    incomplete = result.get("incomplete") or []
    if incomplete:
        names: list[str] = []
        for entry in incomplete:
            name = module_name(entry.get("module", ""))
            if name not in names:
                names.append(name)
        out.append([])
        for part in textwrap.wrap("Belum diisi: " + ", ".join(names), width):
            out.append([(part, "")])
    treatments = result.get("treatments") or []
    if treatments:
        out.append([])
        out.append([("Tindakan", "panel--heading")])
        for t in treatments:
            for part in textwrap.wrap(t.get("label") or t.get("code", ""), width):
                out.append([(part, "")])
            if t.get("dose"):
                for part in textwrap.wrap(t["dose"], width - 2):
                    out.append([("  " + part, "panel--muted")])
    days = result.get("follow_up_days")
    if days is not None:
        out.append([])
        out.append([(f"Kunjungan ulang: {days} hari", "panel--heading")])
    return out


class ClassificationPanel(Vertical, can_focus=False):
    """The right-hand column; never takes focus."""

    WIDTH = 32
    # The text's columns: the width less the two borders and the left padding.
    TEXT_WIDTH = WIDTH - 3
    DEFAULT_CSS = f"""
    ClassificationPanel {{
        width: {WIDTH};
        height: 1fr;
        border: solid $secondary;
        border-title-style: bold;
        padding: 0 0 0 1;
    }}
    """

    def compose(self) -> ComposeResult:
        yield ClassificationBody(id="panel-body")

    def on_mount(self) -> None:
        self.border_title = "Klasifikasi"

    def show(self, lines: list[list[tuple[str, str]]]) -> None:
        self.query_one(ClassificationBody).show(lines)

    @property
    def text_width(self) -> int:
        # Before the first layout (the form's first classification) the region is still empty:
        # the CSS width, so the first text is not wrapped for a column one wider than the panel.
        return max(20, (self.content_region.width or self.TEXT_WIDTH))
