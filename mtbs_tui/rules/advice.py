"""What to tell the mother: "kapan kembali segera" (reference §5.11) and home-care counselling.

``advice_for(result)`` reads the §7 output of ``classify`` and returns Indonesian lists for the
summary screen and the mother's card. The return signs are the WHO 2014 lists (reference §5.11
[H]; the Indonesian counselling pages were not found, §10 item 16), chosen by what was classified.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping


@dataclass(frozen=True)
class Advice:
    kembali_segera: tuple[str, ...]  # return immediately if ...
    nasihat: tuple[str, ...]  # counselling: feeding, fluids, home care, medicine use
    kunjungan_ulang: str | None  # "Kembali untuk kunjungan ulang dalam 2 hari", or None
    rujuk_segera: bool


def _add(out: list[str], *items: str) -> None:
    for item in items:
        if item not in out:
            out.append(item)


# Medicines given as a course of days that must be finished even when the child looks well
# (antibiotics, antimalarials, zinc, iron, ear drops, eye ointment); paracetamol, soothers,
# bronchodilators and a prophylaxis are not courses.
COURSE_MEDICINES = frozenset({
    "AMOKSISILIN", "KOTRIMOKSAZOL", "ANTIBIOTIK_KOLERA", "DHP", "PRIMAKUIN", "ZINK", "ZAT_BESI",
    "TETES_TELINGA_KUINOLON", "SALEP_MATA", "NISTATIN"})
FINISH_THE_COURSE = "Berikan obat sesuai petunjuk petugas sampai habis, walaupun anak sudah membaik"


def is_course(treatment: Mapping[str, Any]) -> bool:
    """A treatment the mother gives as a course to be finished (not a prophylaxis)."""
    label = str(treatment.get("label") or "").lower()
    return treatment.get("code") in COURSE_MEDICINES and "profilaksis" not in label


def advice_for(result: Mapping[str, Any]) -> Advice:
    codes = {c["code"] for c in result.get("classifications", [])}
    modules = {c["module"] for c in result.get("classifications", [])}
    treatments = {t["code"] for t in result.get("treatments", [])}
    course = any(is_course(t) for t in result.get("treatments", []))
    # The fever module opens only when fever is present (demam = ya or temperature >= 37.5 °C,
    # engine fact demam_ada): "come back if fever develops" is then not said.
    fever = "demam_malaria" in modules | {i.get("module") for i in result.get("incomplete") or []}
    months = result.get("age", {}).get("months", 0)
    refer = bool(result.get("refer_urgently"))
    back: list[str] = []
    tips: list[str] = []

    if result.get("pathway") == "bayi_muda":
        _add(back, "Bayi tidak mau menyusu atau malas menyusu",
             "Bayi kurang aktif atau hanya bergerak jika dirangsang", "Bayi bertambah parah",
             "Bayi demam atau teraba panas", "Bayi teraba dingin",
             "Napas cepat atau sukar bernapas", "Tinja berdarah",
             "Telapak tangan atau kaki tampak kuning")
        _add(tips, "Jaga bayi tetap hangat; dekap bayi kulit ke kulit (metode kanguru)",
             "Susui bayi sesering mungkin, siang dan malam, paling sedikit 8 kali sehari",
             "Jaga tali pusat tetap bersih dan kering")
        if course:
            _add(tips, FINISH_THE_COURSE)
    else:
        _add(back, "Anak tidak bisa minum atau menyusu", "Anak bertambah parah")
        if not fever:
            _add(back, "Anak timbul demam")
        if "batuk" in modules:
            _add(back, "Napas menjadi cepat", "Anak sukar bernapas")
        if "diare" in modules:
            _add(back, "Ada darah dalam tinja", "Anak malas minum")
        if "dengue" in modules:
            _add(back, "Ada perdarahan (hidung, gusi, bintik merah di kulit, tinja hitam)",
                 "Nyeri perut hebat atau muntah terus-menerus",
                 "Tangan dan kaki dingin, anak lemas atau gelisah")
        _add(tips, "Lanjutkan pemberian ASI dan makanan; beri makan lebih sering selama sakit",
             "Beri minum lebih banyak selama anak sakit")
        if "diare" in modules:
            _add(tips, "Beri oralit setiap kali anak buang air besar, sesuai petunjuk petugas",
                 "Berikan tablet zink setiap hari selama 10 hari walaupun diare sudah berhenti",
                 "Cuci tangan dengan sabun sebelum menyiapkan makanan dan sesudah buang air")
        if "batuk" in modules:
            _add(tips, "Pelega tenggorokan yang aman: ASI, kecap manis atau madu dicampur air "
                       "jeruk nipis" + (" (madu tidak untuk anak di bawah 1 tahun)"
                                        if months < 12 else ""),
                 "Jangan beri obat batuk yang mengandung kodein, atropin, alkohol, atau "
                 "dekongestan")
        if "dengue" in modules:
            _add(tips, "Jangan beri aspirin, ibuprofen, atau obat antinyeri golongan OAINS lain; "
                       "parasetamol boleh")
        if "KERINGKAN_TELINGA" in treatments:
            _add(tips, "Keringkan telinga dengan kain bersih yang digulung (bukan cotton bud), "
                       "paling sedikit 3 kali sehari, sampai kering")
        if codes & {"ANEMIA", "GIZI_KURANG", "KURUS", "GIZI_BURUK_TANPA_KOMPLIKASI",
                    "SANGAT_KURUS_TANPA_KOMPLIKASI", "MASALAH_PEMBERIAN_MAKAN"}:
            _add(tips, "Ikuti nasihat pemberian makan dari petugas; timbang anak setiap bulan")
        if codes & {"BERISIKO_GIZI_LEBIH", "GIZI_LEBIH", "OBESITAS"}:
            _add(tips, "Kurangi makanan manis dan berlemak; ajak anak lebih banyak bergerak")
        if course:
            _add(tips, FINISH_THE_COURSE)
    if refer:
        tips = ["Segera bawa anak ke rumah sakit/fasilitas rujukan; jangan ditunda",
                "Selama perjalanan: teruskan menyusui jika bisa, jaga anak tetap hangat"]
    days = result.get("follow_up_days")
    follow = f"Kembali untuk kunjungan ulang dalam {days} hari" if days is not None else None
    return Advice(tuple(back), tuple(tips), follow, refer)
