"""Dose tables of reference §5 as data, and the Indonesian dose texts built from them.

Every band is read as its table writes it (case-format.md §9, §11.15 item 6): "a – < b" is
a <= value < b; "> a – b" (DHP, primaquine) is a < value <= b, so 10.0 kg takes the "> 6 – 10" row;
"≤ a" is value <= a; a last band written "a – b" (iron, cholera "10 – 19") includes b. A weight or
age outside every band, or an absent weight, gives ``None``: the worker decides, the engine never
extrapolates. Formulas the
reference gives per kg (Plan B 75 mL/kg, artesunate, ReSoMal) are computed only from a recorded
weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Sequence


class Band(NamedTuple):
    lower: float | None  # None: the band is written "≤ upper"
    upper: float
    text: str | None  # None: the chart says "do not give" in this band
    lower_open: bool = False  # written "> lower – upper": lower itself is in the band below
    upper_closed: bool = False  # "> lower – upper", "≤ upper" or a last band "lower – upper"

    def contains(self, value: float) -> bool:
        if self.lower is not None and (value <= self.lower if self.lower_open else value < self.lower):
            return False
        return value <= self.upper if self.upper_closed else value < self.upper

    def written(self) -> str:
        """The band as the reference table writes it: "4 – < 6", "> 6 – 10", "≤ 4", "10 – 19"."""
        if self.lower is None:
            return f"≤ {self.upper:g}"
        if self.lower_open:
            return f"> {self.lower:g} – {self.upper:g}"
        if self.upper_closed:
            return f"{self.lower:g} – {self.upper:g}"
        return f"{self.lower:g} – < {self.upper:g}"


@dataclass(frozen=True)
class DoseTable:
    name: str
    unit: str  # "kg" or "bulan"
    bands: tuple[Band, ...]
    source: str

    def lookup(self, value: float | None) -> Band | None:
        if value is None:
            return None
        for band in self.bands:
            if band.contains(value):
                return band
        return None


def _t(name: str, unit: str, source: str, rows: Sequence[tuple[float, float, str | None]], *,
       last_closed: bool = False) -> DoseTable:
    """A table written "a – < b" in every row; ``last_closed``: its last row is written "a – b"."""
    bands = [Band(lo, hi, text) for lo, hi, text in rows]
    if last_closed:
        bands[-1] = bands[-1]._replace(upper_closed=True)
    return DoseTable(name, unit, tuple(bands), source)


def _gt(name: str, unit: str, source: str, first_upper: float, first_text: str | None,
        rows: Sequence[tuple[float, float, str | None]]) -> DoseTable:
    """A table written "≤ a", then "> a – b" rows (a < value <= b)."""
    bands = [Band(None, first_upper, first_text, upper_closed=True)]
    bands += [Band(lo, hi, text, lower_open=True, upper_closed=True) for lo, hi, text in rows]
    return DoseTable(name, unit, tuple(bands), source)


# §5.1a amoxicillin for PNEUMONIA, tablet 500 mg, 2x/day.
AMOKSISILIN_PNEUMONIA = _t("Amoksisilin (pneumonia)", "kg", "ref §5.1a [H]", [
    (4, 6, "½"), (6, 10, "¾"), (10, 16, "1 ¼"), (16, 19, "1 ½")])
# §5.1b amoxicillin for INFEKSI_TELINGA_AKUT, tablet 500 mg, 2x/day.
AMOKSISILIN_TELINGA = _t("Amoksisilin (infeksi telinga akut)", "kg", "ref §5.1b [H]", [
    (4, 6, "¼"), (6, 10, "½"), (10, 16, "⅔"), (16, 19, "¾")])
# §5.1c pre-referral IM antibiotics (balita).
AMPISILIN_IM = _t("Ampisilin IM (200 mg/mL)", "kg", "ref §5.1c [M]", [
    (4, 6, "1,25 mL (250 mg)"), (6, 8, "1,75 mL (350 mg)"), (8, 10, "2,25 mL (450 mg)"),
    (10, 14, "3 mL (600 mg)"), (14, 19, "3,75 mL (750 mg)")])
GENTAMISIN_IM = _t("Gentamisin IM (40 mg/mL)", "kg", "ref §5.1c [M]", [
    (4, 6, "1 mL (40 mg)"), (6, 8, "1,25 mL (50 mg)"), (8, 10, "1,75 mL (70 mg)"),
    (10, 14, "2,5 mL (100 mg)"), (14, 19, "3 mL (120 mg)")])
# §5.2 diazepam 10 mg/2 mL rectal; the rectal tube is 5 mg below 10 kg, 10 mg from 10 kg.
DIAZEPAM = _t("Diazepam rektal", "kg", "ref §5.2 [M]", [
    (5, 7, "0,5 mL"), (7, 10, "1 mL"), (10, 14, "1,5 mL"), (14, 19, "2 mL")])
# §5.3 paracetamol, every 6 hours.
PARASETAMOL = _t("Parasetamol", "kg", "ref §5.3 [H]", [
    (4, 7, "⅛ tablet 500 mg atau ½ tablet 100 mg atau sirup 120 mg/5 mL 2,5 mL"),
    (7, 14, "¼ tablet 500 mg atau 1 tablet 100 mg atau sirup 120 mg/5 mL 5 mL"),
    (14, 19, "½ tablet 500 mg atau 2 tablet 100 mg atau sirup 120 mg/5 mL 7,5 mL")])
# §5.4 cotrimoxazole for dysentery, child tablet 20 mg TMP + 100 mg SMX.
KOTRIMOKSAZOL_DISENTRI = _t("Kotrimoksazol (disentri)", "kg", "ref §5.4 [H]", [
    (4, 6, "1"), (6, 10, "2"), (10, 16, "2 ½"), (16, 19, "3")])
# §5.5 cholera: tetracycline 250 mg caps (not below 6 kg) or cotrimoxazole child tablet.
# The last row is written "10 – 19": 19.0 kg is in it.
TETRASIKLIN_KOLERA = _t("Tetrasiklin (kolera)", "kg", "ref §5.5 [H]", [
    (4, 6, None), (6, 10, "½"), (10, 19, "1")], last_closed=True)
KOTRIMOKSAZOL_KOLERA = _t("Kotrimoksazol (kolera)", "kg", "ref §5.5 [H]", [
    (4, 6, "1"), (6, 10, "2"), (10, 19, "3")], last_closed=True)
# §5.7 DHP once daily for 3 days; primaquine 15 mg (none up to 6 kg). Written "≤ 4", "> 4 – 6",
# "> 6 – 10", "> 10 – 17", "> 17 – 30": exactly 10.0 kg takes ½ tablet DHP and ¼ primaquine.
DHP = _gt("DHP", "kg", "ref §5.7 [M]; kontrak §9, §11.15 butir 6", 4, "⅓", [
    (4, 6, "½"), (6, 10, "½"), (10, 17, "1"), (17, 30, "1 ½")])
PRIMAKUIN = _gt("Primakuin", "kg", "ref §5.7 [M]; kontrak §9, §11.15 butir 6", 4, None, [
    (4, 6, None), (6, 10, "¼"), (10, 17, "¼"), (17, 30, "½")])
# §5.8 iron once daily for 4 weeks (no band below 7 kg: no dose); the last row is written
# "10 – 19": 19.0 kg takes ½ tablet.
ZAT_BESI = _t("Zat besi", "kg", "ref §5.8 [H]; kontrak §9, §11.15 butir 6", [
    (7, 10, "¼ tablet besi-folat (60 mg Fe + 0,25 mg asam folat) atau sirup besi (30 mg/5 mL) 2,5 mL"),
    (10, 19, "½ tablet besi-folat (60 mg Fe + 0,25 mg asam folat) atau sirup besi (30 mg/5 mL) 5 mL")],
    last_closed=True)
# §5.9 deworming by completed months (albendazole from 12 months, pyrantel below).
OBAT_CACING = _t("Obat cacing", "bulan", "ref §5.9 [M]", [
    (4, 9, "pirantel pamoat 125 mg ½ tablet, dosis tunggal"),
    (9, 12, "pirantel pamoat 125 mg ¾ tablet, dosis tunggal"),
    (12, 24, "albendazol 400 mg ½ tablet (200 mg), dosis tunggal"),
    (24, 60, "albendazol 400 mg 1 tablet, dosis tunggal")])
# §3.12 vitamin A by completed months.
VITAMIN_A = _t("Vitamin A", "bulan", "ref §3.12 [H]", [
    (0, 6, "50.000 IU (½ kapsul biru)"), (6, 12, "100.000 IU (1 kapsul biru)"),
    (12, 60, "200.000 IU (1 kapsul merah)")])

ALL_TABLES: tuple[DoseTable, ...] = (
    AMOKSISILIN_PNEUMONIA, AMOKSISILIN_TELINGA, AMPISILIN_IM, GENTAMISIN_IM, DIAZEPAM, PARASETAMOL,
    KOTRIMOKSAZOL_DISENTRI, TETRASIKLIN_KOLERA, KOTRIMOKSAZOL_KOLERA, DHP, PRIMAKUIN, ZAT_BESI,
    OBAT_CACING, VITAMIN_A)


def _num(x: float) -> str:
    """A volume or mass the Indonesian way: no trailing .0, decimal comma."""
    if abs(x - round(x)) < 1e-9:
        return str(int(round(x)))
    return f"{x:.1f}".replace(".", ",")


def amoksisilin_pneumonia(weight: float | None, days: int) -> str | None:
    band = AMOKSISILIN_PNEUMONIA.lookup(weight)
    return None if band is None else f"{band.text} tablet 500 mg, 2 kali sehari selama {days} hari"


def amoksisilin_telinga(weight: float | None, days: int) -> str | None:
    band = AMOKSISILIN_TELINGA.lookup(weight)
    return None if band is None else f"{band.text} tablet 500 mg, 2 kali sehari selama {days} hari"


def amoksisilin_gizi_buruk(weight: float | None) -> str | None:
    if weight is None:
        return None
    return f"15 mg/kgBB = {_num(15 * weight)} mg, setiap 8 jam selama 5 hari"


def ampisilin_im(weight: float | None) -> str | None:
    band = AMPISILIN_IM.lookup(weight)
    return None if band is None else f"{band.text} intramuskular (50 mg/kgBB), dosis pertama"


def gentamisin_im(weight: float | None) -> str | None:
    band = GENTAMISIN_IM.lookup(weight)
    return None if band is None else f"{band.text} intramuskular (7,5 mg/kgBB), dosis pertama"


def diazepam(weight: float | None) -> str | None:
    band = DIAZEPAM.lookup(weight)
    if band is None:
        return None
    tube = "5 mg" if weight is not None and weight < 10 else "10 mg"
    return (f"{band.text} diazepam injeksi 10 mg/2 mL per rektal (atau diazepam rektal {tube}); "
            "ulangi setelah 5 menit bila masih kejang, paling banyak 2 kali")


def parasetamol(weight: float | None) -> str | None:
    band = PARASETAMOL.lookup(weight)
    return None if band is None else f"{band.text}, setiap 6 jam sampai demam atau nyeri hilang"


def kotrimoksazol_disentri(weight: float | None) -> str | None:
    band = KOTRIMOKSAZOL_DISENTRI.lookup(weight)
    return None if band is None else (
        f"{band.text} tablet anak (20 mg TMP + 100 mg SMX), 2 kali sehari selama 5 hari")


def antibiotik_kolera(weight: float | None) -> str | None:
    tetra = TETRASIKLIN_KOLERA.lookup(weight)
    cotri = KOTRIMOKSAZOL_KOLERA.lookup(weight)
    if cotri is None:
        return None
    cotri_text = f"kotrimoksazol {cotri.text} tablet anak, 2 kali sehari selama 3 hari"
    if tetra is None or tetra.text is None:
        return cotri_text
    return f"tetrasiklin {tetra.text} kapsul 250 mg, 4 kali sehari selama 3 hari, atau {cotri_text}"


def dhp(weight: float | None) -> str | None:
    band = DHP.lookup(weight)
    return None if band is None else f"{band.text} tablet sekali sehari selama 3 hari, sesudah makan"


def primakuin(weight: float | None) -> str | None:
    band = PRIMAKUIN.lookup(weight)
    if band is None or band.text is None:
        return None
    return (f"{band.text} tablet 15 mg: dosis tunggal hari pertama (falsiparum) atau sekali sehari "
            "selama 14 hari (vivaks/campuran)")


def primakuin_not_given(weight: float | None, months: int) -> bool:
    """The chart's "none" band (below 6 kg) and infants below 6 months get no primaquine."""
    if months < 6:
        return True
    band = PRIMAKUIN.lookup(weight)
    return band is not None and band.text is None


