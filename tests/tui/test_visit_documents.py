"""The mother's card and the referral letter from every screen that shows a saved visit (issue 14
item 5): one key each, and one line that fits 80 columns saying where the file went."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SIZE, make_app, type_keys
from textual.widgets import Static

from mtbs_tui.screens.patients import PatientScreen
from mtbs_tui.screens.register_view import RegisterScreen, VisitScreen
from mtbs_tui.screens.visit_documents import short_path
from mtbs_tui.widgets.chrome import KeyBar

pytestmark = pytest.mark.timeout(90)


def test_short_path_keeps_the_file_name_and_cuts_the_middle() -> None:
    path = "/home/bidan/Dokumen/puskesmas-sukamaju/register/dokumen/kartu-ibu-RM000290-2026-10-12-1030.pdf"
    short = short_path(path, 60)
    assert len(short) == 60 and short.endswith("/kartu-ibu-RM000290-2026-10-12-1030.pdf")
    assert short.startswith("/home/bid") and "…" in short
    assert short_path("/tmp/a.pdf", 60) == "/tmp/a.pdf"
    tiny = short_path(path, 20)
    assert len(tiny) == 20 and tiny.endswith("1030.pdf")


def _footer(app) -> str:
    return str(app.screen.query_one(KeyBar).render())


def _line(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def _assert_saved_line(line: str, what: str, folder: Path, prefix: str) -> None:
    assert line.startswith(f" {what} tersimpan: ") and len(line.rstrip()) <= 80, line
    files = sorted(p.name for p in folder.glob(f"{prefix}-*.pdf"))
    assert files and line.rstrip().endswith(files[-1])  # the file name whole on the line


async def test_card_from_the_patient_history(register) -> None:
    folder = Path(register.path).parent / "dokumen"
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f3", *"aisyah", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PatientScreen)
        screen = app.screen
        # The keys are on the line under the history (the footer has no room for all of them).
        assert _line(app, "#patient-help").rstrip().endswith("F7 kartu ibu")  # not referred: no F8
        assert screen.check_action("document", ("card",)) is True
        assert screen.check_action("document", ("referral",)) is False  # not referred
        assert "F4 Ubah data" in _footer(app)
        await type_keys(pilot, "f7")
        await pilot.pause()
        _assert_saved_line(_line(app, "#patient-help"), "Kartu ibu", folder, "kartu-ibu")
        await type_keys(pilot, "f8")  # not offered: nothing happens
        assert not list(folder.glob("rujukan-*.pdf"))
    actions = [a["action"] for a in register.audit_log()]
    assert "kartu.cetak" in actions


async def test_card_and_letter_from_the_register_and_the_visit_view(register) -> None:
    folder = Path(register.path).parent / "dokumen"
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        assert "F7 kartu ibu · F8 surat rujukan" in _line(app, "#register-status")
        assert screen.check_action("document", ("referral",)) is False  # first row: Aisyah, not referred
        await type_keys(pilot, "down", "down")  # By. Ny. Wati: referred
        await pilot.pause()
        assert screen.rows[2]["refer_urgently"] and screen.check_action("document", ("referral",)) is True
        await type_keys(pilot, "f8")
        await pilot.pause()
        _assert_saved_line(_line(app, "#register-status"), "Surat rujukan", folder, "rujukan")
        await type_keys(pilot, "enter")
        await pilot.pause()
        assert isinstance(app.screen, VisitScreen)
        await type_keys(pilot, "f7")
        await pilot.pause()
        _assert_saved_line(_line(app, "#visit-help"), "Kartu ibu", folder, "kartu-ibu")


async def test_a_reviewer_is_not_offered_the_documents(register) -> None:
    app = make_app(register, user="tinjau", offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f3", *"aisyah", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PatientScreen)
        assert "Kartu ibu" not in _footer(app)
        await type_keys(pilot, "f7")
        await pilot.pause()
    assert not (Path(register.path).parent / "dokumen").exists()
