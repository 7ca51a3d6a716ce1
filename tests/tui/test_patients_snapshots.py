"""Snapshots of the patient screens at 80x24."""
from __future__ import annotations

import pytest
from conftest import SIZE, make_app

pytestmark = pytest.mark.timeout(120)


def test_search_snapshot(register, snap_compare) -> None:
    assert snap_compare(make_app(register, offer_drafts=False), terminal_size=SIZE,
                        press=["f3", *"ny w"])


def test_new_patient_with_an_error_snapshot(register, snap_compare) -> None:
    assert snap_compare(make_app(register, offer_drafts=False), terminal_size=SIZE,
                        press=["f3", "f2", *"Siti Rahma", "enter", "p", *"31-12-2026", "enter"])


def test_patient_page_snapshot(register, snap_compare) -> None:
    assert snap_compare(make_app(register, offer_drafts=False), terminal_size=SIZE,
                        press=["f3", *"wati", "enter"])
