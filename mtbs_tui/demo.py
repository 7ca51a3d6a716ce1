"""Synthetic demo register: a fictional puskesmas, Indonesian children and a year of MTBS/MTBM visits.

Every final visit carries REAL engine output (`mtbs_tui.rules.classify`). To make a 100,000-visit
register in seconds, each scenario is classified once per *age bucket* and the result is reused for
every visit of that scenario and bucket. Buckets never straddle an age at which the chart changes
its answer (fast-breathing cut-off at 12 months, MUAC and vitamin A from 6 months, vaccine ages
and the vaccines' upper age limits, dose bands by age; for bayi muda day 1, day 7 and day 14), and everything else the engine reads is
fixed per scenario and bucket: weight and length are the bucket's representative values and the
z-scores are given as `zskor_*` findings. So re-classifying any stored demo case gives the stored
result (tests/test_register_demo.py checks every visit). Only `age` in the result is set to the
visit's own age.

The visits are planned day by day in time order and written in explicit transactions of 5,000
visits by a writer thread, while this thread plans the next days (docs/architecture.md explains
how the rows are expanded inside SQLite).
"""
from __future__ import annotations

import bisect
import datetime as _dt
import itertools
import json
import queue
import random
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mtbs_tui import db as dbmod
from mtbs_tui.patient_fields import name_key
from mtbs_tui.register import REPLY_DIED, Register, result_rows, rules_version
from mtbs_tui.rules.age import YOUNG_INFANT_DAYS, Age, age_on, pathway_for_days
from mtbs_tui.rules.settings import VACCINE_UPPER_LIMITS

Findings = dict[str, Any]
BATCH = 5000

# One head of the puskesmas: the facility's "Mengetahui" signature and the `kepala` account.
DEMO_HEAD_NAME = "dr. Ani Rahmawati"
DEMO_HEAD_NIP = "198001012010012001"

DEMO_FACILITY = dict(
    name="Puskesmas Sukamaju (DEMO)",
    code="P5301999",
    address="Jl. Contoh No. 1, Desa Sukamaju",
    district="Kabupaten Contoh",
    province="Nusa Tenggara Timur",
    malaria_area="rendah",
    head_name=DEMO_HEAD_NAME,
    head_nip=DEMO_HEAD_NIP,
    chart_default="2022",
    phone="0380000000",
)
WORKERS = ("Bd. Sari", "Ns. Rudi", "Bd. Yuliana", "Ns. Maria", "dr. Agus")


@dataclass(frozen=True)
class Practice:
    """How a fictional puskesmas works, for the district view of issue 18 (`mtbs demo --varian`).

    `follow_up_percent`: the share of visits that are follow-ups that came (the default demo: 1 in
    5); a puskesmas that skips follow-ups books few. `given`: the demo records what was actually
    given (issue 17) for every visit, as the chart recommends, with `cough_antibiotic` the share of
    BATUK BUKAN PNEUMONIA visits (no antibiotic in the chart) that also got an antibiotic outside
    the chart. `minutes`: the range of minutes from the first draft to the saved visit (none: saved
    without a draft, as the default demo)."""
    key: str
    name: str
    code: str
    description: str
    follow_up_percent: int = 20
    given: bool = False
    cough_antibiotic: float = 0.0
    minutes: tuple[int, int] | None = None


PRACTICES: dict[str, Practice] = {p.key: p for p in (
    Practice("sukamaju", "Puskesmas Sukamaju (DEMO)", "P5301999", "bawaan"),
    Practice("mekar", "Puskesmas Mekar Sari (DEMO)", "P5301001",
             "praktik baik: kunjungan ulang datang, obat sesuai bagan", follow_up_percent=45, given=True,
             minutes=(8, 16)),
    Practice("lestari", "Puskesmas Lestari (DEMO)", "P5301002",
             "kunjungan ulang jarang dilakukan", follow_up_percent=3, given=True, cough_antibiotic=0.02,
             minutes=(6, 12)),
    Practice("harapan", "Puskesmas Harapan (DEMO)", "P5301003",
             "banyak antibiotik untuk batuk bukan pneumonia", follow_up_percent=20, given=True,
             cough_antibiotic=0.8, minutes=(5, 10)),
)}
# What a deviation says when the demo gives an antibiotic the chart did not list.
DEMO_ANTIBIOTIC_TEXT = "Amoksisilin sirup 125 mg/5 mL 3 x 1 sendok takar"

BOYS = ("Budi", "Rizky", "Andi", "Putra", "Fajar", "Dimas", "Bayu", "Yohanes", "Stefanus", "Gabriel",
        "Arif", "Bagas", "Rafi", "Kevin", "Aldo", "Fransiskus", "Yosef", "Ilham", "Reza", "Dafa",
        "Muhammad", "Ahmad", "Galih", "Kristo", "Marselino")
GIRLS = ("Aisyah", "Siti", "Dewi", "Putri", "Nur", "Maria", "Angelina", "Yasinta", "Fitri", "Intan",
         "Nabila", "Keisha", "Zahra", "Anastasia", "Veronika", "Ayu", "Citra", "Lestari", "Rahma",
         "Bunga", "Kartika", "Theresia", "Salsabila", "Naura", "Elisabet")
FAMILY = ("Santoso", "Wijaya", "Saputra", "Lestari", "Ananda", "Halimah", "Pratama", "Kurniawan",
          "Hidayat", "Manek", "Seran", "Bere", "Nahak", "Tefa", "Lake", "Sari", "Rahmawati", "Nugroho",
          "Da Costa", "Fernandez", "Mau", "Klau", "Taek", "Amaral", "Siregar")
MOTHERS = ("Wati", "Yuliana", "Maria", "Sri", "Nurhayati", "Agustina", "Fransiska", "Rosa", "Ani",
           "Susanti", "Dominika", "Kristina", "Margareta", "Yanti", "Rina", "Imelda", "Sisilia", "Lina")
VILLAGES = ("Sukamaju", "Oebelo", "Naibonat", "Tuapukan", "Oelnasi", "Manusak", "Pukdale", "Noelbaki",
            "Oesao", "Bipolo", "Camplong", "Nunkurus")

# --- ages: buckets in which the chart's answer does not change -------------------------------------

BALITA_BUCKETS = ((1, 1), (2, 2), (3, 3), (4, 5), (6, 8), (9, 9), (10, 11), (12, 17), (18, 23), (24, 35),
                  (36, 47), (48, 59))
# Representative month of each bucket -> (weight kg, length cm) near the WHO median.
_REP = {1: (4.5, 54.7), 2: (5.4, 57.8), 3: (6.2, 61.0), 4: (6.9, 64.4), 6: (7.9, 68.3), 9: (8.6, 71.5),
        10: (9.0, 73.4), 12: (10.0, 78.4), 18: (11.3, 84.8), 24: (12.9, 91.3), 36: (14.8, 99.6),
        48: (16.6, 106.8)}
SCHEDULE = (("bcg", 1), ("polio_1", 1), ("dpt_hb_hib_1", 2), ("polio_2", 2), ("pcv_1", 2), ("rotavirus_1", 2),
            ("dpt_hb_hib_2", 3), ("polio_3", 3), ("pcv_2", 3), ("rotavirus_2", 3), ("dpt_hb_hib_3", 4),
            ("polio_4", 4), ("ipv_1", 4), ("rotavirus_3", 4), ("campak_rubela_1", 9), ("ipv_2", 9),
            ("pcv_3", 12), ("dpt_hb_hib_lanjutan", 18), ("campak_rubela_lanjutan", 18))


_BUCKET_OF_MONTH = {m: ("b", lo) for lo, hi in BALITA_BUCKETS for m in range(lo, hi + 1)}


def _bm_day_band(days: int) -> int:
    """The MTBM chart's own day limits: HB0 on day 0-1, weight < 2 kg under 7 days (and the
    gentamicin band from day 7), jaundice after day 14."""
    if days <= 1:
        return 0
    if days < 7:
        return 1
    return 2 if days <= 14 else 3


def _vaccine_limits_open(days: int, months: int) -> tuple[bool, ...]:
    """For each vaccine upper age limit of the chart settings, whether the age is still below it:
    the limits fall inside month buckets (rotavirus dose 1 before day 105, every rotavirus dose
    before 8 months), so a bucket splits where one of them closes."""
    return tuple((days if lim.unit == "hari" else months) < lim.limit for lim in VACCINE_UPPER_LIMITS)


