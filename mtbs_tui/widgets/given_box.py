"""The "Tindakan" box of a visit with what was actually given (issue 17 item 1): each recommended
treatment numbered (its key), its dose, and its outcome (diberikan 10.35, tidak diberikan: stok
habis, diberikan lain: ..., belum dicatat), then the treatments outside the chart. Used by the
summary (before and after F10) and by the visit screen; the keys live in `screens/given_keys.py`."""
from __future__ import annotations

from typing import Any

from textual.content import Content

from mtbs_tui import given

REFERRAL_KEY = "•"
KEYS_LINE = "d semua diberikan · 1-9 ubah satu · + tambahan di luar bagan"
KEYS_LINE_MANY = "d semua diberikan · 1-9 ubah satu, 0 nomor 10 dst. · + tambahan di luar bagan"
STATE_STYLE = {
    None: "bold $warning",
    given.GIVEN: "bold $success",
    given.OTHERWISE: "bold $success",
    given.NOT_GIVEN: "bold $error",
    given.DEVIATION: "bold $accent",
}


def keys_line(treatments: list[dict[str, Any]]) -> str:
    """The keys said under the treatments (0 only when there are more than nine)."""
    return KEYS_LINE_MANY if len(given.recommended(treatments)) > 9 else KEYS_LINE


def given_rows(treatments: list[dict[str, Any]], record: dict[str, Any] | None) -> list[tuple[str, str, given.Item | None]]:
    """(key, treatment with its dose, outcome) per line, outcome None = belum dicatat; a
    deviation's key is T1, T2, ... (the number `mtbs tindakan catat --hapus-tambahan` takes); the
    referral (RUJUK_SEGERA, RUJUK) comes first with the key REFERRAL_KEY and no outcome."""
    rows: list[tuple[str, str, given.Item | None]] = [
        (REFERRAL_KEY, t.get("label") or t["code"], None) for t in treatments or []
        if t.get("code") in given.NOT_AN_ITEM]  # the referral itself: said, not confirmed here
    number = deviation = 0
    for t, item in given.confirmation(treatments, record):
        if t.get("code") is None:
            deviation += 1
            rows.append((f"T{deviation}", t.get("label") or "", item))
            continue
        number += 1
        text = (t.get("label") or t.get("code") or "") + (f": {t['dose']}" if t.get("dose") else "")
        rows.append((str(number), text, item))
    return rows


def given_content(treatments: list[dict[str, Any]], record: dict[str, Any] | None, *,
                  keys: bool = True) -> Content:
    """The box's text: one line (wrapping) per treatment, its state at the end, the keys below."""
    rows = given_rows(treatments, record)
    if not rows:
        return Content("Tidak ada tindakan khusus.")
    lines = []
    for key, text, item in rows:
        if key == REFERRAL_KEY:
            lines.append(Content.from_markup("[bold]$key $text[/]", key=key, text=text))
            continue
        style = STATE_STYLE.get(item.outcome if item else None, "bold")
        lines.append(Content.from_markup(f"[bold]$key[/] $text · [{style}]$state[/]", key=key, text=text,
                                         state=item.text() if item else "belum dicatat"))
    if keys:
        lines.append(Content.from_markup("[dim]$keys[/]", keys=keys_line(treatments)))
    return Content("\n").join(lines)


def given_title(treatments: list[dict[str, Any]], record: dict[str, Any] | None) -> str:
    return f"Tindakan · {given.summary_text(treatments, record)}"
