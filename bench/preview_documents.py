"""Render the mother's card and the referral letter of a demo register to PNG, for a person to look at.

Makes a demo register with `mtbs demo` (or uses --db), picks a visit whose card has the most home
medicines (fractions, syrups, alternatives) and an urgently referred visit with the most
pre-referral lines, writes their PDFs and the card of that referred child, renders every page with
`pdftoppm -png -r 60` into --out, and with --docs also writes docs/preview-card.png (the card's top
half, what the mother takes home) and docs/preview-referral.png (the letter's pages side by side).
Nothing is recorded in the register (no letter number, no audit entry); what was given to the
referred child (issue 17) is an example made in memory (`example_given`).

Run: .venv/bin/python bench/preview_documents.py [--db FILE] [--out DIR] [--docs]
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from preview_common import ROOT, preview_main

HOME_LINES = """
SELECT v.id FROM visits v JOIN visit_treatments t ON t.visit_id = v.id
WHERE v.status = 'final' AND v.is_current = 1 AND v.refer_urgently = 0 AND t.dose IS NOT NULL
  AND t.code IN ('AMOKSISILIN', 'PARASETAMOL', 'ZAT_BESI', 'KOTRIMOKSAZOL', 'DHP', 'PRIMAKUIN', 'ZINK')
GROUP BY v.id ORDER BY count(*) DESC, max(t.dose LIKE '%⅛%' OR t.dose LIKE '%⅔%') DESC, v.id LIMIT 1"""
REFERRED = """
SELECT v.id FROM visits v JOIN visit_treatments t ON t.visit_id = v.id
WHERE v.status = 'final' AND v.is_current = 1 AND v.refer_urgently = 1
GROUP BY v.id ORDER BY count(*) DESC, v.id LIMIT 1"""


def render(db: Path, out: Path) -> dict[str, list[Path]]:
    from mtbs_tui.documents.card import render_card
    from mtbs_tui.documents.referral import render_referral
    from mtbs_tui.register import ROMAN_MONTHS, Register

    out.mkdir(parents=True, exist_ok=True)
    reg = Register.open(db)
    pdfs: dict[str, Path] = {}
    try:
        home = reg.db.execute(HOME_LINES).fetchone()[0]
        referred = reg.db.execute(REFERRED).fetchone()[0]
        for name, vid in (("kartu", home), ("kartu-rujuk", referred), ("surat-rujukan", referred)):
            pdf = out / f"{name}-{vid}.pdf"
            visit = reg.get_visit(vid)
            if vid == referred and not visit.get("given"):
                visit["given"] = example_given(visit)
            with open(pdf, "wb") as fh:
                if name == "surat-rujukan":
                    # The number a first print would get; the preview records nothing.
                    at = visit["visit_at"]
                    render_referral(reg, visit, fh, f"001/RUJ-MTBS/{ROMAN_MONTHS[int(at[5:7]) - 1]}/{at[:4]}")
                else:
                    render_card(reg, visit, fh)
            pdfs[name] = pdf
    finally:
        reg.close()
    pngs: dict[str, list[Path]] = {}
    for name, pdf in pdfs.items():
        for old in out.glob(f"{name}-p*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(out / f"{name}-p")], check=True)
        pngs[name] = sorted(out.glob(f"{name}-p*.png"))
    return pngs


def example_given(visit: dict) -> dict:
    """What was given, as a nurse records it (issue 17), in memory only: every pre-referral
    treatment given 15 minutes after the examination, the first one not given (stok habis), and
    paracetamol outside the chart."""
    import datetime as dt

    from mtbs_tui import given

    at = dt.datetime.fromisoformat(visit["visit_at"]) + dt.timedelta(minutes=15)
    hour = at.strftime("%H:%M")
    changes = given.rest_given(visit["treatments"], None, hour)
    if changes:
        changes[0] = {"code": changes[0]["code"], "outcome": given.NOT_GIVEN, "reason": "stok_habis"}
    changes.append({"code": None, "outcome": given.DEVIATION, "note": "Parasetamol sirup 120 mg/5 mL, 5 mL",
                    "time": hour})
    items = given.merge(visit["treatments"], [], changes, visit_at=visit["visit_at"], now=at)
    return {"version": 1, "recorded_by": visit.get("recorded_by") or "bidan",
            "recorded_at": at.isoformat(timespec="seconds"), "items": items}


def to_docs(pngs: dict[str, list[Path]]) -> list[Path]:
    from PIL import Image

    card = Image.open(pngs["kartu"][0])
    card_target = ROOT / "docs" / "preview-card.png"
    card.crop((0, 0, card.width, int(card.height * 0.53))).save(card_target, optimize=True)
    letter_target = ROOT / "docs" / "preview-referral.png"
    pages = [Image.open(p) for p in pngs["surat-rujukan"]]
    if len(pages) > 1:  # a long case: its pages side by side, with a grey line between them
        sheet = Image.new("RGB", (sum(p.width for p in pages) + 4 * (len(pages) - 1), pages[0].height), "#888888")
        x = 0
        for page in pages:
            sheet.paste(page, (x, 0))
            x += page.width + 4
        sheet.save(letter_target, optimize=True)
    else:
        pages[0].save(letter_target, optimize=True)
    return [card_target, letter_target]


def main() -> int:
    return preview_main(__doc__.splitlines()[0], render,
                        lambda pngs: [p for pages in pngs.values() for p in pages], to_docs,
                        "also write docs/preview-card.png and docs/preview-referral.png")


if __name__ == "__main__":
    raise SystemExit(main())
