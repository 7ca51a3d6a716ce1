"""The mother's card (kartu nasihat ibu): half an A4 page in plain Indonesian to take home.

What it says: each medicine, how much, how many times a day and for how many days; the signs to
come back immediately; the follow-up date. It is printed in the top half of an A4 sheet with a cut
line, because clinic printers hold A4 and a scaled A5 page prints too large or too small.

`build_card_pdf(register, visit_id, out_path)` is what the TUI and `mtbs card` call.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtbs_tui.documents.common import (
    write_bytes,
    age_text_long,
    as_date,
    atomic_output,
    date_text,
    footer_text,
    para_text,
    pdf_safe,
    record_audit,
    styles,
)
from mtbs_tui.documents.referral import load_visit

WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

# Treatments the mother gives at home (drugs); the other home-care items are listed as advice.
# Vitamin A and the deworming dose are single doses swallowed at the puskesmas, so not listed.
HOME_MEDICINES = {
    "AMOKSISILIN", "KOTRIMOKSAZOL", "ANTIBIOTIK_KOLERA", "DHP", "PRIMAKUIN", "PARASETAMOL",
    "SALEP_MATA", "ANTISEPTIK_MULUT", "PELEGA_TENGGOROKAN", "BRONKODILATOR", "ZINK",
    "TETES_TELINGA_KUINOLON", "ZAT_BESI", "NISTATIN", "ANTISEPTIK_PUSAR_KULIT",
    "RENCANA_TERAPI_A",
}
HOME_CARE = {
    "KERINGKAN_TELINGA", "KONSELING_PEMBERIAN_MAKAN", "KONSELING_MENYUSUI", "PERAWATAN_BAYI_MUDA",
    "ORALIT_PERJALANAN", "JAGA_TETAP_HANGAT", "METODE_KANGURU",
}

# "When to return immediately" (mtbs-chart.md §5.11, WHO 2014 list) when the rules package gives none.
RETURN_BALITA = ("Tidak bisa minum atau menyusu", "Bertambah parah", "Timbul demam")
RETURN_COUGH = ("Napas cepat", "Sukar bernapas")
RETURN_DIARRHOEA = ("Berak bercampur darah", "Malas minum")
RETURN_YOUNG_INFANT = (
    "Malas menyusu atau tidak bisa menyusu", "Kurang aktif atau bergerak hanya jika dirangsang",
    "Bertambah parah", "Demam atau badan teraba dingin", "Napas cepat atau sukar bernapas",
    "Berak bercampur darah", "Telapak tangan dan kaki tampak kuning",
)


@dataclass(frozen=True)
class MedicineLine:
    name: str
    amount: str
    times: str
    days: str


def split_dose(dose: str | None) -> tuple[str, str, str]:
    """`¾ tablet 500 mg, 2 kali sehari selama 3 hari` -> (`¾ tablet 500 mg`, `2 kali sehari`, `3 hari`).

    A dose text that does not follow the chart's pattern is kept whole in the first column: it is
    better printed as written than guessed.
    """
    if not dose:
        return ("sesuai petunjuk petugas", "-", "-")
    text = " ".join(str(dose).split())
    times = ""
    m = re.search(r"(\d+)\s*(?:x|kali)\s*(?:sehari|per hari|/hari)", text, re.I)
    if m:
        times = f"{m.group(1)} kali sehari"
    else:
        m2 = re.search(r"setiap\s+(\d+)\s*jam", text, re.I)
        if m2:
            times = f"setiap {m2.group(1)} jam"
    days = ""
    m3 = re.search(r"selama\s+(\d+\s*(?:hari|minggu|bulan))", text, re.I)
    if m3:
        days = m3.group(1)
    else:
        m4 = re.search(r"(sampai\s+[^,;]+)", text, re.I)
        if m4:
            days = m4.group(1)
    if not times and not days:
        return (text, "-", "-")
    amount = text.split(",")[0].strip()
    if amount and (amount.lower().startswith(("setiap", "selama", "sampai")) or re.match(r"^\d+\s*kali", amount)):
        amount = "-"
    return (amount or "-", times or "-", days or "-")


def medicine_lines(visit: dict) -> list[MedicineLine]:
    out = []
    for t in visit.get("treatments") or []:
        if t.get("code") in HOME_MEDICINES:
            amount, times, days = split_dose(t.get("dose"))
            out.append(MedicineLine(t.get("label") or t.get("code"), amount, times, days))
    return out


def return_signs(visit: dict) -> list[str]:
    """The signs to come back immediately: from the rules package's advice when it has them."""
    result = visit.get("result") or {}
    try:
        from mtbs_tui.rules.advice import advice_for

        advice = advice_for(result)
        signs = list(getattr(advice, "kembali_segera", None) or [])
        if signs:
            return signs
    except Exception:  # noqa: BLE001 - the advice module is optional for the card
        pass
    if visit.get("pathway") == "bayi_muda":
        return list(RETURN_YOUNG_INFANT)
    modules = {c.get("module") for c in visit.get("classifications") or []}
    signs = list(RETURN_BALITA)
    if "batuk" in modules:
        signs += RETURN_COUGH
    if "diare" in modules:
        signs += RETURN_DIARRHOEA
    return signs


def home_advice(visit: dict) -> list[str]:
    result = visit.get("result") or {}
    try:
        from mtbs_tui.rules.advice import advice_for

        advice = advice_for(result)
        items = list(getattr(advice, "nasihat", None) or [])
        if items:
            return items[:6]
    except Exception:  # noqa: BLE001
        pass
    return [t.get("label") for t in visit.get("treatments") or [] if t.get("code") in HOME_CARE and t.get("label")]


