"""Accounts, roles and permissions (Permenkes 24/2022 Ps. 30: the head grants input, correct, view).

One account per person; passwords are hashed with argon2id. The role x action table below is the one
place that says who may do what; the TUI and every CLI command ask `require(...)` before acting, and a
refusal says why in Bahasa Indonesia.

This module never imports textual or reportlab.
"""
from __future__ import annotations

import functools
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

ROLE_LABELS: dict[str, str] = {
    "pendaftaran": "Pendaftaran",
    "klinis": "Tenaga klinis",
    "kepala": "Kepala puskesmas / admin",
    "peninjau": "Peninjau (hanya baca)",
}
ROLES = tuple(ROLE_LABELS)

_ALL = frozenset(ROLES)
_CLINICAL = frozenset({"klinis", "kepala"})
_HEAD = frozenset({"kepala"})

# action id -> (Indonesian description used in refusals, roles allowed)
ACTIONS: dict[str, tuple[str, frozenset[str]]] = {
    "patient.view": ("melihat data pasien", _ALL),
    "patient.create": ("mendaftarkan pasien", frozenset({"pendaftaran", "klinis", "kepala"})),
    "patient.edit": ("mengubah identitas pasien", frozenset({"pendaftaran", "klinis", "kepala"})),
    "patient.duplicates": ("melihat daftar pasien ganda", _HEAD),
    "patient.merge": ("menggabungkan data pasien ganda", _HEAD),
    "visit.view": ("melihat kunjungan", frozenset({"klinis", "kepala", "peninjau"})),
    "visit.create": ("mencatat kunjungan", _CLINICAL),
    "visit.correct": ("mengoreksi kunjungan", _CLINICAL),
    "visit.correct_any": ("mengoreksi kunjungan petugas lain", _HEAD),
    "treatment.record": ("mencatat tindakan/obat yang diberikan", _CLINICAL),
    "document.print": ("mencetak surat rujukan atau kartu ibu", _CLINICAL),
    "register.export": ("mengekspor register", _HEAD),
    "referral.view": ("melihat daftar rujukan dan balasannya", frozenset({"klinis", "kepala", "peninjau"})),
    "referral.reply": ("mencatat balasan rujukan", _CLINICAL),
    "referral.export": ("mengekspor buku register rujukan", _HEAD),
    "settings.edit": ("mengubah pengaturan register", _HEAD),
    "report.monthly": ("membuat laporan bulanan", _HEAD),
    "quality.view": ("melihat indikator mutu", frozenset({"kepala", "peninjau"})),
    "backup.create": ("membuat cadangan", _HEAD),
    "backup.restore": ("memulihkan cadangan", _HEAD),
    "user.manage": ("mengelola akun pengguna", _HEAD),
    "audit.verify": ("memeriksa jejak audit", frozenset({"kepala", "peninjau"})),
    "database.check": ("memeriksa database", _HEAD),
    "facility.edit": ("mengubah identitas puskesmas", _HEAD),
    "referral_facility.view": ("melihat daftar fasilitas rujukan", _ALL),
    "referral_facility.manage": ("mengelola daftar fasilitas rujukan", _HEAD),
    "referral.destination": ("memilih tujuan rujukan", _CLINICAL),
    # Practice on fictitious cases in a separate practice file (issue 19): every account.
    "practice.use": ("berlatih kasus MTBS (kalakarya)", _ALL),
}

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
MIN_PASSWORD_LENGTH = 8

# Failed logins: the first few are free, then each further attempt waits longer (capped).
FREE_ATTEMPTS = 3
MAX_DELAY_SECONDS = 30.0
# After this many consecutive failures the account is locked until the head lifts it (`mtbs user
# buka-kunci NAMA`, or a new password). The register's setting `login_lockout_failures` overrides
# it. The last active head that is not locked is never locked (nobody could lift it): the delay
# above still applies to it.
LOCKOUT_FAILURES = 10
LOCKOUT_SETTING = "login_lockout_failures"


class AccessDenied(Exception):
    """An action the user's role does not allow; `.message` is one Indonesian line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AccountError(Exception):
    """Invalid account input or a failed login; `.field` names the input, `.message` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class User:
    id: int
    username: str
    full_name: str
    role: str
    active: bool

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


def allowed(role: str, action: str) -> bool:
    """True when `role` may perform `action` (unknown actions are refused: fail closed)."""
    entry = ACTIONS.get(action)
    return entry is not None and role in entry[1]


def require(user: User | None, action: str, *, owner: str | None = None) -> None:
    """Raise AccessDenied unless `user` may perform `action`.

    `owner` is the username that recorded a visit: clinical staff correct only their own visits;
    the head may correct any (Permenkes 24/2022 Ps. 30).
    """
    description = ACTIONS.get(action, (action, frozenset()))[0]
    if user is None:
        raise AccessDenied(f"akses ditolak: masuk (login) dahulu untuk {description}")
    if not user.active:
        raise AccessDenied(f"akses ditolak: akun {user.username} dinonaktifkan")
    if not allowed(user.role, action):
        raise AccessDenied(
            f"akses ditolak: peran {user.role_label} tidak boleh {description}"
        )
    if action == "visit.correct" and owner is not None and owner != user.username:
        if not allowed(user.role, "visit.correct_any"):
            raise AccessDenied(
                "akses ditolak: hanya kepala puskesmas yang boleh mengoreksi kunjungan petugas lain"
            )


