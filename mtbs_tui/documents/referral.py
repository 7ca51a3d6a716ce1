"""The referral letter (surat pengantar rujukan): A4 pages a hospital doctor can act on.

Layout follows mtbs-chart.md §6.6: letterhead, title and number, addressee, patient identity (with
the BPJS/JKN number), the reason (every merah classification), findings and measurements, the
pre-referral treatment with each dose on its own line and the time given, other classifications
with their module, the referring worker's signature (full name, NIP/STR from the account) beside
the stamp place, and a reply slip (balasan rujukan) below a cut line. A long case continues on a
second page at full size (never shrunk). Only an urgently referred visit has a letter; its number
is assigned once, at the first print (`Register.referral_letter_number`), and a corrected
(superseded) version prints with a mark saying so.

`build_referral_pdf(register, visit_id, out_path)` is what the TUI and `mtbs referral` call.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from mtbs_tui.display import written_time_text
from mtbs_tui.documents.common import (
    FONT,
    FONT_BOLD,
    HAND,
    SEX_TEXT,
    DocumentError,
    age_text_long,
    atomic_output,
    date_text,
    footer_text,
    letterhead,
    number_text,
    old_version_mark,
    para_text,
    pdf_text,
    place_and_date,
    styles,
    text_width,
    visit_doses,
    worker_signature,
    write_bytes,
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


def kept_number(register: Any, visit: dict) -> str | None:
    """The number this referral's letter was given at its first print, or None (never printed)."""
    return register.letter_number(visit.get("visit_uid"))


def time_known(visit_at: Any) -> bool:
    """A visit entered later for an earlier day without a time is stored at 00:00:00: unknown."""
    return bool(visit_at) and not str(visit_at).endswith("T00:00:00")


def visit_time_text(visit: dict) -> str:
    """`29 November 2026, pukul 14.05`, or the date alone when the time was not recorded."""
    at = visit.get("visit_at")
    if not time_known(at):
        return f"{date_text(visit.get('visit_date'))} (jam tidak dicatat)"
    return f"{date_text(visit.get('visit_date'))}, pukul {written_time_text(at) or '-'}"




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
            # A negative or missing HIV test is stated, so the HIV line never reads as a finding.
            shown_always = key == "hasil_tes_malaria" or bool(spec and {"hiv", "bm_hiv"} & set(spec.modules))
            if value in ("normal", "tidak", "segera", "negatif", "belum") and not shown_always:
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


# Column widths (mm) of the letter's tables; the frame is 182 mm wide (A4 less 2 x 14 mm).
IDENT_COLS_MM = (30, 62, 28, 62)
TREAT_COLS_MM = (62, 96, 24)
SIGN_COL_MM = 70
BODY_SIZE = 8.1  # DejaVu Sans at 8.1 pt reads like Helvetica at 8.6 pt (a taller x-height)
SMALL_SIZE = 6.9
CELL_PAD_PT = 12  # reportlab's default cell padding, left + right


def fits(text: str, column_mm: float, bold: bool = False, size: float = BODY_SIZE) -> bool:
    """Whether `text` drawn on one line fits a table column of `column_mm` (less its padding)."""
    return text_width(text, size, bold) <= column_mm * 72 / 25.4 - CELL_PAD_PT


def treatment_rows(visit: dict) -> list[tuple[str, str]]:
    """(treatment, dose) rows of the pre-referral table as the chart recommends them: one row per
    dose part, so two oxygen flows or two antibiotic doses stand on separate lines; an item the
    engine gave no dose gets a blank to fill in by hand, never "-"."""
    return [(label, dose) for label, dose, _ in given_rows(dict(visit, given=None))]


NOT_RECORDED_HOUR = "......."


