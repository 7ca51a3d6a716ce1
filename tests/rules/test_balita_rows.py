"""Balita (MTBS) chart rows as test tables: an independent reading of the contract.

Written from `shared/spec/case-format.md` and `shared/reference/mtbs-chart.md` only, without
looking at the engine, so that a misreading on either side shows up as a failing test. Every
entry names the rule it covers, gives a minimal case and the expected outcome *for one module*
(codes, colour and label from spec §8, `incomplete` and its `missing` list, and where relevant
`refer_urgently`, `follow_up_days` and treatment codes). Section numbers: "spec §" is
case-format.md, "ref §" is mtbs-chart.md.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import pytest

from mtbs_tui.rules import CaseError, classify

ANY = object()  # "do not check"

# --------------------------------------------------------------------------------------------
# Spec §8.1: colour and label of every balita code.
M, K, H = "merah", "kuning", "hijau"
CODES: dict[str, tuple[str, str]] = {
    "GAGAL_JANTUNG_PARU": (M, "GAGAL JANTUNG PARU"),
    "PENYAKIT_SANGAT_BERAT": (M, "PENYAKIT SANGAT BERAT"),
    "STABIL": (H, "STABIL"),
    "PNEUMONIA_BERAT": (M, "PNEUMONIA BERAT"),
    "PNEUMONIA": (K, "PNEUMONIA"),
    "BATUK_BUKAN_PNEUMONIA": (H, "BATUK BUKAN PNEUMONIA"),
    "DIARE_DEHIDRASI_BERAT": (M, "DIARE DEHIDRASI BERAT"),
    "DIARE_DEHIDRASI_RINGAN_SEDANG": (K, "DIARE DEHIDRASI RINGAN/SEDANG"),
    "DIARE_TANPA_DEHIDRASI": (H, "DIARE TANPA DEHIDRASI"),
    "DIARE_PERSISTEN_BERAT": (M, "DIARE PERSISTEN BERAT"),
    "DIARE_PERSISTEN": (K, "DIARE PERSISTEN"),
    "DISENTRI": (K, "DISENTRI"),
    "PENYAKIT_BERAT_DENGAN_DEMAM": (M, "PENYAKIT BERAT DENGAN DEMAM"),
    "MALARIA": (K, "MALARIA"),
    "DEMAM_MUNGKIN_BUKAN_MALARIA": (H, "DEMAM MUNGKIN BUKAN MALARIA"),
    "DEMAM_BUKAN_MALARIA": (H, "DEMAM BUKAN MALARIA"),
    "CAMPAK_DENGAN_KOMPLIKASI_BERAT": (M, "CAMPAK DENGAN KOMPLIKASI BERAT"),
    "CAMPAK_DENGAN_KOMPLIKASI_PADA_MATA_DAN_ATAU_MULUT": (
        K, "CAMPAK DENGAN KOMPLIKASI PADA MATA DAN/ATAU MULUT"),
    "CAMPAK": (H, "CAMPAK"),
    "DEMAM_BERDARAH_DENGUE": (M, "DEMAM BERDARAH DENGUE (DBD)"),
    "MUNGKIN_DBD": (K, "MUNGKIN DBD"),
    "DEMAM_MUNGKIN_BUKAN_DBD": (H, "DEMAM MUNGKIN BUKAN DBD"),
    "DENGUE_BERAT": (M, "DENGUE BERAT"),
    "DENGUE_DENGAN_WARNING_SIGNS": (M, "DENGUE DENGAN WARNING SIGNS"),
    "DENGUE_TANPA_WARNING_SIGNS": (K, "DENGUE TANPA WARNING SIGNS"),
    "DEMAM_MUNGKIN_BUKAN_DENGUE": (H, "DEMAM MUNGKIN BUKAN DENGUE"),
    "MASTOIDITIS": (M, "MASTOIDITIS"),
    "INFEKSI_TELINGA_KRONIS": (K, "INFEKSI TELINGA KRONIS"),
    "INFEKSI_TELINGA_AKUT": (K, "INFEKSI TELINGA AKUT"),
    "TIDAK_ADA_INFEKSI_TELINGA": (H, "TIDAK ADA INFEKSI TELINGA"),
    "SANGAT_KURUS_DENGAN_KOMPLIKASI": (M, "SANGAT KURUS DENGAN KOMPLIKASI"),
    "SANGAT_KURUS_TANPA_KOMPLIKASI": (K, "SANGAT KURUS TANPA KOMPLIKASI"),
    "KURUS": (K, "KURUS"),
    "GIZI_NORMAL": (H, "NORMAL"),
    "GIZI_BURUK_DENGAN_KOMPLIKASI": (M, "GIZI BURUK DENGAN KOMPLIKASI"),
    "GIZI_BURUK_TANPA_KOMPLIKASI": (K, "GIZI BURUK TANPA KOMPLIKASI"),
    "GIZI_KURANG": (K, "GIZI KURANG"),
    "GIZI_BAIK": (H, "GIZI BAIK"),
    "BERISIKO_GIZI_LEBIH": (K, "BERISIKO GIZI LEBIH"),
    "GIZI_LEBIH": (K, "GIZI LEBIH"),
    "OBESITAS": (K, "OBESITAS"),
    "SANGAT_PENDEK": (K, "SANGAT PENDEK"),
    "PENDEK": (K, "PENDEK"),
    "PERTUMBUHAN_NORMAL": (H, "NORMAL"),
    "TINGGI": (K, "TINGGI"),
    "MAKROSEFALI": (K, "MAKROSEFALI"),
    "LINGKAR_KEPALA_NORMAL": (H, "NORMAL"),
    "MIKROSEFALI": (K, "MIKROSEFALI"),
    "ANEMIA_BERAT": (M, "ANEMIA BERAT"),
    "ANEMIA": (K, "ANEMIA"),
    "TIDAK_ANEMIA": (H, "TIDAK ANEMIA"),
    "INFEKSI_HIV_TERKONFIRMASI": (K, "INFEKSI HIV TERKONFIRMASI"),
    "DIDUGA_TERINFEKSI_HIV": (K, "DIDUGA TERINFEKSI HIV"),
    "TERPAJAN_HIV": (K, "TERPAJAN HIV"),
    "MUNGKIN_BUKAN_INFEKSI_HIV": (H, "MUNGKIN BUKAN INFEKSI HIV"),
    "MASALAH_PEMBERIAN_MAKAN": (K, "MASALAH PEMBERIAN MAKAN"),
}

# --------------------------------------------------------------------------------------------
# Case builders.
VISIT = "2025-06-15"


def born(months: int) -> str:
    """A birth date that gives exactly `months` completed months at VISIT, well inside the month."""
    y, m = 2025, 6 - months
    while m <= 0:
        m += 12
        y -= 1
    return f"{y:04d}-{m:02d}-05"


def case(months: int = 18, f: dict | None = None, **top: Any) -> dict:
    c: dict[str, Any] = {"visit_date": VISIT, "birth_date": born(months), "findings": dict(f or {})}
    c.update(top)
    return c


def dated(birth: str, visit: str, f: dict | None = None, **top: Any) -> dict:
    c: dict[str, Any] = {"visit_date": visit, "birth_date": birth, "findings": dict(f or {})}
    c.update(top)
    return c


def without(d: dict, *keys: str) -> dict:
    return {k: v for k, v in d.items() if k not in keys}


def w(d: dict, **kw: Any) -> dict:
    """d with keys replaced/added."""
    out = dict(d)
    out.update(kw)
    return out


# Spec §5.1: every tanda bahaya input of each chart, all "assessed, absent".
DS15 = dict.fromkeys(
    ["tidak_bisa_minum", "memuntahkan_semua", "riwayat_kejang", "sedang_kejang", "gelisah",
     "letargis_tidak_sadar", "stridor", "sianosis", "ujung_tangan_kaki_pucat_dingin"], False)
HISTORY22 = ["tidak_bisa_minum", "memuntahkan_semua", "riwayat_kejang"]
PENAMPILAN = ["sedang_kejang", "tidak_berinteraksi", "rewel_tidak_dapat_ditenangkan", "tatapan_kosong",
              "tidak_bersuara_atau_tangis_melengking"]
USAHA_NAPAS = ["tarikan_dinding_dada", "stridor", "napas_cuping_hidung", "mencari_posisi_nyaman"]
SIRKULASI = ["kulit_pucat", "sianosis", "kutis_marmorata"]
DS22 = dict.fromkeys(HISTORY22 + PENAMPILAN + USAHA_NAPAS + SIRKULASI, False)
DS = {"2015": DS15, "2022": DS22}

# Every other balita module assessed and quiet (no fever, no cough, ...), for rows that read
# another module's result (gizi complications, pemberian_makan opening).
HEALTHY = {
    "2015": {**DS15, "batuk": False, "diare": False, "demam": False, "masalah_telinga": False,
             "kepucatan": "tidak"},
    "2022": {**DS22, "batuk": False, "diare": False, "demam": False, "masalah_telinga": False,
             "kepucatan": "tidak", "anoreksia": False, "penurunan_kesadaran": False,
             "komplikasi_medis_lain": False},
}


@dataclass
class Row:
    id: str
    chart: str
    case: dict
    module: str
    codes: list[str]
    incomplete: Any = ANY          # True / False / ANY
    missing: Any = ANY             # exact list, or ANY
    missing_has: tuple = ()        # subset that must be listed
    missing_not: tuple = ()        # names that must not be listed
    refer: Any = ANY
    fu: Any = ANY                  # follow_up_days (None = null)
    tx: tuple = ()                 # treatment codes that must be present
    no_tx: tuple = ()              # treatment codes that must be absent
    dose_has: dict = field(default_factory=dict)  # code -> substrings of its dose
    xfail: str | None = None       # doubtful reading: non-strict xfail with this reason


ROWS: list[Row] = []


def add(*rows: Row) -> None:
    ROWS.extend(rows)


def both(fn) -> None:
    """Add the rows fn(chart) builds, for both charts."""
    for chart in ("2015", "2022"):
        add(*fn(chart))


# ============================================================================================
# tanda_bahaya (spec §4, ref §3.1)
# 2015: one row, any of eight signs (kejang = riwayat_kejang or sedang_kejang); none when no sign.
for key in DS15:
    add(Row(f"2015.tanda_bahaya.PENYAKIT_SANGAT_BERAT fires on {key}", "2015",
            case(18, w(DS15, **{key: True}), weight_kg=10.0), "tanda_bahaya",
            ["PENYAKIT_SANGAT_BERAT"], incomplete=False, refer=True,
            tx=("CEGAH_GULA_DARAH_TURUN", "JAGA_TETAP_HANGAT", "RUJUK_SEGERA")))
    add(Row(f"2015.tanda_bahaya: {key} absent, every other sign false -> nothing, incomplete", "2015",
            case(18, without(DS15, key)), "tanda_bahaya", [], incomplete=True, missing=[key]))
add(
    Row("2015.tanda_bahaya: all eight signs false -> nothing printed, complete", "2015",
        case(18, DS15), "tanda_bahaya", [], incomplete=False, refer=False),
    Row("2015.tanda_bahaya.PENYAKIT_SANGAT_BERAT fires on one known sign, the others unassessed",
        "2015", case(18, {"stridor": True}), "tanda_bahaya", ["PENYAKIT_SANGAT_BERAT"],
        incomplete=False, refer=True, tx=("JALAN_NAPAS", "RUJUK_SEGERA")),
    Row("2015.tanda_bahaya: sedang_kejang -> DIAZEPAM", "2015",
        case(18, w(DS15, sedang_kejang=True), weight_kg=10.0), "tanda_bahaya",
        ["PENYAKIT_SANGAT_BERAT"], tx=("DIAZEPAM",)),
    Row("2015.tanda_bahaya: riwayat_kejang only (not convulsing now) -> no DIAZEPAM", "2015",
        case(18, w(DS15, riwayat_kejang=True), weight_kg=10.0), "tanda_bahaya",
        ["PENYAKIT_SANGAT_BERAT"], no_tx=("DIAZEPAM",)),
    Row("2015.tanda_bahaya: stridor + sianosis + cold pale extremities -> OKSIGEN", "2015",
        case(18, w(DS15, stridor=True, sianosis=True, ujung_tangan_kaki_pucat_dingin=True)),
        "tanda_bahaya", ["PENYAKIT_SANGAT_BERAT"], tx=("OKSIGEN", "JALAN_NAPAS")),
    # §11.15 item 4: cyanosis alone suffices for oxygen (WHO Pocket Book).
    Row("2015.tanda_bahaya: sianosis without stridor or cold extremities -> OKSIGEN", "2015",
        case(18, w(DS15, sianosis=True)),
        "tanda_bahaya", ["PENYAKIT_SANGAT_BERAT"], tx=("OKSIGEN",), no_tx=("JALAN_NAPAS",)),
    Row("2015.tanda_bahaya: stridor + cold extremities without sianosis -> no OKSIGEN", "2015",
        case(18, w(DS15, stridor=True, ujung_tangan_kaki_pucat_dingin=True)),
        "tanda_bahaya", ["PENYAKIT_SANGAT_BERAT"], tx=("JALAN_NAPAS",), no_tx=("OKSIGEN",)),
    Row("2015.tanda_bahaya: 2022-only SAGA keys are ignored (kutis_marmorata true)", "2015",
        case(18, w(DS15, kutis_marmorata=True, tarikan_dinding_dada=False)), "tanda_bahaya", [],
        incomplete=False),
)

# 2022: GAGAL_JANTUNG_PARU (all three SAGA sides) / PENYAKIT_SANGAT_BERAT / STABIL.
for key in DS22:
    add(Row(f"2022.tanda_bahaya.PENYAKIT_SANGAT_BERAT fires on {key} alone", "2022",
            case(18, w(DS22, **{key: True})), "tanda_bahaya", ["PENYAKIT_SANGAT_BERAT"],
            incomplete=False, refer=True, tx=("RUJUK_SEGERA",)))
add(
    Row("2022.tanda_bahaya.STABIL fires when every item is false", "2022", case(18, DS22),
        "tanda_bahaya", ["STABIL"], incomplete=False, refer=False, fu=None),
    Row("2022.tanda_bahaya: kutis_marmorata absent -> STABIL not reached, incomplete", "2022",
        case(18, without(DS22, "kutis_marmorata")), "tanda_bahaya", [], incomplete=True,
        missing=["kutis_marmorata"]),
    Row("2022.tanda_bahaya: tidak_bisa_minum absent -> STABIL not reached, incomplete", "2022",
        case(18, without(DS22, "tidak_bisa_minum")), "tanda_bahaya", [], incomplete=True,
        missing=["tidak_bisa_minum"]),
    Row("2022.tanda_bahaya: 2015-only keys ignored (gelisah true, all 2022 items false) -> STABIL",
        "2022", case(18, w(DS22, gelisah=True, letargis_tidak_sadar=True,
                              ujung_tangan_kaki_pucat_dingin=True)),
        "tanda_bahaya", ["STABIL"], incomplete=False),
    Row("2022.tanda_bahaya.GAGAL_JANTUNG_PARU fires on one item of each SAGA side", "2022",
        case(18, w(DS22, tatapan_kosong=True, napas_cuping_hidung=True, kutis_marmorata=True)),
        "tanda_bahaya", ["GAGAL_JANTUNG_PARU"], incomplete=False, refer=True,
        tx=("BANTUAN_HIDUP_DASAR", "RUJUK_SEGERA")),
    Row("2022.tanda_bahaya.GAGAL_JANTUNG_PARU fires: sedang_kejang + tarikan_dinding_dada + kulit_pucat",
        "2022", case(18, w(DS22, sedang_kejang=True, tarikan_dinding_dada=True, kulit_pucat=True)),
        "tanda_bahaya", ["GAGAL_JANTUNG_PARU"], refer=True),
    Row("2022.tanda_bahaya.GAGAL_JANTUNG_PARU misses: penampilan + usaha napas only -> PSB", "2022",
        case(18, w(DS22, tidak_berinteraksi=True, stridor=True)), "tanda_bahaya",
        ["PENYAKIT_SANGAT_BERAT"], incomplete=False, no_tx=("BANTUAN_HIDUP_DASAR",)),
    Row("2022.tanda_bahaya.GAGAL_JANTUNG_PARU misses: usaha napas + sirkulasi only -> PSB", "2022",
        case(18, w(DS22, stridor=True, sianosis=True)), "tanda_bahaya",
        ["PENYAKIT_SANGAT_BERAT"], incomplete=False),
    Row("2022.tanda_bahaya.GAGAL_JANTUNG_PARU misses: riwayat_kejang is a question, not a SAGA side",
        "2022", case(18, w(DS22, riwayat_kejang=True, stridor=True, sianosis=True)), "tanda_bahaya",
        ["PENYAKIT_SANGAT_BERAT"], incomplete=False),
    Row("2022.tanda_bahaya: GJP unknown (penampilan unassessed), two sides true -> PSB past it, "
        "incomplete (spec §6 merah exception)", "2022",
        case(18, without(w(DS22, stridor=True, sianosis=True), *PENAMPILAN)), "tanda_bahaya",
        ["PENYAKIT_SANGAT_BERAT"], incomplete=True, missing=PENAMPILAN, refer=True),
    Row("2022.tanda_bahaya: convulsing child, nothing else assessed -> PSB, DIAZEPAM (spec §11.13)",
        "2022", case(18, {"sedang_kejang": True}, weight_kg=10.0), "tanda_bahaya",
        ["PENYAKIT_SANGAT_BERAT"], incomplete=True, refer=True, tx=("DIAZEPAM", "RUJUK_SEGERA")),
    Row("2022.tanda_bahaya: stridor -> JALAN_NAPAS", "2022", case(18, w(DS22, stridor=True)),
        "tanda_bahaya", ["PENYAKIT_SANGAT_BERAT"], tx=("JALAN_NAPAS",)),
    Row("2022.tanda_bahaya: nothing assessed -> incomplete, every item missing", "2022",
        case(18, {}), "tanda_bahaya", [], incomplete=True,
        missing=["tidak_bisa_minum", "memuntahkan_semua", "riwayat_kejang", "sedang_kejang",
                 "stridor", "sianosis", "tidak_berinteraksi", "rewel_tidak_dapat_ditenangkan",
                 "tatapan_kosong", "tidak_bersuara_atau_tangis_melengking", "tarikan_dinding_dada",
                 "napas_cuping_hidung", "mencari_posisi_nyaman", "kulit_pucat", "kutis_marmorata"]),
)


# ============================================================================================
# batuk (ref §3.2; spec §3 fast breathing, respiratory rate used; §11.14 SpO2)
def _batuk(chart: str) -> list[Row]:
    bbp_fu = 2 if chart == "2015" else 5
    b = {"batuk": True, "tarikan_dinding_dada": False}
    rows = [
        Row(f"{chart}.batuk: batuk false -> module does not apply", chart,
            case(18, {"batuk": False}), "batuk", [], incomplete=False),
        Row(f"{chart}.batuk: opening unknown -> incomplete, opening and row inputs missing", chart,
            case(18, {}), "batuk", [], incomplete=True,
            missing=["tarikan_dinding_dada", "batuk", "napas_per_menit"]),
        Row(f"{chart}.batuk.PNEUMONIA_BERAT fires on chest indrawing", chart,
            case(18, w(b, tarikan_dinding_dada=True, napas_per_menit=30), weight_kg=10.0), "batuk",
            ["PNEUMONIA_BERAT"], incomplete=False, refer=True,
            tx=("AMPISILIN_IM", "GENTAMISIN_IM", "RUJUK_SEGERA"), no_tx=("AMOKSISILIN",)),
        Row(f"{chart}.batuk.PNEUMONIA fires at RR 50, 11 months", chart,
            case(11, w(b, napas_per_menit=50), weight_kg=9.0), "batuk", ["PNEUMONIA"],
            incomplete=False, refer=False, fu=2, tx=("AMOKSISILIN", "NASIHAT_KEMBALI_SEGERA")),
        Row(f"{chart}.batuk.PNEUMONIA misses at RR 49, 11 months -> BATUK_BUKAN_PNEUMONIA", chart,
            case(11, w(b, napas_per_menit=49)), "batuk", ["BATUK_BUKAN_PNEUMONIA"],
            incomplete=False, fu=bbp_fu, no_tx=("AMOKSISILIN",), tx=("NASIHAT_KEMBALI_SEGERA",)),
        Row(f"{chart}.batuk.PNEUMONIA fires at RR 40, 12 months", chart,
            case(12, w(b, napas_per_menit=40)), "batuk", ["PNEUMONIA"], fu=2),
        Row(f"{chart}.batuk.PNEUMONIA misses at RR 39, 12 months", chart,
            case(12, w(b, napas_per_menit=39)), "batuk", ["BATUK_BUKAN_PNEUMONIA"], fu=bbp_fu),
        Row(f"{chart}.batuk.PNEUMONIA misses at RR 45 on the last day of 11 months (364 days)", chart,
            dated("2024-06-15", "2025-06-14", w(b, napas_per_menit=45)), "batuk",
            ["BATUK_BUKAN_PNEUMONIA"]),
        Row(f"{chart}.batuk.PNEUMONIA fires at RR 45 on the first birthday", chart,
            dated("2024-06-15", "2025-06-15", w(b, napas_per_menit=45)), "batuk", ["PNEUMONIA"]),
        Row(f"{chart}.batuk.PNEUMONIA fires at RR 50 for a balita of 1 completed month (day 60)",
            chart, dated("2023-03-31", "2023-05-30", w(b, napas_per_menit=50)), "batuk",
            ["PNEUMONIA"]),
        Row(f"{chart}.batuk.PNEUMONIA misses at RR 49 for a balita of 1 completed month (day 60)",
            chart, dated("2023-03-31", "2023-05-30", w(b, napas_per_menit=49)), "batuk",
            ["BATUK_BUKAN_PNEUMONIA"]),
        Row(f"{chart}.batuk: recount 49 replaces first count 55 (11 months) -> no pneumonia", chart,
            case(11, w(b, napas_per_menit=55, napas_per_menit_ulang=49)), "batuk",
            ["BATUK_BUKAN_PNEUMONIA"]),
        Row(f"{chart}.batuk: recount 50 replaces first count 45 (11 months) -> PNEUMONIA", chart,
            case(11, w(b, napas_per_menit=45, napas_per_menit_ulang=50)), "batuk", ["PNEUMONIA"]),
        Row(f"{chart}.batuk: chest indrawing unassessed, RR fast -> PNEUMONIA not reached past "
            "the unknown merah row", chart, case(18, {"batuk": True, "napas_per_menit": 60}),
            "batuk", [], incomplete=True, missing=["tarikan_dinding_dada"]),
        Row(f"{chart}.batuk: RR not counted -> incomplete, napas_per_menit missing", chart,
            case(18, b), "batuk", [], incomplete=True, missing=["napas_per_menit"]),
        Row(f"{chart}.batuk: chest indrawing and RR unknown; optional spo2/ulang never listed", chart,
            case(18, {"batuk": True}), "batuk", [], incomplete=True,
            missing=["tarikan_dinding_dada", "napas_per_menit"],
            missing_not=("spo2", "napas_per_menit_ulang", "batuk_hari", "wheezing")),
        Row(f"{chart}.batuk.PNEUMONIA_BERAT fires on SpO2 85 with chest indrawing unassessed", chart,
            case(18, {"batuk": True, "spo2": 85, "napas_per_menit": 30}), "batuk",
            ["PNEUMONIA_BERAT"], incomplete=False, refer=True),
        Row(f"{chart}.batuk: cough 14 days -> RUJUK (TB)", chart,
            case(18, w(b, napas_per_menit=45, batuk_hari=14)), "batuk", ["PNEUMONIA"],
            tx=("RUJUK",)),
        Row(f"{chart}.batuk: cough 13 days -> no RUJUK", chart,
            case(18, w(b, napas_per_menit=45, batuk_hari=13)), "batuk", ["PNEUMONIA"],
            no_tx=("RUJUK",)),
        Row(f"{chart}.batuk.PNEUMONIA: amoxicillin 3 days when HIV not entered", chart,
            case(11, w(b, napas_per_menit=50), weight_kg=9.0), "batuk", ["PNEUMONIA"],
            dose_has={"AMOKSISILIN": ["3 hari"]}),
        Row(f"{chart}.batuk.PNEUMONIA: amoxicillin 5 days with INFEKSI_HIV_TERKONFIRMASI", chart,
            case(11, w(b, napas_per_menit=50, tes_virologi_anak="positif"), weight_kg=9.0), "batuk",
            ["PNEUMONIA"], dose_has={"AMOKSISILIN": ["5 hari"]}),
    ]
    if chart == "2015":
        rows += [
            Row("2015.batuk.PNEUMONIA_BERAT fires at SpO2 89 (< 90)", chart,
                case(18, w(b, spo2=89, napas_per_menit=30)), "batuk", ["PNEUMONIA_BERAT"], refer=True),
            Row("2015.batuk.PNEUMONIA_BERAT misses at SpO2 90", chart,
                case(18, w(b, spo2=90, napas_per_menit=30)), "batuk", ["BATUK_BUKAN_PNEUMONIA"]),
            Row("2015.batuk.PNEUMONIA_BERAT misses at SpO2 91 (the 2022 cut-off does not apply)",
                chart, case(18, w(b, spo2=91, napas_per_menit=30)), "batuk",
                ["BATUK_BUKAN_PNEUMONIA"]),
            Row("2015.batuk.PNEUMONIA: amoxicillin 5 days with DIDUGA_TERINFEKSI_HIV", chart,
                case(11, w(b, napas_per_menit=50, tes_hiv_ibu="positif", tes_virologi_anak="negatif",
                           tes_serologi_anak="belum", masih_menyusu_atau_baru_berhenti=False,
                           keluarga_hiv=False), weight_kg=9.0),
                "batuk", ["PNEUMONIA"], dose_has={"AMOKSISILIN": ["5 hari"]}),
        ]
    else:
        rows += [
            Row("2022.batuk.PNEUMONIA_BERAT fires at SpO2 91 (< 92)", chart,
                case(18, w(b, spo2=91, napas_per_menit=30)), "batuk", ["PNEUMONIA_BERAT"], refer=True),
            Row("2022.batuk.PNEUMONIA_BERAT misses at SpO2 92", chart,
                case(18, w(b, spo2=92, napas_per_menit=30)), "batuk", ["BATUK_BUKAN_PNEUMONIA"]),
            Row("2022.batuk.PNEUMONIA: amoxicillin 5 days with TERPAJAN_HIV", chart,
                case(11, w(b, napas_per_menit=50, tes_hiv_ibu="positif", tes_virologi_anak="belum",
                           tes_serologi_anak="belum", masih_menyusu_atau_baru_berhenti=True),
                     weight_kg=9.0),
                "batuk", ["PNEUMONIA"], dose_has={"AMOKSISILIN": ["5 hari"]}),
            Row("2022.batuk: chest indrawing is also a SAGA item -> tanda_bahaya PSB (spec §11.3)",
                chart, case(18, w(DS22, batuk=True, tarikan_dinding_dada=True, napas_per_menit=30)),
                "tanda_bahaya", ["PENYAKIT_SANGAT_BERAT"]),
        ]
    return rows


both(_batuk)


# ============================================================================================
# diare (ref §3.3): one dehydration row, + persistent row, + DISENTRI
def _diare(chart: str) -> list[Row]:
    fu_k = 3 if chart == "2015" else 2
    quiet = {"diare": True, "diare_hari": 3, "darah_dalam_tinja": False, "keadaan_umum": "normal",
             "mata_cekung": False, "kemampuan_minum": "normal", "cubitan_kulit_perut": "segera"}
    severe = {"letargis": {"keadaan_umum": "letargis_tidak_sadar"}, "mata_cekung": {"mata_cekung": True},
              "malas_minum": {"kemampuan_minum": "malas_atau_tidak_bisa"},
              "sangat_lambat": {"cubitan_kulit_perut": "sangat_lambat"}}
    some = {"gelisah": {"keadaan_umum": "gelisah_rewel"}, "mata_cekung": {"mata_cekung": True},
            "haus": {"kemampuan_minum": "haus_lahap"}, "lambat": {"cubitan_kulit_perut": "lambat"}}
    rows: list[Row] = [
        Row(f"{chart}.diare: diare false -> module does not apply", chart, case(18, {"diare": False}),
            "diare", [], incomplete=False),
        Row(f"{chart}.diare.DIARE_TANPA_DEHIDRASI fires with no sign", chart, case(18, quiet), "diare",
            ["DIARE_TANPA_DEHIDRASI"], incomplete=False, fu=fu_k,
            tx=("RENCANA_TERAPI_A", "ZINK", "NASIHAT_KEMBALI_SEGERA")),
    ]
    names = list(severe)
    for i, a in enumerate(names):
        for bname in names[i + 1:]:
            rows.append(Row(f"{chart}.diare.DIARE_DEHIDRASI_BERAT fires on {a} + {bname}", chart,
                            case(18, {**quiet, **severe[a], **severe[bname]}), "diare",
                            ["DIARE_DEHIDRASI_BERAT"], incomplete=False, refer=False, fu=None,
                            tx=("RENCANA_TERAPI_C",)))
        only = {**quiet, **severe[a]}
        expected = "DIARE_TANPA_DEHIDRASI"
        rows.append(Row(f"{chart}.diare.DIARE_DEHIDRASI_BERAT misses on {a} alone", chart,
                        case(18, only), "diare", [expected], incomplete=False))
    names = list(some)
    for i, a in enumerate(names):
        for bname in names[i + 1:]:
            rows.append(Row(f"{chart}.diare.DIARE_DEHIDRASI_RINGAN_SEDANG fires on {a} + {bname}", chart,
                            case(18, {**quiet, **some[a], **some[bname]}), "diare",
                            ["DIARE_DEHIDRASI_RINGAN_SEDANG"], incomplete=False, fu=fu_k,
                            tx=("RENCANA_TERAPI_B", "ZINK")))
        rows.append(Row(f"{chart}.diare.DIARE_DEHIDRASI_RINGAN_SEDANG misses on {a} alone", chart,
                        case(18, {**quiet, **some[a]}), "diare", ["DIARE_TANPA_DEHIDRASI"]))
    rows += [
        Row(f"{chart}.diare: sangat_lambat counts only toward the severe row (+ gelisah -> no dehydration)",
            chart, case(18, {**quiet, "cubitan_kulit_perut": "sangat_lambat",
                             "keadaan_umum": "gelisah_rewel"}), "diare", ["DIARE_TANPA_DEHIDRASI"]),
        Row(f"{chart}.diare: letargis counts only toward the severe row (+ haus -> no dehydration)",
            chart, case(18, {**quiet, "keadaan_umum": "letargis_tidak_sadar",
                             "kemampuan_minum": "haus_lahap"}), "diare", ["DIARE_TANPA_DEHIDRASI"]),
        Row(f"{chart}.diare: one severe sign + two some signs -> RINGAN_SEDANG", chart,
            case(18, {**quiet, "keadaan_umum": "letargis_tidak_sadar", "kemampuan_minum": "haus_lahap",
                      "cubitan_kulit_perut": "lambat"}), "diare", ["DIARE_DEHIDRASI_RINGAN_SEDANG"]),
        Row(f"{chart}.diare: malas_minum + lambat (one per row) -> TANPA_DEHIDRASI", chart,
            case(18, {**quiet, "kemampuan_minum": "malas_atau_tidak_bisa",
                      "cubitan_kulit_perut": "lambat"}), "diare", ["DIARE_TANPA_DEHIDRASI"]),
        Row(f"{chart}.diare: mata_cekung unassessed, no other sign -> 2 of 4 unreachable, "
            "TANPA_DEHIDRASI, complete (spec §6)", chart, case(18, without(quiet, "mata_cekung")),
            "diare", ["DIARE_TANPA_DEHIDRASI"], incomplete=False),
        Row(f"{chart}.diare: mata_cekung unassessed + letargis -> severe row unknown, stops", chart,
            case(18, {**without(quiet, "mata_cekung"), "keadaan_umum": "letargis_tidak_sadar"}), "diare",
            [], incomplete=True, missing=["mata_cekung"]),
        Row(f"{chart}.diare: mata_cekung unassessed + gelisah -> some row unknown, stops", chart,
            case(18, {**without(quiet, "mata_cekung"), "keadaan_umum": "gelisah_rewel"}), "diare",
            [], incomplete=True, missing=["mata_cekung"]),
        Row(f"{chart}.diare: letargis + malas known, mata_cekung unassessed -> DIARE_DEHIDRASI_BERAT",
            chart, case(18, {**without(quiet, "mata_cekung"), "keadaan_umum": "letargis_tidak_sadar",
                             "kemampuan_minum": "malas_atau_tidak_bisa"}), "diare",
            ["DIARE_DEHIDRASI_BERAT"], incomplete=False),
        Row(f"{chart}.diare.DIARE_PERSISTEN fires at 14 days without dehydration", chart,
            case(18, w(quiet, diare_hari=14)), "diare", ["DIARE_TANPA_DEHIDRASI", "DIARE_PERSISTEN"],
            incomplete=False, fu=fu_k),
        Row(f"{chart}.diare.DIARE_PERSISTEN misses at 13 days", chart, case(18, w(quiet, diare_hari=13)),
            "diare", ["DIARE_TANPA_DEHIDRASI"], incomplete=False),
        Row(f"{chart}.diare.DIARE_PERSISTEN_BERAT fires at 14 days with some dehydration", chart,
            case(18, {**quiet, "diare_hari": 14, "mata_cekung": True, "kemampuan_minum": "haus_lahap"}),
            "diare", ["DIARE_DEHIDRASI_RINGAN_SEDANG", "DIARE_PERSISTEN_BERAT"], refer=True,
            tx=("RUJUK_SEGERA",)),
        Row(f"{chart}.diare.DIARE_PERSISTEN_BERAT misses at 13 days with some dehydration", chart,
            case(18, {**quiet, "diare_hari": 13, "mata_cekung": True, "kemampuan_minum": "haus_lahap"}),
            "diare", ["DIARE_DEHIDRASI_RINGAN_SEDANG"], refer=False),
        Row(f"{chart}.diare.DIARE_PERSISTEN_BERAT with severe dehydration: referred (spec §11.5)", chart,
            case(18, {**quiet, "diare_hari": 20, "mata_cekung": True,
                      "kemampuan_minum": "malas_atau_tidak_bisa"}),
            "diare", ["DIARE_DEHIDRASI_BERAT", "DIARE_PERSISTEN_BERAT"], refer=True),
        Row(f"{chart}.diare: diare_hari unknown -> dehydration printed, module also incomplete", chart,
            case(18, without(quiet, "diare_hari")), "diare", ["DIARE_TANPA_DEHIDRASI"],
            incomplete=True, missing=["diare_hari"]),
        Row(f"{chart}.diare.DISENTRI fires on blood in stool", chart,
            case(18, w(quiet, darah_dalam_tinja=True), weight_kg=10.0), "diare",
            ["DIARE_TANPA_DEHIDRASI", "DISENTRI"], incomplete=False, fu=fu_k,
            tx=("KOTRIMOKSAZOL", "ZINK")),
        Row(f"{chart}.diare: blood unknown -> dehydration printed, incomplete", chart,
            case(18, without(quiet, "darah_dalam_tinja")), "diare", ["DIARE_TANPA_DEHIDRASI"],
            incomplete=True, missing=["darah_dalam_tinja"]),
        Row(f"{chart}.diare: all three tables at once, in row order", chart,
            case(18, {**quiet, "diare_hari": 15, "darah_dalam_tinja": True, "keadaan_umum": "gelisah_rewel",
                      "cubitan_kulit_perut": "lambat"}),
            "diare", ["DIARE_DEHIDRASI_RINGAN_SEDANG", "DIARE_PERSISTEN_BERAT", "DISENTRI"]),
        Row(f"{chart}.diare.DIARE_DEHIDRASI_BERAT with another merah row: referred, ORS on the way (G6)",
            chart, case(18, {**quiet, "mata_cekung": True, "cubitan_kulit_perut": "sangat_lambat",
                             "batuk": True, "tarikan_dinding_dada": True, "napas_per_menit": 30}),
            "diare", ["DIARE_DEHIDRASI_BERAT"], refer=True, tx=("ORALIT_PERJALANAN", "RUJUK_SEGERA"),
            no_tx=("RENCANA_TERAPI_C",)),
    ]
    return rows


both(_diare)


# ============================================================================================
# demam_malaria (ref §3.4; spec §3 fever, endemic route, age <= 3 months; §11.11)
def _malaria(chart: str) -> list[Row]:
    ds = DS[chart]
    endemic = {**ds, "demam": True, "demam_hari": 3, "kaku_kuduk": False, "penyebab_demam_lain": False}
    non = {**ds, "demam": True, "demam_hari": 3, "kaku_kuduk": False, "bepergian_daerah_malaria": "tidak"}
    T = "tinggi"
    rows = [
        Row(f"{chart}.demam_malaria.PENYAKIT_BERAT_DENGAN_DEMAM (endemic) fires on kaku_kuduk", chart,
            case(18, w(endemic, kaku_kuduk=True, hasil_tes_malaria="negatif"), malaria_area=T),
            "demam_malaria", ["PENYAKIT_BERAT_DENGAN_DEMAM"], incomplete=False, refer=True,
            tx=("ANTIMALARIA_INJEKSI", "RUJUK_SEGERA")),
        Row(f"{chart}.demam_malaria.PENYAKIT_BERAT_DENGAN_DEMAM (endemic) fires on a danger sign", chart,
            case(18, w(endemic, tidak_bisa_minum=True, hasil_tes_malaria="negatif"), malaria_area=T),
            "demam_malaria", ["PENYAKIT_BERAT_DENGAN_DEMAM"], refer=True),
        Row(f"{chart}.demam_malaria.PENYAKIT_BERAT_DENGAN_DEMAM fires on kaku_kuduk, danger signs "
            "unassessed", chart,
            case(18, {"demam": True, "demam_hari": 3, "kaku_kuduk": True}, malaria_area=T),
            "demam_malaria", ["PENYAKIT_BERAT_DENGAN_DEMAM"], refer=True),
        Row(f"{chart}.demam_malaria: danger signs unassessed -> row 1 unknown, stops", chart,
            case(18, {"demam": True, "demam_hari": 3, "kaku_kuduk": False, "penyebab_demam_lain": False,
                      "hasil_tes_malaria": "positif"}, malaria_area=T),
            "demam_malaria", [], incomplete=True, missing_has=("tidak_bisa_minum",)),
        Row(f"{chart}.demam_malaria: kaku_kuduk unassessed -> row 1 unknown, MALARIA not reached", chart,
            case(18, w(without(endemic, "kaku_kuduk"), hasil_tes_malaria="positif"), malaria_area=T),
            "demam_malaria", [], incomplete=True, missing=["kaku_kuduk"]),
        Row(f"{chart}.demam_malaria.MALARIA fires on a positive test (endemis tinggi)", chart,
            case(18, w(endemic, hasil_tes_malaria="positif"), malaria_area=T, weight_kg=12.0),
            "demam_malaria", ["MALARIA"], incomplete=False, refer=False, fu=3,
            tx=("DHP", "PRIMAKUIN", "NASIHAT_KEMBALI_SEGERA")),
        Row(f"{chart}.demam_malaria.MALARIA fires on a positive test (endemis rendah)", chart,
            case(18, w(endemic, hasil_tes_malaria="positif"), malaria_area="rendah"),
            "demam_malaria", ["MALARIA"]),
        Row(f"{chart}.demam_malaria.MALARIA misses on a negative test -> DEMAM_MUNGKIN_BUKAN_MALARIA",
            chart, case(18, w(endemic, hasil_tes_malaria="negatif"), malaria_area=T),
            "demam_malaria", ["DEMAM_MUNGKIN_BUKAN_MALARIA"], incomplete=False, fu=3,
            no_tx=("DHP",)),
        Row(f"{chart}.demam_malaria.MALARIA fires untested, no other cause", chart,
            case(18, w(endemic, hasil_tes_malaria="tidak_tersedia"), malaria_area=T),
            "demam_malaria", ["MALARIA"], incomplete=False),
        Row(f"{chart}.demam_malaria: test result unknown -> stops at MALARIA", chart,
            case(18, endemic, malaria_area=T), "demam_malaria", [], incomplete=True,
            missing=["hasil_tes_malaria"]),
        Row(f"{chart}.demam_malaria: travel to an endemis rendah area -> endemic table (MALARIA)", chart,
            case(18, w(non, bepergian_daerah_malaria="rendah", hasil_tes_malaria="positif",
                       penyebab_demam_lain=False), malaria_area="non_endemis"),
            "demam_malaria", ["MALARIA"]),
        Row(f"{chart}.demam_malaria: travel to an endemis tinggi area, test negative -> "
            "DEMAM_MUNGKIN_BUKAN_MALARIA", chart,
            case(18, w(non, bepergian_daerah_malaria="tinggi", hasil_tes_malaria="negatif",
                       penyebab_demam_lain=False), malaria_area="non_endemis"),
            "demam_malaria", ["DEMAM_MUNGKIN_BUKAN_MALARIA"]),
        Row(f"{chart}.demam_malaria.DEMAM_BUKAN_MALARIA: non-endemic, no travel (test ignored)", chart,
            case(18, w(non, hasil_tes_malaria="positif"), malaria_area="non_endemis"),
            "demam_malaria", ["DEMAM_BUKAN_MALARIA"], incomplete=False, fu=2, no_tx=("DHP",)),
        Row(f"{chart}.demam_malaria: non_endemis and travel unknown -> route unknown, incomplete", chart,
            case(18, without(non, "bepergian_daerah_malaria"), malaria_area="non_endemis"),
            "demam_malaria", [], incomplete=True, missing_has=("bepergian_daerah_malaria",)),
        Row(f"{chart}.demam_malaria: malaria_area unknown -> route unknown, incomplete", chart,
            case(18, without(non, "bepergian_daerah_malaria")),
            "demam_malaria", [], incomplete=True, missing_has=("malaria_area",)),
        Row(f"{chart}.demam_malaria.PENYAKIT_BERAT_DENGAN_DEMAM (non-endemic) fires on kaku_kuduk", chart,
            case(18, w(non, kaku_kuduk=True), malaria_area="non_endemis"),
            "demam_malaria", ["PENYAKIT_BERAT_DENGAN_DEMAM"], refer=True),
        Row(f"{chart}.demam_malaria.PENYAKIT_BERAT_DENGAN_DEMAM (non-endemic) fires at 3 completed months",
            chart, dated("2024-01-15", "2024-05-14", non, malaria_area="non_endemis"),
            "demam_malaria", ["PENYAKIT_BERAT_DENGAN_DEMAM"], refer=True),
        Row(f"{chart}.demam_malaria.PENYAKIT_BERAT_DENGAN_DEMAM (non-endemic) misses at 4 completed months",
            chart, dated("2024-01-15", "2024-05-15", non, malaria_area="non_endemis"),
            "demam_malaria", ["DEMAM_BUKAN_MALARIA"], refer=False),
        Row(f"{chart}.demam_malaria: age <= 3 months is not an endemic-route sign", chart,
            dated("2024-01-15", "2024-05-14", w(endemic, hasil_tes_malaria="negatif"), malaria_area=T),
            "demam_malaria", ["DEMAM_MUNGKIN_BUKAN_MALARIA"]),
        # fever definition, spec §3
        Row(f"{chart}.demam_malaria: temperature 37.5 alone is fever", chart,
            case(18, without(w(endemic, hasil_tes_malaria="negatif"), "demam"), malaria_area=T,
                 temperature_c=37.5), "demam_malaria", ["DEMAM_MUNGKIN_BUKAN_MALARIA"]),
        Row(f"{chart}.demam_malaria: demam false but temperature 37.5 is fever", chart,
            case(18, w(endemic, demam=False, hasil_tes_malaria="negatif"), malaria_area=T,
                 temperature_c=37.5), "demam_malaria", ["DEMAM_MUNGKIN_BUKAN_MALARIA"]),
        Row(f"{chart}.demam_malaria: demam false, temperature 37.4 -> no fever, module does not apply",
            chart, case(18, w(endemic, demam=False, hasil_tes_malaria="negatif"), malaria_area=T,
                        temperature_c=37.4), "demam_malaria", [], incomplete=False),
        Row(f"{chart}.demam_malaria: demam false, no temperature -> no fever", chart,
            case(18, {"demam": False}), "demam_malaria", [], incomplete=False),
        Row(f"{chart}.demam_malaria: demam unknown, temperature 37.4 -> fever unknown, incomplete", chart,
            case(18, without(w(endemic, hasil_tes_malaria="negatif"), "demam"), malaria_area=T,
                 temperature_c=37.4), "demam_malaria", [], incomplete=True, missing_has=("demam",)),
        Row(f"{chart}.demam_malaria: fever 8 days -> RUJUK", chart,
            case(18, w(endemic, hasil_tes_malaria="negatif", demam_hari=8), malaria_area=T),
            "demam_malaria", ["DEMAM_MUNGKIN_BUKAN_MALARIA"], tx=("RUJUK",)),
        Row(f"{chart}.demam_malaria: fever 7 days -> no RUJUK", chart,
            case(18, w(endemic, hasil_tes_malaria="negatif", demam_hari=7), malaria_area=T),
            "demam_malaria", ["DEMAM_MUNGKIN_BUKAN_MALARIA"], no_tx=("RUJUK",)),
    ]
    if chart == "2015":
        rows += [
            Row("2015.demam_malaria: untested child with another cause -> DEMAM_MUNGKIN_BUKAN_MALARIA "
                "(spec §11.11)", chart,
                case(18, w(endemic, hasil_tes_malaria="tidak_tersedia", penyebab_demam_lain=True),
                     malaria_area=T), "demam_malaria", ["DEMAM_MUNGKIN_BUKAN_MALARIA"]),
            Row("2015.demam_malaria: untested, other cause unknown -> MALARIA row unknown, stops", chart,
                case(18, without(w(endemic, hasil_tes_malaria="tidak_tersedia"), "penyebab_demam_lain"),
                     malaria_area=T), "demam_malaria", [], incomplete=True,
                missing=["penyebab_demam_lain"]),
            Row("2015.demam_malaria: PARASETAMOL at 38.5", chart,
                case(18, w(endemic, hasil_tes_malaria="negatif"), malaria_area=T, temperature_c=38.5,
                     weight_kg=10.0), "demam_malaria", ["DEMAM_MUNGKIN_BUKAN_MALARIA"],
                tx=("PARASETAMOL",)),
            Row("2015.demam_malaria: no PARASETAMOL at 38.4", chart,
                case(18, w(endemic, hasil_tes_malaria="negatif"), malaria_area=T, temperature_c=38.4,
                     weight_kg=10.0), "demam_malaria", ["DEMAM_MUNGKIN_BUKAN_MALARIA"],
                no_tx=("PARASETAMOL",)),
        ]
    else:
        rows += [
            Row("2022.demam_malaria: untested child is MALARIA even with another cause (spec §11.11)",
                chart, case(18, w(endemic, hasil_tes_malaria="tidak_tersedia", penyebab_demam_lain=True),
                            malaria_area=T), "demam_malaria", ["MALARIA"]),
            Row("2022.demam_malaria: untested, other cause unknown -> MALARIA, complete", chart,
                case(18, without(w(endemic, hasil_tes_malaria="tidak_tersedia"), "penyebab_demam_lain"),
                     malaria_area=T), "demam_malaria", ["MALARIA"], incomplete=False),
            Row("2022.demam_malaria: negative test but other cause -> DEMAM_MUNGKIN_BUKAN_MALARIA", chart,
                case(18, w(endemic, hasil_tes_malaria="negatif", penyebab_demam_lain=True),
                     malaria_area=T), "demam_malaria", ["DEMAM_MUNGKIN_BUKAN_MALARIA"]),
            Row("2022.demam_malaria.PENYAKIT_BERAT_DENGAN_DEMAM endemic, untested -> TES_MALARIA", chart,
                case(18, w(endemic, kaku_kuduk=True), malaria_area=T),
                "demam_malaria", ["PENYAKIT_BERAT_DENGAN_DEMAM"], tx=("TES_MALARIA",)),
            Row("2022.demam_malaria.PENYAKIT_BERAT_DENGAN_DEMAM endemic, test already negative -> "
                "no TES_MALARIA", chart,
                case(18, w(endemic, kaku_kuduk=True, hasil_tes_malaria="negatif"), malaria_area=T),
                "demam_malaria", ["PENYAKIT_BERAT_DENGAN_DEMAM"], no_tx=("TES_MALARIA",)),
            Row("2022.demam_malaria: PARASETAMOL at 38.0", chart,
                case(18, w(endemic, hasil_tes_malaria="negatif"), malaria_area=T, temperature_c=38.0,
                     weight_kg=10.0), "demam_malaria", ["DEMAM_MUNGKIN_BUKAN_MALARIA"],
                tx=("PARASETAMOL",)),
            Row("2022.demam_malaria: no PARASETAMOL at 37.9", chart,
                case(18, w(endemic, hasil_tes_malaria="negatif"), malaria_area=T, temperature_c=37.9,
                     weight_kg=10.0), "demam_malaria", ["DEMAM_MUNGKIN_BUKAN_MALARIA"],
                no_tx=("PARASETAMOL",)),
            Row("2022.demam_malaria: demam alone without a temperature -> no PARASETAMOL", chart,
                case(18, w(endemic, hasil_tes_malaria="negatif"), malaria_area=T, weight_kg=10.0),
                "demam_malaria", ["DEMAM_MUNGKIN_BUKAN_MALARIA"], no_tx=("PARASETAMOL",)),
        ]
    return rows


both(_malaria)


# ============================================================================================
# campak (ref §3.5): fever and (measles now or in the last 3 months)
def _campak(chart: str) -> list[Row]:
    base = {**DS[chart], "demam": True, "demam_hari": 1, "campak_3_bulan_terakhir": True,
            "ruam_seluruh_tubuh": False, "batuk_pilek_mata_merah": False, "mata_bernanah": "tidak",
            "kekeruhan_kornea": False, "luka_mulut": "tidak"}
    CK = "CAMPAK_DENGAN_KOMPLIKASI_PADA_MATA_DAN_ATAU_MULUT"
    return [
        Row(f"{chart}.campak.CAMPAK fires: measles in the last 3 months, no complication", chart,
            case(18, base, weight_kg=10.0), "campak", ["CAMPAK"], incomplete=False, fu=None,
            tx=("VITAMIN_A",)),
        Row(f"{chart}.campak.CAMPAK fires: measles now (rash + cough/runny nose/red eyes)", chart,
            case(18, w(base, campak_3_bulan_terakhir=False, ruam_seluruh_tubuh=True,
                       batuk_pilek_mata_merah=True)), "campak", ["CAMPAK"]),
        Row(f"{chart}.campak: rash without cough/runny nose/red eyes is not measles", chart,
            case(18, w(base, campak_3_bulan_terakhir=False, ruam_seluruh_tubuh=True)), "campak", [],
            incomplete=False),
        Row(f"{chart}.campak: measles history but no fever -> not assessed", chart,
            case(18, w(base, demam=False)), "campak", [], incomplete=False),
        Row(f"{chart}.campak.CAMPAK_DENGAN_KOMPLIKASI_BERAT fires on corneal clouding", chart,
            case(18, w(base, kekeruhan_kornea=True)), "campak", ["CAMPAK_DENGAN_KOMPLIKASI_BERAT"],
            refer=True, tx=("RUJUK_SEGERA",)),
        Row(f"{chart}.campak.CAMPAK_DENGAN_KOMPLIKASI_BERAT fires on deep/extensive mouth ulcers", chart,
            case(18, w(base, luka_mulut="dalam_atau_luas")), "campak",
            ["CAMPAK_DENGAN_KOMPLIKASI_BERAT"], refer=True),
        Row(f"{chart}.campak.CAMPAK_DENGAN_KOMPLIKASI_BERAT fires on a danger sign", chart,
            case(18, w(base, memuntahkan_semua=True)), "campak", ["CAMPAK_DENGAN_KOMPLIKASI_BERAT"],
            refer=True),
        Row(f"{chart}.campak.{CK} fires on some eye pus", chart,
            case(18, w(base, mata_bernanah="sedikit")), "campak", [CK], refer=False, fu=3,
            tx=("SALEP_MATA", "VITAMIN_A")),
        Row(f"{chart}.campak.{CK} fires on much eye pus", chart,
            case(18, w(base, mata_bernanah="banyak")), "campak", [CK]),
        Row(f"{chart}.campak.{CK} fires on mouth ulcers (not deep)", chart,
            case(18, w(base, luka_mulut="ada")), "campak", [CK], fu=3, tx=("ANTISEPTIK_MULUT",)),
        Row(f"{chart}.campak: corneal clouding unassessed -> severe row unknown, stops", chart,
            case(18, without(base, "kekeruhan_kornea")), "campak", [], incomplete=True,
            missing=["kekeruhan_kornea"]),
    ]


both(_campak)


# ============================================================================================
# dengue (ref §3.6; spec §11.11 petekie + uji_torniket, §11.14 fast breathing)
DENGUE15 = {"ujung_ekstremitas_dingin": False, "nadi_lemah": False, "crt_lebih_2_detik": False,
            "nyeri_perut": False, "muntah_berulang": False, "perdarahan_hidung_gusi": False,
            "petekie": False, "perdarahan_saluran_cerna": False, "uji_torniket": "negatif",
            "demam_tinggi_mendadak_terus_menerus": False}
DENGUE22 = {"ujung_ekstremitas_dingin": False, "nadi_lemah": False, "crt_lebih_2_detik": False,
            "ekstremitas_pucat": False, "nadi_cepat": False, "distres_napas": False,
            "perdarahan_saluran_cerna": False, "penurunan_kesadaran": False,
            "frekuensi_nadi_menurun": False, "tampak_kuning": False, "nyeri_perut_hebat": False,
            "tidak_bak_6_jam": False, "nyeri_perut": False, "nyeri_tekan_perut_kanan_atas": False,
            "muntah_berulang": False, "akumulasi_cairan": False, "perdarahan_hidung_gusi": False,
            "petekie": False, "letargi_atau_gelisah": False, "pembesaran_hati": False,
            "nyeri_otot_sendi": False, "ruam_kulit": False, "uji_torniket": "negatif"}
FEVER3 = {"demam": True, "demam_hari": 3}
D15 = {**DS15, **FEVER3, **DENGUE15}
D22 = {**DS22, **FEVER3, **DENGUE22}
DBD, MDBD, NDBD = "DEMAM_BERDARAH_DENGUE", "MUNGKIN_DBD", "DEMAM_MUNGKIN_BUKAN_DBD"
DB, DWS, DTWS, NDEN = ("DENGUE_BERAT", "DENGUE_DENGAN_WARNING_SIGNS", "DENGUE_TANPA_WARNING_SIGNS",
                       "DEMAM_MUNGKIN_BUKAN_DENGUE")

add(Row("2015.dengue.DEMAM_MUNGKIN_BUKAN_DBD fires with no sign", "2015", case(18, D15), "dengue",
        [NDBD], incomplete=False, fu=2))
for key in ["ujung_ekstremitas_dingin", "nadi_lemah", "crt_lebih_2_detik", "nyeri_perut", "gelisah",
            "muntah_berulang", "perdarahan_hidung_gusi", "perdarahan_saluran_cerna"]:
    add(Row(f"2015.dengue.DEMAM_BERDARAH_DENGUE fires on {key}", "2015", case(18, w(D15, **{key: True})),
            "dengue", [DBD], refer=True, tx=("RUJUK_SEGERA",)))
add(
    Row("2015.dengue.DEMAM_BERDARAH_DENGUE fires on uji_torniket positif", "2015",
        case(18, w(D15, uji_torniket="positif")), "dengue", [DBD], refer=True),
    Row("2015.dengue.DEMAM_BERDARAH_DENGUE fires on petekie, tourniquet not done (§11.11)", "2015",
        case(18, w(D15, petekie=True, uji_torniket="tidak_dilakukan")), "dengue", [DBD]),
    Row("2015.dengue.DEMAM_BERDARAH_DENGUE fires on petekie, tourniquet positive", "2015",
        case(18, w(D15, petekie=True, uji_torniket="positif")), "dengue", [DBD]),
    Row("2015.dengue.MUNGKIN_DBD fires on petekie with a negative tourniquet test (§11.11)", "2015",
        case(18, w(D15, petekie=True)), "dengue", [MDBD], refer=False, fu=1),
    Row("2015.dengue.MUNGKIN_DBD fires on sudden high continuous fever", "2015",
        case(18, w(D15, demam_tinggi_mendadak_terus_menerus=True)), "dengue", [MDBD], fu=1),
    Row("2015.dengue: petekie, tourniquet unknown -> DBD row unknown, stops", "2015",
        case(18, without(w(D15, petekie=True), "uji_torniket")), "dengue", [], incomplete=True,
        missing=["uji_torniket"]),
    Row("2015.dengue: 2022-only keys ignored (distres_napas, tampak_kuning true)", "2015",
        case(18, w(D15, distres_napas=True, tampak_kuning=True)), "dengue", [NDBD]),
    Row("2015.dengue: fever 1 day -> dengue box not applied", "2015",
        case(18, w(D15, demam_hari=1, muntah_berulang=True)), "dengue", [], incomplete=False),
    Row("2015.dengue: fever 2 days -> applied", "2015",
        case(18, w(D15, demam_hari=2, muntah_berulang=True)), "dengue", [DBD]),
    Row("2015.dengue: fever 7 days -> applied", "2015",
        case(18, w(D15, demam_hari=7, muntah_berulang=True)), "dengue", [DBD]),
    Row("2015.dengue: fever 8 days -> dengue box not applied", "2015",
        case(18, w(D15, demam_hari=8, muntah_berulang=True)), "dengue", [], incomplete=False),
    Row("2015.dengue: no fever -> not applied", "2015",
        case(18, w(D15, demam=False, muntah_berulang=True)), "dengue", [], incomplete=False),
    Row("2015.dengue: fever duration unknown -> incomplete", "2015",
        case(18, without(D15, "demam_hari")), "dengue", [], incomplete=True, missing_has=("demam_hari",)),
)

add(Row("2022.dengue.DEMAM_MUNGKIN_BUKAN_DENGUE fires with no sign", "2022", case(18, D22), "dengue",
        [NDEN], incomplete=False, fu=2))
for key in ["crt_lebih_2_detik", "nadi_lemah", "distres_napas", "perdarahan_saluran_cerna",
            "penurunan_kesadaran", "frekuensi_nadi_menurun", "tampak_kuning", "nyeri_perut_hebat",
            "tidak_bak_6_jam", "stridor"]:
    add(Row(f"2022.dengue.DENGUE_BERAT fires on {key}", "2022", case(18, w(D22, **{key: True})),
            "dengue", [DB], refer=True, tx=("RUJUK_SEGERA",)))
add(
    Row("2022.dengue.DENGUE_BERAT fires on pale + cold extremities", "2022",
        case(18, w(D22, ekstremitas_pucat=True, ujung_ekstremitas_dingin=True)), "dengue", [DB]),
    Row("2022.dengue.DENGUE_BERAT fires on cold extremities + fast pulse", "2022",
        case(18, w(D22, nadi_cepat=True, ujung_ekstremitas_dingin=True)), "dengue", [DB]),
    # Cold extremities alone are no dengue shock sign, but a danger sign (§11.15 item 3), and a
    # danger sign makes the dengue box severe.
    Row("2022.dengue.DENGUE_BERAT on cold extremities alone, through the danger sign", "2022",
        case(18, w(D22, ujung_ekstremitas_dingin=True)), "dengue", [DB], refer=True),
    Row("2022.dengue.DENGUE_BERAT misses on pale extremities alone", "2022",
        case(18, w(D22, ekstremitas_pucat=True)), "dengue", [NDEN]),
    Row("2022.dengue.DENGUE_BERAT misses on fast pulse alone", "2022",
        case(18, w(D22, nadi_cepat=True)), "dengue", [NDEN]),
    Row("2022.dengue.DENGUE_BERAT misses on fast breathing for age (not distres_napas, §11.14)", "2022",
        case(18, w(D22, batuk=True, napas_per_menit=50)), "dengue", [NDEN], refer=False),
)
for key in ["nyeri_perut", "nyeri_tekan_perut_kanan_atas", "muntah_berulang", "akumulasi_cairan",
            "perdarahan_hidung_gusi", "petekie", "letargi_atau_gelisah", "pembesaran_hati",
            "hematokrit_naik_trombosit_turun"]:
    add(Row(f"2022.dengue.DENGUE_DENGAN_WARNING_SIGNS fires on {key}", "2022",
            case(18, w(D22, **{key: True})), "dengue", [DWS], incomplete=False, refer=True,
            tx=("RUJUK_SEGERA",)))
for key, val in [("nyeri_otot_sendi", True), ("ruam_kulit", True), ("uji_torniket", "positif"),
                 ("ns1", "positif"), ("leukosit_per_ul", 3999), ("trombosit_per_ul", 99999)]:
    add(Row(f"2022.dengue.DENGUE_TANPA_WARNING_SIGNS fires on {key}={val}", "2022",
            case(18, w(D22, **{key: val})), "dengue", [DTWS], incomplete=False, refer=False, fu=1))
add(
    Row("2022.dengue.DENGUE_TANPA_WARNING_SIGNS misses at leukocytes 4000", "2022",
        case(18, w(D22, leukosit_per_ul=4000)), "dengue", [NDEN]),
    Row("2022.dengue.DENGUE_TANPA_WARNING_SIGNS misses at platelets 100000", "2022",
        case(18, w(D22, trombosit_per_ul=100000)), "dengue", [NDEN]),
    Row("2022.dengue.DENGUE_TANPA_WARNING_SIGNS misses on NS1 negative", "2022",
        case(18, w(D22, ns1="negatif")), "dengue", [NDEN]),
    Row("2022.dengue.DENGUE_TANPA_WARNING_SIGNS below 1 year -> RUJUK", "2022",
        case(11, w(D22, ruam_kulit=True)), "dengue", [DTWS], tx=("RUJUK",)),
    Row("2022.dengue.DENGUE_TANPA_WARNING_SIGNS at 12 months -> no RUJUK", "2022",
        case(12, w(D22, ruam_kulit=True)), "dengue", [DTWS], no_tx=("RUJUK",)),
    Row("2022.dengue: petekie with a positive tourniquet test is a warning sign", "2022",
        case(18, w(D22, petekie=True, uji_torniket="positif")), "dengue", [DWS]),
    Row("2022.dengue: distres_napas unknown, warning sign true -> DWS past it, incomplete (§6)", "2022",
        case(18, without(w(D22, muntah_berulang=True), "distres_napas")), "dengue", [DWS],
        incomplete=True, missing=["distres_napas"], refer=True),
    Row("2022.dengue: distres_napas unknown, no warning sign -> nothing, incomplete", "2022",
        case(18, without(D22, "distres_napas")), "dengue", [], incomplete=True,
        missing=["distres_napas"]),
    Row("2022.dengue: tourniquet unknown -> DTWS row unknown, stops; optional labs never listed",
        "2022", case(18, without(D22, "uji_torniket")), "dengue", [], incomplete=True,
        missing=["uji_torniket"], missing_not=("ns1", "leukosit_per_ul", "trombosit_per_ul",
                                                "hematokrit_naik_trombosit_turun")),
    Row("2022.dengue: 2015-only key ignored (demam_tinggi_mendadak_terus_menerus)", "2022",
        case(18, w(D22, demam_tinggi_mendadak_terus_menerus=True)), "dengue", [NDEN]),
    Row("2022.dengue: fever 1 day -> not applied", "2022",
        case(18, w(D22, demam_hari=1, muntah_berulang=True)), "dengue", [], incomplete=False),
    Row("2022.dengue: fever 2 days -> applied", "2022",
        case(18, w(D22, demam_hari=2, muntah_berulang=True)), "dengue", [DWS]),
    Row("2022.dengue: fever 7 days -> applied", "2022",
        case(18, w(D22, demam_hari=7, muntah_berulang=True)), "dengue", [DWS]),
    Row("2022.dengue: fever 8 days -> not applied", "2022",
        case(18, w(D22, demam_hari=8, muntah_berulang=True)), "dengue", [], incomplete=False),
)


# ============================================================================================
# telinga (ref §3.7; spec §11.11 kronis before akut)
def _telinga(chart: str) -> list[Row]:
    base = {"masalah_telinga": True, "nyeri_telinga": False, "rasa_penuh_telinga": False,
            "keluar_cairan_telinga": False, "bengkak_nyeri_belakang_telinga": False}
    days = "7 hari" if chart == "2015" else "10 hari"
    return [
        Row(f"{chart}.telinga: masalah_telinga false -> not applied", chart,
            case(18, {"masalah_telinga": False}), "telinga", [], incomplete=False),
        Row(f"{chart}.telinga.TIDAK_ADA_INFEKSI_TELINGA fires with no sign", chart, case(18, base),
            "telinga", ["TIDAK_ADA_INFEKSI_TELINGA"], incomplete=False, fu=None),
        Row(f"{chart}.telinga.MASTOIDITIS fires on tender swelling behind the ear", chart,
            case(18, w(base, bengkak_nyeri_belakang_telinga=True)), "telinga", ["MASTOIDITIS"],
            incomplete=False, refer=True, fu=None, tx=("RUJUK_SEGERA",)),
        Row(f"{chart}.telinga.INFEKSI_TELINGA_KRONIS fires at 14 days of discharge", chart,
            case(18, w(base, keluar_cairan_telinga=True, cairan_telinga_hari=14)), "telinga",
            ["INFEKSI_TELINGA_KRONIS"], fu=5, tx=("KERINGKAN_TELINGA", "TETES_TELINGA_KUINOLON")),
        Row(f"{chart}.telinga.INFEKSI_TELINGA_KRONIS misses at 13 days -> AKUT", chart,
            case(18, w(base, keluar_cairan_telinga=True, cairan_telinga_hari=13), weight_kg=10.0),
            "telinga", ["INFEKSI_TELINGA_AKUT"], fu=5, tx=("AMOKSISILIN",),
            dose_has={"AMOKSISILIN": [days]}),
        Row(f"{chart}.telinga: pain + discharge 14 days -> KRONIS (checked before AKUT)", chart,
            case(18, w(base, nyeri_telinga=True, keluar_cairan_telinga=True, cairan_telinga_hari=14)),
            "telinga", ["INFEKSI_TELINGA_KRONIS"]),
        Row(f"{chart}.telinga.INFEKSI_TELINGA_AKUT fires on ear pain (+ PARASETAMOL)", chart,
            case(18, w(base, nyeri_telinga=True), weight_kg=10.0), "telinga", ["INFEKSI_TELINGA_AKUT"],
            tx=("AMOKSISILIN", "PARASETAMOL")),
        Row(f"{chart}.telinga.INFEKSI_TELINGA_AKUT fires on fullness", chart,
            case(18, w(base, rasa_penuh_telinga=True)), "telinga", ["INFEKSI_TELINGA_AKUT"]),
        Row(f"{chart}.telinga: discharge with unknown duration -> stops at KRONIS", chart,
            case(18, w(base, keluar_cairan_telinga=True)), "telinga", [], incomplete=True,
            missing=["cairan_telinga_hari"]),
        Row(f"{chart}.telinga: no discharge, duration not needed", chart, case(18, base), "telinga",
            ["TIDAK_ADA_INFEKSI_TELINGA"], incomplete=False, missing_not=("cairan_telinga_hari",)),
        Row(f"{chart}.telinga: swelling unassessed -> MASTOIDITIS unknown, stops", chart,
            case(18, without(w(base, nyeri_telinga=True), "bengkak_nyeri_belakang_telinga")), "telinga",
            [], incomplete=True, missing=["bengkak_nyeri_belakang_telinga"]),
    ]


both(_telinga)


# ============================================================================================
# gizi 2015 (ref §3.8; spec §5.6 complication; §11.11 oedema)
G15 = {**HEALTHY["2015"], "tampak_sangat_kurus": False, "edema": "tidak", "zskor_bb_pb": 0.0}
SKDK, SKTK = "SANGAT_KURUS_DENGAN_KOMPLIKASI", "SANGAT_KURUS_TANPA_KOMPLIKASI"


def g15(months: int = 18, muac: float | None = 14.0, **kw: Any) -> dict:
    top = {"weight_kg": 10.0}
    if muac is not None:
        top["muac_cm"] = muac
    return case(months, w(G15, **kw), **top)


add(
    Row("2015.gizi.GIZI_NORMAL fires: z 0, MUAC 14", "2015", g15(), "gizi", ["GIZI_NORMAL"],
        incomplete=False, fu=None),
    Row("2015.gizi.GIZI_NORMAL fires at z -2 exactly", "2015", g15(zskor_bb_pb=-2), "gizi", ["GIZI_NORMAL"]),
    Row("2015.gizi.KURUS fires at z -2.01", "2015", g15(zskor_bb_pb=-2.01), "gizi", ["KURUS"], fu=30),
    Row("2015.gizi.KURUS fires at z -3 exactly (not < -3)", "2015", g15(zskor_bb_pb=-3), "gizi", ["KURUS"]),
    Row("2015.gizi.SANGAT_KURUS_TANPA_KOMPLIKASI fires at z -3.01", "2015", g15(zskor_bb_pb=-3.01),
        "gizi", [SKTK], incomplete=False, refer=False, fu=7, tx=("VITAMIN_A",)),
    Row("2015.gizi.GIZI_NORMAL fires at MUAC 12.5", "2015", g15(muac=12.5), "gizi", ["GIZI_NORMAL"]),
    Row("2015.gizi.KURUS fires at MUAC 12.49", "2015", g15(muac=12.49), "gizi", ["KURUS"]),
    Row("2015.gizi.KURUS fires at MUAC 11.5 (11.5 is not < 11.5)", "2015", g15(muac=11.5), "gizi", ["KURUS"]),
    Row("2015.gizi.SANGAT_KURUS_TANPA_KOMPLIKASI fires at MUAC 11.49", "2015", g15(muac=11.49), "gizi",
        [SKTK]),
    Row("2015.gizi.SANGAT_KURUS_TANPA_KOMPLIKASI fires on visible severe wasting", "2015",
        g15(tampak_sangat_kurus=True), "gizi", [SKTK]),
    Row("2015.gizi.SANGAT_KURUS_DENGAN_KOMPLIKASI fires on oedema +1 without complication (§11.11)",
        "2015", g15(edema="+1"), "gizi", [SKDK], refer=True, tx=("RUJUK_SEGERA",)),
    Row("2015.gizi.SANGAT_KURUS_DENGAN_KOMPLIKASI fires on oedema +3", "2015", g15(edema="+3"), "gizi",
        [SKDK]),
    Row("2015.gizi.SANGAT_KURUS_DENGAN_KOMPLIKASI fires: wasting + danger sign (gelisah)", "2015",
        g15(zskor_bb_pb=-3.5, gelisah=True), "gizi", [SKDK], refer=True),
    Row("2015.gizi.SANGAT_KURUS_DENGAN_KOMPLIKASI fires: wasting + PNEUMONIA_BERAT", "2015",
        g15(zskor_bb_pb=-3.5, batuk=True, tarikan_dinding_dada=True, napas_per_menit=30), "gizi", [SKDK]),
    Row("2015.gizi.SANGAT_KURUS_DENGAN_KOMPLIKASI fires: wasting + MASTOIDITIS (any merah row)", "2015",
        g15(zskor_bb_pb=-3.5, masalah_telinga=True, bengkak_nyeri_belakang_telinga=True), "gizi", [SKDK]),
    Row("2015.gizi.SANGAT_KURUS_DENGAN_KOMPLIKASI fires: wasting + ANEMIA_BERAT", "2015",
        g15(muac=11.0, kepucatan="sangat_pucat"), "gizi", [SKDK]),
    Row("2015.gizi: KURUS regardless of a complication", "2015", g15(zskor_bb_pb=-2.5, gelisah=True),
        "gizi", ["KURUS"]),
    Row("2015.gizi: wasting + merah row unknown (cough unassessed) -> row 1 unknown, stops", "2015",
        g15(zskor_bb_pb=-3.5, **{"batuk": None}), "gizi", [], incomplete=True),
    Row("2015.gizi: MUAC unassessed from 6 months -> incomplete, muac_cm missing", "2015",
        g15(muac=None), "gizi", [], incomplete=True, missing=["muac_cm"]),
    Row("2015.gizi: tampak_sangat_kurus unassessed -> incomplete", "2015",
        case(18, without(G15, "tampak_sangat_kurus"), weight_kg=10.0, muac_cm=14.0), "gizi", [],
        incomplete=True, missing=["tampak_sangat_kurus"]),
    Row("2015.gizi: below 6 months, z -1, no MUAC -> GIZI_NORMAL, complete", "2015", g15(4, muac=None,
        zskor_bb_pb=-1), "gizi", ["GIZI_NORMAL"], incomplete=False, missing_not=("muac_cm",)),
    Row("2015.gizi: below 6 months MUAC is not read (MUAC 10)", "2015", g15(5, muac=10.0),
        "gizi", ["GIZI_NORMAL"]),
    Row("2015.gizi.SANGAT_KURUS_DENGAN_KOMPLIKASI fires below 6 months: wasting + masalah_menyusu",
        "2015", g15(4, muac=None, zskor_bb_pb=-3.5, masalah_menyusu=True), "gizi", [SKDK]),
    Row("2015.gizi: below 6 months wasting, no breastfeeding problem -> SANGAT_KURUS_TANPA_KOMPLIKASI",
        "2015", g15(4, muac=None, zskor_bb_pb=-3.5, masalah_menyusu=False), "gizi", [SKTK]),
    Row("2015.gizi: below 6 months wasting, breastfeeding unassessed -> row 1 unknown, stops", "2015",
        g15(4, muac=None, zskor_bb_pb=-3.5), "gizi", [], incomplete=True, missing=["masalah_menyusu"]),
    Row("2015.gizi: masalah_menyusu is not read from 6 months -> SANGAT_KURUS_TANPA_KOMPLIKASI", "2015",
        g15(18, zskor_bb_pb=-3.5, masalah_menyusu=True), "gizi", [SKTK]),
)


# ============================================================================================
# gizi 2022 (ref §3.8; spec §11.11 row order, §5.6 complication)
G22 = {**HEALTHY["2022"], "edema": "tidak", "zskor_bb_pb": 0.0}
GBDK, GBTK = "GIZI_BURUK_DENGAN_KOMPLIKASI", "GIZI_BURUK_TANPA_KOMPLIKASI"


def g22(months: int = 18, muac: float | None = 14.0, weight: float = 10.0, **kw: Any) -> dict:
    top: dict[str, Any] = {"weight_kg": weight}
    if muac is not None:
        top["muac_cm"] = muac
    return case(months, w(G22, **kw), **top)


for z, code, fu in [(1, "GIZI_BAIK", None), (1.01, "BERISIKO_GIZI_LEBIH", 14), (2, "BERISIKO_GIZI_LEBIH", 14),
                    (2.01, "GIZI_LEBIH", 14), (3, "GIZI_LEBIH", 14), (3.01, "OBESITAS", None),
                    (-2, "GIZI_BAIK", None), (-2.01, "GIZI_KURANG", 14), (-3, "GIZI_KURANG", 14),
                    (-3.01, GBTK, 7)]:
    add(Row(f"2022.gizi.{code} at z {z} (6-59 months)", "2022", g22(zskor_bb_pb=z), "gizi", [code],
            incomplete=False, refer=False, fu=fu))
add(
    Row("2022.gizi.OBESITAS -> RUJUK, not urgent", "2022", g22(zskor_bb_pb=3.5), "gizi", ["OBESITAS"],
        refer=False, tx=("RUJUK",)),
    Row("2022.gizi.GIZI_BURUK_TANPA_KOMPLIKASI treatments", "2022", g22(zskor_bb_pb=-3.5), "gizi", [GBTK],
        tx=("AMOKSISILIN", "VITAMIN_A")),
    Row("2022.gizi.GIZI_BAIK at MUAC 12.5", "2022", g22(muac=12.5), "gizi", ["GIZI_BAIK"]),
    Row("2022.gizi.GIZI_KURANG at MUAC 12.49", "2022", g22(muac=12.49), "gizi", ["GIZI_KURANG"]),
    Row("2022.gizi.GIZI_KURANG at MUAC 11.5 (not < 11.5)", "2022", g22(muac=11.5), "gizi", ["GIZI_KURANG"]),
    Row("2022.gizi.GIZI_BURUK_TANPA_KOMPLIKASI at MUAC 11.49", "2022", g22(muac=11.49), "gizi", [GBTK]),
    Row("2022.gizi.GIZI_BURUK_TANPA_KOMPLIKASI on oedema +1", "2022", g22(edema="+1"), "gizi", [GBTK]),
    Row("2022.gizi.GIZI_BURUK_TANPA_KOMPLIKASI on oedema +2", "2022", g22(edema="+2"), "gizi", [GBTK]),
    Row("2022.gizi.GIZI_BURUK_DENGAN_KOMPLIKASI on oedema +3 alone", "2022", g22(edema="+3"), "gizi",
        [GBDK], refer=True, tx=("RUJUK_SEGERA",)),
    Row("2022.gizi.GIZI_BURUK_DENGAN_KOMPLIKASI on weight 3.9 kg", "2022", g22(weight=3.9), "gizi", [GBDK]),
    Row("2022.gizi.GIZI_BURUK_DENGAN_KOMPLIKASI misses at weight 4.0 kg", "2022", g22(weight=4.0), "gizi",
        ["GIZI_BAIK"]),
    Row("2022.gizi.GIZI_BURUK_DENGAN_KOMPLIKASI: z -3.5 + anoreksia", "2022",
        g22(zskor_bb_pb=-3.5, anoreksia=True), "gizi", [GBDK], refer=True),
    Row("2022.gizi.GIZI_BURUK_DENGAN_KOMPLIKASI: MUAC 11 + penurunan_kesadaran", "2022",
        g22(muac=11.0, penurunan_kesadaran=True), "gizi", [GBDK]),
    Row("2022.gizi.GIZI_BURUK_DENGAN_KOMPLIKASI: oedema +1 + komplikasi_medis_lain", "2022",
        g22(edema="+1", komplikasi_medis_lain=True), "gizi", [GBDK]),
    Row("2022.gizi.GIZI_BURUK_DENGAN_KOMPLIKASI: z -3.5 + PNEUMONIA_BERAT", "2022",
        g22(zskor_bb_pb=-3.5, batuk=True, tarikan_dinding_dada=True, napas_per_menit=30), "gizi", [GBDK]),
    Row("2022.gizi.GIZI_BURUK_DENGAN_KOMPLIKASI: z -3.5 + DIARE_DEHIDRASI_BERAT", "2022",
        g22(zskor_bb_pb=-3.5, diare=True, diare_hari=2, darah_dalam_tinja=False, keadaan_umum="normal",
            mata_cekung=True, kemampuan_minum="malas_atau_tidak_bisa", cubitan_kulit_perut="segera"),
        "gizi", [GBDK]),
    Row("2022.gizi.GIZI_BURUK_DENGAN_KOMPLIKASI: z -3.5 + ANEMIA_BERAT", "2022",
        g22(zskor_bb_pb=-3.5, kepucatan="sangat_pucat"), "gizi", [GBDK]),
    Row("2022.gizi.GIZI_BURUK_DENGAN_KOMPLIKASI: z -3.5 + PENYAKIT_BERAT_DENGAN_DEMAM", "2022",
        case(18, w(G22, zskor_bb_pb=-3.5, demam=True, demam_hari=1, kaku_kuduk=True),
             weight_kg=10.0, muac_cm=14.0, malaria_area="tinggi"), "gizi", [GBDK]),
    Row("2022.gizi: a danger sign alone is not a complication -> GIZI_BURUK_TANPA_KOMPLIKASI", "2022",
        g22(zskor_bb_pb=-3.5, stridor=True), "gizi", [GBTK]),
    Row("2022.gizi: MUAC 11 with z +2.5 -> GIZI_BURUK_TANPA_KOMPLIKASI (under-nutrition first)", "2022",
        g22(zskor_bb_pb=2.5, muac=11.0), "gizi", [GBTK]),
    Row("2022.gizi: oedema +1 with z +3.5 -> GIZI_BURUK_TANPA_KOMPLIKASI", "2022",
        g22(zskor_bb_pb=3.5, edema="+1"), "gizi", [GBTK]),
    Row("2022.gizi: MUAC 12 with z +3.5 -> GIZI_KURANG before OBESITAS", "2022",
        g22(zskor_bb_pb=3.5, muac=12.0), "gizi", ["GIZI_KURANG"]),
    Row("2022.gizi: MUAC unassessed from 6 months -> incomplete, muac_cm missing", "2022",
        g22(muac=None), "gizi", [], incomplete=True, missing=["muac_cm"]),
    Row("2022.gizi: z -3.5, anoreksia unassessed -> complicated row unknown, stops", "2022",
        case(18, without(w(G22, zskor_bb_pb=-3.5), "anoreksia"), weight_kg=10.0, muac_cm=14.0), "gizi",
        [], incomplete=True, missing=["anoreksia"]),
    # 2 - < 6 months
)
G22Y = {**G22, "terlalu_lemah_menyusu": False, "berat_badan_tidak_naik": False}


def g22y(months: int = 4, weight: float = 6.0, **kw: Any) -> dict:
    return case(months, w(G22Y, **kw), weight_kg=weight)


add(
    Row("2022.gizi (<6 months).GIZI_BAIK fires at z 0, no MUAC needed", "2022", g22y(), "gizi",
        ["GIZI_BAIK"], incomplete=False, missing_not=("muac_cm",)),
    Row("2022.gizi (<6 months): MUAC not read (MUAC 10)", "2022",
        case(4, G22Y, weight_kg=6.0, muac_cm=10.0), "gizi", ["GIZI_BAIK"]),
    Row("2022.gizi (<6 months): no weight < 4 kg row (3.9 kg)", "2022", g22y(weight=3.9), "gizi",
        ["GIZI_BAIK"]),
    Row("2022.gizi (<6 months).GIZI_BURUK_DENGAN_KOMPLIKASI on terlalu_lemah_menyusu", "2022",
        g22y(terlalu_lemah_menyusu=True), "gizi", [GBDK], refer=True),
    Row("2022.gizi (<6 months).GIZI_BURUK_DENGAN_KOMPLIKASI on berat_badan_tidak_naik", "2022",
        g22y(berat_badan_tidak_naik=True), "gizi", [GBDK]),
    Row("2022.gizi (<6 months).GIZI_BURUK_DENGAN_KOMPLIKASI on oedema +1", "2022", g22y(edema="+1"),
        "gizi", [GBDK]),
    Row("2022.gizi (<6 months).GIZI_BURUK_DENGAN_KOMPLIKASI on a complication alone", "2022",
        g22y(komplikasi_medis_lain=True), "gizi", [GBDK]),
    Row("2022.gizi (<6 months).GIZI_BURUK_DENGAN_KOMPLIKASI at z -3.01", "2022", g22y(zskor_bb_pb=-3.01),
        "gizi", [GBDK]),
    Row("2022.gizi (<6 months): terlalu_lemah_menyusu unassessed -> stops at row 1", "2022",
        case(4, without(G22Y, "terlalu_lemah_menyusu"), weight_kg=6.0), "gizi", [], incomplete=True,
        missing=["terlalu_lemah_menyusu"]),
    Row("2022.gizi: under-6 keys not read from 6 months (terlalu_lemah_menyusu true)", "2022",
        g22(terlalu_lemah_menyusu=True, berat_badan_tidak_naik=True), "gizi", ["GIZI_BAIK"]),
)
for z, code in [(-3, "GIZI_KURANG"), (-2.01, "GIZI_KURANG"), (-2, "GIZI_BAIK"), (1, "GIZI_BAIK"),
                (1.01, "BERISIKO_GIZI_LEBIH"), (2, "BERISIKO_GIZI_LEBIH"), (2.01, "GIZI_LEBIH"),
                (3, "GIZI_LEBIH"), (3.01, "OBESITAS")]:
    add(Row(f"2022.gizi (<6 months).{code} at z {z}", "2022", g22y(zskor_bb_pb=z), "gizi", [code],
            incomplete=False))

# z-scores given vs computed (spec §3, §11.8). Boys WFL at 75.0 cm: median ~9.5 kg, -3 SD ~7.7 kg.
for chart, normal, severe in [("2015", "GIZI_NORMAL", SKTK), ("2022", "GIZI_BAIK", GBTK)]:
    base = without(HEALTHY[chart] | {"tampak_sangat_kurus": False, "edema": "tidak"}, *(
        () if chart == "2015" else ("tampak_sangat_kurus",)))
    add(
        Row(f"{chart}.gizi: computed WFL z (boy, 12 months, 75 cm, 9.6 kg) -> {normal}", chart,
            case(12, base, sex="L", weight_kg=9.6, length_cm=75.0, muac_cm=14.0), "gizi", [normal],
            incomplete=False),
        Row(f"{chart}.gizi: computed WFL z (boy, 12 months, 75 cm, 7.0 kg) -> {severe}", chart,
            case(12, base, sex="L", weight_kg=7.0, length_cm=75.0, muac_cm=14.0), "gizi", [severe]),
        Row(f"{chart}.gizi: a given zskor_bb_pb wins over the measurements", chart,
            case(12, w(base, zskor_bb_pb=0.0), sex="L", weight_kg=7.0, length_cm=75.0, muac_cm=14.0),
            "gizi", [normal]),
        Row(f"{chart}.gizi: WFL not computable (no length) -> incomplete, names length_cm", chart,
            case(12, base, sex="L", weight_kg=9.6, muac_cm=14.0), "gizi", [], incomplete=True,
            missing_has=("length_cm",), missing_not=("zskor_bb_pb",)),
    )


# ============================================================================================
# pertumbuhan, lingkar_kepala (2022 only; ref §3.8; spec §11.14)
for z, code in [(-3.01, "SANGAT_PENDEK"), (-3, "PENDEK"), (-2.01, "PENDEK"), (-2, "PERTUMBUHAN_NORMAL"),
                (3, "PERTUMBUHAN_NORMAL"), (3.01, "TINGGI")]:
    add(Row(f"2022.pertumbuhan.{code} at zskor_pb_u {z}", "2022", case(18, {"zskor_pb_u": z}),
            "pertumbuhan", [code], incomplete=False, refer=False,
            **({"tx": ("RUJUK",)} if code != "PERTUMBUHAN_NORMAL" else {})))
for z, code in [(-2.01, "MIKROSEFALI"), (-2, "LINGKAR_KEPALA_NORMAL"), (2, "LINGKAR_KEPALA_NORMAL"),
                (2.01, "MAKROSEFALI")]:
    add(Row(f"2022.lingkar_kepala.{code} at zskor_lk_u {z}", "2022", case(30, {"zskor_lk_u": z}),
            "lingkar_kepala", [code], incomplete=False, refer=False,
            **({"tx": ("RUJUK",)} if code != "LINGKAR_KEPALA_NORMAL" else {})))
add(
    Row("2022.pertumbuhan: computed (boy 24 months, standing 87.0 cm) -> NORMAL", "2022",
        case(24, {}, sex="L", length_cm=87.0, length_position="berdiri"), "pertumbuhan",
        ["PERTUMBUHAN_NORMAL"]),
    Row("2022.pertumbuhan: computed (boy 24 months, standing 75.0 cm) -> SANGAT_PENDEK", "2022",
        case(24, {}, sex="L", length_cm=75.0, length_position="berdiri"), "pertumbuhan", ["SANGAT_PENDEK"]),
    Row("2022.pertumbuhan: given zskor_pb_u wins over the length", "2022",
        case(24, {"zskor_pb_u": 0.0}, sex="L", length_cm=70.0), "pertumbuhan", ["PERTUMBUHAN_NORMAL"]),
    Row("2022.pertumbuhan: no length -> incomplete, names length_cm", "2022", case(24, {}, sex="L"),
        "pertumbuhan", [], incomplete=True, missing_has=("length_cm",), missing_not=("zskor_pb_u",)),
    Row("2022.lingkar_kepala: computed (boy 12 months, 46.0 cm) -> NORMAL", "2022",
        case(12, {}, sex="L", head_circumference_cm=46.0), "lingkar_kepala", ["LINGKAR_KEPALA_NORMAL"]),
    Row("2022.lingkar_kepala: computed (boy 12 months, 41.0 cm) -> MIKROSEFALI", "2022",
        case(12, {}, sex="L", head_circumference_cm=41.0), "lingkar_kepala", ["MIKROSEFALI"]),
    Row("2022.lingkar_kepala: no head circumference -> incomplete, names head_circumference_cm", "2022",
        case(12, {}, sex="L"), "lingkar_kepala", [], incomplete=True,
        missing_has=("head_circumference_cm",), missing_not=("zskor_lk_u",)),
)


# ============================================================================================
# anemia (ref §3.9; spec §11.14 Hb settings)
def _anemia(chart: str) -> list[Row]:
    fu = 14 if chart == "2015" else 7
    return [
        Row(f"{chart}.anemia.ANEMIA_BERAT fires on severe pallor", chart,
            case(18, {"kepucatan": "sangat_pucat"}), "anemia", ["ANEMIA_BERAT"], incomplete=False,
            refer=True, tx=("RUJUK_SEGERA",)),
        Row(f"{chart}.anemia.ANEMIA fires on some pallor", chart,
            case(18, {"kepucatan": "agak_pucat"}, weight_kg=10.0), "anemia", ["ANEMIA"],
            incomplete=False, refer=False, fu=fu, tx=("ZAT_BESI",)),
        Row(f"{chart}.anemia.TIDAK_ANEMIA fires on no pallor", chart, case(18, {"kepucatan": "tidak"}),
            "anemia", ["TIDAK_ANEMIA"], incomplete=False, fu=None),
        Row(f"{chart}.anemia: pallor unassessed -> incomplete", chart, case(18, {}), "anemia", [],
            incomplete=True, missing=["kepucatan"]),
        Row(f"{chart}.anemia.ANEMIA in endemis tinggi, untested -> TES_MALARIA", chart,
            case(18, {"kepucatan": "agak_pucat", "demam": False}, malaria_area="tinggi"), "anemia",
            ["ANEMIA"], tx=("TES_MALARIA",)),
        Row(f"{chart}.anemia.ANEMIA in endemis rendah -> no TES_MALARIA", chart,
            case(18, {"kepucatan": "agak_pucat", "demam": False}, malaria_area="rendah"), "anemia",
            ["ANEMIA"], no_tx=("TES_MALARIA",)),
        Row(f"{chart}.anemia.ANEMIA in endemis tinggi, already tested negative -> no TES_MALARIA", chart,
            case(18, {"kepucatan": "agak_pucat", "demam": False, "hasil_tes_malaria": "negatif"},
                 malaria_area="tinggi"), "anemia", ["ANEMIA"], no_tx=("TES_MALARIA",)),
        Row(f"{chart}.anemia.ANEMIA: dewormed in the last 6 months -> no OBAT_CACING", chart,
            case(18, {"kepucatan": "agak_pucat", "obat_cacing_6_bulan_terakhir": True}), "anemia",
            ["ANEMIA"], no_tx=("OBAT_CACING",)),
        Row(f"{chart}.anemia.ANEMIA: not dewormed -> OBAT_CACING", chart,
            case(18, {"kepucatan": "agak_pucat", "obat_cacing_6_bulan_terakhir": False}), "anemia",
            ["ANEMIA"], tx=("OBAT_CACING",)),
    ]


both(_anemia)
add(
    Row("2015.anemia: Hb is not read in 2015 (Hb 6.0, no pallor -> TIDAK_ANEMIA)", "2015",
        case(18, {"kepucatan": "tidak", "hb_g_dl": 6.0}), "anemia", ["TIDAK_ANEMIA"]),
    Row("2022.anemia.ANEMIA_BERAT fires at Hb 6.9", "2022", case(18, {"kepucatan": "tidak", "hb_g_dl": 6.9}),
        "anemia", ["ANEMIA_BERAT"], refer=True),
    Row("2022.anemia.ANEMIA_BERAT misses at Hb 7.0 -> ANEMIA", "2022",
        case(18, {"kepucatan": "tidak", "hb_g_dl": 7.0}), "anemia", ["ANEMIA"], refer=False),
    Row("2022.anemia.ANEMIA fires at Hb 9.9", "2022", case(18, {"kepucatan": "tidak", "hb_g_dl": 9.9}),
        "anemia", ["ANEMIA"]),
    Row("2022.anemia.ANEMIA misses at Hb 10.0 -> TIDAK_ANEMIA", "2022",
        case(18, {"kepucatan": "tidak", "hb_g_dl": 10.0}), "anemia", ["TIDAK_ANEMIA"]),
    Row("2022.anemia: pallor wins over a normal Hb (agak_pucat, Hb 12)", "2022",
        case(18, {"kepucatan": "agak_pucat", "hb_g_dl": 12.0}), "anemia", ["ANEMIA"]),
    Row("2022.anemia.ANEMIA_BERAT fires on Hb 6.9 with pallor unassessed", "2022",
        case(18, {"hb_g_dl": 6.9}), "anemia", ["ANEMIA_BERAT"], incomplete=False),
    Row("2022.anemia: Hb 8, pallor unassessed -> ANEMIA_BERAT unknown, stops", "2022",
        case(18, {"hb_g_dl": 8.0}), "anemia", [], incomplete=True, missing=["kepucatan"]),
    Row("2022.anemia: Hb 10, pallor unassessed -> incomplete", "2022",
        case(18, {"hb_g_dl": 10.0}), "anemia", [], incomplete=True, missing=["kepucatan"]),
)


# ============================================================================================
# hiv (spec §11.12)
def hiv(ibu: str, vir: str, ser: str, menyusu: bool, keluarga: bool | None = None) -> dict:
    f: dict[str, Any] = {"tes_hiv_ibu": ibu, "tes_virologi_anak": vir, "tes_serologi_anak": ser,
                         "masih_menyusu_atau_baru_berhenti": menyusu}
    if keluarga is not None:
        f["keluarga_hiv"] = keluarga
    return f


TK, TP, DD, MB = ("INFEKSI_HIV_TERKONFIRMASI", "TERPAJAN_HIV", "DIDUGA_TERINFEKSI_HIV",
                  "MUNGKIN_BUKAN_INFEKSI_HIV")
HIV_KEYS = ["tes_hiv_ibu", "tes_virologi_anak", "tes_serologi_anak", "masih_menyusu_atau_baru_berhenti"]
for chart in ("2015", "2022"):
    kel = False if chart == "2015" else None
    add(
        Row(f"{chart}.hiv.{TK} fires on a positive virological test", chart,
            case(18, hiv("belum", "positif", "belum", False, kel)), "hiv", [TK], incomplete=False,
            refer=False, fu=None, tx=("RUJUK",) if chart == "2015" else ("KOTRIMOKSAZOL", "RUJUK")),
        Row(f"{chart}.hiv.{TK} fires on a positive serology at >= 18 months", chart,
            case(18, hiv("belum", "belum", "positif_18_bulan_atau_lebih", False, kel)), "hiv", [TK]),
        Row(f"{chart}.hiv.{TK} fires on virology positive, nothing else entered", chart,
            case(18, {"tes_virologi_anak": "positif"}), "hiv", [TK], incomplete=False),
        Row(f"{chart}.hiv.{TP} fires on a positive serology below 18 months", chart,
            case(18, hiv("belum", "belum", "positif_di_bawah_18_bulan", False, kel)), "hiv", [TP],
            refer=False),
        Row(f"{chart}.hiv.{TP} fires: mother positive, child virology not done", chart,
            case(18, hiv("positif", "belum", "belum", False, kel)), "hiv", [TP]),
        Row(f"{chart}.hiv.{TP} fires: mother positive, virology negative, still breastfed", chart,
            case(18, hiv("positif", "negatif", "belum", True, kel)), "hiv", [TP]),
        Row(f"{chart}.hiv.{MB} fires: mother negative, virology negative", chart,
            case(18, hiv("negatif", "negatif", "belum", False, kel)), "hiv", [MB], fu=None),
        Row(f"{chart}.hiv.{MB} fires: mother negative, serology negative", chart,
            case(18, hiv("negatif", "belum", "negatif", False, kel)), "hiv", [MB]),
        Row(f"{chart}.hiv: nobody tested -> no classification, module complete", chart,
            case(18, hiv("belum", "belum", "belum", False, kel)), "hiv", [], incomplete=False),
    )
add(
    Row("2022.hiv: nothing entered -> incomplete, the four keys missing (spec §7 example)", "2022",
        case(18, {}), "hiv", [], incomplete=True, missing=HIV_KEYS),
    Row("2015.hiv: nothing entered -> incomplete, keluarga_hiv missing too", "2015",
        case(18, {}), "hiv", [], incomplete=True, missing=HIV_KEYS + ["keluarga_hiv"]),
    Row("2022.hiv: mother positive, virology negative, not breastfed -> no row, complete", "2022",
        case(18, hiv("positif", "negatif", "belum", False)), "hiv", [], incomplete=False),
    Row("2022.hiv: mother negative, child untested -> no row, complete", "2022",
        case(18, hiv("negatif", "belum", "belum", False)), "hiv", [], incomplete=False),
    Row("2022.hiv: mother untested, virology negative -> no row, complete", "2022",
        case(18, hiv("belum", "negatif", "belum", False)), "hiv", [], incomplete=False),
    Row("2022.hiv: no row and a testing indication -> TES_HIV", "2022",
        case(18, {**hiv("belum", "belum", "belum", False), "indikasi_tes_hiv": ["pneumonia_berulang"]}),
        "hiv", [], tx=("TES_HIV",)),
    Row("2022.hiv: no row, no indication -> no TES_HIV", "2022",
        case(18, {**hiv("belum", "belum", "belum", False), "indikasi_tes_hiv": []}),
        "hiv", [], no_tx=("TES_HIV",)),
    Row("2022.hiv: 2015-only keluarga_hiv ignored", "2022",
        case(18, {**hiv("belum", "belum", "belum", False), "keluarga_hiv": True}), "hiv", [],
        incomplete=False),
    Row(f"2015.hiv.{DD} fires: mother positive, virology negative, not breastfed", "2015",
        case(18, hiv("positif", "negatif", "belum", False, False)), "hiv", [DD], refer=False),
    Row(f"2015.hiv.{DD} fires on keluarga_hiv", "2015",
        case(18, hiv("belum", "belum", "belum", False, True)), "hiv", [DD]),
    Row(f"2015.hiv.{TP} before {DD}: mother positive, child untested -> TERPAJAN (§11.12)", "2015",
        case(18, hiv("positif", "belum", "belum", False, True)), "hiv", [TP]),
    Row(f"2015.hiv.{MB} fires on mother negative alone", "2015",
        case(18, hiv("negatif", "belum", "belum", False, False)), "hiv", [MB]),
    Row(f"2015.hiv.{MB} fires on a negative child virology alone", "2015",
        case(18, hiv("belum", "negatif", "belum", False, False)), "hiv", [MB]),
    Row("2015.hiv: keluarga_hiv unassessed, nobody tested -> stops at DIDUGA", "2015",
        case(18, hiv("belum", "belum", "belum", False)), "hiv", [], incomplete=True,
        missing=["keluarga_hiv"]),
)


# ============================================================================================
# imunisasi (spec §9 IMUNISASI_<DOSE>, §11.14)
def imm(months: int, got: list[str], **f: Any) -> dict:
    return case(months, {"imunisasi_diterima": got, **f})


TO_4 = ["hb0", "bcg", "polio_1", "polio_2", "polio_3", "polio_4", "dpt_hb_hib_1", "dpt_hb_hib_2",
        "dpt_hb_hib_3", "ipv_1", "pcv_1", "pcv_2", "rotavirus_1", "rotavirus_2", "rotavirus_3"]
I = "IMUNISASI_"


def imrow(rid: str, chart: str, c: dict, due: list[str], not_due: list[str], **kw: Any) -> Row:
    return Row(rid, chart, c, "imunisasi", [], tx=tuple(I + d.upper() for d in due),
               no_tx=tuple(I + d.upper() for d in not_due), **kw)


ALL_DOSES = ["hb0", "bcg", "polio_1", "polio_2", "polio_3", "polio_4", "dpt_hb_hib_1", "dpt_hb_hib_2",
             "dpt_hb_hib_3", "ipv_1", "ipv_2", "pcv_1", "pcv_2", "pcv_3", "rotavirus_1", "rotavirus_2",
             "rotavirus_3", "campak_rubela_1", "je", "dpt_hb_hib_lanjutan", "campak_rubela_lanjutan"]


def _imm(chart: str) -> list[Row]:
    first = ["bcg", "polio_1", "dpt_hb_hib_1", "pcv_1", "rotavirus_1"]
    return [
        imrow(f"{chart}.imunisasi: 2 months, nothing given -> first dose of each series due, no hb0",
              chart, imm(2, []), first, ["hb0", "polio_2", "dpt_hb_hib_2", "ipv_1", "pcv_2"],
              incomplete=False),
        imrow(f"{chart}.imunisasi: 2 months with hb0, bcg, polio_1 -> polio_2 etc.", chart,
              imm(2, ["hb0", "bcg", "polio_1"]), ["polio_2", "dpt_hb_hib_1", "pcv_1", "rotavirus_1"],
              ["bcg", "polio_1", "polio_3", "hb0"]),
        imrow(f"{chart}.imunisasi: 1 completed month (day 60) -> bcg and polio_1 only", chart,
              dated("2023-03-31", "2023-05-30", {"imunisasi_diterima": []}), ["bcg", "polio_1"],
              ["dpt_hb_hib_1", "pcv_1", "rotavirus_1", "hb0"]),
        imrow(f"{chart}.imunisasi: 3 months, 2-month doses given -> the 3-month doses", chart,
              imm(3, ["hb0", "bcg", "polio_1", "polio_2", "dpt_hb_hib_1", "pcv_1", "rotavirus_1"]),
              ["polio_3", "dpt_hb_hib_2", "pcv_2", "rotavirus_2"], ["polio_4", "dpt_hb_hib_3", "ipv_1"]),
        imrow(f"{chart}.imunisasi: 4 months, 3-month doses given -> the 4-month doses", chart,
              imm(4, ["hb0", "bcg", "polio_1", "polio_2", "polio_3", "dpt_hb_hib_1", "dpt_hb_hib_2",
                      "pcv_1", "pcv_2", "rotavirus_1", "rotavirus_2"]),
              ["polio_4", "dpt_hb_hib_3", "ipv_1", "rotavirus_3"], ["pcv_3", "campak_rubela_1"]),
        imrow(f"{chart}.imunisasi: 4 months, nothing given -> one dose per series, rotavirus_1 too "
              "late (15 weeks)", chart, imm(4, []),
              ["bcg", "polio_1", "dpt_hb_hib_1", "pcv_1", "ipv_1"],
              ["polio_2", "polio_3", "polio_4", "dpt_hb_hib_2", "dpt_hb_hib_3", "pcv_2", "rotavirus_1",
               "rotavirus_2", "rotavirus_3", "ipv_2"]),
        imrow(f"{chart}.imunisasi: 8 months, up to date -> nothing due", chart, imm(8, TO_4), [],
              [d for d in ALL_DOSES]),
        imrow(f"{chart}.imunisasi: 9 months -> campak_rubela_1 and ipv_2", chart, imm(9, TO_4),
              ["campak_rubela_1", "ipv_2"], ["je", "pcv_3"]),
        imrow(f"{chart}.imunisasi: 10 months, JE never due (setting off)", chart,
              imm(10, TO_4 + ["campak_rubela_1", "ipv_2"]), [], ALL_DOSES),
        imrow(f"{chart}.imunisasi: 11 months -> pcv_3 not yet", chart,
              imm(11, TO_4 + ["campak_rubela_1", "ipv_2"]), [], ["pcv_3"]),
        imrow(f"{chart}.imunisasi: 12 months -> pcv_3 due", chart,
              imm(12, TO_4 + ["campak_rubela_1", "ipv_2"]), ["pcv_3"], ["dpt_hb_hib_lanjutan"]),
        imrow(f"{chart}.imunisasi: 17 months -> boosters not yet", chart,
              imm(17, TO_4 + ["campak_rubela_1", "ipv_2", "pcv_3"]), [],
              ["dpt_hb_hib_lanjutan", "campak_rubela_lanjutan"]),
        imrow(f"{chart}.imunisasi: 18 months -> both boosters due", chart,
              imm(18, TO_4 + ["campak_rubela_1", "ipv_2", "pcv_3"]),
              ["dpt_hb_hib_lanjutan", "campak_rubela_lanjutan"], ["je"]),
        imrow(f"{chart}.imunisasi: 18 months without dpt_hb_hib_3 -> dpt_hb_hib_3, not the booster", chart,
              imm(18, [d for d in TO_4 if d != "dpt_hb_hib_3"] + ["campak_rubela_1", "ipv_2", "pcv_3"]),
              ["dpt_hb_hib_3"], ["dpt_hb_hib_lanjutan"]),
        imrow(f"{chart}.imunisasi: 48 months, nothing given -> bcg and rotavirus past their limits "
              "(§11.15 item 5)", chart, imm(48, []),
              ["polio_1", "dpt_hb_hib_1", "pcv_1", "ipv_1", "campak_rubela_1"],
              ["hb0", "je", "bcg", "rotavirus_1"]),
        imrow(f"{chart}.imunisasi: refer_urgently -> no vaccine", chart,
              imm(2, [], stridor=True), [], ["bcg", "polio_1", "dpt_hb_hib_1", "pcv_1", "rotavirus_1"],
              refer=True),
        Row(f"{chart}.imunisasi: imunisasi_diterima absent -> incomplete, no vaccine", chart,
            case(2, {}), "imunisasi", [], incomplete=True, missing=["imunisasi_diterima"],
            no_tx=tuple(I + d.upper() for d in first)),
    ]


both(_imm)


# ============================================================================================
# vitamin_a (ref §3.12): supplementation from 6 completed months
def _vita(chart: str) -> list[Row]:
    return [
        Row(f"{chart}.vitamin_a: 5 months -> not read, no dose, not incomplete", chart, case(5, {}),
            "vitamin_a", [], incomplete=False, no_tx=("VITAMIN_A",)),
        Row(f"{chart}.vitamin_a: 6 months, none in 6 months -> VITAMIN_A", chart,
            case(6, {"vitamin_a_6_bulan_terakhir": False}), "vitamin_a", [], incomplete=False,
            tx=("VITAMIN_A",)),
        Row(f"{chart}.vitamin_a: 6 months, given in the last 6 months -> none", chart,
            case(6, {"vitamin_a_6_bulan_terakhir": True}), "vitamin_a", [], incomplete=False,
            no_tx=("VITAMIN_A",)),
        Row(f"{chart}.vitamin_a: 6 months, unknown -> incomplete, no dose", chart, case(6, {}), "vitamin_a",
            [], incomplete=True, missing=["vitamin_a_6_bulan_terakhir"], no_tx=("VITAMIN_A",)),
    ]


both(_vita)


# ============================================================================================
# pemberian_makan (ref §3.13; spec §4 opening)
def _makan(chart: str) -> list[Row]:
    if chart == "2015":
        g = {**HEALTHY[chart], "tampak_sangat_kurus": False, "edema": "tidak", "zskor_bb_pb": 0.0}
        low = [("KURUS", -2.5), (SKTK, -3.5)]
    else:
        g = {**HEALTHY[chart], "edema": "tidak", "zskor_bb_pb": 0.0}
        low = [("GIZI_KURANG", -2.5), (GBTK, -3.5)]
    top = {"weight_kg": 10.0, "muac_cm": 14.0}
    MPM = "MASALAH_PEMBERIAN_MAKAN"
    rows = [
        Row(f"{chart}.pemberian_makan.{MPM} fires below 24 months (23)", chart,
            case(23, w(g, masalah_pemberian_makan=True), **top), "pemberian_makan", [MPM],
            incomplete=False, fu=7, tx=("KONSELING_PEMBERIAN_MAKAN",)),
        Row(f"{chart}.pemberian_makan: 23 months, no feeding problem -> nothing, complete", chart,
            case(23, w(g, masalah_pemberian_makan=False), **top), "pemberian_makan", [],
            incomplete=False),
        Row(f"{chart}.pemberian_makan: 23 months, not asked -> incomplete", chart,
            case(23, g, **top), "pemberian_makan", [], incomplete=True,
            missing=["masalah_pemberian_makan"]),
        Row(f"{chart}.pemberian_makan: 24 months, normal nutrition, no anaemia -> not assessed", chart,
            case(24, w(g, masalah_pemberian_makan=True), **top), "pemberian_makan", [],
            incomplete=False),
        Row(f"{chart}.pemberian_makan: 24 months, not assessed -> not incomplete either", chart,
            case(24, g, **top), "pemberian_makan", [], incomplete=False),
        Row(f"{chart}.pemberian_makan.{MPM} fires at 24 months with ANEMIA", chart,
            case(24, w(g, kepucatan="agak_pucat", masalah_pemberian_makan=True), **top),
            "pemberian_makan", [MPM]),
        Row(f"{chart}.pemberian_makan: 24 months, anaemia unknown -> opening unknown, incomplete", chart,
            case(24, without(w(g, masalah_pemberian_makan=True), "kepucatan"), **top),
            "pemberian_makan", [], incomplete=True, missing_has=("kepucatan",)),
    ]
    for code, z in low:
        rows.append(Row(f"{chart}.pemberian_makan.{MPM} fires at 24 months with {code}", chart,
                        case(24, w(g, zskor_bb_pb=z, masalah_pemberian_makan=True), **top),
                        "pemberian_makan", [MPM]))
    if chart == "2022":
        rows.append(Row("2022.pemberian_makan: 24 months with BERISIKO_GIZI_LEBIH -> not assessed", chart,
                        case(24, w(g, zskor_bb_pb=1.5, masalah_pemberian_makan=True), **top),
                        "pemberian_makan", [], incomplete=False))
    return rows


both(_makan)


# ============================================================================================
# The checks.
def _view(out: dict, module: str) -> tuple[list[dict], dict | None]:
    cls = [c for c in out["classifications"] if c["module"] == module]
    inc = [i for i in out["incomplete"] if i["module"] == module]
    assert len(inc) <= 1, f"module {module} listed twice in incomplete: {inc}"
    return cls, (inc[0] if inc else None)


def run(c: dict, chart: str) -> dict:
    return classify(copy.deepcopy(c), chart)


# ============================================================================================
# Spec §3 derived values, §7 output shape, chart selection.
@pytest.mark.parametrize(
    "birth, visit, days, months, pathway",
    [
        ("2024-06-15", "2025-06-14", 364, 11, "balita"),
        ("2024-06-15", "2025-06-15", 365, 12, "balita"),
        ("2023-03-31", "2023-05-30", 60, 1, "balita"),        # month-end: +2 months = 31 May > 30 May
        ("2023-03-31", "2023-05-31", 61, 2, "balita"),
        ("2022-12-31", "2023-02-28", 59, 2, "bayi_muda"),     # 59 days is bayi muda even at 2 months
        ("2023-01-01", "2023-03-02", 60, 2, "balita"),
        ("2024-01-31", "2024-02-29", 29, 1, "bayi_muda"),     # spec §3 example
        ("2020-03-01", "2025-02-28", 1825, 59, "balita"),
        ("2020-02-29", "2025-02-27", 1825, 59, "balita"),
    ],
)
def test_age_and_pathway(birth: str, visit: str, days: int, months: int, pathway: str) -> None:
    out = classify({"visit_date": visit, "birth_date": birth, "findings": {}}, "2022")
    assert out["age"] == {"days": days, "months": months}
    assert out["pathway"] == pathway


def test_60_completed_months_is_an_error_through_month_end() -> None:
    """Born 29 Feb 2020, seen 28 Feb 2025: +60 months lands on 28 Feb (month end) -> 60 months."""
    with pytest.raises(CaseError):
        classify({"visit_date": "2025-02-28", "birth_date": "2020-02-29", "findings": {}}, "2022")


def test_output_fields() -> None:
    out = classify(case(18, {}), "2022")
    assert set(out) == {"chart", "pathway", "age", "classifications", "incomplete", "refer_urgently",
                        "follow_up_days", "treatments"}
    for c in out["classifications"]:
        assert set(c) == {"module", "code", "label", "colour", "rule", "because"}
    for t in out["treatments"]:
        assert set(t) == {"code", "label", "dose"}


@pytest.mark.parametrize("case_chart, arg, expected", [
    (None, None, "2022"), ("2015", None, "2015"), ("2022", None, "2022"), ("2015", "2022", "2022"),
    ("2022", "2015", "2015"), (None, "2015", "2015"),
])
def test_chart_selection(case_chart: str | None, arg: str | None, expected: str) -> None:
    c = case(18, {})
    if case_chart is not None:
        c["chart"] = case_chart
    assert classify(c, arg)["chart"] == expected


def test_2015_never_lists_2022_only_modules() -> None:
    out = classify(case(18, {"zskor_pb_u": -4.0, "zskor_lk_u": 3.0}), "2015")
    mods = {c["module"] for c in out["classifications"]} | {i["module"] for i in out["incomplete"]}
    assert not mods & {"pertumbuhan", "lingkar_kepala"}
    assert not any(m.startswith("bm_") for m in mods)


def test_balita_never_lists_bayi_muda_modules() -> None:
    out = classify(case(18, {}), "2022")
    mods = {c["module"] for c in out["classifications"]} | {i["module"] for i in out["incomplete"]}
    assert not any(m.startswith("bm_") for m in mods)


SPEC_ORDER = ["tanda_bahaya", "batuk", "diare", "demam_malaria", "campak", "dengue", "telinga", "gizi",
              "pertumbuhan", "lingkar_kepala", "anemia", "hiv", "imunisasi", "vitamin_a", "pemberian_makan"]


def test_classifications_follow_chart_module_order() -> None:
    """Spec §4/§7: classifications in the order of the §4 table (anemia after lingkar_kepala)."""
    f = {**HEALTHY["2022"], "batuk": True, "napas_per_menit": 30, "diare": True, "diare_hari": 2,
         "darah_dalam_tinja": False, "keadaan_umum": "normal", "mata_cekung": False,
         "kemampuan_minum": "normal", "cubitan_kulit_perut": "segera", "masalah_telinga": True,
         "nyeri_telinga": False, "rasa_penuh_telinga": False, "keluar_cairan_telinga": False,
         "bengkak_nyeri_belakang_telinga": False, "edema": "tidak", "zskor_bb_pb": 0.0,
         "zskor_pb_u": 0.0, "zskor_lk_u": 0.0, **hiv("negatif", "negatif", "belum", False)}
    out = classify(case(30, f, weight_kg=12.0, muac_cm=14.0), "2022")
    mods = [c["module"] for c in out["classifications"]]
    assert mods == sorted(mods, key=SPEC_ORDER.index)
    assert mods == ["tanda_bahaya", "batuk", "diare", "telinga", "gizi", "pertumbuhan", "lingkar_kepala",
                    "anemia", "hiv"]


def test_null_finding_is_absent() -> None:
    """Spec §1: null has the same meaning as leaving the key out."""
    a = classify(case(18, {"batuk": True, "tarikan_dinding_dada": None, "napas_per_menit": 60}), "2022")
    b = classify(case(18, {"batuk": True, "napas_per_menit": 60}), "2022")
    assert _view(a, "batuk") == _view(b, "batuk")


# ============================================================================================
# Cross-module treatment and follow-up rules (spec §7, §9, §11.5, §11.6).
add(
    Row("2015.treatments: PNEUMONIA_BERAT + DISENTRI -> only merah pre-referral treatments (G5)", "2015",
        case(18, {**DS15, "batuk": True, "tarikan_dinding_dada": True, "napas_per_menit": 30,
                  "diare": True, "diare_hari": 3, "darah_dalam_tinja": True, "keadaan_umum": "normal",
                  "mata_cekung": False, "kemampuan_minum": "normal", "cubitan_kulit_perut": "segera"},
             weight_kg=10.0),
        "diare", ["DIARE_TANPA_DEHIDRASI", "DISENTRI"], refer=True,
        tx=("AMPISILIN_IM", "RUJUK_SEGERA"),
        no_tx=("KOTRIMOKSAZOL", "RENCANA_TERAPI_A", "NASIHAT_KEMBALI_SEGERA")),
    Row("2015.treatments: referred child gets no vitamin A supplementation", "2015",
        case(18, {**DS15, "batuk": True, "tarikan_dinding_dada": True, "napas_per_menit": 30,
                  "vitamin_a_6_bulan_terakhir": False}, weight_kg=10.0),
        "batuk", ["PNEUMONIA_BERAT"], refer=True, no_tx=("VITAMIN_A",)),
    Row("2015.follow_up: still reported when referred (PNEUMONIA_BERAT + ANEMIA 14)", "2015",
        case(18, {**DS15, "batuk": True, "tarikan_dinding_dada": True, "napas_per_menit": 30,
                  "kepucatan": "agak_pucat"}), "anemia", ["ANEMIA"], refer=True, fu=14),
    Row("2015.follow_up: earliest of PNEUMONIA (2) and ANEMIA (14)", "2015",
        case(18, {"batuk": True, "tarikan_dinding_dada": False, "napas_per_menit": 45,
                  "kepucatan": "agak_pucat"}), "anemia", ["ANEMIA"], fu=2),
    Row("2015.follow_up: conditional ones count: BATUK_BUKAN_PNEUMONIA 2* + DIARE 3*", "2015",
        case(18, {"batuk": True, "tarikan_dinding_dada": False, "napas_per_menit": 30,
                  "diare": True, "diare_hari": 3, "darah_dalam_tinja": False, "keadaan_umum": "normal",
                  "mata_cekung": False, "kemampuan_minum": "normal", "cubitan_kulit_perut": "segera"}),
        "diare", ["DIARE_TANPA_DEHIDRASI"], fu=2),
    Row("2022.follow_up: DENGUE_TANPA_WARNING_SIGNS (1) before PNEUMONIA (2)", "2022",
        case(18, w(D22, ruam_kulit=True, batuk=True, napas_per_menit=45)), "dengue", [DTWS], fu=1),
    Row("2022.demam_malaria: non-endemic PENYAKIT_BERAT_DENGAN_DEMAM -> no antimalarial", "2022",
        case(18, {**DS22, "demam": True, "demam_hari": 3, "kaku_kuduk": True,
                  "bepergian_daerah_malaria": "tidak"}, malaria_area="non_endemis"),
        "demam_malaria", ["PENYAKIT_BERAT_DENGAN_DEMAM"], no_tx=("ANTIMALARIA_INJEKSI", "TES_MALARIA")),
    Row("2022.telinga.MASTOIDITIS: first dose of paracetamol for the pain, kept before referral", "2022",
        case(18, {"masalah_telinga": True, "bengkak_nyeri_belakang_telinga": True}, weight_kg=10.0),
        "telinga", ["MASTOIDITIS"], refer=True, tx=("PARASETAMOL", "RUJUK_SEGERA")),
    Row("2022.gizi.GIZI_BURUK_DENGAN_KOMPLIKASI + shock sign -> CAIRAN_INTRAVENA, DEKSTROSA_IV", "2022",
        g22(edema="+3", nadi_lemah=True), "gizi", [GBDK], tx=("CAIRAN_INTRAVENA", "DEKSTROSA_IV")),
    Row("2022.gizi.GIZI_BURUK_DENGAN_KOMPLIKASI without shock -> no IV fluid", "2022",
        g22(edema="+3", nadi_lemah=False, ujung_ekstremitas_dingin=False, crt_lebih_2_detik=False),
        "gizi", [GBDK], no_tx=("CAIRAN_INTRAVENA", "DEKSTROSA_IV")),
    Row("2022.hiv.TERPAJAN_HIV -> cotrimoxazole prophylaxis", "2022",
        case(18, hiv("positif", "belum", "belum", True)), "hiv", [TP], tx=("KOTRIMOKSAZOL",)),
)


def test_rujuk_once_per_reason() -> None:
    """Spec §7: RUJUK appears once per reason (cough >= 14 days for TB; fever > 7 days)."""
    f = {**DS22, "batuk": True, "napas_per_menit": 45, "batuk_hari": 20, "demam": True, "demam_hari": 9,
         "kaku_kuduk": False, "hasil_tes_malaria": "negatif", "penyebab_demam_lain": False}
    out = classify(case(18, f, malaria_area="tinggi"), "2022")
    assert [t["code"] for t in out["treatments"]].count("RUJUK") == 2, out["treatments"]
    assert [t["code"] for t in out["treatments"]].count("NASIHAT_KEMBALI_SEGERA") == 1


def _because(out: dict, code: str) -> list[str]:
    return next(c["because"] for c in out["classifications"] if c["code"] == code)


def test_because_names_zskor_when_computed() -> None:
    """Spec §7: a z-score is named by its zskor_* key, whether it was given or computed."""
    out = classify(case(12, HEALTHY["2022"] | {"edema": "tidak"}, sex="L", weight_kg=9.6, length_cm=75.0,
                        muac_cm=14.0), "2022")
    assert "zskor_bb_pb" in _because(out, "GIZI_BAIK")


def test_because_includes_inputs_of_another_module() -> None:
    """Spec §7: tarikan_dinding_dada for a gizi complication that comes from PNEUMONIA_BERAT."""
    out = classify(g22(zskor_bb_pb=-3.5, batuk=True, tarikan_dinding_dada=True, napas_per_menit=30), "2022")
    assert "tarikan_dinding_dada" in _because(out, GBDK)


def test_because_lists_the_present_sign() -> None:
    out = classify(case(18, w(DS15, stridor=True)), "2015")
    assert "stridor" in _because(out, "PENYAKIT_SANGAT_BERAT")
    out = classify(case(18, {"kepucatan": "tidak", "hb_g_dl": 6.9}), "2022")
    assert "hb_g_dl" in _because(out, "ANEMIA_BERAT")


# Spec §3: standing below 24 months -> + 0.7 cm; lying from 24 months -> - 0.7 cm. Without table
# values: the converted length must classify exactly like the same length measured the usual way,
# over a sweep of weights wide enough to cross every cut-off.
@pytest.mark.parametrize("chart", ["2015", "2022"])
def test_length_position_conversion_weight_for_length(chart: str) -> None:
    base = HEALTHY[chart] | {"edema": "tidak", "tampak_sangat_kurus": False}
    for tenth in range(60, 130, 2):
        wt = tenth / 10
        lying = classify(case(12, base, sex="P", weight_kg=wt, length_cm=75.0, length_position="berbaring",
                              muac_cm=14.0), chart)
        standing = classify(case(12, base, sex="P", weight_kg=wt, length_cm=74.3, length_position="berdiri",
                                 muac_cm=14.0), chart)
        assert _view(lying, "gizi")[0] == _view(standing, "gizi")[0], f"{wt} kg"
        default = classify(case(12, base, sex="P", weight_kg=wt, length_cm=75.0, muac_cm=14.0), chart)
        assert _view(default, "gizi")[0] == _view(lying, "gizi")[0], f"{wt} kg: default below 24 months"


def test_length_position_conversion_from_24_months() -> None:
    base = HEALTHY["2022"] | {"edema": "tidak"}
    seen = set()
    for tenth in range(80, 160, 2):
        wt = tenth / 10
        standing = classify(case(30, base, sex="L", weight_kg=wt, length_cm=90.0, length_position="berdiri",
                                 muac_cm=14.0), "2022")
        lying = classify(case(30, base, sex="L", weight_kg=wt, length_cm=90.7, length_position="berbaring",
                              muac_cm=14.0), "2022")
        default = classify(case(30, base, sex="L", weight_kg=wt, length_cm=90.0, muac_cm=14.0), "2022")
        g = _view(standing, "gizi")[0]
        seen.update(c["code"] for c in g)
        assert g == _view(lying, "gizi")[0], f"{wt} kg"
        assert g == _view(default, "gizi")[0], f"{wt} kg: default from 24 months"
        assert _view(standing, "pertumbuhan")[0] == _view(lying, "pertumbuhan")[0]
    assert len(seen) >= 4, seen  # the sweep really crossed cut-offs


def test_length_for_age_conversion_below_24_months() -> None:
    seen = set()
    for tenth in range(670, 950, 5):
        ln = tenth / 10
        standing = classify(case(18, {}, sex="L", length_cm=ln, length_position="berdiri"), "2022")
        lying = classify(case(18, {}, sex="L", length_cm=round(ln + 0.7, 1), length_position="berbaring"),
                         "2022")
        p = _view(standing, "pertumbuhan")[0]
        seen.update(c["code"] for c in p)
        assert p == _view(lying, "pertumbuhan")[0], f"{ln} cm"
    assert len(seen) >= 3, seen


# Spec §9 / §11.14: HB0 due only at an age of 0 or 1 days (bm_imunisasi).
@pytest.mark.parametrize("visit, due", [("2025-06-01", True), ("2025-06-02", True), ("2025-06-03", False)])
def test_hb0_only_at_day_0_or_1(visit: str, due: bool) -> None:
    out = classify({"visit_date": visit, "birth_date": "2025-06-01", "findings": {"imunisasi_diterima": []}},
                   "2022")
    assert out["pathway"] == "bayi_muda"
    assert ("IMUNISASI_HB0" in [t["code"] for t in out["treatments"]]) is due


# ============================================================================================
# More §6 cross-module semantics and chart contrasts.
DIARE_Q = {"diare": True, "diare_hari": 3, "darah_dalam_tinja": False, "keadaan_umum": "normal",
           "mata_cekung": False, "kemampuan_minum": "normal", "cubitan_kulit_perut": "segera"}
add(
    # opening conditions that are false although a part is unknown ("all of" false on one item)
    Row("2022.campak: no fever -> not applied even with measles unassessed", "2022",
        case(18, {"demam": False}), "campak", [], incomplete=False),
    Row("2022.campak: no measles (history false, no rash) -> not applied with fever unknown", "2022",
        case(18, {"campak_3_bulan_terakhir": False, "ruam_seluruh_tubuh": False}), "campak", [],
        incomplete=False),
    Row("2022.dengue: no fever -> not applied even with duration unknown", "2022",
        case(18, {"demam": False}), "dengue", [], incomplete=False),
    Row("2022.dengue: fever 1 day -> not applied even with fever itself unknown", "2022",
        case(18, {"demam_hari": 1}), "dengue", [], incomplete=False),
    # 2022: every SAGA item is a danger sign for the other boxes (spec §3, §11.3)
    Row("2022.campak.CAMPAK_DENGAN_KOMPLIKASI_BERAT fires on chest indrawing (SAGA item)", "2022",
        case(18, {**DS22, "tarikan_dinding_dada": True, "demam": True, "demam_hari": 1,
                  "campak_3_bulan_terakhir": True, "mata_bernanah": "tidak", "kekeruhan_kornea": False,
                  "luka_mulut": "tidak"}), "campak", ["CAMPAK_DENGAN_KOMPLIKASI_BERAT"]),
    Row("2022.demam_malaria.PENYAKIT_BERAT_DENGAN_DEMAM fires on kulit_pucat (SAGA item)", "2022",
        case(18, {**DS22, "kulit_pucat": True, "demam": True, "demam_hari": 1, "kaku_kuduk": False,
                  "hasil_tes_malaria": "negatif"}, malaria_area="tinggi"),
        "demam_malaria", ["PENYAKIT_BERAT_DENGAN_DEMAM"]),
    Row("2022.dengue.DENGUE_BERAT fires on mencari_posisi_nyaman (SAGA item)", "2022",
        case(18, w(D22, mencari_posisi_nyaman=True)), "dengue", [DB]),
    Row("2015.campak: a 2022 SAGA item is no danger sign in 2015 (kulit_pucat)", "2015",
        case(18, {**DS15, "kulit_pucat": True, "demam": True, "demam_hari": 1,
                  "campak_3_bulan_terakhir": True, "mata_bernanah": "tidak", "kekeruhan_kornea": False,
                  "luka_mulut": "tidak"}), "campak", ["CAMPAK"]),
    # complication read through another module (§6: false when that module stopped below the row)
    Row("2022.gizi: diare stopped below DIARE_DEHIDRASI_BERAT -> no complication -> GBTK", "2022",
        g22(zskor_bb_pb=-3.5, **{**without(DIARE_Q, "mata_cekung"), "keadaan_umum": "gelisah_rewel"}),
        "gizi", [GBTK], incomplete=False),
    Row("2022.gizi: diare stopped at DIARE_DEHIDRASI_BERAT -> complication unknown -> stops", "2022",
        g22(zskor_bb_pb=-3.5, **{**without(DIARE_Q, "mata_cekung"), "keadaan_umum": "letargis_tidak_sadar"}),
        "gizi", [], incomplete=True, missing_has=("mata_cekung",)),
    Row("2022.gizi: anaemia unassessed -> ANEMIA_BERAT unknown -> complication unknown", "2022",
        case(18, without(w(G22, zskor_bb_pb=-3.5), "kepucatan"), weight_kg=10.0, muac_cm=14.0), "gizi", [],
        incomplete=True, missing_has=("kepucatan",)),
    Row("2022.gizi: anaemia unassessed does not matter without wasting -> GIZI_BAIK", "2022",
        case(18, without(G22, "kepucatan"), weight_kg=10.0, muac_cm=14.0), "gizi", ["GIZI_BAIK"],
        incomplete=False),
    Row("2022.gizi: MASTOIDITIS is not a 2022 complication -> GBTK", "2022",
        g22(zskor_bb_pb=-3.5, masalah_telinga=True, bengkak_nyeri_belakang_telinga=True), "gizi", [GBTK]),
    Row("2022.gizi: DENGUE_BERAT is not a 2022 complication -> GBTK", "2022",
        case(18, w(G22, zskor_bb_pb=-3.5, demam=True, demam_hari=3, kaku_kuduk=False,
                   hasil_tes_malaria="negatif", **w(DENGUE22, tidak_bak_6_jam=True)),
             weight_kg=10.0, muac_cm=14.0, malaria_area="tinggi"), "gizi", [GBTK]),
    Row("2015.gizi: DEMAM_BERDARAH_DENGUE is a 2015 complication (any merah row)", "2015",
        case(18, w(G15, zskor_bb_pb=-3.5, demam=True, demam_hari=3, kaku_kuduk=False,
                   hasil_tes_malaria="negatif", penyebab_demam_lain=False, **w(DENGUE15, muntah_berulang=True)),
             weight_kg=10.0, muac_cm=14.0, malaria_area="tinggi"), "gizi", [SKDK]),
    Row("2015.gizi: DIARE_DEHIDRASI_BERAT alone is a complication", "2015",
        g15(zskor_bb_pb=-3.5, **{**DIARE_Q, "mata_cekung": True, "cubitan_kulit_perut": "sangat_lambat"}),
        "gizi", [SKDK]),
    Row("2015.gizi: CAMPAK_DENGAN_KOMPLIKASI_BERAT is a complication", "2015",
        g15(zskor_bb_pb=-3.5, demam=True, demam_hari=1, kaku_kuduk=False, hasil_tes_malaria="negatif",
            penyebab_demam_lain=False, campak_3_bulan_terakhir=True, mata_bernanah="tidak",
            kekeruhan_kornea=True, luka_mulut="tidak"),
        "gizi", [SKDK]),
    Row("2015.gizi: below 6 months z -2.5 -> KURUS", "2015", g15(4, muac=None, zskor_bb_pb=-2.5), "gizi",
        ["KURUS"]),
    Row("2022.gizi (<6 months): PNEUMONIA_BERAT is a complication -> GBDK", "2022",
        g22y(batuk=True, tarikan_dinding_dada=True, napas_per_menit=40), "gizi", [GBDK]),
    Row("2022.gizi (<6 months): a danger sign alone is not -> GIZI_BAIK", "2022",
        g22y(stridor=True), "gizi", ["GIZI_BAIK"]),
    Row("2015.gizi: length outside the WHO table -> z unknown, incomplete, no error", "2015",
        case(18, G15 | {"zskor_bb_pb": None}, sex="L", weight_kg=5.0, length_cm=30.0, muac_cm=14.0), "gizi",
        [], incomplete=True),
    # pemberian_makan opening reads the exact codes
    Row("2022.pemberian_makan: 24 months with ANEMIA_BERAT (not ANEMIA) -> not assessed", "2022",
        case(24, w(G22, kepucatan="sangat_pucat", masalah_pemberian_makan=True), weight_kg=12.0, muac_cm=14.0),
        "pemberian_makan", [], incomplete=False),
    # one dose per series needs every earlier dose
    imrow("2022.imunisasi: 9 months without ipv_1 -> ipv_1, not ipv_2", "2022",
          imm(9, [d for d in TO_4 if d != "ipv_1"]), ["ipv_1", "campak_rubela_1"], ["ipv_2"]),
    imrow("2022.imunisasi: 12 months with pcv_1 only -> pcv_2, not pcv_3", "2022",
          imm(12, [d for d in TO_4 if d != "pcv_2"] + ["campak_rubela_1", "ipv_2"]), ["pcv_2"], ["pcv_3"]),
    imrow("2022.imunisasi: 18 months without campak_rubela_1 -> it, not the booster", "2022",
          imm(18, TO_4 + ["ipv_2", "pcv_3"]), ["campak_rubela_1", "dpt_hb_hib_lanjutan"],
          ["campak_rubela_lanjutan"]),
    imrow("2022.imunisasi: 4 months with rotavirus_1 only -> rotavirus_2", "2022",
          imm(4, ["bcg", "polio_1", "polio_2", "polio_3", "dpt_hb_hib_1", "dpt_hb_hib_2", "pcv_1", "pcv_2",
                  "rotavirus_1"]), ["rotavirus_2", "polio_4", "dpt_hb_hib_3", "ipv_1"], ["rotavirus_3"]),
)


def test_incomplete_follows_module_order() -> None:
    out = classify(case(18, {}), "2022")
    mods = [i["module"] for i in out["incomplete"]]
    assert mods == sorted(mods, key=SPEC_ORDER.index), mods
    assert len(mods) == len(set(mods))


# ============================================================================================
# Added diarrhoea tables reading an unknown dehydration row; DDB that is not the only merah row.
add(
    Row("2022.diare: 14 days, dehydration stopped at the severe row -> persistent rows unknown", "2022",
        case(18, {**without(DIARE_Q, "mata_cekung"), "diare_hari": 14, "keadaan_umum": "letargis_tidak_sadar"}),
        "diare", [], incomplete=True, missing=["mata_cekung"]),
    Row("2022.diare: 14 days, dehydration stopped at the some row -> DIARE_PERSISTEN_BERAT unknown", "2022",
        case(18, {**without(DIARE_Q, "mata_cekung"), "diare_hari": 14, "keadaan_umum": "gelisah_rewel"}),
        "diare", [], incomplete=True, missing=["mata_cekung"]),
    Row("2022.diare.DISENTRI printed although the dehydration row is unknown", "2022",
        case(18, {**without(DIARE_Q, "mata_cekung"), "darah_dalam_tinja": True, "keadaan_umum": "gelisah_rewel"}),
        "diare", ["DISENTRI"], incomplete=True, missing=["mata_cekung"]),
    Row("2015.diare.DIARE_DEHIDRASI_BERAT + SANGAT_KURUS_DENGAN_KOMPLIKASI -> referred, ORS on the way", "2015",
        g15(zskor_bb_pb=-3.5, **{**DIARE_Q, "mata_cekung": True, "cubitan_kulit_perut": "sangat_lambat"}),
        "gizi", [SKDK], refer=True, tx=("ORALIT_PERJALANAN", "RUJUK_SEGERA"), no_tx=("RENCANA_TERAPI_C",)),
    Row("2022.gizi.GIZI_BURUK_DENGAN_KOMPLIKASI with diarrhoea -> RESOMAL, referred", "2022",
        g22(zskor_bb_pb=-3.5, **{**DIARE_Q, "mata_cekung": True, "cubitan_kulit_perut": "sangat_lambat"}),
        "gizi", [GBDK], refer=True, tx=("RESOMAL", "ORALIT_PERJALANAN", "RUJUK_SEGERA"),
        no_tx=("RENCANA_TERAPI_C",)),
    Row("2022.pemberian_makan: 24 months, gizi unknown (no MUAC) -> opening unknown, incomplete", "2022",
        case(24, w(G22, masalah_pemberian_makan=True), weight_kg=12.0), "pemberian_makan", [],
        incomplete=True, missing_has=("muac_cm",)),
)


# ============================================================================================
# Spec §6: "missing lists the absent inputs read by the stopping row and every row below it",
# read literally: also the absent inputs of a lower row that is already true.
_f = {k: v for k, v in DS22.items() if k not in PENAMPILAN + HISTORY22}
add(
    Row("2022.tanda_bahaya: GJP unknown, history unassessed -> missing lists history keys too (literal §6)",
        "2022", case(18, w(_f, stridor=True, sianosis=True)), "tanda_bahaya", ["PENYAKIT_SANGAT_BERAT"],
        incomplete=True, missing=HISTORY22 + PENAMPILAN),
    Row("2022.telinga: KRONIS unknown, pain true, fullness unassessed -> rasa_penuh_telinga listed (literal §6)",
        "2022", case(18, {"masalah_telinga": True, "nyeri_telinga": True, "bengkak_nyeri_belakang_telinga": False}),
        "telinga", [], incomplete=True,
        missing=["rasa_penuh_telinga", "keluar_cairan_telinga", "cairan_telinga_hari"]),
    Row("2022.dengue: DB unknown, DWS printed -> warning-sign inputs listed too (literal §6)", "2022",
        case(18, {**DS22, "demam": True, "demam_hari": 3, "muntah_berulang": True}), "dengue", [DWS],
        incomplete=True, missing_has=("nyeri_perut", "petekie", "pembesaran_hati")),
)


# ============================================================================================
# The row checks: parametrized last, so that every add() above is collected.
def _param(r: Row):
    marks = [pytest.mark.xfail(reason=r.xfail, strict=False)] if r.xfail else []
    return pytest.param(r, id=r.id, marks=marks)


@pytest.mark.parametrize("row", [_param(r) for r in ROWS])
def test_row(row: Row) -> None:
    out = run(row.case, row.chart)
    assert out["chart"] == row.chart
    assert out["pathway"] == "balita"
    cls, inc = _view(out, row.module)
    assert [c["code"] for c in cls] == row.codes, (
        f"{row.module}: printed {[c['code'] for c in cls]}, incomplete={inc}")
    for c in cls:
        colour, label = CODES[c["code"]]
        assert (c["colour"], c["label"]) == (colour, label), f"spec §8: {c['code']}"
    if row.incomplete is not ANY:
        assert (inc is not None) == row.incomplete, f"{row.module} incomplete entry: {inc}"
    if row.missing is not ANY:
        assert inc is not None and inc["missing"] == row.missing
    for name in row.missing_has:
        assert inc is not None and name in inc["missing"], f"{name} not in {inc}"
    for name in row.missing_not:
        assert inc is None or name not in inc["missing"], f"optional/unread {name} listed: {inc}"
    if row.refer is not ANY:
        assert out["refer_urgently"] is row.refer
    if row.fu is not ANY:
        assert out["follow_up_days"] == row.fu
    tx = [t["code"] for t in out["treatments"]]
    for code in row.tx:
        assert code in tx, f"{code} missing from treatments {tx}"
    for code in row.no_tx:
        assert code not in tx, f"{code} unexpectedly in treatments {tx}"
    for code, parts in row.dose_has.items():
        doses = [t["dose"] for t in out["treatments"] if t["code"] == code]
        assert doses and doses[0] is not None, f"{code} has no dose: {out['treatments']}"
        for part in parts:
            assert part in doses[0], f"{code} dose {doses[0]!r} lacks {part!r}"


@pytest.mark.parametrize("row", [_param(r) for r in ROWS if r.refer is True])
def test_rujuk_segera_last_when_referred(row: Row) -> None:
    """Spec §7/§9: RUJUK_SEGERA is always the last treatment when refer_urgently."""
    out = run(row.case, row.chart)
    assert out["refer_urgently"] is True
    assert out["treatments"] and out["treatments"][-1]["code"] == "RUJUK_SEGERA"
    assert sum(t["code"] == "RUJUK_SEGERA" for t in out["treatments"]) == 1
