"""Issue 17 in the TUI: the open referrals on Beranda and on the Rujukan screen (F10), the reply
form (record, bad input, correction), the patient screen's notice and F9, and the role table."""
from __future__ import annotations

from datetime import date

import pytest
from conftest import SIZE, _case, make_app, type_keys, until
from textual.widgets import DataTable, Input, OptionList, Static

from mtbs_tui.screens.home import HomeScreen
from mtbs_tui.screens.referrals import ReferralsScreen, ReplyDialog

pytestmark = pytest.mark.timeout(60)


def refer_budi(register) -> int:
    """Budi was referred five days ago (no reply: flagged after 3 days); Wati today (tarikan)."""
    return register.save_visit(patient_id=register.ids["budi"],
                               case=_case("2023-10-02", date(2026, 11, 18), {"tarikan_dinding_dada": True}),
                               actor="bidan.sari", visit_at="2026-11-18T09:00:00", today=date(2026, 11, 23))


def rows(app) -> list[str]:
    table = app.screen.query_one("#referrals-table", DataTable)
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def replies(register) -> int:
    return register.db.execute("SELECT count(*) FROM referral_replies").fetchone()[0]


async def test_record_a_reply_and_see_the_open_list_shrink(register) -> None:
    budi = refer_budi(register)
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = app.screen.query_one("#open-referrals", OptionList)
        # Beranda: from the day after the referral (Wati's of today is not there yet).
        assert panel.display and panel.option_count == 1
        assert "Budi Santoso" in str(panel.get_option_at_index(0).prompt)
        assert "5 hr BELUM ADA BALASAN" in str(panel.get_option_at_index(0).prompt)
        # Its count names its window and the whole list's count (Wati's of today is on F10).
        assert str(panel.border_title) == "Rujukan belum dibalas, 30 hari terakhir: 1 (1 lewat batas) · F10 semua 2"
        await type_keys(pilot, "f10")
        await pilot.pause()
        assert isinstance(app.screen, ReferralsScreen)
        listed = rows(app)
        assert len(listed) == 2 and "Budi Santoso" in listed[0] and "BELUM ADA BALASAN" in listed[0]
        assert "By. Ny. Wati" in listed[1] and "menunggu balasan" in listed[1]
        await type_keys(pilot, "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReplyDialog)
        assert app.screen.focused is app.screen.query_one("#outcome", Input)
        await type_keys(pilot, "7")  # no such outcome: said on the help line, not dropped unseen
        await pilot.pause()
        assert "Hasil: ketik satu angka 1–6" in str(app.screen.query_one("#reply-help", Static).render())
        assert app.screen.query_one("#outcome", Input).value == ""
        # Bad input: a date before the referral. One line names the field and the limit; the form
        # keeps what was typed, nothing is written.
        await type_keys(pilot, "shift+tab", *["backspace"] * 10, *"17-11-2026", "tab", "2", "tab", *"Pneumonia berat")
        await type_keys(pilot, "f10")
        await pilot.pause()
        help_line = str(app.screen.query_one("#reply-help", Static).render())
        assert "Tanggal diterima: tanggal balasan tidak boleh sebelum tanggal rujukan 2026-11-18" in help_line
        assert app.screen.query_one("#diagnosis", Input).value == "Pneumonia berat"
        assert replies(register) == 0
        await type_keys(pilot, *["backspace"] * 10, *"20-11-2026", "f10")
        await pilot.pause()
        assert isinstance(app.screen, ReferralsScreen)
        assert len(rows(app)) == 1 and "By. Ny. Wati" in rows(app)[0]
        # "Tersimpan" on the info line, not a notice over the phone number of the next child.
        info = str(app.screen.query_one("#referrals-info", Static).render())
        assert info.startswith("Balasan rujukan tersimpan: Rawat jalan. Belum ada balasan: 1")
        assert not list(app._notifications)
        assert "telp" in str(app.screen.query_one("#referrals-help", Static).render())
        reply = register.referral_reply(register.get_visit(budi)["visit_uid"])
        assert (reply["received_date"], reply["outcome"], reply["diagnosis"], reply["recorded_by"]) == (
            "2026-11-20", "rawat_jalan", "Pneumonia berat", "bidan.sari")
        # F5: every referral of the last days, with its reply.
        await type_keys(pilot, "f5")
        await pilot.pause()
        assert any("Budi Santoso" in r and "Rawat jalan" in r for r in rows(app))
        await type_keys(pilot, "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert not app.screen.query_one("#open-referrals", OptionList).display
    actions = [a["action"] for a in register.audit_log(limit=5)]
    assert "rujukan.balasan" in actions and "rujukan.terbuka.lihat" in actions


async def test_a_second_reply_is_a_correction_with_a_reason(register) -> None:
    budi = refer_budi(register)
    register.record_referral_reply(budi, received_date="2026-11-19", outcome="dirawat_inap", actor="bidan.sari",
                                   today=date(2026, 11, 23))
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f10", "f5")
        await pilot.pause()
        assert "Dirawat inap" in rows(app)[0]
        await type_keys(pilot, "enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReplyDialog) and dialog.query_one("#outcome", Input).value == "1"
        await type_keys(pilot, "backspace", "4", "f10")
        await pilot.pause()
        assert "Alasan koreksi" in str(dialog.query_one("#reply-help", Static).render())
        await type_keys(pilot, *"salah baca slip", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReferralsScreen)
    versions = register.referral_reply_versions(register.get_visit(budi)["visit_uid"])
    assert [(v["outcome"], v["is_current"]) for v in versions] == [("dirawat_inap", 0), ("meninggal", 1)]
    assert versions[1]["correction_reason"] == "salah baca slip"


async def test_patient_screen_says_the_reply_is_missing_and_f9_records_it(register) -> None:
    budi = refer_budi(register)
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        app.open_patient(register.ids["budi"])
        await pilot.pause()
        info = str(app.screen.query_one("#patient-info", Static).render())
        assert "Rujukan 18-11-2026: BELUM ADA BALASAN (F9 catat balasan)" in info
        table = app.screen.query_one("#history", DataTable)
        table.move_cursor(row=0)  # the referred visit (the only one of Budi's before today's)
        history = register.patient_visits(register.ids["budi"])
        table.move_cursor(row=[v["id"] for v in history].index(budi))
        await type_keys(pilot, "f9")
        await pilot.pause()
        assert isinstance(app.screen, ReplyDialog)
        await type_keys(pilot, "6", "f10")
        await pilot.pause()
        info = str(app.screen.query_one("#patient-info", Static).render())
        assert "BELUM ADA BALASAN" not in info
        # "Tersimpan" on the screen's help line until the next key, not a notice over the history.
        line = app.screen.query_one(app.screen.DOCUMENT_LINE, Static)
        assert str(line.render()).startswith(" Balasan rujukan tersimpan: Tidak datang. · Enter buka")
        assert not list(app._notifications)
    assert register.referral_reply(register.get_visit(budi)["visit_uid"])["outcome"] == "tidak_datang"


@pytest.mark.parametrize(("user", "sees", "may_reply"), [
    ("tinjau", True, False), ("daftar", False, False), ("kepala", True, True)])
async def test_roles(register, user: str, sees: bool, may_reply: bool) -> None:
    refer_budi(register)
    app = make_app(register, user=user, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#open-referrals", OptionList).display is sees
        await type_keys(pilot, "f10")
        await pilot.pause()
        if not sees:
            assert isinstance(app.screen, HomeScreen)  # refused, with the reason
            return
        assert isinstance(app.screen, ReferralsScreen)
        await type_keys(pilot, "f2")
        await pilot.pause()
        assert isinstance(app.screen, ReplyDialog) is may_reply
    assert replies(register) == 0


async def test_the_visit_form_says_an_earlier_referral_has_no_reply(register) -> None:
    from mtbs_tui.screens.visit_form import VisitFormScreen

    refer_budi(register)
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        app.start_visit(register.ids["budi"])
        await pilot.pause()
        assert isinstance(app.screen, VisitFormScreen)
        assert any("Rujukan 18-11-2026 belum ada balasan" in line for line in app.screen._intro())
        await type_keys(pilot, "escape")
        await pilot.pause()
        # Referred today: still on her way, nothing to ask yet.
        app.start_visit(register.ids["wati"])
        await pilot.pause()
        assert isinstance(app.screen, VisitFormScreen)
        assert not any("Rujukan" in line for line in app.screen._intro())


async def test_the_visit_view_shows_the_reply(register) -> None:
    budi = refer_budi(register)
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        app.open_visit(budi)
        await pilot.pause()
        assert "Balasan rujukan: belum ada" in str(app.screen.query_one("#visit-text", Static).render())
        await type_keys(pilot, "escape")
        register.record_referral_reply(budi, received_date="2026-11-20", outcome="rawat_jalan",
                                       diagnosis="Pneumonia berat", actor="bidan.sari", today=date(2026, 11, 23))
        app.open_visit(budi)
        await pilot.pause()
        text = str(app.screen.query_one("#visit-text", Static).render())
        assert "Balasan rujukan 20-11-2026: Rawat jalan · Pneumonia berat" in text


async def test_enter_on_the_beranda_panel_opens_the_reply_form(register) -> None:
    refer_budi(register)
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#open-referrals", OptionList).focus()
        await type_keys(pilot, "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReplyDialog)
        await type_keys(pilot, "1", "f10")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert not app.screen.query_one("#open-referrals", OptionList).display
    assert replies(register) == 1


@pytest.mark.parametrize(("user", "patient_line", "visit_line"), [
    ("tinjau", "Enter buka", "↑/↓ gulir"),
    ("bidan.sari", "Enter buka · F5 kunjungan ulang · F7 kartu ibu · F8 surat rujukan · F9 balasan",
     "↑/↓ gulir · F2 koreksi (versi lama tetap tersimpan) · r ganti tujuan rujukan")])
async def test_help_lines_offer_only_the_keys_of_the_role(register, user: str, patient_line: str,
                                                          visit_line: str) -> None:
    """The patient screen's and the visit view's help lines name only keys the role can use: a
    reviewer (read only) was told of F5, F7, F8, F9 and F2 koreksi, all refused to her."""
    budi = refer_budi(register)
    app = make_app(register, user=user, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        app.open_patient(register.ids["budi"])
        await pilot.pause()
        table = app.screen.query_one("#history", DataTable)
        table.move_cursor(row=[v["id"] for v in register.patient_visits(register.ids["budi"])].index(budi))
        await pilot.pause()
        assert str(app.screen.query_one("#patient-help", Static).render()).strip() == patient_line
        await type_keys(pilot, "enter")
        await pilot.pause()
        assert str(app.screen.query_one("#visit-help", Static).render()).strip() == visit_line


async def test_the_reply_form_survives_a_crash_and_is_offered_back(register) -> None:
    """Issue 14's promise on the reply form: what she typed is the referral's reply draft within
    AUTOSAVE_DELAY; after the app went away without saving (a crash) the same referral's form
    shows it again and says so; Esc then h discards it; F10 saves and removes it."""
    from mtbs_tui.screens.visit_form import LeaveDialog

    budi = refer_budi(register)
    uid = register.get_visit(budi)["visit_uid"]
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_keys(pilot, "f10")
        await pilot.pause()
        await type_keys(pilot, "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReplyDialog)
        await type_keys(pilot, "2", "enter", *"Bronkopneumonia")
        await until(pilot, lambda: (register.reply_draft(uid) or {}).get("diagnosis") == "Bronkopneumonia",
                    within=ReplyDialog.AUTOSAVE_DELAY + 0.3, what="the reply is not in its draft")
        assert register.reply_draft(uid) == {"outcome": "2", "diagnosis": "Bronkopneumonia",
                                             "received_date": app.screen.pristine["received_date"]}
        # No F10, no Esc: the app goes away as in a power cut.
    assert replies(register) == 0
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_keys(pilot, "f10")
        await pilot.pause()
        await type_keys(pilot, "enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReplyDialog)
        assert dialog.query_one("#outcome", Input).value == "2"
        assert dialog.query_one("#diagnosis", Input).value == "Bronkopneumonia"
        assert "Balasan yang belum disimpan dipulihkan" in str(dialog.query_one("#reply-help", Static).render())
        await type_keys(pilot, "escape")
        await pilot.pause()
        assert isinstance(app.screen, LeaveDialog)
        await type_keys(pilot, "t")  # stay: nothing lost
        await pilot.pause()
        assert app.screen is dialog and register.reply_draft(uid) is not None
        await type_keys(pilot, "escape", "h")
        await pilot.pause()
        assert isinstance(app.screen, ReferralsScreen) and register.reply_draft(uid) is None
        # Typed again and saved: the reply is written and the draft is gone with it.
        await type_keys(pilot, "enter")
        await pilot.pause()
        assert app.screen.query_one("#diagnosis", Input).value == ""
        await type_keys(pilot, "2", "enter", *"Bronkopneumonia")
        await until(pilot, lambda: (register.reply_draft(uid) or {}).get("diagnosis") == "Bronkopneumonia",
                    within=ReplyDialog.AUTOSAVE_DELAY + 0.3, what="the reply is not in its draft")
        assert register.reply_draft(uid) is not None
        await type_keys(pilot, "f10")
        await pilot.pause()
        assert isinstance(app.screen, ReferralsScreen)
    assert replies(register) == 1 and register.reply_draft(uid) is None


async def test_ctrl_q_in_the_reply_form_keeps_it_at_once(register) -> None:
    """Ctrl+Q right after typing (before the autosave delay): the app writes the reply draft first
    and says so after quitting."""
    budi = refer_budi(register)
    uid = register.get_visit(budi)["visit_uid"]
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_keys(pilot, "f10")
        await pilot.pause()
        await type_keys(pilot, "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReplyDialog)
        await pilot.press("4", "ctrl+q")
        await pilot.pause()
    assert register.reply_draft(uid) is not None and register.reply_draft(uid)["outcome"] == "4"
    assert app.exit_lines == ["Isian balasan rujukan tersimpan sebagai draf."]
