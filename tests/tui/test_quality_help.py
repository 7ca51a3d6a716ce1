"""The Mutu screen's definitions are in its F1 help (the screen said 'Definisi: docs/quality.md', a
developer's file a puskesmas PC does not have; tmux 80x24)."""
from __future__ import annotations

import pytest
from conftest import SIZE, make_app, type_keys
from form_app import screen_text
from textual.widgets import Static

from mtbs_tui.quality import INDICATORS
from mtbs_tui.screens.help import HelpScreen

pytestmark = pytest.mark.timeout(60)


async def test_f1_on_the_quality_screen_defines_every_indicator(register) -> None:
    app = make_app(register, user="kepala", offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f9")
        await pilot.pause()
        note = str(app.screen.query_one("#quality-note", Static).render())
        assert "docs/" not in note and "Definisi: F1" in note
        await type_keys(pilot, "f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(app.screen.query_one("#help-key-list", Static).render()).split())
        for ind in INDICATORS:
            assert ind.label in text and " ".join(ind.denominator.split()) in text, ind.id
        assert "docs/" not in text
        # The box keeps its closing line on the 24 rows (the definitions fill the key list).
        assert "Esc tutup" in screen_text(app)
