"""What was actually given, in the TUI (issue 17 item 1): on the summary one key (`d`) confirms
"semua diberikan sekarang" and is saved with the visit; `1`-`9` change one treatment (here: not
given, stok habis), `+` adds one outside the chart; from a saved visit the same keys record a new
version. The role table: a reviewer only reads."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import SIZE, make_app, open_summary, type_keys
from form_app import GatedFormApp, months_ago, open_register, screen_text, standard_draft

from mtbs_tui.screens.given_keys import GivenDialog
from mtbs_tui.screens.register_view import VisitScreen
from mtbs_tui.screens.summary import SummaryScreen
from mtbs_tui.screens.visit_form import VisitFormScreen

pytestmark = pytest.mark.timeout(120)


def flat(app) -> str:
    """The screen's words in one line (a wrapped line of a box reads on)."""
    return " ".join(screen_text(app).replace("│", " ").split())


async def test_one_key_confirms_all_then_one_not_given_and_a_deviation(tmp_path: Path) -> None:
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Aisyah Putri", sex="P", birth_date=months_ago(11, 3), actor="t")
    draft = standard_draft(reg, pid)  # a complete visit, up to the summary (F9)
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid, draft_id=draft))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_summary(pilot)
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        shown = flat(app)
        assert "Tindakan · 3 belum dicatat" in shown and "1 Amoksisilin oral" in shown
        assert "d semua diberikan · 1-9 ubah satu · + tambahan di luar bagan" in shown
        await type_keys(pilot, "d")  # one key: every treatment given now, kept until F10
        await pilot.pause()
        assert "Tindakan · 3 diberikan" in flat(app)
        assert reg.db.execute("SELECT count(*) FROM given_records").fetchone()[0] == 0  # not before F10
        await type_keys(pilot, "f10")
        await pilot.pause()
        [visit_id] = [r[0] for r in reg.db.execute("SELECT id FROM visits")]
        visit = reg.get_visit(visit_id)
        assert visit["given"]["version"] == 1 and visit["given"]["visit_id"] == visit_id
        assert [i.outcome for i in visit["given"]["items"]] == ["diberikan"] * 3
        assert all(i.given_at >= visit["visit_at"][:16] for i in visit["given"]["items"])
        # One treatment not given: 1 (Amoksisilin), 2 tidak diberikan, 1 stok habis.
        await type_keys(pilot, "1")
        await pilot.pause()
        assert isinstance(app.screen, GivenDialog)
        assert "1 diberikan 2 tidak diberikan 3 diberikan lain" in flat(app)
        await type_keys(pilot, "2")
        await pilot.pause()
        assert "1 stok habis" in flat(app)
        # Every reason is whole on the screen (the four did not fit the dialog on one line).
        assert "2 keluarga menolak" in flat(app) and "3 tidak mampu/tidak ada alat 4 lainnya" in flat(app)
        await type_keys(pilot, "1")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        shown = flat(app)
        assert "tidak diberikan: stok habis" in shown and "Tindakan · 2 diberikan, 1 tidak diberikan" in shown
        assert "Tersimpan (catatan tindakan versi 2)" in shown
        # A treatment outside the chart, for home.
        await type_keys(pilot, "plus")
        await pilot.pause()
        await type_keys(pilot, *"Kotrimoksazol sirup", "enter")
        await pilot.pause()
        assert "Dibawa pulang oleh ibu" in flat(app)
        await type_keys(pilot, "y")
        await pilot.pause()
        assert "T1 Kotrimoksazol sirup · tambahan" in flat(app)
    record = reg.get_visit(visit_id)["given"]
    assert record["version"] == 3
    amox = record["items"][0]
    assert amox.code == "AMOKSISILIN" and amox.outcome == "tidak_diberikan" and amox.reason == "stok_habis"
    assert (record["items"][-1].label, record["items"][-1].for_home) == ("Kotrimoksazol sirup", True)
    actions = [r[0] for r in reg.db.execute("SELECT action FROM audit ORDER BY id")]
    assert actions[-4:] == ["kunjungan.simpan", "tindakan.catat", "tindakan.catat", "tindakan.catat"]


