"""Kunjungan ulang: what the follow-up visit reassesses, for each classification being followed.

A follow-up visit is a visit of kind ``ulang`` linked to the earlier visit (``follow_up_of`` =
its ``visit_uid``). The form shows the earlier classifications and, for each one, the questions of
the chart's follow-up box; the sections of the followed modules come first. The answers are the
ordinary findings of the vocabulary (reassessment), so the engine reclassifies the child.

The reference (shared/reference/mtbs-chart.md) gives the follow-up days but not the follow-up
boxes' wording; the questions below follow the WHO IMCI 2014 follow-up boxes the Indonesian chart
is based on. A clinician should check them against the printed Buku Bagan before release.
"""

from __future__ import annotations

import textwrap
from typing import Any

from mtbs_tui.display import SEVERITY_WORD, date_text
from mtbs_tui.form.plan import classification_label

WIDTH = 44  # the form column of the 80x24 layout, so wrapped lines keep their indent

# code -> the follow-up box's questions, in Indonesian.
GUIDE: dict[str, tuple[str, ...]] = {
    "PNEUMONIA": (
        "Periksa tanda bahaya umum dan nilai kembali batuk.",
        "Tanyakan: napas lebih lambat? demam turun? nafsu makan membaik?",
        "Memburuk (tanda bahaya, tarikan dinding dada): rujuk segera; sama: ganti antibiotik "
        "atau rujuk; membaik: lanjutkan amoksisilin sampai habis.",
    ),
    "BATUK_BUKAN_PNEUMONIA": (
        "Nilai kembali batuk dan hitung napas.",
        "Batuk 14 hari atau lebih: rujuk untuk pemeriksaan TB.",
    ),
    "DIARE_DEHIDRASI_RINGAN_SEDANG": (
        "Tanyakan: diare berhenti? berapa kali BAB sehari?",
        "Nilai kembali tanda dehidrasi (keadaan umum, mata, minum, cubitan kulit perut).",
    ),
    "DIARE_TANPA_DEHIDRASI": (
        "Tanyakan: diare berhenti? berapa kali BAB sehari?",
        "Nilai kembali tanda dehidrasi.",
    ),
    "DIARE_PERSISTEN": (
        "Tanyakan: diare berhenti? berapa kali BAB sehari?",
        "Masih diare: nilai kembali dan rujuk; berhenti: nasihat makan untuk diare persisten.",
    ),
    "DISENTRI": (
        "Tanyakan: masih ada darah dalam tinja? BAB berkurang? demam turun? nyeri perut? makan?",
        "Memburuk atau dehidrasi: rujuk; sama: ganti antibiotik lini kedua.",
    ),
    "MALARIA": (
        "Tanyakan: masih demam? Periksa tanda bahaya umum dan kaku kuduk.",
        "Masih demam setelah 3 hari: ulangi tes malaria; demam setiap hari lebih dari 7 hari: rujuk.",
    ),
    "DEMAM_MUNGKIN_BUKAN_MALARIA": (
        "Tanyakan: masih demam? Periksa tanda bahaya umum dan kaku kuduk.",
        "Cari penyebab lain demam; demam lebih dari 7 hari: rujuk.",
    ),
    "DEMAM_BUKAN_MALARIA": (
        "Tanyakan: masih demam? Periksa tanda bahaya umum dan kaku kuduk.",
        "Demam lebih dari 7 hari: rujuk.",
    ),
    "CAMPAK_DENGAN_KOMPLIKASI_PADA_MATA_DAN_ATAU_MULUT": (
        "Periksa mata: nanah, kekeruhan kornea. Periksa mulut: luka, bau mulut.",
    ),
    "MUNGKIN_DBD": (
        "Periksa tanda syok, perdarahan, nyeri ulu hati, muntah; ulangi uji torniket.",
    ),
    "DEMAM_MUNGKIN_BUKAN_DBD": ("Tanyakan: masih demam? Nilai kembali tanda dengue.",),
    "DENGUE_TANPA_WARNING_SIGNS": (
        "Periksa tanda bahaya dengue: nyeri perut, muntah terus, perdarahan, letargi/gelisah.",
    ),
    "DEMAM_MUNGKIN_BUKAN_DENGUE": ("Tanyakan: masih demam? Nilai kembali tanda dengue.",),
    "INFEKSI_TELINGA_AKUT": (
        "Nilai kembali telinga: nyeri? cairan keluar? pembengkakan nyeri di belakang telinga? Ukur suhu.",
    ),
    "INFEKSI_TELINGA_KRONIS": (
        "Nilai kembali telinga: cairan masih keluar? Pastikan ibu mengeringkan telinga dengan benar.",
    ),
    "GIZI_KURANG": ("Timbang, ukur LiLA, periksa edema. Tanyakan nafsu makan dan cara pemberian makan.",),
    "GIZI_BURUK_TANPA_KOMPLIKASI": (
        "Timbang, ukur LiLA, periksa edema dan komplikasi. Memburuk atau ada komplikasi: rujuk.",
    ),
    "SANGAT_KURUS_TANPA_KOMPLIKASI": (
        "Timbang, ukur LiLA, periksa edema dan komplikasi. Memburuk atau ada komplikasi: rujuk.",
    ),
    "KURUS": ("Timbang dan ukur LiLA. Tanyakan nafsu makan dan cara pemberian makan.",),
    "ANEMIA": ("Periksa kepucatan. Beri zat besi untuk 14 hari berikutnya; tidak membaik: rujuk.",),
    "MASALAH_PEMBERIAN_MAKAN": ("Tanyakan kembali cara pemberian makan yang sudah dinasihatkan.",),
    # Bayi muda
    "INFEKSI_BAKTERI_LOKAL": (
        "Periksa pusar dan kulit: kemerahan atau nanah bertambah? Memburuk: rujuk.",
    ),
    "IKTERUS": ("Periksa kuning: telapak tangan/kaki kuning atau bertambah kuning: rujuk.",),
    "BERAT_BADAN_RENDAH_MENURUT_UMUR_DAN_ATAU_MASALAH_PEMBERIAN_ASI": (
        "Timbang bayi. Nilai kembali cara menyusui: posisi, perlekatan, isapan, berapa kali sehari.",
    ),
    "BERAT_BADAN_RENDAH_MENURUT_UMUR_DAN_ATAU_MASALAH_PEMBERIAN_MINUM": (
        "Timbang bayi. Tanyakan jenis susu, jumlah dan frekuensi minum, cara menyiapkan susu.",
    ),
}


