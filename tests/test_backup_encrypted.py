"""Encrypted backups (age format, pyrage) through the `mtbs` command (issue 7).

With the head's public key set, the backup folder only ever holds the encrypted file: no seeded
patient name appears in its bytes. Without a key the same grep finds them (so the grep can fail)
and a warning is printed. Restore needs the private key file; a tampered, truncated or
wrong-key file is refused with one line and the register is left exactly as it was.

The commands run in this process (cli_login.mtbs_here); the first test's backup and restore run the
real console script.
"""
from __future__ import annotations

from pathlib import Path

import pyrage
import pytest
from cli_login import (
    login_env,  # noqa: F401  (autouse: `mtbs` runs log in as kepala)
    mtbs,
    mtbs_here,
)
from test_backup import dump
from test_export_support import make_register

NAMES = ("Zulkarnaen Wibisonoqx", "Kusumawardhani Pratiwiqx", "Tirtoadmodjo Sekarqx")


@pytest.fixture
def live(tmp_path: Path) -> Path:
    from mtbs_tui.register import Register

    db = make_register(tmp_path / "mtbs.db", patients=4, visits=8)
    reg = Register.open(db)
    try:
        for i, name in enumerate(NAMES):
            reg.add_patient(name=name, sex="LP"[i % 2], birth_date="2025-03-0%d" % (i + 1),
                            parent_name=f"Ibu {name.split()[1]}", actor="uji")
    finally:
        reg.close()
    return db


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    identity = pyrage.x25519.Identity.generate()
    key_file = tmp_path_factory.mktemp("kunci") / "kunci-kepala.txt"
    key_file.write_text(f"# created: uji\n# public key: {identity.to_public()}\n{identity}\n")
    return str(identity.to_public()), key_file




def content(path: Path) -> dict[str, list[tuple]]:
    """The register's rows without the audit trail and the login bookkeeping of `users` (every
    `mtbs` run logs in, which writes an audit entry and `last_login_at`)."""
    rows = dump(path)
    rows.pop("audit")
    rows["users"] = [row[:6] for row in rows["users"]]
    return rows


def plaintext_hits(folder: Path) -> list[str]:
    hits = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits += [f"{path.name}: {n}" for n in NAMES for part in n.split() if part.encode() in data]
    return hits


def encrypted_backup(live: Path, tmp_path: Path, public: str, run=mtbs_here) -> Path:  # noqa: ANN001
    assert mtbs_here(live, "backup", "--set-key", public).returncode == 0
    done = run(live, "backup", "--to", str(tmp_path / "usb"))
    assert done.returncode == 0, done.stderr
    assert "TIDAK dienkripsi" not in done.stderr
    [backup] = list((tmp_path / "usb").glob("*.db.age"))
    return backup


def test_encrypted_backup_holds_no_plaintext_and_restores_identically(live: Path, tmp_path: Path,
                                                                       key: tuple[str, Path]) -> None:
    """The backup and the restore through the real console script (the rest in this process)."""
    public, key_file = key
    backup = encrypted_backup(live, tmp_path, public, run=mtbs)
    assert backup.read_bytes().startswith(b"age-encryption.org/v1")
    assert plaintext_hits(tmp_path / "usb") == []
    assert not list((tmp_path / "usb").glob("*.tmp")) and not list(live.parent.glob(".*.tmp"))
    listing = mtbs_here(live, "backup", "--to", str(tmp_path / "usb"), "--list")
    assert listing.returncode == 0 and backup.name in listing.stdout
    assert "terenkripsi" in listing.stdout and "rantai audit" in listing.stdout
    before = content(live)
    from mtbs_tui.register import Register

    reg = Register.open(live)
    try:
        reg.add_patient(name="Sesudah Cadanganqx", sex="L", birth_date="2025-05-05", actor="uji")
    finally:
        reg.close()
    assert content(live) != before
    done = mtbs(live, "restore", str(backup), "--kunci", str(key_file), "--ya")
    assert done.returncode == 0, done.stderr
    # Identical except the audit trail, which also records the restore (and the logins).
    assert content(live) == before
    assert not [p for p in live.parent.iterdir() if p.name.endswith(".tmp")]  # decrypted copy removed


def test_without_a_key_every_backup_warns_and_the_names_are_readable(live: Path, tmp_path: Path) -> None:
    done = mtbs_here(live, "backup", "--to", str(tmp_path / "usb"))
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("peringatan: cadangan TIDAK dienkripsi")
    assert plaintext_hits(tmp_path / "usb")  # the same grep does find plaintext: it can fail


