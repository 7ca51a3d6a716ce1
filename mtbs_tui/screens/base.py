"""The base of every screen of the shell: `MtbsScreen` (and `MtbsModalScreen` for dialogs).

- `self.app` is typed as `MtbsApp` (the register, the user, the clock, `permit`, `start_visit`...),
  for the type checker only: this module never imports app.py at run time (app.py imports the
  screens; the import-linter contract "Screens and widgets never import the app" checks it).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from mtbs_tui.app import MtbsApp

ResultType = TypeVar("ResultType")


class MtbsScreen(Screen[ResultType]):
    """A screen of the MTBS shell (subclass this, not textual's Screen)."""

    if TYPE_CHECKING:
        @property
        def app(self) -> MtbsApp: ...


class MtbsModalScreen(ModalScreen[ResultType], MtbsScreen[ResultType]):
    """A dialog of the MTBS shell: a modal screen over the screen that opened it.

    ModalScreen comes first: Textual takes a widget's default CSS (and its CSS type names) from
    the first base of each class only, so the dialog keeps ModalScreen's transparent background
    and `ModalScreen.dialog` of app.tcss."""
