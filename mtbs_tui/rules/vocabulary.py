"""The one declaration of every input of a case (shared/spec/case-format.md §2 and §5).

Rules, validation, the TUI forms, the database and the exports all read these declarations, so a
key, its Indonesian label, its type and its allowed range exist in exactly one place.

* ``TOP_LEVEL``: the §2 fields (``visit_date``, ``birth_date``, ``weight_kg`` ...), in spec order.
* ``FINDINGS``: every §5 finding key, balita and bayi muda, in spec order.
* ``MODULES``: the §4 modules in chart order, both pathways, with their form keys.
* ``parse_value`` (typed text from a form) and ``validate_value`` (an already-typed JSON value)
  check type and range and raise :class:`CaseError` with an Indonesian message.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass, replace
from typing import Any, cast

from mtbs_tui.rules.errors import CaseError

BOTH = frozenset({"2015", "2022"})
C15 = frozenset({"2015"})
C22 = frozenset({"2022"})


@dataclass(frozen=True)
class Finding:
    """One input. ``optional`` is the §5 **opt** mark (an absent value cannot fire a criterion
    and is never listed as missing); ``visit_date``, ``birth_date`` and ``findings`` are the only
    required fields of a case (``case.REQUIRED``). ``charts`` is the §5 chart mark (balita rows;
    the bayi muda modules read their keys under both charts, see ``module_keys``)."""

    key: str
    label: str
    kind: str  # "bool" | "int" | "number" | "enum" | "set" | "date" | "text"
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[tuple[str, str], ...] = ()
    modules: tuple[str, ...] = ()
    charts: frozenset[str] = BOTH
    optional: bool = False
    help: str = ""

    @property
    def field(self) -> str:
        """The name used in error messages and ``missing`` lists' owner (``findings.<key>``)."""
        return self.key if self.key in TOP_LEVEL else f"findings.{self.key}"

    def choice_values(self) -> tuple[str, ...]:
        return tuple(value for value, _ in self.choices)

    def choice_label(self, value: str) -> str:
        for v, label in self.choices:
            if v == value:
                return label
        return value


def _f(key: str, label: str, kind: str, modules: tuple[str, ...] | str = (), **kw: Any) -> Finding:
    if isinstance(modules, str):
        modules = (modules,)
    return Finding(key=key, label=label, kind=kind, modules=tuple(modules), **kw)


_YA = "Ya/tidak"

# §2. Top-level fields, spec order.
_TOP: tuple[Finding, ...] = (
    _f("chart", "Versi bagan MTBS", "enum", (), choices=(("2022", "Buku Bagan MTBS 2022"),
                                                         ("2015", "Buku Bagan MTBS 2015")),
       optional=True, help="Bagan yang dipakai; bawaan 2022."),
    _f("visit_date", "Tanggal kunjungan", "date", (), help="Format TTTT-BB-HH, tidak sebelum tanggal lahir."),
    _f("birth_date", "Tanggal lahir", "date", (), help="Format TTTT-BB-HH; umur harus di bawah 5 tahun."),
    _f("sex", "Jenis kelamin", "enum", ("gizi", "pertumbuhan", "lingkar_kepala", "bm_berat_badan_asi"),
       choices=(("L", "Laki-laki"), ("P", "Perempuan")), optional=False,
       help="Diperlukan untuk menghitung skor-z."),
    _f("weight_kg", "Berat badan (BB)", "number", ("gizi", "bm_berat_badan_asi"), unit="kg",
       minimum=0.5, maximum=40.0, optional=False,
       help="Timbang tanpa pakaian tebal; dipakai untuk skor-z dan dosis obat."),
    _f("length_cm", "Panjang/tinggi badan (PB/TB)", "number", ("gizi", "pertumbuhan"), unit="cm",
       minimum=30.0, maximum=125.0, optional=False,
       help="Di bawah 24 bulan ukur berbaring (PB), mulai 24 bulan berdiri (TB)."),
    _f("length_position", "Cara mengukur panjang/tinggi", "enum", ("gizi", "pertumbuhan"),
       choices=(("berbaring", "Berbaring (PB)"), ("berdiri", "Berdiri (TB)")), optional=False,
       help="Jika kosong: berbaring di bawah 24 bulan, berdiri mulai 24 bulan."),
    _f("muac_cm", "Lingkar lengan atas (LiLA)", "number", ("gizi",), unit="cm", minimum=6.0,
       maximum=25.0, optional=False, help="Dibaca hanya untuk umur 6–59 bulan."),
    _f("head_circumference_cm", "Lingkar kepala (LK)", "number", ("lingkar_kepala",), unit="cm",
       minimum=20.0, maximum=60.0, charts=C22, optional=False, help="Hanya bagan 2022."),
    _f("temperature_c", "Suhu aksila", "number", ("demam_malaria", "bm_infeksi"), unit="°C",
       minimum=30.0, maximum=43.0, optional=False, help="Suhu ketiak; demam jika 37,5 °C atau lebih."),
    _f("malaria_area", "Daerah malaria tempat tinggal", "enum", ("demam_malaria", "anemia"),
       choices=(("tinggi", "Endemis tinggi"), ("rendah", "Endemis rendah"),
                ("non_endemis", "Non-endemis")), optional=False,
       help="Tingkat endemisitas malaria tempat anak tinggal."),
)

# Measurements that may be left unmeasured at the save (no tape at hand, a child who will not keep
# still): the box they feed stays incomplete in the classification, which the summary shows, but the
# visit is not held back. Head circumference is a 2022-only check and LiLA one of two ways to the
# nutrition status (BB/PB is the other). Weight (doses, z-scores), length (BB/PB, PB/U) and
# temperature (fever, young-infant infection) are not among them. For a clinician: docs/chart.md.
MAY_BE_UNMEASURED: frozenset[str] = frozenset({"head_circumference_cm", "muac_cm"})

_BOOL = "bool"
_F: list[Finding] = []


def _add(*items: Finding) -> None:
    _F.extend(items)


