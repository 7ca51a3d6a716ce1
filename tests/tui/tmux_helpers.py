"""A real terminal for the tests: a private tmux server at 80x24 running the real `mtbs`
(test_smoke_tmux, test_tmux_keys, test_screens_80x24, test_latihan_tui); the `tmux` fixture is in
conftest.py."""
from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path


class Tmux:
    """One private tmux server (its own socket), so the test never touches the user's sessions."""

    def __init__(self, tmp: Path) -> None:
        self.socket = f"mtbs-smoke-{uuid.uuid4().hex[:8]}"
        self.session = "mtbs"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                              check=check, timeout=20)

    def start(self, command: str, env: dict[str, str]) -> None:
        exports = " ".join(f"{k}={_quote(v)}" for k, v in env.items())
        self.run("new-session", "-d", "-s", self.session, "-x", "80", "-y", "24",
                 f"env {exports} {command}; echo SELESAI:$?; sleep 30")

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session).stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            # One key at a time, like a person typing.
            self.run("send-keys", "-t", self.session, key)
            time.sleep(0.05)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} tidak muncul di layar:\n{screen}")

    def later_drafts(self) -> bool:
        """The unfinished drafts a demo register offers right after the first paint: "t" (later),
        then wait until the dialog has gone. False when no offer came within 5 s."""
        try:
            self.wait_for("Lanjutkan sekarang?", timeout=5)
        except AssertionError:
            return False
        self.keys("t")
        deadline = time.monotonic() + 10
        while "Lanjutkan sekarang?" in self.screen() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "Lanjutkan sekarang?" not in self.screen()
        return True

    def kill(self) -> None:
        self.run("kill-server", check=False)


def _demo_accounts(db: Path) -> None:
    """The demo accounts (kepala, bidan, daftar, tinjau; password `<name>-demo`) unless the demo
    generator already made them."""
    from mtbs_tui.register import Register
    from mtbs_tui.users import add_user, get_user

    register = Register.open(db)
    try:
        for name, role in (("kepala", "kepala"), ("bidan", "klinis")):
            if get_user(register, name) is None:
                add_user(register, username=name, full_name=name.title(), role=role,
                         password=f"{name}-demo", actor="tes")
    finally:
        register.close()


def _quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"
