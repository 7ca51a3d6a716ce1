"""The MTBS/MTBM chart: vocabulary, tables, engine, doses, advice (pure Python, no UI imports).

Public API::

    classify(case, chart=None, settings=DEFAULT) -> dict   # the §7 object of case-format.md
    CaseError                                               # .field, .message; str() = "galat: ..."
    ChartSettings, DEFAULT                                  # §11.14 named settings
"""

from __future__ import annotations

from mtbs_tui.rules.engine import classify
from mtbs_tui.rules.errors import CaseError
from mtbs_tui.rules.settings import DEFAULT, ChartSettings

__all__ = ["classify", "CaseError", "ChartSettings", "DEFAULT"]