def bucket_key(days: int, months: int) -> tuple:
    """The age bucket of a visit: bayi muda by (the chart's day band, completed months); balita by
    the month bucket and which vaccine age limits are still open."""
    if pathway_for_days(days) == "bayi_muda":
        return ("bm", _bm_day_band(days), months)
    try:
        return (*_BUCKET_OF_MONTH[months], _vaccine_limits_open(days, months))
    except KeyError:
        raise ValueError(months) from None


def vaccines_up_to(months: int, *, hb0: bool = True) -> list[str]:
    doses = [name for name, due in SCHEDULE if due <= months]
    return (["hb0"] if hb0 else []) + doses


# --- scenarios ---------------------------------------------------------------------------------------

SAGA_NORMAL: Findings = dict(
    tidak_bisa_minum=False, memuntahkan_semua=False, riwayat_kejang=False, sedang_kejang=False,
    tidak_berinteraksi=False, rewel_tidak_dapat_ditenangkan=False, tatapan_kosong=False,
    tidak_bersuara_atau_tangis_melengking=False, stridor=False, tarikan_dinding_dada=False,
    napas_cuping_hidung=False, mencari_posisi_nyaman=False, sianosis=False, kulit_pucat=False,
    kutis_marmorata=False,
)
DENGUE_NORMAL: Findings = dict(
    ujung_ekstremitas_dingin=False, nadi_lemah=False, crt_lebih_2_detik=False, ekstremitas_pucat=False,
    nadi_cepat=False, nyeri_perut=False, muntah_berulang=False, perdarahan_hidung_gusi=False, petekie=False,
    perdarahan_saluran_cerna=False, uji_torniket="tidak_dilakukan", distres_napas=False,
    penurunan_kesadaran=False, frekuensi_nadi_menurun=False, tampak_kuning=False, nyeri_perut_hebat=False,
    tidak_bak_6_jam=False, nyeri_tekan_perut_kanan_atas=False, akumulasi_cairan=False,
    letargi_atau_gelisah=False, pembesaran_hati=False, nyeri_otot_sendi=False, ruam_kulit=False,
)
FEVER_NORMAL: Findings = dict(
    demam=True, demam_hari=1, bepergian_daerah_malaria="tidak", kaku_kuduk=False, hasil_tes_malaria="negatif",
    penyebab_demam_lain=False, campak_3_bulan_terakhir=False, ruam_seluruh_tubuh=False,
    batuk_pilek_mata_merah=False,
)
BM_NORMAL: Findings = dict(
    riwayat_kejang=False, sedang_kejang=False, sianosis=False, napas_cuping_hidung=False, merintih=False,
    tarikan_dinding_dada_sangat_kuat=False, menyusu_lemah=False, belum_bab_48_jam=False,
    muntah_semua_atau_hijau=False, perut_kembung_sesak=False, tidak_ada_lubang_anus=False,
    pusar_kemerahan="tidak", pusar_bernanah=False, pustul_kulit=False, mata_bernanah="tidak",
    keadaan_umum="normal", napas_per_menit=48, tampak_kuning=False, diare=False, tes_hiv_ibu="negatif", tes_virologi_anak="belum",
    tes_serologi_anak="belum", masih_menyusu_atau_baru_berhenti=True, menyusu=True, menyusu_per_24_jam=10,
    minum_dengan_botol=False, makanan_minuman_lain=False, posisi_menyusu_benar=True, perlekatan_baik=True,
    isapan_efektif=True, bibir_langit_sumbing=False, bercak_putih_mulut=False, zskor_bb_u=-0.3,
    vitamin_k1_diberikan=True,
)

Override = Callable[[int], Findings]


@dataclass(frozen=True)
class Scenario:
    id: str
    pathway: str            # "balita" | "bayi_muda"
    weight: float           # how often it is chosen
    findings: Findings = field(default_factory=dict)
    by_age: Override | None = None  # extra findings that depend on completed months
    temperature_c: float = 36.8
    muac_cm: float = 14.2
    weight_factor: float = 1.0
    min_months: int = 0
    recovery: str | None = None     # the scenario of its follow-up visit

    def case_findings(self, months: int, days: int) -> Findings:
        if self.pathway == "bayi_muda":
            f = dict(BM_NORMAL)
            f["imunisasi_diterima"] = ["hb0"] if days > 1 else []
            if months >= 1 and days > 40:
                f["imunisasi_diterima"] = ["hb0", "bcg", "polio_1"]
        else:
            f = dict(SAGA_NORMAL)
            f.update(batuk=False, diare=False, demam=False, masalah_telinga=False, edema="tidak",
                     anoreksia=False, penurunan_kesadaran=False, komplikasi_medis_lain=False,
                     zskor_bb_pb=0.2, zskor_pb_u=-0.1, zskor_lk_u=0.1, kepucatan="tidak",
                     tes_hiv_ibu="negatif", tes_virologi_anak="belum", tes_serologi_anak="belum",
                     masih_menyusu_atau_baru_berhenti=months < 24, imunisasi_diterima=vaccines_up_to(months),
                     vitamin_a_6_bulan_terakhir=True, masalah_pemberian_makan=False)
            if months < 6:
                f.update(terlalu_lemah_menyusu=False, berat_badan_tidak_naik=False)
        f.update(self.findings)
        if self.by_age is not None:
            f.update(self.by_age(months))
        return f


def _slow(months: int) -> Findings:
    return {"napas_per_menit": 42 if months < 12 else 32}


def _fast(months: int) -> Findings:
    return {"napas_per_menit": 56 if months < 12 else 46}


def _fever(days: int = 1, **extra: Any) -> Findings:
    f = dict(FEVER_NORMAL, demam_hari=days)
    if 2 <= days <= 7:
        f.update(DENGUE_NORMAL)
    f.update(extra)
    return f


_COUGH = dict(batuk=True, batuk_hari=3)
_DIARRHOEA = dict(diare=True, diare_hari=2, darah_dalam_tinja=False, keadaan_umum="normal", mata_cekung=False,
                  kemampuan_minum="normal", cubitan_kulit_perut="segera")
_EAR = dict(masalah_telinga=True, nyeri_telinga=False, rasa_penuh_telinga=False, keluar_cairan_telinga=False,
            bengkak_nyeri_belakang_telinga=False)

