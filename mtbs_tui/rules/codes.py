"""Every classification code (case-format.md §8) and treatment code (§9) with its Indonesian
label, so the TUI, PDFs and exports never hard-code them.

``CLASSIFICATIONS[pathway][code]`` gives label, colour and module; ``TREATMENTS[code]`` a default
label (rows may give a more specific one, e.g. the reason of a ``RUJUK``).
"""

from __future__ import annotations

from dataclasses import dataclass

COLOUR_LABEL = {"merah": "MERAH - RUJUK SEGERA", "kuning": "KUNING", "hijau": "HIJAU"}
# The one severity order of the colours: the higher, the more urgent (worst first = highest).
SEVERITY: dict[str, int] = {"hijau": 0, "kuning": 1, "merah": 2}
COLOURS_WORST_FIRST: tuple[str, ...] = tuple(sorted(SEVERITY, key=SEVERITY.__getitem__, reverse=True))


@dataclass(frozen=True)
class Classification:
    code: str
    module: str
    colour: str
    label: str
    # "Nothing found" (STABIL, GIZI BAIK, NORMAL, ...): a green row that names no problem, left out
    # of the short text of lists and shown last among equals.
    all_clear: bool = False


def _c(code: str, module: str, colour: str, label: str, clear: bool = False) -> Classification:
    assert not clear or colour == "H", code
    return Classification(code, module, {"M": "merah", "K": "kuning", "H": "hijau"}[colour], label, clear)


