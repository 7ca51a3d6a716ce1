"""Login and first run, through the real login screen (keys only); assertions on the database."""
from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from conftest import FIXED_NOW, SIZE, add_account, keys_handled, make_app, password_of, type_keys
from textual.widgets import Static

from mtbs_tui.screens.home import HomeScreen
from mtbs_tui.screens.login import FirstRunScreen, LoginScreen

pytestmark = pytest.mark.timeout(60)

# test_login_with_the_right_password_opens_home types its login key by key with Pilot; the other
# tests type in one burst through the app's key gate (conftest.type_keys), which hands the keys over
# one at a time as if typed slowly (test_typing_ahead_logs_in: a burst logs in as slow typing does).


def _keys(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


def _message(app) -> str:
    return str(app.screen.query_one("#login-message", Static).render())


def _audit(register, action: str) -> list[tuple]:
    return register.db.execute("SELECT actor, patient_id, workstation FROM audit WHERE action = ?",
                               [action]).fetchall()


async def test_login_with_the_right_password_opens_home(register) -> None:
    add_account(register, "bidan")
    app = make_app(register, user=None, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LoginScreen)
        await pilot.press(*"bidan", "enter", *password_of("bidan"), "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.user is not None and app.user.username == "bidan" and app.user.role == "klinis"
        assert app.actor == "bidan"
    rows = _audit(register, "login")
    assert [r[0] for r in rows] == ["bidan"] and rows[0][2]  # who, and from which computer


async def test_typing_ahead_logs_in(register) -> None:
    """A login typed in one burst (faster than the app handles keys, as on a busy old PC or from
    tmux send-keys): the Enter after the name moves on before the password's first letter arrives."""
    from textual import events

    add_account(register, "bidan")
    app = make_app(register, user=None, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in [*"bidan", "enter", *password_of("bidan"), "enter"]:
            char = key if len(key) == 1 else "\r"
            app._driver.send_message(events.Key(key, char))
        await keys_handled(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.user is not None and app.user.username == "bidan"


async def test_the_password_is_masked(register) -> None:
    add_account(register, "bidan")
    app = make_app(register, user=None, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, *"bidan", "enter", *"rahasia1")
        await pilot.pause()
        assert "rahasia1" not in app.export_screenshot()
        assert "bidan" in app.export_screenshot()


async def test_wrong_password_is_refused_and_recorded(register) -> None:
    add_account(register, "bidan")
    app = make_app(register, user=None, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, *"bidan", "enter", *"salah-sandi", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.user is None
        assert "salah" in _message(app)
    assert _audit(register, "login.gagal") == [("bidan", None, _audit(register, "login.gagal")[0][2])]
    assert _audit(register, "login") == []
    assert register.db.execute("SELECT failed_count FROM users WHERE username='bidan'").fetchone()[0] == 1


async def test_failed_logins_slow_down_even_the_right_password(register) -> None:
    add_account(register, "bidan")
    moment = {"now": FIXED_NOW}
    app = make_app(register, user=None, offer_drafts=False, clock=lambda: moment["now"])
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, *"bidan", "enter")
        for _ in range(3):
            await type_keys(pilot, *"salah-sandi", "enter")  # focus stays on the password after a failure
            await pilot.pause()
        await type_keys(pilot, *password_of("bidan"), "enter")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.user is None
        assert "coba lagi dalam 2 detik" in _message(app)
        # Two seconds later (the app clock, not a real wait) the right password works.
        moment["now"] = FIXED_NOW + timedelta(seconds=3)
        await type_keys(pilot, *password_of("bidan"), "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.user.username == "bidan"
    assert len(_audit(register, "login.gagal")) == 3


async def test_a_disabled_account_cannot_log_in(register) -> None:
    add_account(register, "bidan", active=False)
    app = make_app(register, user=None, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, *"bidan", "enter", *password_of("bidan"), "enter")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.user is None
        assert "dinonaktifkan" in _message(app)
        right = _message(app)
        # A wrong password gets the same answer: the screen never confirms a disabled account's password.
        await type_keys(pilot, *"salah-sandi", "enter")
        await pilot.pause()
        assert _message(app) == right


async def test_a_locked_account_is_told_it_is_locked(register) -> None:
    from mtbs_tui import accounts

    add_account(register, "kepala")  # the head, who can lift the lock
    add_account(register, "bidan")
    register.db.execute("UPDATE users SET failed_count = ? WHERE username = 'bidan'", [accounts.LOCKOUT_FAILURES])
    register.db.conn.commit()
    app = make_app(register, user=None, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, *"bidan", "enter", *password_of("bidan"), "enter")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.user is None
        assert "terkunci" in _message(app) and "kepala puskesmas" in _message(app)


async def test_first_run_creates_the_head_account_and_logs_in(empty_register) -> None:
    register = empty_register
    app = make_app(register, user=None, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, FirstRunScreen)
        await type_keys(pilot, *_keys("dr. Hadi Prasetyo"), "enter", *"hadi", "enter",
                          *"sandi-kepala", "enter", *"sandi-lain", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FirstRunScreen)
        assert "tidak sama" in _message(app)
        assert register.db.execute("SELECT count(*) FROM users").fetchone()[0] == 0
        await type_keys(pilot, *"sandi-kepala", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.user.username == "hadi" and app.user.role == "kepala"
    rows = register.db.execute("SELECT username, full_name, role, active FROM users").fetchall()
    assert rows == [("hadi", "dr. Hadi Prasetyo", "kepala", 1)]
    assert [r[0] for r in _audit(register, "akun.tambah")] == ["hadi"]
    assert [r[0] for r in _audit(register, "login")] == ["hadi"]


async def test_first_run_refuses_a_short_password(empty_register) -> None:
    app = make_app(empty_register, user=None, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, *"Ani", "enter", *"ani", "enter", *"pendek", "enter", *"pendek", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FirstRunScreen)
        assert "minimal 8" in _message(app)
    assert empty_register.db.execute("SELECT count(*) FROM users").fetchone()[0] == 0


async def test_demo_register_shows_the_demo_accounts(register) -> None:
    add_account(register, "kepala")
    register.set_facility(name="Puskesmas Sukamaju (DEMO)")
    app = make_app(register, user=None, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        hint = str(app.screen.query_one("#demo-hint", Static).render())
        assert "kepala" in hint and "bidan" in hint and "daftar" in hint and "tinjau" in hint
        assert "-demo" in hint
        await type_keys(pilot, *"kepala", "enter", *password_of("kepala"), "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.user.role == "kepala"


async def test_a_real_register_shows_no_demo_hint(register) -> None:
    add_account(register, "kepala")
    app = make_app(register, user=None, offer_drafts=False)
    async with app.run_test(size=SIZE):
        assert not app.screen.query("#demo-hint")


# The two small pure modules the header's age and colour texts need (a few ms, no tables): the
# rules package itself loads its public names only when first used.
_LIGHT_RULES = ("mtbs_tui.rules", "mtbs_tui.rules.age", "mtbs_tui.rules.codes")


def test_the_login_screen_imports_no_home_screen_or_forms() -> None:
    """Nor the register or the chart tables: `mtbs tui` draws the login screen before importing
    sqlite_utils or the engine."""
    code = ("import sys; import mtbs_tui.app, mtbs_tui.screens.login, mtbs_tui.commands.tui, mtbs_tui.dbfile; "
            "print(sorted(m for m in sys.modules if m.startswith(('mtbs_tui.screens.home', "
            "'mtbs_tui.screens.visit_form', 'mtbs_tui.screens.summary', 'mtbs_tui.widgets', "
            "'mtbs_tui.rules', 'argon2', 'sqlite_utils', 'mtbs_tui.register', 'mtbs_tui.db'))"
            f" and m != 'mtbs_tui.dbfile' and m not in {_LIGHT_RULES!r}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# --- `mtbs tui` draws the login screen before the register is open ------------------------------

def _closed_register_path(register, *, demo: bool = False, accounts: tuple[str, ...] = ("bidan",)):
    for name in accounts:
        add_account(register, name)
    if demo:
        register.set_facility(name="Puskesmas Sukamaju (DEMO)")
    path = register.path
    register.close()
    return path


async def test_the_login_screen_comes_first_then_the_register_fills_it_in(register) -> None:
    from mtbs_tui.app import MtbsApp

    path = _closed_register_path(register, demo=True)
    app = MtbsApp(db_path=path, clock=lambda: FIXED_NOW, offer_drafts=False)
    opened_at_first_paint = []
    async with app.run_test(size=SIZE) as pilot:
        # The first screen needs no register: it is drawn while the register is still closed.
        opened_at_first_paint.append(app.open_register is not None)
        assert isinstance(app.screen, LoginScreen)
        await pilot.pause()
        assert app.register is not None and app.register.path == path
        title = str(app.screen.query_one("#login-title", Static).render())
        assert "Puskesmas Sukamaju (DEMO)" in title
        assert "-demo" in str(app.screen.query_one("#demo-hint", Static).render())
        await type_keys(pilot, *"bidan", "enter", *password_of("bidan"), "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.user.username == "bidan"
    app.register.close()
    assert opened_at_first_paint == [False]


async def test_keys_typed_before_the_register_opens_still_log_in(register) -> None:
    from textual import events

    from mtbs_tui.app import MtbsApp

    path = _closed_register_path(register)
    app = MtbsApp(db_path=path, clock=lambda: FIXED_NOW, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        # The whole login in one burst, queued before the app had a chance to open the register.
        for key in [*"bidan", "enter", *password_of("bidan"), "enter"]:
            app._driver.send_message(events.Key(key, key if len(key) == 1 else "\r"))
        await keys_handled(pilot)
        assert isinstance(app.screen, HomeScreen) and app.user.username == "bidan"
    app.register.close()


async def test_a_register_without_accounts_turns_the_login_into_the_first_run(empty_register) -> None:
    from mtbs_tui.app import MtbsApp

    path = _closed_register_path(empty_register, accounts=())
    app = MtbsApp(db_path=path, clock=lambda: FIXED_NOW, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FirstRunScreen)
        assert app.screen.focused is not None and app.screen.focused.id == "full_name"
    app.register.close()


async def test_a_register_that_cannot_be_opened_ends_the_app_with_one_line(tmp_path) -> None:
    """Not an MTBS register (a SQLite file of another program): found when the app opens it."""
    import sqlite3

    from mtbs_tui.app import MtbsApp

    other = tmp_path / "lain.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE belanja(x)")
    conn.commit()
    conn.close()
    app = MtbsApp(db_path=other, clock=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert app.open_register is None and app.return_code == 2
    assert app.open_error.startswith("galat: ") and "\n" not in app.open_error
    assert "bukan database register MTBS" in app.open_error


async def test_a_login_typed_ahead_on_a_register_without_accounts_becomes_the_first_run(empty_register) -> None:
    from textual import events

    from mtbs_tui.app import MtbsApp

    path = _closed_register_path(empty_register, accounts=())
    app = MtbsApp(db_path=path, clock=lambda: FIXED_NOW, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        for key in [*"bidan", "enter", *"rahasia12", "enter"]:
            app._driver.send_message(events.Key(key, key if len(key) == 1 else "\r"))
        await keys_handled(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        # The swapped-out login did not go on to check a password against an empty register.
        assert _audit(app.register, "login.gagal") == []
        assert app.user is None
    app.register.close()


async def test_a_register_found_damaged_while_logging_in_is_a_message_not_a_crash(register, monkeypatch) -> None:
    from mtbs_tui.register import RegisterError

    add_account(register, "bidan")
    app = make_app(register, user=None, offer_drafts=False)

    def damaged() -> None:
        raise RegisterError("database rusak (quick_check: halaman 7); data tidak dapat disimpan", kind="rusak")

    monkeypatch.setattr(register, "_require_healthy", damaged)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, *"bidan", "enter", *password_of("bidan"), "enter")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.user is None
        assert "Database rusak" in _message(app)


async def test_an_upgrade_at_start_up_is_announced_on_the_login_screen(tmp_path) -> None:
    """An older register is backed up and upgraded when the app opens it (seconds on a big file):
    the login screen says so while it runs, and the message goes once the register is open."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from test_migration import make_v1

    from mtbs_tui import dbfile
    from mtbs_tui.app import MtbsApp

    old = tmp_path / "lama.db"
    make_v1(old, patients=3)
    assert dbfile.open_needs_work(old)
    app = MtbsApp(db_path=old, clock=lambda: FIXED_NOW, offer_drafts=False)
    seen = []
    async with app.run_test(size=SIZE) as pilot:
        seen.append(_message(app))
        await pilot.pause()
        assert app.register is not None and app.register.schema_version == dbfile.SCHEMA_VERSION
        assert isinstance(app.screen, FirstRunScreen)  # the old register had no accounts
    app.register.close()
    assert "mohon tunggu" in seen[0]
    assert not dbfile.open_needs_work(old)  # upgraded and in WAL: the next start is quick


def test_a_current_register_opens_without_the_upgrade_message(register) -> None:
    from mtbs_tui import dbfile

    path = register.path
    register.close()
    assert not dbfile.open_needs_work(path)
