"""Named settings for the thresholds the reference leaves open (case-format.md §11.14).

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

    bergerak_jika_dirangsang_tanda_infeksi_bayi_muda: bool = False
    """Whether "moves only when stimulated" is a young-infant infection sign (S4: no; read by
    bm_diare only). Reference §4.1, §10 item 10."""

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

    batas_umur_atas_vaksin: bool = False
    """Upper age limits of vaccines. Default none. Reference §3.11, §10 item 13. No limit table
    was found, so turning it on is refused rather than silently ignored."""

    def __post_init__(self) -> None:
        if self.batas_umur_atas_vaksin:
            raise ValueError("batas_umur_atas_vaksin: tabel batas umur vaksin belum tersedia "
                             "(rujukan §10 butir 13); setelan ini belum dapat dinyalakan")

    def spo2_cutoff(self, chart: str) -> int:
        return self.spo2_pneumonia_berat_2015 if chart == "2015" else self.spo2_pneumonia_berat_2022

    def paracetamol_c(self, chart: str) -> float:
        return self.parasetamol_suhu_2015_c if chart == "2015" else self.parasetamol_suhu_2022_c


DEFAULT = ChartSettings()


# Indonesian descriptions for the clinician's review table in docs/chart.md.
KETERANGAN: dict[str, str] = {
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
                                                        "dirangsang' dihitung tanda infeksi "
                                                        "(S4: tidak). Rujukan §4.1.",
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
    "batas_umur_atas_vaksin": "Batas umur atas vaksin. Bawaan tidak ada; tabelnya tidak ditemukan, "
                              "jadi belum dapat dinyalakan. Rujukan §3.11, §10 butir 13.",
}


def describe() -> list[tuple[str, object, str]]:
    """(name, default, Indonesian description) of every setting, for docs/chart.md."""
    return [(f.name, f.default, KETERANGAN[f.name]) for f in fields(ChartSettings)]
