"""Masuk (login) and the first run (the first account, a `kepala`).

The first screen of `mtbs tui`. It imports only Textual's Input/Static; mtbs_tui.users (and
argon2) when a password is checked, the home screen and the forms after a successful login. The
app draws it before the register is even open (MtbsApp.ensure_register), so it appears quickly.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from mtbs_tui.screens.base import MtbsScreen
from mtbs_tui.screens.dialogs import ENTER_MOVES_ON, EnterMovesOn

DEMO_ACCOUNTS = ("kepala", "bidan", "daftar", "tinjau")


def demo_hint() -> str:
    names = ", ".join(DEMO_ACCOUNTS)
    return f"Database DEMO (data fiktif). Akun: {names}; kata sandi <nama>-demo, mis. bidan-demo."


def sentence(message: str) -> str:
    """A register or account message ("kata sandi salah") as a sentence for the screen."""
    return message[:1].upper() + message[1:] + "."


def _row(label: str, field: Input) -> Horizontal:
    return Horizontal(Label(label, classes="form-label"), field, classes="form-row")


class _AccountScreen(EnterMovesOn, MtbsScreen[None]):
    """A centred box of one-line fields; Enter goes to the next field, on the last one submits."""

    BINDINGS = [Binding("ctrl+q", "app.quit", "Keluar", key_display="^Q", id="keluar"), ENTER_MOVES_ON]

    TITLE_TEXT = ""
    FIELDS: tuple[tuple[str, str, bool], ...] = ()  # (id, label, masked)

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static(self.title_text(), id="login-title", markup=False)
            yield Static(self.TITLE_TEXT, classes="dialog-question", markup=False)
            for field_id, label, masked in self.FIELDS:
                yield _row(label, Input(id=field_id, password=masked, compact=True, max_length=64))
            yield Static("", id="login-message", classes="help-line", markup=False)
            yield Static(self.help_text(), id="login-help", classes="help-line", markup=False)
            yield from self.extra()

    def title_text(self) -> str:
        return f"MTBS  {self.app.facility_name or 'Puskesmas'}"

    def extra(self) -> ComposeResult:
        return iter(())

    def help_text(self) -> str:
        return "Enter lanjut · ^Q keluar"

    def on_mount(self) -> None:
        self.query_one(f"#{self.FIELDS[0][0]}", Input).focus()
        waiting = self.app.opening_message
        if waiting:
            self.say(waiting, error=False)

    def say(self, message: str, *, error: bool = True) -> None:
        line = self.query_one("#login-message", Static)
        line.update(message)
        line.set_class(error, "error")

    def value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    def field_ids(self) -> list[str]:
        return [f[0] for f in self.FIELDS]

    def last_field_entered(self) -> None:
        self.submit()

    def submit(self) -> None:  # pragma: no cover - each screen has its own
        raise NotImplementedError


class LoginScreen(_AccountScreen):
    """Nama pengguna + kata sandi. Failed logins are counted and slowed down by mtbs_tui.users."""

    TITLE_TEXT = "Masuk"
    FIELDS = (("username", "Nama pengguna", False), ("password", "Kata sandi", True))

    def extra(self) -> ComposeResult:
        if self.app.is_demo:
            yield Static(demo_hint(), id="demo-hint", classes="help-line", markup=False)

    def register_opened(self) -> None:
        """Drawn before the register was open (mtbs tui): now show the facility and, on a demo
        register, the demo accounts."""
        self.query_one("#login-title", Static).update(self.title_text())
        self.say("", error=False)
        if not self.query("#demo-hint"):
            self.query_one("#login-box").mount(*self.extra())  # the demo hint, on a demo register

    def submit(self) -> None:
        from mtbs_tui.accounts import AccountError
        from mtbs_tui.users import authenticate

        if not self.app.ensure_register():
            return  # the app ends with the reason
        if self.app.screen is not self:
            return  # the register had no account: the first-run screen took this one's place
        from mtbs_tui.register import RegisterError

        username = self.value("username").strip()
        password = self.query_one("#password", Input)
        if not username:
            self.say("Nama pengguna wajib diisi.")
            self.query_one("#username", Input).focus()
            return
        try:
            user = authenticate(self.app.register, username, password.value,
                                now=self.app.now)
        except AccountError as exc:
            password.value = ""
            self.say(sentence(exc.message))
            password.focus()
            return
        except RegisterError as exc:  # e.g. the background quick_check found the file damaged
            self.say(sentence(exc.message))
            return
        self.app.logged_in(user)


class FirstRunScreen(_AccountScreen):
    """A register without accounts: create the head's (kepala) account, then log in with it."""

    TITLE_TEXT = "Pertama kali: buat akun kepala puskesmas / admin"
    FIELDS = (
        ("full_name", "Nama lengkap", False),
        ("username", "Nama pengguna", False),
        ("password", "Kata sandi", True),
        ("password2", "Ulangi kata sandi", True),
    )

    def help_text(self) -> str:
        return "Kata sandi minimal 8 karakter · Enter lanjut · ^Q keluar"

    def submit(self) -> None:
        from mtbs_tui.accounts import AccountError
        from mtbs_tui.users import add_user, authenticate

        fields = {"nama_lengkap": "full_name", "nama_pengguna": "username", "kata_sandi": "password",
                  "peran": "full_name"}
        if not self.app.ensure_register():
            return
        if self.value("password") != self.value("password2"):
            self.say("Kedua kata sandi tidak sama.")
            self.query_one("#password2", Input).value = ""
            self.query_one("#password2", Input).focus()
            return
        from mtbs_tui.register import RegisterError

        register = self.app.register
        username = self.value("username").strip().lower()
        try:
            add_user(register, username=username, full_name=self.value("full_name"), role="kepala",
                     password=self.value("password"), actor=username or "-")
            user = authenticate(register, username, self.value("password"),
                                now=self.app.now)
        except AccountError as exc:
            label = {"nama_lengkap": "Nama lengkap", "nama_pengguna": "Nama pengguna",
                     "kata_sandi": "Kata sandi"}.get(exc.field, "Akun")
            self.say(f"{label}: {exc.message}.")
            self.query_one(f"#{fields.get(exc.field, 'full_name')}", Input).focus()
            return
        except RegisterError as exc:  # e.g. the background quick_check found the file damaged
            self.say(sentence(exc.message))
            return
        self.app.logged_in(user)
