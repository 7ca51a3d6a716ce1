"""Beranda: lists from the register, one key per task, drafts offered at start; keys only."""
from __future__ import annotations

import pytest
from conftest import SIZE, make_app, type_keys
from textual.widgets import OptionList

from mtbs_tui.screens.dialogs import ConfirmDialog
from mtbs_tui.screens.home import HomeScreen

pytestmark = pytest.mark.timeout(60)


def _texts(app, selector: str) -> list[str]:
    panel = app.screen.query_one(selector, OptionList)
    return [str(panel.get_option_at_index(i).prompt) for i in range(panel.option_count)]


def _record_visits(app) -> list[dict]:
    calls: list[dict] = []

    def fake_start_visit(patient_id: int, **kwargs) -> None:
        calls.append({"patient_id": patient_id, **kwargs})

    app.start_visit = fake_start_visit  # type: ignore[method-assign]
    return calls


async def test_home_lists_today_follow_ups_and_drafts(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        today = _texts(app, "#today")
        assert [t.split("\n")[0][:5] for t in today] == ["07:41", "07:55", "08:02", "08:10"]
        assert "KUNING PNEUMONIA" in today[0]
        assert "MERAH  PENYAKIT SANGAT BERAT" in today[2]
        assert "draf" in today[3]
        follow = _texts(app, "#followups")
        assert follow[0].startswith("Hari ini (1)") and "Rizky Ananda" in follow[1]
        assert follow[2].startswith("Terlambat (1)") and "Nur Halimah" in follow[3] and "+3 hr" in follow[3]
        drafts = _texts(app, "#drafts")
        assert len(drafts) == 1 and "berhenti di: Diare" in drafts[0]
        assert app.screen.query_one("#drafts", OptionList).border_title == "Draf belum selesai (1)"


async def test_f5_then_enter_opens_a_follow_up_linked_to_the_earlier_visit(register) -> None:
    app = make_app(register, offer_drafts=False)
    calls = _record_visits(app)
    rizky = register.ids["rizky"]
    earlier_uid = register.db.execute(
        "SELECT visit_uid FROM visits WHERE patient_id = ? AND status = 'final'", [rizky]).fetchone()[0]
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f5")
        assert app.screen.focused is app.screen.query_one("#followups", OptionList)
        await type_keys(pilot, "enter")
        await pilot.pause()
    assert calls == [{"patient_id": rizky, "kind": "ulang", "follow_up_of": earlier_uid}]


async def test_f6_enter_resumes_the_draft(register) -> None:
    app = make_app(register, offer_drafts=False)
    calls = _record_visits(app)
    draft_id = register.drafts()[0]["id"]
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f6", "enter")
        await pilot.pause()
    assert calls == [{"patient_id": register.ids["nur"], "kind": "pertama", "follow_up_of": None,
                      "draft_id": draft_id}]


async def test_drafts_are_offered_again_at_start(register) -> None:
    app = make_app(register)  # offer_drafts defaults to True: the PC was switched off mid-visit
    calls = _record_visits(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Nur Halimah" in app.screen.detail
        await type_keys(pilot, "y")
        await pilot.pause()
    assert calls and calls[0]["draft_id"] == register.drafts()[0]["id"]


async def test_declining_the_offer_keeps_the_draft_and_shows_the_list(register) -> None:
    app = make_app(register)
    calls = _record_visits(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_keys(pilot, "t")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.focused is app.screen.query_one("#drafts", OptionList)
    assert calls == []
    assert len(register.drafts()) == 1


async def test_delete_discards_a_draft_after_confirmation(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "delete")  # not on the drafts list: nothing happens
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await type_keys(pilot, "f6", "delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await type_keys(pilot, "escape")  # Escape = no
        await pilot.pause()
        assert len(register.drafts()) == 1
        await type_keys(pilot, "delete", "y")
        await pilot.pause()
        assert _texts(app, "#drafts") == ["Tidak ada draf."]
    assert register.drafts() == []
    assert register.db.execute("SELECT count(*) FROM visits WHERE status = 'draft'").fetchone()[0] == 0


async def test_enter_on_todays_visit_opens_it_read_only(register) -> None:
    from mtbs_tui.screens.register_view import VisitScreen

    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "down", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, VisitScreen)
        assert app.screen.visit["patient_id"] == register.ids["wati"]
        await type_keys(pilot, "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_footer_keys_and_hidden_delete(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = {b.binding.key for b in app.screen.active_bindings.values()
                 if b.binding.show and b.enabled and app.screen.check_action(b.binding.action, ()) is not False}
        assert {"f2", "f3", "f4", "f5", "f6", "ctrl+q"} <= shown
        assert "delete" not in shown
        await type_keys(pilot, "f6")
        assert app.screen.check_action("discard_draft", ()) is True


async def test_home_refreshes_when_coming_back(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f4")
        await pilot.pause()
        # A visit saved elsewhere (another screen, another PC) while the register was open.
        from conftest import TODAY

        register.save_visit(patient_id=register.ids["rizky"], kind="ulang",
                            follow_up_of=register.db.execute(
                                "SELECT visit_uid FROM visits WHERE patient_id = ?",
                                [register.ids["rizky"]]).fetchone()[0],
                            case={"visit_date": TODAY.isoformat(), "findings": {"batuk": True,
                                                                                "napas_per_menit": 40}},
                            actor="bidan.sari", visit_at=f"{TODAY.isoformat()}T08:11:00")
        await type_keys(pilot, "escape")
        await pilot.pause()
        today = _texts(app, "#today")
        assert len(today) == 5 and "Rizky Ananda" in today[-1]
        follow = _texts(app, "#followups")
        assert follow[0].startswith("Hari ini (0)")


async def test_register_changed_message_refreshes_the_lists(register) -> None:
    from conftest import TODAY

    from mtbs_tui.messages import RegisterChanged

    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert len(_texts(app, "#today")) == 4
        register.save_visit(patient_id=register.ids["rizky"], actor="bidan.sari",
                            case={"visit_date": TODAY.isoformat(), "findings": {"diare": True}},
                            visit_at=f"{TODAY.isoformat()}T08:11:00")
        app.post_message(RegisterChanged(patient_id=register.ids["rizky"]))
        await pilot.pause()
        assert len(_texts(app, "#today")) == 5