SCENARIOS: tuple[Scenario, ...] = (
    # batuk
    Scenario("batuk_bukan_pneumonia", "balita", 14, dict(_COUGH), _slow, recovery="sehat"),
    Scenario("batuk_demam", "balita", 6, dict(_COUGH, **_fever(2)), _slow, temperature_c=38.2,
             recovery="sehat"),
    Scenario("pneumonia", "balita", 9, dict(_COUGH, batuk_hari=4), _fast, recovery="batuk_bukan_pneumonia"),
    Scenario("pneumonia_demam", "balita", 3, dict(_COUGH, **_fever(3)), _fast, temperature_c=38.6,
             recovery="batuk_bukan_pneumonia"),
    Scenario("pneumonia_wheezing", "balita", 2, dict(_COUGH, wheezing=True), _fast,
             recovery="batuk_bukan_pneumonia"),
    Scenario("pneumonia_berat", "balita", 1.2, dict(_COUGH, batuk_hari=5, tarikan_dinding_dada=True), _fast),
    Scenario("batuk_lama", "balita", 1, dict(_COUGH, batuk_hari=21), _slow, min_months=12),
    Scenario("pneumonia_spo2_rendah", "balita", 0.3, dict(_COUGH, spo2=88), _fast),
    # diare
    Scenario("diare_tanpa_dehidrasi", "balita", 10, dict(_DIARRHOEA), recovery="sehat"),
    Scenario("diare_dehidrasi_ringan", "balita", 3,
             dict(_DIARRHOEA, keadaan_umum="gelisah_rewel", mata_cekung=True, kemampuan_minum="haus_lahap"),
             recovery="diare_tanpa_dehidrasi"),
    Scenario("diare_dehidrasi_berat", "balita", 0.6,
             dict(_DIARRHOEA, keadaan_umum="letargis_tidak_sadar", mata_cekung=True,
                  kemampuan_minum="malas_atau_tidak_bisa", cubitan_kulit_perut="sangat_lambat")),
    Scenario("diare_persisten", "balita", 1.2, dict(_DIARRHOEA, diare_hari=16), recovery="sehat"),
    Scenario("disentri", "balita", 1.5, dict(_DIARRHOEA, darah_dalam_tinja=True), recovery="sehat"),
    Scenario("diare_demam", "balita", 2, dict(_DIARRHOEA, **_fever(1)), temperature_c=38.1, recovery="sehat"),
    # demam, malaria, campak, dengue
    Scenario("demam_bukan_malaria", "balita", 8, _fever(1, penyebab_demam_lain=True), temperature_c=38.0,
             recovery="sehat"),
    Scenario("demam_tes_negatif", "balita", 4, _fever(1), temperature_c=37.9, recovery="sehat"),
    Scenario("malaria", "balita", 2, _fever(2, hasil_tes_malaria="positif"), temperature_c=38.9,
             recovery="sehat"),
    Scenario("demam_3_hari_bukan_dengue", "balita", 3, _fever(3, penyebab_demam_lain=True), temperature_c=38.3,
             recovery="sehat"),
    Scenario("dengue_ringan", "balita", 1.5, _fever(3, nyeri_otot_sendi=True, ruam_kulit=True),
             temperature_c=38.7, recovery="sehat"),
    Scenario("dengue_warning_signs", "balita", 0.5,
             _fever(4, muntah_berulang=True, nyeri_perut=True, letargi_atau_gelisah=True), temperature_c=38.4),
    Scenario("dengue_berat", "balita", 0.2,
             _fever(5, ujung_ekstremitas_dingin=True, nadi_lemah=True, crt_lebih_2_detik=True),
             temperature_c=37.2),
    Scenario("campak", "balita", 0.8,
             _fever(3, ruam_seluruh_tubuh=True, batuk_pilek_mata_merah=True, mata_bernanah="tidak",
                    kekeruhan_kornea=False, luka_mulut="tidak"), temperature_c=38.8, min_months=6,
             recovery="sehat"),
    Scenario("campak_komplikasi_mata", "balita", 0.4,
             _fever(4, ruam_seluruh_tubuh=True, batuk_pilek_mata_merah=True, mata_bernanah="sedikit",
                    kekeruhan_kornea=False, luka_mulut="ada"), temperature_c=38.5, min_months=6,
             recovery="sehat"),
    Scenario("demam_kaku_kuduk", "balita", 0.2, _fever(2, kaku_kuduk=True), temperature_c=39.4),
    # telinga
    Scenario("infeksi_telinga_akut", "balita", 2.5,
             dict(_EAR, nyeri_telinga=True, **_fever(1, penyebab_demam_lain=True)), temperature_c=38.0,
             recovery="sehat"),
    Scenario("infeksi_telinga_kronis", "balita", 0.8,
             dict(_EAR, keluar_cairan_telinga=True, cairan_telinga_hari=20), recovery="sehat"),
    Scenario("mastoiditis", "balita", 0.1,
             dict(_EAR, nyeri_telinga=True, bengkak_nyeri_belakang_telinga=True,
                  **_fever(1, penyebab_demam_lain=True)), temperature_c=38.9),
    # gizi, pertumbuhan, anemia
    Scenario("gizi_kurang", "balita", 3, dict(_COUGH, zskor_bb_pb=-2.4), _slow, muac_cm=12.1, weight_factor=0.8,
             min_months=6, recovery="gizi_kurang_kontrol"),
    Scenario("gizi_kurang_kontrol", "balita", 0.5, dict(zskor_bb_pb=-2.2), muac_cm=12.3, weight_factor=0.82,
             min_months=6, recovery="sehat"),
    Scenario("gizi_buruk", "balita", 0.7, dict(zskor_bb_pb=-3.3), muac_cm=11.2, weight_factor=0.7,
             min_months=6, recovery="gizi_kurang_kontrol"),
    Scenario("gizi_buruk_komplikasi", "balita", 0.2, dict(zskor_bb_pb=-3.5, anoreksia=True), muac_cm=10.9,
             weight_factor=0.68, min_months=6),
    Scenario("berisiko_gizi_lebih", "balita", 1, dict(_COUGH, zskor_bb_pb=1.4), _slow, weight_factor=1.15,
             min_months=6, recovery="sehat"),
    Scenario("pendek", "balita", 2, dict(_DIARRHOEA, zskor_pb_u=-2.6), min_months=6, recovery="sehat"),
    Scenario("anemia", "balita", 2.5, dict(_COUGH, kepucatan="agak_pucat"), _slow, min_months=6,
             recovery="sehat"),
    Scenario("anemia_berat", "balita", 0.3, dict(kepucatan="sangat_pucat"), min_months=6),
    Scenario("masalah_makan", "balita", 2, dict(_COUGH, masalah_pemberian_makan=True), _slow,
             recovery="sehat"),
    # HIV, imunisasi, tanda bahaya
    Scenario("terpajan_hiv", "balita", 0.4, dict(_COUGH, tes_hiv_ibu="positif", tes_virologi_anak="belum"), _slow,
             recovery="sehat"),
    Scenario("imunisasi_tertinggal", "balita", 2, dict(_COUGH, vitamin_a_6_bulan_terakhir=False),
             lambda m: dict(_slow(m), imunisasi_diterima=vaccines_up_to(min(m, 3))), min_months=6,
             recovery="sehat"),
    Scenario("kejang_demam", "balita", 0.4, _fever(1, riwayat_kejang=True), temperature_c=39.6),
    Scenario("tidak_bisa_minum", "balita", 0.3, dict(_DIARRHOEA, tidak_bisa_minum=True)),
    Scenario("sehat", "balita", 1.5, {}, recovery=None),
    # bayi muda
    Scenario("bm_sehat", "bayi_muda", 1.5, {}),
    Scenario("bm_infeksi_lokal", "bayi_muda", 2, dict(pustul_kulit=True), recovery="bm_sehat"),
    Scenario("bm_pusar_merah", "bayi_muda", 1, dict(pusar_kemerahan="terbatas"), recovery="bm_sehat"),
    Scenario("bm_mata_bernanah", "bayi_muda", 0.8, dict(mata_bernanah="sedikit"), recovery="bm_sehat"),
    Scenario("bm_infeksi_berat", "bayi_muda", 0.4, dict(napas_per_menit=68, merintih=True), temperature_c=38.2),
    Scenario("bm_hipotermi", "bayi_muda", 0.2, {}, temperature_c=35.9),
    Scenario("bm_ikterus", "bayi_muda", 1.5, dict(tampak_kuning=True, telapak_kuning=False, kuning_mulai_jam=72),
             recovery="bm_sehat"),
    Scenario("bm_ikterus_berat", "bayi_muda", 0.3,
             dict(tampak_kuning=True, telapak_kuning=True, kuning_mulai_jam=20)),
    Scenario("bm_diare", "bayi_muda", 0.7, dict(diare=True, diare_hari=2, darah_dalam_tinja=False,
                                               keadaan_umum="normal", mata_cekung=False,
                                               cubitan_kulit_perut="segera"), recovery="bm_sehat"),
    Scenario("bm_masalah_menyusu", "bayi_muda", 1.2,
             dict(perlekatan_baik=False, menyusu_per_24_jam=6), recovery="bm_sehat"),
    Scenario("bm_berat_rendah", "bayi_muda", 0.6, dict(zskor_bb_u=-2.4), weight_factor=0.8,
             recovery="bm_sehat"),
    Scenario("bm_thrush", "bayi_muda", 0.5, dict(bercak_putih_mulut=True), recovery="bm_sehat"),
    Scenario("bm_vitamin_k_belum", "bayi_muda", 0.3, dict(vitamin_k1_diberikan=False, pustul_kulit=True),
             recovery="bm_sehat"),
    Scenario("bm_ibu_hiv", "bayi_muda", 0.2, dict(tes_hiv_ibu="positif", tes_virologi_anak="belum")),
)
BY_ID = {s.id: s for s in SCENARIOS}