_BALITA = (
    _c("GAGAL_JANTUNG_PARU", "tanda_bahaya", "M", "GAGAL JANTUNG PARU"),
    _c("PENYAKIT_SANGAT_BERAT", "tanda_bahaya", "M", "PENYAKIT SANGAT BERAT"),
    _c("STABIL", "tanda_bahaya", "H", "STABIL", clear=True),
    _c("PNEUMONIA_BERAT", "batuk", "M", "PNEUMONIA BERAT"),
    _c("PNEUMONIA", "batuk", "K", "PNEUMONIA"),
    _c("BATUK_BUKAN_PNEUMONIA", "batuk", "H", "BATUK BUKAN PNEUMONIA"),
    _c("DIARE_DEHIDRASI_BERAT", "diare", "M", "DIARE DEHIDRASI BERAT"),
    _c("DIARE_DEHIDRASI_RINGAN_SEDANG", "diare", "K", "DIARE DEHIDRASI RINGAN/SEDANG"),
    _c("DIARE_TANPA_DEHIDRASI", "diare", "H", "DIARE TANPA DEHIDRASI"),
    _c("DIARE_PERSISTEN_BERAT", "diare", "M", "DIARE PERSISTEN BERAT"),
    _c("DIARE_PERSISTEN", "diare", "K", "DIARE PERSISTEN"),
    _c("DISENTRI", "diare", "K", "DISENTRI"),
    _c("PENYAKIT_BERAT_DENGAN_DEMAM", "demam_malaria", "M", "PENYAKIT BERAT DENGAN DEMAM"),
    _c("MALARIA", "demam_malaria", "K", "MALARIA"),
    _c("DEMAM_MUNGKIN_BUKAN_MALARIA", "demam_malaria", "H", "DEMAM MUNGKIN BUKAN MALARIA"),
    _c("DEMAM_BUKAN_MALARIA", "demam_malaria", "H", "DEMAM BUKAN MALARIA"),
    _c("CAMPAK_DENGAN_KOMPLIKASI_BERAT", "campak", "M", "CAMPAK DENGAN KOMPLIKASI BERAT"),
    _c("CAMPAK_DENGAN_KOMPLIKASI_PADA_MATA_DAN_ATAU_MULUT", "campak", "K",
       "CAMPAK DENGAN KOMPLIKASI PADA MATA DAN/ATAU MULUT"),
    _c("CAMPAK", "campak", "H", "CAMPAK"),
    _c("DEMAM_BERDARAH_DENGUE", "dengue", "M", "DEMAM BERDARAH DENGUE (DBD)"),
    _c("MUNGKIN_DBD", "dengue", "K", "MUNGKIN DBD"),
    _c("DEMAM_MUNGKIN_BUKAN_DBD", "dengue", "H", "DEMAM MUNGKIN BUKAN DBD"),
    _c("DENGUE_BERAT", "dengue", "M", "DENGUE BERAT"),
    _c("DENGUE_DENGAN_WARNING_SIGNS", "dengue", "M", "DENGUE DENGAN WARNING SIGNS"),
    _c("DENGUE_TANPA_WARNING_SIGNS", "dengue", "K", "DENGUE TANPA WARNING SIGNS"),
    _c("DEMAM_MUNGKIN_BUKAN_DENGUE", "dengue", "H", "DEMAM MUNGKIN BUKAN DENGUE"),
    _c("MASTOIDITIS", "telinga", "M", "MASTOIDITIS"),
    _c("INFEKSI_TELINGA_KRONIS", "telinga", "K", "INFEKSI TELINGA KRONIS"),
    _c("INFEKSI_TELINGA_AKUT", "telinga", "K", "INFEKSI TELINGA AKUT"),
    _c("TIDAK_ADA_INFEKSI_TELINGA", "telinga", "H", "TIDAK ADA INFEKSI TELINGA", clear=True),
    _c("SANGAT_KURUS_DENGAN_KOMPLIKASI", "gizi", "M", "SANGAT KURUS DENGAN KOMPLIKASI"),
    _c("SANGAT_KURUS_TANPA_KOMPLIKASI", "gizi", "K", "SANGAT KURUS TANPA KOMPLIKASI"),
    _c("KURUS", "gizi", "K", "KURUS"),
    _c("GIZI_NORMAL", "gizi", "H", "NORMAL", clear=True),
    _c("GIZI_BURUK_DENGAN_KOMPLIKASI", "gizi", "M", "GIZI BURUK DENGAN KOMPLIKASI"),
    _c("GIZI_BURUK_TANPA_KOMPLIKASI", "gizi", "K", "GIZI BURUK TANPA KOMPLIKASI"),
    _c("GIZI_KURANG", "gizi", "K", "GIZI KURANG"),
    _c("GIZI_BAIK", "gizi", "H", "GIZI BAIK", clear=True),
    _c("BERISIKO_GIZI_LEBIH", "gizi", "K", "BERISIKO GIZI LEBIH"),
    _c("GIZI_LEBIH", "gizi", "K", "GIZI LEBIH"),
    _c("OBESITAS", "gizi", "K", "OBESITAS"),
    _c("SANGAT_PENDEK", "pertumbuhan", "K", "SANGAT PENDEK"),
    _c("PENDEK", "pertumbuhan", "K", "PENDEK"),
    _c("PERTUMBUHAN_NORMAL", "pertumbuhan", "H", "NORMAL", clear=True),
    _c("TINGGI", "pertumbuhan", "K", "TINGGI"),
    _c("MAKROSEFALI", "lingkar_kepala", "K", "MAKROSEFALI"),
    _c("LINGKAR_KEPALA_NORMAL", "lingkar_kepala", "H", "NORMAL", clear=True),
    _c("MIKROSEFALI", "lingkar_kepala", "K", "MIKROSEFALI"),
    _c("ANEMIA_BERAT", "anemia", "M", "ANEMIA BERAT"),
    _c("ANEMIA", "anemia", "K", "ANEMIA"),
    _c("TIDAK_ANEMIA", "anemia", "H", "TIDAK ANEMIA", clear=True),
    _c("INFEKSI_HIV_TERKONFIRMASI", "hiv", "K", "INFEKSI HIV TERKONFIRMASI"),
    _c("DIDUGA_TERINFEKSI_HIV", "hiv", "K", "DIDUGA TERINFEKSI HIV"),
    _c("TERPAJAN_HIV", "hiv", "K", "TERPAJAN HIV"),
    _c("MUNGKIN_BUKAN_INFEKSI_HIV", "hiv", "H", "MUNGKIN BUKAN INFEKSI HIV", clear=True),
    _c("MASALAH_PEMBERIAN_MAKAN", "pemberian_makan", "K", "MASALAH PEMBERIAN MAKAN"),
)