def follow_up_text(visit: dict) -> str:
    due = as_date(visit.get("follow_up_date"))
    if not due:
        return "Tidak perlu kunjungan ulang terjadwal; datang bila ada tanda di atas."
    seen = as_date(visit.get("visit_date"))
    days = (due - seen).days if seen else None
    return f"{WEEKDAYS[due.weekday()]}, {date_text(due)}" + (f" ({days} hari lagi)" if days is not None else "")


def card_story(register: Any, visit: dict) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    st = styles()
    big = ParagraphStyle("besar", parent=st["base"], fontSize=11.5, leading=14)
    bigb = ParagraphStyle("besarb", parent=big, fontName="Helvetica-Bold")
    section = ParagraphStyle("bagiank", parent=st["section"], fontSize=12, leading=14.5, spaceBefore=6)
    patient = visit.get("patient") or {}
    facility = register.facility() or {}
    story: list[Any] = [
        Paragraph("KARTU NASIHAT IBU", st["title"]),
        Paragraph(para_text(f"{facility.get('name') or 'Puskesmas'} - {date_text(visit.get('visit_date'))}"), st["center"]),
        Spacer(1, 3),
        Paragraph(
            f"Anak: <b>{para_text(patient.get('name') or '-')}</b> &nbsp; Umur: {para_text(age_text_long(visit.get('age_days'), visit.get('age_months')))}"
            f" &nbsp; No. RM: {para_text(patient.get('mrn') or '-')}", big),
    ]
    if visit.get("refer_urgently"):
        story.append(Spacer(1, 3))
        story.append(Paragraph(
            "<b>ANAK PERLU DIRUJUK SEGERA KE RUMAH SAKIT.</b> Bawa surat rujukan dan kartu ini. "
            "Jaga anak tetap hangat dan teruskan menyusui selama perjalanan.", bigb))
    meds = medicine_lines(visit)
    story.append(Paragraph("Obat yang diberikan di rumah", section))
    if meds:
        rows = [[Paragraph(f"<b>{h}</b>", big) for h in ("Obat", "Berapa banyak", "Berapa kali sehari", "Berapa hari")]]
        for m in meds:
            rows.append([Paragraph(para_text(m.name), big), Paragraph(para_text(m.amount), big),
                         Paragraph(para_text(m.times), big), Paragraph(para_text(m.days), big)])
        t = Table(rows, colWidths=[58 * mm, 50 * mm, 36 * mm, 34 * mm])
        t.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dddddd")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]))
        story.append(t)
        story.append(Paragraph("Habiskan obat sesuai jumlah hari walaupun anak sudah tampak sembuh.", st["base"]))
    else:
        story.append(Paragraph("Tidak ada obat untuk diberikan di rumah.", big))
    care = home_advice(visit)
    if care:
        story.append(Paragraph("Perawatan di rumah", section))
        for item in care:
            story.append(Paragraph("&bull; " + para_text(item), big))
    story.append(Paragraph("SEGERA BAWA ANAK KEMBALI ke puskesmas bila:", section))
    signs = return_signs(visit)
    half = (len(signs) + 1) // 2
    cols = [signs[:half], signs[half:]]
    rows = [[Paragraph("[ ] " + para_text(cols[0][i]), big),
             Paragraph("[ ] " + para_text(cols[1][i]), big) if i < len(cols[1]) else ""] for i in range(half)]
    t = Table(rows, colWidths=[89 * mm, 89 * mm])
    t.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                           ("LEFTPADDING", (0, 0), (-1, -1), 2)]))
    story.append(t)
    story.append(Paragraph("Kunjungan ulang", section))
    story.append(Paragraph(f"<b>{para_text(follow_up_text(visit))}</b>", bigb))
    return story


def render_card(register: Any, visit: dict, out: Any) -> None:
    """The card in the top half of one A4 page, with a cut line across the middle."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Frame, KeepInFrame

    width, height = A4
    margin = 14 * mm
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle(pdf_safe(f"Kartu nasihat ibu - {(visit.get('patient') or {}).get('name') or ''}"))
    canvas.setAuthor("mtbs_tui")
    half = height / 2
    frame = Frame(margin, half + 8 * mm, width - 2 * margin, half - margin - 8 * mm,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    story = card_story(register, visit)
    frame.addFromList([KeepInFrame(frame._aW, frame._aH, story, mode="shrink")], canvas)
    canvas.setFont("Helvetica", 6.5)
    canvas.drawString(margin, half + 3 * mm, footer_text(register.db, f"Kartu nasihat ibu kunjungan #{visit['id']}"))
    canvas.setDash(3, 3)
    canvas.setLineWidth(0.4)
    canvas.line(margin / 2, half, width - margin / 2, half)
    canvas.setFont("Helvetica", 7)
    canvas.drawCentredString(width / 2, half - 3.5 * mm, "gunting di sini - bawa pulang bagian atas")
    canvas.showPage()
    canvas.save()
    data = buf.getvalue()
    write_bytes(out, data)


def build_card_pdf(register: Any, visit_id: int, out_path: Path | str, *, audit: bool = True,
                   actor: str | None = None) -> Path:
    """Write the mother's card of `visit_id` to `out_path` (atomically) and record it."""
    out_path = Path(out_path)
    visit = load_visit(register, visit_id)
    with atomic_output(out_path) as tmp:
        render_card(register, visit, str(tmp))
    if audit:
        record_audit(register, "kartu.cetak", detail=f"kunjungan {visit_id}", actor=actor,
                     patient_id=visit.get("patient_id"))
    return out_path


def default_name(visit: dict) -> str:
    mrn = str((visit.get("patient") or {}).get("mrn") or visit["id"]).replace("/", "-")
    return f"kartu-ibu-{mrn}-{visit['visit_date']}-{visit['id']}.pdf"