def measurements(scenario: Scenario, months: int, days: int) -> dict:
    """Weight, length, MUAC and temperature for the bucket (the same for every visit in it)."""
    if scenario.pathway == "bayi_muda":
        weight = round((3.3 + 0.9 * months + (0.02 * min(days, 1))) * scenario.weight_factor, 1)
        return {"weight_kg": weight, "length_cm": 52.0 if months == 0 else 55.0, "length_position": "berbaring",
                "temperature_c": scenario.temperature_c}
    lo = bucket_key(days, months)[1]
    w, length = _REP[lo]
    out = {"weight_kg": round(w * scenario.weight_factor, 1), "length_cm": length,
           "length_position": "berbaring" if lo < 24 else "berdiri", "temperature_c": scenario.temperature_c}
    if lo >= 6:
        out["muac_cm"] = scenario.muac_cm
    return out


# --- the classifier and its cache ------------------------------------------------------------------

def default_classifier() -> Callable[[dict], dict]:
    """The chart engine, `mtbs_tui.rules.classify`."""
    from mtbs_tui.rules import classify

    return classify


@dataclass(frozen=True)
class Hit:
    """One classified (scenario, bucket): everything a visit row needs except dates and ids."""
    id: int              # its row in the bulk writer's temp.demo_hit table
    result: dict
    measurements: dict
    # case_json = {"birth_date","sex","visit_date"} + top_json's fields; result_json = {"age"} +
    # rest_json's fields. _VISITS_FROM_STAGE joins them inside SQLite for each visit.
    top_json: str        # case top-level fields except visit_date, birth_date, sex
    findings_json: str
    rest_json: str       # the result without "age"
    classifications: tuple[tuple, ...]  # visit_classifications rows without visit_id
    treatments: tuple[tuple, ...]
    referral_reason: str | None


class ResultCache:
    """classify() once per (scenario, age bucket); results reused with the visit's own age."""

    def __init__(self, classifier: Callable[[dict], dict], malaria_area: str) -> None:
        self.classifier = classifier
        self.malaria_area = malaria_area
        self._cache: dict[tuple, Hit] = {}
        self.calls = 0
        self.created: list[Hit] = []  # every Hit in creation order (the bulk writer sends new ones)

    def case(self, scenario: Scenario, birth: _dt.date, visit: _dt.date, sex: str) -> dict:
        age = age_on(birth, visit)
        case: dict[str, Any] = {"chart": "2022", "visit_date": visit.isoformat(), "birth_date": birth.isoformat(), "sex": sex,
                "malaria_area": self.malaria_area}
        case.update(measurements(scenario, age.months, age.days))
        case["findings"] = scenario.case_findings(age.months, age.days)
        return case

    def get(self, scenario: Scenario, birth: _dt.date, visit: _dt.date, sex: str, age: Age | None = None) -> Hit:
        age = age or age_on(birth, visit)
        key = (scenario.id, bucket_key(age.days, age.months))
        hit = self._cache.get(key)
        if hit is None:
            case = self.case(scenario, birth, visit, sex)
            result = self.classifier(case)
            self.calls += 1
            cls, trs, referral = result_rows(0, result, "")
            hit = Hit(
                id=len(self.created) + 1,
                result=result,
                measurements=measurements(scenario, age.months, age.days),
                top_json=_compact({k: v for k, v in case.items()
                                   if k not in ("findings", "visit_date", "birth_date", "sex")}),
                findings_json=_compact(case["findings"]),
                rest_json=json.dumps({k: v for k, v in result.items() if k != "age"}, ensure_ascii=False,
                                     separators=(",", ":")),
                classifications=tuple(r[1:] for r in cls),
                treatments=tuple(r[1:] for r in trs),
                referral_reason=referral[1] if referral else None,
            )
            self._cache[key] = hit
            self.created.append(hit)
        return hit


