"""F8 Pengguna (kepala): add, disable/enable and reset a password with keys only; users.* audits."""
from __future__ import annotations

import pytest
from conftest import SIZE, make_app, type_keys
from textual.widgets import Static

from mtbs_tui.screens.users_admin import AccountDialog, UsersAdminScreen

pytestmark = pytest.mark.timeout(60)


def _users(register) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in register.db.execute("SELECT username, full_name, role, active FROM users")}


def _audit(register) -> list[tuple]:
    return register.db.execute("SELECT actor, action, detail FROM audit WHERE action LIKE 'akun.%' ORDER BY id").fetchall()


async def test_head_adds_disables_and_resets_with_keys(register) -> None:
    app = make_app(register, user="kepala", offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f8")
        await pilot.pause()
        assert isinstance(app.screen, UsersAdminScreen)
        await type_keys(pilot, "f2")
        await pilot.pause()
        assert isinstance(app.screen, AccountDialog)
        await type_keys(pilot, *"Ani", "space", *"Lestari", "enter", *"ani", "enter", "9")
        await pilot.pause()
        assert "Peran: pilih angka (1=" in str(app.screen.query_one("#account-help").render())  # said, not dropped
        await type_keys(pilot, "1", "enter", *"sandi-ani-1", "enter", *"sandi-ani-1", "enter")
        await pilot.pause()
        assert isinstance(app.screen, UsersAdminScreen)  # the role key 9 was not taken; 1 was
        assert _users(register)["ani"] == ("Ani Lestari", "pendaftaran", 1)

        # F3 on the selected row (the list is sorted: ani first) disables, F3 again enables.
        await type_keys(pilot, "f3")
        await pilot.pause()
        assert _users(register)["ani"][2] == 0
        await type_keys(pilot, "f3")
        await pilot.pause()
        assert _users(register)["ani"][2] == 1

        # F4: a new password (twice); a mismatch is refused first.
        await type_keys(pilot, "f4")
        await pilot.pause()
        await type_keys(pilot, *"sandi-baru-1", "enter", *"sandi-beda-1", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountDialog)
        assert "tidak sama" in str(app.screen.query_one("#account-help", Static).render())
        await type_keys(pilot, *"sandi-baru-1", "enter")
        await pilot.pause()
        assert isinstance(app.screen, UsersAdminScreen)
    from mtbs_tui.users import authenticate

    assert authenticate(register, "ani", "sandi-baru-1").username == "ani"
    assert [(a, act) for a, act, _ in _audit(register)] == [
        ("kepala", "akun.tambah"), ("kepala", "akun.nonaktifkan"), ("kepala", "akun.aktifkan"),
        ("kepala", "akun.ganti_sandi")]


async def test_a_bad_username_is_refused_and_nothing_is_added(register) -> None:
    app = make_app(register, user="kepala", offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f8", "f2")
        await pilot.pause()
        await type_keys(pilot, *"Budi", "enter", *"B", "space", "enter", "2", "enter",
                          *"sandi-budi-1", "enter", *"sandi-budi-1", "enter")
        await pilot.pause()
        assert isinstance(app.screen, UsersAdminScreen)
        message = str(app.screen.query_one("#users-message", Static).render())
        assert message.startswith("Nama pengguna:")
    assert set(_users(register)) == {"kepala"}


async def test_the_head_cannot_disable_their_own_account(register) -> None:
    app = make_app(register, user="kepala", offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f8", "f3")
        await pilot.pause()
        assert "sendiri" in str(app.screen.query_one("#users-message", Static).render())
    assert _users(register)["kepala"][2] == 1


async def test_head_sees_a_locked_account_and_lifts_the_lock_with_f5(register) -> None:
    from mtbs_tui import accounts
    from mtbs_tui.users import authenticate

    app = make_app(register, user="kepala", offer_drafts=False)
    from conftest import add_account

    add_account(register, "bidan")
    register.db.execute("UPDATE users SET failed_count = ? WHERE username = 'bidan'", [accounts.LOCKOUT_FAILURES])
    register.db.conn.commit()
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f8")
        await pilot.pause()
        assert isinstance(app.screen, UsersAdminScreen)
        assert "TERKUNCI" in app.export_screenshot()
        await type_keys(pilot, "f5")  # the list is sorted: bidan first
        await pilot.pause()
        assert "dibuka" in str(app.screen.query_one("#users-message", Static).render())
        assert "TERKUNCI" not in app.export_screenshot()
    assert authenticate(register, "bidan", "bidan-demo").username == "bidan"
    assert _audit(register)[-1][:2] == ("kepala", "akun.buka_kunci")
