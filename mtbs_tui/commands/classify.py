"""`mtbs classify KASUS.json [--chart 2022|2015]`: the engine from the command line.

Prints the §7 JSON object (shared/spec/case-format.md) on stdout and returns 0; invalid input
prints one Indonesian line (`galat: <field>: ...`) on stderr and returns 2; an internal fault
prints `galat internal: ...` and returns 1. Never a traceback.
"""
from __future__ import annotations

import json
import sys
from typing import Any


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON; Python's parser would accept them.
    raise ValueError(f"nilai {name} bukan JSON yang sah")


def _err(line: str) -> None:
    sys.stderr.write(line.replace("\n", " ") + "\n")
    sys.stderr.flush()


def _out(text: str) -> None:
    # Bytes, so a Windows console code page cannot break "¾" or "°C".
    data = (text + "\n").encode("utf-8")
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        sys.stdout.flush()
        buffer.write(data)
        buffer.flush()
    else:  # e.g. a captured stream in tests
        sys.stdout.write(text + "\n")
        sys.stdout.flush()


def load_case(case_path: str) -> Any:
    """Read and parse a case file; raises CaseError ("berkas") when it cannot be used."""
    from mtbs_tui.inputs import CASE_MAX_BYTES, InputTooLarge, read_capped
    from mtbs_tui.rules.errors import CaseError

    try:
        raw = read_capped(case_path, CASE_MAX_BYTES)
    except InputTooLarge as exc:
        raise CaseError("berkas", f"{case_path}: {exc}") from None
    except FileNotFoundError:
        raise CaseError("berkas", f"{case_path} tidak ditemukan") from None
    except IsADirectoryError:
        raise CaseError("berkas", f"{case_path} adalah folder, bukan berkas kasus") from None
    except PermissionError:
        raise CaseError("berkas", f"{case_path} tidak dapat dibaca (tidak ada izin)") from None
    except OSError:
        raise CaseError("berkas", f"{case_path} tidak dapat dibaca") from None
    try:
        text = raw.decode("utf-8-sig")  # Notepad on Windows may write a BOM
    except UnicodeDecodeError:
        raise CaseError("berkas", f"{case_path} bukan teks UTF-8") from None
    try:
        case = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        msg = getattr(exc, "msg", str(exc))
        where = f" (baris {exc.lineno}, kolom {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise CaseError("berkas", f"{case_path} bukan JSON yang sah: {msg}{where}") from None
    if not isinstance(case, dict):
        raise CaseError("berkas", f"{case_path} harus berisi satu objek JSON {{...}}")
    return case


def run(case_path: str, chart: str | None) -> int:
    try:
        from mtbs_tui.rules import CaseError, classify
    except Exception as exc:  # pragma: no cover - a broken install
        _err(f"galat internal: {exc.__class__.__name__}: {exc}")
        return 1
    try:
        case = load_case(case_path)
        result = classify(case, chart=chart)
    except CaseError as err:
        _err(str(err))
        return 2
    except RecursionError:
        _err("galat: berkas: JSON terlalu dalam bersarang")
        return 2
    except Exception as exc:  # a bug: one line, exit 1, never a traceback
        _err(f"galat internal: {exc.__class__.__name__}: {exc}")
        return 1
    _out(json.dumps(result, ensure_ascii=False))
    return 0
