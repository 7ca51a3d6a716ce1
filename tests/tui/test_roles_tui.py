"""The role x action table through the TUI: each role presses the keys of each protected action.

Refused: the screen does not change, nothing is written, a notification says why. Allowed: the
screen of the action opens. The same table (mtbs_tui.accounts.ACTIONS) is run through the CLI by
the CLI tests.
"""
from __future__ import annotations

import pytest
from conftest import SIZE, add_account, make_app, type_keys

from mtbs_tui.accounts import allowed
from mtbs_tui.screens.home import HomeScreen
from mtbs_tui.screens.patients import NewPatientScreen, PatientScreen, PatientSearchScreen
from mtbs_tui.screens.register_view import RegisterScreen, VisitScreen

pytestmark = pytest.mark.timeout(90)

ROLES = {"kepala": "kepala", "bidan": "klinis", "daftar": "pendaftaran", "tinjau": "peninjau"}


def _notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def _footer(app) -> str:
    from mtbs_tui.widgets.chrome import KeyBar

    return str(app.screen.query_one(KeyBar).key_text())


def _shown(app) -> str:
    import html

    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


def _counts(register) -> tuple[int, int, int]:
    db = register.db
    return (db.execute("SELECT count(*) FROM patients").fetchone()[0],
            db.execute("SELECT count(*) FROM visits").fetchone()[0],
            db.execute("SELECT count(*) FROM users").fetchone()[0])


async def _refused(pilot, screen_before) -> None:
    await pilot.pause()
    app = pilot.app
    assert app.screen is screen_before
    assert any("akses ditolak" in note for note in _notes(app)), _notes(app)


@pytest.mark.parametrize("username", list(ROLES))
async def test_home_keys_by_role(register, username) -> None:
    role = ROLES[username]
    app = make_app(register, user=username, offer_drafts=False)
    before = _counts(register)
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        footer = _footer(app)
        assert ("F2 Baru" in footer) == allowed(role, "visit.create")
        assert ("F4 Register" in footer) == allowed(role, "visit.view")
        assert ("F8 Akun" in footer) == allowed(role, "user.manage")
        assert "F3 Cari" in footer and "F1 Bantuan" in footer  # F1 lists ^Q Keluar when it has no room
        assert len(footer.rstrip()) <= 80
        shown = _shown(app)
        assert "Aisyah Putri" in shown  # who came today: every role
        assert ("PNEUMONIA" in shown) == allowed(role, "visit.view")  # clinical content: not all

        # F2 Baru (visit.create)
        await type_keys(pilot, "f2")
        if allowed(role, "visit.create"):
            await pilot.pause()
            assert isinstance(app.screen, PatientSearchScreen)
            await type_keys(pilot, "escape")
            await pilot.pause()
        else:
            await _refused(pilot, home)
            assert "mencatat kunjungan" in _notes(app)[-1]
        # F4 Register (visit.view)
        await type_keys(pilot, "f4")
        if allowed(role, "visit.view"):
            await pilot.pause()
            assert isinstance(app.screen, RegisterScreen)
            await type_keys(pilot, "escape")
            await pilot.pause()
        else:
            await _refused(pilot, home)
        # F8 Pengguna (user.manage)
        await type_keys(pilot, "f8")
        await pilot.pause()
        if allowed(role, "user.manage"):
            from mtbs_tui.screens.users_admin import UsersAdminScreen

            assert isinstance(app.screen, UsersAdminScreen)
            await type_keys(pilot, "escape")
            await pilot.pause()
        else:
            await _refused(pilot, home)
        # Enter on a visit of today (visit.view): the visit view, with a kunjungan.lihat row.
        await type_keys(pilot, "enter")
        await pilot.pause()
        if allowed(role, "visit.view"):
            assert isinstance(app.screen, VisitScreen)
        else:
            await _refused(pilot, home)
    assert _counts(register) == before
    seen = register.db.execute("SELECT actor, patient_id, detail FROM audit WHERE action = 'kunjungan.lihat'").fetchall()
    if allowed(role, "visit.view"):
        assert len(seen) == 1 and seen[0][0] == username and seen[0][1] is not None
    else:
        assert seen == []


