"""The mother's card (kartu nasihat ibu): half an A4 page in plain Indonesian to take home.

What it says: each medicine, how much, how often and for how long, printed from the engine's
structured dose (`rules.doses.Dose`: amount, unit, form, frequency, duration), never by cutting a
dose text; the signs to come back immediately; the follow-up date. A child referred urgently gets
a card that says one thing: go to the hospital now, with what was given before the referral (no
home medicine, no follow-up date, no return signs). It is printed in the top half of an A4 sheet
with a cut line, because clinic printers hold A4 and a scaled A5 page prints too large or too small.

`build_card_pdf(register, visit_id, out_path)` is what the TUI and `mtbs card` call.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtbs_tui.audit import record_audit
from mtbs_tui.display import DAY_NAMES
from mtbs_tui.documents.common import (
    FONT,
    FONT_BOLD,
    DocumentError,
    age_text_long,
    as_date,
    atomic_output,
    date_text,
    footer_text,
    old_version_mark,
    para_text,
    pdf_text,
    styles,
    text_width,
    visit_doses,
    write_bytes,
)
from mtbs_tui.documents.referral import load_visit

# Treatments the mother gives at home (drugs); the other home-care items are listed as advice.
# Vitamin A and the deworming dose are single doses swallowed at the puskesmas, so not listed.
HOME_MEDICINES = {
    "AMOKSISILIN", "KOTRIMOKSAZOL", "ANTIBIOTIK_KOLERA", "DHP", "PRIMAKUIN", "PARASETAMOL",
    "SALEP_MATA", "ANTISEPTIK_MULUT", "PELEGA_TENGGOROKAN", "BRONKODILATOR", "ZINK",
    "TETES_TELINGA_KUINOLON", "ZAT_BESI", "NISTATIN", "ANTISEPTIK_PUSAR_KULIT",
    "RENCANA_TERAPI_A",
}


@dataclass(frozen=True)
class MedicineLine:
    """One row of the medicine table. ``whole`` is a dose text without parts (a visit classified by
    older tables): printed whole across the three columns, never cut."""

    name: str
    amount: str = ""
    times: str = ""
    days: str = ""
    whole: str | None = None


NO_DOSE = "cara pakai dijelaskan petugas"


NBSP = "\u00a0"


def _amount_text(amount: Any) -> str:
    """The amount with its quantity and unit bound together ("2,5 mL" is never broken across lines;
    a long product name after it may wrap inside the cell)."""
    return " ".join(p for p in (amount.drug, f"{amount.quantity}{NBSP}{amount.unit}", amount.form) if p)


WORKER_FILLS = "........ tablet/mL (diisi petugas)"


def _measured_by_worker(part: Any) -> str:
    """The amount cell of a dose the chart gives only in mg per kg: a blank the worker fills in
    with the tablets or millilitres, and the mass it stands for."""
    mass = " atau ".join(f"{a.quantity}{NBSP}{a.unit}" for a in part.amounts)
    return f"{WORKER_FILLS}\n= {mass}"


def dose_lines(name: str, dose: str | None) -> list[MedicineLine]:
    """The rows of one medicine: one per dose part; alternatives start with "atau"."""
    from mtbs_tui.rules.doses import EITHER, parts_of

    parts = parts_of(dose)
    if not parts:
        return [MedicineLine(name, whole=NO_DOSE)]
    either = getattr(dose, "separator", None) == EITHER
    out = []
    part: Any  # a Dose (amounts, route, ...) or a plain text
    for i, part in enumerate(parts):
        label = name if i == 0 else ("atau" if either else "")
        amounts = getattr(part, "amounts", None)
        if not amounts:
            out.append(MedicineLine(label, whole=str(part)))
            continue
        if getattr(part, "worker_measures", False):
            from mtbs_tui.rules.doses import WORKER_CONVERTS

            how = _measured_by_worker(part)
            note = "" if part.note == WORKER_CONVERTS else part.note
        else:
            how = "\n".join(("atau " if j else "") + _amount_text(a) for j, a in enumerate(amounts))
            note = part.note
        if part.route:
            how += f"\n{part.route}"
        times = ", ".join(x for x in (part.frequency, note) if x)
        out.append(MedicineLine(label, how, times, part.duration))
    return out


def _starts_later(t: dict) -> bool:
    """A prophylaxis the chart starts at a later age (the young infant's cotrimoxazole): a plan."""
    from mtbs_tui.rules.bayi_muda import KOTRIMOKSAZOL_LATER

    return t.get("code") == "KOTRIMOKSAZOL" and t.get("label") == KOTRIMOKSAZOL_LATER and not t.get("dose")


def _outcomes(visit: dict) -> dict[str, Any]:
    """What was recorded as given per treatment code (issue 17), {} when nothing was recorded."""
    return {i.code: i for i in (visit.get("given") or {}).get("items", []) if i.code}


def medicine_lines(visit: dict) -> list[MedicineLine]:
    """The home medicines of a visit that is not an urgent referral: only what was given (a
    medicine recorded as not given is left off; one given otherwise is printed as given), then
    the medicines outside the chart given for home."""
    from mtbs_tui import given

    outcomes = _outcomes(visit)
    out: list[MedicineLine] = []
    for t, dose in zip(visit.get("treatments") or [], visit_doses(visit)):
        if t.get("code") in HOME_MEDICINES and not _starts_later(t):
            item = outcomes.get(t.get("code"))
            if item is not None and item.outcome == given.NOT_GIVEN:
                continue
            if item is not None and item.outcome == given.OTHERWISE:
                out.append(MedicineLine(t.get("label") or t.get("code"), whole=item.note or NO_DOSE))
                continue
            out.extend(dose_lines(t.get("label") or t.get("code"), dose))
    for item in (visit.get("given") or {}).get("items", []):
        if item.code is None and item.for_home:
            out.append(MedicineLine(item.label, whole=NO_DOSE))
    return out


def not_given_lines(visit: dict) -> list[str]:
    """The home medicines recorded as not given, one line each for the card ("Amoksisilin (stok
    habis)"), when the setting `kartu_obat_belum_diberikan` is on; [] otherwise."""
    from mtbs_tui import given
    from mtbs_tui.rules import settings

    if not settings.DEFAULT.kartu_obat_belum_diberikan:
        return []
    outcomes = _outcomes(visit)
    out: list[str] = []
    for t in visit.get("treatments") or []:
        item = outcomes.get(t.get("code"))
        if (t.get("code") in HOME_MEDICINES and not _starts_later(t) and item is not None
                and item.outcome == given.NOT_GIVEN):
            why = item.reason_text()
            out.append(f"{t.get('label') or t.get('code')} ({why})" if why else str(t.get("label") or t.get("code")))
    return out


def _day_text(visit: dict, day: int) -> str:
    """Treatment day `day` (1 = the visit day) as a weekday and date."""
    import datetime as _dt

    seen = as_date(visit.get("visit_date"))
    if not seen:
        return f"hari ke-{day}"
    when = seen + _dt.timedelta(days=day - 1)
    return f"hari ke-{day} ({DAY_NAMES[when.weekday()]}, {date_text(when)})"


def plan_lines(visit: dict) -> list[str]:
    """What the mother must do next besides the home medicines (a visit not referred urgently): a
    non-urgent referral, a treatment dose due on a later day (vitamin A day 2 and 15), a prophylaxis
    that starts at a later age (with its date)."""
    import datetime as _dt

    from mtbs_tui.rules.bayi_muda import KOTRIMOKSAZOL_START_DAYS

    out: list[str] = []
    for t, dose in zip(visit.get("treatments") or [], visit_doses(visit)):
        code, label = t.get("code"), (t.get("label") or t.get("code") or "")
        if code == "RUJUK":
            reason = re.sub(r"^Rujuk\s*:?\s*(untuk\s+)?", "", label) or label
            out.append(f"Rujukan (tidak darurat): {reason}. Petugas menjelaskan ke mana dan kapan; "
                       "bawa kartu ini.")
        elif code == "VITAMIN_A" and len(days := getattr(dose, "days", ())) > 1:
            later = " dan ".join(_day_text(visit, d) for d in days if d > 1)
            out.append(f"{label}: hari ini sudah diberikan. Dosis berikutnya {later}: datang ke "
                       "puskesmas, atau berikan kapsul yang dibawa pulang sesuai petunjuk petugas.")
        elif _starts_later(t):
            birth = as_date((visit.get("patient") or {}).get("birth_date"))
            if birth and (visit.get("age_days") or 0) < KOTRIMOKSAZOL_START_DAYS:
                start = birth + _dt.timedelta(days=KOTRIMOKSAZOL_START_DAYS)
                out.append(f"Profilaksis kotrimoksazol mulai umur 6 minggu ({DAY_NAMES[start.weekday()]}, "
                           f"{date_text(start)}); belum diminum sekarang. Datang ke puskesmas pada hari itu "
                           "untuk obat dan cara pakainya.")
            else:
                out.append("Profilaksis kotrimoksazol (mulai umur 6 minggu; bayi sudah mencapainya): "
                           "jumlah dan cara pakai dijelaskan petugas.")
    return out


def given_before_referral(visit: dict) -> list[tuple[str, str | None]]:
    """What the puskesmas gave before an urgent referral: (label, dose text or None). Once what
    was given is recorded (issue 17): only what was given, with its time; before that, the
    chart's pre-referral treatments."""
    from mtbs_tui import given

    skip = {"RUJUK_SEGERA", "NASIHAT_KEMBALI_SEGERA"}
    record = visit.get("given")
    if not record:
        return [(t.get("label") or t.get("code"), t.get("dose")) for t in visit.get("treatments") or []
                if t.get("code") not in skip]
    outcomes = _outcomes(visit)
    out: list[tuple[str, str | None]] = []
    for t in given.recommended(visit.get("treatments") or []):
        item = outcomes.get(t["code"])
        if t["code"] in skip or item is None or not item.is_given:
            continue
        hour = f"jam {given.when_text(item.given_at, visit.get('visit_date'))}"
        what = item.note if item.outcome == given.OTHERWISE else t.get("dose")
        out.append((t.get("label") or t["code"], f"{what}; {hour}" if what else hour))
    for item in record.get("items", []):
        if item.code is None:
            out.append((item.label, f"jam {given.when_text(item.given_at, visit.get('visit_date'))}"))
    return out


def return_signs(visit: dict) -> list[str]:
    """The signs to come back immediately (`rules.advice`, reference §5.11, chosen by what was
    classified)."""
    from mtbs_tui.rules.advice import advice_for

    return list(advice_for(visit.get("result") or {}).kembali_segera)


def home_advice(visit: dict) -> list[str]:
    """Home care and counselling for the mother (`rules.advice`), at most six lines."""
    from mtbs_tui.rules.advice import FINISH_THE_COURSE, advice_for

    # "Finish the course" is printed under the medicine table, once.
    return [t for t in advice_for(visit.get("result") or {}).nasihat if t != FINISH_THE_COURSE][:6]


def has_course(visit: dict) -> bool:
    """A medicine on the card is a course to finish (antibiotic, antimalarial, zinc, ...)."""
    from mtbs_tui import given
    from mtbs_tui.rules.advice import is_course

    outcomes = _outcomes(visit)
    return any(t.get("code") in HOME_MEDICINES and is_course(t) and not _starts_later(t)
               and getattr(outcomes.get(t.get("code")), "outcome", None) != given.NOT_GIVEN
               for t in visit.get("treatments") or [])


def follow_up_text(visit: dict) -> str:
    due = as_date(visit.get("follow_up_date"))
    if not due:
        return "Tidak perlu kunjungan ulang terjadwal; datang bila ada tanda di atas."
    seen = as_date(visit.get("visit_date"))
    days = (due - seen).days if seen else None
    return f"{DAY_NAMES[due.weekday()]}, {date_text(due)}" + (f" ({days} hari lagi)" if days is not None else "")


# Medicine table: column widths (mm) and the body font size; tests/test_card_layout.py checks that
# every amount line fits its column at this size.
MED_COLS_MM = (40, 70, 40, 32)
MED_SIZE = 10.5
CELL_PAD = 6  # points of left + right padding in a table cell


def card_story(register: Any, visit: dict) -> list[Any]:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Spacer

    st = styles()
    big = ParagraphStyle("besar", parent=st["base"], fontSize=11.5, leading=14)
    bigb = ParagraphStyle("besarb", parent=big, fontName=FONT_BOLD)
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
    mark = old_version_mark(visit, "Kartu ini")
    if mark is not None:
        story.insert(1, mark)
    if visit.get("refer_urgently"):
        return story + _referred_story(visit, big, bigb, section)
    return story + _home_story(visit, st, big, bigb, section)


def _referred_story(visit: dict, big: Any, bigb: Any, section: Any) -> list[Any]:
    """One message: go to the hospital now; what was given here before the referral."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    alarm = ParagraphStyle("rujuk", parent=bigb, fontSize=15, leading=19)
    dest = ((visit.get("referral") or {}).get("destination") or "").strip()
    where = f"ke <b>{para_text(dest)}</b>" if dest else "ke rumah sakit rujukan"
    out: list[Any] = [
        Spacer(1, 6),
        Paragraph("BAWA ANAK KE RUMAH SAKIT SEKARANG JUGA.", alarm),
        Paragraph(f"Anak perlu dirujuk segera {where}. Jangan ditunda, jangan pulang dulu. "
                  "Bawa surat rujukan dan kartu ini.", big),
        Paragraph("Sudah diberikan di puskesmas sebelum dirujuk", section),
    ]
    given = given_before_referral(visit)
    if given:
        cell = ParagraphStyle("sel_rujuk", parent=big, fontSize=MED_SIZE, leading=MED_SIZE + 2.4)
        rows = [[Paragraph(para_text(label), cell), Paragraph(para_text(dose or ""), cell)]
                for label, dose in given]
        t = Table(rows, colWidths=[62 * mm, 120 * mm], hAlign="LEFT")
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
        out.append(t)
    else:
        out.append(Paragraph("Belum ada obat yang diberikan.", big))
    out.append(Paragraph("Selama perjalanan", section))
    out.append(Paragraph("&bull; Jaga anak tetap hangat (dekap kulit ke kulit bila bayi).", big))
    out.append(Paragraph("&bull; Teruskan menyusui bila anak bisa menyusu.", big))
    if any(t.get("code") == "ORALIT_PERJALANAN" for t in visit.get("treatments") or []):
        out.append(Paragraph("&bull; Beri oralit sedikit-sedikit tetapi sering selama perjalanan.", big))
    return out


def _home_story(visit: dict, st: dict, big: Any, bigb: Any, section: Any) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    cell = ParagraphStyle("sel", parent=big, fontSize=MED_SIZE, leading=MED_SIZE + 2.4)
    story: list[Any] = []
    meds = medicine_lines(visit)
    story.append(Paragraph("Obat yang diberikan di rumah", section))
    if meds:
        rows = [[Paragraph(f"<b>{h}</b>", cell) for h in ("Obat", "Berapa banyak", "Berapa kali", "Berapa lama")]]
        spans = []
        for i, m in enumerate(meds, start=1):
            if m.whole is not None:
                rows.append([Paragraph(para_text(m.name), cell), Paragraph(para_text(m.whole), cell), "", ""])
                spans.append(("SPAN", (1, i), (3, i)))
                continue
            rows.append([Paragraph(para_text(m.name), cell),
                         Paragraph(para_text(m.amount).replace("\n", "<br/>"), cell),
                         Paragraph(para_text(m.times), cell), Paragraph(para_text(m.days), cell)])
        t = Table(rows, colWidths=[w * mm for w in MED_COLS_MM], hAlign="LEFT")
        t.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dddddd")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD / 2), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD / 2),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            *spans,
        ]))
        story.append(t)
        if has_course(visit):
            story.append(Paragraph("Habiskan obat sesuai jumlah hari walaupun anak sudah tampak sembuh.",
                                   st["base"]))
    missing = not_given_lines(visit)
    if missing:
        story.append(Paragraph("<b>BELUM DIBERIKAN</b> di puskesmas; tanyakan petugas sebelum pulang:", big))
        for line in missing:
            story.append(Paragraph("&bull; " + para_text(line), bigb))
    elif not meds:
        story.append(Paragraph("Tidak ada obat untuk diberikan di rumah.", big))
    plan = plan_lines(visit)
    if plan:
        story.append(Paragraph("Yang perlu dilakukan selanjutnya", section))
        for item in plan:
            story.append(Paragraph("&bull; " + para_text(item), big))
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
    t = Table(rows, colWidths=[91 * mm, 91 * mm], hAlign="LEFT")
    t.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                           ("LEFTPADDING", (0, 0), (-1, -1), 2), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(t)
    story.append(Paragraph("Kunjungan ulang", section))
    story.append(Paragraph(f"<b>{para_text(follow_up_text(visit))}</b>", bigb))
    return story


def amount_lines_fit(visit: dict) -> list[str]:
    """Parts of the card's medicine table that cannot fit their column (should be none): each
    unbreakable run of an amount ("2,5 mL", "besi-folat") measured against the amount column,
    each word of the other columns against theirs. A cell wraps at spaces and after hyphens, so
    anything else fits."""
    widths = [w * 72 / 25.4 - CELL_PAD for w in MED_COLS_MM]
    too_wide = []
    for m in medicine_lines(visit):
        for col, text in ((0, m.name), (1, m.amount), (2, m.times), (3, m.days)):
            for word in re.split(r" |(?<=-)", text.replace("\n", " ")):  # reportlab wraps after "-" too
                if word and text_width(word, MED_SIZE) > widths[col]:
                    too_wide.append(word)
    return too_wide


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
    canvas.setTitle(pdf_text(f"Kartu nasihat ibu - {(visit.get('patient') or {}).get('name') or ''}"))
    canvas.setAuthor("mtbs_tui")
    half = height / 2
    frame = Frame(margin, half + 8 * mm, width - 2 * margin, half - margin - 8 * mm,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    story = card_story(register, visit)
    frame.addFromList([KeepInFrame(frame._aW, frame._aH, story, mode="shrink")], canvas)
    canvas.setFont(FONT, 6.5)
    canvas.drawString(margin, half + 3 * mm, footer_text(register.db, f"Kartu nasihat ibu kunjungan #{visit['id']}"))
    canvas.setDash(3, 3)
    canvas.setLineWidth(0.4)
    canvas.line(margin / 2, half, width - margin / 2, half)
    canvas.setFont(FONT, 7)
    canvas.drawCentredString(width / 2, half - 3.5 * mm, "gunting di sini - bawa pulang bagian atas")
    canvas.showPage()
    canvas.save()
    data = buf.getvalue()
    write_bytes(out, data)


def check_current(register: Any, visit: dict) -> None:
    """Refuse a card for a corrected (old) version: the mother must not take home what was
    corrected. One Indonesian line naming the current version's id."""
    if visit.get("is_current", 1):
        return
    current = register.current_version_id(visit.get("visit_uid"))
    where = f"cetak kartu kunjungan {current} (versi terbaru)" if current else "cetak dari versi terbaru"
    raise DocumentError(
        f"galat: VISIT_ID: kunjungan {visit['id']} adalah versi lama (versi {visit.get('version')}) yang sudah "
        f"dikoreksi; {where}, atau pakai --versi-lama untuk mencetak versi lama bertanda VERSI LAMA")


def build_card_pdf(register: Any, visit_id: int, out_path: Path | str, *, audit: bool = True,
                   actor: str | None = None, old_version: bool = False) -> Path:
    """Write the mother's card of `visit_id` to `out_path` (atomically) and record it. A corrected
    (old) version is refused unless `old_version` asks for it; then it is marked VERSI LAMA."""
    out_path = Path(out_path)
    visit = load_visit(register, visit_id)
    if not old_version:
        check_current(register, visit)
    with atomic_output(out_path) as tmp:
        render_card(register, visit, str(tmp))
    if audit:
        record_audit(register, "kartu.cetak", detail=f"kunjungan {visit_id}", actor=actor,
                     patient_id=visit.get("patient_id"))
    return out_path


def default_name(visit: dict) -> str:
    mrn = str((visit.get("patient") or {}).get("mrn") or visit["id"]).replace("/", "-")
    return f"kartu-ibu-{mrn}-{visit['visit_date']}-{visit['id']}.pdf"


