"""The vocabulary is the contract: every §2 field and §5 key of case-format.md, with its type,
range, choices, chart and opt mark; the rules package imports no UI, PDF, spreadsheet or SQL."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from mtbs_tui.rules.vocabulary import FINDINGS, MODULES, TOP_LEVEL, modules_for

# shared/ lies beside the project root (on a developer's machine and in CI).
SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "case-format.md"
pytestmark = pytest.mark.skipif(not SPEC.exists(), reason="shared spec not on this machine")


def _rows(section: str) -> list[list[str]]:
    text = SPEC.read_text("utf-8")
    start = text.index(section)
    end = text.index("\n## ", start + 5)
    rows = []
    for line in text[start:end].splitlines():
        if line.startswith("| `"):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def _spec_findings() -> dict[str, list[str]]:
    return {re.match(r"`([^`]+)`", r[0]).group(1): r for r in _rows("## 5. Finding keys")}


def test_every_finding_key_in_spec_order() -> None:
    assert list(FINDINGS) == list(_spec_findings())


def test_top_level_fields_in_spec_order() -> None:
    spec = [re.match(r"`([^`]+)`", r[0]).group(1) for r in _rows("## 2. Top-level fields")]
    assert [k for k in spec if k != "findings"] == list(TOP_LEVEL)


def test_types_ranges_choices_and_opt_marks() -> None:
    for key, row in _spec_findings().items():
        f = FINDINGS[key]
        kind = row[1]
        assert kind.split(",")[0].strip() == f.kind, key
        assert ("opt" in kind) == f.optional, key
        values = re.findall(r"`([^`]+)`", row[2])
        if f.kind in ("enum", "set"):
            assert list(f.choice_values()) == values, key
        rng = re.search(r"(−?[\d.]+)\s*(?:–|…)\s*\+?(−?[\d.]+)", row[2])
        if f.kind in ("int", "number") and rng:
            lo, hi = (float(x.replace("−", "-")) for x in rng.groups())
            assert (f.minimum, f.maximum) == (lo, hi), key


def test_chart_marks() -> None:
    for key, row in _spec_findings().items():
        if len(row) < 5 or not re.fullmatch(r"(15|22|15 22)", row[3]):
            continue  # §5.8 has no chart column: the bm_* keys serve both charts
        charts = {"15": {"2015"}, "22": {"2022"}, "15 22": {"2015", "2022"}}[row[3]]
        assert set(FINDINGS[key].charts) == charts, key


def test_modules_in_chart_order() -> None:
    spec = [re.match(r"`([^`]+)`", r[0]).group(1) for r in _rows("## 4. Modules")]
    assert [m.id for m in MODULES] == spec
    assert "pertumbuhan" not in {m.id for m in modules_for("balita", "2015")}
    for m in MODULES:
        for key in m.keys:
            assert key in FINDINGS, (m.id, key)


def test_rules_import_no_ui_pdf_spreadsheet_or_sql() -> None:
    code = ("import sys, json; from mtbs_tui.rules import classify; "
            "from mtbs_tui.rules import advice, chartdoc; "
            "classify({'visit_date': '2025-01-01', 'birth_date': '2024-01-01', 'findings': {}}); "
            "classify({'visit_date': '2025-01-01', 'birth_date': '2024-12-01', 'findings': {}}); "
            "bad = [m for m in ('textual', 'reportlab', 'openpyxl', 'sqlite3', 'sqlite_utils', 'rich')"
            " if m in sys.modules]; print(json.dumps(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_every_input_has_an_indonesian_label_and_help_line() -> None:
    from mtbs_tui.rules.vocabulary import TOP_LEVEL as TOP

    for key, f in {**TOP, **FINDINGS}.items():
        assert f.label and f.help, key
        assert len(f.help) <= 100, key  # one line on an 80-column screen