# §5.1 Tanda bahaya umum / SAGA
_add(
    _f("tidak_bisa_minum", "Tidak bisa minum atau menyusu", _BOOL, "tanda_bahaya",
       help="Tanyakan: apakah anak tidak bisa minum atau menyusu sama sekali?"),
    _f("memuntahkan_semua", "Memuntahkan semua makanan dan/atau minuman", _BOOL, "tanda_bahaya",
       help="Tanyakan: apakah anak selalu memuntahkan semuanya?"),
    _f("riwayat_kejang", "Kejang selama sakit ini", _BOOL, ("tanda_bahaya", "bm_infeksi"),
       help="Tanyakan: apakah anak pernah kejang selama sakit ini?"),
    _f("sedang_kejang", "Sedang kejang", _BOOL, ("tanda_bahaya", "bm_infeksi"),
       help="Lihat: apakah anak sedang kejang sekarang?"),
    _f("gelisah", "Gelisah", _BOOL, ("tanda_bahaya", "dengue"), charts=C15,
       help="Tanda bahaya umum 2015: anak gelisah."),
    _f("letargis_tidak_sadar", "Letargis atau tidak sadar", _BOOL, "tanda_bahaya", charts=C15,
       help="Anak tidur terus, sulit dibangunkan, atau tidak sadar."),
    _f("stridor", "Stridor", _BOOL, "tanda_bahaya",
       help="Dengar bunyi kasar saat menarik napas ketika anak tenang."),
    _f("sianosis", "Tampak biru (sianosis)", _BOOL, ("tanda_bahaya", "bm_infeksi"),
       help="Lihat bibir dan sekitar mulut: biru?"),
    _f("ujung_tangan_kaki_pucat_dingin", "Ujung tangan dan kaki pucat dan dingin", _BOOL,
       "tanda_bahaya", charts=C15, help="Raba ujung tangan dan kaki."),
    _f("tidak_berinteraksi", "Tidak berinteraksi dengan lingkungan / tidak sadar", _BOOL,
       "tanda_bahaya", charts=C22, help="Penampilan (SAGA)."),
    _f("rewel_tidak_dapat_ditenangkan", "Gelisah, rewel, tidak dapat ditenangkan", _BOOL,
       "tanda_bahaya", charts=C22, help="Penampilan (SAGA)."),
    _f("tatapan_kosong", "Tatapan kosong atau mata tidak membuka", _BOOL, "tanda_bahaya",
       charts=C22, help="Penampilan (SAGA)."),
    _f("tidak_bersuara_atau_tangis_melengking", "Tidak bersuara atau tangisan melengking", _BOOL,
       "tanda_bahaya", charts=C22, help="Penampilan (SAGA)."),
    _f("tarikan_dinding_dada", "Tarikan dinding dada bagian bawah ke dalam", _BOOL,
       ("batuk", "tanda_bahaya"),
       help="Lihat saat anak tenang: dinding dada bawah masuk ketika menarik napas."),
    _f("napas_cuping_hidung", "Napas cuping hidung", _BOOL, ("tanda_bahaya", "bm_infeksi"),
       charts=C22, help="Usaha napas (SAGA): cuping hidung kembang kempis."),
    _f("mencari_posisi_nyaman", "Mencari posisi paling nyaman / menolak berbaring", _BOOL,
       "tanda_bahaya", charts=C22, help="Usaha napas (SAGA)."),
    _f("kulit_pucat", "Kulit pucat", _BOOL, "tanda_bahaya", charts=C22, help="Sirkulasi (SAGA)."),
    _f("kutis_marmorata", "Kulit belang (kutis marmorata)", _BOOL, "tanda_bahaya", charts=C22,
       help="Sirkulasi (SAGA)."),
)

# §5.2 Batuk
_add(
    _f("batuk", "Batuk atau sukar bernapas", _BOOL, "batuk",
       help="Tanyakan: apakah anak batuk atau sukar bernapas?"),
    _f("batuk_hari", "Lama batuk", "int", "batuk", unit="hari", minimum=0, maximum=365,
       optional=True, help="Batuk 14 hari atau lebih: rujuk untuk pemeriksaan TB."),
    _f("napas_per_menit", "Frekuensi napas", "int", ("batuk", "bm_infeksi"), unit="kali/menit",
       minimum=5, maximum=150,
       help="Hitung napas selama satu menit penuh saat anak tenang."),
    _f("napas_per_menit_ulang", "Frekuensi napas (hitung ulang)", "int", ("batuk", "bm_infeksi"),
       unit="kali/menit", minimum=5, maximum=150, optional=True,
       help="Jika diisi, hitungan ulang menggantikan hitungan pertama."),
    _f("spo2", "Saturasi oksigen (SpO2)", "int", "batuk", unit="%", minimum=50, maximum=100,
       optional=True, help="Jika ada oksimeter."),
    _f("wheezing", "Wheezing (mengi)", _BOOL, "batuk", optional=True,
       help="Dengar bunyi mengi saat menghembuskan napas."),
)

# §5.3 Diare
_add(
    _f("diare", "Diare", _BOOL, ("diare", "bm_diare"), help="Tanyakan: apakah anak diare?"),
    _f("diare_hari", "Lama diare", "int", ("diare", "bm_diare"), unit="hari", minimum=0, maximum=365,
       help="Sudah berapa hari diare?"),
    _f("darah_dalam_tinja", "Ada darah dalam tinja", _BOOL, ("diare", "bm_diare")),
    _f("keadaan_umum", "Keadaan umum", "enum", ("diare", "bm_infeksi", "bm_diare"),
       choices=(("normal", "Normal"), ("gelisah_rewel", "Gelisah, rewel/mudah marah"),
                ("letargis_tidak_sadar", "Letargis atau tidak sadar")),
       help="Lihat keadaan anak. Bayi muda: letargis = hanya bergerak bila dirangsang."),
    _f("mata_cekung", "Mata cekung", _BOOL, ("diare", "bm_diare")),
    _f("kemampuan_minum", "Diberi minum", "enum", "diare",
       choices=(("normal", "Minum biasa"), ("malas_atau_tidak_bisa", "Malas minum atau tidak bisa minum"),
                ("haus_lahap", "Haus, minum dengan lahap")),
       help="Tawarkan minum dan lihat cara anak minum."),
    _f("cubitan_kulit_perut", "Cubitan kulit perut kembali", "enum", ("diare", "bm_diare"),
       choices=(("segera", "Segera"), ("lambat", "Lambat"),
                ("sangat_lambat", "Sangat lambat (lebih dari 2 detik)")),
       help="Cubit kulit perut di antara pusar dan sisi perut, lepaskan, lihat kembalinya."),
    _f("wabah_kolera", "Ada wabah kolera di daerah ini", _BOOL, "diare", optional=True),
)