class _BatchWriter:
    """Runs queued jobs in order in one background thread; `finish` re-raises the first error.

    After an error the remaining jobs are skipped, so nothing is written past a failed batch."""

    def __init__(self) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="mtbs-demo-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self._error is None:
                job, args = item
                try:
                    job(*args)
                except BaseException as exc:  # noqa: BLE001 - handed to the caller in finish()
                    self._error = exc

    def put(self, job: Callable[..., None], *args: Any) -> None:
        if self._error is not None:
            self.finish()
        self._queue.put((job, args))

    def sync(self) -> None:
        """Wait until every job put so far has run."""
        done = threading.Event()
        self.put(done.set)
        while not done.wait(0.05):
            if self._error is not None or not self._thread.is_alive():
                self.finish()
                raise RuntimeError("demo writer stopped")  # pragma: no cover - finish() raises first

    def finish(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error


def _insert_flat(conn: Any, target: str, width: int, flat: list, rows_per_statement: int = 200) -> None:
    """Insert rows given as one flat parameter list, many rows per INSERT statement.

    Multi-row VALUES halves the cost of the small, numerous rows (classifications, treatments,
    audit) compared with executemany, which steps the statement once per row."""
    one = "(" + ",".join("?" * width) + ")"
    per = rows_per_statement * width
    full = len(flat) // per * per
    if full:
        sql = f"INSERT INTO {target} VALUES " + ",".join([one] * rows_per_statement)
        cur = conn.cursor()
        for i in range(0, full, per):
            cur.execute(sql, flat[i:i + per])
    rest = (len(flat) - full) // width
    if rest:
        conn.execute(f"INSERT INTO {target} VALUES " + ",".join([one] * rest), flat[full:])


def _batches(days: Iterable[list[dict]], size: int) -> Iterator[list[dict]]:
    """The visits of consecutive days, regrouped into lists of `size` (the last one shorter)."""
    pending: list[dict] = []
    for day in days:
        pending.extend(day)
        while len(pending) >= size:
            yield pending[:size]
            pending = pending[size:]
    if pending:
        yield pending


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# --- the bulk writer's staging tables ----------------------------------------------------------------

# One row per visit version: what differs between visits that share a Hit. Its id is the visit id,
# as INTEGER PRIMARY KEY, so the INSERT ... SELECTs below read it in id order without a sort.
# The visit date, kind, birth date and sex are derived in SQL (from `at`, `follow_up_of` and the patient).
_STAGE_COLUMNS = ("id", "uid", "version", "supersedes", "is_current", "patient_id", "at", "follow_up_of", "age_days",
                  "age_months", "hit", "worker", "reason")
_STAGE_WIDTH = len(_STAGE_COLUMNS)
_STAGE_SQL = f"""
CREATE TEMP TABLE IF NOT EXISTS demo_hit (
    id INTEGER PRIMARY KEY, top_tail TEXT, findings_json TEXT, rest_tail TEXT, pathway TEXT, refer INTEGER,
    follow_up_days INTEGER, weight_kg REAL, length_cm REAL, length_position TEXT, muac_cm REAL,
    temperature_c REAL, referral_reason TEXT);
CREATE TEMP TABLE IF NOT EXISTS demo_hit_class (
    hit INTEGER, position INTEGER, module TEXT, code TEXT, label TEXT, colour TEXT, rule TEXT,
    PRIMARY KEY (hit, position)) WITHOUT ROWID;
CREATE TEMP TABLE IF NOT EXISTS demo_hit_treat (
    hit INTEGER, position INTEGER, code TEXT, label TEXT, dose TEXT,
    PRIMARY KEY (hit, position)) WITHOUT ROWID;
CREATE TEMP TABLE IF NOT EXISTS demo_stage (id INTEGER PRIMARY KEY, {", ".join(_STAGE_COLUMNS[1:])});
DELETE FROM temp.demo_hit; DELETE FROM temp.demo_hit_class; DELETE FROM temp.demo_hit_treat;
DELETE FROM temp.demo_stage;
"""
_STAGE_DROP_SQL = """
DROP TABLE IF EXISTS temp.demo_hit; DROP TABLE IF EXISTS temp.demo_hit_class;
DROP TABLE IF EXISTS temp.demo_hit_treat; DROP TABLE IF EXISTS temp.demo_stage;
"""
# Each visit's case_json and result_json, built inside SQLite from its hit's JSON. The hit's JSON is
# stored without its opening brace (a "tail"): substr() would scan every character of it per row,
# and one printf() copies it once where a chain of || copies it at each step.
_VISITS_FROM_STAGE = """
INSERT INTO visits(id, visit_uid, version, supersedes_id, is_current, patient_id, visit_at, visit_date, pathway,
    kind, follow_up_of, chart, age_days, age_months, weight_kg, length_cm, length_position, muac_cm,
    head_circumference_cm, temperature_c, malaria_area, case_json, findings_json, result_json, refer_urgently,
    follow_up_days, follow_up_date, status, section, recorded_by, correction_reason, created_at, updated_at,
    rules_version)
SELECT s.id, s.uid, s.version, s.supersedes, s.is_current, s.patient_id, s.at, substr(s.at, 1, 10),
    COALESCE(h.pathway, CASE WHEN s.age_days < {YOUNG_INFANT_DAYS} THEN 'bayi_muda' ELSE 'balita' END),
    CASE WHEN s.follow_up_of IS NULL THEN 'pertama' ELSE 'ulang' END, s.follow_up_of, '2022', s.age_days, s.age_months, h.weight_kg, h.length_cm, h.length_position,
    h.muac_cm, NULL, h.temperature_c, ?,
    printf('{"birth_date":"%s","sex":"%s","visit_date":"%.10s",%s', p.birth_date, p.sex, s.at, h.top_tail),
    h.findings_json,
    printf('{"age":{"days":%d,"months":%d},%s', s.age_days, s.age_months, h.rest_tail),
    h.refer, h.follow_up_days,
    CASE WHEN h.follow_up_days IS NULL THEN NULL ELSE date(substr(s.at, 1, 10), '+' || h.follow_up_days || ' days') END,
    'final', NULL, s.worker, s.reason, s.at, s.at, ?
FROM temp.demo_stage s JOIN temp.demo_hit h ON h.id = s.hit JOIN main.patients p ON p.id = s.patient_id
ORDER BY s.id
""".replace("{YOUNG_INFANT_DAYS}", str(YOUNG_INFANT_DAYS))


# --- practice variants (issue 18) ---------------------------------------------------------------------

def _apply_practice(conn: Any, practice: Practice) -> None:
    """Inside the caller's write: the consultation minutes and the record of what was given of a
    practice variant, in a few statements over the whole demo (nothing for the default demo)."""
    from mtbs_tui.given import NOT_AN_ITEM
    from mtbs_tui.rules.codes import SYSTEMIC_ANTIBIOTICS

    if practice.minutes:
        lo, hi = practice.minutes
        # The first draft was saved lo..hi minutes (plus 0-3 by worker) before the visit (deterministic).
        conn.execute("UPDATE visits SET created_at = strftime('%Y-%m-%dT%H:%M:%S', visit_at, "
                     f"'-' || ({lo} + (id * 7919) % {hi - lo + 1} + length(recorded_by) % 4) || ' minutes') "
                     "WHERE status = 'final' AND version = 1")
    if not practice.given:
        return
    skip = ", ".join(f"'{c}'" for c in sorted(NOT_AN_ITEM))
    conn.execute("INSERT INTO given_records(visit_uid, version, visit_id, is_current, recorded_at, recorded_by) "
                 "SELECT visit_uid, 1, id, 1, visit_at, recorded_by FROM visits "
                 "WHERE is_current = 1 AND status = 'final' ORDER BY id")
    conn.execute(
        "INSERT INTO given_items(record_id, position, code, label, outcome, given_at, for_home) "
        "SELECT g.id, row_number() OVER (PARTITION BY g.id ORDER BY min(t.position)), t.code, t.label, "
        "'diberikan', v.visit_at, 0 FROM given_records g JOIN visits v ON v.id = g.visit_id "
        f"JOIN visit_treatments t ON t.visit_id = v.id WHERE t.code NOT IN ({skip}) GROUP BY g.id, t.code")
    if practice.cough_antibiotic > 0:
        antibiotics = ", ".join(f"'{c}'" for c in sorted(SYSTEMIC_ANTIBIOTICS))
        conn.execute(
            "INSERT INTO given_items(record_id, position, code, label, outcome, given_at, for_home) "
            "SELECT g.id, 1 + (SELECT count(*) FROM given_items i WHERE i.record_id = g.id), NULL, ?, "
            "'tambahan', v.visit_at, 1 FROM given_records g JOIN visits v ON v.id = g.visit_id "
            "WHERE EXISTS (SELECT 1 FROM visit_classifications c WHERE c.visit_id = v.id "
            "  AND c.code = 'BATUK_BUKAN_PNEUMONIA') "
            f"AND NOT EXISTS (SELECT 1 FROM visit_treatments t WHERE t.visit_id = v.id AND t.code IN ({antibiotics})) "
            "AND (v.id * 2654435761) % 1000 < ?",
            [DEMO_ANTIBIOTIC_TEXT, int(practice.cough_antibiotic * 1000)])


# --- generation ------------------------------------------------------------------------------------

@dataclass
class _Patient:
    id: int
    birth: _dt.date
    sex: str


@dataclass(frozen=True)
class DemoStats:
    patients: int
    visits: int
    follow_ups: int
    corrections: int
    drafts: int
    classify_calls: int
    replies: int = 0


def _ri(rng: random.Random, lo: int, hi: int) -> int:
    """rng.randint without its argument checks (called hundreds of thousands of times)."""
    return lo + int(rng.random() * (hi - lo + 1))


def _pick(rng: random.Random, items: tuple | list) -> Any:
    return items[int(rng.random() * len(items))]


def _nik(rng: random.Random, birth: _dt.date | None = None, female: bool = False) -> str:
    region = "5301" + f"{_ri(rng, 1, 30):02d}"
    if birth is None:
        birth = _dt.date(_ri(rng, 1985, 2004), _ri(rng, 1, 12), _ri(rng, 1, 28))
    day = birth.day + (40 if female else 0)
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{_ri(rng, 1, 9999):04d}"


# One account per role, so a demo shows the login and the role checks (issue 7). The passwords
# are printed on the demo login screen: a demo register holds only synthetic patients.
DEMO_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("kepala", DEMO_HEAD_NAME, "kepala"),
    ("bidan", "Bd. Sari Wulandari", "klinis"),
    ("daftar", "Dewi Lestari (pendaftaran)", "pendaftaran"),
    ("tinjau", "Budi Santoso (peninjau)", "peninjau"),
)


# What the hospital answered (issue 17): outcome -> weight, and the kind of reply slip it sends.
DEMO_REPLY_OUTCOMES: tuple[tuple[str, float], ...] = (
    ("dirawat_inap", 0.56), ("rawat_jalan", 0.17), ("dirujuk_lagi", 0.04), ("meninggal", 0.03),
    ("pulang_aps", 0.05), ("tidak_datang", 0.15),
)
DEMO_HOSPITAL_CARE = (
    "Oksigen, antibiotik parenteral (ampisilin + gentamisin), cairan IV",
    "Antibiotik IV, antipiretik, pemantauan tanda vital",
    "Rehidrasi IV (Rencana C), zinc, pemantauan",
    "Antimalaria parenteral, transfusi darah",
    "Terapi gizi buruk fase stabilisasi (F-75), antibiotik",
    "Fototerapi, ASI sesering mungkin",
)
DEMO_REPLY_ADVICE = (
    "Kontrol ke puskesmas 3 hari setelah pulang",
    "Lanjutkan obat oral sampai habis, kontrol 2 hari",
    "Pantau berat badan tiap minggu, konseling pemberian makan",
    "Kunjungan rumah oleh bidan desa minggu ini",
)
DEMO_EXAMINERS = ("dr. Rina Hapsari, Sp.A", "dr. Yosef Kelen", "dr. Maria Goreti, Sp.A", "dr. Hendra")
# A share of referrals is never answered (the slip is lost, the family went elsewhere).
DEMO_NEVER_ANSWERED = 0.22


def add_demo_replies(reg: Register, *, seed: str, today: _dt.date) -> int:
    """Replies to the demo's urgent referrals through the register's own API (one transaction):
    most arrive 1-10 days after the referral, about a fifth never arrives, and the referrals of the
    last days are still open. Returns how many were recorded."""
    rng = random.Random(seed)
    referrals = reg.referrals_between(_dt.date(1900, 1, 1), today, replied=False, today=today)
    outcomes, weights = zip(*DEMO_REPLY_OUTCOMES)
    done = 0
    with dbmod.write(reg.db):
        for r in referrals:
            if rng.random() < DEMO_NEVER_ANSWERED:
                continue
            received = _dt.date.fromisoformat(r["visit_date"]) + _dt.timedelta(days=int(rng.triangular(1, 10, 2)))
            if received > today:
                continue  # the slip has not come back yet
            outcome = rng.choices(outcomes, weights)[0]
            arrived = outcome != "tidak_datang"
            reason = (r["reason"] or "").split(",")[0].strip()
            reg.record_referral_reply(
                r["id"], received_date=received, outcome=outcome,
                diagnosis=reason.capitalize() if arrived and reason else None,
                treatment=_pick(rng, DEMO_HOSPITAL_CARE) if arrived else None,
                advice=_pick(rng, DEMO_REPLY_ADVICE) if outcome != REPLY_DIED else None,
                referred_to="RSUP Prof. dr. W. Z. Johannes Kupang" if outcome == "dirujuk_lagi" else None,
                examiner=_pick(rng, DEMO_EXAMINERS) if arrived else None,
                actor=_pick(rng, WORKERS), today=today)
            done += 1
    return done


