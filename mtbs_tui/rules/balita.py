"""The balita (2 months – < 5 years) chart tables, 2015 and 2022 (reference §3, contract §4–§11).

One ``ModuleTable`` per module and chart, rows top-down as the reference (with the §11.11/§11.12
fixes), each with its rule id, colour, condition, treatments, follow-up, source and confidence.
Importing this module registers the tables; ``engine.py`` runs them.
"""

from __future__ import annotations

from typing import Any, Callable, cast

from mtbs_tui.rules import doses
from mtbs_tui.rules.settings import within_vaccine_limit
from mtbs_tui.rules.table import (
    HIJAU,
    KUNING,
    MERAH,
    Cond,
    Ctx,
    ModuleResult,
    ModuleTable,
    Outcome,
    Row,
    Table,
    TreatmentModule,
    Tx,
    TxItem,
    all_of,
    any_of,
    at_least,
    between,
    cite,
    eq,
    fact,
    gate,
    holds,
    no,
    none_of,
    not_,
    num,
    only_if,
    printed,
    register,
    register_variant,
    yes,
)
from mtbs_tui.rules.vocabulary import SHOCK_SIGNS

BOTH = ("2015", "2022")

# Evaluation order (§4): danger signs first; gizi reads the other modules; pemberian_makan reads
# gizi and anemia; treatment-only modules last.
ORDER = {"tanda_bahaya": 0, "batuk": 1, "diare": 2, "demam_malaria": 3, "campak": 4, "dengue": 5,
         "telinga": 6, "anemia": 7, "hiv": 8, "gizi": 9, "pertumbuhan": 10, "lingkar_kepala": 11,
         "pemberian_makan": 12, "imunisasi": 13, "vitamin_a": 14}


# --------------------------------------------------------------------------------------------
# Treatment helpers

def _w(ctx: Ctx) -> float | None:
    return cast("float | None", ctx.value("weight_kg"))


def _is(key: str, *values: object) -> Callable[[Ctx], bool]:
    return lambda ctx: ctx.value(key) in values


def _hot(ctx: Ctx) -> bool:
    """§9: PARASETAMOL at or above the setting's temperature; ``demam`` alone does not count."""
    t = ctx.value("temperature_c")
    return t is not None and t >= ctx.settings.paracetamol_c(ctx.chart)


def _other_severe(ctx: Ctx) -> bool:
    """A merah classification other than the diarrhoea ones (G6: then refer at once)."""
    return any(code not in ("DIARE_DEHIDRASI_BERAT", "DIARE_PERSISTEN_BERAT")
               and _colour(code) == MERAH for code in ctx.printed_codes)


def _colour(code: str) -> str:
    from mtbs_tui.rules.codes import CLASSIFICATIONS
    return CLASSIFICATIONS["balita"][code].colour


def _shock(ctx: Ctx) -> bool:
    return any(ctx.value(k) is True for k in SHOCK_SIGNS)


PARASETAMOL_DEMAM = Tx("PARASETAMOL", dose=lambda c: doses.parasetamol(_w(c)), when=_hot,
                       note="jika suhu ≥ batas parasetamol (setelan)")
PARASETAMOL_NYERI = Tx("PARASETAMOL", dose=lambda c: doses.parasetamol(_w(c)),
                       note="untuk nyeri telinga")
AMPISILIN = Tx("AMPISILIN_IM", dose=lambda c: doses.ampisilin_im(_w(c)))
GENTAMISIN = Tx("GENTAMISIN_IM", dose=lambda c: doses.gentamisin_im(_w(c)))
# Reference §5.10: the amounts are the chart's, the same for every weight.
CEGAH_GULA = Tx("CEGAH_GULA_DARAH_TURUN",
                dose=lambda c: "bila masih bisa menyusu: teruskan ASI; bila tidak bisa menyusu tetapi "
                               "bisa menelan: ASI perah, susu atau air gula 30–50 mL (4 sendok teh "
                               "gula dalam 200 mL air matang); bila tidak bisa menelan: 50 mL "
                               "melalui pipa orogastrik")
HANGAT = Tx("JAGA_TETAP_HANGAT")
DIAZEPAM = Tx("DIAZEPAM", dose=lambda c: doses.diazepam(_w(c)), when=_is("sedang_kejang", True),
              note="jika sedang kejang")
ZINK = Tx("ZINK", dose=lambda c: doses.zink(c.age_months))
BRONKO = Tx("BRONKODILATOR", when=_is("wheezing", True), note="jika wheezing")


def _rujuk(reason: str, when: Callable[[Ctx], bool] | None = None, note: str = "") -> Tx:
    return Tx("RUJUK", label=f"Rujuk: {reason}", when=when, note=note)


RUJUK_TB = _rujuk("pemeriksaan TB dan penyebab lain (batuk 14 hari atau lebih)",
                  when=lambda c: (c.value("batuk_hari") or 0) >= 14, note="jika batuk ≥ 14 hari")
RUJUK_DEMAM_7 = _rujuk("demam lebih dari 7 hari", when=lambda c: (c.value("demam_hari") or 0) > 7,
                       note="jika demam > 7 hari")


def _oksigen(flow: str, when: Callable[[Ctx], bool] | None = None, note: str = "") -> Tx:
    return Tx("OKSIGEN", dose=lambda c: f"{flow} liter/menit dengan nasal prong", when=when,
              note=f"{flow} L/menit" + (f", {note}" if note else ""))


def _vitamin_a(*days: int) -> Tx:
    return Tx("VITAMIN_A", label="Vitamin A dosis pengobatan",
              dose=lambda c: doses.vitamin_a_treatment(c.age_months, days))


# --------------------------------------------------------------------------------------------
# Shared conditions

DANGER = fact("tanda_bahaya_ada", "ada tanda bahaya umum")
FEVER = fact("demam_ada", "demam (demam = ya atau suhu ≥ 37,5 °C)")
FAST = fact("napas_cepat", "napas cepat (≥ 50/menit umur 2–<12 bulan; ≥ 40/menit umur ≥ 12 bulan)")
ENDEMIC = fact("rute_endemis", "daerah endemis (tinggal atau bepergian)")
AGE_6 = gate(lambda c: c.age_months >= 6, "umur ≥ 6 bulan")
UNDER_6 = gate(lambda c: c.age_months < 6, "umur < 6 bulan")


def _spo2_low(ctx: Ctx) -> float:
    return cast(float, ctx.settings.spo2_cutoff(ctx.chart))


setattr(_spo2_low, "text", "batas SpO2 (setelan: 90 % 2015 / 92 % 2022)")  # the limit as the chart reads


def _mt(module: str, chart: str, rows: tuple[Row, ...] | tuple[Table, ...], opening: Any = None,
        extra: Any = None, source: str = "", charts: tuple[str, ...] | None = None) -> ModuleTable:
    tables = (rows if rows and isinstance(rows[0], Table)
              else (Table(module, cast("tuple[Row, ...]", rows)),))
    return ModuleTable(module=module, pathway="balita", charts=charts or (chart,), rule_chart=chart,
                       opening=opening, tables=tables, order=ORDER[module], source=source,
                       extra=extra)


# --------------------------------------------------------------------------------------------
# §3.1 tanda bahaya umum (2015) / SAGA (2022)