# §5.4 Demam
_YES_NO_DENGUE = "dengue"
# §11.15 item 3: the shock signs of the dengue box are also optional danger-sign items (the
# dengue box stays first: it reads them as required keys).
_SHOCK_MODULES = ("dengue", "tanda_bahaya", "bm_infeksi")
_add(
    _f("demam", "Demam (riwayat atau teraba panas)", _BOOL, "demam_malaria",
       help="Riwayat demam, teraba panas, atau suhu 37,5 °C atau lebih."),
    _f("demam_hari", "Lama demam", "int", ("demam_malaria", "dengue"), unit="hari", minimum=0,
       maximum=365, help="Demam lebih dari 7 hari: rujuk."),
    _f("bepergian_daerah_malaria", "Bepergian ke daerah endemis malaria", "enum", "demam_malaria",
       choices=(("tidak", "Tidak"), ("rendah", "Ya, endemis rendah"), ("tinggi", "Ya, endemis tinggi")),
       help="Perlu diisi jika tinggal di daerah non-endemis."),
    _f("kaku_kuduk", "Kaku kuduk", _BOOL, "demam_malaria",
       help="Tekuk kepala anak ke dada: kaku?"),
    _f("hasil_tes_malaria", "Hasil tes malaria (RDT/mikroskopis)", "enum", "demam_malaria",
       choices=(("positif", "Positif"), ("negatif", "Negatif"), ("tidak_tersedia", "Tidak diperiksa/tidak tersedia"))),
    _f("penyebab_demam_lain", "Ada penyebab lain demam", _BOOL, "demam_malaria"),
    _f("campak_3_bulan_terakhir", "Campak dalam 3 bulan terakhir", _BOOL, "campak"),
    _f("ruam_seluruh_tubuh", "Ruam kemerahan di seluruh tubuh", _BOOL, "campak"),
    _f("batuk_pilek_mata_merah", "Batuk, pilek atau mata merah", _BOOL, "campak"),
    _f("mata_bernanah", "Nanah/kotoran mata", "enum", ("campak", "bm_infeksi"),
       choices=(("tidak", "Tidak ada"), ("sedikit", "Sedikit"), ("banyak", "Banyak"))),
    _f("kekeruhan_kornea", "Kekeruhan pada kornea", _BOOL, "campak"),
    _f("luka_mulut", "Luka di mulut", "enum", "campak",
       choices=(("tidak", "Tidak ada"), ("ada", "Ada"), ("dalam_atau_luas", "Dalam atau luas"))),
    _f("ujung_ekstremitas_dingin", "Syok: tangan dan kaki dingin", _BOOL, _SHOCK_MODULES),
    _f("nadi_lemah", "Syok: nadi lemah atau tidak teraba", _BOOL, _SHOCK_MODULES),
    _f("crt_lebih_2_detik", "Pengisian kapiler lebih dari 2 detik", _BOOL, _SHOCK_MODULES),
    _f("ekstremitas_pucat", "Syok: tangan dan kaki tampak pucat", _BOOL, _YES_NO_DENGUE, charts=C22),
    _f("nadi_cepat", "Syok: nadi cepat", _BOOL, _YES_NO_DENGUE, charts=C22),
    _f("nyeri_perut", "Nyeri perut / nyeri ulu hati", _BOOL, _YES_NO_DENGUE),
    _f("muntah_berulang", "Muntah terus-menerus / muntah-muntah", _BOOL, _YES_NO_DENGUE),
    _f("perdarahan_hidung_gusi", "Perdarahan hidung atau gusi", _BOOL, _YES_NO_DENGUE),
    _f("petekie", "Bintik perdarahan di kulit (petekie)", _BOOL, _YES_NO_DENGUE),
    _f("perdarahan_saluran_cerna", "Muntah darah/seperti kopi, tinja hitam atau berdarah", _BOOL,
       _YES_NO_DENGUE),
    _f("uji_torniket", "Uji torniket", "enum", _YES_NO_DENGUE,
       choices=(("positif", "Positif"), ("negatif", "Negatif"), ("tidak_dilakukan", "Tidak dilakukan"))),
    _f("demam_tinggi_mendadak_terus_menerus", "Demam mendadak tinggi dan terus-menerus", _BOOL,
       _YES_NO_DENGUE, charts=C15),
    _f("distres_napas", "Distres pernapasan", _BOOL, _YES_NO_DENGUE, charts=C22),
    _f("penurunan_kesadaran", "Penurunan kesadaran", _BOOL, (_YES_NO_DENGUE, "gizi"), charts=C22),
    _f("frekuensi_nadi_menurun", "Frekuensi nadi menurun", _BOOL, _YES_NO_DENGUE, charts=C22),
    _f("tampak_kuning", "Tampak kuning (ikterus)", _BOOL, (_YES_NO_DENGUE, "bm_ikterus"), charts=C22),
    _f("nyeri_perut_hebat", "Nyeri perut hebat", _BOOL, _YES_NO_DENGUE, charts=C22),
    _f("tidak_bak_6_jam", "Tidak buang air kecil selama 6 jam", _BOOL, _YES_NO_DENGUE, charts=C22),
    _f("nyeri_tekan_perut_kanan_atas", "Nyeri tekan perut kanan atas", _BOOL, _YES_NO_DENGUE, charts=C22),
    _f("akumulasi_cairan", "Akumulasi cairan secara klinis", _BOOL, _YES_NO_DENGUE, charts=C22),
    _f("letargi_atau_gelisah", "Letargi atau gelisah", _BOOL, _YES_NO_DENGUE, charts=C22),
    _f("pembesaran_hati", "Pembesaran hati lebih dari 2 cm", _BOOL, _YES_NO_DENGUE, charts=C22),
    _f("hematokrit_naik_trombosit_turun", "Hematokrit naik dengan trombosit turun cepat", _BOOL,
       _YES_NO_DENGUE, charts=C22, optional=True),
    _f("nyeri_otot_sendi", "Nyeri otot/sendi", _BOOL, _YES_NO_DENGUE, charts=C22),
    _f("ruam_kulit", "Ruam kulit", _BOOL, _YES_NO_DENGUE, charts=C22),
    _f("ns1", "NS1", "enum", _YES_NO_DENGUE, charts=C22, optional=True,
       choices=(("positif", "Positif"), ("negatif", "Negatif"))),
    _f("leukosit_per_ul", "Leukosit", "int", _YES_NO_DENGUE, unit="/µL", minimum=0, maximum=200000,
       charts=C22, optional=True),
    _f("trombosit_per_ul", "Trombosit", "int", _YES_NO_DENGUE, unit="/µL", minimum=0,
       maximum=2000000, charts=C22, optional=True),
)

# §5.5 Telinga
_add(
    _f("masalah_telinga", "Ada masalah telinga", _BOOL, "telinga"),
    _f("nyeri_telinga", "Nyeri telinga", _BOOL, "telinga"),
    _f("rasa_penuh_telinga", "Rasa penuh di telinga", _BOOL, "telinga"),
    _f("keluar_cairan_telinga", "Tampak cairan/nanah keluar dari telinga", _BOOL, "telinga"),
    _f("cairan_telinga_hari", "Lama keluar cairan telinga", "int", "telinga", unit="hari",
       minimum=0, maximum=365, help="Diperlukan jika ada cairan keluar dari telinga."),
    _f("bengkak_nyeri_belakang_telinga", "Pembengkakan yang nyeri di belakang telinga", _BOOL,
       "telinga"),
)

