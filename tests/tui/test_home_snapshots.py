"""Snapshot of Beranda at 80x24 (pytest-textual-snapshot; update with --snapshot-update)."""
from __future__ import annotations

import pytest
from conftest import SIZE, make_app

pytestmark = pytest.mark.timeout(120)


def test_home_snapshot(register, snap_compare) -> None:
    assert snap_compare(make_app(register, offer_drafts=False), terminal_size=SIZE)


def test_home_offers_the_draft_snapshot(register, snap_compare) -> None:
    assert snap_compare(make_app(register), terminal_size=SIZE, press=["_"])


def test_home_empty_register_snapshot(empty_register, snap_compare) -> None:
    assert snap_compare(make_app(empty_register, offer_drafts=False), terminal_size=SIZE)