def given_rows(visit: dict) -> list[tuple[str, str, str]]:
    """(treatment, dose or what happened, when) rows of the pre-referral table from what was
    actually given (`visit["given"]`, issue 17): the time recorded for a treatment given; a
    treatment not given says so with the reason; given otherwise names what was given instead;
    then the treatments outside the chart. A treatment with nothing recorded keeps the chart's
    dose and a blank time to fill in by hand."""
    from mtbs_tui import given

    record = visit.get("given")
    day = visit.get("visit_date")
    items = {i.code: i for i in (record or {}).get("items", []) if i.code}
    rows: list[tuple[str, str, str]] = []
    doses = dict(zip((t.get("code") for t in visit.get("treatments") or []), _rows_by_code(visit)))
    for t in given.recommended(visit.get("treatments") or []):
        code = t["code"]
        if code in NOT_A_TREATMENT_LINE:
            continue
        label = t.get("label") or code
        item = items.get(code)
        parts = doses.get(code) or [f"dosis/cara: {HAND}"]
        if item is None:
            rows += [(label if i == 0 else "", part, NOT_RECORDED_HOUR if i == 0 else "") for i, part in enumerate(parts)]
        elif item.outcome == given.NOT_GIVEN:
            rows.append((label, f"TIDAK DIBERIKAN: {item.text().split(': ', 1)[1]}", "-"))
        elif item.outcome == given.OTHERWISE:
            rows.append((label, f"Diberikan lain: {item.note or ''}", given.when_text(item.given_at, day)))
        else:
            hour = given.when_text(item.given_at, day)
            rows += [(label if i == 0 else "", part, hour if i == 0 else "") for i, part in enumerate(parts)]
    for item in (record or {}).get("items", []):
        if item.code is None:
            rows.append(("Tambahan (di luar bagan)", item.label, given.when_text(item.given_at, day)))
    return rows


def _rows_by_code(visit: dict) -> list[list[str]]:
    """Each treatment's dose parts as text (the rows `treatment_rows` prints), in treatment order."""
    from mtbs_tui.rules.doses import parts_of

    return [[str(p) for p in parts_of(dose)] for dose in visit_doses(visit)]


def other_classifications(visit: dict) -> list[str]:
    """The classifications that are not merah, as "Module: LABEL (colour)", each once."""
    out: list[str] = []
    for c in visit.get("classifications") or []:
        if c.get("colour") == "merah":
            continue
        text = f"{_module_label(c.get('module'))}: {c.get('label') or c.get('code')} ({c.get('colour')})"
        if text not in out:
            out.append(text)
    return out


def not_assessed_modules(visit: dict) -> list[str]:
    """The modules the classification left incomplete (a child referred urgently is saved before
    every module is assessed), each once by its label: the letter names them, since unknown is not
    "no" and the receiving doctor should not read them as found normal."""
    out: list[str] = []
    for entry in (visit.get("result") or {}).get("incomplete") or []:
        label = _module_label(entry.get("module"))
        if label not in out:
            out.append(label)
    return out


def signature_lines(register: Any, visit: dict) -> tuple[str, str]:
    """(name, NIP/STR line) of the worker who recorded the visit, from the account."""
    return worker_signature(register, visit.get("recorded_by"))


def destination_text(referral: dict) -> str:
    """The addressee of the letter (paragraph markup): the facility's name as it was chosen (bold),
    with its address and phone as the register has them now; a line to write on when none was
    chosen."""
    dest = (referral.get("destination") or "").strip()
    if not dest:
        return "<b>RSUD/rumah sakit rujukan ....................................</b>"
    facility = referral.get("facility") or {}
    where = [facility.get("address") or "", f"telp. {facility['phone']}" if facility.get("phone") else ""]
    extra = ", ".join(x for x in where if x)
    return f"<b>{para_text(dest)}</b>" + (f" ({para_text(extra)})" if extra else "")