# §5.6 Gizi, pertumbuhan, lingkar kepala
_add(
    _f("tampak_sangat_kurus", "Tampak sangat kurus", _BOOL, "gizi", charts=C15),
    _f("edema", "Edema (pitting) kedua punggung kaki", "enum", "gizi",
       choices=(("tidak", "Tidak ada"), ("+1", "+1"), ("+2", "+2"), ("+3", "+3 (seluruh tubuh)"))),
    _f("zskor_bb_pb", "Skor-z BB/PB atau BB/TB", "number", "gizi", unit="SD", minimum=-6.0,
       maximum=6.0, optional=True, help="Kosongkan agar dihitung dari BB dan PB/TB."),
    _f("masalah_menyusu", "Masalah menyusu (di bawah 6 bulan)", _BOOL, "gizi", charts=C15),
    _f("anoreksia", "Tidak mau makan atau minum / anoreksia", _BOOL, "gizi", charts=C22),
    _f("komplikasi_medis_lain", "Komplikasi medis lain (termasuk demam tinggi)", _BOOL, "gizi",
       charts=C22),
    _f("terlalu_lemah_menyusu", "Terlalu lemah untuk menyusu (di bawah 6 bulan)", _BOOL, "gizi",
       charts=C22),
    _f("berat_badan_tidak_naik", "Berat badan tetap atau turun (di bawah 6 bulan)", _BOOL, "gizi",
       charts=C22),
    _f("zskor_pb_u", "Skor-z PB/U atau TB/U", "number", "pertumbuhan", unit="SD", minimum=-6.0,
       maximum=6.0, charts=C22, optional=True, help="Kosongkan agar dihitung dari PB/TB."),
    _f("zskor_lk_u", "Skor-z LK/U", "number", "lingkar_kepala", unit="SD", minimum=-6.0,
       maximum=6.0, charts=C22, optional=True, help="Kosongkan agar dihitung dari lingkar kepala."),
)

# §5.7 Anemia, HIV, imunisasi, vitamin A, pemberian makan
_add(
    _f("kepucatan", "Kepucatan", "enum", "anemia",
       choices=(("tidak", "Tidak pucat"), ("agak_pucat", "Agak pucat / pucat"),
                ("sangat_pucat", "Sangat pucat")),
       help="2022: terburuk dari telapak, konjungtiva, bibir, lidah, kuku. 2015: telapak."),
    _f("hb_g_dl", "Hemoglobin (Hb)", "number", "anemia", unit="g/dL", minimum=2.0, maximum=20.0,
       charts=C22, optional=True),
    _f("obat_cacing_6_bulan_terakhir", "Mendapat obat cacing dalam 6 bulan terakhir", _BOOL,
       "anemia", optional=True),
    _f("tes_hiv_ibu", "Tes HIV ibu", "enum", ("hiv", "bm_hiv"),
       choices=(("belum", "Belum dites"), ("negatif", "Negatif"), ("positif", "Positif"))),
    _f("tes_virologi_anak", "Tes virologis anak", "enum", ("hiv", "bm_hiv"),
       choices=(("belum", "Belum dites"), ("negatif", "Negatif"), ("positif", "Positif"))),
    _f("tes_serologi_anak", "Tes serologis anak", "enum", ("hiv", "bm_hiv"),
       choices=(("belum", "Belum dites"), ("negatif", "Negatif"),
                ("positif_di_bawah_18_bulan", "Positif, dites di bawah 18 bulan"),
                ("positif_18_bulan_atau_lebih", "Positif, dites umur 18 bulan atau lebih"))),
    _f("masih_menyusu_atau_baru_berhenti", "Masih menyusu atau berhenti kurang dari 6 minggu sebelum tes",
       _BOOL, ("hiv", "bm_hiv")),
    _f("keluarga_hiv", "Ayah/saudara kandung HIV atau meninggal karena kemungkinan HIV", _BOOL,
       "hiv", charts=C15),
    _f("bercak_putih_mulut", "Bercak putih di mulut (thrush)", _BOOL, ("bm_berat_badan_asi", "hiv")),
    _f("indikasi_tes_hiv", "Indikasi tes HIV", "set", "hiv", charts=C22, optional=True,
       choices=(("pneumonia_berulang", "Pneumonia berulang"),
                ("diare_persisten_berulang", "Diare persisten berulang"),
                ("kandidiasis_oral_berulang", "Kandidiasis oral berulang"),
                ("infeksi_berat_berulang", "Infeksi berat berulang"),
                ("gizi_tidak_membaik", "Status gizi tidak membaik"))),
    _f("imunisasi_diterima", "Imunisasi yang sudah diterima", "set", ("imunisasi", "bm_imunisasi"),
       choices=(("hb0", "HB0"), ("bcg", "BCG"), ("polio_1", "Polio 1"), ("polio_2", "Polio 2"),
                ("polio_3", "Polio 3"), ("polio_4", "Polio 4"), ("dpt_hb_hib_1", "DPT-HB-Hib 1"),
                ("dpt_hb_hib_2", "DPT-HB-Hib 2"), ("dpt_hb_hib_3", "DPT-HB-Hib 3"),
                ("ipv_1", "IPV 1"), ("ipv_2", "IPV 2"), ("pcv_1", "PCV 1"), ("pcv_2", "PCV 2"),
                ("pcv_3", "PCV 3"), ("rotavirus_1", "Rotavirus 1"), ("rotavirus_2", "Rotavirus 2"),
                ("rotavirus_3", "Rotavirus 3"), ("campak_rubela_1", "Campak-Rubela 1"),
                ("je", "JE"), ("dpt_hb_hib_lanjutan", "DPT-HB-Hib lanjutan"),
                ("campak_rubela_lanjutan", "Campak-Rubela lanjutan"))),
    _f("vitamin_a_6_bulan_terakhir", "Mendapat kapsul vitamin A dalam 6 bulan terakhir", _BOOL,
       "vitamin_a"),
    _f("masalah_pemberian_makan", "Ada masalah pemberian makan", _BOOL, "pemberian_makan",
       help="Setelah menanyakan cara makan (menyusu, makanan lain, alat, porsi)."),
)

