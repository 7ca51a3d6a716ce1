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
from typing import Any, Callable, Iterable, NamedTuple, Sequence

# --------------------------------------------------------------------------------------------
# A dose as a structure. The engine's §7 "dose" is a text; here that text is a ``Dose``, a str
# whose parts (amount, unit, form, route, how often, how long) stay readable, so the mother's card
# and the referral letter print from the parts and never split the text.

@dataclass(frozen=True)
class Amount:
    """One amount of one product: "¾ tablet 500 mg", "2,5 mL sirup 120 mg/5 mL"."""

    quantity: str  # "¾", "1 ¼", "2,5", "50.000": as the table writes it, decimal comma
    unit: str  # "tablet", "tablet anak", "kapsul", "mL", "mg", "IU"
    form: str = ""  # after the unit: strength or product, "500 mg", "(250 mg)", "sirup besi (...)"
    drug: str = ""  # before the quantity when the dose names the drug: "albendazol 400 mg"

    def text(self) -> str:
        return " ".join(p for p in (self.drug, self.quantity, self.unit, self.form) if p)


class Dose(str):
    """A dose the engine computed: the str is the display text (§7 ``dose``), the attributes its parts.

    ``amounts`` are alternatives ("⅛ tablet 500 mg atau ... atau 2,5 mL sirup ..."), ``frequency`` is
    how often ("2 kali sehari", "setiap 6 jam", "dosis tunggal"), ``duration`` how long ("selama
    3 hari", "sampai demam atau nyeri hilang"), ``route`` how it is given ("intramuskular"),
    ``note`` anything else ("sesudah makan"). The text is built from the parts only:
    ``amounts[ route], frequency duration, note``.
    """

    amounts: tuple[Amount, ...]
    route: str
    frequency: str
    duration: str
    note: str
    days: tuple[int, ...]  # treatment days of a dose repeated on given days (1 = the visit day)

    def __new__(cls, amounts: Iterable[Amount] = (), *, route: str = "", frequency: str = "",
                duration: str = "", note: str = "", days: tuple[int, ...] = ()) -> "Dose":
        amounts = tuple(amounts)
        head = " atau ".join(a.text() for a in amounts)
        if route:
            head = f"{head} {route}" if head else route
        schedule = " ".join(p for p in (frequency, duration) if p)
        text = ", ".join(p for p in (head, schedule, note) if p)
        obj = super().__new__(cls, text)
        obj.amounts, obj.route, obj.frequency, obj.duration, obj.note, obj.days = (
            amounts, route, frequency, duration, note, tuple(days))
        return obj

    def __reduce__(self) -> tuple[Any, ...]:  # pickle/deepcopy rebuild the parts, not the text
        return (_dose, (self.amounts, self.route, self.frequency, self.duration, self.note, self.days))

    @property
    def worker_measures(self) -> bool:
        """True when the amount is only a mass computed per kg ("82,5 mg (15 mg/kgBB)"): the chart
        gives no tablet or syrup amount, so the worker turns it into one the mother can measure."""
        return bool(self.amounts) and all(a.unit in MASS_UNITS for a in self.amounts)

    @property
    def parts(self) -> tuple["Dose", ...]:
        return (self,)

    @property
    def amount_text(self) -> str:
        """How much, whole: the alternatives joined by "atau" (the card's first column)."""
        return " atau ".join(a.text() for a in self.amounts)

    @property
    def schedule_text(self) -> str:
        return " ".join(p for p in (self.frequency, self.duration) if p)


def _dose(amounts: tuple[Amount, ...], route: str, frequency: str, duration: str, note: str,
          days: tuple[int, ...] = ()) -> Dose:
    return Dose(amounts, route=route, frequency=frequency, duration=duration, note=note, days=days)


MASS_UNITS = ("mg",)  # an amount in these units is not something a mother can measure at home


class Doses(str):
    """Several doses under one treatment code: either alternatives ("..., atau ..."; cholera,
    primaquine) or distinct doses the engine joined with "; " (§9: one code, two rows). ``parts``
    holds each as a ``Dose`` (or a plain str when a table row gave a text without parts)."""

    parts: tuple[str, ...]
    separator: str

    def __new__(cls, parts: Iterable[str], separator: str) -> "Doses":
        flat: list[str] = []
        for part in parts:
            flat.extend(getattr(part, "parts", (part,)) if separator == JOINED else (part,))
        obj = super().__new__(cls, separator.join(flat))
        obj.parts, obj.separator = tuple(flat), separator
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (Doses, (self.parts, self.separator))


