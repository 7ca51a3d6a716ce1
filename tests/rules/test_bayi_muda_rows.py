"""Row tests of the bayi muda (MTBM, < 60 days) pathway: every row fires, and just misses at its edges.

The vectors are data: a complete, normal young-infant case is the baseline, and each vector changes
a few findings (or leaves some out) and states the whole expected result for the pathway: the code
of every module, the `incomplete` entries, `refer_urgently`, `follow_up_days`, and for some vectors
the treatment codes and key dose texts. Every vector runs under `--chart 2022` and `--chart 2015`
(case-format.md §11.7: the same 2022 rows, rule ids keep the `2022.` prefix, `chart` echoes the
request). A handful also go through the real `mtbs classify FILE` command.

Expected codes, colours and follow-up days are copied from case-format.md §8.2 here on purpose, so
that the tables in `mtbs_tui/rules/bayi_muda.py` are checked against the contract, not against
themselves.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cli_login import mtbs_cli, mtbs_here

from mtbs_tui.rules import CaseError, classify

# --- the contract, copied (case-format.md §8.2) ------------------------------------------------

PSBI = "PENYAKIT_SANGAT_BERAT_ATAU_INFEKSI_BAKTERI_BERAT"
IBL = "INFEKSI_BAKTERI_LOKAL"
MBI = "MUNGKIN_BUKAN_INFEKSI"
IB = "IKTERUS_BERAT"
IK = "IKTERUS"
TAI = "TIDAK_ADA_IKTERUS"
DDB = "DIARE_DEHIDRASI_BERAT"
DDRS = "DIARE_DEHIDRASI_RINGAN_SEDANG"
DTD = "DIARE_TANPA_DEHIDRASI"
HIV_T = "INFEKSI_HIV_TERKONFIRMASI"
HIV_P = "TERPAJAN_HIV_MUNGKIN_INFEKSI_HIV"
HIV_U = "INFEKSI_HIV_TIDAK_DIKETAHUI"
HIV_N = "BUKAN_INFEKSI_HIV"
BBSR = "BERAT_BADAN_SANGAT_RENDAH_MENURUT_UMUR"
BBR_ASI = "BERAT_BADAN_RENDAH_MENURUT_UMUR_DAN_ATAU_MASALAH_PEMBERIAN_ASI"
BBR_MINUM = "BERAT_BADAN_RENDAH_MENURUT_UMUR_DAN_ATAU_MASALAH_PEMBERIAN_MINUM"
BBN_ASI = "BERAT_BADAN_TIDAK_RENDAH_MENURUT_UMUR_DAN_TIDAK_ADA_MASALAH_PEMBERIAN_ASI"
BBN_MINUM = "BERAT_BADAN_TIDAK_RENDAH_MENURUT_UMUR_DAN_TIDAK_ADA_MASALAH_PEMBERIAN_MINUM"

CODES: dict[str, tuple[str, str, str]] = {  # code -> (module, colour, label)
    PSBI: ("bm_infeksi", "merah", "PENYAKIT SANGAT BERAT ATAU INFEKSI BAKTERI BERAT"),
    IBL: ("bm_infeksi", "kuning", "INFEKSI BAKTERI LOKAL"),
    MBI: ("bm_infeksi", "hijau", "MUNGKIN BUKAN INFEKSI"),
    IB: ("bm_ikterus", "merah", "IKTERUS BERAT"),
    IK: ("bm_ikterus", "kuning", "IKTERUS"),
    TAI: ("bm_ikterus", "hijau", "TIDAK ADA IKTERUS"),
    "DIARE_PERSISTEN_BERAT": ("bm_diare", "merah", "DIARE PERSISTEN BERAT"),  # §11.15 item 2
    "DISENTRI": ("bm_diare", "merah", "DISENTRI PADA BAYI MUDA"),  # §11.15 item 2
    DDB: ("bm_diare", "merah", "DIARE DEHIDRASI BERAT"),
    DDRS: ("bm_diare", "kuning", "DIARE DEHIDRASI RINGAN/SEDANG"),
    DTD: ("bm_diare", "hijau", "DIARE TANPA DEHIDRASI"),
    HIV_T: ("bm_hiv", "kuning", "INFEKSI HIV TERKONFIRMASI"),
    HIV_P: ("bm_hiv", "kuning", "TERPAJAN HIV: MUNGKIN INFEKSI HIV"),
    HIV_U: ("bm_hiv", "kuning", "INFEKSI HIV TIDAK DIKETAHUI"),
    HIV_N: ("bm_hiv", "hijau", "BUKAN INFEKSI HIV"),
    BBSR: ("bm_berat_badan_asi", "merah", "BERAT BADAN SANGAT RENDAH MENURUT UMUR"),
    BBR_ASI: ("bm_berat_badan_asi", "kuning",
              "BERAT BADAN RENDAH MENURUT UMUR DAN/ATAU MASALAH PEMBERIAN ASI"),
    BBR_MINUM: ("bm_berat_badan_asi", "kuning",
                "BERAT BADAN RENDAH MENURUT UMUR DAN/ATAU MASALAH PEMBERIAN MINUM"),
    BBN_ASI: ("bm_berat_badan_asi", "hijau",
              "BERAT BADAN TIDAK RENDAH MENURUT UMUR DAN TIDAK ADA MASALAH PEMBERIAN ASI"),
    BBN_MINUM: ("bm_berat_badan_asi", "hijau",
                "BERAT BADAN TIDAK RENDAH MENURUT UMUR DAN TIDAK ADA MASALAH PEMBERIAN MINUM"),
}
MODULE_ORDER = ("bm_infeksi", "bm_ikterus", "bm_diare", "bm_hiv", "bm_berat_badan_asi",
                "bm_imunisasi", "bm_vitamin_k1")

# --- building cases ----------------------------------------------------------------------------

DROP = "<drop>"  # a findings/top-level override value that removes the key (= not assessed)
VISIT = dt.date(2026, 6, 15)  # 30 days before is 0 completed months, 31 days is 1 (§3)

# A complete young-infant visit with every item assessed and normal.
NORMAL: dict[str, Any] = {
    # bm_infeksi
    "sianosis": False, "napas_cuping_hidung": False, "riwayat_kejang": False,
    "sedang_kejang": False, "mata_bernanah": "tidak", "napas_per_menit": 48, "merintih": False,
    "tarikan_dinding_dada_sangat_kuat": False, "menyusu_lemah": False, "belum_bab_48_jam": False,
    "muntah_semua_atau_hijau": False, "perut_kembung_sesak": False, "tidak_ada_lubang_anus": False,
    "pusar_kemerahan": "tidak", "pusar_bernanah": False, "pustul_kulit": False,
    "keadaan_umum": "normal",  # read by bm_infeksi for every young infant (§11.15 item 1)
    # bm_ikterus (kuning_mulai_jam is only needed when tampak_kuning is true)
    "tampak_kuning": False, "telapak_kuning": False,
    # bm_diare
    "diare": False,
    # bm_hiv
    "tes_hiv_ibu": "negatif", "tes_virologi_anak": "negatif", "tes_serologi_anak": "belum",
    "masih_menyusu_atau_baru_berhenti": True,
    # bm_berat_badan_asi, breastfed path; the z-score is pinned (§11.8) so rows do not depend on WHO
    "menyusu": True, "menyusu_per_24_jam": 10, "minum_dengan_botol": False,
    "makanan_minuman_lain": False, "posisi_menyusu_benar": True, "perlekatan_baik": True,
    "isapan_efektif": True, "bercak_putih_mulut": False, "bibir_langit_sumbing": False,
    "zskor_bb_u": 0.0,
    # treatment-only modules: nothing due
    "imunisasi_diterima": ["hb0", "bcg", "polio_1"], "vitamin_k1_diberikan": True,
}
# Replacement-feeding path: the breastfed-path items are not read there, so they are left out.
REPLACEMENT: dict[str, Any] = {
    "menyusu": False, "menyusu_per_24_jam": DROP, "makanan_minuman_lain": DROP,
    "posisi_menyusu_benar": DROP, "perlekatan_baik": DROP, "isapan_efektif": DROP,
    "susu_pengganti_tepat": True, "jumlah_minum_cukup": True, "frekuensi_minum_cukup": True,
    "penyiapan_susu_bersih": True,
}
DIARE = {"diare": True, "diare_hari": 3, "darah_dalam_tinja": False, "keadaan_umum": "normal",
         "mata_cekung": False, "cubitan_kulit_perut": "segera"}
NORMAL_TOP: dict[str, Any] = {"sex": "L", "weight_kg": 3.5, "temperature_c": 36.8}


def make_case(age_days: int = 20, findings: dict[str, Any] | None = None,
              top: dict[str, Any] | None = None, visit: dt.date = VISIT) -> dict[str, Any]:
    merged = {**NORMAL, **(findings or {})}
    case: dict[str, Any] = {
        "visit_date": visit.isoformat(),
        "birth_date": (visit - dt.timedelta(days=age_days)).isoformat(),
        **NORMAL_TOP,
    }
    for key, value in (top or {}).items():
        case[key] = value
    case["findings"] = {k: v for k, v in merged.items() if v != DROP}
    return {k: v for k, v in case.items() if v != DROP}


class Has:
    """`missing` must contain these names (used where the contract leaves extra names open)."""

    def __init__(self, *names: str) -> None:
        self.names = names

    def check(self, missing: list[str]) -> bool:
        return set(self.names) <= set(missing)

    def __repr__(self) -> str:
        return f"Has{self.names}"


BASE_EXPECT: dict[str, str | None] = {
    "bm_infeksi": MBI, "bm_ikterus": TAI, "bm_diare": None, "bm_hiv": HIV_N,
    "bm_berat_badan_asi": BBN_ASI,
}


@dataclass(frozen=True)
class Vec:
    name: str
    f: dict[str, Any] = field(default_factory=dict)
    top: dict[str, Any] = field(default_factory=dict)
    age: int = 20
    expect: dict[str, Any] = field(default_factory=dict)  # over BASE_EXPECT; None = nothing; tuple = several
    incomplete: dict[str, Any] = field(default_factory=dict)  # module -> exact list, or Has(...)
    refer: bool = False
    follow_up: int | None = None
    treatments: tuple[str, ...] | None = None  # exact codes in order, when given
    has: tuple[str, ...] = ()  # treatment codes that must be present
    lacks: tuple[str, ...] = ()  # treatment codes that must be absent
    doses: dict[str, Any] = field(default_factory=dict)  # code -> substrings (tuple) or None
    because: dict[str, tuple[str, ...]] = field(default_factory=dict)  # module -> names it must list

    def case(self) -> dict[str, Any]:
        return make_case(self.age, self.f, self.top)


def V(name: str, **kw: Any) -> Vec:
    return Vec(name, **kw)


VECTORS: list[Vec] = [
    V("baseline", treatments=("PERAWATAN_BAYI_MUDA", "NASIHAT_KEMBALI_SEGERA"),
      because={"bm_hiv": ("tes_hiv_ibu", "tes_virologi_anak")}),

    # ---- bm_infeksi row 1: every sign fires on its own (reference §4.1, S4 p.40) ----
    *[V(f"psbi.{key}", f={key: True}, expect={"bm_infeksi": PSBI}, refer=True,
        because={"bm_infeksi": (key,)})
      for key in ("sianosis", "merintih", "napas_cuping_hidung", "tarikan_dinding_dada_sangat_kuat",
                  "menyusu_lemah", "riwayat_kejang", "sedang_kejang", "belum_bab_48_jam",
                  "muntah_semua_atau_hijau", "perut_kembung_sesak", "tidak_ada_lubang_anus",
                  "pusar_bernanah")],
    V("psbi.mata_bernanah.banyak", f={"mata_bernanah": "banyak"}, expect={"bm_infeksi": PSBI},
      refer=True, because={"bm_infeksi": ("mata_bernanah",)}),
    V("psbi.pusar_kemerahan.meluas", f={"pusar_kemerahan": "meluas"}, expect={"bm_infeksi": PSBI},
      refer=True, because={"bm_infeksi": ("pusar_kemerahan",)}),
    # respiratory rate: >= 60 or < 40, the recount replaces the first count
    V("psbi.napas.60", f={"napas_per_menit": 60}, expect={"bm_infeksi": PSBI}, refer=True,
      because={"bm_infeksi": ("napas_per_menit",)}),
    V("miss.napas.59", f={"napas_per_menit": 59}),
    V("miss.napas.40", f={"napas_per_menit": 40}),
    V("psbi.napas.39", f={"napas_per_menit": 39}, expect={"bm_infeksi": PSBI}, refer=True),
    V("miss.napas.recount_below_60", f={"napas_per_menit": 64, "napas_per_menit_ulang": 58}),
    V("psbi.napas.recount_60", f={"napas_per_menit": 58, "napas_per_menit_ulang": 60},
      expect={"bm_infeksi": PSBI}, refer=True, because={"bm_infeksi": ("napas_per_menit_ulang",)}),
    V("psbi.napas.recount_39", f={"napas_per_menit": 45, "napas_per_menit_ulang": 39},
      expect={"bm_infeksi": PSBI}, refer=True),
    V("miss.napas.recount_only", f={"napas_per_menit": DROP, "napas_per_menit_ulang": 50}),
    # temperature: >= 37.5 or < 36.5 (§11.14 setting); hypothermia is folded into row 1 (S4)
    V("psbi.suhu.37_5", top={"temperature_c": 37.5}, expect={"bm_infeksi": PSBI}, refer=True,
      because={"bm_infeksi": ("temperature_c",)}),
    V("miss.suhu.37_4", top={"temperature_c": 37.4}),
    V("miss.suhu.36_5", top={"temperature_c": 36.5}),
    V("psbi.suhu.36_4", top={"temperature_c": 36.4}, expect={"bm_infeksi": PSBI}, refer=True),
    V("psbi.suhu.35_0", top={"temperature_c": 35.0}, expect={"bm_infeksi": PSBI}, refer=True),
    # pulse oximetry (2022): < 95 % at either site, or hand-foot difference > 3 points
    V("psbi.spo2_tangan.94", f={"spo2_tangan_kanan": 94}, expect={"bm_infeksi": PSBI}, refer=True,
      because={"bm_infeksi": ("spo2_tangan_kanan",)}),
    V("miss.spo2_tangan.95", f={"spo2_tangan_kanan": 95}),
    V("psbi.spo2_kaki.94", f={"spo2_kaki": 94}, expect={"bm_infeksi": PSBI}, refer=True),
    V("miss.spo2_kaki.95", f={"spo2_kaki": 95}),
    V("psbi.spo2_selisih.4", f={"spo2_tangan_kanan": 99, "spo2_kaki": 95},
      expect={"bm_infeksi": PSBI}, refer=True,
      because={"bm_infeksi": ("spo2_tangan_kanan", "spo2_kaki")}),
    V("psbi.spo2_selisih.4_kaki_lebih_tinggi", f={"spo2_tangan_kanan": 95, "spo2_kaki": 99},
      expect={"bm_infeksi": PSBI}, refer=True),
    V("miss.spo2_selisih.3", f={"spo2_tangan_kanan": 98, "spo2_kaki": 95}),
    # balita-only signs without a young-infant meaning change no row (they are listed in
    # unread_findings, §11.15 item 8; see test_contract_v2.py)
    V("miss.balita_keys_ignored", f={"tarikan_dinding_dada": True, "stridor": True, "batuk": True}),

    # ---- bm_infeksi row 2 (INFEKSI BAKTERI LOKAL) and its edges ----
    V("ibl.pustul", f={"pustul_kulit": True}, expect={"bm_infeksi": IBL}, follow_up=2,
      has=("ANTISEPTIK_PUSAR_KULIT", "PERAWATAN_BAYI_MUDA", "NASIHAT_KEMBALI_SEGERA"),
      lacks=("SALEP_MATA", "RUJUK_SEGERA"), because={"bm_infeksi": ("pustul_kulit",)}),
    V("ibl.mata_sedikit", f={"mata_bernanah": "sedikit"}, expect={"bm_infeksi": IBL}, follow_up=2,
      has=("SALEP_MATA",), lacks=("ANTISEPTIK_PUSAR_KULIT",)),
    V("ibl.pusar_terbatas", f={"pusar_kemerahan": "terbatas"}, expect={"bm_infeksi": IBL},
      follow_up=2, has=("ANTISEPTIK_PUSAR_KULIT",)),

    # ---- bm_infeksi: unknown is not no ----
    V("incomplete.napas", f={"napas_per_menit": DROP}, expect={"bm_infeksi": None},
      incomplete={"bm_infeksi": ["napas_per_menit"]}),
    V("incomplete.suhu", top={"temperature_c": DROP}, expect={"bm_infeksi": None},
      incomplete={"bm_infeksi": ["temperature_c"]}),
    V("incomplete.napas_known_sign_still_refers", f={"napas_per_menit": DROP, "sianosis": True},
      expect={"bm_infeksi": PSBI}, refer=True),
    V("incomplete.napas_local_sign_not_reached", f={"napas_per_menit": DROP, "pustul_kulit": True},
      expect={"bm_infeksi": None}, incomplete={"bm_infeksi": ["napas_per_menit"]}),
    V("incomplete.pustul", f={"pustul_kulit": DROP}, expect={"bm_infeksi": None},
      incomplete={"bm_infeksi": ["pustul_kulit"]}),
    V("incomplete.pustul_other_local_sign", f={"pustul_kulit": DROP, "mata_bernanah": "sedikit"},
      expect={"bm_infeksi": IBL}, follow_up=2),

    # ---- bm_ikterus (reference §4.2, p.41): onset < 24 h, yellow palms/soles, or age > 14 days ----
    V("ib.onset_23h", age=5, f={"tampak_kuning": True, "kuning_mulai_jam": 23},
      expect={"bm_ikterus": IB}, refer=True, because={"bm_ikterus": ("kuning_mulai_jam",)},
      treatments=("CEGAH_GULA_DARAH_TURUN", "JAGA_TETAP_HANGAT", "RUJUK_SEGERA")),
    V("ik.onset_24h", age=5, f={"tampak_kuning": True, "kuning_mulai_jam": 24},
      expect={"bm_ikterus": IK}, follow_up=1,
      has=("PERAWATAN_BAYI_MUDA", "KONSELING_MENYUSUI", "NASIHAT_KEMBALI_SEGERA")),
    V("ib.telapak", age=5, f={"tampak_kuning": True, "kuning_mulai_jam": 48, "telapak_kuning": True},
      expect={"bm_ikterus": IB}, refer=True, because={"bm_ikterus": ("telapak_kuning",)}),
    V("ik.day_14", age=14, f={"tampak_kuning": True, "kuning_mulai_jam": 48},
      expect={"bm_ikterus": IK}, follow_up=1),
    V("ib.day_15", age=15, f={"tampak_kuning": True, "kuning_mulai_jam": 48},
      expect={"bm_ikterus": IB}, refer=True),
    V("ik.day_7", age=7, f={"tampak_kuning": True, "kuning_mulai_jam": 72},
      expect={"bm_ikterus": IK}, follow_up=1),
    V("ik.day_8", age=8, f={"tampak_kuning": True, "kuning_mulai_jam": 72},
      expect={"bm_ikterus": IK}, follow_up=1),
    V("tai.palms_without_jaundice", f={"tampak_kuning": False, "telapak_kuning": True}),
    V("incomplete.kuning_mulai_jam", age=5, f={"tampak_kuning": True},
      expect={"bm_ikterus": None}, incomplete={"bm_ikterus": ["kuning_mulai_jam"]}),
    V("ib.onset_unknown_but_day_15", age=15, f={"tampak_kuning": True}, expect={"bm_ikterus": IB},
      refer=True),
    V("ib.onset_unknown_but_palms", age=5, f={"tampak_kuning": True, "telapak_kuning": True},
      expect={"bm_ikterus": IB}, refer=True),
    V("incomplete.telapak", age=5,
      f={"tampak_kuning": True, "kuning_mulai_jam": 48, "telapak_kuning": DROP},
      expect={"bm_ikterus": None}, incomplete={"bm_ikterus": ["telapak_kuning"]}),
    V("incomplete.tampak_kuning", f={"tampak_kuning": DROP}, expect={"bm_ikterus": None},
      incomplete={"bm_ikterus": Has("tampak_kuning")}),

    # ---- bm_diare (reference §4.3, p.42): two of three signs; no drinking sign ----
    # "Moves only when stimulated" is also a bm_infeksi row-1 sign (§11.15 item 1): the infant is
    # referred, so no Plan C here, ORS on the way.
    V("ddb.letargis_mata", f={**DIARE, "keadaan_umum": "letargis_tidak_sadar", "mata_cekung": True},
      expect={"bm_infeksi": PSBI, "bm_diare": DDB}, refer=True,
      has=("ORALIT_PERJALANAN", "RUJUK_SEGERA"), lacks=("RENCANA_TERAPI_C",),
      because={"bm_diare": ("keadaan_umum", "mata_cekung"), "bm_infeksi": ("keadaan_umum",)}),
    V("ddb.letargis_sangat_lambat",
      f={**DIARE, "keadaan_umum": "letargis_tidak_sadar", "cubitan_kulit_perut": "sangat_lambat"},
      expect={"bm_infeksi": PSBI, "bm_diare": DDB}, refer=True),
    V("ddb.mata_sangat_lambat",
      f={**DIARE, "mata_cekung": True, "cubitan_kulit_perut": "sangat_lambat"},
      expect={"bm_diare": DDB}, refer=False, has=("RENCANA_TERAPI_C",),
      lacks=("RUJUK_SEGERA", "ORALIT_PERJALANAN"),
      because={"bm_diare": ("mata_cekung", "cubitan_kulit_perut")}),
    V("ddb.with_psbi_refers", f={**DIARE, "mata_cekung": True, "cubitan_kulit_perut": "sangat_lambat",
                                 "sianosis": True},
      expect={"bm_infeksi": PSBI, "bm_diare": DDB}, refer=True,
      has=("ORALIT_PERJALANAN", "RUJUK_SEGERA"), lacks=("RENCANA_TERAPI_C",)),
    V("dtd.letargis_alone", f={**DIARE, "keadaan_umum": "letargis_tidak_sadar"},
      expect={"bm_infeksi": PSBI, "bm_diare": DTD}, refer=True, follow_up=1),
    V("ddrs.gelisah_mata", f={**DIARE, "keadaan_umum": "gelisah_rewel", "mata_cekung": True},
      expect={"bm_diare": DDRS}, follow_up=1, has=("RENCANA_TERAPI_B",)),
    V("ddrs.gelisah_lambat", f={**DIARE, "keadaan_umum": "gelisah_rewel",
                                "cubitan_kulit_perut": "lambat"},
      expect={"bm_diare": DDRS}, follow_up=1),
    V("ddrs.mata_lambat", f={**DIARE, "mata_cekung": True, "cubitan_kulit_perut": "lambat"},
      expect={"bm_diare": DDRS}, follow_up=1),
    V("dtd.mata_alone", f={**DIARE, "mata_cekung": True}, expect={"bm_diare": DTD}, follow_up=1),
    V("dtd.gelisah_alone", f={**DIARE, "keadaan_umum": "gelisah_rewel"}, expect={"bm_diare": DTD},
      follow_up=1),
    # §5.3: letargis counts only toward the severe row, sangat_lambat only toward the severe row
    V("dtd.letargis_is_not_gelisah", f={**DIARE, "keadaan_umum": "letargis_tidak_sadar",
                                        "cubitan_kulit_perut": "lambat"},
      expect={"bm_infeksi": PSBI, "bm_diare": DTD}, refer=True, follow_up=1),
    V("dtd.sangat_lambat_is_not_lambat", f={**DIARE, "keadaan_umum": "gelisah_rewel",
                                            "cubitan_kulit_perut": "sangat_lambat"},
      expect={"bm_diare": DTD}, follow_up=1),
    V("dtd.none", f=DIARE, expect={"bm_diare": DTD}, follow_up=1),
    # §11.15 item 2: persistent diarrhoea and blood in the stool are merah, printed with the
    # dehydration row (test_contract_v2.py has the edges and treatments)
    V("dpb.14_hari", f={**DIARE, "diare_hari": 14},
      expect={"bm_diare": ("DIARE_PERSISTEN_BERAT", DTD)}, refer=True, follow_up=1),
    V("dis.darah", f={**DIARE, "darah_dalam_tinja": True},
      expect={"bm_diare": ("DISENTRI", DTD)}, refer=True, follow_up=1),
    V("incomplete.diare_open", f={"diare": DROP}, expect={"bm_diare": None},
      incomplete={"bm_diare": ["diare", "diare_hari", "darah_dalam_tinja", "mata_cekung",
                               "cubitan_kulit_perut"]}),
    V("incomplete.mata_cekung", f={**DIARE, "keadaan_umum": "letargis_tidak_sadar",
                                   "mata_cekung": DROP},
      expect={"bm_infeksi": PSBI, "bm_diare": None}, refer=True,
      incomplete={"bm_diare": ["mata_cekung"]}),
    V("ddb.two_known_one_unknown", f={**DIARE, "keadaan_umum": "letargis_tidak_sadar",
                                      "mata_cekung": DROP, "cubitan_kulit_perut": "sangat_lambat"},
      expect={"bm_infeksi": PSBI, "bm_diare": DDB}, refer=True),

    # ---- bm_hiv, exactly §11.12 (reference §4.4, S4 p.43) ----
    V("hiv.terkonfirmasi", f={"tes_virologi_anak": "positif"}, expect={"bm_hiv": HIV_T}),
    V("hiv.terkonfirmasi_ibu_unknown", f={"tes_virologi_anak": "positif", "tes_hiv_ibu": DROP},
      expect={"bm_hiv": HIV_T}),
    V("hiv.terpajan.serologi_bawah_18", f={"tes_serologi_anak": "positif_di_bawah_18_bulan"},
      expect={"bm_hiv": HIV_P}),
    V("hiv.terpajan.serologi_18", f={"tes_serologi_anak": "positif_18_bulan_atau_lebih"},
      expect={"bm_hiv": HIV_P}),
    V("hiv.terpajan.ibu_positif_menyusu", f={"tes_hiv_ibu": "positif"}, expect={"bm_hiv": HIV_P}),
    V("hiv.terpajan.ibu_positif_belum_dites",
      f={"tes_hiv_ibu": "positif", "masih_menyusu_atau_baru_berhenti": False,
         "tes_virologi_anak": "belum"}, expect={"bm_hiv": HIV_P}),
    V("hiv.bukan.ibu_positif_tidak_menyusu_virologi_negatif",
      f={"tes_hiv_ibu": "positif", "masih_menyusu_atau_baru_berhenti": False},
      expect={"bm_hiv": HIV_N}),
    V("hiv.tidak_diketahui.ibu_belum", f={"tes_hiv_ibu": "belum"}, expect={"bm_hiv": HIV_U},
      has=("TES_HIV",)),
    V("hiv.tidak_diketahui.virologi_belum", f={"tes_virologi_anak": "belum"},
      expect={"bm_hiv": HIV_U}, has=("TES_HIV",)),
    V("incomplete.hiv_all", f={"tes_hiv_ibu": DROP, "tes_virologi_anak": DROP,
                               "tes_serologi_anak": DROP, "masih_menyusu_atau_baru_berhenti": DROP},
      expect={"bm_hiv": None},
      incomplete={"bm_hiv": ["tes_hiv_ibu", "tes_virologi_anak", "tes_serologi_anak",
                             "masih_menyusu_atau_baru_berhenti"]}),
    V("incomplete.hiv_virologi", f={"tes_virologi_anak": DROP}, expect={"bm_hiv": None},
      incomplete={"bm_hiv": ["tes_virologi_anak"]}),
    V("incomplete.hiv_serologi", f={"tes_serologi_anak": DROP}, expect={"bm_hiv": None},
      incomplete={"bm_hiv": ["tes_serologi_anak"]}),
    V("incomplete.hiv_menyusu", f={"tes_hiv_ibu": "positif",
                                   "masih_menyusu_atau_baru_berhenti": DROP},
      expect={"bm_hiv": None}, incomplete={"bm_hiv": ["masih_menyusu_atau_baru_berhenti"]}),

    # ---- bm_berat_badan_asi (reference §4.5, pp.44-45) ----
    V("bbsr.day6_1_99", age=6, top={"weight_kg": 1.99}, expect={"bm_berat_badan_asi": BBSR},
      refer=True, because={"bm_berat_badan_asi": ("weight_kg",)},
      treatments=("METODE_KANGURU", "CEGAH_GULA_DARAH_TURUN", "JAGA_TETAP_HANGAT",
                  "RUJUK_SEGERA")),
    V("miss.bbsr.day6_2_0", age=6, top={"weight_kg": 2.0}),
    V("miss.bbsr.day7_1_5", age=7, top={"weight_kg": 1.5}, f={"zskor_bb_u": -4.0},
      expect={"bm_berat_badan_asi": BBR_ASI}, follow_up=7),
    V("bbr.z_-2_01", f={"zskor_bb_u": -2.01}, expect={"bm_berat_badan_asi": BBR_ASI},
      follow_up=7, because={"bm_berat_badan_asi": ("zskor_bb_u",)},
      has=("KONSELING_MENYUSUI", "NASIHAT_KEMBALI_SEGERA")),
    V("miss.bbr.z_-2_0", f={"zskor_bb_u": -2.0}),
    V("bbr.menyusu_7x", f={"menyusu_per_24_jam": 7}, expect={"bm_berat_badan_asi": BBR_ASI},
      follow_up=2, because={"bm_berat_badan_asi": ("menyusu_per_24_jam",)}),
    V("miss.bbr.menyusu_8x", f={"menyusu_per_24_jam": 8}),
    *[V(f"bbr.asi.{key}", f={key: value}, expect={"bm_berat_badan_asi": BBR_ASI}, follow_up=2,
        because={"bm_berat_badan_asi": (key,)})
      for key, value in (("minum_dengan_botol", True), ("makanan_minuman_lain", True),
                         ("posisi_menyusu_benar", False), ("perlekatan_baik", False),
                         ("isapan_efektif", False), ("bibir_langit_sumbing", True))],
    V("bbr.asi.thrush", f={"bercak_putih_mulut": True}, expect={"bm_berat_badan_asi": BBR_ASI},
      follow_up=2, has=("NISTATIN",)),
    V("bbr.low_weight_and_feeding_problem", f={"zskor_bb_u": -3.0, "menyusu_per_24_jam": 7},
      expect={"bm_berat_badan_asi": BBR_ASI}, follow_up=2),
    V("bbr.low_weight_feeding_unknown_follow_up_2",
      f={"zskor_bb_u": -3.0, "posisi_menyusu_benar": DROP},
      expect={"bm_berat_badan_asi": BBR_ASI}, follow_up=2),
    V("incomplete.feeding_item", f={"posisi_menyusu_benar": DROP},
      expect={"bm_berat_badan_asi": None},
      incomplete={"bm_berat_badan_asi": ["posisi_menyusu_benar"]}),
    V("incomplete.menyusu", f={"menyusu": DROP}, expect={"bm_berat_badan_asi": None},
      incomplete={"bm_berat_badan_asi": Has("menyusu")}),
    V("incomplete.bbsr_weight", age=5, top={"weight_kg": DROP},
      expect={"bm_berat_badan_asi": None}, incomplete={"bm_berat_badan_asi": ["weight_kg"]},
      doses={"AMPISILIN_IM": None}),
    V("incomplete.bbsr_weight_feeding_problem_not_reached", age=5,
      top={"weight_kg": DROP}, f={"minum_dengan_botol": True},
      expect={"bm_berat_badan_asi": None}, incomplete={"bm_berat_badan_asi": ["weight_kg"]}),
    V("bbr.no_weight_after_day_7", age=7, top={"weight_kg": DROP},
      f={"minum_dengan_botol": True}, expect={"bm_berat_badan_asi": BBR_ASI}, follow_up=2),
    V("incomplete.zscore_without_weight", f={"zskor_bb_u": DROP}, top={"weight_kg": DROP},
      expect={"bm_berat_badan_asi": None}, incomplete={"bm_berat_badan_asi": ["weight_kg"]}),
    V("incomplete.zscore_without_sex", f={"zskor_bb_u": DROP}, top={"sex": DROP},
      expect={"bm_berat_badan_asi": None}, incomplete={"bm_berat_badan_asi": ["sex"]}),
    V("bbr.zscore_computed_low", age=30, f={"zskor_bb_u": DROP}, top={"weight_kg": 2.4},
      expect={"bm_berat_badan_asi": BBR_ASI}, follow_up=7,
      because={"bm_berat_badan_asi": ("zskor_bb_u",)}),
    V("bbn.zscore_computed_normal", age=30, f={"zskor_bb_u": DROP}, top={"weight_kg": 4.5}),
    # replacement-feeding path
    V("bbn.minum", f=REPLACEMENT, expect={"bm_berat_badan_asi": BBN_MINUM}),
    V("bbr.minum.low_weight", f={**REPLACEMENT, "zskor_bb_u": -2.5},
      expect={"bm_berat_badan_asi": BBR_MINUM}, follow_up=7),
    *[V(f"bbr.minum.{key}", f={**REPLACEMENT, key: value},
        expect={"bm_berat_badan_asi": BBR_MINUM}, follow_up=2,
        because={"bm_berat_badan_asi": (key,)})
      for key, value in (("susu_pengganti_tepat", False), ("jumlah_minum_cukup", False),
                         ("frekuensi_minum_cukup", False), ("penyiapan_susu_bersih", False),
                         ("minum_dengan_botol", True), ("bercak_putih_mulut", True),
                         ("bibir_langit_sumbing", True))],
    V("incomplete.minum_item", f={**REPLACEMENT, "penyiapan_susu_bersih": DROP},
      expect={"bm_berat_badan_asi": None},
      incomplete={"bm_berat_badan_asi": ["penyiapan_susu_bersih"]}),

    # ---- several modules: earliest follow-up (G7) ----
    V("follow_up.earliest", age=5,
      f={"pustul_kulit": True, "tampak_kuning": True, "kuning_mulai_jam": 30,
         "zskor_bb_u": -2.5},
      expect={"bm_infeksi": IBL, "bm_ikterus": IK, "bm_berat_badan_asi": BBR_ASI}, follow_up=1),

    # ---- pre-referral treatments and doses (reference §4.1 actions, §5.1 d, §5.10) ----
    V("dose.psbi_day5_3_5kg", age=5, f={"sianosis": True, "sedang_kejang": True,
                                        "belum_bab_48_jam": True},
      expect={"bm_infeksi": PSBI}, refer=True,
      treatments=("DIAZEPAM", "PIPA_OROGASTRIK", "JAGA_TETAP_HANGAT", "OKSIGEN", "AMPISILIN_IM",
                  "GENTAMISIN_IM", "DEKSTROSA_IV", "CEGAH_GULA_DARAH_TURUN", "RUJUK_SEGERA"),
      doses={"AMPISILIN_IM": ("175 mg", "50 mg/kg"), "GENTAMISIN_IM": ("17,5 mg", "5 mg/kg"),
             "OKSIGEN": ("1 liter/menit",), "DEKSTROSA_IV": ("60 mL/kg", "210 mL"),
             "DIAZEPAM": None, "RUJUK_SEGERA": None}),
    V("dose.gentamicin_day6", age=6, f={"menyusu_lemah": True}, expect={"bm_infeksi": PSBI},
      refer=True, lacks=("OKSIGEN", "PIPA_OROGASTRIK", "DIAZEPAM"),
      doses={"GENTAMISIN_IM": ("17,5 mg", "5 mg/kg")}),
    V("dose.gentamicin_day7", age=7, f={"menyusu_lemah": True}, expect={"bm_infeksi": PSBI},
      refer=True, doses={"GENTAMISIN_IM": ("26,3 mg", "7,5 mg/kg"),
                         "AMPISILIN_IM": ("175 mg",)}),
    V("dose.band_top_6_99", top={"weight_kg": 6.99}, f={"menyusu_lemah": True},
      expect={"bm_infeksi": PSBI}, refer=True,
      doses={"AMPISILIN_IM": ("349,5 mg",), "GENTAMISIN_IM": ("52,4 mg",)}),
    V("dose.band_end_7_0", top={"weight_kg": 7.0}, f={"menyusu_lemah": True},
      expect={"bm_infeksi": PSBI}, refer=True,
      doses={"AMPISILIN_IM": None, "GENTAMISIN_IM": None, "DEKSTROSA_IV": None}),
    V("dose.band_bottom_0_5", top={"weight_kg": 0.5}, f={"menyusu_lemah": True},
      expect={"bm_infeksi": PSBI, "bm_berat_badan_asi": BBN_ASI}, refer=True,
      doses={"AMPISILIN_IM": ("25 mg",), "GENTAMISIN_IM": ("3,8 mg",)}),
    V("dose.no_weight", top={"weight_kg": DROP}, f={"menyusu_lemah": True},
      expect={"bm_infeksi": PSBI}, refer=True,
      doses={"AMPISILIN_IM": None, "GENTAMISIN_IM": None, "DEKSTROSA_IV": None}),
    V("referral_drops_home_care", f={"sianosis": True, "pustul_kulit": True, "minum_dengan_botol": True,
                                     "vitamin_k1_diberikan": False},
      expect={"bm_infeksi": PSBI, "bm_berat_badan_asi": BBR_ASI}, refer=True, follow_up=2,
      lacks=("PERAWATAN_BAYI_MUDA", "NASIHAT_KEMBALI_SEGERA", "KONSELING_MENYUSUI",
             "ANTISEPTIK_PUSAR_KULIT")),

    # ---- bm_imunisasi: HB0 only at 0 or 1 days; BCG and polio 1 from 1 completed month (§9) ----
    V("imun.hb0_day0", age=0, f={"imunisasi_diterima": []}, has=("IMUNISASI_HB0",),
      lacks=("IMUNISASI_BCG", "IMUNISASI_POLIO_1"), doses={"IMUNISASI_HB0": ("0,5 mL",)}),
    V("imun.hb0_day1", age=1, f={"imunisasi_diterima": []}, has=("IMUNISASI_HB0",)),
    V("imun.hb0_day2", age=2, f={"imunisasi_diterima": []},
      lacks=("IMUNISASI_HB0", "IMUNISASI_BCG", "IMUNISASI_POLIO_1")),
    V("imun.bcg_polio_30_days", age=30, f={"imunisasi_diterima": ["hb0"]},
      lacks=("IMUNISASI_BCG", "IMUNISASI_POLIO_1")),
    V("imun.bcg_polio_1_month", age=31, f={"imunisasi_diterima": ["hb0"]},
      has=("IMUNISASI_BCG", "IMUNISASI_POLIO_1"), lacks=("IMUNISASI_HB0",)),
    V("imun.only_polio", age=40, f={"imunisasi_diterima": ["bcg"]},
      has=("IMUNISASI_POLIO_1",), lacks=("IMUNISASI_BCG", "IMUNISASI_HB0")),
    V("imun.balita_doses_not_given", age=59, f={"imunisasi_diterima": ["hb0", "bcg", "polio_1"]},
      lacks=("IMUNISASI_DPT_HB_HIB_1", "IMUNISASI_POLIO_2", "IMUNISASI_PCV_1",
             "IMUNISASI_ROTAVIRUS_1")),
    V("incomplete.imunisasi", f={"imunisasi_diterima": DROP},
      incomplete={"bm_imunisasi": ["imunisasi_diterima"]}),
    V("imun.none_when_referred", age=0, f={"imunisasi_diterima": [], "sianosis": True},
      expect={"bm_infeksi": PSBI}, refer=True, lacks=("IMUNISASI_HB0",)),

    # ---- bm_vitamin_k1 ----
    V("vitk.not_given", f={"vitamin_k1_diberikan": False}, has=("VITAMIN_K1",),
      doses={"VITAMIN_K1": ("1 mg",)}),
    V("incomplete.vitamin_k1", f={"vitamin_k1_diberikan": DROP},
      incomplete={"bm_vitamin_k1": ["vitamin_k1_diberikan"]}, lacks=("VITAMIN_K1",)),
]

CHARTS = ("2022", "2015")


def _codes(out: dict[str, Any]) -> list[tuple[str, str]]:
    return [(c["module"], c["code"]) for c in out["classifications"]]


def check_vector(vec: Vec, out: dict[str, Any], chart: str) -> None:
    assert out["chart"] == chart
    assert out["pathway"] == "bayi_muda"
    assert out["age"]["days"] == vec.age

    expect = {**BASE_EXPECT, **vec.expect}
    wanted = [(m, code) for m in MODULE_ORDER if expect.get(m)
              for code in ((expect[m],) if isinstance(expect[m], str) else expect[m])]
    assert _codes(out) == wanted

    for item in out["classifications"]:
        module, colour, label = CODES[item["code"]]
        assert item["module"] == module
        assert item["colour"] == colour
        assert item["label"] == label
        # §11.7: bayi muda rules keep the 2022 prefix under both charts
        assert item["rule"].startswith(f"2022.{module}.{item['code']}"), item["rule"]
        assert isinstance(item["because"], list)
    for module, names in vec.because.items():
        item = next(c for c in out["classifications"] if c["module"] == module)
        assert set(names) <= set(item["because"]), (module, item["because"])

    got_incomplete = {e["module"]: e["missing"] for e in out["incomplete"]}
    assert set(got_incomplete) == set(vec.incomplete), got_incomplete
    for module, missing in vec.incomplete.items():
        if isinstance(missing, Has):
            assert missing.check(got_incomplete[module]), (missing, got_incomplete[module])
        else:
            assert got_incomplete[module] == missing

    assert out["refer_urgently"] is vec.refer
    assert out["follow_up_days"] == vec.follow_up

    codes = [t["code"] for t in out["treatments"]]
    assert len(codes) == len(set(codes)), codes  # RUJUK is the only repeatable code; none here
    if vec.refer:
        assert codes[-1] == "RUJUK_SEGERA"
    else:
        assert "RUJUK_SEGERA" not in codes
    if vec.treatments is not None:
        assert codes == list(vec.treatments)
    for code in vec.has:
        assert code in codes, (code, codes)
    for code in vec.lacks:
        assert code not in codes, (code, codes)
    by_code = {t["code"]: t for t in out["treatments"]}
    for code, parts in vec.doses.items():
        if code not in by_code:
            assert parts is None or code in codes, (code, codes)
            continue
        dose = by_code[code]["dose"]
        if parts is None:
            assert dose is None, (code, dose)
        else:
            assert dose is not None, code
            for part in parts:
                assert part in dose, (code, part, dose)
    for t in out["treatments"]:
        assert t["label"] and isinstance(t["label"], str)


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("vec", VECTORS, ids=[v.name for v in VECTORS])
def test_row(vec: Vec, chart: str) -> None:
    out = classify(vec.case(), chart=chart)
    check_vector(vec, out, chart)


def test_vector_names_unique() -> None:
    names = [v.name for v in VECTORS]
    assert len(names) == len(set(names))


def test_every_code_is_fired_by_some_vector() -> None:
    fired = set(BASE_EXPECT.values()) | {c for v in VECTORS for e in v.expect.values() if e
                                         for c in ((e,) if isinstance(e, str) else e)}
    assert set(CODES) <= fired, set(CODES) - fired


def test_the_checker_can_fail() -> None:
    """A deliberately wrong expectation must be caught (the table is not vacuous)."""
    vec = V("wrong", f={"sianosis": True}, expect={"bm_infeksi": IBL}, refer=True)
    out = classify(vec.case(), chart="2022")
    with pytest.raises(AssertionError):
        check_vector(vec, out, "2022")
    wrong_edge = V("wrong_edge", f={"napas_per_menit": 59}, expect={"bm_infeksi": PSBI}, refer=True)
    with pytest.raises(AssertionError):
        check_vector(wrong_edge, classify(wrong_edge.case(), chart="2022"), "2022")


# --- routing by age in days (§3, §11.1) ---------------------------------------------------------


def test_day_59_is_bayi_muda_even_at_two_completed_months() -> None:
    case = make_case(59, visit=dt.date(2026, 3, 1))
    assert case["birth_date"] == "2026-01-01"
    out = classify(case)
    assert out["pathway"] == "bayi_muda"
    assert out["age"] == {"days": 59, "months": 2}
    assert out["chart"] == "2022"
    assert {c["module"] for c in out["classifications"]} <= set(MODULE_ORDER)


def test_day_60_is_balita() -> None:
    out = classify(make_case(60))
    assert out["pathway"] == "balita"
    assert out["age"] == {"days": 60, "months": 1}
    modules = {c["module"] for c in out["classifications"]} | {e["module"] for e in out["incomplete"]}
    assert not any(m.startswith("bm_") for m in modules)


def test_chart_from_case_and_override() -> None:
    case = make_case(10)
    case["chart"] = "2015"
    out = classify(case)
    assert out["chart"] == "2015"
    assert [c["rule"].split(".")[0] for c in out["classifications"]] == ["2022"] * 4
    assert classify(case, chart="2022")["chart"] == "2022"


def test_deterministic_and_input_untouched() -> None:
    case = make_case(5, {"sianosis": True, "pustul_kulit": True, "tampak_kuning": True,
                         "kuning_mulai_jam": 12})
    before = json.dumps(case, sort_keys=True)
    first = classify(case)
    assert json.dumps(case, sort_keys=True) == before
    assert classify(case) == first
    assert json.loads(json.dumps(first, ensure_ascii=False)) == first


# --- bad input (§10) -----------------------------------------------------------------------------

BAD_INPUTS = [
    ("enum", {"pusar_kemerahan": "merah"}, {}, "findings.pusar_kemerahan"),
    ("range.kuning_mulai_jam", {"tampak_kuning": True, "kuning_mulai_jam": 1441}, {},
     "findings.kuning_mulai_jam"),
    ("range.menyusu_per_24_jam", {"menyusu_per_24_jam": 31}, {}, "findings.menyusu_per_24_jam"),
    ("type.int", {"menyusu_per_24_jam": 8.0}, {}, "findings.menyusu_per_24_jam"),
    ("type.bool", {"merintih": "ya"}, {}, "findings.merintih"),
    ("range.spo2_kaki", {"spo2_kaki": 49}, {}, "findings.spo2_kaki"),
    ("unknown_key", {"pusar_merah": True}, {}, "findings.pusar_merah"),
    ("range.zskor_bb_u", {"zskor_bb_u": 6.5}, {}, "findings.zskor_bb_u"),
    ("set.duplicate", {"imunisasi_diterima": ["hb0", "hb0"]}, {}, "findings.imunisasi_diterima"),
    ("range.temperature", {}, {"temperature_c": 29.9}, "temperature_c"),
    # a computed BB/U z-score outside -6..+6 names the measurement (§3, §10)
    ("zscore.computed", {"zskor_bb_u": DROP}, {"weight_kg": 0.5}, "weight_kg"),
]


@pytest.mark.parametrize("findings,top,field_name",
                         [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_raises_case_error(findings: dict[str, Any], top: dict[str, Any],
                                     field_name: str) -> None:
    with pytest.raises(CaseError) as info:
        classify(make_case(50, findings, top))
    line = str(info.value)
    assert line.startswith(f"galat: {field_name}:"), line
    assert "\n" not in line


# --- the real command (a few vectors end to end) -------------------------------------------------


CLI_VECTORS = ["baseline", "dose.psbi_day5_3_5kg", "ddb.letargis_mata", "incomplete.hiv_all",
               "bbr.minum.bercak_putih_mulut", "ib.day_15"]


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("name", CLI_VECTORS)
def test_command_matches_library(name: str, chart: str, mtbs_exe: Path, tmp_path: Path) -> None:
    assert mtbs_exe.exists(), f"{mtbs_exe} is not installed"
    vec = next(v for v in VECTORS if v.name == name)
    path = tmp_path / "kasus.json"
    path.write_text(json.dumps(vec.case(), ensure_ascii=False), encoding="utf-8")
    if name == "baseline":  # through the real console script; the other vectors in this process
        proc = mtbs_cli("classify", str(path), "--chart", chart, encoding="utf-8", timeout=60)
    else:
        proc = mtbs_here(None, "classify", str(path), "--chart", chart)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert proc.stdout.endswith("\n")
    out = json.loads(proc.stdout)
    check_vector(vec, out, chart)
    assert out == classify(vec.case(), chart=chart)


@pytest.mark.parametrize("findings,top,field_name",
                         [BAD_INPUTS[0][1:], BAD_INPUTS[-1][1:]], ids=["enum", "zscore"])
def test_command_bad_input_exit_2(findings: dict[str, Any], top: dict[str, Any], field_name: str,
                                  mtbs_exe: Path, tmp_path: Path) -> None:
    assert mtbs_exe.exists(), f"{mtbs_exe} is not installed"
    path = tmp_path / "kasus.json"
    path.write_text(json.dumps(make_case(50, findings, top)), encoding="utf-8")
    proc = mtbs_cli("classify", str(path), encoding="utf-8", timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"galat: {field_name}:"), lines[0]
    assert "Traceback" not in proc.stderr


# --- named settings that change young-infant rows (§11.14) ---------------------------------------


def test_setting_moves_only_when_stimulated_as_infection_sign() -> None:
    from dataclasses import replace

    from mtbs_tui.rules import DEFAULT

    case = make_case(20, {"keadaan_umum": "letargis_tidak_sadar"})
    out = classify(case)  # contract v2 default (§11.15 item 1, WHO 2014): a row-1 sign
    assert _codes(out)[0] == ("bm_infeksi", PSBI)
    assert "keadaan_umum" in out["classifications"][0]["because"]
    # An unassessed keadaan_umum leaves the infection module open.
    unknown = classify(make_case(20, {"keadaan_umum": DROP}))
    assert {"module": "bm_infeksi", "missing": ["keadaan_umum"]} in unknown["incomplete"]
    off = replace(DEFAULT, bergerak_jika_dirangsang_tanda_infeksi_bayi_muda=False)  # S4's reading
    assert _codes(classify(case, settings=off))[0] == ("bm_infeksi", MBI)
    assert not classify(make_case(20, {"keadaan_umum": DROP}), settings=off)["incomplete"]


def test_setting_temperature_cut_offs() -> None:
    from dataclasses import replace

    from mtbs_tui.rules import DEFAULT

    who = replace(DEFAULT, suhu_bayi_muda_rendah_c=35.5)  # WHO 2014 hypothermia cut-off
    assert _codes(classify(make_case(20, top={"temperature_c": 36.0})))[0][1] == PSBI
    assert _codes(classify(make_case(20, top={"temperature_c": 36.0}), settings=who))[0][1] == MBI
    assert _codes(classify(make_case(20, top={"temperature_c": 35.4}), settings=who))[0][1] == PSBI
    s4 = replace(DEFAULT, suhu_bayi_muda_tinggi_c=37.6)  # S4 reads "> 37.5"
    assert _codes(classify(make_case(20, top={"temperature_c": 37.5}), settings=s4))[0][1] == MBI


def test_setting_hb0_age() -> None:
    from dataclasses import replace

    from mtbs_tui.rules import DEFAULT

    case = make_case(3, {"imunisasi_diterima": []})
    codes = [t["code"] for t in classify(case)["treatments"]]
    assert "IMUNISASI_HB0" not in codes
    later = replace(DEFAULT, hb0_umur_maks_hari=7)
    codes = [t["code"] for t in classify(case, settings=later)["treatments"]]
    assert "IMUNISASI_HB0" in codes


# --- the tables carry what docs/chart.md shows ---------------------------------------------------


def test_every_row_has_source_confidence_and_appears_in_chart_doc() -> None:
    from mtbs_tui.rules.bayi_muda import MODULE_TABLES
    from mtbs_tui.rules.chartdoc import render

    text = render()
    section = text[text.index("## Bayi muda"):text.index("## Tabel dosis")]
    ids = []
    for spec in MODULE_TABLES:
        for table in spec.tables:
            for row in table.rows:
                assert row.source.startswith("ref §4."), row.code
                assert row.confidence in ("H", "M", "L"), row.code
                ids.append(spec.rule_id(row))
                assert f"`{spec.rule_id(row)}`" in section
    assert sorted(c for c in ids) == sorted(f"2022.{m}.{c}" for c, (m, _, _) in CODES.items())
    for module in ("bm_imunisasi", "bm_vitamin_k1"):
        assert f"`{module}`" in section
