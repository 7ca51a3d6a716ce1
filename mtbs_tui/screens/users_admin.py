"""Pengguna (kepala only): list accounts, add one, disable/enable, reset a password, lift a lockout.

Every change goes through mtbs_tui.users, which checks the input and writes the audit trail.
"""
from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static

from mtbs_tui.accounts import ROLE_LABELS, ROLES, AccountError
from mtbs_tui.display import date_text
from mtbs_tui.screens.base import MtbsModalScreen, MtbsScreen
from mtbs_tui.screens.dialogs import ENTER_MOVES_ON, DigitInput, EnterMovesOn
from mtbs_tui.widgets.chrome import KeyBar, TopBar

FIELD_LABELS = {"nama_lengkap": "Nama lengkap", "nama_pengguna": "Nama pengguna",
                "kata_sandi": "Kata sandi", "peran": "Peran"}
SHORT_ROLES = {"pendaftaran": "Pendaftaran", "klinis": "Klinis", "kepala": "Kepala/admin",
               "peninjau": "Peninjau"}
ROLE_CHOICES = " ".join(f"{i}={ROLE_LABELS[r].split(' ')[0]}" for i, r in enumerate(ROLES, start=1))
ROLE_REFUSED = f"Peran: pilih angka ({ROLE_CHOICES})."