EITHER = ", atau "  # the worker chooses one (cholera: tetracycline or cotrimoxazole)
JOINED = "; "  # §9: distinct doses of one code, in the order of first use


def joined(texts: Sequence[str]) -> str:
    """The §9 join of distinct dose texts of one code, keeping each one's parts."""
    return texts[0] if len(texts) == 1 else Doses(texts, JOINED)


def parts_of(dose: str | None) -> tuple[str, ...]:
    """Each separate dose in a dose (a ``Dose``, ``Doses`` or a plain text from a table row)."""
    if not dose:
        return ()
    return tuple(getattr(dose, "parts", (dose,)))


# --------------------------------------------------------------------------------------------
# Dose tables

class Band(NamedTuple):
    lower: float | None  # None: the band is written "≤ upper"
    upper: float
    amounts: tuple[Amount, ...] | None  # None: the chart says "do not give" in this band
    lower_open: bool = False  # written "> lower – upper": lower itself is in the band below
    upper_closed: bool = False  # "> lower – upper", "≤ upper" or a last band "lower – upper"

    @property
    def text(self) -> str | None:
        """The table cell: "½ tablet 500 mg", alternatives joined by "atau"."""
        return None if self.amounts is None else " atau ".join(a.text() for a in self.amounts)

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


Cell = Callable[..., tuple[Amount, ...]]


def _cells(make: Cell, value: object) -> tuple[Amount, ...] | None:
    if value is None:
        return None
    return make(*value) if isinstance(value, tuple) else make(value)


def _t(name: str, unit: str, source: str, make: Cell, rows: Sequence[tuple[float, float, object]], *,
       last_closed: bool = False) -> DoseTable:
    """A table written "a – < b" in every row; ``last_closed``: its last row is written "a – b".
    ``make`` turns a row's quantities into its amounts."""
    bands = [Band(lo, hi, _cells(make, q)) for lo, hi, q in rows]
    if last_closed:
        bands[-1] = bands[-1]._replace(upper_closed=True)
    return DoseTable(name, unit, tuple(bands), source)


def _gt(name: str, unit: str, source: str, make: Cell, first_upper: float, first: object,
        rows: Sequence[tuple[float, float, object]]) -> DoseTable:
    """A table written "≤ a", then "> a – b" rows (a < value <= b)."""
    bands = [Band(None, first_upper, _cells(make, first), upper_closed=True)]
    bands += [Band(lo, hi, _cells(make, q), lower_open=True, upper_closed=True) for lo, hi, q in rows]
    return DoseTable(name, unit, tuple(bands), source)


def _tablet(form: str = "", unit: str = "tablet", drug: str = "") -> Cell:
    return lambda q: (Amount(q, unit, form, drug),)


def _ml_mg(ml: str, mg: str) -> tuple[Amount, ...]:
    return (Amount(ml, "mL", f"({mg} mg)"),)


# §5.1a amoxicillin for PNEUMONIA, tablet 500 mg, 2x/day.
AMOKSISILIN_PNEUMONIA = _t("Amoksisilin (pneumonia)", "kg", "ref §5.1a [H]", _tablet("500 mg"), [
    (4, 6, "½"), (6, 10, "¾"), (10, 16, "1 ¼"), (16, 19, "1 ½")])
# §5.1b amoxicillin for INFEKSI_TELINGA_AKUT, tablet 500 mg, 2x/day.
AMOKSISILIN_TELINGA = _t("Amoksisilin (infeksi telinga akut)", "kg", "ref §5.1b [H]", _tablet("500 mg"), [
    (4, 6, "¼"), (6, 10, "½"), (10, 16, "⅔"), (16, 19, "¾")])
# §5.1c pre-referral IM antibiotics (balita): mL of the prepared solution (= mg).
AMPISILIN_IM = _t("Ampisilin IM (200 mg/mL)", "kg", "ref §5.1c [M]", _ml_mg, [
    (4, 6, ("1,25", "250")), (6, 8, ("1,75", "350")), (8, 10, ("2,25", "450")),
    (10, 14, ("3", "600")), (14, 19, ("3,75", "750"))])