# §5.8 Bayi muda only
_BM = BOTH
_add(
    _f("spo2_tangan_kanan", "SpO2 tangan kanan", "int", "bm_infeksi", unit="%", minimum=50,
       maximum=100, optional=True),
    _f("spo2_kaki", "SpO2 kaki", "int", "bm_infeksi", unit="%", minimum=50, maximum=100,
       optional=True),
    _f("merintih", "Merintih", _BOOL, "bm_infeksi"),
    _f("tarikan_dinding_dada_sangat_kuat", "Tarikan dinding dada ke dalam yang sangat kuat", _BOOL,
       "bm_infeksi"),
    _f("menyusu_lemah", "Tidak bisa menyusu atau isapan lemah", _BOOL, "bm_infeksi"),
    _f("belum_bab_48_jam", "Belum BAB dalam 48 jam setelah lahir", _BOOL, "bm_infeksi"),
    _f("muntah_semua_atau_hijau", "Memuntahkan semua susu atau muntah cairan hijau", _BOOL,
       "bm_infeksi"),
    _f("perut_kembung_sesak", "Perut kembung disertai sukar bernapas", _BOOL, "bm_infeksi"),
    _f("tidak_ada_lubang_anus", "Tidak ada lubang anus atau tinja keluar dari lubang tidak normal",
       _BOOL, "bm_infeksi"),
    _f("pusar_kemerahan", "Pusar kemerahan", "enum", "bm_infeksi",
       choices=(("tidak", "Tidak"), ("terbatas", "Terbatas (tidak lebih dari 1 cm)"),
                ("meluas", "Meluas ke kulit perut (lebih dari 1 cm)"))),
    _f("pusar_bernanah", "Pusar bernanah", _BOOL, "bm_infeksi"),
    _f("pustul_kulit", "Pustul di kulit", _BOOL, "bm_infeksi"),
    _f("telapak_kuning", "Telapak tangan atau kaki kuning", _BOOL, "bm_ikterus"),
    _f("kuning_mulai_jam", "Kuning mulai umur (jam)", "int", "bm_ikterus", unit="jam", minimum=0,
       maximum=1440, help="Diperlukan jika bayi tampak kuning."),
    _f("menyusu", "Bayi mendapat ASI", _BOOL, "bm_berat_badan_asi"),
    _f("menyusu_per_24_jam", "Menyusu berapa kali dalam 24 jam", "int", "bm_berat_badan_asi",
       unit="kali", minimum=0, maximum=30),
    _f("minum_dengan_botol", "Minum dengan botol", _BOOL, "bm_berat_badan_asi"),
    _f("makanan_minuman_lain", "Mendapat makanan atau minuman lain", _BOOL, "bm_berat_badan_asi"),
    _f("posisi_menyusu_benar", "Posisi menyusu benar", _BOOL, "bm_berat_badan_asi"),
    _f("perlekatan_baik", "Perlekatan baik", _BOOL, "bm_berat_badan_asi"),
    _f("isapan_efektif", "Mengisap dengan efektif", _BOOL, "bm_berat_badan_asi"),
    _f("bibir_langit_sumbing", "Bibir/langit-langit sumbing", _BOOL, "bm_berat_badan_asi"),
    _f("susu_pengganti_tepat", "Susu pengganti yang tepat", _BOOL, "bm_berat_badan_asi"),
    _f("jumlah_minum_cukup", "Jumlah minum per kali cukup", _BOOL, "bm_berat_badan_asi"),
    _f("frekuensi_minum_cukup", "Frekuensi minum dalam 24 jam cukup", _BOOL, "bm_berat_badan_asi"),
    _f("penyiapan_susu_bersih", "Penyiapan susu bersih", _BOOL, "bm_berat_badan_asi"),
    _f("zskor_bb_u", "Skor-z BB/U", "number", "bm_berat_badan_asi", unit="SD", minimum=-6.0,
       maximum=6.0, optional=True, help="Kosongkan agar dihitung dari berat badan."),
    _f("vitamin_k1_diberikan", "Vitamin K1 sudah diberikan saat lahir", _BOOL, "bm_vitamin_k1"),
)

# One-line help for the keys declared without one (how to ask, look or test; Bahasa Indonesia).
_HELP: dict[str, str] = {
    "darah_dalam_tinja": "Tanyakan atau lihat: apakah ada darah dalam tinja?",
    "mata_cekung": "Lihat: apakah kedua mata cekung?",
    "wabah_kolera": "Apakah ada wabah kolera di daerah tempat tinggal anak?",
    "hasil_tes_malaria": "Hasil RDT atau mikroskopis; pilih 'tidak tersedia' bila tidak diperiksa.",
    "penyebab_demam_lain": "Ada penyebab demam lain yang jelas (mis. infeksi telinga, luka)?",
    "campak_3_bulan_terakhir": "Tanyakan: apakah anak menderita campak dalam 3 bulan terakhir?",
    "ruam_seluruh_tubuh": "Lihat: ruam kemerahan di seluruh tubuh?",
    "batuk_pilek_mata_merah": "Ada batuk, pilek, atau mata merah?",
    "mata_bernanah": "Lihat: ada nanah/kotoran di mata? Sedikit atau banyak?",
    "kekeruhan_kornea": "Lihat: ada kekeruhan pada kornea mata?",
    "luka_mulut": "Lihat ke dalam mulut: ada luka? Dalam atau luas?",
    "ujung_ekstremitas_dingin": "Raba: tangan dan kaki dingin?",
    "nadi_lemah": "Raba nadi: lemah atau tidak teraba?",
    "crt_lebih_2_detik": "Tekan kuku 5 detik, lepaskan: warna kembali lebih dari 2 detik?",
    "ekstremitas_pucat": "Lihat: tangan dan kaki tampak pucat?",
    "nadi_cepat": "Raba nadi: cepat?",
    "nyeri_perut": "Tanyakan/raba: nyeri perut atau nyeri ulu hati?",
    "muntah_berulang": "Tanyakan: muntah terus-menerus atau muntah-muntah?",
    "perdarahan_hidung_gusi": "Lihat: perdarahan dari hidung atau gusi?",
    "petekie": "Lihat: bintik-bintik perdarahan di kulit?",
    "perdarahan_saluran_cerna": "Muntah darah atau seperti kopi, tinja hitam atau berdarah?",
    "uji_torniket": "Hasil uji torniket; pilih 'tidak dilakukan' bila tidak diperiksa.",
    "demam_tinggi_mendadak_terus_menerus": "Demam mendadak tinggi dan terus-menerus?",
    "distres_napas": "Lihat: anak tampak sesak/distres pernapasan?",
    "penurunan_kesadaran": "Anak sulit dibangunkan atau kesadaran menurun?",
    "frekuensi_nadi_menurun": "Frekuensi nadi menurun dibanding pemeriksaan sebelumnya?",
    "tampak_kuning": "Lihat kulit dan mata: tampak kuning?",
    "nyeri_perut_hebat": "Anak mengeluh atau tampak sangat kesakitan di perut?",
    "tidak_bak_6_jam": "Tanyakan: tidak buang air kecil selama 6 jam terakhir?",
    "nyeri_tekan_perut_kanan_atas": "Raba: nyeri bila perut kanan atas ditekan?",
    "akumulasi_cairan": "Ada tanda penumpukan cairan (perut membesar, sesak karena cairan)?",
    "letargi_atau_gelisah": "Anak lemas (letargi) atau gelisah?",
    "pembesaran_hati": "Raba: hati teraba lebih dari 2 cm di bawah lengkung iga?",
    "hematokrit_naik_trombosit_turun": "Hasil lab: hematokrit naik dan trombosit turun cepat.",
    "nyeri_otot_sendi": "Tanyakan: nyeri otot atau sendi?",
    "ruam_kulit": "Lihat: ruam di kulit?",
    "ns1": "Hasil tes antigen NS1 bila diperiksa.",
    "leukosit_per_ul": "Hasil lab: jumlah leukosit per µL bila diperiksa.",
    "trombosit_per_ul": "Hasil lab: jumlah trombosit per µL bila diperiksa.",
    "masalah_telinga": "Tanyakan: apakah anak mempunyai masalah telinga?",
    "nyeri_telinga": "Tanyakan: apakah telinga anak nyeri?",
    "rasa_penuh_telinga": "Tanyakan: apakah ada rasa penuh di telinga?",
    "keluar_cairan_telinga": "Lihat atau tanyakan: cairan/nanah keluar dari telinga?",
    "bengkak_nyeri_belakang_telinga": "Raba: pembengkakan yang nyeri di belakang telinga?",
    "tampak_sangat_kurus": "Lihat: anak tampak sangat kurus?",
    "edema": "Tekan punggung kedua kaki 3 detik: cekungan tetap? +3 bila seluruh tubuh.",
    "masalah_menyusu": "Di bawah 6 bulan: ada masalah menyusu?",
    "anoreksia": "Anak tidak mau makan atau minum sama sekali?",
    "komplikasi_medis_lain": "Ada komplikasi medis lain, termasuk demam tinggi?",
    "terlalu_lemah_menyusu": "Di bawah 6 bulan: bayi terlalu lemah untuk menyusu?",
    "berat_badan_tidak_naik": "Di bawah 6 bulan: berat badan tetap atau turun?",
    "hb_g_dl": "Hasil pemeriksaan Hb bila tersedia (g/dL).",
    "obat_cacing_6_bulan_terakhir": "Tanyakan: sudah minum obat cacing dalam 6 bulan terakhir?",
    "tes_hiv_ibu": "Hasil tes HIV ibu; 'belum' bila ibu belum pernah dites.",
    "tes_virologi_anak": "Hasil tes virologis HIV anak (berlaku pada semua umur).",
    "tes_serologi_anak": "Hasil tes serologis HIV anak dan umur saat dites.",
    "masih_menyusu_atau_baru_berhenti": "Masih menyusu, atau berhenti kurang dari 6 minggu "
                                        "sebelum tes anak?",
    "keluarga_hiv": "Ayah atau saudara kandung HIV, atau meninggal karena kemungkinan HIV?",
    "bercak_putih_mulut": "Lihat ke dalam mulut: bercak putih (thrush)?",
    "indikasi_tes_hiv": "Centang indikasi tes HIV yang ada.",
    "imunisasi_diterima": "Centang semua dosis yang sudah diterima (lihat Buku KIA).",
    "vitamin_a_6_bulan_terakhir": "Tanyakan/lihat Buku KIA: kapsul vitamin A dalam 6 bulan terakhir?",
    "spo2_tangan_kanan": "SpO2 di tangan kanan bila ada oksimeter.",
    "spo2_kaki": "SpO2 di salah satu kaki bila ada oksimeter.",
    "merintih": "Dengar: bayi merintih?",
    "tarikan_dinding_dada_sangat_kuat": "Lihat: tarikan dinding dada ke dalam yang sangat kuat?",
    "menyusu_lemah": "Bayi tidak bisa menyusu atau isapannya lemah?",
    "belum_bab_48_jam": "Belum buang air besar dalam 48 jam setelah lahir?",
    "muntah_semua_atau_hijau": "Memuntahkan semua susu atau muntah cairan hijau?",
    "perut_kembung_sesak": "Perut kembung disertai sukar bernapas?",
    "tidak_ada_lubang_anus": "Tidak ada lubang anus atau tinja keluar dari lubang tidak normal?",
    "pusar_kemerahan": "Lihat pusar: kemerahan? Meluas ke kulit perut lebih dari 1 cm?",
    "pusar_bernanah": "Lihat pusar: keluar nanah?",
    "pustul_kulit": "Lihat kulit: ada pustul (bintil bernanah)?",
    "telapak_kuning": "Lihat telapak tangan dan kaki: kuning?",
    "menyusu": "Bayi mendapat ASI? Pilih tidak bila hanya susu pengganti.",
    "menyusu_per_24_jam": "Berapa kali menyusu dalam 24 jam (kurang dari 8 = masalah)?",
    "minum_dengan_botol": "Bayi diberi minum dengan botol?",
    "makanan_minuman_lain": "Bayi mendapat makanan atau minuman lain selain ASI?",
    "posisi_menyusu_benar": "Amati menyusu: posisi bayi benar?",
    "perlekatan_baik": "Amati menyusu: perlekatan baik?",
    "isapan_efektif": "Amati menyusu: bayi mengisap dengan efektif (dalam dan pelan)?",
    "bibir_langit_sumbing": "Lihat: bibir atau langit-langit sumbing?",
    "susu_pengganti_tepat": "Susu pengganti yang diberikan sudah tepat jenisnya?",
    "jumlah_minum_cukup": "Jumlah susu per kali minum cukup?",
    "frekuensi_minum_cukup": "Jumlah kali minum dalam 24 jam cukup?",
    "penyiapan_susu_bersih": "Susu disiapkan dengan bersih (alat direbus, air matang)?",
    "vitamin_k1_diberikan": "Tanyakan/lihat Buku KIA: vitamin K1 sudah disuntikkan saat lahir?",
}
_F = [replace(f, help=_HELP[f.key]) if not f.help and f.key in _HELP else f for f in _F]

