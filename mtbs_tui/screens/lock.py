"""Layar terkunci: covers every screen after the idle time or Ctrl+L.

It shows only the puskesmas, the user and "Layar terkunci" (no patient data). The screens below
stay mounted untouched, so unlocking returns to the same place with a half-typed form as it was.

Only the same user unlocks, with their password (checked by mtbs_tui.users.authenticate, so failed
attempts are recorded and slowed down like any login). Another person taking over would put their
name on a form someone else started; they wait, or the user's password is reset by the head.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from mtbs_tui.screens.base import MtbsScreen
from mtbs_tui.screens.login import sentence


class LockScreen(MtbsScreen[None]):
    def compose(self) -> ComposeResult:
        app = self.app
        user = app.user
        who = f"{user.full_name} ({user.username})" if user is not None else app.actor
        with Vertical(id="login-box"):
            yield Static(f"MTBS  {app.facility_name or 'Puskesmas'}", id="login-title",
                         markup=False)
            yield Static("Layar terkunci", classes="dialog-question", markup=False)
            yield Static(f"Pengguna: {who}", id="lock-user", markup=False)
            yield Horizontal(Label("Kata sandi", classes="form-label"),
                             Input(id="password", password=True, compact=True, max_length=64),
                             classes="form-row")
            yield Static("", id="login-message", classes="help-line", markup=False)
            yield Static("Ketik kata sandi Anda lalu Enter untuk membuka.", classes="help-line",
                         markup=False)

    def on_mount(self) -> None:
        self.query_one("#password", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        from mtbs_tui.accounts import AccountError
        from mtbs_tui.users import authenticate

        app = self.app
        field = self.query_one("#password", Input)
        message = self.query_one("#login-message", Static)
        try:
            assert app.user is not None  # the lock screen covers a logged-in user's work
            user = authenticate(app.register, app.user.username, field.value, now=app.now)
        except AccountError as exc:
            field.value = ""
            message.update(sentence(exc.message))
            message.add_class("error")
            return
        # The account as it is now (the head may have changed the role meanwhile).
        app.user = user
        self.dismiss(None)
