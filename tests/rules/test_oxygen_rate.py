"""Oxygen has one rate (issue 15 item 4): when two printed rows give oxygen (very severe disease
and severe pneumonia), the treatment list keeps the first row's flow in chart order, never two
flows joined for the same hour; under both charts."""
from __future__ import annotations

import pytest
from casebuild import normal

from mtbs_tui.rules import classify
from mtbs_tui.rules import codes as codemod


@pytest.mark.parametrize("chart, danger", [("2022", {"tidak_bisa_minum": True}),
                                           ("2015", {"tidak_bisa_minum": True, "sianosis": True})])
def test_two_rows_with_oxygen_give_one_flow(chart: str, danger: dict) -> None:
    out = classify(normal(chart, 18, batuk=True, tarikan_dinding_dada=True, napas_per_menit=50, **danger))
    printed = {c["code"] for c in out["classifications"]}
    assert "PNEUMONIA_BERAT" in printed and "PENYAKIT_SANGAT_BERAT" in printed
    [oxygen] = [t for t in out["treatments"] if t["code"] == "OKSIGEN"]
    assert oxygen["dose"] == "3–5 liter/menit dengan nasal prong"  # the danger-sign row's, first in order
    assert ";" not in oxygen["dose"]
    assert "OKSIGEN" in codemod.ONE_RATE_TREATMENTS


def test_one_row_with_oxygen_keeps_its_flow() -> None:
    # 2015: severe pneumonia without a danger sign; its own flow (2–3 L/min).
    out = classify(normal("2015", 18, batuk=True, tarikan_dinding_dada=True, napas_per_menit=50))
    assert "PENYAKIT_SANGAT_BERAT" not in {c["code"] for c in out["classifications"]}
    [oxygen] = [t for t in out["treatments"] if t["code"] == "OKSIGEN"]
    assert oxygen["dose"] == "2–3 liter/menit dengan nasal prong"