GENTAMISIN_IM = _t("Gentamisin IM (40 mg/mL)", "kg", "ref §5.1c [M]", _ml_mg, [
    (4, 6, ("1", "40")), (6, 8, ("1,25", "50")), (8, 10, ("1,75", "70")),
    (10, 14, ("2,5", "100")), (14, 19, ("3", "120"))])
# §5.2 diazepam 10 mg/2 mL rectal; the rectal tube is 5 mg below 10 kg, 10 mg from 10 kg.
DIAZEPAM = _t("Diazepam rektal", "kg", "ref §5.2 [M]",
              lambda q: (Amount(q, "mL", "diazepam injeksi 10 mg/2 mL"),), [
    (5, 7, "0,5"), (7, 10, "1"), (10, 14, "1,5"), (14, 19, "2")])
# §5.3 paracetamol, every 6 hours: tablet 500 mg or tablet 100 mg or syrup 120 mg/5 mL.
PARASETAMOL = _t("Parasetamol", "kg", "ref §5.3 [H]", lambda t500, t100, syrup: (
    Amount(t500, "tablet", "500 mg"), Amount(t100, "tablet", "100 mg"),
    Amount(syrup, "mL", "sirup 120 mg/5 mL")), [
    (4, 7, ("⅛", "½", "2,5")), (7, 14, ("¼", "1", "5")), (14, 19, ("½", "2", "7,5"))])
# §5.4 cotrimoxazole for dysentery, child tablet 20 mg TMP + 100 mg SMX.
KOTRIMOKSAZOL_DISENTRI = _t("Kotrimoksazol (disentri)", "kg", "ref §5.4 [H]",
                            _tablet("(20 mg TMP + 100 mg SMX)", "tablet anak"), [
    (4, 6, "1"), (6, 10, "2"), (10, 16, "2 ½"), (16, 19, "3")])
# §5.5 cholera: tetracycline 250 mg caps (not below 6 kg) or cotrimoxazole child tablet.
# The last row is written "10 – 19": 19.0 kg is in it.
TETRASIKLIN_KOLERA = _t("Tetrasiklin (kolera)", "kg", "ref §5.5 [H]",
                        _tablet("250 mg", "kapsul", "tetrasiklin"), [
    (4, 6, None), (6, 10, "½"), (10, 19, "1")], last_closed=True)
KOTRIMOKSAZOL_KOLERA = _t("Kotrimoksazol (kolera)", "kg", "ref §5.5 [H]",
                          _tablet(unit="tablet anak", drug="kotrimoksazol"), [
    (4, 6, "1"), (6, 10, "2"), (10, 19, "3")], last_closed=True)
# §5.7 DHP once daily for 3 days; primaquine 15 mg (none up to 6 kg). Written "≤ 4", "> 4 – 6",
# "> 6 – 10", "> 10 – 17", "> 17 – 30": exactly 10.0 kg takes ½ tablet DHP and ¼ primaquine.
DHP = _gt("DHP", "kg", "ref §5.7 [M]; kontrak §9, §11.15 butir 6", _tablet(), 4, "⅓", [
    (4, 6, "½"), (6, 10, "½"), (10, 17, "1"), (17, 30, "1 ½")])
PRIMAKUIN = _gt("Primakuin", "kg", "ref §5.7 [M]; kontrak §9, §11.15 butir 6", _tablet("15 mg"), 4,
                None, [(4, 6, None), (6, 10, "¼"), (10, 17, "¼"), (17, 30, "½")])
# §5.8 iron once daily for 4 weeks (no band below 7 kg: no dose); the last row is written
# "10 – 19": 19.0 kg takes ½ tablet.
ZAT_BESI = _t("Zat besi", "kg", "ref §5.8 [H]; kontrak §9, §11.15 butir 6", lambda tablet, syrup: (
    Amount(tablet, "tablet", "besi-folat (60 mg Fe + 0,25 mg asam folat)"),
    Amount(syrup, "mL", "sirup besi (30 mg/5 mL)")), [
    (7, 10, ("¼", "2,5")), (10, 19, ("½", "5"))], last_closed=True)
# §5.9 deworming by completed months (albendazole from 12 months, pyrantel below), single dose.
OBAT_CACING = _t("Obat cacing", "bulan", "ref §5.9 [M]", lambda drug, q, form: (
    Amount(q, "tablet", form, drug),), [
    (4, 9, ("pirantel pamoat 125 mg", "½", "")),
    (9, 12, ("pirantel pamoat 125 mg", "¾", "")),
    (12, 24, ("albendazol 400 mg", "½", "(200 mg)")),
    (24, 60, ("albendazol 400 mg", "1", ""))])
