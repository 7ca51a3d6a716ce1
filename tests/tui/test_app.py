"""`mtbs tui` start and stop: one Indonesian line on bad files, the register closed on quit."""
from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import SIZE, add_account, build_register, make_app, password_of, type_keys, until

from mtbs_tui.commands import tui

pytestmark = pytest.mark.timeout(120)


def _headless(monkeypatch: pytest.MonkeyPatch, keys: tuple[str, ...] = ("ctrl+q",)) -> list:
    """Make MtbsApp.run headless and press `keys`; returns the apps that ran."""
    from textual.app import App

    from mtbs_tui.app import MtbsApp

    ran: list = []

    def run(self, *args, **kwargs):  # noqa: ANN001, ANN202
        async def pilot_keys(pilot) -> None:  # noqa: ANN001
            await pilot.pause()
            ran.append(self)
            typed, last = keys[:-1], keys[-1:]
            if typed:  # through the key gate in one burst (conftest.type_keys)
                await type_keys(pilot, *typed)
            await pilot.press(*last)  # Ctrl+Q ends the app: nothing is left to wait for after it

        return App.run(self, headless=True, size=SIZE, auto_pilot=pilot_keys)

    monkeypatch.setattr(MtbsApp, "run", run)
    return ran


def test_missing_database_says_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = tui.run(tmp_path / "tidak-ada.db")
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("galat: ")
    assert "mtbs init" in err and "mtbs demo" in err
    assert not (tmp_path / "tidak-ada.db").exists()  # never created by accident


def test_damaged_file_is_one_line_and_no_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "rusak.db"
    bad.write_bytes(b"bukan database sqlite" * 100)
    status = tui.run(bad)
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("galat: ")
    assert "Traceback" not in err


