"""The referral letter (surat pengantar rujukan), one A4 page a hospital doctor can act on.

Layout follows mtbs-chart.md §6.6: letterhead, title and number, addressee, patient identity, the
reason (every merah classification), findings and measurements, the pre-referral treatment with
doses and the time given, other classifications, the referring worker's signature, and a reply slip
(balasan rujukan) below a cut line. The body is wrapped in a shrink-to-fit frame, so a child with
many classifications still gets exactly one page.

`build_referral_pdf(register, visit_id, out_path)` is what the TUI and `mtbs referral` call.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from mtbs_tui.documents.common import (
    write_bytes,
    ROMAN,
    SEX_TEXT,
    DocumentError,
    age_text_long,
    atomic_output,
    date_text,
    datetime_text,
    footer_text,
    letterhead,
    number_text,
    para_text,
    pdf_safe,
    styles,
    time_text,
)

# Treatment codes that are actions or drugs given at the puskesmas before the child leaves; the
# referral itself (RUJUK_SEGERA) is the letter, not a line in the table.
NOT_A_TREATMENT_LINE = {"RUJUK_SEGERA", "NASIHAT_KEMBALI_SEGERA"}

TREATMENT_ONLY_MODULES = {"imunisasi", "vitamin_a", "bm_imunisasi", "bm_vitamin_k1"}

MEASUREMENTS = (
    ("weight_kg", "Berat badan", "kg"),
    ("length_cm", "Panjang/tinggi badan", "cm"),
    ("temperature_c", "Suhu aksila", "°C"),
    ("muac_cm", "LiLA", "cm"),
    ("head_circumference_cm", "Lingkar kepala", "cm"),
)
FINDING_MEASURES = (
    ("napas_per_menit", "Frekuensi napas", "kali/menit"),
    ("napas_per_menit_ulang", "Frekuensi napas (ulang)", "kali/menit"),
    ("spo2", "SpO2", "%"),
    ("hb_g_dl", "Hb", "g/dL"),
)


def load_visit(register: Any, visit_id: int) -> dict:
    """The visit through the register contract, with one Indonesian line when it cannot be used."""
    from mtbs_tui.register import RegisterError

    try:
        visit = register.get_visit(int(visit_id))
    except RegisterError as exc:
        raise DocumentError(f"galat: VISIT_ID: {exc.message}") from exc
    except (KeyError, LookupError, TypeError, ValueError):
        raise DocumentError(f"galat: VISIT_ID: kunjungan {visit_id} tidak ditemukan") from None
    if visit is None:
        raise DocumentError(f"galat: VISIT_ID: kunjungan {visit_id} tidak ditemukan")
    if visit.get("status") != "final":
        raise DocumentError(f"galat: VISIT_ID: kunjungan {visit_id} masih draf; simpan dulu sebelum dicetak")
    return visit


def letter_number(register: Any, visit: dict) -> str:
    """`007/RUJ-MTBS/XI/2026`: the referral's sequence in its month (S14 SOP: sequence/month/year)."""
    referral = visit.get("referral") or {}
    at = str(referral.get("referred_at") or visit.get("visit_at") or visit["visit_date"])
    month = at[:7]
    year, mon = int(month[:4]), int(month[5:7])
    nxt = f"{year + (mon == 12):04d}-{mon % 12 + 1:02d}"
    try:
        # referrals is small and referred_at is always set by the register: a plain scan, no join.
        row = register.db.execute(
            "SELECT count(*) FROM referrals WHERE referred_at >= ? AND referred_at < ? "
            "AND (referred_at < ? OR (referred_at = ? AND visit_id <= ?))",
            [month, nxt, at, at, visit["id"]],
        ).fetchone()
        seq = max(int(row[0]), 1)
    except Exception:  # noqa: BLE001 - a register without referral rows still gets a letter
        seq = 1
    return f"{seq:03d}/RUJ-MTBS/{ROMAN[mon - 1]}/{year}"