# §3.12 vitamin A by completed months.
VITAMIN_A = _t("Vitamin A", "bulan", "ref §3.12 [H]", lambda iu, capsule: (
    Amount(iu, "IU", f"({capsule})"),), [
    (0, 6, ("50.000", "½ kapsul biru")), (6, 12, ("100.000", "1 kapsul biru")),
    (12, 60, ("200.000", "1 kapsul merah"))])

ALL_TABLES: tuple[DoseTable, ...] = (
    AMOKSISILIN_PNEUMONIA, AMOKSISILIN_TELINGA, AMPISILIN_IM, GENTAMISIN_IM, DIAZEPAM, PARASETAMOL,
    KOTRIMOKSAZOL_DISENTRI, TETRASIKLIN_KOLERA, KOTRIMOKSAZOL_KOLERA, DHP, PRIMAKUIN, ZAT_BESI,
    OBAT_CACING, VITAMIN_A)


def _num(x: float) -> str:
    """A volume or mass the Indonesian way: no trailing .0, decimal comma."""
    if abs(x - round(x)) < 1e-9:
        return str(int(round(x)))
    return f"{x:.1f}".replace(".", ",")


def _band(table: DoseTable, value: float | None) -> tuple[Amount, ...] | None:
    band = table.lookup(value)
    return None if band is None else band.amounts


def amoksisilin_pneumonia(weight: float | None, days: int) -> Dose | None:
    amounts = _band(AMOKSISILIN_PNEUMONIA, weight)
    return None if amounts is None else Dose(amounts, frequency="2 kali sehari",
                                             duration=f"selama {days} hari")


def amoksisilin_telinga(weight: float | None, days: int) -> Dose | None:
    amounts = _band(AMOKSISILIN_TELINGA, weight)
    return None if amounts is None else Dose(amounts, frequency="2 kali sehari",
                                             duration=f"selama {days} hari")


def amoksisilin_gizi_buruk(weight: float | None) -> Dose | None:
    if weight is None:
        return None
    # The chart gives only 15 mg/kg (reference §5.1e [L]), no tablet or syrup row: the dose says
    # that the worker converts it, so it never looks like an amount a mother can give as written.
    return Dose((Amount(_num(15 * weight), "mg", "(15 mg/kgBB)"),), frequency="setiap 8 jam",
                duration="selama 5 hari", note=WORKER_CONVERTS)


WORKER_CONVERTS = "jumlah tablet/sirup dihitung dan ditunjukkan petugas"


def ampisilin_im(weight: float | None) -> Dose | None:
    amounts = _band(AMPISILIN_IM, weight)
    return None if amounts is None else Dose(amounts, route="intramuskular (50 mg/kgBB)",
                                             frequency="dosis pertama")


def gentamisin_im(weight: float | None) -> Dose | None:
    amounts = _band(GENTAMISIN_IM, weight)
    return None if amounts is None else Dose(amounts, route="intramuskular (7,5 mg/kgBB)",
                                             frequency="dosis pertama")


def diazepam(weight: float | None) -> Dose | None:
    amounts = _band(DIAZEPAM, weight)
    if amounts is None or weight is None:
        return None
    tube = "5 mg" if weight < 10 else "10 mg"
    return Dose(amounts, route=f"per rektal (atau diazepam rektal {tube})",
                note="ulangi setelah 5 menit bila masih kejang, paling banyak 2 kali")


def parasetamol(weight: float | None) -> Dose | None:
    amounts = _band(PARASETAMOL, weight)
    return None if amounts is None else Dose(amounts, frequency="setiap 6 jam",
                                             duration="sampai demam atau nyeri hilang")


def kotrimoksazol_disentri(weight: float | None) -> Dose | None:
    amounts = _band(KOTRIMOKSAZOL_DISENTRI, weight)
    return None if amounts is None else Dose(amounts, frequency="2 kali sehari",
                                             duration="selama 5 hari")


def antibiotik_kolera(weight: float | None) -> str | None:
    tetra = _band(TETRASIKLIN_KOLERA, weight)
    cotri = _band(KOTRIMOKSAZOL_KOLERA, weight)
    if cotri is None:
        return None
    cotri_dose = Dose(cotri, frequency="2 kali sehari", duration="selama 3 hari")
    if tetra is None:
        return cotri_dose
    return Doses((Dose(tetra, frequency="4 kali sehari", duration="selama 3 hari"), cotri_dose), EITHER)


