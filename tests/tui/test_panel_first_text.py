"""The classification panel's first text is wrapped for the panel's own width (seen in tmux at
80x24: a young infant's form opened with 'Belum diisi: Infeksi,' / 'Ikterus,' / 'Diare, ...', the
text wrapped for 30 columns before the first layout and wrapped again by the 29-column panel),
and a line too long for the panel ends with '…' instead of wrapping under itself."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from form_app import GatedFormApp, open_register, screen_text

from mtbs_tui.screens.visit_form import VisitFormScreen
from mtbs_tui.widgets.panel import ClassificationPanel


def panel_rows(app: GatedFormApp) -> list[str]:
    """The panel's text rows as the screen shows them (between its borders)."""
    rows = []
    for line in screen_text(app).splitlines()[3:22]:
        inner = line[49:79] if len(line) >= 80 else ""
        rows.append(inner.strip())
    return rows


async def test_the_first_panel_text_fits_the_panel(tmp_path: Path) -> None:
    reg = open_register(tmp_path)
    born = (dt.date.today() - dt.timedelta(days=20)).isoformat()
    pid = reg.add_patient(name="By. Ny. Wati", sex="L", birth_date=born, actor="t")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(ClassificationPanel)
        assert panel.text_width == ClassificationPanel.TEXT_WIDTH == panel.content_region.width
        rows = [r for r in panel_rows(app) if r]
        start = next(i for i, r in enumerate(rows) if r.startswith("Belum diisi:"))
        # Each row as full as the words allow: the first word of the next row would not fit.
        block = rows[start:start + 3]
        assert block[0].startswith("Belum diisi: Infeksi,") and not any("…" in r for r in block), block
        for row, following in zip(block, block[1:]):
            assert len(row) + 1 + len(following.split()[0]) > ClassificationPanel.TEXT_WIDTH, block


def test_a_long_reason_ends_with_an_ellipsis() -> None:
    """The reason under a coloured row is two lines at most; in tmux a dehydration row read
    'Keadaan umum: gelisah, rewel/mudah marah; Mata' and stopped, as if that were all."""
    from mtbs_tui.widgets.panel import panel_lines

    result = {"classifications": [
        {"module": "diare", "code": "DIARE_DEHIDRASI", "label": "DIARE DEHIDRASI RINGAN/SEDANG",
         "colour": "kuning", "because": ["keadaan_umum", "mata_cekung", "diberi_minum", "cubitan"]}],
        "incomplete": [], "treatments": []}
    values = {"keadaan_umum": "gelisah", "mata_cekung": True, "diberi_minum": "lahap", "cubitan": "lambat"}
    lines = panel_lines(result, width=29, values=values, label_of=lambda k: k.replace("_", " ").capitalize(),
                        module_name=lambda m: m)
    why = ["".join(chunk for chunk, _ in line) for line in lines
           if line and line[0][1] == "panel--muted"]
    assert len(why) == 2 and why[-1].endswith("…"), why
    assert all(len(line) <= 29 for line in why)