# --- passwords ---------------------------------------------------------------------------------

# Test-only: tests that are not about password strength set this variable (tests/conftest.py, which
# `mtbs` subprocesses inherit) so a hash costs microseconds instead of ~0.25 s and 64 MiB. Never set
# it on a clinic PC: hashes made under it are weak. Without it, such a hash is upgraded to today's
# parameters at the next login (`verify_password` returns the new hash).
FAST_HASH_ENV = "MTBS_UJI_HASH_CEPAT"


def _hasher() -> Any:
    # RFC 9106 "second recommended option" (argon2id, t=3, m=64 MiB, p=4): above the OWASP minimum
    # (m=19 MiB, t=2) and about 0.25 s on the development machine, acceptable for a login.
    from argon2 import PasswordHasher
    from argon2.profiles import CHEAPEST, RFC_9106_LOW_MEMORY

    fast = os.environ.get(FAST_HASH_ENV) == "1"
    return PasswordHasher.from_parameters(CHEAPEST if fast else RFC_9106_LOW_MEMORY)


def hash_password(password: str) -> str:
    check_password_strength(password)
    return str(_hasher().hash(password))


# The most common passwords (shipped as data, compared case-insensitively): guessed first by anyone.
COMMON_PASSWORDS_FILE = Path(__file__).with_name("data") / "common-passwords.txt"


@functools.lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _is_run(text: str) -> bool:
    """One character repeated (aaaaaaaa) or a straight run of characters (abcdefgh, 87654321)."""
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:])}
    return len(steps) == 1 and steps <= {-1, 0, 1}


def check_password_strength(password: str, *, username: str | None = None) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("kata_sandi", f"minimal {MIN_PASSWORD_LENGTH} karakter")
    if password.strip() != password:
        raise AccountError("kata_sandi", "tidak boleh diawali atau diakhiri spasi")
    lowered = password.lower()
    if lowered in common_passwords() or _is_run(lowered):
        raise AccountError("kata_sandi", "terlalu mudah ditebak (termasuk kata sandi yang paling umum); "
                           "pakai gabungan beberapa kata atau angka yang tidak berurutan")
    if username is not None and lowered == username.strip().lower():
        raise AccountError("kata_sandi", "tidak boleh sama dengan nama pengguna")


def verify_password(stored_hash: str, password: str) -> tuple[bool, str | None]:
    """(ok, new_hash): new_hash is set when the stored hash uses weaker parameters than today's."""
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    try:
        hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    if hasher.check_needs_rehash(stored_hash):
        return True, hasher.hash(password)
    return True, None


_DUMMY_HASH: dict[str, str] = {}


def dummy_hash() -> str:
    """A hash of no one's password, verified for an unknown name so that it takes as long as a
    known one (the time does not tell which names exist). Made once per parameter set."""
    key = os.environ.get(FAST_HASH_ENV, "")
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = _hasher().hash("tidak-ada-akun-" + os.urandom(8).hex())
    return _DUMMY_HASH[key]


def login_delay(failed_count: int) -> float:
    """Seconds to wait before the next attempt after `failed_count` consecutive failures."""
    if failed_count < FREE_ATTEMPTS:
        return 0.0
    return min(MAX_DELAY_SECONDS, 2.0 ** (failed_count - FREE_ATTEMPTS + 1))


STR_RE = re.compile(r"^[0-9A-Za-z ./-]+$")


def validate_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME_RE.match(name):
        raise AccountError(
            "nama_pengguna",
            "2-32 karakter: huruf kecil, angka, titik, garis bawah atau tanda minus",
        )
    return name


NIP_LENGTH = 18  # NIP of a civil servant (PP 11/2017): 18 digits
STR_MAX = 40


def validate_nip(text: str | None) -> str | None:
    """The worker's NIP for a signature: 18 digits (spaces allowed when typed), or None when empty
    (a worker who is not a civil servant has none)."""
    value = "".join((text or "").split())
    if not value:
        return None
    if not value.isdigit() or len(value) != NIP_LENGTH:
        raise AccountError("nip", f"NIP harus {NIP_LENGTH} angka, atau kosong")
    return value


def validate_str_number(text: str | None) -> str | None:
    """The worker's STR (Surat Tanda Registrasi) number, or None when empty: digits, letters,
    spaces, dots, slashes and dashes, at most 40 characters."""
    value = " ".join((text or "").split())
    if not value:
        return None
    if len(value) > STR_MAX or not STR_RE.match(value):
        raise AccountError("str", f"nomor STR: angka, huruf, spasi, titik, garis miring atau tanda minus, "
                                  f"paling banyak {STR_MAX} karakter")
    return value


def validate_role(role: str) -> str:
    if role not in ROLE_LABELS:
        raise AccountError("peran", f"peran {role!r} tidak dikenal (pilihan: {', '.join(ROLES)})")
    return role


Clock = Callable[[], float]


def monotonic_clock() -> float:
    return time.monotonic()