def earlier_visit(register: Any, visit_uid: str) -> dict | None:
    """The current version of the visit being followed, or None when it cannot be read."""
    try:
        versions = register.visit_versions(visit_uid)
    except Exception:  # noqa: BLE001 - the form still works without the earlier visit
        return None
    current = [v for v in versions if v.get("is_current")]
    return (current or versions or [None])[-1]


def followed_modules(visit: dict | None) -> list[str]:
    """Modules of the earlier visit's classifications that carry a follow-up (kuning, hijau)."""
    if not visit:
        return []
    out: list[str] = []
    for c in visit.get("classifications") or []:
        if c.get("colour") in ("kuning", "hijau") and c.get("module") not in out \
                and c.get("code") in GUIDE:
            out.append(c["module"])
    return out


def intro_lines(visit: dict | None) -> list[str]:
    """The lines at the top of a follow-up form: what is followed and the box's questions."""
    if not visit:
        return ["Kunjungan ulang: kunjungan sebelumnya tidak ditemukan."]
    day = visit.get("visit_date", "")
    lines = [f"Kunjungan ulang dari kunjungan {date_text(day)}:"]
    for c in visit.get("classifications") or []:
        word = SEVERITY_WORD.get(c.get("colour", ""), "")
        # Two bare "NORMAL" rows (growth, head size) said nothing: the module is named.
        lines.append(f"  {word} {classification_label(c)}")
        for question in GUIDE.get(c.get("code", ""), ()):
            lines += textwrap.wrap(question, WIDTH, initial_indent="    · ", subsequent_indent="      ")
    return lines


