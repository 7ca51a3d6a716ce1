"""The practice case library (``data/latihan/*.json``).

Each file is one JSON object::

    {"id": "b22-01-pneumonia", "judul": "...", "nama_anak": "Raka", "nama_ibu": "Sari",
     "cerita": "<the story in Indonesian: what the mother says, what the worker sees and counts>",
     "kasus": {<a case file of shared/spec/case-format.md, version 2>}}

The expected answer is never stored: ``expected(case)`` classifies ``kasus`` with the engine, so the
library stays right when the rules change. ``tests/test_latihan_library.py`` checks that every case
classifies completely and that every module and every merah row of both charts is exercised.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from mtbs_tui.rules.age import age_on


def _find_data_dir() -> Path:
    """`data/latihan` of the source tree (editable install), else the copy a wheel install puts
    under `<prefix>/share/mtbs_tui/latihan` (pyproject's data-files), as the WHO tables."""
    source = Path(__file__).resolve().parents[2] / "data" / "latihan"
    if source.is_dir():
        return source
    return Path(sys.prefix) / "share" / "mtbs_tui" / "latihan"


DATA_DIR = _find_data_dir()


class LibraryError(Exception):
    """A case file that cannot be read (one Indonesian line)."""


@dataclass(frozen=True)
class PracticeCase:
    id: str
    title: str
    child: str
    mother: str
    story: str
    case: dict[str, Any]  # the case-format object (§2), never the answer

    @property
    def chart(self) -> str:
        return str(self.case.get("chart") or "2022")

    @property
    def pathway(self) -> str:
        return self.age.pathway

    @property
    def age(self) -> Any:
        return age_on(self.case["birth_date"], self.case["visit_date"])

    @property
    def sex(self) -> str | None:
        sex = self.case.get("sex")
        return str(sex) if sex else None


def _parse(path: Path) -> PracticeCase:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LibraryError(f"{path.name}: berkas kasus latihan tidak terbaca ({exc})") from None
    try:
        return PracticeCase(id=str(data["id"]), title=str(data["judul"]), child=str(data["nama_anak"]),
                            mother=str(data["nama_ibu"]), story=str(data["cerita"]), case=dict(data["kasus"]))
    except (KeyError, TypeError):
        raise LibraryError(f"{path.name}: kolom id, judul, nama_anak, nama_ibu, cerita dan kasus wajib ada") from None


@lru_cache(maxsize=4)
def load(directory: Path | None = None) -> tuple[PracticeCase, ...]:
    """Every case of the library: balita before bayi muda, chart 2022 before 2015, then by id."""
    folder = directory or DATA_DIR
    cases = tuple(sorted((_parse(p) for p in folder.glob("*.json")),
                         key=lambda c: (c.pathway != "balita", c.chart != "2022", c.id)))
    if not cases:
        raise LibraryError(f"pustaka kasus latihan kosong atau tidak ditemukan: {folder}")
    return cases


def by_id(case_id: str, directory: Path | None = None) -> PracticeCase:
    for case in load(directory):
        if case.id == case_id:
            return case
    raise LibraryError(f"kasus latihan tidak dikenal: {case_id}")


def expected(case: PracticeCase) -> dict[str, Any]:
    """The chart's answer: the engine's §7 output for the case (never stored)."""
    from mtbs_tui.rules.engine import classify

    return classify(case.case)
