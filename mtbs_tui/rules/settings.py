"""Named settings for the thresholds the reference leaves open (case-format.md §11.14), and the
safety amendments of contract version 2 (§11.15): ``VACCINE_UPPER_LIMITS`` and ``AMENDMENTS``, the
list docs/chart.md gives the clinician to confirm.

Each value is one field of the frozen ``ChartSettings`` with the contract's default (the clinically
safer reading). A clinic or a test overrides one value with ``dataclasses.replace`` and passes the
result to ``classify(case, settings=...)``. ``DEFAULT`` is what ``mtbs classify`` uses.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class ChartSettings:
    spo2_pneumonia_berat_2015: int = 90
    """PNEUMONIA_BERAT when SpO2 is *below* this (2015). Reference §3.2, §10 item 2."""

    spo2_pneumonia_berat_2022: int = 92
    """PNEUMONIA_BERAT when SpO2 is *below* this (2022; S4 codes ≤ 92). Reference §3.2, §10 item 2."""

    napas_cepat_tanda_dengue_berat: bool = False
    """Whether fast breathing for age counts as a DENGUE_BERAT respiratory-distress sign (2022).
    Default no: only ``distres_napas`` counts. Reference §3.6; contract §11.14."""

    umur_maks_bulan_penyakit_berat_demam_non_endemis: int = 3
    """Non-endemic PENYAKIT_BERAT_DENGAN_DEMAM fires at completed months ≤ this. Reference §3.4,
    §10 item 4."""

    malaria_tanpa_tes_endemis: bool = True
    """Endemic route, untested child (``hasil_tes_malaria`` ``tidak_tersedia``): MALARIA (2022
    always; 2015 when no other cause). Reference §3.4; contract §11.11."""

    hiv_2015_terpajan_sebelum_diduga: bool = True
    """2015 HIV order: TERPAJAN_HIV before DIDUGA_TERINFEKSI_HIV. Reference §3.10, §10 item 9."""

    edema_2015_sangat_kurus_dengan_komplikasi: bool = True
    """2015: bilateral oedema without a complication is SANGAT_KURUS_DENGAN_KOMPLIKASI.
    Reference §3.8 (gap), WHO 2014."""

    suhu_bayi_muda_tinggi_c: float = 37.5
    """Young-infant infection sign: temperature ≥ this. Reference §4.1, §10 item 10."""

    suhu_bayi_muda_rendah_c: float = 36.5
    """Young-infant infection sign: temperature < this. Reference §4.1, §10 item 10."""

    bergerak_jika_dirangsang_tanda_infeksi_bayi_muda: bool = True
    """Whether "moves only when stimulated" (``keadaan_umum`` ``letargis_tidak_sadar``) is a
    young-infant infection sign, read by bm_infeksi row 1 as a required key. Default yes (WHO 2014
    [H]; contract §11.15 item 1; S4 reads it for bm_diare only). Reference §4.1, §10 item 10."""

    diare_persisten_disentri_bayi_muda: bool = True
    """Young infant: diarrhoea ≥ 14 days (DIARE_PERSISTEN_BERAT) or blood in the stool (DISENTRI)
    is merah and referred (WHO 2014 [H]; contract §11.15 item 2). Reference §4.3."""

    tanda_syok_tanda_bahaya: bool = True
    """The shock signs (``crt_lebih_2_detik``, ``nadi_lemah``, ``ujung_ekstremitas_dingin``) count
    as danger signs wherever they are recorded, whatever the fever duration (contract §11.15
    item 3). Reference §3.1, §3.6."""

    oksigen_2015_sianosis_saja: bool = True
    """2015 PENYAKIT_SANGAT_BERAT: oxygen when ``sianosis`` alone is true (WHO Pocket Book; contract
    §11.15 item 4). Off: only with stridor, cyanosis and cold pale extremities together (reference
    §3.1 as written)."""

    parasetamol_suhu_2015_c: float = 38.5
    """PARASETAMOL at a temperature ≥ this (2015). Reference §5.3, §10 item 4."""

    parasetamol_suhu_2022_c: float = 38.0
    """PARASETAMOL at a temperature ≥ this (2022, S4). Reference §5.3, §10 item 4."""

    hb_anemia_berat_g_dl: float = 7.0
    """2022 ANEMIA_BERAT when Hb < this. Reference §3.9, §10 item 6."""

    hb_anemia_g_dl: float = 10.0
    """2022 ANEMIA when Hb is below this (and not below the severe cut-off). Reference §3.9."""

    zskor_pb_u_sangat_pendek: float = -3.0
    """SANGAT_PENDEK when PB/U or TB/U z < this. Reference §3.8, §10 item 8."""

    zskor_pb_u_pendek: float = -2.0
    """PENDEK when z < this (and not below the severe cut-off). Reference §3.8."""

    zskor_pb_u_tinggi: float = 3.0
    """TINGGI when z > this. Reference §3.8."""

    zskor_lk_u_mikrosefali: float = -2.0
    """MIKROSEFALI when LK/U z < this. Reference §3.8, §10 item 8."""

    zskor_lk_u_makrosefali: float = 2.0
    """MAKROSEFALI when LK/U z > this. Reference §3.8."""

    imunisasi_je: bool = False
    """JE vaccine given (JE-endemic area). Default no: no key says the area is endemic. §3.11."""

    hb0_umur_maks_hari: int = 1
    """HB0 is due only at an age of 0 to this many days. Reference §3.11, §4.6."""

    batas_umur_atas_vaksin: bool = True
    """Upper age limits of vaccines (``VACCINE_UPPER_LIMITS``): past its limit a dose is not
    listed as due. Contract §11.15 item 5; reference §3.11, §10 item 13."""

    amoksisilin_5_hari_terpajan_hiv_2015: bool = True
    """2015: PNEUMONIA with TERPAJAN_HIV gets amoxicillin for 5 days, like the confirmed and
    suspected rows (contract §11.15 item 7, §9)."""

    kesadaran_baik_dari_tanda_bahaya: bool = True
    """The visit form, not the engine: "tidak berinteraksi dengan lingkungan / tidak sadar" (2022
    SAGA) answered *tidak* also answers "penurunan kesadaran" (dengue, gizi) *tidak*: the same look
    at the child's consciousness, asked once (issue 14). The later box shows it answered and the
    nurse may change it. Off: asked again. A *ya* always answers both *ya* (and the diarrhoea box's
    "keadaan umum" letargis), with no setting: it only makes a classification more severe."""

    kartu_obat_belum_diberikan: bool = True
    """The mother's card, not the engine: a home medicine recorded as not given (out of stock,
    refused, ...) is named on the card with its reason and "tanyakan petugas", so she does not go
    home believing the card lists everything the child needs (issue 17 left the card silent).
    Off: the card lists only what was given. No dose is printed for it: how she gets it is for
    the worker to say."""

    def spo2_cutoff(self, chart: str) -> int:
        return self.spo2_pneumonia_berat_2015 if chart == "2015" else self.spo2_pneumonia_berat_2022

    def paracetamol_c(self, chart: str) -> float:
        return self.parasetamol_suhu_2015_c if chart == "2015" else self.parasetamol_suhu_2022_c


DEFAULT = ChartSettings()


# ---------------------------------------------------------------------------------------------
# Vaccine upper age limits (contract §11.15 item 5), read by ``within_vaccine_limit`` for both
# pathways. A dose is due only *before* its limit: (dose or series prefix, unit, limit, source,
# confidence). ``hb0`` keeps its own setting (``hb0_umur_maks_hari``); ``je`` has no upper limit
# (contract §9). The first matching entry wins, so ``rotavirus_1`` comes before ``rotavirus_``.

@dataclass(frozen=True)
class VaccineLimit:
    dose: str  # a dose, or a series prefix ending in "_"
    unit: str  # "hari" (days since birth) or "bulan" (completed months)
    limit: int
    source: str
    confidence: str

    def applies_to(self, dose: str) -> bool:
        return dose == self.dose or (self.dose.endswith("_") and dose.startswith(self.dose))

    def text(self) -> str:
        shown = self.dose + "*" if self.dose.endswith("_") else self.dose
        return f"{shown}: umur < {self.limit} {self.unit}"


_REVIEW = "kontrak §11.15 butir 5 (tinjauan klinis luar)"
_MTBS_AGE = _REVIEW + "; sama dengan batas umur MTBS"
VACCINE_UPPER_LIMITS: tuple[VaccineLimit, ...] = (
    VaccineLimit("bcg", "bulan", 12, _REVIEW + "; tidak ditemukan di sumber Indonesia", "L"),
    VaccineLimit("rotavirus_1", "hari", 105, _REVIEW + "; ACIP: dosis pertama paling lambat "
                 "14 minggu 6 hari", "L"),
    VaccineLimit("rotavirus_", "bulan", 8, _REVIEW + "; ACIP: dosis terakhir paling lambat 8 "
                 "bulan", "L"),
    VaccineLimit("polio_", "bulan", 60, _MTBS_AGE, "L"),
    VaccineLimit("dpt_hb_hib_", "bulan", 60, _MTBS_AGE, "L"),
    VaccineLimit("pcv_", "bulan", 60, _MTBS_AGE, "L"),
    VaccineLimit("ipv_", "bulan", 60, _MTBS_AGE, "L"),
    VaccineLimit("campak_rubela_", "bulan", 60, _MTBS_AGE, "L"),
)


def within_vaccine_limit(dose: str, age_days: int, age_months: int,
                         settings: ChartSettings = DEFAULT) -> bool:
    """True when ``dose`` may still be given at this age (no limit, limits off, or below it)."""
    if not settings.batas_umur_atas_vaksin:
        return True
    for lim in VACCINE_UPPER_LIMITS:
        if lim.applies_to(dose):
            age = age_days if lim.unit == "hari" else age_months
            return age < lim.limit
    return True


# ---------------------------------------------------------------------------------------------
# The safety amendments of contract version 2 (case-format.md §11.15): where each one lives, so
# docs/chart.md can list them for the clinician who must confirm them against the printed chart.

@dataclass(frozen=True)
class Amendment:
    item: int
    title: str
    where: str  # rule ids and/or setting names
    source: str
    confidence: str


AMENDMENTS: tuple[Amendment, ...] = (
    Amendment(1, "Bayi muda yang bergerak hanya jika dirangsang atau tidak bergerak (keadaan_umum "
                 "letargis) = PENYAKIT SANGAT BERAT ATAU INFEKSI BAKTERI BERAT; ditanyakan di "
                 "bagian infeksi untuk setiap bayi muda",
              "`2022.bm_infeksi.PENYAKIT_SANGAT_BERAT_ATAU_INFEKSI_BAKTERI_BERAT`; setelan "
              "`bergerak_jika_dirangsang_tanda_infeksi_bayi_muda`",
              "WHO IMCI 2014 (S11); rujukan §4.1, §10 butir 10", "M"),
    Amendment(2, "Bayi muda: diare ≥ 14 hari (DIARE PERSISTEN BERAT) atau darah dalam tinja "
                 "(DISENTRI PADA BAYI MUDA) = MERAH, dicetak bersama baris dehidrasi, rujuk segera",
              "`2022.bm_diare.DIARE_PERSISTEN_BERAT`, `2022.bm_diare.DISENTRI`; setelan "
              "`diare_persisten_disentri_bayi_muda`",
              "WHO IMCI 2014 (S11); tidak ditemukan di sumber Indonesia (rujukan §4.3)", "M"),
    Amendment(3, "Tanda syok (CRT > 2 detik, nadi lemah, tangan dan kaki dingin) = tanda bahaya di "
                 "mana pun dicatat, berapa pun lama demam; formulir menawarkannya di bagian tanda "
                 "bahaya (boleh dilewati)",
              "`2022.tanda_bahaya.*`, `2015.tanda_bahaya.PENYAKIT_SANGAT_BERAT`, "
              "`2022.bm_infeksi.PENYAKIT_SANGAT_BERAT_ATAU_INFEKSI_BAKTERI_BERAT`; setelan "
              "`tanda_syok_tanda_bahaya`",
              "WHO IMCI 2014 / Pocket Book (S11); rujukan §3.1, §3.6", "M"),
    Amendment(4, "Tindakan pra-rujukan GAGAL JANTUNG PARU (jalan napas, oksigen, diazepam bila "
                 "kejang, cegah gula darah turun, jaga hangat); 2015: oksigen bila sianosis saja",
              "`2022.tanda_bahaya.GAGAL_JANTUNG_PARU`, `2015.tanda_bahaya.PENYAKIT_SANGAT_BERAT`; "
              "setelan `oksigen_2015_sianosis_saja`",
              "WHO Pocket Book 2013 (S11); rujukan §3.1, §5.10", "M"),
    Amendment(5, "Batas umur atas vaksin: BCG < 12 bulan, rotavirus dosis 1 < 15 minggu (105 "
                 "hari), semua dosis rotavirus < 8 bulan, lainnya < 60 bulan",
              "modul `imunisasi`, `bm_imunisasi`; setelan `batas_umur_atas_vaksin` "
              "(tabel `VACCINE_UPPER_LIMITS`)",
              "tinjauan klinis luar; ACIP (rotavirus); rujukan §3.11, §10 butir 13", "L"),
    Amendment(6, "Pita dosis dibaca seperti ditulis tabelnya: \"> a – b\" = a < BB ≤ b (DHP, "
                 "primakuin: 10,0 kg = ½ tablet DHP); pita terakhir \"a – b\" termasuk b",
              "tabel dosis `mtbs_tui/rules/doses.py` (bagian \"Tabel dosis\" di atas)",
              "rujukan §5; kontrak §9", "M"),
    Amendment(7, "2015: PNEUMONIA dengan TERPAJAN HIV mendapat amoksisilin 5 hari",
              "`2015.batuk.PNEUMONIA` (AMOKSISILIN); setelan "
              "`amoksisilin_5_hari_terpajan_hiv_2015`",
              "rujukan §3.2, §3.10; kontrak §9", "M"),
    Amendment(8, "Tanda bahaya balita pada kasus bayi muda tidak dibuang diam-diam: dicantumkan di "
                 "`unread_findings`; tidak_bisa_minum → menyusu_lemah, memuntahkan_semua → "
                 "muntah_semua_atau_hijau, letargis_tidak_sadar → keadaan_umum letargis",
              "`mtbs_tui/rules/engine.py` (`YOUNG_INFANT_MAPPING`, `unread_findings`)",
              "kontrak §11.1, §11.15 butir 8", "M"),
)


# Indonesian descriptions for the clinician's review table in docs/chart.md.
KETERANGAN: dict[str, str] = {
    "kartu_obat_belum_diberikan": "Kartu nasihat ibu (bukan mesin): obat untuk di rumah yang dicatat "
                                  "tidak diberikan (stok habis, keluarga menolak, ...) disebut di "
                                  "kartu dengan alasannya dan \"tanyakan petugas\", tanpa dosis. "
                                  "Mati: kartu hanya memuat yang diberikan. **Perlu dikonfirmasi "
                                  "klinisi.**",
    "kesadaran_baik_dari_tanda_bahaya": "Formulir (bukan mesin): \"tidak berinteraksi dengan "
                                        "lingkungan / tidak sadar\" (SAGA 2022) dijawab tidak juga "
                                        "menjawab \"penurunan kesadaran\" (dengue, gizi) tidak; "
                                        "ditanyakan sekali, bagian berikut menampilkannya terjawab "
                                        "dan dapat diubah. Mati: ditanyakan lagi. Jawaban ya selalu "
                                        "menjawab keduanya ya. **Perlu dikonfirmasi klinisi.**",
    "spo2_pneumonia_berat_2015": "PNEUMONIA BERAT bila SpO2 di bawah nilai ini (2015). Rujukan §3.2.",
    "spo2_pneumonia_berat_2022": "PNEUMONIA BERAT bila SpO2 di bawah nilai ini (2022; S4 memakai "
                                 "≤ 92). Rujukan §3.2, §10 butir 2.",
    "napas_cepat_tanda_dengue_berat": "Napas cepat menurut umur dihitung sebagai distres napas "
                                      "DENGUE BERAT (2022). Bawaan tidak: hanya distres_napas. "
                                      "Rujukan §3.6.",
    "umur_maks_bulan_penyakit_berat_demam_non_endemis": "PENYAKIT BERAT DENGAN DEMAM (non-endemis) "
                                                        "pada umur (bulan genap) ≤ nilai ini. "
                                                        "Rujukan §3.4, §10 butir 4.",
    "malaria_tanpa_tes_endemis": "Daerah endemis, tanpa tes malaria: MALARIA (2022 selalu; 2015 "
                                 "bila tidak ada penyebab lain). Rujukan §3.4; kontrak §11.11.",
    "hiv_2015_terpajan_sebelum_diduga": "Urutan HIV 2015: TERPAJAN HIV diperiksa sebelum DIDUGA "
                                        "TERINFEKSI HIV. Rujukan §3.10, §10 butir 9.",
    "edema_2015_sangat_kurus_dengan_komplikasi": "2015: edema kedua kaki tanpa komplikasi = SANGAT "
                                                 "KURUS DENGAN KOMPLIKASI. Rujukan §3.8 (WHO 2014).",
    "suhu_bayi_muda_tinggi_c": "Bayi muda: tanda infeksi bila suhu ≥ nilai ini. Rujukan §4.1.",
    "suhu_bayi_muda_rendah_c": "Bayi muda: tanda infeksi bila suhu < nilai ini. Rujukan §4.1.",
    "bergerak_jika_dirangsang_tanda_infeksi_bayi_muda": "Bayi muda: 'bergerak hanya jika "
                                                        "dirangsang atau tidak bergerak' "
                                                        "(keadaan_umum letargis) = PENYAKIT SANGAT "
                                                        "BERAT ATAU INFEKSI BAKTERI BERAT (WHO "
                                                        "2014; S4: tidak). Kontrak §11.15 butir 1; "
                                                        "rujukan §4.1.",
    "diare_persisten_disentri_bayi_muda": "Bayi muda: diare ≥ 14 hari (DIARE PERSISTEN BERAT) atau "
                                          "darah dalam tinja (DISENTRI PADA BAYI MUDA) = MERAH, "
                                          "rujuk segera (WHO 2014). Kontrak §11.15 butir 2; "
                                          "rujukan §4.3.",
    "tanda_syok_tanda_bahaya": "Tanda syok (CRT > 2 detik, nadi lemah, tangan dan kaki dingin) "
                               "dihitung tanda bahaya di mana pun dicatat, berapa pun lama "
                               "demamnya (2022: sisi sirkulasi SAGA; 2015: seperti ujung "
                               "ekstremitas pucat dingin; bayi muda: infeksi baris 1). Kontrak "
                               "§11.15 butir 3.",
    "oksigen_2015_sianosis_saja": "2015 PENYAKIT SANGAT BERAT: oksigen bila sianosis saja (WHO "
                                  "Pocket Book). Tidak: hanya bila stridor, sianosis dan ujung "
                                  "ekstremitas pucat dingin bersama (rujukan §3.1). Kontrak "
                                  "§11.15 butir 4.",
    "parasetamol_suhu_2015_c": "Parasetamol bila suhu ≥ nilai ini (2015). Rujukan §5.3.",
    "parasetamol_suhu_2022_c": "Parasetamol bila suhu ≥ nilai ini (2022, S4). Rujukan §5.3.",
    "hb_anemia_berat_g_dl": "2022: ANEMIA BERAT bila Hb < nilai ini. Rujukan §3.9, §10 butir 6.",
    "hb_anemia_g_dl": "2022: ANEMIA bila Hb < nilai ini (dan tidak di bawah batas berat). §3.9.",
    "zskor_pb_u_sangat_pendek": "SANGAT PENDEK bila skor-z PB/U atau TB/U < nilai ini. §3.8.",
    "zskor_pb_u_pendek": "PENDEK bila skor-z PB/U atau TB/U < nilai ini. Rujukan §3.8.",
    "zskor_pb_u_tinggi": "TINGGI bila skor-z PB/U atau TB/U > nilai ini. Rujukan §3.8.",
    "zskor_lk_u_mikrosefali": "MIKROSEFALI bila skor-z LK/U < nilai ini. Rujukan §3.8.",
    "zskor_lk_u_makrosefali": "MAKROSEFALI bila skor-z LK/U > nilai ini. Rujukan §3.8.",
    "imunisasi_je": "Vaksin JE diberikan (daerah endemis JE). Bawaan tidak. Rujukan §3.11.",
    "hb0_umur_maks_hari": "HB0 jatuh tempo hanya pada umur 0 sampai nilai ini (hari). §3.11, §4.6.",
    "batas_umur_atas_vaksin": "Batas umur atas vaksin (tabel di bawah): lewat batasnya dosis tidak "
                              "dicantumkan jatuh tempo. Aturan kejar imunisasi Indonesia mungkin "
                              "berbeda. Kontrak §11.15 butir 5; rujukan §3.11, §10 butir 13.",
    "amoksisilin_5_hari_terpajan_hiv_2015": "2015: PNEUMONIA dengan TERPAJAN HIV mendapat "
                                            "amoksisilin 5 hari, seperti HIV terkonfirmasi dan "
                                            "diduga. Kontrak §11.15 butir 7, §9.",
}


def describe() -> list[tuple[str, object, str]]:
    """(name, default, Indonesian description) of every setting, for docs/chart.md."""
    return [(f.name, f.default, KETERANGAN[f.name]) for f in fields(ChartSettings)]
