"""Snapshots of the login, lock and user-admin screens at 80x24 (update with --snapshot-update)."""
from __future__ import annotations

import pytest
from conftest import SIZE, add_account, make_app

pytestmark = pytest.mark.timeout(120)


def test_login_demo_snapshot(register, snap_compare) -> None:
    add_account(register, "kepala")
    register.set_facility(name="Puskesmas Sukamaju (DEMO)")
    assert snap_compare(make_app(register, user=None, offer_drafts=False), terminal_size=SIZE,
                        press=[*"bidan", "enter", *"rahasia"])


def test_first_run_snapshot(empty_register, snap_compare) -> None:
    assert snap_compare(make_app(empty_register, user=None, offer_drafts=False), terminal_size=SIZE)


def test_lock_snapshot(register, snap_compare) -> None:
    assert snap_compare(make_app(register, offer_drafts=False), terminal_size=SIZE, press=["ctrl+l"])


def test_home_of_the_head_snapshot(register, snap_compare) -> None:
    assert snap_compare(make_app(register, user="kepala", offer_drafts=False), terminal_size=SIZE)


def test_users_admin_snapshot(register, snap_compare) -> None:
    for name in ("bidan", "daftar", "tinjau"):
        add_account(register, name)
    assert snap_compare(make_app(register, user="kepala", offer_drafts=False), terminal_size=SIZE,
                        press=["f8"])