TOP_LEVEL: dict[str, Finding] = {f.key: f for f in _TOP}
FINDINGS: dict[str, Finding] = {f.key: f for f in _F}
assert len(FINDINGS) == len(_F), "duplicate finding key"

# Document order of every input name (§2 then §5): ``missing`` lists are sorted by it (§6).
DOC_ORDER: dict[str, int] = {name: i for i, name in enumerate([*TOP_LEVEL, *FINDINGS])}


def doc_sorted(names: Any) -> list[str]:
    """Distinct names in the order of case-format.md (top-level fields, then §5 keys)."""
    return sorted(set(names), key=lambda n: DOC_ORDER.get(n, len(DOC_ORDER)))


@dataclass(frozen=True)
class Module:
    id: str
    label: str
    pathway: str
    charts: frozenset[str]
    opening_key: str | None
    keys: tuple[str, ...]
    produces_classification: bool
    # Keys this module reads as optional although the vocabulary does not mark them so (another
    # module needs them): the shock signs in the danger-sign boxes (§11.15 item 3).
    optional_keys: frozenset[str] = frozenset()

    def is_optional(self, key: str) -> bool:
        spec = FINDINGS.get(key) or TOP_LEVEL.get(key)
        return key in self.optional_keys or bool(spec and spec.optional)


_SAGA_22 = ("tidak_bisa_minum", "memuntahkan_semua", "riwayat_kejang", "sedang_kejang",
            "tidak_berinteraksi", "rewel_tidak_dapat_ditenangkan", "tatapan_kosong",
            "tidak_bersuara_atau_tangis_melengking", "tarikan_dinding_dada", "stridor",
            "napas_cuping_hidung", "mencari_posisi_nyaman", "kulit_pucat", "sianosis",
            "kutis_marmorata")
_TBU_15 = ("tidak_bisa_minum", "memuntahkan_semua", "riwayat_kejang", "sedang_kejang", "gelisah",
           "letargis_tidak_sadar", "stridor", "sianosis", "ujung_tangan_kaki_pucat_dingin")

# The young infant's feeding items of each path of bm_berat_badan_asi (§8 "a feeding problem"):
# the breastfed path when ``menyusu`` is true, the replacement-feeding path when it is false.
ASI_PATH_KEYS = ("menyusu_per_24_jam", "minum_dengan_botol", "makanan_minuman_lain",
                 "posisi_menyusu_benar", "perlekatan_baik", "isapan_efektif", "bercak_putih_mulut",
                 "bibir_langit_sumbing")