class AccountDialog(EnterMovesOn, MtbsModalScreen["dict | None"]):
    """Fields of a new account (or only the two password fields for a reset). Enter = next field;
    Enter on the last field returns the values; Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Batal", key_display="Esc", id="batal"), ENTER_MOVES_ON]

    def __init__(self, title: str, *, reset_for: str | None = None) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.fields: list[tuple[str, str, bool]] = [
            ("password", "Kata sandi", True), ("password2", "Ulangi kata sandi", True)]
        if reset_for is None:
            self.fields = [("full_name", "Nama lengkap", False), ("username", "Nama pengguna", False),
                           ("role", "Peran (angka)", False), *self.fields]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(self.title_text, classes="dialog-question")
            for field_id, label, masked in self.fields:
                field = (DigitInput(id=field_id, compact=True, choices=len(ROLES)) if field_id == "role" else
                         Input(id=field_id, password=masked, compact=True, max_length=64))
                yield Horizontal(Label(label, classes="form-label"), field, classes="form-row")
            if any(f[0] == "role" for f in self.fields):
                yield Static(f"Peran: {ROLE_CHOICES}", classes="dialog-detail", markup=False)
            yield Static("Enter lanjut · Esc batal · kata sandi minimal 8 karakter", id="account-help",
                         classes="dialog-keys", markup=False)

    def on_mount(self) -> None:
        self.query_one(f"#{self.fields[0][0]}", Input).focus()

    def on_digit_input_refused(self, event: DigitInput.Refused) -> None:
        self.show_error(ROLE_REFUSED, "role")

    def show_error(self, message: str, field_id: str | None = None) -> None:
        help_line = self.query_one("#account-help", Static)
        help_line.update(message)
        help_line.add_class("error")
        if field_id:
            self.query_one(f"#{field_id}", Input).focus()

    def field_ids(self) -> list[str]:
        return [f[0] for f in self.fields]

    def last_field_entered(self) -> None:
        values = {i: self.query_one(f"#{i}", Input).value for i in self.field_ids()}
        if values["password"] != values["password2"]:
            self.query_one("#password2", Input).value = ""
            self.show_error("Kedua kata sandi tidak sama.", "password2")
            return
        if "role" in values:
            if values["role"] not in ("1", "2", "3", "4"):
                self.show_error(ROLE_REFUSED, "role")
                return
            values["role"] = ROLES[int(values["role"]) - 1]
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)


class UsersAdminScreen(MtbsScreen[None]):
    # Keys a role may not use (accounts.ACTIONS): hidden from it, refused with a line if pressed.
    ROLE_GATES = {"referral_facilities": "referral_facility.manage"}
    BINDINGS = [
        Binding("escape", "back", "Kembali", key_display="Esc", id="kembali"),
        Binding("f2", "add", "Tambah", key_display="F2", id="tambah"),
        Binding("f3", "toggle_active", "Aktif/nonaktif", key_display="F3", id="aktif"),
        Binding("f4", "reset_password", "Ganti sandi", key_display="F4", id="ganti_sandi"),
        Binding("f5", "unlock", "Buka kunci", key_display="F5", id="buka_kunci"),
        Binding("f6", "referral_facilities", "Faskes rujukan", key_display="F6", id="faskes"),
    ]

    def compose(self) -> ComposeResult:
        yield TopBar("Pengguna")
        table: DataTable = DataTable(id="users-table", cursor_type="row", zebra_stripes=False)
        table.add_columns("Nama pengguna", "Nama lengkap", "Peran", "Status", "Masuk terakhir")
        yield table
        yield Static("", id="users-message", classes="help-line", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#users-table", DataTable).focus()
        # F6 may not fit the key bar at 80 columns: the line says where the referral list is.
        self.say("F6: daftar fasilitas rujukan (tujuan anak yang dirujuk).")

    def reload(self) -> None:
        from mtbs_tui.users import is_locked, list_users

        table = self.query_one("#users-table", DataTable)
        table.clear()
        register = self.app.register
        self.rows = list_users(register)
        for row in self.rows:
            row["locked"] = is_locked(register, row["id"], row["role"], row["failed_count"])
            status = "TERKUNCI" if row["locked"] else "aktif" if row["active"] else "NONAKTIF"
            table.add_row(row["username"], row["full_name"][:28], SHORT_ROLES.get(row["role"], row["role"]),
                          status, date_text(row.get("last_login_at")), key=row["username"])

    def selected(self) -> dict | None:
        table = self.query_one("#users-table", DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def say(self, message: str, *, error: bool = False) -> None:
        line = self.query_one("#users-message", Static)
        line.update(message)
        line.set_class(error, "error")

    def _error(self, exc: AccountError) -> str:
        return f"{FIELD_LABELS.get(exc.field, exc.field)}: {exc.message}."

    def action_add(self) -> None:
        from mtbs_tui.users import add_user

        def done(values: dict | None) -> None:
            if not values:
                return
            try:
                user = add_user(self.app.register, username=values["username"],
                                full_name=values["full_name"], role=values["role"],
                                password=values["password"], actor=self.app.actor)
            except AccountError as exc:
                self.say(self._error(exc), error=True)
                return
            self.reload()
            self.say(f"Akun {user.username} ({user.role_label}) dibuat.")

        self.app.push_screen(AccountDialog("Tambah pengguna"), done)

    def action_toggle_active(self) -> None:
        from mtbs_tui.users import set_active

        row = self.selected()
        if row is None:
            return
        if row["username"] == self.app.actor and row["active"]:
            self.say("Akun Anda sendiri tidak dapat dinonaktifkan dari sini.", error=True)
            return
        self._change_row(lambda: set_active(self.app.register, row["username"], not row["active"],
                                            actor=self.app.actor),
                         f"Akun {row['username']} {'dinonaktifkan' if row['active'] else 'diaktifkan'}.")

    def _change_row(self, change: Callable[[], object], done_text: str) -> None:
        """Run one account change on the selected row; then the list again, the cursor kept."""
        try:
            change()
        except AccountError as exc:
            self.say(self._error(exc), error=True)
            return
        cursor = self.query_one("#users-table", DataTable).cursor_row
        self.reload()
        self.query_one("#users-table", DataTable).move_cursor(row=cursor)
        self.say(done_text)

    def action_referral_facilities(self) -> None:
        from mtbs_tui.screens.referral_facilities_admin import ReferralFacilitiesScreen

        self.app.push_screen(ReferralFacilitiesScreen())

    def action_reset_password(self) -> None:
        from mtbs_tui.users import reset_password

        row = self.selected()
        if row is None:
            return

        def done(values: dict | None) -> None:
            if not values:
                return
            try:
                reset_password(self.app.register, row["username"], values["password"],
                               actor=self.app.actor)
            except AccountError as exc:
                self.say(self._error(exc), error=True)
                return
            self.say(f"Kata sandi {row['username']} diganti.")

        self.app.push_screen(AccountDialog(f"Kata sandi baru untuk {row['username']}", reset_for=row["username"]),
                             done)

    def action_unlock(self) -> None:
        from mtbs_tui.users import unlock

        row = self.selected()
        if row is None:
            return
        if not row["locked"]:
            self.say(f"Akun {row['username']} tidak terkunci.")
            return
        self._change_row(lambda: unlock(self.app.register, row["username"], actor=self.app.actor),
                         f"Akun {row['username']} dibuka: boleh mencoba masuk lagi.")

    def action_back(self) -> None:
        self.dismiss(None)
