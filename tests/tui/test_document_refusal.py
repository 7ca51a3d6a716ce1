"""F8 on a visit whose child was not referred says why (tmux 80x24, the register: the line under
the list offers 'F8 surat rujukan', and F8 on such a row did nothing without a word)."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SIZE, make_app, type_keys
from textual.widgets import Static

from mtbs_tui.screens.register_view import RegisterScreen
from mtbs_tui.screens.visit_documents import refusal

pytestmark = pytest.mark.timeout(60)


def test_each_refusal_is_one_line_that_fits() -> None:
    for kind, visit in (("referral", {"status": "final", "refer_urgently": 0}),
                        ("card", {"status": "draft"}), ("card", None), ("x", {})):
        why = refusal(kind, visit)
        assert why and len(" " + why) <= 79, (kind, why)
    assert refusal("referral", {"status": "final", "refer_urgently": 1}) is None
    assert refusal("card", {"status": "final"}) is None


async def test_f8_on_a_child_not_referred_says_why(register) -> None:
    folder = Path(register.path).parent / "dokumen"
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        assert not screen.rows[0]["refer_urgently"]
        await type_keys(pilot, "f8")
        await pilot.pause()
        line = str(screen.query_one("#register-status", Static).render())
        assert "Surat rujukan hanya untuk anak yang dirujuk segera" in line
        assert not list(folder.glob("rujukan-*.pdf"))
        await type_keys(pilot, "f7")  # the card is made as before
        await pilot.pause()
        assert "Kartu ibu tersimpan" in str(screen.query_one("#register-status", Static).render())


async def test_a_reviewer_still_hears_the_role_refusal(register) -> None:
    app = make_app(register, user="tinjau", offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f4")
        await pilot.pause()
        await type_keys(pilot, "f7")
        await pilot.pause()
        assert any("akses ditolak" in n.message.lower() for n in app._notifications)