MINUM_PATH_KEYS = ("susu_pengganti_tepat", "jumlah_minum_cukup", "frekuensi_minum_cukup",
                   "penyiapan_susu_bersih", "minum_dengan_botol", "bercak_putih_mulut",
                   "bibir_langit_sumbing")

# Capillary refill, weak pulse, cold hands and feet (§5.4; danger signs too, §11.15 item 3).
SHOCK_SIGNS = ("crt_lebih_2_detik", "nadi_lemah", "ujung_ekstremitas_dingin")

MODULES: tuple[Module, ...] = (
    Module("tanda_bahaya", "Tanda bahaya umum / SAGA", "balita", BOTH, None,
           tuple(dict.fromkeys(_SAGA_22 + _TBU_15 + SHOCK_SIGNS)), True,
           frozenset(SHOCK_SIGNS)),
    Module("batuk", "Batuk atau sukar bernapas", "balita", BOTH, "batuk",
           ("batuk", "batuk_hari", "napas_per_menit", "napas_per_menit_ulang", "tarikan_dinding_dada",
            "spo2", "wheezing"), True),
    Module("diare", "Diare", "balita", BOTH, "diare",
           ("diare", "diare_hari", "darah_dalam_tinja", "keadaan_umum", "mata_cekung",
            "kemampuan_minum", "cubitan_kulit_perut", "wabah_kolera"), True),
    Module("demam_malaria", "Demam: malaria", "balita", BOTH, "demam",
           ("demam", "demam_hari", "bepergian_daerah_malaria", "kaku_kuduk", "hasil_tes_malaria",
            "penyebab_demam_lain"), True),
    Module("campak", "Demam: campak", "balita", BOTH, None,
           ("campak_3_bulan_terakhir", "ruam_seluruh_tubuh", "batuk_pilek_mata_merah",
            "mata_bernanah", "kekeruhan_kornea", "luka_mulut"), True),
    Module("dengue", "Demam: demam berdarah dengue / infeksi dengue", "balita", BOTH, None,
           tuple(f.key for f in _F if f.modules[:1] == ("dengue",)), True),
    Module("telinga", "Masalah telinga", "balita", BOTH, "masalah_telinga",
           ("masalah_telinga", "nyeri_telinga", "rasa_penuh_telinga", "keluar_cairan_telinga",
            "cairan_telinga_hari", "bengkak_nyeri_belakang_telinga"), True),
    Module("gizi", "Status gizi", "balita", BOTH, None,
           ("tampak_sangat_kurus", "edema", "zskor_bb_pb", "masalah_menyusu", "anoreksia",
            "penurunan_kesadaran", "komplikasi_medis_lain", "terlalu_lemah_menyusu",
            "berat_badan_tidak_naik"), True),
    Module("pertumbuhan", "Status pertumbuhan (PB/U atau TB/U)", "balita", C22, None,
           ("zskor_pb_u",), True),
    Module("lingkar_kepala", "Lingkar kepala (LK/U)", "balita", C22, None, ("zskor_lk_u",), True),
    Module("anemia", "Anemia", "balita", BOTH, None,
           ("kepucatan", "hb_g_dl", "obat_cacing_6_bulan_terakhir"), True),
    Module("hiv", "Status HIV", "balita", BOTH, None,
           ("tes_hiv_ibu", "tes_virologi_anak", "tes_serologi_anak",
            "masih_menyusu_atau_baru_berhenti", "keluarga_hiv", "bercak_putih_mulut",
            "indikasi_tes_hiv"), True),
    Module("imunisasi", "Status imunisasi", "balita", BOTH, None, ("imunisasi_diterima",), False),
    Module("vitamin_a", "Pemberian vitamin A", "balita", BOTH, None,
           ("vitamin_a_6_bulan_terakhir",), False),
    Module("pemberian_makan", "Penilaian pemberian makan", "balita", BOTH, None,
           ("masalah_pemberian_makan",), True),
    Module("bm_infeksi", "Infeksi bakteri berat / lokal", "bayi_muda", BOTH, None,
           ("riwayat_kejang", "sedang_kejang", "sianosis", "napas_per_menit", "napas_per_menit_ulang",
            "spo2_tangan_kanan", "spo2_kaki", "merintih", "napas_cuping_hidung",
            "tarikan_dinding_dada_sangat_kuat", "menyusu_lemah", "belum_bab_48_jam",
            "muntah_semua_atau_hijau", "perut_kembung_sesak", "tidak_ada_lubang_anus",
            "mata_bernanah", "pusar_kemerahan", "pusar_bernanah", "pustul_kulit", "keadaan_umum",
            *SHOCK_SIGNS), True, frozenset(SHOCK_SIGNS)),
    Module("bm_ikterus", "Ikterus", "bayi_muda", BOTH, "tampak_kuning",
           ("tampak_kuning", "telapak_kuning", "kuning_mulai_jam"), True),
    Module("bm_diare", "Diare (bayi muda)", "bayi_muda", BOTH, "diare",
           ("diare", "diare_hari", "darah_dalam_tinja", "keadaan_umum", "mata_cekung",
            "cubitan_kulit_perut"), True),
    Module("bm_hiv", "Status HIV (bayi muda)", "bayi_muda", BOTH, None,
           ("tes_hiv_ibu", "tes_virologi_anak", "tes_serologi_anak",
            "masih_menyusu_atau_baru_berhenti"), True),
    Module("bm_berat_badan_asi", "Berat badan menurut umur dan pemberian ASI/minum", "bayi_muda",
           BOTH, None,
           ("zskor_bb_u", "menyusu", "menyusu_per_24_jam", "minum_dengan_botol",
            "makanan_minuman_lain", "posisi_menyusu_benar", "perlekatan_baik", "isapan_efektif",
            "bercak_putih_mulut", "bibir_langit_sumbing", "susu_pengganti_tepat",
            "jumlah_minum_cukup", "frekuensi_minum_cukup", "penyiapan_susu_bersih"), True),
    Module("bm_imunisasi", "Imunisasi (bayi muda)", "bayi_muda", BOTH, None,
           ("imunisasi_diterima",), False),
    Module("bm_vitamin_k1", "Vitamin K1", "bayi_muda", BOTH, None, ("vitamin_k1_diberikan",), False),
)
MODULE_BY_ID: dict[str, Module] = {m.id: m for m in MODULES}

def module_keys(module_id: str, chart: str) -> tuple[str, ...]:
    """The keys a module reads under one chart (form sections hide the other chart's keys).

    ``Finding.charts`` is the §5 chart mark, which describes the balita rows; the bayi muda
    modules use the 2022 rows under both charts (§11.7), so they read all their keys under both.
    """
    m = MODULE_BY_ID[module_id]
    if m.pathway == "bayi_muda":
        return m.keys
    return tuple(k for k in m.keys if chart in (FINDINGS[k].charts if k in FINDINGS else BOTH))


def modules_for(pathway: str, chart: str) -> list[Module]:
    """The modules of one pathway and chart, in chart order (§4)."""
    return [m for m in MODULES if m.pathway == pathway and chart in m.charts]