TBU_15 = ("tidak_bisa_minum", "memuntahkan_semua", "riwayat_kejang", "sedang_kejang", "gelisah",
          "letargis_tidak_sadar", "stridor", "sianosis", "ujung_tangan_kaki_pucat_dingin")
HISTORY_22 = ("tidak_bisa_minum", "memuntahkan_semua", "riwayat_kejang")
PENAMPILAN = ("sedang_kejang", "tidak_berinteraksi", "rewel_tidak_dapat_ditenangkan",
              "tatapan_kosong", "tidak_bersuara_atau_tangis_melengking")
USAHA_NAPAS = ("tarikan_dinding_dada", "stridor", "napas_cuping_hidung", "mencari_posisi_nyaman")
SIRKULASI = ("kulit_pucat", "sianosis", "kutis_marmorata")
SAGA_ALL = HISTORY_22 + PENAMPILAN + USAHA_NAPAS + SIRKULASI


def _any(keys: tuple[str, ...]) -> Cond:
    return any_of(*(yes(k) for k in keys))


# §11.15 item 3: a shock sign recorded true is a danger sign (optional here: absent never makes the
# box incomplete). 2022 counts it on the sirkulasi side, 2015 like cold pale extremities.
SHOCK = fact("syok_tercatat", "tanda syok tercatat: crt_lebih_2_detik / nadi_lemah / "
                              "ujung_ekstremitas_dingin (opsional; setelan)")


def _oxygen_2015(ctx: Ctx) -> bool:
    """§11.15 item 4: cyanosis alone (WHO Pocket Book); the setting off restores the reference's
    "stridor, cyanosis and cold pale extremities"."""
    if ctx.settings.oksigen_2015_sianosis_saja:
        return ctx.value("sianosis") is True
    return all(ctx.value(k) is True for k in ("stridor", "sianosis",
                                               "ujung_tangan_kaki_pucat_dingin"))


register(_mt("tanda_bahaya", "2015", (
    Row("PENYAKIT_SANGAT_BERAT", MERAH, any_of(_any(TBU_15), SHOCK),
        treatments=(DIAZEPAM,
                    Tx("JALAN_NAPAS", when=_is("stridor", True), note="jika stridor"),
                    _oksigen("3–5", when=_oxygen_2015,
                             note="jika sianosis (kontrak §11.15 butir 4; setelan)"),
                    CEGAH_GULA, HANGAT),
        source="ref §3.1 (2015); S1, S2, S3; kontrak §11.15 butir 3, 4", confidence="H",
        note="Oksigen bila sianosis (WHO Pocket Book; rujukan §3.1 menulis stridor, sianosis DAN "
             "ujung ekstremitas pucat dingin). Tanda syok = tanda bahaya (§11.15 butir 3)."),
), source="ref §3.1"))

register(_mt("tanda_bahaya", "2022", (
    Row("GAGAL_JANTUNG_PARU", MERAH,
        all_of(_any(PENAMPILAN), _any(USAHA_NAPAS), any_of(_any(SIRKULASI), SHOCK)),
        treatments=(Tx("BANTUAN_HIDUP_DASAR"),
                    Tx("JALAN_NAPAS", when=_is("stridor", True), note="jika stridor"),
                    _oksigen("3–5"), DIAZEPAM, CEGAH_GULA, HANGAT),
        source="ref §3.1 (2022) baris 1; S4; kontrak §11.15 butir 3, 4", confidence="M",
        note="Tindakan pra-rujukan seperti PENYAKIT SANGAT BERAT sesudah bantuan hidup dasar "
             "(§11.15 butir 4); tanda syok di sisi sirkulasi (§11.15 butir 3)."),
    Row("PENYAKIT_SANGAT_BERAT", MERAH, any_of(_any(SAGA_ALL), SHOCK),
        treatments=(Tx("JALAN_NAPAS", when=_is("stridor", True), note="jika stridor"),
                    _oksigen("3–5"), DIAZEPAM, CEGAH_GULA, HANGAT),
        source="ref §3.1 (2022) baris 2; S4; kontrak §11.3, §11.15 butir 3", confidence="M"),
    Row("STABIL", HIJAU, none_of(*(yes(k) for k in SAGA_ALL), SHOCK),
        source="ref §3.1 (2022) baris 3; S4", confidence="M"),
), source="ref §3.1"))


# --------------------------------------------------------------------------------------------
# §3.2 batuk

def _amox_pneumonia_days(ctx: Ctx) -> int:
    hiv = ["INFEKSI_HIV_TERKONFIRMASI", "TERPAJAN_HIV"]
    if ctx.chart == "2015":
        hiv.append("DIDUGA_TERINFEKSI_HIV")
        if not ctx.settings.amoksisilin_5_hari_terpajan_hiv_2015:
            hiv.remove("TERPAJAN_HIV")
    return 5 if any(code in ctx.printed_codes for code in hiv) else 3


AMOX_PNEUMONIA = Tx("AMOKSISILIN",
                    dose=lambda c: doses.amoksisilin_pneumonia(_w(c), _amox_pneumonia_days(c)),
                    note="3 hari; 5 hari bila HIV terkonfirmasi/terpajan (2022) atau "
                         "terkonfirmasi/terpajan/diduga (2015, kontrak §11.15 butir 7)")
PELEGA = Tx("PELEGA_TENGGOROKAN")

for _chart, _flow, _fu_bbp, _fu_cond, _conf in (("2015", "2–3", 2, True, "H"),
                                                 ("2022", "1–4", 5, False, "L")):
    register(_mt("batuk", _chart, (
        Row("PNEUMONIA_BERAT", MERAH,
            any_of(yes("tarikan_dinding_dada"), num("spo2", "<", _spo2_low)),
            treatments=(_oksigen(_flow),) + ((BRONKO,) if _chart == "2022" else ())
            + (AMPISILIN, GENTAMISIN, HANGAT),
            source="ref §3.2 baris 1; S1, S2, S3 (2015); S7, S4 (2022)",
            confidence="H" if _chart == "2015" else "M"),
        Row("PNEUMONIA", KUNING, FAST,
            treatments=(AMOX_PNEUMONIA, PELEGA, BRONKO, RUJUK_TB),
            follow_up=2, source="ref §3.2 baris 2; S1, S2, S4", confidence="H"),
        Row("BATUK_BUKAN_PNEUMONIA", HIJAU, None,
            treatments=(PELEGA, BRONKO, RUJUK_TB),
            follow_up=_fu_bbp, follow_up_conditional=_fu_cond,
            source="ref §3.2 baris 3; S1, S2 (2015); S4 (2022)", confidence=_conf),
    ), opening=yes("batuk"), source="ref §3.2"))


# --------------------------------------------------------------------------------------------
# §3.3 diare (dehydration + persistent + dysentery tables)

def _rencana_c_now(ctx: Ctx) -> bool:
    return not _other_severe(ctx)