def artesunat(weight: float | None) -> str | None:
    if weight is None:
        return None
    per_kg = 3.0 if weight < 20 else 2.4
    return (f"{_num(per_kg)} mg/kgBB = {_num(per_kg * weight)} mg IV atau IM, dosis pertama "
            "sebelum dirujuk")


def zat_besi(weight: float | None) -> str | None:
    band = ZAT_BESI.lookup(weight)
    return None if band is None else f"{band.text}, sekali sehari selama 4 minggu"


def obat_cacing(months: int) -> str | None:
    band = OBAT_CACING.lookup(months)
    return None if band is None else band.text


def vitamin_a_treatment(months: int, schedule: str) -> str | None:
    band = VITAMIN_A.lookup(months)
    return None if band is None else f"{band.text}, dosis pengobatan {schedule}"


def vitamin_a_supplement(months: int) -> str | None:
    if months < 6:
        return None
    band = VITAMIN_A.lookup(months)
    return None if band is None else f"{band.text}, suplementasi"


def zink(months: int) -> str:
    if months < 6:
        return "½ tablet (10 mg) sehari selama 10 hari berturut-turut"
    return "1 tablet (20 mg) sehari selama 10 hari berturut-turut"


def rencana_a(months: int) -> str:
    vol = "50–100 mL" if months < 24 else "100–200 mL"
    return (f"oralit {vol} setiap kali buang air besar; beri cairan tambahan, lanjutkan ASI dan "
            "makan, zink 10 hari")


def rencana_b(weight: float | None) -> str | None:
    if weight is None:
        return None
    return (f"oralit 75 mL/kgBB = {_num(75 * weight)} mL dalam 3 jam pertama di sarana kesehatan; "
            "nilai ulang setelah 3 jam")


def rencana_c(weight: float | None, months: int) -> str | None:
    if weight is None:
        return None
    first, second = _num(30 * weight), _num(70 * weight)
    if months < 12:
        timing = f"{first} mL dalam 1 jam, lalu {second} mL dalam 5 jam"
    else:
        timing = f"{first} mL dalam 30 menit, lalu {second} mL dalam 2½ jam"
    return (f"Ringer laktat (atau NaCl 0,9 %) intravena 100 mL/kgBB: {timing}; beri oralit "
            "5 mL/kgBB/jam segera setelah anak bisa minum")


def resomal(weight: float | None) -> str | None:
    if weight is None:
        return None
    return f"ReSoMal 5 mL/kgBB = {_num(5 * weight)} mL sebelum dirujuk"