# The demo's referral facilities (issue 17): name, kind, address, phone, share of the referrals
# sent there. The first is the default; a few referrals keep no facility (written by hand).
DEMO_REFERRAL_FACILITIES: tuple[tuple[str, str, str, str, float], ...] = (
    ("RSUD Kabupaten Contoh", "rs", "Jl. Timor Raya Km 36, Naibonat", "0380000110", 0.62),
    ("RSIA Kasih Bunda", "rsia", "Jl. El Tari No. 12, Kota Kupang", "0380000120", 0.16),
    ("Puskesmas Naibonat", "pkm_ranap", "Jl. Timor Raya, Naibonat", "0380000130", 0.15),
    ("RSUP Prof. dr. W. Z. Johannes Kupang", "rs", "Jl. Dr. Moch. Hatta No. 19, Kota Kupang", "0380000140",
     0.05),
)
DEMO_HANDWRITTEN_DESTINATION = 0.02


def add_demo_destinations(reg: Register, *, seed: str) -> int:
    """The demo's referral facilities (through the register's API, audited) and a destination on
    every urgent referral (all versions of a visit alike), as chosen on the summary by whoever
    recorded the visit, at the visit's time. Bulk: one statement for all referrals. Returns how
    many referrals got a facility."""
    rng = random.Random(seed)
    ids = [reg.add_referral_facility(name=name, kind=kind, address=address, phone=phone, actor="mtbs demo")
           for name, kind, address, phone, _share in DEMO_REFERRAL_FACILITIES]
    names = [f[0] for f in DEMO_REFERRAL_FACILITIES]
    weights = [f[4] for f in DEMO_REFERRAL_FACILITIES]
    rows = reg.db.execute(
        "SELECT r.visit_id, v.visit_uid, v.visit_at, v.recorded_by FROM referrals r "
        "JOIN visits v ON v.id = r.visit_id ORDER BY v.visit_uid, v.version").fetchall()
    chosen: dict[str, int | None] = {}
    updates = []
    for visit_id, uid, at, by in rows:
        if uid not in chosen:
            hand = rng.random() < DEMO_HANDWRITTEN_DESTINATION
            chosen[uid] = None if hand else rng.choices(range(len(ids)), weights)[0]
        pick = chosen[uid]
        if pick is not None:
            updates.append((ids[pick], names[pick], at, by, visit_id))
    with dbmod.write(reg.db):
        reg.db.conn.executemany(
            "UPDATE referrals SET facility_id = ?, destination = ?, destination_at = ?, destination_by = ? "
            "WHERE visit_id = ?", updates)
    return len(updates)


def demo_password(username: str) -> str:
    return f"{username}-demo"


def add_demo_accounts(reg: Register, hashes: dict[str, str] | None = None) -> None:
    """The demo accounts (`kepala`, `bidan`, `daftar`, `tinjau`, password `<name>-demo`).
    `hashes`: their argon2id hashes made beforehand (demo_password_hashes)."""
    from mtbs_tui import users

    if "users" not in reg.db.table_names() or users.count_users(reg):
        return
    for username, full_name, role in DEMO_ACCOUNTS:
        users.add_user(reg, username=username, full_name=full_name, role=role,
                       password=demo_password(username), actor="mtbs demo",
                       password_hash=(hashes or {}).get(username),
                       nip=DEMO_HEAD_NIP if role == "kepala" else None)


def demo_password_hashes() -> dict[str, str]:
    """username -> argon2id hash of its demo password (about 0.2 s each, in C without the GIL)."""
    from mtbs_tui import accounts

    return {username: accounts.hash_password(demo_password(username)) for username, _, _ in DEMO_ACCOUNTS}


def generate(
    reg: Register,
    *,
    patients: int,
    visits: int,
    seed: int = 2026,
    today: _dt.date | None = None,
    classifier: Callable[[dict], dict] | None = None,
    progress: Callable[[str], None] | None = None,
    bulk: bool = False,
    now: _dt.datetime | None = None,
    practice: str = "sukamaju",
) -> DemoStats:
    """Fill an empty register with demo data. Deterministic for a given seed and today.

    bulk=True is for a file nobody else can see yet (`mtbs demo` builds under a temporary name
    and renames it when complete): the rollback journal is kept in memory and nothing is synced
    until the end, which makes a 100,000-visit register several times faster. The register's
    normal settings (WAL, synchronous=FULL) are restored before returning.
    """
    if bulk:
        reg.db.conn.execute("PRAGMA journal_mode = MEMORY")
        reg.db.conn.execute("PRAGMA synchronous = OFF")
        reg.db.conn.execute("PRAGMA cache_size = -65536")
        reg.db.conn.execute("PRAGMA secure_delete = OFF")  # a fresh file: nothing deleted to scrub
    # Short GIL turns while the writer thread runs: each return from SQLite or argon2 otherwise
    # waits up to the default 5 ms for this thread to let go, which more than doubled the writer's time.
    switch = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)
    try:
        return _generate(reg, patients=patients, visits=visits, seed=seed, today=today, classifier=classifier,
                         progress=progress, now=now, practice=PRACTICES[practice])
    finally:
        sys.setswitchinterval(switch)
        if bulk:
            reg.db.conn.execute("PRAGMA synchronous = FULL")
            reg.db.conn.execute("PRAGMA journal_mode = WAL")
            reg.db.conn.execute("PRAGMA cache_size = -2000")
            reg.db.conn.execute("PRAGMA secure_delete = ON")


def _generate(
    reg: Register,
    *,
    patients: int,
    visits: int,
    seed: int,
    today: _dt.date | None,
    classifier: Callable[[dict], dict] | None,
    progress: Callable[[str], None] | None,
    now: _dt.datetime | None,
    practice: Practice,
) -> DemoStats:
    rng = random.Random(seed)
    now = (now or _dt.datetime.now()).replace(microsecond=0)
    today = today or now.date()
    classifier = classifier or default_classifier()
    reg.set_facility(actor="mtbs demo", **dict(DEMO_FACILITY, name=practice.name, code=practice.code))
    # One background thread writes while this one generates: SQLite and argon2 release the GIL, so
    # on two cores the work overlaps. Jobs run in the order they are put.
    writer = _BatchWriter()
    try:
        return _fill(reg, writer, rng=rng, patients=patients, visits=visits, today=today, now=now,
                     classifier=classifier, progress=progress, practice=practice)
    finally:
        writer.finish()