for _chart, _fu, _cond, _conf in (("2015", 3, True, "H"), ("2022", 2, False, "L")):
    dehydration = Table("diare.dehidrasi", (
        Row("DIARE_DEHIDRASI_BERAT", MERAH,
            at_least(2, eq("keadaan_umum", "letargis_tidak_sadar"), yes("mata_cekung"),
                     eq("kemampuan_minum", "malas_atau_tidak_bisa"),
                     eq("cubitan_kulit_perut", "sangat_lambat")),
            treatments=(
                Tx("RENCANA_TERAPI_C", dose=lambda c: doses.rencana_c(_w(c), c.age_months),
                   when=_rencana_c_now, note="jika tidak ada klasifikasi berat lain"),
                Tx("ZINK", dose=lambda c: doses.zink(c.age_months), when=_rencana_c_now,
                   note="jika tidak ada klasifikasi berat lain"),
                Tx("ORALIT_PERJALANAN", when=lambda c: _other_severe(c)
                   and c.value("tidak_bisa_minum") is not True,
                   note="jika ada klasifikasi berat lain dan anak masih bisa minum"),
                Tx("ANTIBIOTIK_KOLERA", dose=lambda c: doses.antibiotik_kolera(_w(c)),
                   when=lambda c: c.value("wabah_kolera") is True and c.age_months >= 24,
                   note="jika ada wabah kolera dan umur ≥ 24 bulan"),
                HANGAT),
            source="ref §3.3 baris 1; S1, S2, S4, S11; G6", confidence="H"),
        Row("DIARE_DEHIDRASI_RINGAN_SEDANG", KUNING,
            at_least(2, eq("keadaan_umum", "gelisah_rewel"), yes("mata_cekung"),
                     eq("kemampuan_minum", "haus_lahap"), eq("cubitan_kulit_perut", "lambat")),
            treatments=(Tx("RENCANA_TERAPI_B", dose=lambda c: doses.rencana_b(_w(c))), ZINK),
            follow_up=_fu, follow_up_conditional=_cond,
            source="ref §3.3 baris 2; S1, S2, S4", confidence=_conf),
        Row("DIARE_TANPA_DEHIDRASI", HIJAU, None,
            treatments=(Tx("RENCANA_TERAPI_A", dose=lambda c: doses.rencana_a(c.age_months)), ZINK),
            follow_up=_fu, follow_up_conditional=_cond,
            source="ref §3.3 baris 3; S1, S2, S4", confidence=_conf),
    ))
    persistent = Table("diare.persisten", (
        Row("DIARE_PERSISTEN_BERAT", MERAH,
            all_of(num("diare_hari", ">=", 14),
                   any_of(printed("diare", "DIARE_DEHIDRASI_BERAT"),
                          printed("diare", "DIARE_DEHIDRASI_RINGAN_SEDANG"))),
            treatments=(
                Tx("RENCANA_TERAPI_B", dose=lambda c: doses.rencana_b(_w(c)),
                   when=lambda c: "DIARE_DEHIDRASI_RINGAN_SEDANG" in c.printed_codes
                   and not _other_severe(c),
                   note="atasi dehidrasi dulu bila tidak ada klasifikasi berat lain"),
                Tx("ORALIT_PERJALANAN", when=lambda c: _other_severe(c)
                   and c.value("tidak_bisa_minum") is not True,
                   note="jika ada klasifikasi berat lain"),
                HANGAT),
            source="ref §3.3 (≥ 14 hari); S1, S2, S4, S11; kontrak §11.5", confidence="H"),
        Row("DIARE_PERSISTEN", KUNING,
            all_of(num("diare_hari", ">=", 14), printed("diare", "DIARE_TANPA_DEHIDRASI")),
            treatments=(Tx("KONSELING_PEMBERIAN_MAKAN",
                           label="Nasihat pemberian makan untuk diare persisten"), ZINK),
            follow_up=3 if _chart == "2015" else 2,
            source="ref §3.3 (≥ 14 hari); S1, S2, S4", confidence=_conf),
    ))
    dysentery = Table("diare.disentri", (
        Row("DISENTRI", KUNING, yes("darah_dalam_tinja"),
            treatments=(Tx("KOTRIMOKSAZOL", label="Kotrimoksazol oral untuk disentri",
                           dose=lambda c: doses.kotrimoksazol_disentri(_w(c))), ZINK),
            follow_up=3 if _chart == "2015" else 2,
            source="ref §3.3 (darah dalam tinja); S1, S2, S4; ref §5.4",
            confidence="H" if _chart == "2015" else "L"),
    ))
    register(_mt("diare", _chart, (dehydration, persistent, dysentery), opening=yes("diare"),
                 source="ref §3.3"))


# --------------------------------------------------------------------------------------------
# §3.4 demam: malaria

def _tes_malaria_when(ctx: Ctx) -> bool:
    return ctx.value("hasil_tes_malaria") not in ("positif", "negatif")


def _route_unknown(ctx: Ctx) -> bool:
    return ctx.fact("rute_endemis").value is None


NON_ENDEMIC = not_(ENDEMIC)
UNTESTED_IS_MALARIA = gate(lambda c: c.settings.malaria_tanpa_tes_endemis,
                           "setelan: anak tanpa tes di daerah endemis = MALARIA")
AGE_LE_3 = cite(("birth_date",), gate(
    lambda c: c.age_months <= c.settings.umur_maks_bulan_penyakit_berat_demam_non_endemis,
    "umur ≤ 3 bulan (setelan)"))

for _chart in BOTH:
    if _chart == "2015":
        pbdd_endemic_tx: tuple[Tx, ...] = (Tx("ANTIMALARIA_INJEKSI", label="Artemeter injeksi atau kinin injeksi "
                              "dosis pertama (malaria berat)"),
                           AMPISILIN, GENTAMISIN, CEGAH_GULA, PARASETAMOL_DEMAM, HANGAT)
        malaria_cond = any_of(eq("hasil_tes_malaria", "positif"),
                              all_of(UNTESTED_IS_MALARIA, eq("hasil_tes_malaria", "tidak_tersedia"),
                                     no("penyebab_demam_lain")))
    else:
        pbdd_endemic_tx = (Tx("ANTIMALARIA_INJEKSI", label="Artesunat injeksi dosis pertama",
                              dose=lambda c: doses.artesunat(_w(c))),
                           AMPISILIN, GENTAMISIN, CEGAH_GULA,
                           Tx("TES_MALARIA", when=_tes_malaria_when,
                              note="kecuali hasil tes sudah positif/negatif"),
                           PARASETAMOL_DEMAM, HANGAT)
        malaria_cond = any_of(eq("hasil_tes_malaria", "positif"),
                              all_of(UNTESTED_IS_MALARIA, eq("hasil_tes_malaria", "tidak_tersedia")))
    register(_mt("demam_malaria", _chart, (
        Row("PENYAKIT_BERAT_DENGAN_DEMAM", MERAH,
            all_of(any_of(ENDEMIC, gate(_route_unknown, "daerah malaria belum diketahui")),
                   any_of(DANGER, yes("kaku_kuduk"))),
            treatments=pbdd_endemic_tx, suffix="endemis",
            source="ref §3.4 endemis baris 1; S1, S2, S4", confidence="H",
            note="Jika daerah malaria belum diketahui, baris ini dipakai (pengobatan pra-rujukan "
                 "malaria berat tidak ditunda)."),
        Row("PENYAKIT_BERAT_DENGAN_DEMAM", MERAH,
            all_of(NON_ENDEMIC, any_of(DANGER, yes("kaku_kuduk"), AGE_LE_3)),
            treatments=(AMPISILIN, GENTAMISIN, CEGAH_GULA, PARASETAMOL_DEMAM, HANGAT),
            suffix="non_endemis", source="ref §3.4 non-endemis baris 1; S2, S3, S4",
            confidence="M"),
        Row("MALARIA", KUNING, all_of(ENDEMIC, malaria_cond),
            treatments=(Tx("DHP", dose=lambda c: doses.dhp(_w(c))),
                        Tx("PRIMAKUIN", dose=lambda c: doses.primakuin(_w(c)),
                           when=lambda c: not doses.primakuin_not_given(_w(c), c.age_months),
                           note="tidak untuk < 6 bulan atau BB < 6 kg"),
                        PARASETAMOL_DEMAM, RUJUK_DEMAM_7),
            follow_up=3, follow_up_conditional=True,
            source="ref §3.4 endemis baris 2; S1–S4; kontrak §11.11",
            confidence="H" if _chart == "2015" else "M"),
        Row("DEMAM_MUNGKIN_BUKAN_MALARIA", HIJAU,
            all_of(ENDEMIC, any_of(eq("hasil_tes_malaria", "negatif"), yes("penyebab_demam_lain"))),
            treatments=(PARASETAMOL_DEMAM, RUJUK_DEMAM_7),
            follow_up=3, follow_up_conditional=True,
            source="ref §3.4 endemis baris 3; S1–S4", confidence="H"),
        # "Otherwise" of the non-endemic table: cites the inputs that ruled out its severe row.
        Row("DEMAM_BUKAN_MALARIA", HIJAU,
            all_of(NON_ENDEMIC, none_of(DANGER, yes("kaku_kuduk"), AGE_LE_3)),
            treatments=(PARASETAMOL_DEMAM, RUJUK_DEMAM_7),
            follow_up=2, follow_up_conditional=True,
            source="ref §3.4 non-endemis baris 2; S2, S3, S4", confidence="H"),
    ), opening=FEVER, source="ref §3.4"))