_BAYI_MUDA = (
    _c("PENYAKIT_SANGAT_BERAT_ATAU_INFEKSI_BAKTERI_BERAT", "bm_infeksi", "M",
       "PENYAKIT SANGAT BERAT ATAU INFEKSI BAKTERI BERAT"),
    _c("INFEKSI_BAKTERI_LOKAL", "bm_infeksi", "K", "INFEKSI BAKTERI LOKAL"),
    _c("MUNGKIN_BUKAN_INFEKSI", "bm_infeksi", "H", "MUNGKIN BUKAN INFEKSI", clear=True),
    _c("IKTERUS_BERAT", "bm_ikterus", "M", "IKTERUS BERAT"),
    _c("IKTERUS", "bm_ikterus", "K", "IKTERUS"),
    _c("TIDAK_ADA_IKTERUS", "bm_ikterus", "H", "TIDAK ADA IKTERUS", clear=True),
    _c("DIARE_PERSISTEN_BERAT", "bm_diare", "M", "DIARE PERSISTEN BERAT"),  # §11.15 item 2
    _c("DISENTRI", "bm_diare", "M", "DISENTRI PADA BAYI MUDA"),  # §11.15 item 2
    _c("DIARE_DEHIDRASI_BERAT", "bm_diare", "M", "DIARE DEHIDRASI BERAT"),
    _c("DIARE_DEHIDRASI_RINGAN_SEDANG", "bm_diare", "K", "DIARE DEHIDRASI RINGAN/SEDANG"),
    _c("DIARE_TANPA_DEHIDRASI", "bm_diare", "H", "DIARE TANPA DEHIDRASI"),
    _c("INFEKSI_HIV_TERKONFIRMASI", "bm_hiv", "K", "INFEKSI HIV TERKONFIRMASI"),
    _c("TERPAJAN_HIV_MUNGKIN_INFEKSI_HIV", "bm_hiv", "K", "TERPAJAN HIV: MUNGKIN INFEKSI HIV"),
    _c("INFEKSI_HIV_TIDAK_DIKETAHUI", "bm_hiv", "K", "INFEKSI HIV TIDAK DIKETAHUI"),
    _c("BUKAN_INFEKSI_HIV", "bm_hiv", "H", "BUKAN INFEKSI HIV", clear=True),
    _c("BERAT_BADAN_SANGAT_RENDAH_MENURUT_UMUR", "bm_berat_badan_asi", "M",
       "BERAT BADAN SANGAT RENDAH MENURUT UMUR"),
    _c("BERAT_BADAN_RENDAH_MENURUT_UMUR_DAN_ATAU_MASALAH_PEMBERIAN_ASI", "bm_berat_badan_asi", "K",
       "BERAT BADAN RENDAH MENURUT UMUR DAN/ATAU MASALAH PEMBERIAN ASI"),
    _c("BERAT_BADAN_RENDAH_MENURUT_UMUR_DAN_ATAU_MASALAH_PEMBERIAN_MINUM", "bm_berat_badan_asi", "K",
       "BERAT BADAN RENDAH MENURUT UMUR DAN/ATAU MASALAH PEMBERIAN MINUM"),
    _c("BERAT_BADAN_TIDAK_RENDAH_MENURUT_UMUR_DAN_TIDAK_ADA_MASALAH_PEMBERIAN_ASI",
       "bm_berat_badan_asi", "H",
       "BERAT BADAN TIDAK RENDAH MENURUT UMUR DAN TIDAK ADA MASALAH PEMBERIAN ASI", clear=True),
    _c("BERAT_BADAN_TIDAK_RENDAH_MENURUT_UMUR_DAN_TIDAK_ADA_MASALAH_PEMBERIAN_MINUM",
       "bm_berat_badan_asi", "H",
       "BERAT BADAN TIDAK RENDAH MENURUT UMUR DAN TIDAK ADA MASALAH PEMBERIAN MINUM", clear=True),
)

