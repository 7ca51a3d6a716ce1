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


class _IncompleteApp(App):
    """A referred child with many modules not assessed: the 'Belum dinilai' line wraps."""

    def on_mount(self) -> None:
        modules = ["campak", "dengue", "telinga", "gizi", "lk", "anemia", "hiv", "imunisasi", "vitamin_a", "makan"]
        result = {"chart": "2022",
                  "classifications": [{"code": "X", "label": "PENYAKIT SANGAT BERAT", "colour": "merah",
                                       "module": "tanda_bahaya"}],
                  "incomplete": [{"module": m, "missing": ["x"]} for m in modules]}
        self.push_screen(SummaryScreen(SaveRequest(patient_id=1, patient={"name": "Anak"},
                                                   case={"visit_date": "2026-11-23"}, result=result)))


async def test_the_not_assessed_line_wraps_under_itself() -> None:
    app = _IncompleteApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        note = app.screen.query_one("#sum-incomplete")
        lines = [note.render_line(y).text.rstrip() for y in range(note.size.height)]
        assert lines[0].startswith("Belum dinilai (tidak wajib untuk kunjungan ini): ") and len(lines) >= 2
        # Every line, the wrapped one too, one column in from the screen's edge (it started at 0).
        assert note.content_region.x == note.region.x + 1 and note.content_region.right <= 80
        assert all(not line.startswith(" ") for line in lines), lines