def referral_story(register: Any, visit: dict, number: str | None = None, *, compact: bool = False) -> list[Any]:
    """The flowables of the letter (used by the PDF and by the benchmark). `number`: the letter's
    number (`Register.referral_letter_number`); None prints the number kept for this referral,
    or a blank when it was never printed. `compact`: the reply slip in less height (one cut line,
    a smaller title, shorter signing room), used when that keeps the letter on one page."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import HRFlowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

    st = styles()
    base = ParagraphStyle("surat", parent=st["base"], fontSize=BODY_SIZE, leading=BODY_SIZE + 1.5)
    small = ParagraphStyle("surat_kecil", parent=st["small"], fontSize=SMALL_SIZE, leading=SMALL_SIZE + 1.3)
    st = dict(st, section=ParagraphStyle("surat_bagian", parent=st["section"], fontSize=8.8, leading=10.4,
                                         spaceBefore=3, spaceAfter=1))
    patient = visit.get("patient") or {}
    referral = visit.get("referral") or {}
    facility = register.facility() or {}
    classifications = visit.get("classifications") or []
    red = [c for c in classifications if c.get("colour") == "merah"]
    given_at = visit.get("visit_at")
    if number is None:
        number = kept_number(register, visit) or HAND

    story: list[Any] = letterhead(facility, st)
    story.append(Paragraph("SURAT PENGANTAR RUJUKAN", st["title"]))
    story.append(Paragraph(para_text(f"Nomor: {number}"), st["center"]))
    mark = old_version_mark(visit, "Surat ini")
    if mark is not None:
        story.append(mark)
    story.append(Spacer(1, 3))
    story.append(Paragraph(
        f"Kepada Yth. Dokter jaga {destination_text(referral)}, di tempat.<br/>"
        f"Dengan hormat, mohon pemeriksaan dan penanganan lebih lanjut untuk anak berikut:", base))
    story.append(Spacer(1, 2))

    nik = patient.get("nik")
    nik_text = nik if nik else (f"- (NIK ibu: {patient['mother_nik']})" if patient.get("mother_nik") else "-")
    if nik and patient.get("mother_nik"):
        nik_text = f"{nik} (NIK ibu: {patient['mother_nik']})"
    address = ", ".join(x for x in [patient.get("address"), patient.get("village")] if x) or "-"
    # Values that fit their column are plain table strings (no paragraph parsing and line breaking:
    # most of the letter's layout time), measured in the document font; longer ones wrap as
    # Paragraphs. Columns 1 and 3 of the identity table are 62 mm wide.
    def cell(text: str, bold_value: bool = False) -> Any:
        plain = pdf_text(text)
        if fits(plain, IDENT_COLS_MM[1], bold_value):
            return plain
        return Paragraph(f"<b>{para_text(text)}</b>" if bold_value else para_text(text), base)

    ident = [
        ("Nama anak", cell(patient.get("name") or "-", True), "No. RM", cell(patient.get("mrn") or "-")),
        ("Tanggal lahir / umur",
         cell(f"{date_text(patient.get('birth_date'))} / {age_text_long(visit.get('age_days'), visit.get('age_months'))}"),
         "Jenis kelamin", cell(SEX_TEXT.get(patient.get("sex") or "", "-"))),
        ("NIK", cell(nik_text), "No. BPJS/JKN", cell(patient.get("bpjs") or HAND)),
        ("Nama ibu/orang tua", cell(patient.get("parent_name") or "-"), "Telepon", cell(patient.get("phone") or "-")),
        ("Alamat", cell(address), "Kunjungan", cell("pertama" if visit.get("kind") != "ulang" else "ulang")),
        ("Tanggal/jam periksa", cell(visit_time_text(visit)), "", ""),
    ]
    t = Table([list(r) for r in ident], colWidths=[w * mm for w in IDENT_COLS_MM])
    t.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, BODY_SIZE),
        ("FONT", (0, 0), (0, -1), FONT, SMALL_SIZE),
        ("FONT", (2, 0), (2, -1), FONT, SMALL_SIZE),
        ("FONT", (1, 0), (1, 0), FONT_BOLD, BODY_SIZE),
        ("SPAN", (1, -1), (3, -1)),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eeeeee")),
        ("BACKGROUND", (2, 0), (2, -2), colors.HexColor("#eeeeee")),
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
    body = [["Tindakan/obat", "Dosis/cara", "Jam diberikan"]]
    for label, dose, hour in given_rows(visit):
        # Plain strings where they fit (most labels, short doses): no paragraph layout.
        body.append([label if fits(label, TREAT_COLS_MM[0]) else Paragraph(para_text(label), base),
                     dose if fits(dose, TREAT_COLS_MM[1]) else Paragraph(para_text(dose), base), hour])
    if len(body) == 1:
        body.append([Paragraph("Tidak ada tindakan pra-rujukan yang dicatat.", base), "", ""])
    t = Table(body, colWidths=[w * mm for w in TREAT_COLS_MM], repeatRows=1)
    t.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dddddd")),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, SMALL_SIZE),
        ("FONT", (0, 1), (-1, -1), FONT, BODY_SIZE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6),
    ]))
    story.append(t)
    if referral.get("pre_referral_notes"):
        story.append(Paragraph(f"<b>Catatan:</b> {para_text(referral['pre_referral_notes'])}", base))
    record = visit.get("given")
    if record:

        missing = any(hour == NOT_RECORDED_HOUR for _, _, hour in given_rows(visit))
        story.append(Paragraph(para_text(
            # The worker's name as signed below, not the login ("bidan").
            f"Jam diberikan = jam yang dicatat petugas ({worker_signature(register, record['recorded_by'])[0]}, "
            f"{date_text(record['recorded_at'][:10])} {written_time_text(record['recorded_at'])})"
            + ("; yang belum dicatat diisi dengan tangan." if missing else ".")), small))
    else:
        story.append(Paragraph(
            "Pemberian belum dicatat di register: isi jam diberikan dengan tangan"
            + (f" (pemeriksaan pukul {written_time_text(given_at) or '-'})." if time_known(given_at) else "."), small))

    story.append(Paragraph("4. Klasifikasi lain", st["section"]))
    others = other_classifications(visit)
    unassessed = not_assessed_modules(visit)
    if others or not unassessed:
        story.append(Paragraph(para_text("; ".join(others)) if others else "Tidak ada.", base))
    if unassessed:
        story.append(Paragraph(
            f"<b>Belum dinilai</b> (dirujuk sebelum semua bagian diperiksa): "
            f"{para_text('; '.join(unassessed))}.", base))
    story.append(Paragraph(
        "Selama perjalanan: jaga anak tetap hangat, teruskan ASI bila anak bisa menyusu.", small))

    name, ids = signature_lines(register, visit)
    sign_style = ParagraphStyle("tanda_tangan", parent=base, fontName=FONT_BOLD)
    name_cell = (pdf_text(f"( {name} )") if fits(f"( {name} )", SIGN_COL_MM, True)
                 else Paragraph(para_text(f"( {name} )"), sign_style))
    ids_cell = pdf_text(ids) if fits(ids, SIGN_COL_MM, size=SMALL_SIZE) else Paragraph(para_text(ids), small)
    stamp = Table([["Cap puskesmas"]], colWidths=[36 * mm], rowHeights=[19 * mm])
    stamp.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.4, colors.grey, None, (2, 2)),
                               ("FONT", (0, 0), (-1, -1), FONT, SMALL_SIZE),
                               ("TEXTCOLOR", (0, 0), (-1, -1), colors.grey),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (-1, -1), "CENTER")]))
    sign = Table(
        [["", stamp, pdf_text(place_and_date(facility, visit.get("visit_date")))],
         ["", "", "Petugas yang merujuk,"],
         ["", "", ""],
         ["", "", name_cell],
         ["", "", ids_cell]],
        colWidths=[62 * mm, 50 * mm, SIGN_COL_MM * mm], rowHeights=[None, None, 10 * mm, None, None])
    sign.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                              ("SPAN", (1, 0), (1, -1)), ("VALIGN", (1, 0), (1, -1), "MIDDLE"),
                              ("FONT", (0, 0), (-1, -1), FONT, BODY_SIZE),
                              ("FONT", (2, 3), (2, 3), FONT_BOLD, BODY_SIZE),
                              ("FONT", (2, 4), (2, 4), FONT, SMALL_SIZE)]))
    story.append(Spacer(1, 3))
    story.append(KeepTogether([sign]))

    # The reply slip: the hospital cuts it off and sends it back with the child. Kept whole.
    slip: list[Any] = [Spacer(1, 1 if compact else 3)]
    if compact:
        slip.append(Paragraph("- - - - - - - - - - - - - - - - - - - - gunting di sini - - - - - - - - - - - - - - - "
                              "- - - - -", ParagraphStyle("potong", parent=small, alignment=1)))
        slip.append(Paragraph("BALASAN RUJUKAN", ParagraphStyle("balasan", parent=st["section"], alignment=1,
                                                                spaceBefore=1, spaceAfter=1)))
    else:
        slip.append(Paragraph("- - - - - - - - - - - - - - - - - - - - gunting di sini - - - - - - - - - - - - - - - "
                              "- - - - -", st["center"]))
        slip.append(HRFlowable(width="100%", thickness=0.3, color=colors.grey, dash=(2, 2), spaceAfter=2))
        slip.append(Paragraph("BALASAN RUJUKAN", st["title"]))
    fac_name = facility.get("name") or "........................"
    slip.append(Paragraph(
        f"Kepada Yth. Petugas <b>{para_text(fac_name)}</b>. Anak <b>{para_text(patient.get('name') or '-')}</b> "
        f"(No. RM {para_text(patient.get('mrn') or '-')}), dirujuk tanggal {para_text(date_text(visit.get('visit_date')))}, "
        f"surat nomor {para_text(number)}, telah kami periksa:", base))
    lines_t = Table([[f"{label}: " + "." * dots] for label, dots in SLIP_LINES], colWidths=[182 * mm])
    lines_t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, BODY_SIZE), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                 ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    slip.append(lines_t)
    boxes = slip_outcome_lines()
    reply = Table(
        [["Keadaan pasien:", boxes[0], "Dokter yang memeriksa,"],
         *[["", line, ""] for line in boxes[1:]],
         [SLIP_ADVICE, "", ""],
         ["", "", ""],
         ["", "", "( ........................................ )"]],
        colWidths=[27 * mm, 95 * mm, 60 * mm],
        rowHeights=[None] * len(boxes) + [None, (4 if compact else 6) * mm, None])
    reply.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                               ("FONT", (0, 0), (-1, -1), FONT, BODY_SIZE), ("LEFTPADDING", (0, 0), (1, -1), 0),
                               ("SPAN", (0, len(boxes)), (1, len(boxes))),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    slip.append(reply)
    story.append(KeepTogether(slip))
    return story


# The reply slip's lines to write on, in the order of the reply form (`screens/referrals.ReplyDialog`):
# (label, dots). The outcome boxes come from `register.REPLY_OUTCOMES`, the advice after them.
SLIP_LINES = (("Tanggal diterima", 40), ("Diagnosis", 130), ("Tindakan/terapi yang diberikan", 112))
SLIP_ADVICE = "Anjuran tindak lanjut di puskesmas: " + "." * 60
SLIP_REFERRED_ON = "dirujuk_lagi"  # its box has a line for where to: the form's "Dirujuk lagi ke"


def slip_outcomes() -> list[tuple[str, str]]:
    """The outcomes the hospital ticks on the reply slip: every reply outcome of the register but
    "tidak datang" (a child who never arrived has no examining doctor to write the slip; the
    puskesmas records that outcome itself)."""
    from mtbs_tui.register import REPLY_NOT_ARRIVED, REPLY_OUTCOMES

    return [(key, label) for key, label in REPLY_OUTCOMES.items() if key != REPLY_NOT_ARRIVED]


def slip_outcome_lines() -> list[str]:
    """The outcome boxes on two lines (three, then the rest); "Dirujuk lagi" with a line for
    where to."""
    boxes = [f"[ ] {label}" + (" ke ...................." if key == SLIP_REFERRED_ON else "")
             for key, label in slip_outcomes()]
    return ["   ".join(boxes[:3]), "   ".join(boxes[3:])]


def _module_label(module: str | None) -> str:
    from mtbs_tui.rules.vocabulary import MODULE_BY_ID

    return MODULE_BY_ID[module].label if module in MODULE_BY_ID else (module or "-")


def render_referral(register: Any, visit: dict, out: Any, number: str | None = None) -> int:
    """Draw the letter into `out` (a path or a binary file object); returns the page count. A
    long case continues on the next page at full size; every page's footer names the child, the
    letter number and the page."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    width, height = A4
    margin = 14 * mm
    footer = footer_text(register.db, f"Surat rujukan kunjungan #{visit['id']}")
    patient_name = pdf_text((visit.get("patient") or {}).get("name") or "")
    shown_number = number or kept_number(register, visit) or HAND

    def build(total: int | None, compact: bool = False) -> tuple[bytes, int]:
        def on_page(canvas: Any, doc: Any) -> None:
            canvas.saveState()
            canvas.setFont(FONT, 6.5)
            canvas.drawString(margin, margin - 2 * mm, footer)
            if total and total > 1:
                canvas.drawRightString(width - margin, margin + 1 * mm, pdf_text(
                    f"{patient_name} - surat {shown_number} - halaman {doc.page} dari {total}"))
            canvas.restoreState()

        buf = io.BytesIO()
        frame = Frame(margin, margin + 4 * mm, width - 2 * margin, height - 2 * margin - 4 * mm,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="isi")
        doc = BaseDocTemplate(
            buf, pagesize=A4, title=pdf_text(f"Surat rujukan - {patient_name}"), author="mtbs_tui",
            subject="Surat pengantar rujukan MTBS/MTBM", creator="mtbs_tui", invariant=1, pageCompression=1,
            leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
        )
        doc.addPageTemplates([PageTemplate(id="surat", frames=[frame], onPage=on_page)])
        doc.build(referral_story(register, visit, number, compact=compact))
        return buf.getvalue(), doc.page

    data, pages = build(None)
    if pages > 1:  # the reply slip in less height, when that keeps the letter on one page
        data_compact, pages_compact = build(None, compact=True)
        if pages_compact == 1:
            data, pages = data_compact, 1
    if pages > 1:  # a second pass, to print "halaman 1 dari 2"
        data, pages = build(pages)
    write_bytes(out, data)
    return pages