# --------------------------------------------------------------------------------------------
# §3.5 campak

MEASLES = all_of(FEVER, any_of(yes("campak_3_bulan_terakhir"),
                               all_of(yes("ruam_seluruh_tubuh"), yes("batuk_pilek_mata_merah"))))
SALEP_MATA = Tx("SALEP_MATA", when=lambda c: c.value("mata_bernanah") in ("sedikit", "banyak")
                or c.value("kekeruhan_kornea") is True, note="jika mata bernanah atau kornea keruh")

for _chart in BOTH:
    register(_mt("campak", _chart, (
        Row("CAMPAK_DENGAN_KOMPLIKASI_BERAT", MERAH,
            any_of(DANGER, yes("kekeruhan_kornea"), eq("luka_mulut", "dalam_atau_luas")),
            treatments=(_vitamin_a(1), AMPISILIN, GENTAMISIN, SALEP_MATA,
                        PARASETAMOL_DEMAM, HANGAT),
            source="ref §3.5 baris 1; S1, S2, S4", confidence="H"),
        Row("CAMPAK_DENGAN_KOMPLIKASI_PADA_MATA_DAN_ATAU_MULUT", KUNING,
            any_of(eq("mata_bernanah", "sedikit", "banyak"), eq("luka_mulut", "ada")),
            treatments=(_vitamin_a(1, 2), SALEP_MATA,
                        Tx("ANTISEPTIK_MULUT", when=_is("luka_mulut", "ada"),
                           note="jika ada luka di mulut")),
            follow_up=3, source="ref §3.5 baris 2; S1, S2, S4", confidence="H"),
        Row("CAMPAK", HIJAU, None, treatments=(_vitamin_a(1),),
            source="ref §3.5 baris 3; S1, S2, S4", confidence="H"),
    ), opening=MEASLES, source="ref §3.5"))


# --------------------------------------------------------------------------------------------
# §3.6 dengue

DENGUE_OPEN = all_of(FEVER, num("demam_hari", ">=", 2), num("demam_hari", "<=", 7))
SHOCK_15 = (yes("ujung_ekstremitas_dingin"), yes("nadi_lemah"), yes("crt_lebih_2_detik"))

register(_mt("dengue", "2015", (
    Row("DEMAM_BERDARAH_DENGUE", MERAH,
        any_of(*SHOCK_15, yes("nyeri_perut"), yes("gelisah"), yes("muntah_berulang"),
               yes("perdarahan_hidung_gusi"),
               all_of(yes("petekie"), not_(eq("uji_torniket", "negatif"))),
               yes("perdarahan_saluran_cerna"), eq("uji_torniket", "positif")),
        treatments=(_oksigen("2–4", when=_shock, note="jika syok"),
                    Tx("CAIRAN_INTRAVENA", when=lambda c: _shock(c)
                       or c.value("muntah_berulang") is True or c.value("tidak_bisa_minum") is True,
                       note="syok: segera; tanpa syok tetapi muntah terus atau tidak mau minum: "
                            "Ringer laktat/asetat dosis rumatan"),
                    Tx("ORALIT_PERJALANAN", label="Beri oralit/cairan sebanyak mungkin selama "
                       "perjalanan", when=lambda c: not _shock(c)
                       and c.value("muntah_berulang") is not True
                       and c.value("tidak_bisa_minum") is not True,
                       note="tanpa syok, tidak muntah, masih bisa minum"),
                    PARASETAMOL_DEMAM, HANGAT),
        source="ref §3.6 (2015) baris 1; S1, S2, S3; kontrak §11.11", confidence="M",
        note="Jangan beri salisilat atau ibuprofen."),
    Row("MUNGKIN_DBD", KUNING,
        any_of(yes("demam_tinggi_mendadak_terus_menerus"),
               all_of(yes("petekie"), eq("uji_torniket", "negatif"))),
        treatments=(PARASETAMOL_DEMAM,),
        follow_up=1, source="ref §3.6 (2015) baris 2; S1, S2, S3", confidence="M"),
    Row("DEMAM_MUNGKIN_BUKAN_DBD", HIJAU, None, follow_up=2, follow_up_conditional=True,
        source="ref §3.6 (2015) baris 3; S1, S2, S3", confidence="M"),
), opening=DENGUE_OPEN, source="ref §3.6"))


def _fast_if_setting() -> Cond:
    return all_of(gate(lambda c: c.settings.napas_cepat_tanda_dengue_berat,
                       "setelan: napas cepat dihitung distres napas"), FAST)


SHOCK_22 = any_of(yes("crt_lebih_2_detik"), yes("nadi_lemah"),
                  all_of(yes("ekstremitas_pucat"), yes("ujung_ekstremitas_dingin")),
                  all_of(yes("ujung_ekstremitas_dingin"), yes("nadi_cepat")))


