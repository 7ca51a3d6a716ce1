"""The summary: saving through the real App, the referral-letter key, unlikely values."""

from __future__ import annotations

import datetime as dt
import importlib.machinery
import sys
import types
from pathlib import Path

import pytest
from conftest import type_keys
from form_app import (
    FormApp,
    GatedFormApp,
    fixed_classify,
    months_ago,
    open_register,
    press_list,
    screen_text,
    standard_visit_keys,
)

from mtbs_tui.screens.summary import SummaryScreen, follow_up_date
from mtbs_tui.screens.visit_form import VisitFormScreen

DATA = "11 enter 80 enter 37 enter 14 enter 46 enter "


async def test_visit_through_the_real_app(tmp_path: Path) -> None:
    from mtbs_tui.app import MtbsApp

    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Dewi Lestari", sex="P", birth_date=months_ago(11, 3), actor="t")
    from conftest import make_app

    app = make_app(reg, user="bidan.sari", offer_drafts=False)  # logged in as a clinical account
    assert isinstance(app, MtbsApp)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):  # the home screen loads its lists on mount
            await pilot.pause()
            if hasattr(app.screen, "_drafts"):
                break
        app.start_visit(pid)
        await pilot.pause()
        assert isinstance(app.screen, VisitFormScreen)
        await type_keys(pilot, *standard_visit_keys(save=False))  # a complete visit, up to the summary
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await type_keys(pilot, "f10")
        await pilot.pause()
        # Saved: the summary stays so the mother's card can be made (F7); Esc is done.
        assert isinstance(app.screen, SummaryScreen)
        text = screen_text(app)
        assert "Tersimpan (kunjungan" in text and "F7 kartu ibu · Esc selesai" in text
        assert "F8" not in text  # not referred: no letter offered
        # The status line says it; no toast over it (it hid the card's path after F7).
        assert [n.message for n in app._notifications] == []
        await type_keys(pilot, "f7")
        await pilot.pause()
        status = str(app.screen.query_one("#sum-status").render())
        assert "Kartu ibu tersimpan:" in status and status.rstrip().endswith(".pdf")
        assert len(status.rstrip()) <= 80
        await type_keys(pilot, "escape")
        await pilot.pause()
        assert not isinstance(app.screen, (SummaryScreen, VisitFormScreen))  # back to the shell
    row = reg.db.execute("SELECT status, recorded_by, weight_kg FROM visits").fetchall()
    assert row == [("final", "bidan.sari", 9.0)]


def _fake_referral_module(monkeypatch: pytest.MonkeyPatch, calls: list) -> None:
    """A stand-in for the documents package (its own tests cover the PDF)."""
    def build_referral_pdf(register, visit_id, out_path, *, actor=None):  # noqa: ANN001, ANN202
        calls.append((visit_id, actor))
        return out_path

    def load_visit(register, visit_id):  # noqa: ANN001, ANN202
        return {"id": visit_id}

    for name in ("mtbs_tui.documents", "mtbs_tui.documents.referral"):
        module = types.ModuleType(name)
        module.__spec__ = importlib.machinery.ModuleSpec(name, None)
        if name.endswith("referral"):
            module.build_referral_pdf = build_referral_pdf  # type: ignore[attr-defined]
            module.load_visit = load_visit  # type: ignore[attr-defined]
            module.default_name = lambda visit: f"rujukan-{visit['id']}.pdf"  # type: ignore[attr-defined]
        else:
            module.__path__ = []  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, name, module)


async def _referred_visit(tmp_path: Path) -> tuple[FormApp, object]:
    reg = open_register(tmp_path, classifier=fixed_classify)
    pid = reg.add_patient(name="Putra", sex="L", birth_date=months_ago(24), actor="t")
    return GatedFormApp(reg, lambda: VisitFormScreen(pid)), reg


async def test_referral_key_prints_after_saving(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list = []
    _fake_referral_module(monkeypatch, calls)
    app, reg = await _referred_visit(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in press_list(DATA + "t t t t t t t t y f9"):
            await type_keys(pilot, key)
        await pilot.pause()
        assert "Surat rujukan" not in screen_text(app)  # nothing to print before it is saved
        await type_keys(pilot, "f10")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)  # stays, to print the letter
        text = screen_text(app)
        assert "Tersimpan" in text and "F8 Surat rujukan" in text
        assert "F10" not in text.split("\n")[-2]  # saving twice is not offered
        # No form to go back to once saved: Esc says what it does.
        assert "Esc Selesai" in text and "Kembali ke formulir" not in text
        await type_keys(pilot, "f8")
        await pilot.pause()
        visit_id = reg.db.execute("SELECT id FROM visits").fetchone()[0]
        assert calls == [(visit_id, "Bd. Uji")]
        assert f"rujukan-{visit_id}.pdf" in screen_text(app)
        await type_keys(pilot, "escape")
        await pilot.pause()
    assert app.dismissed == [visit_id]


async def test_unconfirmed_unlikely_value_is_named_in_the_summary(tmp_path: Path) -> None:
    reg = open_register(tmp_path, classifier=fixed_classify)
    pid = reg.add_patient(name="Putra", sex="L", birth_date=months_ago(24), actor="t")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # 33 °C: Enter once shows the question, Tab moves on without confirming.
        for key in press_list("11 enter 80 enter 33 enter"):
            await type_keys(pilot, key)
        await pilot.pause()
        assert "Tekan Enter sekali lagi" in screen_text(app)
        for key in ["tab", "f9"]:
            await type_keys(pilot, key)
        await pilot.pause()
        text = screen_text(app)
        assert "Data: Suhu aksila, 33 tidak lazim, belum dipastikan" in text


def test_follow_up_date_text() -> None:
    assert follow_up_date("2026-11-23", 2) == "2 hari lagi: Rabu 25-11-2026"
    assert follow_up_date("2026-11-23", None) is None
    assert dt.date(2026, 11, 25).weekday() == 2
