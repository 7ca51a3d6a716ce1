"""The summary's classification box at 80 columns: a long label wraps under itself, not under the
colour word (the tester saw 'PEMBERIAN ASI' start a second row at the box's edge)."""
from __future__ import annotations

from textual.app import App

from mtbs_tui.screens.summary import SaveRequest, SummaryScreen

LONG = "MASALAH PEMBERIAN ASI DAN BERAT BADAN RENDAH MENURUT UMUR PADA BAYI MUDA YANG DIPERIKSA"


class _SummaryApp(App):
    def on_mount(self) -> None:
        result = {"chart": "2022", "classifications": [
            {"code": "X", "label": LONG, "colour": "kuning", "module": "bm_asi"},
            {"code": "Y", "label": "DIARE TANPA DEHIDRASI", "colour": "hijau", "module": "diare"}]}
        self.push_screen(SummaryScreen(SaveRequest(patient_id=1, patient={"name": "Anak"},
                                                   case={"visit_date": "2026-11-23"}, result=result)))


async def test_a_long_classification_wraps_under_its_own_text() -> None:
    app = _SummaryApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#sum-klasifikasi")
        lines = [box.render_line(y).text for y in range(box.size.height)]
        first = next(i for i, line in enumerate(lines) if "KUNING" in line)
        assert "MASALAH PEMBERIAN ASI" in lines[first]
        follow = lines[first + 1]
        # The second row starts where the label started (after "KUNING "), not at the box's edge.
        assert follow.index(follow.strip()[0]) == lines[first].index("MASALAH"), (lines[first], follow)
        assert "HIJAU  DIARE TANPA DEHIDRASI" in " ".join(lines)
        assert all(len(line) <= 80 for line in lines)