def build_referral_pdf(register: Any, visit_id: int, out_path: Path | str, *, audit: bool = True,
                       actor: str | None = None) -> Path:
    """Write the referral letter of `visit_id` to `out_path` (atomically) and record it.

    A visit that was not referred urgently (or a draft) is refused with one line before anything
    is written. The letter's number is assigned at the first print and kept (`Register.
    referral_letter_number`); the print itself is recorded with `Register.mark_referral`."""
    from mtbs_tui.register import RegisterError

    out_path = Path(out_path)
    visit = load_visit(register, visit_id)
    if not visit.get("refer_urgently"):
        raise DocumentError(f"galat: VISIT_ID: kunjungan {visit_id} tidak dirujuk segera; surat rujukan "
                            "hanya untuk anak dengan klasifikasi merah yang dirujuk")
    from mtbs_tui.documents.common import check_output_folder

    check_output_folder(out_path)
    who = actor or _actor()
    try:
        number = register.referral_letter_number(int(visit_id), actor=who) if audit else None
    except RegisterError as exc:
        raise DocumentError(f"galat: VISIT_ID: {exc.message}") from exc
    with atomic_output(out_path) as tmp:
        render_referral(register, visit, str(tmp), number)
    if audit:
        register.mark_referral(int(visit_id), actor=who, letter_printed=True)
    return out_path


def default_name(visit: dict) -> str:
    mrn = str((visit.get("patient") or {}).get("mrn") or visit["id"]).replace("/", "-")
    return f"rujukan-{mrn}-{visit['visit_date']}-{visit['id']}.pdf"


def _actor() -> str:
    from mtbs_tui.audit import current_actor

    return current_actor()