register(_mt("dengue", "2022", (
    Row("DENGUE_BERAT", MERAH,
        any_of(DANGER, SHOCK_22, yes("distres_napas"), _fast_if_setting(),
               yes("perdarahan_saluran_cerna"), yes("penurunan_kesadaran"),
               yes("frekuensi_nadi_menurun"), yes("tampak_kuning"), yes("nyeri_perut_hebat"),
               yes("tidak_bak_6_jam")),
        treatments=(_oksigen("1–2", when=holds(any_of(SHOCK_22, yes("distres_napas"))),
                             note="jika syok atau distres napas"),
                    Tx("CAIRAN_INTRAVENA", label="Cairan kristaloid isotonik intravena",
                       when=holds(SHOCK_22), note="jika syok"),
                    PARASETAMOL_DEMAM, HANGAT),
        source="ref §3.6 (2022) baris 1; S4; kontrak §11.14", confidence="M",
        note="Jangan beri aspirin, ibuprofen, diklofenak atau OAINS lain."),
    Row("DENGUE_DENGAN_WARNING_SIGNS", MERAH,
        any_of(yes("nyeri_perut"), yes("nyeri_tekan_perut_kanan_atas"), yes("muntah_berulang"),
               yes("akumulasi_cairan"), yes("perdarahan_hidung_gusi"), yes("petekie"),
               yes("letargi_atau_gelisah"), yes("pembesaran_hati"),
               yes("hematokrit_naik_trombosit_turun")),
        treatments=(Tx("CAIRAN_INTRAVENA", label="Cairan kristaloid intravena",
                       when=lambda c: c.value("muntah_berulang") is True
                       or c.value("tidak_bisa_minum") is True
                       or c.value("perdarahan_hidung_gusi") is True,
                       note="jika muntah terus, tidak bisa minum, atau perdarahan"),
                    PARASETAMOL_DEMAM, HANGAT),
        source="ref §3.6 (2022) baris 2; S4 (warna disimpulkan)", confidence="M"),
    Row("DENGUE_TANPA_WARNING_SIGNS", KUNING,
        any_of(yes("nyeri_otot_sendi"), yes("ruam_kulit"), eq("uji_torniket", "positif"),
               eq("ns1", "positif"), num("leukosit_per_ul", "<", 4000),
               num("trombosit_per_ul", "<", 100000)),
        treatments=(PARASETAMOL_DEMAM,
                    _rujuk("dengue pada anak di bawah 1 tahun", when=lambda c: c.age_months < 12,
                           note="jika umur < 12 bulan")),
        follow_up=1, source="ref §3.6 (2022) baris 3; S4", confidence="L"),
    Row("DEMAM_MUNGKIN_BUKAN_DENGUE", HIJAU, None, follow_up=2,
        source="ref §3.6 (2022) baris 4; S4", confidence="L"),
), opening=DENGUE_OPEN, source="ref §3.6"))


# --------------------------------------------------------------------------------------------
# §3.7 telinga

def _amoksisilin_telinga(days: int) -> Callable[[Ctx], Any]:
    return lambda c: doses.amoksisilin_telinga(_w(c), days)


for _chart, _days in (("2015", 7), ("2022", 10)):
    register(_mt("telinga", _chart, (
        Row("MASTOIDITIS", MERAH, yes("bengkak_nyeri_belakang_telinga"),
            treatments=(AMPISILIN, GENTAMISIN, PARASETAMOL_NYERI, HANGAT),
            source="ref §3.7 baris 1; S1, S2, S4", confidence="H"),
        Row("INFEKSI_TELINGA_KRONIS", KUNING,
            all_of(yes("keluar_cairan_telinga"), num("cairan_telinga_hari", ">=", 14)),
            treatments=(Tx("KERINGKAN_TELINGA"),
                        Tx("TETES_TELINGA_KUINOLON",
                           dose=lambda c: "2–3 tetes, 2 kali sehari selama 14 hari setelah telinga "
                                          "dikeringkan")),
            follow_up=5, source="ref §3.7 baris 2; S1, S2, S4; kontrak §11.11", confidence="H"),
        Row("INFEKSI_TELINGA_AKUT", KUNING,
            any_of(yes("nyeri_telinga"), yes("rasa_penuh_telinga"),
                   all_of(yes("keluar_cairan_telinga"), num("cairan_telinga_hari", "<", 14))),
            treatments=(Tx("AMOKSISILIN", dose=_amoksisilin_telinga(_days)),
                        PARASETAMOL_NYERI,
                        Tx("KERINGKAN_TELINGA", when=_is("keluar_cairan_telinga", True),
                           note="jika ada cairan")),
            follow_up=5, source="ref §3.7 baris 3; S1, S2 (7 hari), S4 (10 hari)",
            confidence="H" if _chart == "2015" else "L"),
        Row("TIDAK_ADA_INFEKSI_TELINGA", HIJAU, None,
            source="ref §3.7 baris 4", confidence="H"),
    ), opening=yes("masalah_telinga"), source="ref §3.7"))


# --------------------------------------------------------------------------------------------
# §3.9 anemia

def _anemia_treatments() -> tuple[Tx, ...]:
    return (
        Tx("ZAT_BESI", dose=lambda c: doses.zat_besi(_w(c)), when=lambda c: c.age_months >= 6,
           note="umur ≥ 6 bulan; tanpa dosis di bawah 7 kg"),
        Tx("OBAT_CACING", dose=lambda c: doses.obat_cacing(c.age_months),
           when=_is("obat_cacing_6_bulan_terakhir", False),
           note="jika belum mendapat obat cacing dalam 6 bulan terakhir"),
        Tx("TES_MALARIA", when=lambda c: c.value("malaria_area") == "tinggi"
           and _tes_malaria_when(c), note="daerah endemis tinggi, belum ada hasil tes"),
    )


register(_mt("anemia", "2015", (
    Row("ANEMIA_BERAT", MERAH, eq("kepucatan", "sangat_pucat"), treatments=(HANGAT,),
        source="ref §3.9 baris 1; S1, S2", confidence="H"),
    Row("ANEMIA", KUNING, eq("kepucatan", "agak_pucat"), treatments=_anemia_treatments(),
        follow_up=14, source="ref §3.9 baris 2; S1, S2", confidence="H"),
    Row("TIDAK_ANEMIA", HIJAU, None, source="ref §3.9 baris 3", confidence="H"),
), source="ref §3.9"))


def _hb_severe(c: Ctx) -> float:
    return cast(float, c.settings.hb_anemia_berat_g_dl)


def _hb_anemia(c: Ctx) -> float:
    return cast(float, c.settings.hb_anemia_g_dl)


setattr(_hb_severe, "text", "7 (setelan)")
setattr(_hb_anemia, "text", "10 (setelan)")

register(_mt("anemia", "2022", (
    Row("ANEMIA_BERAT", MERAH, any_of(eq("kepucatan", "sangat_pucat"),
                                      num("hb_g_dl", "<", _hb_severe)),
        treatments=(HANGAT,), source="ref §3.9 baris 1; S4 (Hb [L])", confidence="M"),
    Row("ANEMIA", KUNING, any_of(eq("kepucatan", "agak_pucat"), num("hb_g_dl", "<", _hb_anemia)),
        treatments=_anemia_treatments(), follow_up=7,
        source="ref §3.9 baris 2; S4 (kunjungan ulang 7 hari [L])", confidence="L"),
    Row("TIDAK_ANEMIA", HIJAU, None, source="ref §3.9 baris 3", confidence="M"),
), source="ref §3.9"))


# --------------------------------------------------------------------------------------------
# §3.10 HIV (§11.12)

HIV_CONFIRMED = any_of(eq("tes_virologi_anak", "positif"),
                       eq("tes_serologi_anak", "positif_18_bulan_atau_lebih"))
HIV_EXPOSED = any_of(eq("tes_serologi_anak", "positif_di_bawah_18_bulan"),
                     all_of(eq("tes_hiv_ibu", "positif"), eq("tes_virologi_anak", "belum")),
                     all_of(eq("tes_hiv_ibu", "positif"), eq("tes_virologi_anak", "negatif"),
                            yes("masih_menyusu_atau_baru_berhenti")))
