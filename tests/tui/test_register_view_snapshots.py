"""Snapshots of the register list and the read-only visit view at 80x24."""
from __future__ import annotations

import pytest
from conftest import SIZE, make_app

pytestmark = pytest.mark.timeout(120)


def test_register_month_snapshot(register, snap_compare) -> None:
    assert snap_compare(make_app(register, offer_drafts=False), terminal_size=SIZE, press=["f4", "f5"])


def test_visit_view_snapshot(register, snap_compare) -> None:
    assert snap_compare(make_app(register, offer_drafts=False), terminal_size=SIZE,
                        press=["f4", "down", "down", "enter"])