def dhp(weight: float | None) -> Dose | None:
    amounts = _band(DHP, weight)
    return None if amounts is None else Dose(amounts, frequency="sekali sehari",
                                             duration="selama 3 hari", note="sesudah makan")


def primakuin(weight: float | None) -> str | None:
    amounts = _band(PRIMAKUIN, weight)
    if amounts is None:
        return None
    return Doses((Dose(amounts, frequency="dosis tunggal", duration="hari pertama (falsiparum)"),
                  Dose(amounts, frequency="sekali sehari",
                       duration="selama 14 hari (vivaks atau campuran)")), EITHER)


def primakuin_not_given(weight: float | None, months: int) -> bool:
    """The chart's "none" band (up to 6 kg) and infants below 6 months get no primaquine."""
    if months < 6:
        return True
    band = PRIMAKUIN.lookup(weight)
    return band is not None and band.amounts is None


def artesunat(weight: float | None) -> Dose | None:
    if weight is None:
        return None
    per_kg = 3.0 if weight < 20 else 2.4
    return Dose((Amount(_num(per_kg * weight), "mg", f"({_num(per_kg)} mg/kgBB)"),),
                route="IV atau IM", frequency="dosis pertama sebelum dirujuk")


def zat_besi(weight: float | None) -> Dose | None:
    amounts = _band(ZAT_BESI, weight)
    return None if amounts is None else Dose(amounts, frequency="sekali sehari",
                                             duration="selama 4 minggu")


def obat_cacing(months: int) -> Dose | None:
    amounts = _band(OBAT_CACING, months)
    return None if amounts is None else Dose(amounts, frequency="dosis tunggal")


def treatment_days_text(days: Sequence[int]) -> str:
    """(1, 2, 15) -> "hari ke-1, ke-2 dan ke-15"."""
    names = [f"ke-{d}" for d in days]
    return "hari " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " dan " + names[-1])


def vitamin_a_treatment(months: int, days: Sequence[int]) -> Dose | None:
    """The treatment dose of reference §3.12, given on `days` (1 = the visit day)."""
    amounts = _band(VITAMIN_A, months)
    return None if amounts is None else Dose(amounts, frequency=f"dosis pengobatan {treatment_days_text(days)}",
                                             days=tuple(days))


def vitamin_a_supplement(months: int) -> Dose | None:
    if months < 6:
        return None
    amounts = _band(VITAMIN_A, months)
    return None if amounts is None else Dose(amounts, frequency="suplementasi")


def zink(months: int) -> Dose:
    amount = Amount("½", "tablet", "(10 mg)") if months < 6 else Amount("1", "tablet", "(20 mg)")
    return Dose((amount,), frequency="sekali sehari", duration="selama 10 hari berturut-turut")


def rencana_a(months: int) -> Dose:
    vol = "50–100" if months < 24 else "100–200"
    return Dose((Amount(vol, "mL", drug="oralit"),), frequency="setiap kali buang air besar",
                note="beri cairan tambahan, lanjutkan ASI dan makan, zink 10 hari")


def rencana_b(weight: float | None) -> Dose | None:
    if weight is None:
        return None
    return Dose((Amount(_num(75 * weight), "mL", "(75 mL/kgBB)", "oralit"),),
                duration="dalam 3 jam pertama di sarana kesehatan", note="nilai ulang setelah 3 jam")


def rencana_c(weight: float | None, months: int) -> Dose | None:
    if weight is None:
        return None
    first, second = _num(30 * weight), _num(70 * weight)
    if months < 12:
        timing = f"{first} mL dalam 1 jam, lalu {second} mL dalam 5 jam"
    else:
        timing = f"{first} mL dalam 30 menit, lalu {second} mL dalam 2½ jam"
    return Dose((Amount(_num(100 * weight), "mL", "(100 mL/kgBB)",
                        "Ringer laktat (atau NaCl 0,9 %) intravena"),),
                duration=timing, note="beri oralit 5 mL/kgBB/jam segera setelah anak bisa minum")


def resomal(weight: float | None) -> Dose | None:
    if weight is None:
        return None
    return Dose((Amount(_num(5 * weight), "mL", "(5 mL/kgBB)", "ReSoMal"),),
                frequency="sebelum dirujuk")
