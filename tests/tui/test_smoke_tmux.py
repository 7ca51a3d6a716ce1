"""Smoke test of the real `mtbs` command in a real terminal (tmux, 80x24) on a demo database.

Skipped cleanly when tmux is not installed (`make test` installs it).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.timeout(180),
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux tidak terpasang"),
]


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


@pytest.fixture
def tmux(tmp_path: Path):
    server = Tmux(tmp_path)
    yield server
    server.kill()


def test_real_mtbs_command_at_80x24(tmp_path: Path, tmux: Tmux, mtbs_exe: Path,
                                    _isolated_data_dir: Path) -> None:
    db = tmp_path / "demo.db"
    made = subprocess.run([str(mtbs_exe), "--db", str(db), "demo", "--patients", "40", "--visits", "150"],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    _demo_accounts(db)
    env = {"MTBS_DATA_DIR": str(_isolated_data_dir), "MTBS_USER": "bidan.uji", "TERM": "xterm-256color",
           "PATH": os.environ.get("PATH", "")}
    tmux.start(f"{_quote(str(mtbs_exe))} --db {_quote(str(db))} tui", env)

    # The real login screen first; once the register is open (right after the first paint) it names
    # the facility and, on a demo register, the demo accounts.
    tmux.wait_for("Nama pengguna")
    login = tmux.wait_for("<nama>-demo")
    assert "Puskesmas Sukamaju (DEMO)" in login
    tmux.keys(*"bidan", "Enter", *"bidan-demo", "Enter")
    home = tmux.wait_for("F6 Draf")
    lines = home.splitlines()
    assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
    assert "MTBS" in lines[0] and "bidan" in lines[0]
    assert "Hari ini" in home and "Kunjungan ulang" in home and "Draf belum selesai" in home
    assert "F2 Baru" in lines[-1] and "^Q Keluar" in lines[-1]

    # The demo holds unfinished drafts: they are offered right after the first paint.
    try:
        offered = "Lanjutkan sekarang?" in tmux.wait_for("Lanjutkan sekarang?", timeout=5)
    except AssertionError:
        offered = False
    if offered:
        tmux.keys("t")  # "t" = later
        deadline = time.monotonic() + 10
        while "Lanjutkan sekarang?" in tmux.screen() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "Lanjutkan sekarang?" not in tmux.screen()

    tmux.keys("F3")
    tmux.wait_for("Cari:")
    tmux.keys("a")
    search = tmux.wait_for("Cari: a")
    assert "Hal. 1" in search or "Tidak ada pasien" in search
    tmux.keys("Escape")
    tmux.wait_for("F4 Register")

    tmux.keys("F4")
    register = tmux.wait_for("kunjungan)")
    assert "Waktu" in register and "Klasifikasi" in register
    tmux.keys("F5")
    tmux.wait_for("Hari/Bulan")
    tmux.keys("Escape")
    tmux.wait_for("F4 Register")

    tmux.keys("C-q")
    done = tmux.wait_for("SELESAI:")
    assert "SELESAI:0" in done
    assert "Traceback" not in done
    wal = Path(str(db) + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # closed with a checkpoint
