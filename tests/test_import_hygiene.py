"""The data layer, the rules and the CLI entry point never pull in the UI or document libraries.

Checked in a fresh interpreter, where sys.modules shows exactly what an import costs.
"""
from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("textual", "reportlab", "openpyxl", "rich")

PROBE = """
import json, sys
import mtbs_tui.db, mtbs_tui.register, mtbs_tui.rules, mtbs_tui.demo
from mtbs_tui.rules import classify
classify({"visit_date": "2026-01-10", "birth_date": "2025-02-01", "sex": "L", "findings": {"batuk": True}})
print(json.dumps(sorted(m.split(".")[0] for m in sys.modules)))
"""

CLI_PROBE = """
import json, sys
import mtbs_tui.cli
print(json.dumps(sorted(m.split(".")[0] for m in sys.modules)))
"""


def _modules(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    return set(json.loads(out.stdout))


def test_data_layer_and_rules_do_not_import_ui_or_documents() -> None:
    loaded = _modules(PROBE)
    assert "sqlite_utils" in loaded and "mtbs_tui" in loaded  # the probe really imported the layer
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_cli_entry_point_imports_only_typer() -> None:
    loaded = _modules(CLI_PROBE)
    assert "typer" in loaded
    assert not loaded & {*HEAVY, "sqlite_utils", "sqlite3", "platformdirs"}, sorted(loaded)


def test_the_probe_can_fail() -> None:
    """A module that imports textual is seen by the same probe."""
    loaded = _modules("import json, sys, textual; print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))")
    assert "textual" in loaded
