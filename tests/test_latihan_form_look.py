"""`mtbs latihan` on its own shows the assessment form as the visit form looks (issue 16: the
practice form is `AssessmentFormScreen[dict]`, the visit form `AssessmentFormScreen[int]`; the
form's CSS names the base and is not scoped to the class pushed). Before, the practice form outside
the clinic app had no box around the questions and no section title on it."""
from __future__ import annotations

import asyncio
from pathlib import Path

from mtbs_tui.latihan import library
from mtbs_tui.latihan.store import PracticeStore
from mtbs_tui.screens.latihan import Attempt, PracticeApp, PracticeFormScreen


def test_the_practice_app_draws_the_form_box_and_its_section_title(tmp_path: Path) -> None:
    async def look() -> tuple[str, str, int]:
        store = PracticeStore.open(tmp_path / "latihan.db", create=True)
        try:
            app = PracticeApp(store, "Sari")
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                case = library.by_id("b22-01-pneumonia")
                form = PracticeFormScreen(Attempt(case, started_at="2026-03-10T08:00:00"))
                await app.push_screen(form)
                await pilot.pause()
                column = form.query_one("#form-column")
                return (column.styles.border_top[0], str(column.border_title),
                        form.query_one("#help-line").outer_size.height)
        finally:
            store.close()

    border, title, help_height = asyncio.run(look())
    assert border == "solid"
    assert title == "1/11 Data kunjungan dan pengukuran"
    assert help_height == 1