CLASSIFICATIONS: dict[str, dict[str, Classification]] = {
    "balita": {c.code: c for c in _BALITA},
    "bayi_muda": {c.code: c for c in _BAYI_MUDA},
}

# Codes of §8.1 that exist under one chart only (for property tests and docs).
BALITA_CHART_ONLY = {
    "2022": {"GAGAL_JANTUNG_PARU", "STABIL", "DENGUE_BERAT", "DENGUE_DENGAN_WARNING_SIGNS",
             "DENGUE_TANPA_WARNING_SIGNS", "DEMAM_MUNGKIN_BUKAN_DENGUE",
             "GIZI_BURUK_DENGAN_KOMPLIKASI", "GIZI_BURUK_TANPA_KOMPLIKASI", "GIZI_KURANG",
             "GIZI_BAIK", "BERISIKO_GIZI_LEBIH", "GIZI_LEBIH", "OBESITAS", "SANGAT_PENDEK",
             "PENDEK", "PERTUMBUHAN_NORMAL", "TINGGI", "MAKROSEFALI", "LINGKAR_KEPALA_NORMAL",
             "MIKROSEFALI"},
    "2015": {"DEMAM_BERDARAH_DENGUE", "MUNGKIN_DBD", "DEMAM_MUNGKIN_BUKAN_DBD",
             "SANGAT_KURUS_DENGAN_KOMPLIKASI", "SANGAT_KURUS_TANPA_KOMPLIKASI", "KURUS",
             "GIZI_NORMAL", "DIDUGA_TERINFEKSI_HIV"},
}


# Every code that is all clear under some pathway (a code is never all clear in one and not the other).
ALL_CLEAR: frozenset[str] = frozenset(c.code for table in CLASSIFICATIONS.values() for c in table.values()
                                      if c.all_clear)


def classification(pathway: str, code: str) -> Classification:
    return CLASSIFICATIONS[pathway][code]


# Treatment codes given at one rate, not one dose per row: when two printed rows give the code with
# different doses, the first in chart order (tanda bahaya before batuk before dengue) is kept and
# the others are dropped, so a letter never lists two oxygen flows at the same hour (issue 15
# item 4). The reference (§5, "Oxygen": 3–5 L/min for very severe disease, 2–3/1–4 for severe
# pneumonia, 2–4/1–2 for dengue shock) does not say which rate wins: listed in docs/chart.md for a
# clinician to confirm.
ONE_RATE_TREATMENTS = frozenset({"OKSIGEN"})

# The chart's systemic antibiotics (§9 codes): the quality indicator "antibiotik tanpa indikasi"
# (issue 18) counts a visit none of whose recommended treatments is one of these. Topical
# antibiotics (eye ointment, quinolone ear drops) are not systemic and are not listed.
SYSTEMIC_ANTIBIOTICS = frozenset({"AMOKSISILIN", "KOTRIMOKSAZOL", "ANTIBIOTIK_KOLERA", "AMPISILIN_IM",
                                  "GENTAMISIN_IM"})