async def test_a_time_before_the_visit_is_refused_in_the_dialog(tmp_path: Path) -> None:
    import datetime as dt

    if dt.datetime.now().time() < dt.time(0, 3):  # the visit starts now: 00:00 is not before it yet
        pytest.skip("in the first minutes of the day no time of that day is before the visit")
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Budi", sex="L", birth_date=months_ago(11, 3), actor="t")
    draft = standard_draft(reg, pid)  # a complete visit, up to the summary (F9)
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid, draft_id=draft))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_summary(pilot)
        await type_keys(pilot, "f10")
        await pilot.pause()
        await type_keys(pilot, "1", "1")  # diberikan: the time question, now by default
        await pilot.pause()
        await type_keys(pilot, "ctrl+u", *"00:00", "enter")
        await pilot.pause()
        assert isinstance(app.screen, GivenDialog)
        assert "jam: jam diberikan 00.00 sebelum kunjungan" in flat(app)
        await type_keys(pilot, "escape")
        await pilot.pause()
    assert reg.db.execute("SELECT count(*) FROM given_records").fetchone()[0] == 0


@pytest.mark.parametrize(("username", "may"), [("bidan", True), ("tinjau", False)])
async def test_saved_visit_keys_by_role(register, username: str, may: bool) -> None:
    vid = register.db.execute(
        "SELECT v.id FROM visits v JOIN visit_treatments t ON t.visit_id = v.id "
        "WHERE v.status = 'final' AND v.is_current = 1 AND t.code = 'ZINK' LIMIT 1").fetchone()[0]
    app = make_app(register, user=username, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(VisitScreen(vid))
        await pilot.pause()
        shown = flat(app)
        assert "belum dicatat" in shown
        await type_keys(pilot, "d")
        await pilot.pause()
        if may:
            assert "diberikan sekarang. Tersimpan (catatan tindakan versi 1)" in flat(app)
        else:
            assert "d semua diberikan" not in shown
    written = register.db.execute("SELECT count(*) FROM given_records").fetchone()[0]
    assert written == (1 if may else 0)


async def test_the_tenth_treatment_is_reached_with_0_and_its_number(tmp_path: Path) -> None:
    """A visit with more than nine treatments (many vaccines due): 0 asks the number."""
    from mtbs_tui.rules import classify
    from mtbs_tui.rules.codes import TREATMENTS

    vaccines = [c for c in TREATMENTS if c.startswith("IMUNISASI_")][:11]

    def many(case: dict, chart: str | None = None) -> dict:
        result = classify(case)
        return dict(result, treatments=[*result["treatments"],
                                        *({"code": c, "label": TREATMENTS[c], "dose": None} for c in vaccines)])

    reg = open_register(tmp_path, classifier=many)
    pid = reg.add_patient(name="Banyak Vaksin", sex="P", birth_date=months_ago(11, 3), actor="t")
    vid = reg.save_visit(patient_id=pid, case={"visit_date": dt.date.today().isoformat(), "weight_kg": 9.0,
                                               "findings": {"batuk": True, "napas_per_menit": 52}}, actor="t")
    count = len([t for t in reg.get_visit(vid)["treatments"] if t["code"] not in ("RUJUK_SEGERA", "RUJUK")])
    assert count > 9
    from mtbs_tui.widgets.given_box import keys_line

    assert "0 nomor 10 dst." in keys_line(reg.get_visit(vid)["treatments"])
    app = make_app(reg, user="bidan", offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(VisitScreen(vid))
        await pilot.pause()
        await type_keys(pilot, "0", *"99", "enter")
        await pilot.pause()
        assert f"bukan nomor tindakan; pilihan 1-{count}" in flat(app)
        await type_keys(pilot, "backspace", "backspace", *"10", "enter")
        await pilot.pause()
        assert isinstance(app.screen, GivenDialog)
        await type_keys(pilot, "2", "3")  # tidak diberikan: tidak mampu/tidak ada alat
        await pilot.pause()
    tenth = [t for t in reg.get_visit(vid)["treatments"] if t["code"] not in ("RUJUK_SEGERA", "RUJUK")][9]
    [item] = reg.get_visit(vid)["given"]["items"]
    assert (item.code, item.outcome, item.reason) == (tenth["code"], "tidak_diberikan", "tidak_mampu")


async def test_what_was_confirmed_stays_when_going_back_to_the_form(tmp_path: Path) -> None:
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Citra", sex="P", birth_date=months_ago(11, 3), actor="t")
    draft = standard_draft(reg, pid)  # a complete visit, up to the summary (F9)
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid, draft_id=draft))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_summary(pilot)
        await type_keys(pilot, "d", "escape")
        await pilot.pause()
        assert isinstance(app.screen, VisitFormScreen)
        await open_summary(pilot)
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen) and "Tindakan · 3 diberikan" in flat(app)
        await type_keys(pilot, "f10")
        await pilot.pause()
    [vid] = [r[0] for r in reg.db.execute("SELECT id FROM visits")]
    assert [i.outcome for i in reg.get_visit(vid)["given"]["items"]] == ["diberikan"] * 3