# ---------------------------------------------------------------------------------------------
# Validation of single values

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _spec(key: str) -> Finding:
    if key in TOP_LEVEL:
        return TOP_LEVEL[key]
    if key in FINDINGS:
        return FINDINGS[key]
    raise CaseError(f"findings.{key}", "kunci temuan tidak dikenal")


def _field(key: str) -> str:
    return key if key in TOP_LEVEL else f"findings.{key}"


def format_number(value: float | int) -> str:
    """A number in a message, the Indonesian way (decimal comma, as everywhere else on screen
    and paper): 50, 37,5, 40,0. The one formatter of every range message (CLI and forms)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return repr(float(value)).replace(".", ",")


def _json_repr(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return format_number(value)
    if isinstance(value, list):
        return "[…]"
    if isinstance(value, dict):
        return "{…}"
    return str(value)


def range_text(spec: Finding) -> str:
    # Only numeric findings have a range; both ends are set for them.
    lo, hi = cast(float, spec.minimum), cast(float, spec.maximum)
    if spec.kind == "int":
        return f"{int(lo)}–{int(hi)}"
    return f"{format_number(float(lo))}–{format_number(float(hi))}"


_CHOICE_SETS: dict[str, frozenset[str]] = {}


def _choice_set(spec: Finding) -> frozenset[str]:
    found = _CHOICE_SETS.get(spec.key)
    if found is None:
        found = _CHOICE_SETS[spec.key] = frozenset(spec.choice_values())
    return found


# Every date of a case lies in this range (issue 20 item 12: 9999-12-31 overflowed the follow-up date).
DATE_MIN = _dt.date(1900, 1, 1)
DATE_MAX = _dt.date(2199, 12, 31)


def validate_value(key: str, value: Any) -> Any:
    """Check one already-typed JSON value against its declaration; return it unchanged.

    ``None`` is returned as ``None`` (``null`` means absent, §1). Raises ``CaseError`` naming
    ``findings.<key>`` (or the top-level name) with the §10 wording.
    """
    spec = _spec(key)
    field = _field(key)
    if value is None:
        return None
    kind = spec.kind
    if kind == "bool":
        if not isinstance(value, bool):
            raise CaseError(field, f"nilai {_json_repr(value)} harus true atau false")
        return value
    if kind in ("int", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            want = "bilangan bulat" if kind == "int" else "angka"
            raise CaseError(field, f"nilai {_json_repr(value)} harus {want}")
        if kind == "int" and not isinstance(value, int):
            raise CaseError(field, f"nilai {_json_repr(value)} harus bilangan bulat (tanpa desimal)")
        if isinstance(value, float) and not math.isfinite(value):
            raise CaseError(field, f"nilai {_json_repr(value)} bukan angka yang sah")
        if spec.minimum is not None and not (spec.minimum <= value <= cast(float, spec.maximum)):
            raise CaseError(field, f"nilai {_json_repr(value)} di luar rentang {range_text(spec)}")
        return value
    if kind == "enum":
        if not isinstance(value, str) or value not in _choice_set(spec):
            raise CaseError(field, f"nilai {_json_repr(value)} tidak dikenal "
                                   f"(pilihan: {', '.join(spec.choice_values())})")
        return value
    if kind == "set":
        if not isinstance(value, list):
            raise CaseError(field, f"nilai {_json_repr(value)} harus daftar (array)")
        seen: set[str] = set()
        allowed = _choice_set(spec)
        for item in value:
            if not isinstance(item, str) or item not in allowed:
                raise CaseError(field, f"nilai {_json_repr(item)} tidak dikenal "
                                       f"(pilihan: {', '.join(spec.choice_values())})")
            if item in seen:
                raise CaseError(field, f"nilai {_json_repr(item)} tercantum lebih dari sekali")
            seen.add(item)
        return value
    if kind == "date":
        if not isinstance(value, str) or not _DATE_RE.match(value):
            raise CaseError(field, f"nilai {_json_repr(value)} bukan tanggal TTTT-BB-HH")
        try:
            day = _dt.date.fromisoformat(value)
        except ValueError:
            raise CaseError(field, f"nilai {_json_repr(value)} bukan tanggal yang sah") from None
        if not DATE_MIN <= day <= DATE_MAX:
            # A follow-up date is computed from the visit: a year near 9999 would overflow it.
            raise CaseError(field, f"nilai {_json_repr(value)} di luar rentang {DATE_MIN} s.d. {DATE_MAX}")
        return value
    if kind == "text":
        if not isinstance(value, str):
            raise CaseError(field, f"nilai {_json_repr(value)} harus teks")
        return value
    raise AssertionError(f"unknown kind {kind}")  # pragma: no cover


_TRUE_WORDS = {"ya", "y", "ada", "true", "benar", "1", "positif"}
_FALSE_WORDS = {"tidak", "t", "tdk", "false", "salah", "0", "tidak ada", "n", "no"}


def parse_value(key: str, text: str) -> Any:
    """Parse what a worker typed into a form field; ``""`` (blank) means not assessed (None).

    Accepts a decimal comma (``37,5``), ``ya``/``tidak`` for yes/no, an enum value or its label,
    a comma-separated list for sets. Errors are ``CaseError`` whose message starts with the field
    label and gives the allowed range or choices.
    """
    spec = _spec(key)
    raw = text.strip()
    if raw == "":
        return None
    try:
        if spec.kind == "bool":
            low = raw.lower()
            if low in _TRUE_WORDS:
                return True
            if low in _FALSE_WORDS:
                return False
            raise CaseError(_field(key), f'nilai "{raw}" harus ya atau tidak')
        if spec.kind == "int":
            if not re.fullmatch(r"[+-]?\d+", raw):
                raise CaseError(_field(key), f'nilai "{raw}" harus bilangan bulat, rentang '
                                             f"{range_text(spec)}")
            return validate_value(key, int(raw))
        if spec.kind == "number":
            norm = raw.replace(",", ".")
            if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", norm):
                raise CaseError(_field(key), f'nilai "{raw}" harus angka, rentang {range_text(spec)}')
            return validate_value(key, float(norm))
        if spec.kind == "enum":
            for value, label in spec.choices:
                if raw == value or raw.lower() == label.lower():
                    return value
            return validate_value(key, raw)
        if spec.kind == "set":
            items = [part.strip() for part in raw.split(",") if part.strip()]
            out = []
            for item in items:
                match = next((v for v, label in spec.choices
                              if item == v or item.lower() == label.lower()), item)
                out.append(match)
            return validate_value(key, out)
        if spec.kind == "date":
            m = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", raw)
            if m:  # the Indonesian way of writing a date: HH-BB-TTTT
                raw = f"{int(m.group(3)):04d}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
            return validate_value(key, raw)
        return validate_value(key, raw)
    except CaseError as err:
        if err.message.startswith(spec.label):
            raise
        raise CaseError(err.field, f"{spec.label}: {err.message}") from None
