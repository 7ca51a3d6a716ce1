"""No fallbacks around the project's own modules (issue 16): a broken import of ``mtbs_tui`` must
fail loudly, not turn into a message, a fake result or a skipped backup, and no test may skip
because the project's own module does not import.

- in ``mtbs_tui`` and ``tests``, an ``except ImportError`` (or ``ModuleNotFoundError``) is allowed
  only around a ``try`` that opens with an import of another package and imports nothing of
  ``mtbs_tui`` (a ``try`` that opens with a call may hide one of ours);
- ``pytest.importorskip`` and ``find_spec`` never name ``mtbs_tui``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}
_SKIP_OWN = re.compile(r"(importorskip|find_spec)\(\s*[\"']mtbs_tui")


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(k, ast.Name) and k.id in _IMPORT_ERRORS for k in kinds)


def _imports_only_third_party(body: list[ast.stmt]) -> bool:
    """True when the try body starts with an import of another package and imports nothing of
    ``mtbs_tui`` (what follows may only use what it imported)."""
    if not isinstance(body[0], (ast.Import, ast.ImportFrom)):
        return False
    for node in (n for stmt in body for n in ast.walk(stmt)):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "mtbs_tui" for a in node.names):
            return False
        if isinstance(node, ast.ImportFrom) and (
                node.level or (node.module or "").split(".")[0] == "mtbs_tui"):
            return False
    return True


def fallbacks(path: str, text: str) -> list[str]:
    found = [f"{path}:{text[:m.start()].count(chr(10)) + 1}: {m.group(0)}" for m in _SKIP_OWN.finditer(text)]
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Try) and any(_catches_import_error(h) for h in node.handlers):
            if not _imports_only_third_party(node.body):
                found.append(f"{path}:{node.lineno}: except ImportError around our own code")
    return found


def _files() -> list[Path]:
    return sorted([*(ROOT / "mtbs_tui").rglob("*.py"), *(ROOT / "tests").rglob("*.py")])


def test_no_import_fallbacks_around_our_own_modules() -> None:
    me = Path(__file__).resolve()
    hits = [hit for p in _files() if p.resolve() != me
            for hit in fallbacks(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8"))]
    assert hits == []


@pytest.mark.parametrize("copy", [
    "try:\n    from mtbs_tui.backup import auto_backup\nexcept ImportError:\n    pass\n",
    "try:\n    import mtbs_tui.demo\nexcept (ValueError, ModuleNotFoundError):\n    x = 1\n",
    "try:\n    z = _compute_z(key)\nexcept ImportError:\n    z = None\n",
    "try:\n    from .engine import classify\nexcept ImportError:\n    classify = None\n",
    "try:\n    import textual\n    from mtbs_tui.app import MtbsApp\n"
    "except ImportError:\n    MtbsApp = None\n",
    "pytest.importorskip(\"mtbs_tui.screens.visit_form\")\n",
    "_rules = pytest.importorskip('mtbs_tui.rules')\n",
    "ok = importlib.util.find_spec(\"mtbs_tui.documents.card\") is not None\n",
])
def test_the_detector_catches_fallbacks(copy: str) -> None:
    assert fallbacks("x.py", copy)


def test_the_detector_lets_optional_third_party_imports_be() -> None:
    optional = "try:\n    import hypothesis\n    HAVE = True\nexcept ImportError:\n    HAVE = False\n"
    assert not fallbacks("x.py", optional)
    assert not fallbacks("x.py", "pyrage = pytest.importorskip('pyrage')\n")
