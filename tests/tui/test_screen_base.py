"""Every screen of the shell stands on screens/base.py (MtbsScreen / MtbsModalScreen), and the
dialogs still draw as Textual's ModalScreen (transparent over the screen below, centred)."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.screen import ModalScreen, Screen

import mtbs_tui.screens
from mtbs_tui.screens.base import MtbsModalScreen, MtbsScreen


def _screen_classes() -> list[type[Screen]]:
    found = []
    for info in pkgutil.iter_modules(mtbs_tui.screens.__path__, "mtbs_tui.screens."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, Screen):
                found.append(cls)
    return found


def test_every_screen_subclasses_the_base() -> None:
    classes = _screen_classes()
    names = {cls.__name__ for cls in classes}
    assert {"HomeScreen", "PatientScreen", "VisitFormScreen", "ConfirmDialog", "HelpScreen"} <= names
    for cls in classes:
        if cls in (MtbsScreen, MtbsModalScreen):
            continue
        assert issubclass(cls, MtbsScreen), f"{cls.__name__} must subclass MtbsScreen"
        if issubclass(cls, ModalScreen):
            assert issubclass(cls, MtbsModalScreen), f"{cls.__name__} must subclass MtbsModalScreen"


def test_dialogs_keep_the_modal_screen_css() -> None:
    # Textual follows the first base only for default CSS and CSS type names: ModalScreen must be
    # on that line, or a dialog hides the screen below and sits in the top-left corner.
    for cls in _screen_classes():
        if issubclass(cls, ModalScreen):
            assert ModalScreen in cls._css_bases(cls), cls.__name__