def _finding_lines(visit: dict) -> list[str]:
    """Signs found, grouped by module: `Batuk atau sukar bernapas: Tarikan dinding dada; ...`."""
    from mtbs_tui.rules.vocabulary import FINDINGS, MODULE_BY_ID

    findings = visit.get("findings") or (visit.get("case") or {}).get("findings") or {}
    shown_measures = {k for k, _, _ in FINDING_MEASURES}
    pathway = visit.get("pathway") or "balita"
    groups: dict[str, list[str]] = {}
    for key, value in findings.items():
        if key in shown_measures or value is None or value is False:
            continue
        spec = FINDINGS.get(key)
        if spec and spec.modules and all(m in TREATMENT_ONLY_MODULES for m in spec.modules):
            continue  # vaccines and vitamin A history: not findings the hospital acts on
        label = spec.label if spec else key.replace("_", " ")
        module = _module_for(spec, pathway) if spec else "lain"
        if value is True:
            text = label
        elif isinstance(value, list):
            if not value:
                continue
            text = f"{label}: {', '.join(spec.choice_label(v) if spec else str(v) for v in value)}"
        elif isinstance(value, str):
            if value in ("normal", "tidak", "segera", "negatif", "belum") and key not in ("hasil_tes_malaria",):
                continue
            text = f"{label}: {spec.choice_label(value) if spec else value}"
        else:
            unit = f" {spec.unit}" if spec and spec.unit else ""
            text = f"{label}: {number_text(value)}{unit}"
        groups.setdefault(module, []).append(text)
    order = {m: i for i, m in enumerate(MODULE_BY_ID)}
    lines = []
    for module in sorted(groups, key=lambda m: order.get(m, 99)):
        title = MODULE_BY_ID[module].label if module in MODULE_BY_ID else "Lain-lain"
        lines.append(f"<b>{para_text(title)}:</b> {para_text('; '.join(groups[module]))}")
    return lines


def _module_for(spec: Any, pathway: str) -> str:
    """The module a finding is shown under: the first of its modules on the visit's pathway."""
    from mtbs_tui.rules.vocabulary import MODULE_BY_ID

    for module in spec.modules:
        if module in MODULE_BY_ID and MODULE_BY_ID[module].pathway == pathway:
            return module
    return spec.modules[0] if spec.modules else "lain"


def _measure_text(visit: dict) -> str:
    findings = visit.get("findings") or {}
    parts = []
    for key, label, unit in MEASUREMENTS:
        if visit.get(key) is not None:
            parts.append(f"{label} {number_text(visit[key])} {unit}")
    for key, label, unit in FINDING_MEASURES:
        if findings.get(key) is not None:
            parts.append(f"{label} {number_text(findings[key])} {unit}")
    return "; ".join(parts) if parts else "tidak diukur"


