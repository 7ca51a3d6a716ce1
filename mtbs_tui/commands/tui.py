"""`mtbs tui`: open the register and run the Textual app.

Failures before the app starts are one Indonesian line on stderr and exit status 2 (never a
traceback). On quit the register is closed, which checkpoints the WAL into the database file.
"""
from __future__ import annotations

import sys
from pathlib import Path

# Size of the demo register made on first `mtbs tui --demo` (the same as `mtbs demo`'s default).
_DEMO_SIZE = (300, 1200)


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _make_demo(path: Path) -> int:
    """Create the demo register with the demo generator; 0 on success."""
    from mtbs_tui.commands.demo import run as demo_run

    print("Membuat database demo (sekali saja)...", file=sys.stderr)
    patients, visits = _DEMO_SIZE
    return int(demo_run(path, patients=patients, visits=visits, if_missing=True, seed=2026) or 0)


def run(db_path: Path, *, demo: bool = False, db_chosen: bool = False) -> int:
    """Open `db_path` (or the demo register) and run the app until the user quits."""
    from mtbs_tui.dbfile import DatabaseError, check_existing_file, refuse_network_path

    path = Path(db_path)
    if demo and not db_chosen:
        from mtbs_tui.paths import demo_db_path

        path = demo_db_path()
    if demo and not path.exists():
        status = _make_demo(path)
        if status:
            return status
    if not path.exists():
        _say(f"galat: database {path} belum ada; jalankan `mtbs init` untuk register baru "
             "atau `mtbs demo` untuk mencoba dengan data contoh")
        return 2
    # What can be refused without SQLite is refused before the screen changes: a network share, a
    # file that is not SQLite or is cut short. The rest (schema, quick_check) the app finds when it
    # opens the register, right after drawing the login screen.
    try:
        refuse_network_path(path)
        check_existing_file(path)
    except DatabaseError as exc:
        _say(str(exc))
        return 2
    from mtbs_tui.app import MtbsApp

    app = MtbsApp(db_path=path)  # the login screen (or the first-run screen) first
    is_demo = demo
    try:
        app.run()
        return_code = app.return_code
        is_demo = is_demo or app.is_demo
    finally:
        if app.open_register is not None:
            try:
                app.open_register.close()
            except Exception as exc:  # noqa: BLE001 - closing must not hide the app's own outcome
                _say(f"galat: database tidak tertutup dengan rapi: {exc}")
    if app.open_error is not None:
        _say(app.open_error)
        return 2
    for line in app.exit_lines:  # what quitting kept (a visit draft), after the screen is restored
        print(line)
    if app.open_register is None:
        return int(return_code or 0)  # quit before the register was even opened: nothing to back up
    if not is_demo:
        _auto_backup(path)
    return int(return_code or 0)


def _auto_backup(path: Path) -> None:
    """The end-of-day backup (one per calendar day); a failure is one Indonesian line."""
    from mtbs_tui.backup import AGE_SUFFIX, BackupError, auto_backup_if_due

    try:
        made = auto_backup_if_due(path)
    except BackupError as exc:
        _say(exc.message if exc.message.startswith("galat") else f"galat: {exc.message}")
        return
    if made is not None and not made.name.endswith(AGE_SUFFIX):
        # Once a day, like the backup itself: patient data in a copy anyone with the PC can read.
        _say(f"peringatan: cadangan harian TIDAK dienkripsi ({made.name}); kepala puskesmas: buat kunci "
             "dengan age-keygen, lalu mtbs backup --set-key age1...")


def run_practice(path: Path | None, *, participant: str | None = None) -> int:
    """`mtbs latihan`: the practice screens on a practice file (created when it is the default one);
    never the clinical register (a register given here is refused before it is opened)."""
    from mtbs_tui.latihan.store import PracticeError, PracticeStore

    if path is None:
        from mtbs_tui.paths import practice_db_path

        chosen, create = practice_db_path(), True
    else:
        chosen, create = Path(path), False
    try:
        store = PracticeStore.open(chosen, create=create)
    except PracticeError as exc:
        _say(str(exc))
        return 2
    try:
        from mtbs_tui.screens.latihan import PracticeApp

        app = PracticeApp(store, participant)
        app.run()
        return int(app.return_code or 0)
    finally:
        store.close()
