"""Roles, permissions and password handling (issue 7)."""
from __future__ import annotations

import pytest

from mtbs_tui import accounts
from mtbs_tui.accounts import AccessDenied, AccountError, User


def user(role: str, name: str = "sari", active: bool = True) -> User:
    return User(id=1, username=name, full_name="Bd. Sari", role=role, active=active)


# The role x action table as the regulation reads it: registration handles patients only, clinical
# staff record and correct visits, the head administers, the reviewer only reads.
EXPECTED = {
    "pendaftaran": {"patient.view", "patient.create", "patient.edit", "referral_facility.view", "practice.use"},
    "klinis": {"patient.view", "patient.create", "patient.edit", "visit.view", "visit.create",
               "visit.correct", "document.print", "referral_facility.view", "referral.destination",
               "referral.view", "referral.reply", "treatment.record", "practice.use"},
    "kepala": set(accounts.ACTIONS),
    "peninjau": {"patient.view", "visit.view", "audit.verify", "referral_facility.view", "quality.view",
                 "referral.view", "practice.use"},
}


@pytest.mark.parametrize("role", accounts.ROLES)
@pytest.mark.parametrize("action", sorted(accounts.ACTIONS))
def test_role_action_table(role: str, action: str) -> None:
    should = action in EXPECTED[role]
    assert accounts.allowed(role, action) is should
    if should:
        accounts.require(user(role), action)
    else:
        with pytest.raises(AccessDenied) as err:
            accounts.require(user(role), action)
        assert err.value.message.startswith("akses ditolak: peran ")


def test_unknown_action_fails_closed() -> None:
    assert not accounts.allowed("kepala", "visit.delete")


def test_no_user_and_disabled_user_are_refused() -> None:
    with pytest.raises(AccessDenied, match="masuk"):
        accounts.require(None, "patient.view")
    with pytest.raises(AccessDenied, match="dinonaktifkan"):
        accounts.require(user("kepala", active=False), "patient.view")


def test_clinical_staff_correct_only_their_own_visits() -> None:
    accounts.require(user("klinis", "sari"), "visit.correct", owner="sari")
    with pytest.raises(AccessDenied, match="petugas lain"):
        accounts.require(user("klinis", "sari"), "visit.correct", owner="budi")
    accounts.require(user("kepala", "ani"), "visit.correct", owner="budi")


def test_password_hash_is_argon2id_above_owasp_minimum(strong_hash: None) -> None:
    stored = accounts.hash_password("rahasia-123")
    assert stored.startswith("$argon2id$")
    params = dict(p.split("=") for p in stored.split("$")[3].split(","))
    assert int(params["m"]) >= 19456 and int(params["t"]) >= 2
    assert accounts.verify_password(stored, "rahasia-123") == (True, None)
    assert accounts.verify_password(stored, "rahasia-124") == (False, None)
    assert accounts.verify_password("bukan-hash", "rahasia-123") == (False, None)


def test_weaker_hash_is_rehashed_on_login(strong_hash: None) -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("rahasia-123")
    ok, new_hash = accounts.verify_password(weak, "rahasia-123")
    assert ok and new_hash is not None and new_hash != weak
    assert "m=65536" in new_hash


@pytest.mark.parametrize("bad", ["pendek", " spasi-di-depan", "spasi-di-belakang "])
def test_weak_passwords_are_refused(bad: str) -> None:
    with pytest.raises(AccountError) as err:
        accounts.hash_password(bad)
    assert err.value.field == "kata_sandi"


def test_failed_logins_slow_down() -> None:
    delays = [accounts.login_delay(n) for n in range(0, 12)]
    assert delays[:3] == [0.0, 0.0, 0.0]
    assert delays[3] > 0 and all(b >= a for a, b in zip(delays, delays[1:]))
    assert max(delays) == accounts.MAX_DELAY_SECONDS


@pytest.mark.parametrize(("raw", "ok"), [("sari", True), ("Bd.Sari", True), ("a", False),
                                         ("sari dewi", False), ("x" * 33, False)])
def test_usernames(raw: str, ok: bool) -> None:
    if ok:
        assert accounts.validate_username(raw) == raw.lower()
    else:
        with pytest.raises(AccountError):
            accounts.validate_username(raw)


def test_fast_test_hash_is_upgraded_on_a_real_login(monkeypatch: pytest.MonkeyPatch) -> None:
    # The fast profile of the test suite (conftest) never sticks: without the variable, a hash made
    # under it is rehashed with the real parameters at the next login.
    fast = accounts.hash_password("rahasia-123")
    assert "m=8," in fast
    monkeypatch.delenv(accounts.FAST_HASH_ENV)
    ok, new_hash = accounts.verify_password(fast, "rahasia-123")
    assert ok and new_hash is not None and "m=65536" in new_hash
