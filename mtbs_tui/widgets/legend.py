"""A one-line key legend: the screen's shown bindings with their Indonesian descriptions.

Textual's ``Footer`` recomposes its key widgets on every focus change; a form moves focus on every
answer, so that cost is paid on every key. This legend renders one line of text and redraws only
when the list of shown bindings really changed. Bindings hidden by ``check_action`` disappear as
they do from the footer.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class KeyLegend(Widget):
    DEFAULT_CSS = """
    KeyLegend { height: 1; width: 1fr; background: $panel; }
    KeyLegend > .legend--key { text-style: bold; color: $text-accent; }
    """
    COMPONENT_CLASSES = {"legend--key"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: tuple[tuple[str, str], ...] = ()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: object) -> None:
        seen: set[str] = set()
        items: list[tuple[str, str]] = []
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not active.enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            items.append((self.app.get_key_display(binding), binding.description))
        if tuple(items) != self.items:
            self.items = tuple(items)
            self.refresh()

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        style = self.get_component_rich_style("legend--key")
        # Whole keys only: the last ones give way when the line is full (F1 lists them all), never
        # a key cut in the middle of its word.
        width = self.size.width or 80
        used = 0
        for key, description in self.items:
            length = len(key) + len(description) + 3
            if used + length > width:
                break
            used += length
            text.append(" " + key, style)
            text.append(" " + description + " ")
        return text

    def on_resize(self) -> None:
        self.refresh()
