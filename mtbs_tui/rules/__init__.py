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

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mtbs_tui.rules.advice import Advice, advice_for
    from mtbs_tui.rules.engine import classify
    from mtbs_tui.rules.errors import CaseError
    from mtbs_tui.rules.settings import DEFAULT, ChartSettings

__all__ = ["classify", "CaseError", "ChartSettings", "DEFAULT", "Advice", "advice_for"]

# Where each public name lives. Imported on first use, so a module that needs only
# ``mtbs_tui.rules.age`` (the register, the patient fields) does not load the engine and its tables.
_HOME = {"classify": "engine", "CaseError": "errors", "ChartSettings": "settings", "DEFAULT": "settings",
         "Advice": "advice", "advice_for": "advice"}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        import importlib

        return getattr(importlib.import_module(f"mtbs_tui.rules.{_HOME[name]}"), name)
    raise AttributeError(name)
