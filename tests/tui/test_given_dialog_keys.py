"""The given dialog's questions fit its 60 columns (tmux 80x24: 'Dibawa pulang oleh ibu (dicetak
di kartu ibu)?  y ya   t tid' was cut at the border) and a key that answers none of its one-key
questions says which keys do (Enter there did nothing)."""
from __future__ import annotations

from textual.app import App
from textual.widgets import Label

from mtbs_tui.screens.given_keys import GivenDialog


def test_every_prompt_and_keys_line_fits_the_dialog() -> None:
    for stage, (prompt, keys) in GivenDialog.PROMPTS.items():
        for line in [*prompt.splitlines(), keys]:
            assert len(line) <= GivenDialog.WIDTH, (stage, line)
    for _keys, say in GivenDialog.ONE_KEY.values():
        assert len(say) <= GivenDialog.WIDTH


class _Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.result: object = "open"

    def on_mount(self) -> None:
        def done(value: object) -> None:
            self.result = value

        self.push_screen(GivenDialog("Tindakan lain", "", code=None, visit_at="2026-12-07T08:00:00"), done)


async def test_enter_on_a_one_key_question_says_the_keys() -> None:
    app = _Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, GivenDialog) and dialog.stage == "extra_text"
        await pilot.press(*"Oralit 200 mL", "enter")
        await pilot.pause()
        assert dialog.stage == "extra_home"
        for key in ("enter", "x", "5"):
            await pilot.press(key)
            await pilot.pause()
            help_line = str(dialog.query_one("#given-help", Label).render())
            assert help_line.startswith("Jawab y (ya) atau t (tidak)"), (key, help_line)
            assert app.screen is dialog
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.result, dict) and app.result["for_home"] is True
        assert app.result["note"] == "Oralit 200 mL"