# §9 treatment codes with a default Indonesian label.
TREATMENTS: dict[str, str] = {
    "RUJUK_SEGERA": "Rujuk segera",
    "RUJUK": "Rujuk",
    "BANTUAN_HIDUP_DASAR": "Bantuan hidup dasar",
    "JALAN_NAPAS": "Pastikan jalan napas tidak tersumbat",
    "OKSIGEN": "Beri oksigen",
    "DIAZEPAM": "Diazepam untuk menghentikan kejang",
    "CEGAH_GULA_DARAH_TURUN": "Cegah gula darah turun",
    "JAGA_TETAP_HANGAT": "Jaga anak tetap hangat",
    "METODE_KANGURU": "Rujuk dengan metode kanguru (kontak kulit ke kulit)",
    "AMPISILIN_IM": "Ampisilin intramuskular dosis pertama",
    "GENTAMISIN_IM": "Gentamisin intramuskular dosis pertama",
    "AMOKSISILIN": "Amoksisilin oral",
    "KOTRIMOKSAZOL": "Kotrimoksazol oral",
    "ANTIBIOTIK_KOLERA": "Antibiotik untuk kolera",
    "ANTIMALARIA_INJEKSI": "Antimalaria injeksi dosis pertama",
    "DHP": "Dihidroartemisinin-piperakuin (DHP)",
    "PRIMAKUIN": "Primakuin",
    "TES_MALARIA": "Periksa malaria (RDT/mikroskopis) jika tersedia",
    "PARASETAMOL": "Parasetamol",
    "VITAMIN_A": "Vitamin A",
    "SALEP_MATA": "Salep mata antibiotik (tetrasiklin atau kloramfenikol)",
    "ANTISEPTIK_MULUT": "Antiseptik mulut untuk luka di mulut",
    "PELEGA_TENGGOROKAN": "Pelega tenggorokan dan pereda batuk yang aman",
    "BRONKODILATOR": "Bronkodilator kerja cepat untuk wheezing",
    "RENCANA_TERAPI_A": "Rencana Terapi A: penanganan diare di rumah",
    "RENCANA_TERAPI_B": "Rencana Terapi B: oralit di sarana kesehatan",
    "RENCANA_TERAPI_C": "Rencana Terapi C: cairan intravena segera",
    "ORALIT_PERJALANAN": "Beri oralit sedikit-sedikit dan teruskan ASI selama perjalanan",
    "ZINK": "Tablet zink selama 10 hari",
    "CAIRAN_INTRAVENA": "Cairan intravena sebelum dirujuk",
    "DEKSTROSA_IV": "Glukosa/dekstrosa 10 % intravena",
    "RESOMAL": "ReSoMal sebelum dirujuk",
    "PIPA_OROGASTRIK": "Pasang pipa orogastrik",
    "KERINGKAN_TELINGA": "Keringkan telinga dengan kain penyerap (wicking)",
    "TETES_TELINGA_KUINOLON": "Tetes telinga kuinolon",
    "ZAT_BESI": "Zat besi",
    "OBAT_CACING": "Obat cacing",
    "NISTATIN": "Nistatin untuk bercak putih di mulut",
    "ANTISEPTIK_PUSAR_KULIT": "Antiseptik untuk infeksi pusar/kulit",
    "PERAWATAN_BAYI_MUDA": "Perawatan dasar bayi muda di rumah",
    "KONSELING_PEMBERIAN_MAKAN": "Konseling pemberian makan",
    "KONSELING_MENYUSUI": "Konseling menyusui (posisi, perlekatan, frekuensi)",
    "SKRINING_SDIDTK": "Skrining perkembangan (SDIDTK)",
    "TES_HIV": "Tawarkan tes HIV",
    "VITAMIN_K1": "Vitamin K1 injeksi",
    "NASIHAT_KEMBALI_SEGERA": "Nasihati kapan kembali segera",
}

IMMUNISATION_DOSES: tuple[str, ...] = (
    "hb0", "bcg", "polio_1", "polio_2", "polio_3", "polio_4", "dpt_hb_hib_1", "dpt_hb_hib_2",
    "dpt_hb_hib_3", "ipv_1", "ipv_2", "pcv_1", "pcv_2", "pcv_3", "rotavirus_1", "rotavirus_2",
    "rotavirus_3", "campak_rubela_1", "je", "dpt_hb_hib_lanjutan", "campak_rubela_lanjutan",
)
for _dose in IMMUNISATION_DOSES:
    TREATMENTS[f"IMUNISASI_{_dose.upper()}"] = "Imunisasi " + {
        "hb0": "HB0", "bcg": "BCG", "je": "JE",
    }.get(_dose, _dose.replace("dpt_hb_hib", "DPT-HB-Hib").replace("campak_rubela", "Campak-Rubela")
          .replace("polio", "Polio").replace("ipv", "IPV").replace("pcv", "PCV")
          .replace("rotavirus", "Rotavirus").replace("_", " "))


def treatment_label(code: str) -> str:
    return TREATMENTS[code]


def colour_label(colour: str) -> str:
    return COLOUR_LABEL[colour]