KOTRI_PROFILAKSIS = Tx("KOTRIMOKSAZOL", label="Kotrimoksazol profilaksis")


def _tes_hiv(ctx: Ctx, res: ModuleResult) -> list[TxItem]:
    from mtbs_tui.rules.codes import treatment_label
    printed_any = any(tr.printed is not None for tr in res.tables)
    if not printed_any and ctx.value("indikasi_tes_hiv"):
        return [TxItem("TES_HIV", treatment_label("TES_HIV"), None)]
    return []


register(_mt("hiv", "2022", (
    Row("INFEKSI_HIV_TERKONFIRMASI", KUNING, HIV_CONFIRMED,
        treatments=(KOTRI_PROFILAKSIS, _rujuk("layanan ARV (PDP) dan pelacakan TB")),
        source="ref §3.10 (2022) baris 1; S4; kontrak §11.12", confidence="M"),
    Row("TERPAJAN_HIV", KUNING, HIV_EXPOSED,
        treatments=(KOTRI_PROFILAKSIS, _rujuk("tes virologis/serologis HIV sesuai umur")),
        source="ref §3.10 (2022) baris 2; S4; kontrak §11.12", confidence="M"),
    Row("MUNGKIN_BUKAN_INFEKSI_HIV", HIJAU,
        all_of(eq("tes_hiv_ibu", "negatif"),
               any_of(eq("tes_virologi_anak", "negatif"), eq("tes_serologi_anak", "negatif"))),
        source="ref §3.10 (2022) baris 3; S4; kontrak §11.12", confidence="M"),
), extra=_tes_hiv, source="ref §3.10"))

_hiv15_exposed = Row("TERPAJAN_HIV", KUNING, HIV_EXPOSED,
                     treatments=(KOTRI_PROFILAKSIS, _rujuk("tes HIV, profilaksis ARV dan "
                                                           "kotrimoksazol"),
                                 Tx("KONSELING_PEMBERIAN_MAKAN")),
                     source="ref §3.10 (2015); kontrak §11.12", confidence="L")
_hiv15_suspected = Row("DIDUGA_TERINFEKSI_HIV", KUNING,
                       any_of(eq("tes_hiv_ibu", "positif"), yes("keluarga_hiv")),
                       treatments=(KOTRI_PROFILAKSIS, _rujuk("tes HIV lanjutan dan ARV")),
                       source="ref §3.10 (2015) baris 2; S1, S2, S3; kontrak §11.12",
                       confidence="L")


def _hiv15_rows(exposed_first: bool) -> tuple[Row, ...]:
    middle = (_hiv15_exposed, _hiv15_suspected) if exposed_first else (
        _hiv15_suspected, _hiv15_exposed)
    return (
        Row("INFEKSI_HIV_TERKONFIRMASI", KUNING, HIV_CONFIRMED,
            treatments=(KOTRI_PROFILAKSIS, _rujuk("layanan ARV (PDP)")),
            source="ref §3.10 (2015) baris 1; S1, S2; kontrak §11.4, §11.12", confidence="M"),
        *middle,
        Row("MUNGKIN_BUKAN_INFEKSI_HIV", HIJAU,
            any_of(eq("tes_hiv_ibu", "negatif"), eq("tes_virologi_anak", "negatif"),
                   eq("tes_serologi_anak", "negatif")),
            source="ref §3.10 (2015) baris 4; kontrak §11.12", confidence="M"),
    )


HIV_2015 = _mt("hiv", "2015", _hiv15_rows(True), source="ref §3.10")
HIV_2015_DIDUGA_FIRST = _mt("hiv", "2015", _hiv15_rows(False), source="ref §3.10")
register(HIV_2015)
register_variant("2015", lambda s: not s.hiv_2015_terpajan_sebelum_diduga, HIV_2015_DIDUGA_FIRST)


# --------------------------------------------------------------------------------------------
# §3.8 gizi

def _printed_merah(module: str) -> Cond:
    """§5.6 2015 complication: a merah row printed by ``module`` (unknown while it could be)."""
    def fn(ctx: Ctx) -> Outcome:
        res = ctx.results.get(module)
        if res is None or res.applies is False:
            return Outcome(False)
        if res.applies is None:
            return Outcome(None, missing=res.missing)
        unknown = False
        for tr in res.tables:
            if tr.printed is not None and tr.table.rows[tr.printed].colour == MERAH:
                return Outcome(True, tr.outcomes[tr.printed].because)
            if tr.stop is not None and any(r.colour == MERAH for r in tr.table.rows[tr.stop:]):
                # Stopped at or above a merah row that did not print: could still be merah.
                unknown = True
        if unknown:
            return Outcome(None, missing=res.missing)
        return Outcome(False)
    return Cond(fn, f"{module} merah")


COMPLICATION_15 = any_of(
    DANGER, *(_printed_merah(m) for m in ("tanda_bahaya", "batuk", "diare", "demam_malaria",
                                          "campak", "dengue", "telinga", "anemia")),
    all_of(UNDER_6, yes("masalah_menyusu")))
COMPLICATION_22 = any_of(
    yes("anoreksia"), yes("penurunan_kesadaran"), yes("komplikasi_medis_lain"),
    printed("diare", "DIARE_DEHIDRASI_BERAT"), printed("batuk", "PNEUMONIA_BERAT"),
    printed("anemia", "ANEMIA_BERAT"), printed("demam_malaria", "PENYAKIT_BERAT_DENGAN_DEMAM"))

Z = "zskor_bb_pb"
OEDEMA_ANY = eq("edema", "+1", "+2", "+3")
WASTING_15 = any_of(yes("tampak_sangat_kurus"), num(Z, "<", -3),
                    all_of(AGE_6, num("muac_cm", "<", 11.5)))
RESOMAL = Tx("RESOMAL", dose=lambda c: doses.resomal(_w(c)), when=_is("diare", True),
             note="jika diare")


def _gizi_15(oedema_is_complicated: bool) -> ModuleTable:
    row1 = any_of(OEDEMA_ANY, all_of(WASTING_15, COMPLICATION_15)) if oedema_is_complicated \
        else all_of(any_of(WASTING_15, OEDEMA_ANY), COMPLICATION_15)
    return _mt("gizi", "2015", (
        Row("SANGAT_KURUS_DENGAN_KOMPLIKASI", MERAH, row1,
            treatments=(AMPISILIN, GENTAMISIN, _vitamin_a(1), CEGAH_GULA, HANGAT),
            source="ref §3.8 (2015) baris 1; S1, S2, S3; kontrak §11.11 (edema)", confidence="M"),
        Row("SANGAT_KURUS_TANPA_KOMPLIKASI", KUNING,
            WASTING_15 if oedema_is_complicated else any_of(WASTING_15, OEDEMA_ANY),
            treatments=(Tx("AMOKSISILIN", dose=lambda c: doses.amoksisilin_pneumonia(_w(c), 5)),
                        _vitamin_a(1, 2, 15), CEGAH_GULA, HANGAT,
                        _rujuk("perawatan anak sangat kurus dan penyakit penyerta")),
            follow_up=7, source="ref §3.8 (2015) baris 2; S1, S2, S3", confidence="H"),
        Row("KURUS", KUNING,
            any_of(between(Z, -3, -2), all_of(AGE_6, between("muac_cm", 11.5, 12.5))),
            treatments=(_rujuk("pemeriksaan penyakit penyerta (TB, dll.)"),),
            follow_up=30, source="ref §3.8 (2015) baris 3; S1, S2, S3", confidence="H"),
        Row("GIZI_NORMAL", HIJAU,
            all_of(num(Z, ">=", -2), only_if(lambda c: c.age_months >= 6,
                                             num("muac_cm", ">=", 12.5), "umur ≥ 6 bulan"),
                   eq("edema", "tidak"), no("tampak_sangat_kurus")),
            source="ref §3.8 (2015) baris 4; S1, S2, S3", confidence="H"),
    ), source="ref §3.8")


