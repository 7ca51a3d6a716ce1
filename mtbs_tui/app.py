"""The Textual application shell: the open register, the acting user, roles, the idle lock and the clock.

Only `mtbs tui` imports this module. It must stay light: the home screen is imported here, every
other screen is imported inside the action that pushes it, so the first screen appears quickly on an
old clinic PC (bench/bench_tui_start.py measures it against a bare Textual app).
"""
from __future__ import annotations

import getpass
import os
import time
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from textual import events
from textual.app import App
from textual.binding import Binding

from mtbs_tui.accounts import AccessDenied, User, require
from mtbs_tui.keygate import KeyGate
from mtbs_tui.screens.base import MtbsScreen

if TYPE_CHECKING:

    from mtbs_tui.register import Register

# Idle lock (issue 7): minutes without a key press before the screen locks; the register's
# `settings` table may hold `idle_lock_minutes` (1..120).
DEFAULT_IDLE_LOCK_MINUTES = 5.0

def default_actor() -> str:
    """The acting user until accounts exist: $MTBS_USER, else the login name."""
    actor = os.environ.get("MTBS_USER")
    if actor:
        return actor
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - getuser can fail on odd Windows setups; never block the app
        return "pengguna"


class MtbsApp(KeyGate, App[int]):
    """The MTBS register TUI. `register` and `actor` are what every screen works with."""

    CSS_PATH = "app.tcss"
    TITLE = "MTBS"
    ENABLE_COMMAND_PALETTE = False

    # Class defaults: Textual may ask check_action() while App.__init__ runs.
    user: User | None = None
    locked: bool = False
    last_input: float = 0.0
    _quit_refused_at: float = float("-inf")
    # Lines `mtbs tui` prints after the app ended (what Ctrl+Q kept, e.g. a visit draft).
    exit_lines: list[str] = []
    idle_clock: Callable[[], float] = staticmethod(time.monotonic)

    BINDINGS = [
        Binding("ctrl+q", "quit", "Keluar", key_display="^Q", id="keluar", priority=True),
        Binding("ctrl+c", "quit", "Keluar", show=False, id="keluar_ctrl_c", priority=True),
        Binding("ctrl+l", "lock", "Kunci", key_display="^L", show=False, id="kunci", priority=True),
        # Not in the form's legend (its own footer); KeyBar always shows it, last.
        Binding("f1", "help", "Bantuan", key_display="F1", show=False, id="bantuan"),
    ]

    def __init__(
        self,
        register: "Register | None" = None,
        *,
        db_path: "Path | None" = None,
        user: User | None = None,
        actor: str | None = None,
        clock: Callable[[], datetime] | None = None,
        idle_clock: Callable[[], float] | None = None,
        idle_check_seconds: float = 5.0,
        offer_drafts: bool = True,
        theme: str = "ansi-dark",
    ) -> None:
        """`user=None` starts at the login screen (or the first-run screen on a register without
        accounts). A given `user` starts at the home screen already logged in (the tests do this;
        `mtbs tui` never does).

        `mtbs tui` passes `db_path` instead of an open register: the login screen is drawn first and
        the register (sqlite_utils, the file, the schema check) is opened right after, while the
        nurse types her name. A register that cannot be opened ends the app with `open_error`."""
        super().__init__()
        if register is None and db_path is None:
            raise ValueError("MtbsApp needs a register or a db_path")
        # None until ensure_register() has opened the file (`register` is the open one).
        self.open_register: Register | None = register
        self.db_path: Path = register.path if register is not None else Path(str(db_path))
        self.open_error: str | None = None
        # Shown on the login screen while a slow open (an upgrade) runs; None when opening is quick.
        self.opening_message: str | None = None
        self.user: User | None = user
        self.actor = user.username if user is not None else (actor or default_actor())
        self._clock = clock or datetime.now
        # Idle lock: seconds from `idle_clock` (monotonic; a fake one in the tests), checked every
        # `idle_check_seconds`.
        self.idle_clock: Callable[[], float] = idle_clock or time.monotonic
        self.idle_check_seconds = idle_check_seconds
        self.last_input = self.idle_clock()
        self.locked = False
        self.offer_drafts = offer_drafts
        self.theme = theme
        self.facility_name: str = ""
        if register is not None:
            self._read_facility()
        # Typed fields of an unfinished "Pasien baru" form, so Escape never loses them.
        self.new_patient_fields: dict[str, str] = {}
        self.patient_edits: dict[int, dict[str, str]] = {}

    def on_mount(self) -> None:
        if self.open_register is not None:
            self._watch_health()
        self.last_input = self.idle_clock()
        self.set_interval(self.idle_check_seconds, self.check_idle)
        if self.user is None:
            self.push_screen(self._login_screen())
        if self.open_register is None:
            # First the login screen on the terminal, then the register (about 0.13 s of imports
            # and opening on this kind of PC); keys typed meanwhile wait in the login fields. An
            # upgrade takes longer: the login screen then says so while it runs.
            from mtbs_tui.dbfile import open_needs_work

            if open_needs_work(self.db_path):
                self.opening_message = "Membuka database: pemeriksaan dan pembaruan berjalan, mohon tunggu..."
            self.call_after_refresh(self.ensure_register)

    # --- the register, opened after the first screen is drawn -----------------------------------

    def ensure_register(self) -> bool:
        """Open the register if it is not open yet. False (and the app ends with `open_error`, one
        Indonesian line that `mtbs tui` prints) when the file cannot be used."""
        if self.open_register is not None:
            return True
        if self.open_error is not None:
            return False
        from mtbs_tui.register import Register, RegisterError

        try:
            # quick_check of a big register takes seconds on an old PC: it runs in a thread; every
            # write waits for it (Register.health()).
            self.open_register = Register.open(self.db_path, check="background")
        except RegisterError as exc:
            self.open_error = exc.message if exc.message.startswith("galat") else f"galat: {exc.message}"
        except Exception as exc:  # noqa: BLE001 - one line, never a traceback (no patient data either)
            self.open_error = (f"galat: {self.db_path}: database tidak dapat dibuka ({type(exc).__name__}); "
                               "jalankan `mtbs check` untuk rinciannya")
        if self.open_register is None:
            self.exit(return_code=2)
            return False
        self.opening_message = None
        self._read_facility()
        self._watch_health()
        self._register_opened()
        return True

    @property
    def register(self) -> Register:
        """The open register. Every screen after the login runs with it open (the login screen
        waits for `ensure_register`); before that only `open_register` (None) may be asked."""
        if self.open_register is None:
            raise RuntimeError("register not open yet")
        return self.open_register

    def _read_facility(self) -> None:
        try:
            facility = self.register.facility()
        except Exception:  # noqa: BLE001 - a register without a facility row is still usable
            facility = None
        self.facility_name = (facility or {}).get("name") or ""

    def _watch_health(self) -> None:
        if self.register.health() is None:
            self._health_timer = self.set_interval(0.5, self._check_health)

    def _register_opened(self) -> None:
        """The login screen drawn before the register was open learns the facility, the demo
        accounts, or that this register has no account yet (then it becomes the first-run screen)."""
        from mtbs_tui.screens import login

        for screen in list(self.screen_stack):
            if not isinstance(screen, login.LoginScreen):
                continue
            if not self._first_run():
                screen.register_opened()
            elif screen is self.screen:
                self.switch_screen(login.FirstRunScreen())

    # --- the logged-in user, roles and the audit of views -------------------------------------

    @property
    def is_demo(self) -> bool:
        """A demo register (fictional data): the login screen may show the demo accounts."""
        if self.open_register is None:
            return False
        if self.facility_name.rstrip().endswith("(DEMO)"):
            return True
        try:
            return self.open_register.is_demo()
        except Exception:  # noqa: BLE001 - an older register without meta is simply not a demo
            return False

    def logged_in(self, user: User) -> None:
        """Called by the login / first-run screen: the user works from the home screen on."""
        from mtbs_tui.screens.home import HomeScreen

        self.user = user
        self.actor = user.username
        self.last_input = self.idle_clock()
        self.switch_screen(HomeScreen())

    def can(self, action: str, *, owner: str | None = None) -> bool:
        try:
            require(self.user, action, owner=owner)
        except AccessDenied:
            return False
        return True

    def permit(self, action: str, *, owner: str | None = None) -> bool:
        """True when the user may do `action`; otherwise says why (a notification) and is False."""
        try:
            require(self.user, action, owner=owner)
        except AccessDenied as exc:
            self.notify(exc.message, title="Akses ditolak", severity="error")
            return False
        return True

    def on_key(self, event: events.Key) -> None:
        """A key that no binding took: when the screen in front binds it to an action this role may
        not take (hidden by its check_action), say why instead of doing nothing."""
        screen = self.screen
        if isinstance(screen, MtbsScreen) and screen.refuse_key(event.key):
            event.stop()

    def audit_view(self, action: str, patient_id: int | None, detail: str | None = None) -> None:
        """Record a view (who, which patient id, what, when, which computer; no clinical content)."""
        try:
            self.register.audit(action, actor=self.actor, patient_id=patient_id, detail=detail)
        except Exception as exc:  # noqa: BLE001 - say it, but a read must not crash the app
            self.notify(f"Jejak audit tidak tersimpan: {exc}", title="Audit", severity="warning")

    # --- idle lock ------------------------------------------------------------------------------

    def idle_lock_seconds(self) -> float:
        minutes = DEFAULT_IDLE_LOCK_MINUTES
        try:
            value = self.register.setting("idle_lock_minutes")
            if value not in (None, ""):
                minutes = min(max(float(str(value).replace(",", ".")), 1.0), 120.0)
        except Exception:  # noqa: BLE001 - a bad setting falls back to the default, never off
            minutes = DEFAULT_IDLE_LOCK_MINUTES
        return minutes * 60.0

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste, events.MouseDown)):
            self.last_input = self.idle_clock()
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            # One key (or one paste) at a time: one typed while the previous one (a screen change)
            # is still being handled waits for it (keygate.py), so nothing typed or pasted is lost
            # or lands on the old screen.
            await self.gate_key(event, super().on_event)
            return
        await super().on_event(event)

    def check_idle(self) -> None:
        if self.user is None or self.locked:
            return
        if self.idle_clock() - self.last_input >= self.idle_lock_seconds():
            self.lock()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "lock":
            return self.user is not None and not self.locked
        if action == "quit" and self.locked:
            # Locked: quitting would throw away someone's half-typed form.
            return False
        if action == "help" and self.locked:
            return False
        return True

    def action_help(self) -> None:
        """F1 on any screen: the keys of the screen in front, in Indonesian."""
        from mtbs_tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def action_lock(self) -> None:
        self.lock()

    # --- nothing typed is lost: quitting and locking keep the open work first -------------------

    def keep_open_work(self) -> list[tuple[bool, str]]:
        """Ask every screen that holds typed work (``keep_work()``, e.g. the visit form writes its
        draft) to keep it now. Returns (kept, one line saying what was kept or why not) each."""
        out: list[tuple[bool, str]] = []
        for screen in list(self.screen_stack):
            keep = getattr(screen, "keep_work", None)
            if callable(keep) and screen.is_attached:
                try:
                    outcome = keep()
                except Exception as exc:  # noqa: BLE001 - say it; quitting must still be possible
                    outcome = (False, f"Isian tidak tersimpan: {exc}")
                if outcome:
                    out.append(outcome)
        return out

    async def action_quit(self) -> None:
        """Ctrl+Q / Ctrl+C: keep every open form's work (its draft, COMMIT returned), then quit and
        say what was kept (`mtbs tui` prints `exit_lines` after the screen is restored). When a
        draft could not be written the app stays and says so; a second Ctrl+Q within 5 s quits."""
        kept = self.keep_open_work()
        failed = [line for ok, line in kept if not ok]
        now = self.idle_clock()
        if failed and now - self._quit_refused_at > 5.0:
            self._quit_refused_at = now
            self.notify(failed[0] + " Tekan Ctrl+Q sekali lagi untuk tetap keluar.",
                        title="Belum keluar", severity="error", timeout=10)
            return
        self.exit_lines = [line for _, line in kept]
        self.exit()

    def lock(self) -> None:
        """Cover everything with the lock screen; the screens below stay exactly as they were."""
        if self.user is None or self.locked:
            return
        from mtbs_tui.screens.lock import LockScreen

        self.keep_open_work()  # the draft is written before the screen is covered
        self.locked = True
        self.audit_view("kunci", None)
        self.clear_notifications()  # a toast may name a patient
        self.push_screen(LockScreen(), self._unlocked)

    def _unlocked(self, _result: object = None) -> None:
        self.locked = False
        self.last_input = self.idle_clock()

    def _check_health(self) -> None:
        """Report the background start-up check of the database file once it has finished."""
        status = self.register.health()
        if status is None:
            return
        self._health_timer.stop()
        if status != "ok":
            self.notify(f"{status}. Data tidak dapat disimpan; pulihkan dari cadangan (mtbs restore) "
                        "atau hubungi petugas IT.", title="Database rusak", severity="error",
                        timeout=3600)

    def on_register_changed(self, message) -> None:  # noqa: ANN001 - messages.RegisterChanged
        """A form saved something: the screen below re-reads its lists (if it is one of ours)."""
        for screen in self.screen_stack:
            reload = getattr(screen, "reload", None)
            if callable(reload) and screen.is_mounted:
                try:
                    reload()
                except Exception:  # noqa: BLE001 - a stale list must never break the save that just happened
                    pass

    def now(self) -> datetime:
        return self._clock()

    def today(self) -> date:
        return self._clock().date()

    def get_default_screen(self):
        if self.user is not None:
            from mtbs_tui.screens.home import HomeScreen

            return HomeScreen()
        # Not logged in: an empty screen at the bottom, the login screen pushed on it (on_mount),
        # so a successful login can switch it for the home screen.
        from textual.screen import Screen

        return Screen()

    def _login_screen(self):  # noqa: ANN202 - a Screen
        from mtbs_tui.screens import login

        # Before the register is open: the login screen (the usual case); _register_opened()
        # turns it into the first-run screen when the register has no account.
        if self.open_register is not None and self._first_run():
            return login.FirstRunScreen()
        return login.LoginScreen()

    def _first_run(self) -> bool:
        try:
            from mtbs_tui.users import count_users

            return count_users(self.register) == 0
        except Exception:  # noqa: BLE001 - no accounts table yet: the first run creates one
            return True

    # --- pushing the screens that are not shown first (imported only when needed) -------------

    def start_visit(self, patient_id: int, *, kind: str = "pertama", follow_up_of: str | None = None,
                    draft_id: int | None = None, correct_visit_id: int | None = None,
                    notice: str = "") -> None:
        """Open the visit form; the forms live in another module that the home screen never pays
        for. A correction needs `visit.correct` for the visit's author; anything else
        `visit.create`. `notice` is said on the form's help line (no toast over the form)."""
        if correct_visit_id is not None:
            brief = self.register.visit_brief(correct_visit_id)
            if not self.permit("visit.correct", owner=brief["recorded_by"] if brief else None):
                return
        elif not self.permit("visit.create"):
            return
        from mtbs_tui.screens.visit_form import VisitFormScreen

        self.push_screen(
            VisitFormScreen(patient_id, kind=kind, follow_up_of=follow_up_of, draft_id=draft_id,
                            correct_visit_id=correct_visit_id, notice=notice)
        )

    def open_visit(self, visit_id: int) -> None:
        if not self.permit("visit.view"):
            return
        from mtbs_tui.screens.register_view import VisitScreen

        brief = self.register.visit_brief(visit_id)
        self.audit_view("kunjungan.lihat", brief["patient_id"] if brief else None, f"kunjungan {int(visit_id)}")
        self.push_screen(VisitScreen(visit_id))

    def open_patient(self, patient_id: int, *, notice: str = "") -> None:
        if not self.permit("patient.view"):
            return
        from mtbs_tui.screens.patients import PatientScreen

        self.audit_view("pasien.lihat", int(patient_id))
        self.push_screen(PatientScreen(patient_id, notice=notice))

    def open_practice(self) -> None:
        """F7 on Beranda: the practice screens on the practice file (``paths.practice_db_path``),
        never this register; the participant is the account's name."""
        from mtbs_tui.latihan.store import PracticeError, PracticeStore
        from mtbs_tui.paths import practice_db_path
        from mtbs_tui.screens.latihan import PracticeHomeScreen, PracticeRun

        try:
            store = PracticeStore.open(practice_db_path(), create=True)
        except PracticeError as exc:
            self.notify(exc.message, title="Latihan", severity="error")
            return
        name = (self.user.full_name if self.user is not None and self.user.full_name else self.actor)

        def leave() -> None:
            self.pop_screen()
            store.close()

        self.push_screen(PracticeHomeScreen(PracticeRun(store, name[:60]), on_leave=leave))

    def open_users(self) -> None:
        if not self.permit("user.manage"):
            return
        from mtbs_tui.screens.users_admin import UsersAdminScreen

        self.push_screen(UsersAdminScreen())