def referral_story(register: Any, visit: dict) -> list[Any]:
    """The flowables of the letter (used by the PDF and by the benchmark)."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import HRFlowable, Paragraph, Spacer, Table, TableStyle

    st = styles()
    base, bold, small = st["base"], st["bold"], st["small"]
    patient = visit.get("patient") or {}
    referral = visit.get("referral") or {}
    facility = register.facility() or {}
    classifications = visit.get("classifications") or []
    red = [c for c in classifications if c.get("colour") == "merah"]
    other = [c for c in classifications if c.get("colour") != "merah"]
    treatments = [t for t in visit.get("treatments") or [] if t.get("code") not in NOT_A_TREATMENT_LINE]
    given_at = referral.get("referred_at") or visit.get("visit_at")

    story: list[Any] = letterhead(facility, st)
    story.append(Paragraph("SURAT PENGANTAR RUJUKAN", st["title"]))
    number = letter_number(register, visit)
    story.append(Paragraph(para_text(f"Nomor: {number}"), st["center"]))
    story.append(Spacer(1, 3))
    dest = referral.get("destination") or "RSUD/rumah sakit rujukan ...................................."
    story.append(Paragraph(
        f"Kepada Yth. Dokter jaga <b>{para_text(dest)}</b>, di tempat.<br/>"
        f"Dengan hormat, mohon pemeriksaan dan penanganan lebih lanjut untuk anak berikut:", base))
    story.append(Spacer(1, 2))

    nik = patient.get("nik")
    nik_text = nik if nik else (f"- (NIK ibu: {patient['mother_nik']})" if patient.get("mother_nik") else "-")
    if nik and patient.get("mother_nik"):
        nik_text = f"{nik} (NIK ibu: {patient['mother_nik']})"
    address = ", ".join(x for x in [patient.get("address"), patient.get("village")] if x) or "-"
    # Short values are plain table strings (no paragraph parsing and line breaking: most of the
    # letter's layout time); only values that may need wrapping are Paragraphs.
    def cell(text: str, bold_value: bool = False) -> Any:
        plain = pdf_safe(text)
        if len(plain) <= 34:
            return plain
        return Paragraph(f"<b>{para_text(text)}</b>" if bold_value else para_text(text), base)

    ident = [
        ("Nama anak", cell(patient.get("name") or "-", True), "No. RM", cell(patient.get("mrn") or "-")),
        ("Tanggal lahir / umur",
         cell(f"{date_text(patient.get('birth_date'))} / {age_text_long(visit.get('age_days'), visit.get('age_months'))}"),
         "Jenis kelamin", cell(SEX_TEXT.get(patient.get("sex") or "", "-"))),
        ("NIK", cell(nik_text), "Nama ibu/orang tua", cell(patient.get("parent_name") or "-")),
        ("Alamat", cell(address), "Telepon", cell(patient.get("phone") or "-")),
        ("Tanggal/jam periksa", cell(datetime_text(visit.get("visit_at"))),
         "Kunjungan", cell("pertama" if visit.get("kind") != "ulang" else "ulang")),
    ]
    t = Table([list(r) for r in ident], colWidths=[30 * mm, 62 * mm, 28 * mm, 60 * mm])
    t.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8.6),
        ("FONT", (0, 0), (0, -1), "Helvetica", 7.2),
        ("FONT", (2, 0), (2, -1), "Helvetica", 7.2),
        ("FONT", (1, 0), (1, 0), "Helvetica-Bold", 8.6),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eeeeee")),
        ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    story.append(t)

    story.append(Paragraph("1. Alasan rujukan (klasifikasi MERAH - RUJUK SEGERA)", st["section"]))
    if red:
        for c in red:
            story.append(Paragraph(f"&bull; <b>{para_text(c.get('label') or c.get('code'))}</b> "
                                   f"<font size=7>({para_text(_module_label(c.get('module')))})</font>", base))
    else:
        reason = referral.get("reason") or "tidak ada klasifikasi merah; rujukan atas pertimbangan petugas"
        story.append(Paragraph(para_text(reason), base))

    story.append(Paragraph("2. Hasil pemeriksaan", st["section"]))
    story.append(Paragraph(f"<b>Pengukuran:</b> {para_text(_measure_text(visit))}", base))
    lines = _finding_lines(visit)
    for line in lines:
        story.append(Paragraph(line, base))
    if not lines:
        story.append(Paragraph("Tidak ada tanda yang dicatat.", base))

    story.append(Paragraph("3. Tindakan/pengobatan pra-rujukan yang telah diberikan", st["section"]))
    header = ["Tindakan/obat", "Dosis/cara", "Jam diberikan"]
    body = [header]
    for tr in treatments:
        body.append([
            Paragraph(para_text(tr.get("label") or tr.get("code")), base),
            Paragraph(para_text(tr.get("dose") or "-"), base),
            pdf_safe(time_text(given_at)) if given_at else ".......",
        ])
    if len(body) == 1:
        body.append([Paragraph("Tidak ada tindakan pra-rujukan yang dicatat.", base), "", ""])
    t = Table(body, colWidths=[68 * mm, 88 * mm, 24 * mm], repeatRows=1)
    t.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dddddd")),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7.2),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 8.6),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6),
    ]))
    story.append(t)
    if referral.get("pre_referral_notes"):
        story.append(Paragraph(f"<b>Catatan:</b> {para_text(referral['pre_referral_notes'])}", base))
    story.append(Paragraph(
        "Jam diberikan = jam pemeriksaan/rujukan yang tercatat; koreksi dengan tangan bila berbeda.", small))

    story.append(Paragraph("4. Klasifikasi lain", st["section"]))
    if other:
        text = "; ".join(f"{c.get('label') or c.get('code')} ({c.get('colour')})" for c in other)
        story.append(Paragraph(para_text(text), base))
    else:
        story.append(Paragraph("-", base))
    story.append(Paragraph(
        "Selama perjalanan: jaga anak tetap hangat, teruskan ASI bila anak bisa menyusu.", small))

    place = facility.get("district") or facility.get("name") or ""
    who = visit.get("recorded_by") or "........................"
    sign = Table(
        [["", pdf_safe(f"{place}, {date_text(visit.get('visit_date'))}")],
         ["", "Petugas yang merujuk,"],
         ["", ""],
         ["", pdf_safe(f"( {who} )")],
         ["", "NIP/STR: .............................."]],
        colWidths=[110 * mm, 70 * mm], rowHeights=[None, None, 13 * mm, None, None])
    sign.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                              ("FONT", (0, 0), (-1, -1), "Helvetica", 8.6),
                              ("FONT", (1, 3), (1, 3), "Helvetica-Bold", 8.6),
                              ("FONT", (1, 4), (1, 4), "Helvetica", 7.2)]))
    story.append(Spacer(1, 3))
    story.append(sign)

    # The reply slip: the hospital cuts it off and sends it back with the child.
    story.append(Spacer(1, 5))
    story.append(Paragraph("- - - - - - - - - - - - - - - - - - - - gunting di sini - - - - - - - - - - - - - - - - - - - -",
                           st["center"]))
    story.append(HRFlowable(width="100%", thickness=0.3, color=colors.grey, dash=(2, 2), spaceAfter=2))
    story.append(Paragraph("BALASAN RUJUKAN", st["title"]))
    fac_name = facility.get("name") or "........................"
    story.append(Paragraph(
        f"Kepada Yth. Petugas <b>{para_text(fac_name)}</b>. Anak <b>{para_text(patient.get('name') or '-')}</b> "
        f"(No. RM {para_text(patient.get('mrn') or '-')}), dirujuk tanggal {para_text(date_text(visit.get('visit_date')))}, "
        f"surat nomor {para_text(number)}, telah kami periksa:", base))
    lines = Table([[f"{label}: " + "." * 120] for label in
                   ("Diagnosis", "Tindakan/terapi yang diberikan", "Anjuran tindak lanjut di puskesmas")],
                  colWidths=[180 * mm])
    lines.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 8.6), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    story.append(lines)
    reply = Table(
        [["Pasien: [ ] dirawat inap  [ ] rawat jalan  [ ] dirujuk lagi ke ....................",
          "Tanggal ..............., dokter yang memeriksa,"],
         ["", ""],
         ["", "( ........................................ )"]],
        colWidths=[110 * mm, 70 * mm], rowHeights=[None, 10 * mm, None])
    reply.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                               ("FONT", (0, 0), (-1, -1), "Helvetica", 8.6), ("LEFTPADDING", (0, 0), (0, -1), 0),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(reply)
    return story


def _module_label(module: str | None) -> str:
    from mtbs_tui.rules.vocabulary import MODULE_BY_ID

    return MODULE_BY_ID[module].label if module in MODULE_BY_ID else (module or "-")


def render_referral(register: Any, visit: dict, out: Any) -> None:
    """Draw the letter into `out` (a path or a binary file object): exactly one A4 page.

    The story is laid out once as it is; only when it overflows one page is it laid out again
    inside a shrink-to-fit frame (that costs several layout passes, so not for every letter).
    """
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import BaseDocTemplate, Frame, KeepInFrame, PageTemplate

    width, height = A4
    margin = 14 * mm
    footer = footer_text(register.db, f"Surat rujukan kunjungan #{visit['id']}")
    patient_name = pdf_safe((visit.get("patient") or {}).get("name") or "")

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 6.5)
        canvas.drawString(margin, margin - 2 * mm, footer)
        canvas.restoreState()

    def build(shrink: bool) -> tuple[bytes, int]:
        buf = io.BytesIO()
        frame = Frame(margin, margin + 4 * mm, width - 2 * margin, height - 2 * margin - 4 * mm,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="isi")
        doc = BaseDocTemplate(
            buf, pagesize=A4, title=pdf_safe(f"Surat rujukan - {patient_name}"), author="mtbs_tui",
            subject="Surat pengantar rujukan MTBS/MTBM", creator="mtbs_tui", invariant=1, pageCompression=1,
            leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
        )
        doc.addPageTemplates([PageTemplate(id="surat", frames=[frame], onPage=on_page)])
        story = referral_story(register, visit)
        if shrink:
            story = [KeepInFrame(frame._aW, frame._aH, story, mode="shrink")]
        doc.build(story)
        return buf.getvalue(), doc.page

    data, pages = build(shrink=False)
    if pages > 1:
        data, pages = build(shrink=True)
    write_bytes(out, data)


def build_referral_pdf(register: Any, visit_id: int, out_path: Path | str, *, audit: bool = True,
                       actor: str | None = None) -> Path:
    """Write the referral letter of `visit_id` to `out_path` (atomically) and record it."""
    out_path = Path(out_path)
    visit = load_visit(register, visit_id)
    with atomic_output(out_path) as tmp:
        render_referral(register, visit, str(tmp))
    if audit:
        _note_printed(register, int(visit_id), visit.get("patient_id"), actor or _actor())
    return out_path


def _note_printed(register: Any, visit_id: int, patient_id: int | None, actor: str) -> None:
    """The letter's print time and its audit entry in ONE transaction, so a print is exactly one
    audit entry (`rujukan.cetak`; `mark_referral` would add a second, `rujukan.catat`)."""
    stamp = _dt.datetime.now().isoformat(timespec="seconds")
    with register._write():
        register.db.execute(
            "INSERT INTO referrals(visit_id, referred_at) SELECT id, visit_at FROM visits WHERE id = ? "
            "ON CONFLICT(visit_id) DO NOTHING", [visit_id])
        register.db.execute("UPDATE referrals SET letter_printed_at = ? WHERE visit_id = ?", [stamp, visit_id])
        register._audit("rujukan.cetak", actor=actor, patient_id=patient_id, detail=f"kunjungan {visit_id}")


def default_name(visit: dict) -> str:
    mrn = str((visit.get("patient") or {}).get("mrn") or visit["id"]).replace("/", "-")
    return f"rujukan-{mrn}-{visit['visit_date']}-{visit['id']}.pdf"


def _actor() -> str:
    from mtbs_tui.documents.common import current_actor

    return current_actor()


