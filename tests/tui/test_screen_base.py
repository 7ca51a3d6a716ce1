"""Every screen of the shell stands on screens/base.py (MtbsScreen / MtbsModalScreen), and the
dialogs still draw as Textual's ModalScreen (transparent over the screen below, centred)."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from conftest import SIZE, make_app, type_keys
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

import mtbs_tui.screens
from mtbs_tui.screens.base import MtbsModalScreen, MtbsScreen, role_gates
from mtbs_tui.screens.visit_documents import DOCUMENT_BINDINGS, DocumentKeys
from mtbs_tui.widgets.chrome import KeyBar, TopBar


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


def test_no_screen_overrides_check_action() -> None:
    # The role gate is the base's check_action; a screen's own conditions go in
    # check_screen_action, so a screen cannot drop the gate by overriding it.
    for cls in _screen_classes():
        for klass in cls.__mro__:
            if klass.__module__.startswith("mtbs_tui.screens") and klass is not MtbsScreen:
                assert "check_action" not in klass.__dict__, klass.__name__


class _Notes(MtbsScreen[None]):
    """A screen written later by someone else: its gates are data, nothing else."""

    ROLE_GATES = {"write_note": "visit.create"}
    BINDINGS = [Binding("f2", "write_note", "Catat", key_display="F2"),
                Binding("f3", "read_note", "Baca", key_display="F3")]

    def __init__(self) -> None:
        super().__init__()
        self.ran: list[str] = []

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield Static("catatan", id="help")
        yield KeyBar()

    def action_write_note(self) -> None:
        self.ran.append("write")

    def action_read_note(self) -> None:
        self.ran.append("read")


class _MoreNotes(DocumentKeys, _Notes):
    """A subclass adding a mixin's gates: both sets apply."""

    BINDINGS = DOCUMENT_BINDINGS

    def document_visit(self) -> dict | None:
        return {"id": 1, "status": "final", "refer_urgently": False}


def test_gates_merge_along_the_classes() -> None:
    assert role_gates(_MoreNotes) == {"write_note": "visit.create", "document": "document.print"}


@pytest.mark.parametrize(("username", "may"), [("bidan", True), ("tinjau", False)])
async def test_a_new_screen_inherits_the_gate(register, username, may) -> None:
    app = make_app(register, user=username, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = _Notes()
        await app.push_screen(screen)
        await pilot.pause()
        footer = str(screen.query_one(KeyBar).key_text())
        assert ("F2 Catat" in footer) is may and "F3 Baca" in footer
        assert (screen.check_action("write_note", ()) is True) is may
        await type_keys(pilot, "f2", "f3")
        await pilot.pause()
        assert screen.ran == (["write", "read"] if may else ["read"])
        notes = [n.message for n in app._notifications]
        assert any("akses ditolak" in note for note in notes) is not may, notes
        assert app.screen is screen


@pytest.mark.parametrize("username", ["bidan", "tinjau", "daftar"])
async def test_help_lines_offer_only_the_roles_keys(register, username) -> None:
    # The key bar hides what a role can never use; the one-line key hints under the lists say
    # the same (a reviewer is not told "F7 kartu ibu", a clerk not "Enter buka kunjungan").
    from mtbs_tui.accounts import allowed
    from mtbs_tui.screens.patients import PatientScreen
    from mtbs_tui.screens.register_view import RegisterScreen

    role = {"bidan": "klinis", "tinjau": "peninjau", "daftar": "pendaftaran"}[username]
    app = make_app(register, user=username, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f3", *"Aisyah", "enter")
        await pilot.pause()
        page = app.screen
        assert isinstance(page, PatientScreen)
        hint = str(page.query_one(page.DOCUMENT_LINE, Static).render())
        assert ("F7 kartu ibu" in hint) is allowed(role, "document.print"), hint
        assert ("F5 kunjungan ulang" in hint) is allowed(role, "visit.create"), hint
        assert ("Enter buka" in hint) is allowed(role, "visit.view"), hint
        await type_keys(pilot, "escape", "escape")
        await pilot.pause()
        if allowed(role, "visit.view"):
            await type_keys(pilot, "f4")
            await pilot.pause()
            assert isinstance(app.screen, RegisterScreen)
            status = str(app.screen.query_one("#register-status", Static).render())
            assert "Enter buka" in status
            assert ("F7 kartu ibu" in status) is allowed(role, "document.print"), status


@pytest.mark.parametrize("username", ["bidan", "tinjau"])
async def test_visit_view_offers_the_correction_only_to_who_may(register, username) -> None:
    from mtbs_tui.screens.register_view import VisitScreen

    app = make_app(register, user=username, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "enter")  # a visit of today on Beranda
        await pilot.pause()
        assert isinstance(app.screen, VisitScreen)
        line = str(app.screen.query_one("#visit-help", Static).render())
        assert line.startswith(" ↑/↓ gulir")
        assert ("F2 koreksi" in line) is (username == "bidan"), line
