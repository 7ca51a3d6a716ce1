"""The chrome of every screen of the shell: the top bar (row 1) and the one-line key bar (row 24).

Screens import these from here, never from app.py (app.py imports the screens).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

from mtbs_tui.display import long_date_text

if TYPE_CHECKING:
    from mtbs_tui.app import MtbsApp


GAP = 3  # spaces at least between the screen's name and the user in the top bar


class TopBar(Static):
    """Row 1 of every screen of the shell: app, puskesmas, user, day and time."""

    DEFAULT_CSS = """
    TopBar { height: 1; width: 100%; background: $primary; color: $text; }
    """

    def __init__(self, title: str = "") -> None:
        super().__init__("", markup=False)
        self.title = title

    def on_mount(self) -> None:
        self.refresh_text()
        # The clock only shows minutes: redrawing every 20 s is enough and costs nothing.
        self.set_interval(20, self.refresh_text)

    def refresh_text(self) -> None:
        app = cast("MtbsApp", self.app)
        now = app.now()
        left = " MTBS  " + (app.facility_name or "Puskesmas")
        if self.title:
            left += f"  · {self.title}"
        right = f"{app.actor}   {long_date_text(now.date())} {now.strftime('%H:%M')} "
        width = self.size.width or 80
        # At least three spaces before the user: "Cari pasien bidan" read as one phrase.
        if len(left) + GAP + len(right) > width:
            # The clock and the user stay whole; the day name, then the puskesmas name give way.
            right = f"{app.actor[:20]} {now.strftime('%d-%m-%Y %H:%M')} "
            room = max(width - len(right) - GAP, 8)
            if len(left) > room:
                left = left[: room - 1] + "…"
        gap = max(width - len(left) - len(right), 1)
        self.update(Text(left + " " * gap + right))

    def on_resize(self) -> None:
        self.refresh_text()


class KeyBar(Static):
    """The footer of keys as ONE line of text.

    Textual's Footer is a widget per key and recomposes on every focus change; on an old PC that
    was most of the time spent opening a screen. This bar keeps the Footer's behaviour (the
    screen's active bindings, hidden when check_action() says False, dimmed when None) at the
    cost of one Static."""

    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; width: 100%; }
    KeyBar > .keybar--key { color: $accent; text-style: bold; }
    KeyBar > .keybar--disabled { color: $text-disabled; }
    """
    COMPONENT_CLASSES = {"keybar--key", "keybar--disabled"}

    def __init__(self) -> None:
        super().__init__("", markup=False)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self._bindings_changed, self.screen)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.update(self.key_text())

    def key_text(self) -> Text:
        """The keys that fit on one line, then "F1 Bantuan"; when they do not all fit, the last
        ones give way (F1 lists them all)."""
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        off_style = self.get_component_rich_style("keybar--disabled", partial=True)
        seen: set[tuple[str, str]] = set()
        keys: list[tuple[str, str, bool]] = []
        help_key: tuple[str, str, bool] | None = None
        # A key the role can never use is not among the active bindings at all (the screen's
        # check_action says False: screens/base.py).
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.action == "help":
                help_key = (self.app.get_key_display(binding), binding.description, bool(enabled))
                continue
            if not binding.show or (binding.action, binding.description) in seen:
                continue
            seen.add((binding.action, binding.description))
            keys.append((self.app.get_key_display(binding), binding.description, bool(enabled)))
        width = self.size.width or 80

        def length(entries: list[tuple[str, str, bool]]) -> int:
            return sum(len(k) + len(d) + 3 for k, d, _ in entries)

        reserve = [help_key] if help_key is not None else []
        while keys and length(keys + reserve) > width:
            keys.pop()  # the app's ^Q (last) first: F1 lists every key
        text = Text(no_wrap=True, overflow="crop")
        for key, description, enabled in keys + ([help_key] if help_key else []):
            text.append(f" {key} ", style=key_style if enabled else off_style)
            text.append(f"{description} ", style="" if enabled else off_style)
        return text

    def on_resize(self) -> None:
        self.update(self.key_text())