GIZI_2015 = _gizi_15(True)
GIZI_2015_EDEMA_TANPA_KOMPLIKASI = _gizi_15(False)
register(GIZI_2015)
register_variant("2015", lambda s: not s.edema_2015_sangat_kurus_dengan_komplikasi,
                 GIZI_2015_EDEMA_TANPA_KOMPLIKASI)

_GBDK_TX = (CEGAH_GULA, HANGAT,
            Tx("CAIRAN_INTRAVENA", when=_shock, note="jika ada tanda syok"),
            Tx("DEKSTROSA_IV", when=_shock, note="jika ada tanda syok"),
            RESOMAL, AMPISILIN, GENTAMISIN, _vitamin_a(1))
_GIZI_KURANG_TX = (Tx("SKRINING_SDIDTK"), _rujuk("pemeriksaan TB/HIV oleh dokter"))
_OBES_TX = (_rujuk("obesitas, ke rumah sakit"),)
_LEBIH_TX = (Tx("KONSELING_PEMBERIAN_MAKAN", label="Konseling gizi dan aktivitas fisik"),)
_U6 = "bawah_6_bulan"

register(_mt("gizi", "2022", (
    # 2 – < 6 months (reference order; row 1 on any one item, §11.11)
    Row("GIZI_BURUK_DENGAN_KOMPLIKASI", MERAH,
        all_of(UNDER_6, any_of(num(Z, "<", -3), OEDEMA_ANY, yes("terlalu_lemah_menyusu"),
                               yes("berat_badan_tidak_naik"), COMPLICATION_22)),
        treatments=_GBDK_TX, suffix=_U6, source="ref §3.8 (2022) 2–<6 bulan baris 1; S4",
        confidence="L"),
    Row("GIZI_KURANG", KUNING, all_of(UNDER_6, between(Z, -3, -2)), treatments=_GIZI_KURANG_TX,
        follow_up=14, suffix=_U6, source="ref §3.8 (2022) 2–<6 bulan baris 2; S4", confidence="L"),
    Row("GIZI_BAIK", HIJAU, all_of(UNDER_6, num(Z, ">=", -2), num(Z, "<=", 1)), suffix=_U6,
        source="ref §3.8 (2022) 2–<6 bulan baris 3; S4", confidence="L"),
    Row("BERISIKO_GIZI_LEBIH", KUNING, all_of(UNDER_6, num(Z, ">", 1), num(Z, "<=", 2)),
        treatments=_LEBIH_TX, follow_up=14, suffix=_U6,
        source="ref §3.8 (2022) 2–<6 bulan baris 4; S4", confidence="L"),
    Row("GIZI_LEBIH", KUNING, all_of(UNDER_6, num(Z, ">", 2), num(Z, "<=", 3)),
        treatments=_LEBIH_TX, follow_up=14, suffix=_U6,
        source="ref §3.8 (2022) 2–<6 bulan baris 5; S4", confidence="L"),
    Row("OBESITAS", KUNING, all_of(UNDER_6, num(Z, ">", 3)), treatments=_OBES_TX, suffix=_U6,
        source="ref §3.8 (2022) 2–<6 bulan baris 6; S4", confidence="L"),
    # 6 – 59 months, under-nutrition first (§11.11)
    Row("GIZI_BURUK_DENGAN_KOMPLIKASI", MERAH,
        all_of(AGE_6, any_of(eq("edema", "+3"), num("weight_kg", "<", 4),
                             all_of(any_of(num(Z, "<", -3), num("muac_cm", "<", 11.5),
                                           eq("edema", "+1", "+2")), COMPLICATION_22))),
        treatments=_GBDK_TX, source="ref §3.8 (2022) 6–59 bulan baris 4; S4; kontrak §11.11",
        confidence="M"),
    Row("GIZI_BURUK_TANPA_KOMPLIKASI", KUNING,
        all_of(AGE_6, any_of(num(Z, "<", -3), num("muac_cm", "<", 11.5), eq("edema", "+1", "+2"))),
        treatments=(Tx("AMOKSISILIN", dose=lambda c: doses.amoksisilin_gizi_buruk(_w(c))),
                    _vitamin_a(1, 2, 15), CEGAH_GULA, HANGAT,
                    Tx("SKRINING_SDIDTK"), RESOMAL,
                    _rujuk("pemeriksaan TB/HIV oleh dokter")),
        follow_up=7, source="ref §3.8 (2022) 6–59 bulan baris 5; S4", confidence="M"),
    Row("GIZI_KURANG", KUNING,
        all_of(AGE_6, any_of(between(Z, -3, -2), between("muac_cm", 11.5, 12.5))),
        treatments=_GIZI_KURANG_TX, follow_up=14,
        source="ref §3.8 (2022) 6–59 bulan baris 6; S4", confidence="L"),
    Row("OBESITAS", KUNING, all_of(AGE_6, num(Z, ">", 3)), treatments=_OBES_TX,
        source="ref §3.8 (2022) 6–59 bulan baris 1; S4; kontrak §11.4", confidence="L"),
    Row("GIZI_LEBIH", KUNING, all_of(AGE_6, num(Z, ">", 2)), treatments=_LEBIH_TX, follow_up=14,
        source="ref §3.8 (2022) 6–59 bulan baris 2; S4", confidence="L"),
    Row("BERISIKO_GIZI_LEBIH", KUNING, all_of(AGE_6, num(Z, ">", 1)), treatments=_LEBIH_TX,
        follow_up=14, source="ref §3.8 (2022) 6–59 bulan baris 3; S4", confidence="L"),
    Row("GIZI_BAIK", HIJAU,
        all_of(AGE_6, num(Z, ">=", -2), num("muac_cm", ">=", 12.5), eq("edema", "tidak")),
        source="ref §3.8 (2022) 6–59 bulan baris 7; S4", confidence="M"),
), source="ref §3.8"))


def _setting(name: str, text: str) -> Callable[[Ctx], Any]:
    fn = lambda c: getattr(c.settings, name)  # noqa: E731
    setattr(fn, "text", text)
    return fn