@pytest.mark.parametrize("damage", ["flip", "truncate", "header", "wrong-key", "no-key", "empty"])
def test_tampered_or_unreadable_encrypted_backup_is_refused(live: Path, tmp_path: Path, key: tuple[str, Path],
                                                            damage: str) -> None:
    public, key_file = key
    backup = encrypted_backup(live, tmp_path, public)
    data = bytearray(backup.read_bytes())
    args = ["--kunci", str(key_file)]
    if damage == "flip":
        data[len(data) // 2] ^= 0x01
    elif damage == "truncate":
        data = data[: len(data) - 100]
    elif damage == "header":
        # One letter of the recipient stanza's ephemeral share changes case: still valid base64, so
        # the header parses but matches no key. (A fixed byte offset was flaky: with a fresh random
        # share each run it sometimes hit a digit and made the header unparseable instead.)
        stanza = data.index(b"-> X25519 ") + len(b"-> X25519 ")
        letter = next(i for i in range(stanza, stanza + 43) if chr(data[i]).isalpha())
        data[letter] ^= 0x20
    elif damage == "empty":
        data = bytearray()
    elif damage == "wrong-key":
        other = tmp_path / "kunci-lain.txt"
        other.write_text(f"{pyrage.x25519.Identity.generate()}\n")
        args = ["--kunci", str(other)]
    else:
        args = []
    backup.write_bytes(bytes(data))
    before_audit = len(dump(live)["audit"])
    before = content(live)
    done = mtbs_here(live, "restore", str(backup), *args, "--ya")
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("galat: "), done.stderr
    assert "Traceback" not in done.stderr
    if damage in ("wrong-key", "header"):  # a damaged recipient stanza matches no key either
        assert "kunci privat tidak cocok" in lines[0]
    elif damage == "no-key":
        assert "--kunci" in lines[0]
    else:
        assert "rusak" in lines[0] or "terpotong" in lines[0]
    # Nothing changed: same content (the login entry is the only new audit row), no decrypted remnant.
    assert content(live) == before
    assert len(dump(live)["audit"]) == before_audit + 1
    assert not [p for p in live.parent.iterdir() if p.name.endswith(".tmp")]


def test_set_key_refuses_an_invalid_key(live: Path) -> None:
    for bad in ("age1xyz", "ssh-ed25519 AAAA", "AGE-SECRET-KEY-1QQQ"):
        done = mtbs_here(live, "backup", "--set-key", bad)
        assert done.returncode == 2 and done.stderr.startswith("galat: --set-key:"), done.stderr
    from mtbs_tui.backup import public_key_for

    assert public_key_for(live) is None


def test_encrypted_backup_through_the_library_records_the_chain_head(live: Path, tmp_path: Path,
                                                                      key: tuple[str, Path]) -> None:
    from mtbs_tui import backup as B
    from mtbs_tui.register import Register

    reg = Register.open(live)
    try:
        reg.set_setting(B.SETTING_PUBLIC_KEY, key[0], actor="uji")
        count, head = reg.db.execute(
            "SELECT (SELECT value FROM meta WHERE key='audit_count'), (SELECT value FROM meta WHERE key='audit_head')"
        ).fetchone()
    finally:
        reg.close()
    info = B.create_backup(live, tmp_path / "usb")
    assert info.encrypted and info.path.name.endswith(".db.age")
    assert info.audit_ok and info.audit_count == int(count) and info.audit_head == head
    assert B.chain_index(tmp_path / "usb")[info.path.name] == (int(count), head, True)
    [entry] = B.list_backups(tmp_path / "usb", live.stem)
    assert entry.encrypted and entry.path == info.path


def test_damaged_register_is_restored_with_the_accounts_inside_the_backup(live: Path, tmp_path: Path,
                                                                          key: tuple[str, Path]) -> None:
    """A register too damaged to read its accounts must still be restorable (that is when restore
    is needed): the head logs in with the account stored in the (decrypted, verified) backup."""
    from cli_login import add_account

    public, key_file = key
    add_account(live, "bidan", "klinis")
    backup = encrypted_backup(live, tmp_path, public)
    expected = content(live)
    with open(live, "r+b") as fh:  # a destroyed header: the register cannot be opened at all
        fh.write(b"\0" * 100)
    assert mtbs_here(live, "audit", "verify").returncode == 2
    clinical = mtbs_here(live, "restore", str(backup), "--kunci", str(key_file), "--ya",
                         env={"MTBS_USER": "bidan", "MTBS_PASSWORD": "bidan-demo"})
    assert clinical.returncode == 2 and "akses ditolak" in clinical.stderr
    wrong = mtbs_here(live, "restore", str(backup), "--kunci", str(key_file), "--ya",
                      env={"MTBS_PASSWORD": "salah-sandi"})
    assert wrong.returncode == 2 and "masuk gagal" in wrong.stderr
    done = mtbs_here(live, "restore", str(backup), "--kunci", str(key_file), "--ya")
    assert done.returncode == 0, done.stderr
    assert content(live) == expected
    assert list(live.parent.glob("mtbs.db.rusak-*"))  # the damaged file is kept aside
    import sqlite3

    conn = sqlite3.connect(live)
    assert conn.execute("SELECT actor, action FROM audit ORDER BY id DESC LIMIT 1").fetchone() == ("kepala", "pulihkan")
    conn.close()


def test_restore_on_a_new_pc_logs_in_with_the_backup_accounts(live: Path, tmp_path: Path) -> None:
    assert mtbs_here(live, "backup", "--to", str(tmp_path / "usb")).returncode == 0
    [backup] = (tmp_path / "usb").glob("*.db")
    fresh = tmp_path / "pc-baru" / "mtbs.db"
    fresh.parent.mkdir()
    wrong = mtbs_here(fresh, "restore", str(backup), "--ya", env={"MTBS_PASSWORD": "bukan-ini-1"})
    assert wrong.returncode == 2 and "masuk gagal" in wrong.stderr and not fresh.exists()
    done = mtbs_here(fresh, "restore", str(backup), "--ya")
    assert done.returncode == 0, done.stderr
    assert content(fresh) == content(live)