@pytest.mark.parametrize("username", list(ROLES))
async def test_patient_keys_by_role(register, username) -> None:
    role = ROLES[username]
    app = make_app(register, user=username, offer_drafts=False)
    before = _counts(register)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f3")
        await pilot.pause()
        search = app.screen
        assert isinstance(search, PatientSearchScreen)
        assert ("F2 Pasien baru" in _footer(app)) == allowed(role, "patient.create")
        await type_keys(pilot, "f2")
        if allowed(role, "patient.create"):
            await pilot.pause()
            assert isinstance(app.screen, NewPatientScreen)
            await type_keys(pilot, "escape")
            await pilot.pause()
        else:
            await _refused(pilot, search)
        await type_keys(pilot, *"Aisyah")
        await pilot.pause()
        await type_keys(pilot, "enter")
        await pilot.pause()
        page = app.screen
        assert isinstance(page, PatientScreen)  # every role may see the identity
        # ...but the history's classifications only a role that may view visits (as on Beranda).
        assert ("PNEUMONIA" in _shown(app)) == allowed(role, "visit.view")
        footer = _footer(app)
        assert ("F2 Kunjungan baru" in footer) == allowed(role, "visit.create")
        assert ("F4 Ubah data" in footer) == allowed(role, "patient.edit")
        await type_keys(pilot, "f4")
        if allowed(role, "patient.edit"):
            await pilot.pause()
            assert isinstance(app.screen, NewPatientScreen)
            await type_keys(pilot, "escape")
            await pilot.pause()
        else:
            await _refused(pilot, page)
        await type_keys(pilot, "f2")
        await pilot.pause()
        if allowed(role, "visit.create"):
            assert app.screen is not page and type(app.screen).__name__ == "VisitFormScreen"
        else:
            await _refused(pilot, page)
    assert _counts(register)[0] == before[0]
    viewed = register.db.execute("SELECT actor, patient_id FROM audit WHERE action = 'pasien.lihat'").fetchall()
    assert viewed == [(username, register.ids["aisyah"])]  # once per opening


@pytest.mark.parametrize("username", ["bidan.sari", "bidan", "kepala"])
async def test_correction_only_by_the_author_or_the_head(register, username) -> None:
    """The register's visits were recorded by bidan.sari (klinis)."""
    app = make_app(register, user=username, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f4", "enter")
        await pilot.pause()
        view = app.screen
        assert isinstance(view, VisitScreen)
        await type_keys(pilot, "f2")
        await pilot.pause()
        if username == "bidan":
            await _refused(pilot, view)
            assert "hanya kepala puskesmas" in _notes(app)[-1]
        else:
            assert type(app.screen).__name__ == "VisitFormScreen"
            assert app.screen.correct_visit_id == view.visit_id
    assert register.db.execute("SELECT count(*) FROM visits WHERE supersedes_id IS NOT NULL").fetchone()[0] == 0


async def test_a_disabled_user_is_refused_everything(register) -> None:
    add_account(register, "bidan")
    register.db.execute("UPDATE users SET active = 0 WHERE username = 'bidan'")
    register.db.conn.commit()
    app = make_app(register, user="bidan", offer_drafts=False)
    app.user = app.user.__class__(app.user.id, "bidan", "Bidan Rina", "klinis", False)
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        await type_keys(pilot, "f2")
        await _refused(pilot, home)
        assert "dinonaktifkan" in _notes(app)[-1]


async def test_head_opens_accounts_from_the_drafts_panel(register) -> None:
    """F8 Akun works wherever the focus is on Beranda: on the drafts panel it gives way in the
    key bar to "Del Hapus" but still opens the accounts (it did nothing there)."""
    from textual.widgets import OptionList

    from mtbs_tui.screens.users_admin import UsersAdminScreen

    app = make_app(register, user="kepala", offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#drafts", OptionList).focus()
        await pilot.pause()
        assert len(_footer(app).rstrip()) <= 80
        await type_keys(pilot, "f8")
        await pilot.pause()
        assert isinstance(app.screen, UsersAdminScreen)