ZP = "zskor_pb_u"
register(_mt("pertumbuhan", "2022", (
    Row("SANGAT_PENDEK", KUNING, num(ZP, "<", _setting("zskor_pb_u_sangat_pendek", "-3 (setelan)")),
        treatments=(_rujuk("sangat pendek, ke rumah sakit"),),
        source="ref §3.8 status pertumbuhan; S4, S5; Permenkes 2/2020 [L]", confidence="L"),
    Row("PENDEK", KUNING, num(ZP, "<", _setting("zskor_pb_u_pendek", "-2 (setelan)")),
        treatments=(_rujuk("pendek: konfirmasi BB/U, BB/PB atau BB/TB dan perkembangan"),
                    Tx("SKRINING_SDIDTK")),
        source="ref §3.8 status pertumbuhan; S4, S5", confidence="L"),
    Row("PERTUMBUHAN_NORMAL", HIJAU,
        num(ZP, "<=", _setting("zskor_pb_u_tinggi", "+3 (setelan)")),
        source="ref §3.8 status pertumbuhan; S4, S5", confidence="L"),
    Row("TINGGI", KUNING, num(ZP, ">", _setting("zskor_pb_u_tinggi", "+3 (setelan)")),
        treatments=(_rujuk("tinggi di atas normal, ke rumah sakit"),),
        source="ref §3.8 status pertumbuhan; S4, S5", confidence="L"),
), source="ref §3.8"))

ZL = "zskor_lk_u"
register(_mt("lingkar_kepala", "2022", (
    Row("MAKROSEFALI", KUNING, num(ZL, ">", _setting("zskor_lk_u_makrosefali", "+2 (setelan)")),
        treatments=(_rujuk("makrosefali, ke rumah sakit"),),
        source="ref §3.8 lingkar kepala; S4, S5; Permenkes 2/2020 [L]", confidence="L"),
    Row("LINGKAR_KEPALA_NORMAL", HIJAU,
        num(ZL, ">=", _setting("zskor_lk_u_mikrosefali", "-2 (setelan)")),
        source="ref §3.8 lingkar kepala; S4, S5", confidence="L"),
    Row("MIKROSEFALI", KUNING, num(ZL, "<", _setting("zskor_lk_u_mikrosefali", "-2 (setelan)")),
        treatments=(_rujuk("mikrosefali, ke rumah sakit"),),
        source="ref §3.8 lingkar kepala; S4, S5", confidence="L"),
), source="ref §3.8"))


# --------------------------------------------------------------------------------------------
# §3.13 pemberian makan

FEEDING_OPEN = any_of(cite(("birth_date",), gate(lambda c: c.age_months < 24, "umur < 24 bulan")),
                      printed("anemia", "ANEMIA"), printed("gizi", "KURUS"),
                      printed("gizi", "GIZI_KURANG"), printed("gizi", "SANGAT_KURUS_TANPA_KOMPLIKASI"),
                      printed("gizi", "GIZI_BURUK_TANPA_KOMPLIKASI"))
for _chart in BOTH:
    register(_mt("pemberian_makan", _chart, (
        Row("MASALAH_PEMBERIAN_MAKAN", KUNING, yes("masalah_pemberian_makan"),
            treatments=(Tx("KONSELING_PEMBERIAN_MAKAN"),), follow_up=7,
            source="ref §3.13; S1, S2", confidence="H"),
    ), opening=FEEDING_OPEN, source="ref §3.13"))


# --------------------------------------------------------------------------------------------
# §3.11 imunisasi, §3.12 vitamin A (treatment-only modules)

# (dose, completed months at which it is due, earlier doses of its series)
SCHEDULE: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("bcg", 1, ()), ("polio_1", 1, ()), ("polio_2", 2, ("polio_1",)),
    ("polio_3", 3, ("polio_1", "polio_2")), ("polio_4", 4, ("polio_1", "polio_2", "polio_3")),
    ("dpt_hb_hib_1", 2, ()), ("dpt_hb_hib_2", 3, ("dpt_hb_hib_1",)),
    ("dpt_hb_hib_3", 4, ("dpt_hb_hib_1", "dpt_hb_hib_2")),
    ("ipv_1", 4, ()), ("ipv_2", 9, ("ipv_1",)),
    ("pcv_1", 2, ()), ("pcv_2", 3, ("pcv_1",)), ("pcv_3", 12, ("pcv_1", "pcv_2")),
    ("rotavirus_1", 2, ()), ("rotavirus_2", 3, ("rotavirus_1",)),
    ("rotavirus_3", 4, ("rotavirus_1", "rotavirus_2")),
    ("campak_rubela_1", 9, ()), ("je", 10, ()),
    ("dpt_hb_hib_lanjutan", 18, ("dpt_hb_hib_1", "dpt_hb_hib_2", "dpt_hb_hib_3")),
    ("campak_rubela_lanjutan", 18, ("campak_rubela_1",)),
)


def doses_due(ctx: Ctx, received: list[str] | tuple[str, ...]) -> list[str]:
    """Doses due today (§9 IMUNISASI_<DOSE>), in the order of the enum."""
    from mtbs_tui.rules.codes import IMMUNISATION_DOSES
    got = set(received)
    due = set()
    if ctx.age_days <= ctx.settings.hb0_umur_maks_hari and "hb0" not in got:
        due.add("hb0")
    for dose, months, earlier in SCHEDULE:
        if dose == "je" and not ctx.settings.imunisasi_je:
            continue
        if dose in got or ctx.age_months < months:
            continue
        if not within_vaccine_limit(dose, ctx.age_days, ctx.age_months, ctx.settings):
            continue  # §11.15 item 5: past its upper age limit
        if all(e in got for e in earlier):
            due.add(dose)
    return [d for d in IMMUNISATION_DOSES if d in due]


def _imunisasi(ctx: Ctx) -> tuple[list[TxItem], tuple[str, ...]]:
    from mtbs_tui.rules.codes import treatment_label
    received = ctx.value("imunisasi_diterima")
    if received is None:
        return [], ("imunisasi_diterima",)
    if ctx.refer_urgently:
        return [], ()
    items = [TxItem(f"IMUNISASI_{d.upper()}", treatment_label(f"IMUNISASI_{d.upper()}"), None)
             for d in doses_due(ctx, received)]
    return items, ()


def _vitamin_a_supplement(ctx: Ctx) -> tuple[list[TxItem], tuple[str, ...]]:
    if ctx.age_months < 6:
        return [], ()
    given = ctx.value("vitamin_a_6_bulan_terakhir")
    if given is None:
        return [], ("vitamin_a_6_bulan_terakhir",)
    if given or ctx.refer_urgently:
        return [], ()
    treatment_due = any(
        any(tx.code == "VITAMIN_A" for tx in row.treatments)
        for _, row, _tr in ctx.printed_rows())
    if treatment_due:  # §9: only the treatment dose is listed
        return [], ()
    return [TxItem("VITAMIN_A", "Vitamin A suplementasi", doses.vitamin_a_supplement(ctx.age_months))], ()


for _chart in BOTH:
    register(TreatmentModule("imunisasi", "balita", (_chart,), _imunisasi, order=ORDER["imunisasi"],
                             source="ref §3.11; kontrak §9",
                             text="Dosis yang jatuh tempo hari ini (umur dalam bulan genap), satu "
                                  "dosis per seri, bila belum lewat batas umur atasnya "
                                  "(kontrak §11.15 butir 5; setelan batas_umur_atas_vaksin); "
                                  "tidak ada bila rujuk segera."))
    register(TreatmentModule("vitamin_a", "balita", (_chart,), _vitamin_a_supplement,
                             order=ORDER["vitamin_a"], source="ref §3.12; kontrak §9",
                             text="Suplementasi mulai 6 bulan bila belum mendapat kapsul dalam 6 "
                                  "bulan terakhir; tidak bila dosis pengobatan sudah diberikan."))
