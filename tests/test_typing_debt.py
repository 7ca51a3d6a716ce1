"""The type checker sees the whole package (issue 16): `type: ignore` stays rare and no module is
left out of mypy. A screen reaches the app through the typed `MtbsScreen.app`
(mtbs_tui/screens/base.py), not through `self.app.x  # type: ignore[attr-defined]`."""
from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "mtbs_tui"
# issue 16 asked for fewer than 20; the count only goes down: lower this when one goes.
MAX_IGNORES = 7


def ignores_in(text: str) -> int:
    """`# type: ignore` comments in Python source (comments only: a string saying it is no hit)."""
    count = 0
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT and "type: ignore" in token.string:
            count += 1
    return count


def test_type_ignore_count_does_not_grow() -> None:
    per_file = {str(p.relative_to(PACKAGE)): ignores_in(p.read_text(encoding="utf-8"))
                for p in sorted(PACKAGE.rglob("*.py"))}
    total = sum(per_file.values())
    assert total <= MAX_IGNORES, {name: n for name, n in per_file.items() if n}


def test_the_counter_counts_comments_only() -> None:
    sample = 'x = self.app.user  # type: ignore[attr-defined]\ny = "# type: ignore"\nz = 1  # type: ignore\n'
    assert ignores_in(sample) == 2


def test_mypy_checks_the_app_and_the_screens() -> None:
    # Read as text (tomllib is not in Python 3.10): no module is excluded from checking.
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^files = \["mtbs_tui"\]$', config, re.M)
    assert not re.search(r"^\s*ignore_errors\s*=\s*true", config, re.M)
