"""The bayi muda (MTBM, age < 60 days) chart: the ``bm_*`` module tables and their dose tables.

Rows are the 2022 rows of reference §4 (Buku Bagan MTBS 2022 pp. 40-46, as transcribed by S4), and
they apply under both charts (case-format.md §11.7): every rule id keeps the ``2022.`` prefix while
the output echoes the requested chart. The module registers its tables with the one evaluator in
``table.py``; it owns no evaluation logic of its own, only:

* the derived inputs only the young-infant rows read (the temperature sign, the hand-foot SpO2
  difference, weight and temperature as *required* inputs); the respiratory rate in use
  (``napas``) and the BB/U z-score (``zskor_bb_u``) are the engine's (§3);
* the dose tables of the pre-referral drugs (reference §5.1 d): mg per kg by weight band
  "lower <= BB < upper", never extrapolated beyond the young-infant weight range.

Everything a health worker reads (labels, dose texts) is Bahasa Indonesia.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, cast

from mtbs_tui.rules import doses
from mtbs_tui.rules.codes import treatment_label
from mtbs_tui.rules.settings import within_vaccine_limit
from mtbs_tui.rules.table import (
    Cond,
    Ctx,
    ModuleTable,
    Outcome,
    Q,
    Row,
    Table,
    TreatmentModule,
    Tx,
    TxItem,
    all_of,
    any_of,
    at_least,
    cite,
    eq,
    fact,
    gate,
    no,
    none_of,
    not_,
    num,
    register,
    register_fact,
    register_quantity,
    yes,
)

PATHWAY = "bayi_muda"
CHARTS = ("2015", "2022")
RULE_CHART = "2022"  # §11.7: no 2015 MTBM rows were recovered; the 2022 rows serve both charts

# Evaluation order inside the pathway (no bm_* module reads another one).
_ORDER = {"bm_infeksi": 10, "bm_ikterus": 20, "bm_diare": 30, "bm_hiv": 40,
          "bm_berat_badan_asi": 50, "bm_imunisasi": 60, "bm_vitamin_k1": 70}

SRC_S4 = "ref §4.{sec} ({row}); S4 MTBMController, Buku Bagan MTBS 2022 hlm. {page}"


def _src(sec: str, row: str, page: str) -> str:
    return SRC_S4.format(sec=sec, row=row, page=page)


# ----------------------------------------------------------------------------------------------
# Derived inputs

# Young-infant findings that the vocabulary marks optional for the balita pathway but that the
# MTBM rows need: the chart has the worker measure them, so an absent value is unknown, not "no".
@register_quantity("bm_berat_badan")
def _weight(ctx: Ctx) -> Q:
    value = ctx.value("weight_kg")
    return Q(value, ("weight_kg",), () if value is not None else ("weight_kg",))


@register_quantity("bm_suhu")
def _temperature(ctx: Ctx) -> Q:
    value = ctx.value("temperature_c")
    return Q(value, ("temperature_c",), () if value is not None else ("temperature_c",))


@register_quantity("bm_zskor_bb_u")
def _weight_for_age(ctx: Ctx) -> Q:
    """BB/U as the engine derives it (§3: the written ``zskor_bb_u`` wins, otherwise WHO 2006 from
    sex and weight, range-checked once per case). Read through this name so that an unknown
    z-score is never taken for "not low", whatever the import order of the modules."""
    q = ctx.quantity("zskor_bb_u")
    if q.value is None and not q.missing:
        return Q(None, (), ("weight_kg",))  # outside the WHO table: ask for the measurement
    return q


@register_fact("bm_suhu_tidak_normal")
def _temperature_sign(ctx: Ctx) -> Outcome:
    """Temperature >= 37.5 °C or < 36.5 °C (§11.14: the union of S4 and WHO; no separate
    hypothermia classification was found, S4 folds low temperature into row 1)."""
    q = ctx.quantity("bm_suhu")
    if q.value is None:
        return Outcome(None, missing=q.missing)
    s = ctx.settings
    return Outcome(q.value >= s.suhu_bayi_muda_tinggi_c or q.value < s.suhu_bayi_muda_rendah_c,
                   because=q.because)


@register_fact("bm_spo2_selisih")
def _spo2_difference(ctx: Ctx) -> Outcome:
    """Hand-foot SpO2 difference > 3 points (2022 pulse-oximetry screen). Optional tests: when
    either reading is absent the sign cannot fire (§1)."""
    hand, foot = ctx.value("spo2_tangan_kanan"), ctx.value("spo2_kaki")
    if hand is None or foot is None:
        return Outcome(False)
    return Outcome(abs(hand - foot) > 3, because=("spo2_tangan_kanan", "spo2_kaki"))


@register_fact("bm_bergerak_jika_dirangsang")
def _moves_only_when_stimulated(ctx: Ctx) -> Outcome:
    """``keadaan_umum`` ``letargis_tidak_sadar`` ("moves only when stimulated or not at all"), a
    required key (§11.15 item 1). With the setting off it is no infection sign and reads nothing."""
    if not ctx.settings.bergerak_jika_dirangsang_tanda_infeksi_bayi_muda:
        return Outcome(False)
    value = ctx.value("keadaan_umum")
    if value is None:
        return Outcome(None, missing=("keadaan_umum",))
    return Outcome(value == "letargis_tidak_sadar", because=("keadaan_umum",))


def _shown(cond: Cond, text: str) -> Cond:
    """The same condition with the text docs/chart.md shows (input names, not helper names)."""
    return Cond(cond.fn, text)


def _age_under(days: int) -> Cond:
    return cite(("birth_date",), gate(lambda ctx: ctx.age_days < days, f"umur < {days} hari"))


def _age_over(days: int) -> Cond:
    return cite(("birth_date",), gate(lambda ctx: ctx.age_days > days, f"umur > {days} hari"))


# ----------------------------------------------------------------------------------------------
# Dose tables (reference §5.1 d, §4.1 actions; S4 p.46; WHO 2014 gives the same mg/kg)

@dataclass(frozen=True)
class MgPerKgBand:
    """One dose row: ``mg_per_kg`` for ``lower_kg <= BB < upper_kg`` and
    ``min_age_days <= age < max_age_days`` (None = no upper age)."""

    lower_kg: Decimal
    upper_kg: Decimal
    mg_per_kg: Decimal
    min_age_days: int = 0
    max_age_days: int | None = None
    age_text: str = ""


# The reference gives these drugs per kg only ("weight-banded volumes were not found"), so the one
# band is the young-infant weight range of reference §4.0 (0.5-7.0 kg). Outside it, or without a
# weight, the dose is null and the worker decides (§9: never extrapolate).
_BM_KG = (Decimal("0.5"), Decimal("7.0"))

AMPISILIN_BANDS: tuple[MgPerKgBand, ...] = (
    MgPerKgBand(*_BM_KG, Decimal("50")),
)
GENTAMISIN_BANDS: tuple[MgPerKgBand, ...] = (
    MgPerKgBand(*_BM_KG, Decimal("5"), 0, 7, "umur < 7 hari"),
    MgPerKgBand(*_BM_KG, Decimal("7.5"), 7, None, "umur 7 hari atau lebih"),
)
# 10 % dextrose 60 mL/kg per 24 hours, only where the worker can run an infusion (S4 p.46).
DEKSTROSA_ML_PER_KG_24_JAM = Decimal("60")


def _fmt(value: Decimal, places: int = 1) -> str:
    """Indonesian decimal comma, rounded half-up, no trailing zeros: 17,5 / 175 / 26,3."""
    q = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(q.normalize(), "f")
    return text.replace(".", ",")


def _weight_decimal(ctx: Ctx) -> Decimal | None:
    w = ctx.value("weight_kg")
    # repr keeps the number exactly as written in the case (3.5 -> "3.5", not binary noise).
    return None if w is None else Decimal(repr(w))


def _band(bands: tuple[MgPerKgBand, ...], ctx: Ctx) -> tuple[MgPerKgBand, Decimal] | None:
    w = _weight_decimal(ctx)
    if w is None:
        return None
    for band in bands:
        if band.lower_kg <= w < band.upper_kg and band.min_age_days <= ctx.age_days and (
                band.max_age_days is None or ctx.age_days < band.max_age_days):
            return band, w
    return None


def _mg_dose(bands: tuple[MgPerKgBand, ...]) -> Callable[[Ctx], str | None]:
    def dose(ctx: Ctx) -> str | None:
        found = _band(bands, ctx)
        if found is None:
            return None
        band, w = found
        age = f"; {band.age_text}" if band.age_text else ""
        return (f"{_fmt(band.mg_per_kg * w)} mg IM ({_fmt(band.mg_per_kg, 2)} mg/kg BB × "
                f"{_fmt(w, 2)} kg{age}), dosis pertama sebelum dirujuk")
    return dose


def _band_note(bands: tuple[MgPerKgBand, ...]) -> str:
    """The band table in words, for docs/chart.md (the clinician reviews the data, not code)."""
    parts = []
    for b in bands:
        age = f" bila {b.age_text}" if b.age_text else ""
        parts.append(f"{_fmt(b.mg_per_kg, 2)} mg/kg BB{age}, {_fmt(b.lower_kg, 2)} ≤ BB < "
                     f"{_fmt(b.upper_kg, 2)} kg")
    return "; ".join(parts) + "; tanpa BB atau di luar pita: dosis kosong"


def _dekstrosa_dose(ctx: Ctx) -> str | None:
    w = _weight_decimal(ctx)
    if w is None or not (_BM_KG[0] <= w < _BM_KG[1]):
        return None
    return (f"60 mL/kg BB per 24 jam = {_fmt(DEKSTROSA_ML_PER_KG_24_JAM * w)} mL per 24 jam "
            f"intravena")


def _diazepam_dose(ctx: Ctx) -> str | None:
    # The balita table of reference §5.2 (bands from 5 kg); a lighter infant gets no dose text.
    return doses.diazepam(ctx.value("weight_kg"))


# ----------------------------------------------------------------------------------------------
# Treatment helpers

def _is(key: str, value: object = True) -> Callable[[Ctx], bool]:
    return lambda ctx: ctx.value(key) == value


def _any_true(*conds: Cond) -> Callable[[Ctx], bool]:
    return lambda ctx: any(c(ctx).value is True for c in conds)


NASIHAT = Tx("NASIHAT_KEMBALI_SEGERA",
             "Nasihati ibu kapan kembali segera: bayi tidak bisa menyusu, bertambah parah, demam "
             "atau teraba dingin, napas cepat atau sukar bernapas, tinja berdarah, telapak kuning")
PERAWATAN = Tx("PERAWATAN_BAYI_MUDA",
               "Nasihati ibu cara merawat bayi muda di rumah: ASI sesering mungkin, jaga tetap "
               "hangat, kebersihan tali pusat")
JAGA_HANGAT = Tx("JAGA_TETAP_HANGAT", "Jaga bayi tetap hangat (kontak kulit ke kulit)")
# One label for both rows that call for it: the engine keeps the first label of a code.
KONSELING_MENYUSUI = Tx("KONSELING_MENYUSUI",
                        "Konseling menyusui: lebih sering siang dan malam, posisi dan perlekatan "
                        "yang benar, cangkir bukan botol")
CEGAH_HIPOGLIKEMIA = Tx("CEGAH_GULA_DARAH_TURUN",
                        "Cegah gula darah turun: teruskan ASI (atau ASI perah) selama perjalanan")


# ----------------------------------------------------------------------------------------------
# bm_infeksi (reference §4.1, p.40)

# Signs of respiratory distress: with one of them the infant gets oxygen 1 L/min before referral.
_BREATHING_SIGNS: tuple[Cond, ...] = (
    yes("sianosis"),
    num("spo2_tangan_kanan", "<", 95),
    num("spo2_kaki", "<", 95),
    fact("bm_spo2_selisih", "selisih SpO2 tangan kanan dan kaki > 3"),
    _shown(num("napas", ">=", 60), "napas (hitung ulang bila ada) >= 60"),
    _shown(num("napas", "<", 40), "napas (hitung ulang bila ada) < 40"),
    yes("merintih"),
    yes("napas_cuping_hidung"),
    yes("tarikan_dinding_dada_sangat_kuat"),
)
# Signs of gut obstruction (2022): an open orogastric tube for decompression.
_GUT_SIGNS: tuple[Cond, ...] = (
    yes("belum_bab_48_jam"),
    yes("muntah_semua_atau_hijau"),
    yes("perut_kembung_sesak"),
    yes("tidak_ada_lubang_anus"),
)
_PSBI_SIGNS: tuple[Cond, ...] = (
    *_BREATHING_SIGNS,
    yes("menyusu_lemah"),
    yes("riwayat_kejang"),
    yes("sedang_kejang"),
    fact("bm_suhu_tidak_normal", "temperature_c ≥ 37,5 atau < 36,5 (setelan)"),
    fact("bm_bergerak_jika_dirangsang",
         "keadaan_umum = letargis_tidak_sadar (bergerak hanya jika dirangsang; setelan)"),
    fact("syok_tercatat", "tanda syok tercatat: crt_lebih_2_detik / nadi_lemah / "
                          "ujung_ekstremitas_dingin (opsional; setelan)"),
    *_GUT_SIGNS,
    eq("mata_bernanah", "banyak"),
    yes("pusar_bernanah"),
    eq("pusar_kemerahan", "meluas"),
)
_PERUT_KEMBUNG_SESAK = yes("perut_kembung_sesak")

INFEKSI = register(ModuleTable(
    module="bm_infeksi", pathway=PATHWAY, charts=CHARTS, rule_chart=RULE_CHART, opening=None,
    order=_ORDER["bm_infeksi"], source="ref §4.1; Buku Bagan MTBS 2022 hlm. 40 (S4)",
    tables=(Table("bm_infeksi", (
        Row("PENYAKIT_SANGAT_BERAT_ATAU_INFEKSI_BAKTERI_BERAT", "merah", any_of(*_PSBI_SIGNS),
            treatments=(
                Tx("DIAZEPAM", "Atasi kejang: diazepam per rektal", dose=_diazepam_dose,
                   when=_is("sedang_kejang"), note="bila sedang kejang"),
                Tx("PIPA_OROGASTRIK", "Pasang pipa orogastrik terbuka untuk dekompresi",
                   when=_any_true(*_GUT_SIGNS), note="bila ada tanda sumbatan saluran cerna"),
                JAGA_HANGAT,
                Tx("OKSIGEN", "Beri oksigen dengan kateter nasal atau nasal prong",
                   dose=lambda ctx: "1 liter/menit",
                   when=_any_true(*_BREATHING_SIGNS, _PERUT_KEMBUNG_SESAK),
                   note="bila ada gangguan napas"),
                Tx("AMPISILIN_IM", "Ampisilin intramuskular dosis pertama",
                   dose=_mg_dose(AMPISILIN_BANDS), note=_band_note(AMPISILIN_BANDS)),
                Tx("GENTAMISIN_IM", "Gentamisin intramuskular dosis pertama",
                   dose=_mg_dose(GENTAMISIN_BANDS), note=_band_note(GENTAMISIN_BANDS)),
                Tx("DEKSTROSA_IV", "Dekstrosa 10 % intravena, bila petugas mampu memasang infus",
                   dose=_dekstrosa_dose, note="60 mL/kg BB per 24 jam, 0,5 ≤ BB < 7 kg"),
                CEGAH_HIPOGLIKEMIA,
            ),
            source=_src("1", "baris 1", "40, 46"), confidence="M",
            note="Suhu: gabungan S4 (> 37,5 / < 36,5) dan WHO (≥ 37,5), §11.14. 'Bergerak hanya "
                 "jika dirangsang' (WHO 2014; S4 tidak) dan tanda syok: kontrak §11.15 butir 1 "
                 "dan 3."),
        Row("INFEKSI_BAKTERI_LOKAL", "kuning",
            any_of(eq("mata_bernanah", "sedikit"), eq("pusar_kemerahan", "terbatas"),
                   yes("pustul_kulit")),
            treatments=(
                Tx("SALEP_MATA", "Salep mata antibiotik (tetrasiklin atau kloramfenikol)",
                   when=_is("mata_bernanah", "sedikit"), note="bila mata bernanah sedikit"),
                Tx("ANTISEPTIK_PUSAR_KULIT", "Antiseptik untuk pusar kemerahan atau pustul kulit",
                   when=lambda ctx: ctx.value("pusar_kemerahan") == "terbatas"
                   or ctx.value("pustul_kulit") is True,
                   note="bila pusar kemerahan terbatas atau ada pustul"),
                PERAWATAN, NASIHAT,
            ),
            follow_up=2, source=_src("1", "baris 2", "40"), confidence="M"),
        Row("MUNGKIN_BUKAN_INFEKSI", "hijau", None, treatments=(PERAWATAN, NASIHAT),
            source=_src("1", "baris 3", "40"), confidence="M"),
    )),),
))


# ----------------------------------------------------------------------------------------------
# bm_ikterus (reference §4.2, p.41). Not opened by ``tampak_kuning``: "no jaundice" is a row.

IKTERUS = register(ModuleTable(
    module="bm_ikterus", pathway=PATHWAY, charts=CHARTS, rule_chart=RULE_CHART, opening=None,
    order=_ORDER["bm_ikterus"], source="ref §4.2; Buku Bagan MTBS 2022 hlm. 41 (S4)",
    tables=(Table("bm_ikterus", (
        Row("IKTERUS_BERAT", "merah",
            all_of(yes("tampak_kuning"),
                   any_of(num("kuning_mulai_jam", "<", 24), yes("telapak_kuning"), _age_over(14))),
            treatments=(CEGAH_HIPOGLIKEMIA, JAGA_HANGAT),
            source=_src("2", "baris 1", "41"), confidence="M",
            note="Kuning mulai sebelum umur 24 jam, telapak kuning, atau masih kuning setelah "
                 "umur 14 hari (S4; WHO tanpa batas 14 hari). Tepat 24 jam dan hari ke-14 = baris 2."),
        Row("IKTERUS", "kuning",
            all_of(yes("tampak_kuning"), num("kuning_mulai_jam", ">=", 24), no("telapak_kuning"),
                   not_(_age_over(14))),
            treatments=(
                PERAWATAN,
                KONSELING_MENYUSUI,
                Tx("RUJUK", "Rujuk untuk pemeriksaan kadar bilirubin bila memungkinkan"),
                NASIHAT,
            ),
            follow_up=1, source=_src("2", "baris 2", "41"), confidence="M"),
        Row("TIDAK_ADA_IKTERUS", "hijau", no("tampak_kuning"), treatments=(PERAWATAN, NASIHAT),
            source=_src("2", "baris 3", "41"), confidence="M"),
    )),),
))


# ----------------------------------------------------------------------------------------------
# bm_diare (reference §4.3, p.42): opened by ``diare``; no drinking sign in young infants.

def _rencana_b_dose(ctx: Ctx) -> str | None:
    # The balita Plan B text (75 mL/kg in 3 hours, reference §5.6), from a recorded weight only.
    return doses.rencana_b(ctx.value("weight_kg"))


def _rencana_c_dose(ctx: Ctx) -> str | None:
    # Below 12 months: 30 mL/kg in 1 hour, then 70 mL/kg in 5 hours (reference §5.6).
    return doses.rencana_c(ctx.value("weight_kg"), ctx.age_months)


_DIARE_CODES = ("DIARE_DEHIDRASI_BERAT", "DIARE_PERSISTEN_BERAT", "DISENTRI")


def _other_severe(ctx: Ctx) -> bool:
    """A merah classification other than bm_diare's own rows: then the infant is referred at once
    and no fluid plan is started here (§11.15 item 2, as DIARE_DEHIDRASI_BERAT, G6)."""
    from mtbs_tui.rules.codes import CLASSIFICATIONS
    return any(code not in _DIARE_CODES and CLASSIFICATIONS[PATHWAY][code].colour == "merah"
               for code in ctx.printed_codes)


def _diare_setting(ctx: Ctx) -> bool:
    return bool(ctx.settings.diare_persisten_disentri_bayi_muda)


_DIARE_SETTING = gate(_diare_setting, "setelan diare_persisten_disentri_bayi_muda")
# §11.15 item 2: the rows that refer a young infant with diarrhoea keep the fluid plan of the
# dehydration row that applies (started before referral unless another merah row forbids it).
_REFERRED_DIARRHOEA_TX = (
    Tx("RENCANA_TERAPI_B", dose=_rencana_b_dose,
       when=lambda ctx: "DIARE_DEHIDRASI_RINGAN_SEDANG" in ctx.printed_codes
       and not _other_severe(ctx),
       note="dehidrasi ringan/sedang: atasi dulu bila tidak ada klasifikasi merah lain"),
    Tx("ORALIT_PERJALANAN"), CEGAH_HIPOGLIKEMIA, JAGA_HANGAT,
)

DIARE = register(ModuleTable(
    module="bm_diare", pathway=PATHWAY, charts=CHARTS, rule_chart=RULE_CHART, opening=yes("diare"),
    order=_ORDER["bm_diare"], source="ref §4.3; Buku Bagan MTBS 2022 hlm. 42 (S4); kontrak §11.15",
    tables=(
        Table("bm_diare.persisten", (
            Row("DIARE_PERSISTEN_BERAT", "merah",
                all_of(_DIARE_SETTING, num("diare_hari", ">=", 14)),
                treatments=_REFERRED_DIARRHOEA_TX,
                source="ref §4.3 (tidak ada di sumber Indonesia); kontrak §11.15 butir 2; WHO "
                       "IMCI 2014 (S11)", confidence="M",
                note="Dicetak bersama baris dehidrasi; rujuk segera."),
        )),
        Table("bm_diare.disentri", (
            Row("DISENTRI", "merah", all_of(_DIARE_SETTING, yes("darah_dalam_tinja")),
                treatments=_REFERRED_DIARRHOEA_TX,
                source="ref §4.3 (tidak ada di sumber Indonesia); kontrak §11.15 butir 2; WHO "
                       "IMCI 2014 (S11)", confidence="M",
                note="Dicetak bersama baris dehidrasi; rujuk segera."),
        )),
        Table("bm_diare.dehidrasi", (
            Row("DIARE_DEHIDRASI_BERAT", "merah",
                at_least(2, eq("keadaan_umum", "letargis_tidak_sadar"), yes("mata_cekung"),
                         eq("cubitan_kulit_perut", "sangat_lambat")),
                treatments=(
                    # G6: alone (or with the other bm_diare rows) the infant gets Plan C here; with
                    # another merah row the infant is referred with ORS sips on the way.
                    Tx("RENCANA_TERAPI_C", dose=_rencana_c_dose,
                       when=lambda ctx: not _other_severe(ctx),
                       note="bila tidak ada klasifikasi merah lain (selain diare)"),
                    Tx("ORALIT_PERJALANAN", when=_other_severe,
                       note="bila dirujuk karena klasifikasi merah lain"),
                    JAGA_HANGAT,
                ),
                source=_src("3", "baris 1", "42"), confidence="M"),
            Row("DIARE_DEHIDRASI_RINGAN_SEDANG", "kuning",
                at_least(2, eq("keadaan_umum", "gelisah_rewel"), yes("mata_cekung"),
                         eq("cubitan_kulit_perut", "lambat")),
                treatments=(Tx("RENCANA_TERAPI_B", dose=_rencana_b_dose), PERAWATAN, NASIHAT),
                follow_up=1, source=_src("3", "baris 2", "42") + "; kunjungan ulang [L]",
                confidence="M"),
            Row("DIARE_TANPA_DEHIDRASI", "hijau", None,
                treatments=(Tx("RENCANA_TERAPI_A", dose=lambda ctx: "Teruskan ASI lebih sering dan "
                               "lebih lama; oralit setelah setiap buang air besar"), PERAWATAN,
                            NASIHAT),
                follow_up=1, source=_src("3", "baris 3", "42") + "; kunjungan ulang [L]",
                confidence="M"),
        )),
    ),
))


# ----------------------------------------------------------------------------------------------
# bm_hiv (reference §4.4, p.43), exactly contract §11.12. No row true: nothing, complete.

# The prophylaxis starts at 6 weeks (reference §4.4): for a younger infant it is a plan, not a
# medicine to give now (the mother's card prints it with the date it starts).
KOTRIMOKSAZOL_START_DAYS = 42
KOTRIMOKSAZOL_LATER = "Profilaksis kotrimoksazol mulai umur 6 minggu"
_KOTRIMOKSAZOL = Tx("KOTRIMOKSAZOL", KOTRIMOKSAZOL_LATER)

HIV = register(ModuleTable(
    module="bm_hiv", pathway=PATHWAY, charts=CHARTS, rule_chart=RULE_CHART, opening=None,
    order=_ORDER["bm_hiv"], source="ref §4.4; contract §11.12; Buku Bagan MTBS 2022 hlm. 43 (S4)",
    tables=(Table("bm_hiv", (
        Row("INFEKSI_HIV_TERKONFIRMASI", "kuning", eq("tes_virologi_anak", "positif"),
            treatments=(Tx("RUJUK", "Rujuk ke layanan PDP untuk terapi ARV bayi dan ibu"),
                        _KOTRIMOKSAZOL, NASIHAT),
            source=_src("4", "baris 1", "43"), confidence="L",
            note="Warna kuning: keputusan kontrak §11.4 (sumber hanya S4)."),
        Row("TERPAJAN_HIV_MUNGKIN_INFEKSI_HIV", "kuning",
            any_of(eq("tes_serologi_anak", "positif_di_bawah_18_bulan", "positif_18_bulan_atau_lebih"),
                   all_of(eq("tes_hiv_ibu", "positif"),
                          any_of(yes("masih_menyusu_atau_baru_berhenti"),
                                 eq("tes_virologi_anak", "belum")))),
            treatments=(Tx("RUJUK", "Rujuk untuk tes virologis HIV bayi dan terapi ARV ibu"),
                        _KOTRIMOKSAZOL, NASIHAT),
            source=_src("4", "baris 2", "43"), confidence="M"),
        Row("INFEKSI_HIV_TIDAK_DIKETAHUI", "kuning",
            any_of(eq("tes_hiv_ibu", "belum"), eq("tes_virologi_anak", "belum")),
            treatments=(Tx("TES_HIV", "Tawarkan tes dan konseling HIV untuk ibu (dan bayi)"),
                        NASIHAT),
            source=_src("4", "baris 3", "43"), confidence="M",
            note="Bayi dari ibu negatif tanpa tes virologis = baris ini (S4; periksa pada bagan)."),
        Row("BUKAN_INFEKSI_HIV", "hijau",
            any_of(eq("tes_hiv_ibu", "negatif"), eq("tes_virologi_anak", "negatif")),
            treatments=(NASIHAT,), source=_src("4", "baris 4", "43"), confidence="M"),
    )),),
))


# ----------------------------------------------------------------------------------------------
# bm_berat_badan_asi (reference §4.5, pp.44-45)

_LOW_WEIGHT = _shown(num("bm_zskor_bb_u", "<", -2.0), "zskor_bb_u < −2")
_ASI_PROBLEMS: tuple[Cond, ...] = (
    num("menyusu_per_24_jam", "<", 8),
    yes("minum_dengan_botol"),
    yes("makanan_minuman_lain"),
    no("posisi_menyusu_benar"),
    no("perlekatan_baik"),
    no("isapan_efektif"),
    yes("bercak_putih_mulut"),
    yes("bibir_langit_sumbing"),
)
_MINUM_PROBLEMS: tuple[Cond, ...] = (
    no("susu_pengganti_tepat"),
    no("jumlah_minum_cukup"),
    no("frekuensi_minum_cukup"),
    no("penyiapan_susu_bersih"),
    yes("minum_dengan_botol"),
    yes("bercak_putih_mulut"),
    yes("bibir_langit_sumbing"),
)
_ASI_PROBLEM = any_of(*_ASI_PROBLEMS)
_MINUM_PROBLEM = any_of(*_MINUM_PROBLEMS)


def _feeding_follow_up(problem: Cond) -> Callable[[Ctx, Outcome], int | None]:
    """§8.2: 2 days for a feeding problem or thrush, 7 for low weight alone; when the row fired on
    low weight and a feeding item is unknown, 2 (the earlier one, G7)."""
    def follow_up(ctx: Ctx, outcome: Outcome) -> int | None:
        return 7 if problem(ctx).value is False else 2
    return follow_up


_NISTATIN = Tx("NISTATIN", "Nistatin untuk bercak putih di mulut (thrush)",
               when=_is("bercak_putih_mulut"), note="bila ada bercak putih di mulut")

BERAT_BADAN = register(ModuleTable(
    module="bm_berat_badan_asi", pathway=PATHWAY, charts=CHARTS, rule_chart=RULE_CHART,
    opening=None, order=_ORDER["bm_berat_badan_asi"],
    source="ref §4.5; Buku Bagan MTBS 2022 hlm. 44-45 (S4)",
    tables=(Table("bm_berat_badan_asi", (
        Row("BERAT_BADAN_SANGAT_RENDAH_MENURUT_UMUR", "merah",
            all_of(_age_under(7), _shown(num("bm_berat_badan", "<", 2.0), "weight_kg < 2,0")),
            treatments=(Tx("METODE_KANGURU"), CEGAH_HIPOGLIKEMIA, JAGA_HANGAT),
            source=_src("5", "baris 1", "44"), confidence="M",
            note="Umur < 7 hari dan BB < 2,0 kg (S4)."),
        Row("BERAT_BADAN_RENDAH_MENURUT_UMUR_DAN_ATAU_MASALAH_PEMBERIAN_ASI", "kuning",
            all_of(yes("menyusu"), any_of(_LOW_WEIGHT, _ASI_PROBLEM)),
            treatments=(
                PERAWATAN,
                KONSELING_MENYUSUI,
                _NISTATIN, NASIHAT,
            ),
            follow_up=_feeding_follow_up(_ASI_PROBLEM),
            source=_src("5", "baris 2a", "44"), confidence="M",
            note="BB/U < −2 SD atau masalah pemberian ASI. Kunjungan ulang 2 hari bila ada "
                 "masalah pemberian ASI atau thrush, 7 hari bila hanya BB rendah."),
        Row("BERAT_BADAN_RENDAH_MENURUT_UMUR_DAN_ATAU_MASALAH_PEMBERIAN_MINUM", "kuning",
            all_of(no("menyusu"), any_of(_LOW_WEIGHT, _MINUM_PROBLEM)),
            treatments=(
                Tx("KONSELING_PEMBERIAN_MAKAN", "Ajari ibu menyiapkan susu pengganti yang benar "
                                                "dan bersih, dan memberi minum dengan cangkir"),
                _NISTATIN, NASIHAT,
            ),
            follow_up=_feeding_follow_up(_MINUM_PROBLEM),
            source=_src("5", "baris 2b", "45"), confidence="M"),
        Row("BERAT_BADAN_TIDAK_RENDAH_MENURUT_UMUR_DAN_TIDAK_ADA_MASALAH_PEMBERIAN_ASI", "hijau",
            all_of(yes("menyusu"), not_(_LOW_WEIGHT), none_of(*_ASI_PROBLEMS)),
            treatments=(NASIHAT,), source=_src("5", "baris 3a", "44"), confidence="M"),
        Row("BERAT_BADAN_TIDAK_RENDAH_MENURUT_UMUR_DAN_TIDAK_ADA_MASALAH_PEMBERIAN_MINUM", "hijau",
            all_of(no("menyusu"), not_(_LOW_WEIGHT), none_of(*_MINUM_PROBLEMS)),
            treatments=(NASIHAT,), source=_src("5", "baris 3b", "45"), confidence="M"),
    )),),
))


# ----------------------------------------------------------------------------------------------
# Treatment-only modules (reference §4.6)

# Bayi muda gives only these three doses (§9); BCG and polio 1 from 1 completed month, HB0 only at
# an age of 0 to ``hb0_umur_maks_hari`` days. Each is the first dose of its series.
_BM_VACCINES: tuple[tuple[str, str | None], ...] = (
    ("hb0", "0,5 mL IM di paha kanan anterolateral"),
    ("bcg", None),
    ("polio_1", None),
)


def _vaccine_due(dose: str, ctx: Ctx) -> bool:
    if dose == "hb0":
        return bool(ctx.age_days <= ctx.settings.hb0_umur_maks_hari)
    return ctx.age_months >= 1 and within_vaccine_limit(dose, ctx.age_days, ctx.age_months,
                                                        ctx.settings)


def _imunisasi(ctx: Ctx) -> tuple[list[TxItem], tuple[str, ...]]:
    received = ctx.value("imunisasi_diterima")
    if received is None:
        return [], ("imunisasi_diterima",)
    items = [TxItem(f"IMUNISASI_{dose.upper()}", treatment_label(f"IMUNISASI_{dose.upper()}"), text)
             for dose, text in _BM_VACCINES if dose not in received and _vaccine_due(dose, ctx)]
    return items, ()


def _vitamin_k1(ctx: Ctx) -> tuple[list[TxItem], tuple[str, ...]]:
    given = ctx.value("vitamin_k1_diberikan")
    if given is None:
        return [], ("vitamin_k1_diberikan",)
    if given:
        return [], ()
    return [TxItem("VITAMIN_K1", "Vitamin K1 injeksi (belum diberikan saat lahir)",
                   "1 mg IM di paha kiri anterolateral")], ()


IMUNISASI = register(TreatmentModule(
    module="bm_imunisasi", pathway=PATHWAY, charts=CHARTS, run=_imunisasi,
    order=_ORDER["bm_imunisasi"], source="ref §4.6, §3.11; contract §9 (S4, S5, S15) [M]",
    text="HB0 pada umur 0–1 hari; BCG dan polio 1 mulai umur 1 bulan, bila belum diterima "
         "(batas umur atas: kontrak §11.15 butir 5)."))

VITAMIN_K1 = register(TreatmentModule(
    module="bm_vitamin_k1", pathway=PATHWAY, charts=CHARTS, run=_vitamin_k1,
    order=_ORDER["bm_vitamin_k1"], source="ref §4.6 (S15, S5) [M]",
    text="Vitamin K1 1 mg IM bila belum diberikan saat lahir."))

MODULE_TABLES = cast("tuple[ModuleTable, ...]", (INFEKSI, IKTERUS, DIARE, HIV, BERAT_BADAN))
