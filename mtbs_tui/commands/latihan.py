"""`mtbs latihan sesi|gabung|laporan|kasus`: the assessor's side of kalakarya (issue 19).

No login: a practice file holds fictitious cases and participant names only, never the register.
Bad input is one Indonesian line and exit status 2.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Sequence

from mtbs_tui.rules.case import CHARTS


def _fail(message: str) -> int:
    print(message if message.startswith("galat") else f"galat: {message}", file=sys.stderr)
    return 2


def _case_ids(cases: str | None, count: int | None, chart: str | None, seed: int | None) -> list[str]:
    from mtbs_tui.latihan import library
    from mtbs_tui.latihan.store import PracticeError

    every = [c for c in library.load() if chart is None or c.chart == chart]
    if cases:
        wanted = [c.strip() for c in cases.split(",") if c.strip()]
        known = {c.id for c in library.load()}
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise PracticeError(f"--kasus: kasus latihan tidak dikenal: {', '.join(unknown[:3])} "
                                "(lihat `mtbs latihan kasus`)")
        return wanted
    if count is not None:
        if not 1 <= count <= len(every):
            raise PracticeError(f"--acak: nilai {count} di luar rentang 1–{len(every)}")
        return sorted(c.id for c in random.Random(seed).sample(every, count))
    return [c.id for c in every]


def run_session(path: Path, *, name: str, participants: Sequence[str], cases: str | None, count: int | None,
                chart: str | None, seed: int | None) -> int:
    from mtbs_tui.latihan.store import PracticeError, create_session

    if chart is not None and chart not in CHARTS:
        return _fail(f"--bagan: nilai {chart!r} tidak dikenal (pilihan: {', '.join(CHARTS)})")
    try:
        ids = _case_ids(cases, count, chart, seed)
        create_session(Path(path), name, participants, ids)
    except PracticeError as exc:
        # The store names its fields in words; the command line names the option she typed.
        field, sep, rest = exc.message.partition(": ")
        options = {"nama sesi": "--nama", "nama peserta": "--peserta", "peserta": "--peserta", "kasus": "--kasus"}
        return _fail(f"{options[field]}: {rest}" if sep and field in options else exc.message)
    print(f"Sesi latihan dibuat: {path} ({len(participants)} peserta, {len(ids)} kasus). Salin berkas ini ke "
          f"setiap PC peserta; peserta membuka `mtbs latihan --berkas {Path(path).name}`.")
    return 0


def _report_endings(pdf: Path | None, xlsx: Path | None) -> str | None:
    """The one line refusing a report file whose ending is not its format (before anything is
    merged or written), else None."""
    from mtbs_tui.documents.common import DocumentError, ending_format

    try:
        for path, fmt in ((pdf, "pdf"), (xlsx, "xlsx")):
            if path is not None:
                ending_format(path, (fmt,), f"--{fmt}")
    except DocumentError as exc:
        return exc.message
    return None


def _write_reports(store_path: Path, pdf: Path | None, xlsx: Path | None, overwrite: bool) -> int:
    from mtbs_tui.documents.common import DocumentError
    from mtbs_tui.documents.latihan import write_pdf, write_xlsx
    from mtbs_tui.latihan import report
    from mtbs_tui.latihan.store import PracticeStore
    from mtbs_tui.outputs import policy

    with PracticeStore.open(store_path) as store:
        data = report.build(store)
    try:
        # The practice file is protected like a register: a report never writes over it.
        with policy(register=store_path, overwrite=overwrite):
            if pdf is not None:
                write_pdf(data, pdf)
                print(f"Laporan PDF: {pdf}")
            if xlsx is not None:
                write_xlsx(data, xlsx)
                print(f"Laporan XLSX: {xlsx}")
    except DocumentError as exc:
        return _fail(str(exc))
    return 0


def run_merge(sources: Sequence[Path], *, out: Path, pdf: Path | None, xlsx: Path | None,
              overwrite: bool = False) -> int:
    from mtbs_tui.latihan.store import PracticeError, merge

    refused = _report_endings(pdf, xlsx)
    if refused is not None:
        return _fail(refused)
    try:
        added, seen = merge(Path(out), [Path(s) for s in sources])
    except PracticeError as exc:
        return _fail(exc.message)
    print(f"Digabung ke {out}: {added} hasil baru, {seen} sudah ada.")
    try:
        return _write_reports(Path(out), pdf, xlsx, overwrite)
    except PracticeError as exc:
        return _fail(exc.message)


def run_report(path: Path, *, pdf: Path | None, xlsx: Path | None, overwrite: bool = False) -> int:
    from mtbs_tui.latihan.store import PracticeError

    if pdf is None and xlsx is None:
        return _fail("--pdf/--xlsx: sebutkan minimal satu berkas laporan")
    refused = _report_endings(pdf, xlsx)
    if refused is not None:
        return _fail(refused)
    try:
        return _write_reports(Path(path), pdf, xlsx, overwrite)
    except PracticeError as exc:
        return _fail(exc.message)


def run_list(chart: str | None) -> int:
    from mtbs_tui.display import pathway_word
    from mtbs_tui.latihan import library

    if chart is not None and chart not in CHARTS:
        return _fail(f"--bagan: nilai {chart!r} tidak dikenal (pilihan: {', '.join(CHARTS)})")
    for case in library.load():
        if chart is None or case.chart == chart:
            kind = pathway_word(case.pathway)
            print(f"{case.id:<42} {case.chart} {kind:<9} {case.title}")
    return 0