async def test_a_correction_shows_the_record_and_saves_a_change_with_it(tmp_path: Path) -> None:
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Koreksi", sex="P", birth_date=months_ago(11, 3), actor="t")
    draft = standard_draft(reg, pid)  # a complete visit, up to the summary (F9)
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid, draft_id=draft))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_summary(pilot)
        await type_keys(pilot, "d", "f10", "escape")
        await pilot.pause()
    vid = reg.db.execute("SELECT id FROM visits").fetchone()[0]
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid, correct_visit_id=vid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_summary(pilot)
        await pilot.pause()
        assert "Tindakan · 3 diberikan" in flat(app)  # the record of the visit, not a new one
        await type_keys(pilot, "1", "2", "2", "f10")  # keluarga menolak; then the correction's reason
        await pilot.pause()
        await type_keys(pilot, *"salah ketik", "enter")
        await pilot.pause()
    new = reg.db.execute("SELECT id FROM visits WHERE is_current = 1").fetchone()[0]
    record = reg.get_visit(new)["given"]
    assert record["version"] == 2 and record["visit_id"] == new
    assert (record["items"][0].outcome, record["items"][0].reason) == ("tidak_diberikan", "keluarga_menolak")


async def test_what_was_confirmed_before_f10_survives_a_crash(tmp_path: Path) -> None:
    """Issue 14's promise on the summary: `d` writes what was given into the visit's draft at once
    (with the destination choice); the app closing without F10 (a crash) loses none of it, and
    the resumed draft's summary shows it again and saves it with the visit."""
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Dewi", sex="P", birth_date=months_ago(11, 3), actor="t")
    draft = standard_draft(reg, pid)  # a complete visit, up to the summary (F9)
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid, draft_id=draft))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_summary(pilot)
        await type_keys(pilot, "d")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen) and "Tindakan · 3 diberikan" in flat(app)
        # No F10, no Esc: the app goes away as in a power cut.
    [(draft_id, status, pending)] = reg.db.execute("SELECT id, status, pending_json FROM visits").fetchall()
    assert status == "draft" and pending is not None
    kept = reg.get_draft(draft_id)["pending"]
    assert [c["outcome"] for c in kept["given"]] == ["diberikan"] * 3 and kept["destination"] == "auto"
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid, draft_id=draft_id))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_summary(pilot)
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen) and "Tindakan · 3 diberikan" in flat(app)
        await type_keys(pilot, "f10")
        await pilot.pause()
    visit = reg.get_visit(draft_id)
    assert visit["status"] == "final" and visit["pending"] == {}
    assert [i.outcome for i in visit["given"]["items"]] == ["diberikan"] * 3
