"""Idle lock with a fake clock: the lock screen shows no patient data, the same user's password
unlocks, and a half-typed visit form is exactly as it was."""
from __future__ import annotations

import pytest
from conftest import SIZE, FakeClock, make_app, password_of, type_keys

from mtbs_tui.screens.home import HomeScreen
from mtbs_tui.screens.lock import LockScreen

pytestmark = pytest.mark.timeout(60)

CHECK = 0.02  # the idle check runs this often in the tests (5 s in the app)


async def _settle(pilot, rounds: int = 5) -> None:
    for _ in range(rounds):
        await pilot.pause(CHECK)


def _shown(app) -> str:
    """What the terminal shows (the screenshot's text, spaces as spaces)."""
    import html

    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


def _audit(register, action: str) -> list[tuple]:
    return register.db.execute("SELECT actor, patient_id FROM audit WHERE action = ?", [action]).fetchall()


async def test_idle_lock_hides_the_form_and_unlock_keeps_what_was_typed(register) -> None:
    from mtbs_tui.screens.visit_form import VisitFormScreen

    clock = FakeClock()
    app = make_app(register, offer_drafts=False, idle_clock=clock, idle_check_seconds=CHECK)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f2")
        await pilot.pause()
        await type_keys(pilot, *"Aisyah")
        await pilot.pause()
        await type_keys(pilot, "enter")
        await _settle(pilot)
        form = app.screen
        assert isinstance(form, VisitFormScreen)
        await type_keys(pilot, "1", "2")  # half of the weight
        await pilot.pause()
        field = form.focused
        typed = field.text
        assert typed == "12"
        assert "Aisyah" in _shown(app)

        clock.advance(4 * 60 + 59)  # not yet
        await _settle(pilot)
        assert app.screen is form
        clock.advance(2)
        await _settle(pilot)
        assert isinstance(app.screen, LockScreen)
        shot = _shown(app)
        assert "Layar terkunci" in shot and "Sukamaju" in shot and "bidan.sari" in shot
        assert "Aisyah" not in shot and "Putri" not in shot

        # Keys on the lock screen never reach the form; a wrong password does not unlock.
        await type_keys(pilot, *"34salah-sandi", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        await pilot.press("ctrl+q")  # quitting would lose the form: refused while locked
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, LockScreen)
        await type_keys(pilot, *password_of("bidan.sari"), "enter")
        await _settle(pilot)
        assert app.screen is form
        assert form.focused is field and field.text == typed
        await type_keys(pilot, "5")
        assert field.text == "125"  # and the form goes on working
    assert _audit(register, "kunci") == [("bidan.sari", None)]
    assert [r[0] for r in _audit(register, "login.gagal")] == ["bidan.sari"]
    assert [r[0] for r in _audit(register, "login")] == ["bidan.sari"]


async def test_ctrl_l_locks_at_once_and_typing_keeps_it_unlocked(register) -> None:
    clock = FakeClock()
    app = make_app(register, offer_drafts=False, idle_clock=clock, idle_check_seconds=CHECK)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        for _ in range(3):  # a key every 4 minutes: never idle for 5
            clock.advance(4 * 60)
            await type_keys(pilot, "down")
            await _settle(pilot)
            assert isinstance(app.screen, HomeScreen)
        await type_keys(pilot, "ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        assert "Aisyah" not in _shown(app)
        await type_keys(pilot, *password_of("bidan.sari"), "enter")
        await _settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert not app.locked
    assert len(_audit(register, "kunci")) == 1


async def test_idle_time_comes_from_the_settings(register) -> None:
    register.set_setting("idle_lock_minutes", "1")
    clock = FakeClock()
    app = make_app(register, offer_drafts=False, idle_clock=clock, idle_check_seconds=CHECK)
    async with app.run_test(size=SIZE) as pilot:
        clock.advance(59)
        await _settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        clock.advance(2)
        await _settle(pilot)
        assert isinstance(app.screen, LockScreen)


async def test_nothing_locks_before_login(register) -> None:
    clock = FakeClock()
    app = make_app(register, user=None, offer_drafts=False, idle_clock=clock, idle_check_seconds=CHECK)
    async with app.run_test(size=SIZE) as pilot:
        clock.advance(3600)
        await _settle(pilot)
        await type_keys(pilot, "ctrl+l")
        await pilot.pause()
        assert not isinstance(app.screen, LockScreen)
    assert _audit(register, "kunci") == []


async def test_lock_clears_toasts_that_name_a_patient(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f3", *"Aisyah", "enter")
        await pilot.pause()
        app.notify("Umur 1t3b: formulir balita sakit.", title="Aisyah Putri")  # a toast naming a child
        await pilot.pause()
        assert any("Aisyah" in (n.title or "") + n.message for n in app._notifications)
        await type_keys(pilot, "ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        assert list(app._notifications) == []
        assert "Aisyah" not in _shown(app)