def _fill(reg: Register, writer: _BatchWriter, *, rng: random.Random, patients: int, visits: int,
          today: _dt.date, now: _dt.datetime, classifier: Callable[[dict], dict],
          progress: Callable[[str], None] | None, practice: Practice | None = None) -> DemoStats:
    practice = practice or PRACTICES["sukamaju"]
    # The accounts' argon2id hashes (4 x ~0.2 s of C without the GIL) are made in a thread of their
    # own while the visits are written; the accounts are added after the visits.
    hashes: dict[str, str] = {}
    hasher = threading.Thread(target=lambda: hashes.update(demo_password_hashes()), name="mtbs-demo-hash",
                              daemon=True)
    hasher.start()
    cache = ResultCache(classifier, DEMO_FACILITY["malaria_area"])
    conn = reg.db.conn
    stamp = now.isoformat()

    # Patients: ages today spread over 0-59 months, a few very young so bayi muda visits exist.
    people: list[_Patient] = []
    rows = []
    for pid in range(1, patients + 1):
        sex = "L" if rng.random() < 0.51 else "P"
        age_days = int(rng.triangular(0, 59 * 30.4, 10 * 30.4)) if rng.random() > 0.06 else _ri(rng, 3, 70)
        birth = today - _dt.timedelta(days=age_days)
        family = _pick(rng, FAMILY)
        given = BOYS if sex == "L" else GIRLS
        first, middle = rng.sample(given, 2)
        name = f"{first} {family}" if rng.random() < 0.7 else f"{first} {middle} {family}"
        if age_days < 40 and rng.random() < 0.5:
            name = f"By. Ny. {_pick(rng, MOTHERS)}"
        mother = f"{_pick(rng, MOTHERS)} {_pick(rng, FAMILY)}"
        nik = _nik(rng, birth, sex == "P") if rng.random() < 0.6 else None
        village = _pick(rng, VILLAGES)
        rows.append((pid, f"RM{pid:06d}", nik, _nik(rng, female=True), name, sex, birth.isoformat(), mother,
                     f"RT {_ri(rng, 1, 12):02d}/RW {_ri(rng, 1, 6):02d}, Desa {village}", village,
                     f"08{_ri(rng, 1000000000, 9999999999)}" if rng.random() < 0.7 else None,
                     stamp, stamp, birth.isoformat() + "T08:00:00", name_key(name), name_key(mother)))
        people.append(_Patient(pid, birth, sex))

    def write_patients() -> None:
        with dbmod.write(reg.db):
            # One FTS 'rebuild' after the inserts costs a tenth of the per-row trigger.
            trigger = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'patients_fts_ai'"
                                   ).fetchone()[0]
            conn.execute("DROP TRIGGER patients_fts_ai")
            _insert_flat(conn, "patients(id, mrn, nik, mother_nik, name, sex, birth_date, parent_name, address,"
                         " village, phone, created_at, updated_at, last_seen_at, name_key, parent_key)", 16,
                         [value for row in rows for value in row])
            conn.execute("INSERT INTO patients_fts(patients_fts) VALUES('rebuild')")
            conn.execute(trigger)
        if progress:
            progress(f"{patients} pasien")

    writer.put(write_patients)  # while the visits are planned

    balita = [s for s in SCENARIOS if s.pathway == "balita" and s.id != "gizi_kurang_kontrol"]
    bm = [s for s in SCENARIOS if s.pathway == "bayi_muda" and s.id != "bm_sehat"]
    # Cumulative weights once: rng.choices would rebuild them on every call.
    b_cum = list(itertools.accumulate(s.weight for s in balita))
    m_cum = list(itertools.accumulate(s.weight for s in bm))

    # What rng.choices(population, cum_weights=cum)[0] does, draw for draw, without its set-up per call.
    b_total, m_total = b_cum[-1], m_cum[-1]
    b_hi, m_hi = len(balita) - 1, len(bm) - 1

    def pick_scenario(days: int, months: int) -> Scenario:
        if days < YOUNG_INFANT_DAYS:
            return bm[bisect.bisect(m_cum, rng.random() * m_total, 0, m_hi)]
        while True:
            s = balita[bisect.bisect(b_cum, rng.random() * b_total, 0, b_hi)]
            if months >= s.min_months and months >= 2:
                return s
            if months < 2:
                return BY_ID["batuk_bukan_pneumonia"]

    def visit_time(day: _dt.date) -> _dt.datetime:
        minutes = 450 + int(rng.random() * 361)  # 07:30-13:30, the usual morning clinic
        at = _dt.datetime.combine(day, _dt.time(minutes // 60, minutes % 60, int(rng.random() * 60)))
        if day == today and at > now:
            at = max(_dt.datetime.combine(day, _dt.time(0, 1)), now - _dt.timedelta(minutes=rng.randint(1, 90)))
        return at

    # 1-2. The visits, planned day by day in time order, so that the writer thread stores the first
    # batches while the later days are still being planned. First visits fall on random days of the
    # last year (puskesmas mostly closed on Sunday, a few always today for the home screen); about
    # one visit in five is a follow-up ("kunjungan ulang") of an earlier first visit, booked when
    # that visit is planned. The last week is planned to make the count exact.
    start_day = today - _dt.timedelta(days=364)
    year = [start_day + _dt.timedelta(days=i) for i in range(365)]
    born_by = [d - _dt.timedelta(days=2) for d in year]
    last = 364  # year[last] == today
    target_follow_ups = visits * practice.follow_up_percent // 100
    today_first = min(6, visits // 20)
    first_per_day = [0] * 365
    drawn = 0
    while drawn < visits - target_follow_ups - today_first:
        i = int(rng.random() * 365)
        if year[i].weekday() == 6 and i != last and rng.random() < 0.9:
            continue  # puskesmas are mostly closed on Sunday
        first_per_day[i] += 1
        drawn += 1
    due: list[list[dict]] = [[] for _ in range(365)]  # follow-ups booked for each day
    n_people = len(people)
    counts = {"first": 0, "booked": 0, "candidates": 0}  # every booked follow-up falls on or before today

    def first_visit(i: int) -> dict | None:
        """A first visit on year[i] of a random child old enough that day (None if none found)."""
        day, latest = year[i], born_by[i]
        for _ in range(30):
            p = people[int(rng.random() * n_people)]
            if p.birth > latest:
                continue
            age = age_on(p.birth, day)
            if not age.young_infant and age.months < 2:
                continue  # between the bayi-muda and the balita chart for a few days: another child
            scenario = pick_scenario(age.days, age.months)
            return {"patient": p, "day": day, "at": visit_time(day), "scenario": scenario, "kind": "pertama",
                    "of": None, "uid": None, "age": age, "hit": cache.get(scenario, p.birth, day, p.sex, age)}
        return None

    def book_follow_up(v: dict, i: int) -> None:
        """Book the follow-up of first visit `v` (on year[i], before the last week) with the
        probability that makes about target_follow_ups of them (the share of first visits that can
        have one is estimated as we go)."""
        result = v["hit"].result
        fu = result.get("follow_up_days")
        if fu is None or result.get("refer_urgently") or int(fu) < 1 or i + int(fu) > last:
            return
        counts["candidates"] += 1
        remaining = max(1.0, (counts["candidates"] / max(1, counts["first"])) * (planned_first - counts["first"]))
        wanted = target_follow_ups - counts["booked"]
        if wanted > 0 and rng.random() < wanted / remaining:
            due[i + int(fu)].append(v)
            counts["booked"] += 1

    def follow_up_of(first: dict) -> dict:
        day = first["day"] + _dt.timedelta(days=int(first["hit"].result["follow_up_days"]))
        # The child got better: the scenario's own recovery, or simply well.
        scenario = BY_ID[first["scenario"].recovery or ("bm_sehat" if first["scenario"].pathway == "bayi_muda"
                                                         else "sehat")]
        age = age_on(first["patient"].birth, day)
        if scenario.pathway != age.pathway or age.months < scenario.min_months:
            scenario = BY_ID["bm_sehat" if age.young_infant else "sehat"]
        at = visit_time(day)
        if at <= first["at"]:  # the same day: a follow-up comes after its first visit
            at = first["at"] + _dt.timedelta(minutes=rng.randint(5, 60))
        return {"patient": first["patient"], "day": day, "at": at, "scenario": scenario, "kind": "ulang",
                "of": first["uid"], "uid": None, "age": age,
                "hit": cache.get(scenario, first["patient"].birth, day, first["patient"].sex, age)}

    epoch = _dt.datetime(1970, 1, 1)
    # First visits of the last week book no follow-up: theirs are the ones due or overdue on the
    # home screen. So every booking is known when the last week starts, and the first visits still
    # needed for the exact count are spread over that week in its own proportions.
    last_week = last - 7
    planned_first = sum(first_per_day[:last_week])

    def spread_last_week() -> None:
        days = range(last_week, last + 1)
        share = [first_per_day[d] for d in days]
        needed = max(0, visits - counts["first"] - counts["booked"])
        reserved = min(today_first, needed)  # the home screen of the demo always has visits today
        total = sum(share) or 1
        plan = [(needed - reserved) * w // total for w in share]
        plan[-1] += needed - sum(plan)  # today: the reserved visits and the rounding
        for d, n in zip(days, plan):
            first_per_day[d] = n

    def planned_days() -> Iterator[list[dict]]:
        """Each day's visits in time order (visit_at, then uid), day after day."""
        for i in range(365):
            todays: list[dict] = []
            if i == last_week:
                spread_last_week()
            wanted = first_per_day[i]
            if i == last:  # today takes what is left, so the count is exact
                wanted = visits - counts["first"] - counts["booked"]
            made = tries = 0
            while made < wanted and tries < wanted * 20 + 20:
                tries += 1
                v = first_visit(i)
                if v is None:
                    continue
                made += 1
                counts["first"] += 1
                todays.append(v)
                if i < last_week:
                    book_follow_up(v, i)
            if i != last and made < wanted:
                first_per_day[i + 1] += wanted - made  # no child old enough that day: the next day
            todays.extend(follow_up_of(first) for first in due[i])
            for v in todays:
                # Local visit time as if UTC: only the order matters, and this avoids mktime per visit.
                ms = int((v["at"] - epoch).total_seconds() * 1000)
                v["uid"] = f"{ms & 0xFFFFFFFFFFFF:012x}{rng.getrandbits(80):020x}"
            todays.sort(key=lambda v: (v["at"], v["uid"]))
            yield todays

    # 3. Write in batches, one transaction each. Python stages one small row per visit version; SQLite
    # expands it into the visit, its classifications, treatments and referral with INSERT ... SELECT
    # joins on the distinct results (temp.demo_hit*). Those statements run without the GIL, so on two
    # cores the writer thread's SQLite work overlaps this thread's Python work.
    next_id = 1
    corrections = 0
    correction_every = 250
    # From schema v3 the audit trail is hash-chained (mtbs_tui.audit): demo entries join the chain
    # exactly as Register.audit() entries do, so `verify` holds on a demo register too.
    writer.sync()  # the patients are in
    chained = "hash" in {r[1] for r in conn.execute("PRAGMA table_info(audit)")}
    audit_id = conn.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0]
    if chained:
        from mtbs_tui import audit as trail

        audit_count, audit_head = trail.chain_head(conn)
    conn.executescript(_STAGE_SQL)
    malaria_area = DEMO_FACILITY["malaria_area"]

    def write_batch(hits: list[Hit], stage: list, a_flat: list, head_now: tuple | None, done: int) -> None:
        with dbmod.write(reg.db):
            if hits:
                # Multi-row VALUES, not executemany: each row of executemany waits for the GIL.
                _insert_flat(conn, "temp.demo_hit", 13, [value for h in hits for value in (
                    h.id, h.top_json[1:], h.findings_json, h.rest_json[1:], h.result.get("pathway"),
                    int(bool(h.result.get("refer_urgently"))), h.result.get("follow_up_days"),
                    h.measurements.get("weight_kg"), h.measurements.get("length_cm"),
                    h.measurements.get("length_position"), h.measurements.get("muac_cm"),
                    h.measurements.get("temperature_c"), h.referral_reason)])
                _insert_flat(conn, "temp.demo_hit_class", 7,
                             [value for h in hits for row in h.classifications for value in (h.id, *row)])
                _insert_flat(conn, "temp.demo_hit_treat", 5,
                             [value for h in hits for row in h.treatments for value in (h.id, *row)])
            conn.execute("DELETE FROM temp.demo_stage")
            _insert_flat(conn, "temp.demo_stage", _STAGE_WIDTH, stage)
            conn.execute(_VISITS_FROM_STAGE, (malaria_area, rules_version()))
            conn.execute(
                "INSERT INTO visit_classifications(visit_id, position, module, code, label, colour, rule) "
                "SELECT s.id, c.position, c.module, c.code, c.label, c.colour, c.rule FROM temp.demo_stage s "
                "JOIN temp.demo_hit_class c ON c.hit = s.hit ORDER BY s.id, c.position")
            conn.execute(
                "INSERT INTO visit_treatments(visit_id, position, code, label, dose) "
                "SELECT s.id, t.position, t.code, t.label, t.dose FROM temp.demo_stage s "
                "JOIN temp.demo_hit_treat t ON t.hit = s.hit ORDER BY s.id, t.position")
            conn.execute(
                "INSERT INTO referrals(visit_id, reason, referred_at) SELECT s.id, h.referral_reason, s.at "
                "FROM temp.demo_stage s JOIN temp.demo_hit h ON h.id = s.hit "
                "WHERE h.referral_reason IS NOT NULL ORDER BY s.id")
            if head_now is not None:
                _insert_flat(conn, "audit(id, at, actor, workstation, patient_id, action, detail, prev_hash, hash)",
                             9, a_flat)
                conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                                 "value = excluded.value",
                                 [("audit_head", head_now[0]), ("audit_count", str(head_now[1]))])
            else:
                _insert_flat(conn, "audit(id, at, actor, workstation, patient_id, action, detail)", 7, a_flat)
        if progress:
            progress(f"{done}/{visits} kunjungan")

    sent_hits = 0
    done = 0
    for batch in _batches(planned_days(), BATCH):
        stage: list = []
        a_flat: list = []
        for v in batch:
            p: _Patient = v["patient"]
            versions: list[tuple[Any, str | None]] = [(v["scenario"], None)]
            if v["kind"] == "pertama" and next_id % correction_every == 7 and v["scenario"].recovery:
                versions.append((BY_ID[v["scenario"].recovery], "salah catat hasil pemeriksaan"))
            if versions[-1][0].pathway != versions[0][0].pathway:
                versions = versions[:1]
            supersedes = None
            at = v["at"].isoformat()
            age = v["age"]
            for n, (scenario, reason) in enumerate(versions, start=1):
                hit = v["hit"] if n == 1 else cache.get(scenario, p.birth, v["day"], p.sex, age)
                worker = WORKERS[int(rng.random() * len(WORKERS))]
                vid = next_id
                next_id += 1
                stage.extend((vid, v["uid"], n, supersedes, 1 if n == len(versions) else 0, p.id, at, v["of"],
                              age.days, age.months, hit.id, worker, reason))
                audit_id += 1
                entry = (audit_id, at, worker, "demo", p.id,
                         "kunjungan.koreksi" if reason else "kunjungan.simpan", f"kunjungan {vid}")
                a_flat.extend(entry)
                if chained:
                    digest = trail.entry_hash_values(audit_head, entry)
                    a_flat.extend((audit_head, digest))
                    audit_head = digest
                    audit_count += 1
                if reason:
                    corrections += 1
                supersedes = vid
        head_now = (audit_head, audit_count) if chained else None
        hits = cache.created[sent_hits:]
        sent_hits = len(cache.created)
        done += len(batch)
        writer.put(write_batch, hits, stage, a_flat, head_now, done)
    writer.sync()
    conn.executescript(_STAGE_DROP_SQL)
    with dbmod.write(reg.db):
        # Each patient's newest visit (only demo visits exist yet), one statement in SQLite.
        conn.execute("UPDATE patients SET last_seen_at = (SELECT MAX(visit_at) FROM visits v "
                     "WHERE v.patient_id = patients.id) WHERE id IN (SELECT patient_id FROM visits)")
        _apply_practice(conn, practice)
    hasher.join()
    add_demo_accounts(reg, hashes)  # a missing hash (the thread failed) is made by add_user itself
    # Destinations and replies draw from generators of their own: the drafts below stay as they were.
    add_demo_destinations(reg, seed=f"tujuan {patients} {visits}")
    replies = add_demo_replies(reg, seed=f"balasan {patients} {visits} {today.isoformat()}", today=today)

    # 4. A few open drafts of today, through the real API (what the home screen shows).
    drafts = 0
    young = [p for p in people if p.birth <= today - _dt.timedelta(days=70)]
    for section, scenario_id in (("diare", "diare_tanpa_dehidrasi"), ("gizi", "batuk_bukan_pneumonia"),
                                 ("demam_malaria", "demam_tes_negatif"))[: 3 if visits else 0]:
        if not young:
            break
        p = rng.choice(young)
        full = cache.case(BY_ID[scenario_id], p.birth, today, p.sex)
        keep = list(full["findings"])[: len(full["findings"]) // 2]
        partial = dict(full, findings={k: full["findings"][k] for k in keep})
        reg.save_draft(patient_id=p.id, case=partial, section=section, actor=rng.choice(WORKERS))
        drafts += 1
    return DemoStats(patients=patients, visits=counts["first"] + counts["booked"],
                     follow_ups=counts["booked"], corrections=corrections,
                     drafts=drafts, classify_calls=cache.calls, replies=replies)