def test_real_command_reports_a_missing_database(tmp_path: Path, mtbs_exe: Path) -> None:
    done = subprocess.run([str(mtbs_exe), "--db", str(tmp_path / "x.db"), "tui"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().startswith("galat: ") and "mtbs init" in done.stderr
    assert "Traceback" not in done.stderr


def test_run_opens_the_app_and_closes_the_register_on_quit(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "mtbs.db"
    built = build_register(path)
    add_account(built, "bidan")
    built.close()
    ran = _headless(monkeypatch, ("b", "i", "d", "a", "n", "enter", *password_of("bidan"), "enter", "ctrl+q"))
    status = tui.run(path)
    assert status == 0
    assert len(ran) == 1 and ran[0].register.path == path
    assert ran[0].user is not None and ran[0].user.username == "bidan"  # logged in, then quit
    # Closed: the WAL was checkpointed into the file, and the connection no longer works.
    wal = Path(str(path) + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    with pytest.raises(sqlite3.ProgrammingError):
        ran[0].register.db.execute("SELECT 1")


def test_demo_creates_the_demo_register_when_missing(monkeypatch, _isolated_data_dir: Path) -> None:
    from mtbs_tui.paths import demo_db_path

    monkeypatch.setattr("mtbs_tui.commands.tui._DEMO_SIZE", (20, 60))
    ran = _headless(monkeypatch)
    assert not demo_db_path().exists()
    status = tui.run(Path("diabaikan.db"), demo=True, db_chosen=False)
    assert status == 0
    assert demo_db_path().exists()
    assert ran[0].register.path == demo_db_path()


async def test_header_shows_facility_user_and_clock(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        from mtbs_tui.widgets.chrome import TopBar

        line = str(app.screen.query_one(TopBar).render())
        assert "Puskesmas Sukamaju" in line and "bidan.sari" in line
        assert "Senin 23-11-2026 08:12" in line
        await pilot.press("ctrl+q")
    assert app.return_code in (0, None)


def test_actor_comes_from_mtbs_user(monkeypatch) -> None:
    from mtbs_tui.app import default_actor

    monkeypatch.setenv("MTBS_USER", "perawat.ani")
    assert default_actor() == "perawat.ani"
    monkeypatch.delenv("MTBS_USER")
    assert default_actor()


def test_age_text() -> None:
    from datetime import date

    from mtbs_tui.display import age_text

    on = date(2026, 11, 23)
    assert age_text("2026-11-11", on) == "12hr"
    assert age_text("2026-09-24", on) == "1b"  # day 60: no longer a young infant
    assert age_text("2025-08-10", on) == "1t3b"
    assert age_text("2024-11-23", on) == "2t"
    assert age_text(None, on) == "?"


async def test_a_damaged_file_found_by_the_background_check_is_reported(register) -> None:
    answers = iter([None, None, "mtbs.db: database rusak (quick_check: halaman 7)"])
    last = {"value": None}

    def health(**_kwargs):  # noqa: ANN202
        last["value"] = next(answers, last["value"])
        return last["value"]

    register.health = health
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        # The third background check (every 0.5 s) finds the damage.
        await until(pilot, lambda: "Database rusak" in [n.title for n in app._notifications], within=5,
                    what="the damage found by the background check is not reported")
        titles = [n.title for n in app._notifications]
        messages = [n.message for n in app._notifications]
    assert "Database rusak" in titles
    assert any("quick_check: halaman 7" in m and "mtbs restore" in m for m in messages)


def test_quit_makes_the_end_of_day_backup_once(tmp_path: Path, monkeypatch, capsys) -> None:
    from mtbs_tui.backup import backup_dir_for, list_backups

    path = tmp_path / "mtbs.db"
    build_register(path).close()
    _headless(monkeypatch)
    assert tui.run(path) == 0
    folder = backup_dir_for(path)
    assert len(list_backups(folder, path.stem)) == 1
    first = capsys.readouterr().err
    assert tui.run(path) == 0  # the same day: no second backup, and no second warning
    assert len(list_backups(folder, path.stem)) == 1
    assert capsys.readouterr().err == ""
    # No encryption key set: the day's backup says so, in one line.
    assert first.count("\n") == 1 and first.startswith("peringatan: cadangan harian TIDAK dienkripsi")
    assert "mtbs backup --set-key" in first


def test_an_encrypted_end_of_day_backup_needs_no_warning(tmp_path: Path, monkeypatch, capsys) -> None:
    pyrage = pytest.importorskip("pyrage")
    from mtbs_tui.backup import SETTING_PUBLIC_KEY, backup_dir_for, list_backups

    path = tmp_path / "mtbs.db"
    built = build_register(path)
    built.set_setting(SETTING_PUBLIC_KEY, str(pyrage.x25519.Identity.generate().to_public()), actor="tes")
    built.close()
    _headless(monkeypatch)
    assert tui.run(path) == 0
    made = list_backups(backup_dir_for(path), path.stem)
    assert len(made) == 1 and made[0].path.name.endswith(".age")
    assert capsys.readouterr().err == ""


def test_a_failed_end_of_day_backup_is_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    from mtbs_tui.backup import BackupError

    path = tmp_path / "mtbs.db"
    build_register(path).close()
    _headless(monkeypatch)

    def fail(_path, **_kwargs):  # noqa: ANN001, ANN202
        raise BackupError("galat: cadangan: disk penuh")

    monkeypatch.setattr("mtbs_tui.backup.auto_backup_if_due", fail)
    assert tui.run(path) == 0
    assert capsys.readouterr().err == "galat: cadangan: disk penuh\n"


def test_no_end_of_day_backup_of_the_demo_register(tmp_path: Path, monkeypatch) -> None:
    from mtbs_tui.backup import backup_dir_for, list_backups

    path = tmp_path / "demo.db"
    built = build_register(path)
    built.set_facility(name="Puskesmas Sukamaju (DEMO)")
    built.close()
    _headless(monkeypatch)
    assert tui.run(path) == 0
    assert list_backups(backup_dir_for(path), path.stem) == []


def test_a_file_refused_when_the_app_opens_it_is_one_line_and_exit_2(tmp_path: Path, monkeypatch, capsys) -> None:
    """The login screen is drawn before the register opens; a refusal then still ends `mtbs tui`
    with one Indonesian line and status 2, and no end-of-day backup of a file that never opened."""
    import sqlite3

    other = tmp_path / "lain.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE belanja(x)")
    conn.commit()
    conn.close()
    ran = _headless(monkeypatch, ())
    status = tui.run(other)
    err = capsys.readouterr().err
    assert status == 2 and len(ran) == 1 and ran[0].open_register is None
    assert err.count("\n") == 1 and err.startswith("galat: ") and "bukan database register MTBS" in err
    assert not (tmp_path / "cadangan").exists()


def test_quitting_before_the_register_opened_makes_no_backup(tmp_path: Path, monkeypatch, capsys) -> None:
    """^Q can arrive before the app opened the register (keys typed during start-up): the file was
    never opened or checked, so there is nothing to back up and nothing to report."""
    from mtbs_tui.app import MtbsApp
    from mtbs_tui.backup import backup_dir_for, list_backups

    path = tmp_path / "mtbs.db"
    build_register(path).close()
    monkeypatch.setattr(MtbsApp, "ensure_register", lambda self: False)  # the open never got its turn
    ran = _headless(monkeypatch)
    assert tui.run(path) == 0
    assert ran[0].open_register is None
    assert list_backups(backup_dir_for(path), path.stem) == []
    assert capsys.readouterr().err == ""


def test_a_folder_is_refused_in_one_line(tmp_path: Path, capsys) -> None:
    status = tui.run(tmp_path)
    err = capsys.readouterr().err
    assert status == 2 and err == f"galat: {tmp_path}: ini folder, bukan berkas database\n"
