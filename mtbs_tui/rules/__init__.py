"""The MTBS/MTBM chart: vocabulary, tables, engine, doses, advice (pure Python, no UI imports).

Public API::

    classify(case, chart=None, settings=DEFAULT) -> dict   # the §7 object of case-format.md
    CaseError                                               # .field, .message; str() = "galat: ..."
    ChartSettings, DEFAULT                                  # §11.14 named settings
    advice_for(result) -> Advice                            # what to tell the mother

Modules: ``vocabulary`` (every input), ``table`` (rows and the §6 evaluator), ``engine``,
``balita`` / ``bayi_muda`` (the tables), ``doses``, ``codes`` (labels), ``settings``, ``case``
(validation and ages), ``advice``, ``chartdoc`` (docs/chart.md from the tables).
"""

from __future__ import annotations

from typing import Any

from mtbs_tui.rules.engine import classify
from mtbs_tui.rules.errors import CaseError
from mtbs_tui.rules.settings import DEFAULT, ChartSettings

__all__ = ["classify", "CaseError", "ChartSettings", "DEFAULT", "Advice", "advice_for"]


def __getattr__(name: str) -> Any:
    # advice is for screens and documents; `mtbs classify` does not pay for importing it.
    if name in ("Advice", "advice_for"):
        from mtbs_tui.rules import advice

        return getattr(advice, name)
    raise AttributeError(name)
