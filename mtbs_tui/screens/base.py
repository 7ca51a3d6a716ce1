"""The base of every screen of the shell: `MtbsScreen` (and `MtbsModalScreen` for dialogs).

- `self.app` is typed as `MtbsApp` (the register, the user, the clock, `permit`, `start_visit`...),
  for the type checker only: this module never imports app.py at run time (app.py imports the
  screens; the import-linter contract "Screens and widgets never import the app" checks it).
- Role gates are data: `ROLE_GATES = {action name: accounts action id}` on the screen class (or a
  mixin such as DocumentKeys), merged along the class's MRO. Textual's public `check_action`
  (final here) returns False for an action the user's role can never take, so its key is neither
  in the key bar nor in F1, and Textual does not run it. Pressing the key anyway gives the one
  Indonesian refusal line (`refuse_key`, called by the app for a key no binding took). A screen's
  own conditions (a row selected, not yet saved...) go in `check_screen_action`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, final

from textual import events, getters
from textual.actions import parse as parse_action
from textual.binding import Binding
from textual.reactive import Reactive
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

from mtbs_tui.accounts import AccessDenied, require

if TYPE_CHECKING:
    from mtbs_tui.app import MtbsApp

ResultType = TypeVar("ResultType")


def role_gates(cls: type) -> dict[str, str]:
    """The `ROLE_GATES` of `cls` and of every class it inherits from (a subclass wins)."""
    gates: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        gates.update(klass.__dict__.get("ROLE_GATES", {}))
    return gates


class MtbsScreen(Screen[ResultType]):
    """A screen of the MTBS shell (subclass this, not textual's Screen)."""

    # action name (as in the bindings, without parameters) -> accounts action id (accounts.ACTIONS)
    ROLE_GATES: ClassVar[dict[str, str]] = {}
    _gates: ClassVar[dict[str, str]] = {}

    # Textual's Screen.focused repaints the whole screen on every focus change (a full render of
    # all 80x24 cells). The widgets that look different with or without the focus already repaint
    # themselves (their :focus styles are updated, FormField redraws its marker), and the key bar
    # follows the bindings signal, which `_watch_focused` still publishes. The visit form moves
    # the focus on every answer, so this halves the rendering of a key (bench/bench_form_key_cpu).
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    if TYPE_CHECKING:
        app = getters.app(MtbsApp)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._gates = role_gates(cls)

    def role_gate(self, action: str) -> str | None:
        """The accounts action that guards `action` on this screen, or None when it is not gated."""
        return self._gates.get(action)

    def role_may(self, action: str) -> bool:
        """False when the user's role can never take `action` on this screen."""
        gate = self._gates.get(action)
        if gate is None:
            return True
        try:
            # No user (not logged in) or a disabled account: refused as well (fail closed).
            require(getattr(self.app, "user", None), gate)
        except AccessDenied:
            return False
        return True

    @final
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.role_may(action):
            return False  # never offered to this role: hidden, and Textual does not run it
        return self.check_screen_action(action, parameters)

    def check_screen_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The screen's own conditions, as Textual's check_action: True runs, None dims (shown,
        not run), False hides."""
        return True

    def refuse_key(self, key: str) -> bool:
        """`key` was bound on this screen to an action the role may not take (and the screen would
        otherwise offer it), or one the screen does not take now (``explain_unavailable``): say
        why, one Indonesian line, and return True. Called by the app for a key that no binding
        took."""
        for binding in self._screen_bindings():
            if binding.key != key:
                continue
            _, name, parameters = parse_action(binding.action)
            gate = self._gates.get(name)
            offered = self.check_screen_action(name, parameters)
            if gate is not None and not self.role_may(name):
                if not offered:
                    continue
                self.app.permit(gate)  # notifies the refusal
                return True
            if not offered and self.explain_unavailable(name, parameters):
                return True
        return False

    def on_key(self, event: events.Key) -> None:
        """A key no widget took: `refuse_key` says why, on the screen itself, so that an app
        without the shell's own hook (the practice app, `mtbs latihan`) says it too."""
        if self.refuse_key(event.key):
            event.stop()

    def explain_unavailable(self, action: str, parameters: tuple[object, ...]) -> bool:
        """A key whose action ``check_screen_action`` does not run now was pressed: a screen that
        can say why (one Indonesian line) does so and returns True, so no key does nothing
        without a word."""
        return False

    @classmethod
    def _screen_bindings(cls) -> list[Binding]:
        out: list[Binding] = []
        for klass in reversed(cls.__mro__):
            out.extend(Binding.make_bindings(klass.__dict__.get("BINDINGS", [])))
        return out


class MtbsModalScreen(ModalScreen[ResultType], MtbsScreen[ResultType]):
    """A dialog of the MTBS shell: a modal screen over the screen that opened it.

    ModalScreen comes first: Textual takes a widget's default CSS (and its CSS type names) from
    the first base of each class only, so the dialog keeps ModalScreen's transparent background
    and `ModalScreen.dialog` of app.tcss."""
