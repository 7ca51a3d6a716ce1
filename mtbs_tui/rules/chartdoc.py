"""Render docs/chart.md from the registered tables, so the clinician's review copy cannot drift.

    .venv/bin/python -m mtbs_tui.rules.chartdoc > docs/chart.md

``tests/rules/test_chartdoc.py`` fails when docs/chart.md differs from ``render()``.
"""

from __future__ import annotations

from typing import Any

from mtbs_tui.rules import doses, settings
from mtbs_tui.rules import vocabulary as voc
from mtbs_tui.rules.codes import CLASSIFICATIONS, SYSTEMIC_ANTIBIOTICS
from mtbs_tui.rules.engine import _load_pathways
from mtbs_tui.rules.table import REGISTRY, VARIANTS, ModuleTable, TreatmentModule
from mtbs_tui.rules.vocabulary import MODULES

_COLOUR = {"merah": "MERAH", "kuning": "KUNING", "hijau": "HIJAU"}
_CONF = {"H": "[H] tinggi", "M": "[M] sedang", "L": "[L] rendah"}

INTRO = """\
# Bagan MTBS/MTBM dalam mesin klasifikasi (untuk ditinjau klinisi)

Dokumen ini **dibuat otomatis dari tabel mesin** (`mtbs_tui/rules/balita.py`,
`mtbs_tui/rules/bayi_muda.py`) dengan `python -m mtbs_tui.rules.chartdoc`; jangan disunting
dengan tangan. Setiap baris memuat id aturan yang stabil, warna, kondisi, tindakan, kunjungan
ulang, sumber (nomor bagian di `shared/reference/mtbs-chart.md` dan kode sumber S1–S15) dan tanda
keyakinan: **[H]** tinggi, **[M]** sedang, **[L]** rendah (periksa pada Buku Bagan cetak).

Cara membaca (kontrak `shared/spec/case-format.md` §6):

* Baris dievaluasi dari atas ke bawah; baris pertama yang benar dicetak.
* Temuan yang tidak diisi = *tidak diketahui*, bukan "tidak". Baris yang tidak dapat diputuskan
  menghentikan modul (modul masuk daftar `incomplete` beserta temuan yang kurang), kecuali baris
  MERAH di bawah baris MERAH yang tidak diketahui tetap diperiksa.
* Baris "selain di atas" benar bila semua baris di atasnya salah.
* Rujuk segera bila ada klasifikasi MERAH, kecuali DIARE DEHIDRASI BERAT satu-satunya (Rencana
  Terapi C di puskesmas). Saat merujuk hanya tindakan pra-rujukan baris MERAH yang dicetak, lalu
  RUJUK_SEGERA. Setiap klasifikasi KUNING/HIJAU (kecuali STABIL) mendapat NASIHAT_KEMBALI_SEGERA.
* Kunjungan ulang = yang paling awal dari semua klasifikasi; `*` = bersyarat (jika tidak membaik /
  jika demam berlanjut).
* Pita dosis dibaca seperti tabelnya menulis (kontrak §9, §11.15 butir 6): "a – < b" berarti
  a ≤ BB < b; "> a – b" berarti a < BB ≤ b (DHP, primakuin: BB tepat 10,0 kg mendapat baris
  "> 6 – 10"); "≤ a" berarti BB ≤ a; baris terakhir yang ditulis "a – b" memuat b (zat besi:
  19,0 kg mendapat "10 – 19"). Di luar pita atau tanpa BB: dosis kosong.
"""


def _tx_text(row: Any) -> str:
    parts = []
    for tx in row.treatments:
        text = tx.code if not tx.label else f"{tx.code} ({tx.label})"
        if tx.note:
            text += f" — {tx.note}"
        parts.append(text)
    return "; ".join(parts) if parts else "—"


def _fu(row: Any) -> str:
    if row.follow_up is None:
        return "—"
    if callable(row.follow_up):
        return "bersyarat (lihat kode)"
    return f"{row.follow_up}{'*' if row.follow_up_conditional else ''} hari"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _module_section(spec: ModuleTable, pathway: str) -> list[str]:
    out = []
    if spec.opening is not None:
        out.append(f"Dibuka bila: `{_cell(spec.opening.text)}`\n")
    for table in spec.tables:
        if len(spec.tables) > 1:
            out.append(f"Tabel `{table.name}`:\n")
        out.append("| # | Id aturan | Warna | Klasifikasi | Kondisi | Tindakan | Kunjungan ulang | "
                   "Sumber | Keyakinan |")
        out.append("|---|---|---|---|---|---|---|---|---|")
        for i, row in enumerate(table.rows, 1):
            cond = "selain di atas" if row.when is None else row.when.text
            label = CLASSIFICATIONS[pathway][row.code].label
            note = f" Catatan: {row.note}" if row.note else ""
            out.append(f"| {i} | `{spec.rule_id(row)}` | {_COLOUR[row.colour]} | {label} | "
                       f"`{_cell(cond)}` | {_cell(_tx_text(row))} | {_fu(row)} | "
                       f"{_cell(row.source)}{_cell(note)} | {_CONF.get(row.confidence, row.confidence)} |")
        out.append("")
    return out


def render() -> str:
    _load_pathways()
    lines = [INTRO]
    titles = {"balita": "Balita sakit, 2 bulan – < 5 tahun (MTBS)",
              "bayi_muda": "Bayi muda, < 2 bulan (MTBM)"}
    order = {m.id: i for i, m in enumerate(MODULES)}
    label = {m.id: m.label for m in MODULES}
    for pathway in ("balita", "bayi_muda"):
        charts = REGISTRY.get(pathway, {})
        if not charts:
            continue
        lines.append(f"## {titles[pathway]}\n")
        for chart in ("2022", "2015"):
            specs = sorted(charts.get(chart, {}).values(), key=lambda s: order.get(s.module, 99))
            if not specs:
                continue
            if pathway == "bayi_muda" and chart == "2015":
                lines.append("Bagan 2015: baris MTBM 2022 berlaku juga (kontrak §11.7); id aturan "
                             "tetap berawalan `2022.`.\n")
                continue
            lines.append(f"### Bagan {chart}\n")
            for spec in specs:
                lines.append(f"#### `{spec.module}` — {label.get(spec.module, spec.module)}"
                             f" ({spec.source})\n")
                if isinstance(spec, TreatmentModule):
                    lines.append(f"Modul tindakan saja (tanpa klasifikasi). {spec.text}\n")
                    continue
                lines.extend(_module_section(spec, pathway))
                for p, c, module, _pred, variant in VARIANTS:
                    if (p, c, module) == (pathway, chart, spec.module):
                        lines.append(f"Varian bila setelan diubah (`{module}`):\n")
                        lines.extend(_module_section(variant, pathway))
    lines.append("## Tabel dosis (rujukan §5)\n")
    for t in doses.ALL_TABLES:
        unit = "BB (kg)" if t.unit == "kg" else "Umur (bulan genap)"
        lines.append(f"**{t.name}** — {t.source}\n")
        lines.append(f"| {unit} | Dosis |")
        lines.append("|---|---|")
        for b in t.bands:
            lines.append(f"| {b.written()} | {b.text or 'jangan diberikan'} |")
        lines.append("")
    lines.append("Rumus per kg (hanya dengan BB tercatat): Rencana Terapi B 75 mL/kgBB dalam 3 jam; "
                 "Rencana Terapi C 100 mL/kgBB (30 + 70 mL/kgBB); artesunat 3 mg/kgBB (BB < 20 kg) "
                 "atau 2,4 mg/kgBB; ReSoMal 5 mL/kgBB; amoksisilin gizi buruk 15 mg/kgBB setiap 8 jam. "
                 "Zink dan Rencana Terapi A menurut umur.\n")
    lines.append("Oksigen diberikan dengan satu laju: bila dua baris yang tercetak memberi oksigen dengan laju "
                 "berbeda (misalnya PENYAKIT SANGAT BERAT 3–5 L/menit dan DENGUE BERAT 1–2 L/menit), "
                 "laju baris pertama menurut urutan bagan (tanda bahaya, batuk, dengue) yang dipakai "
                 "(`codes.ONE_RATE_TREATMENTS`). Rujukan tidak menyebut laju mana yang berlaku; "
                 "**perlu dikonfirmasi klinisi**.\n")
    lines.append("Antibiotik sistemik menurut bagan, untuk indikator mutu \"antibiotik tanpa indikasi\" "
                 "(docs/quality.md; `codes.SYSTEMIC_ANTIBIOTICS`): "
                 + ", ".join(f"`{c}`" for c in sorted(SYSTEMIC_ANTIBIOTICS))
                 + ". Salep mata dan tetes telinga kuinolon (topikal) tidak dihitung; "
                 "**perlu dikonfirmasi klinisi**.\n")
    lines.append("## Ambang yang belum terkonfirmasi (setelan bernama, kontrak §11.14)\n")
    lines.append("Setiap nilai adalah satu medan `ChartSettings` di `mtbs_tui/rules/settings.py`; "
                 "klinik dapat mengubah satu nilai tanpa menyentuh tabel.\n")
    lines.append("| Setelan | Bawaan | Keterangan |")
    lines.append("|---|---|---|")
    for name, default, doc in settings.describe():
        lines.append(f"| `{name}` | `{default}` | {_cell(doc)} |")
    lines.append("")
    lines.append("Batas umur atas vaksin (setelan `batas_umur_atas_vaksin`; dosis jatuh tempo hanya "
                 "*sebelum* batasnya):\n")
    lines.append("| Dosis | Batas | Sumber | Keyakinan |")
    lines.append("|---|---|---|---|")
    for lim in settings.VACCINE_UPPER_LIMITS:
        lines.append(f"| `{lim.dose}{'*' if lim.dose.endswith('_') else ''}` | umur < {lim.limit} "
                     f"{lim.unit} | {_cell(lim.source)} | {_CONF[lim.confidence]} |")
    lines.append("")
    lines.extend(_amendments())
    lines.append(DECISIONS + _unmeasured())
    return "\n".join(lines).rstrip() + "\n"


def _amendments() -> list[str]:
    from mtbs_tui.rules.engine import CONTRACT_VERSION

    out = [f"## Wajib dikonfirmasi klinisi: amandemen keselamatan kontrak versi {CONTRACT_VERSION} "
           "(§11.15)\n",
           "Tinjauan klinis luar menemukan kasus yang dipulangkan oleh kontrak versi 1. Setiap "
           "amandemen di bawah adalah baris tabel atau setelan bernama dengan bawaan yang aman; "
           "semuanya harus dikonfirmasi klinisi terhadap Buku Bagan cetak.\n",
           "| Butir | Amandemen | Di mana (id aturan / setelan) | Sumber | Keyakinan |",
           "|---|---|---|---|---|"]
    for a in settings.AMENDMENTS:
        out.append(f"| {a.item} | {_cell(a.title)} | {_cell(a.where)} | {_cell(a.source)} | "
                   f"{_CONF[a.confidence]} |")
    out.append("")
    return out


def _unmeasured() -> str:
    names = ", ".join(f"{voc.TOP_LEVEL[k].label} (`{k}`)" for k in sorted(voc.MAY_BE_UNMEASURED))
    return ("10. **Ukuran yang boleh kosong saat menyimpan** (`vocabulary.MAY_BE_UNMEASURED`):\n"
            f"   {names}.\n   Bila tidak diukur, modulnya tetap tidak lengkap di klasifikasi dan ringkasan, "
            "tetapi kunjungan\n   boleh disimpan. BB, PB/TB dan suhu wajib diisi (dosis, skor-z, "
            "demam, infeksi bayi muda).\n"
            + FORM_DECISIONS)


# What the visit form asks in turn (mtbs_tui/form/plan.py decides; listed here for the clinician).
FORM_DECISIONS = """\
11. **Tanda syok di kotak tanda bahaya** (`form.plan.optional_asked`): ditanyakan berurutan bila
    ada tanda bahaya atau anak demam; selain itu tetap tampil (Tab) tetapi dilewati, dan tidak
    tercatat "tidak". Di kotak dengue (demam 2–7 hari) tetap wajib.
12. **Komplikasi gizi dan "masih menyusu"** (`form.plan.ASKED_WHEN_NEEDED`): ditanyakan hanya
    selama mesin membutuhkannya (tanda gizi buruk ada atau belum diketahui; ibu HIV positif atau
    belum diketahui). Bercak putih di mulut di kotak HIV balita menjadi butir tambahan (tidak ada
    baris balita yang membacanya, kontrak §5.7).
13. **Cara mengukur PB/TB** diisi dari umur (berbaring di bawah 24 bulan, berdiri mulai 24 bulan,
    kontrak §3) begitu panjang/tinggi diketik; bisa diubah.
"""


DECISIONS = """\
## Keputusan mesin di luar teks kontrak (untuk diperiksa)

1. **Daerah malaria belum diketahui + tanda bahaya atau kaku kuduk**: baris
   `PENYAKIT_BERAT_DENGAN_DEMAM.endemis` tetap dicetak (tindakan pra-rujukan malaria berat tidak
   ditunda karena data daerah kosong). Tanpa tanda berat, modul `demam_malaria` tidak lengkap.
2. **Oksigen 2015 (PENYAKIT SANGAT BERAT)**: bila sianosis (kontrak §11.15 butir 4, WHO Pocket
   Book); rujukan §3.1 menulis stridor, sianosis **dan** ujung ekstremitas pucat dingin (setelan
   `oksigen_2015_sianosis_saja`).
3. **Oksigen 2022 (PENYAKIT SANGAT BERAT)** selalu dicantumkan (rujukan §3.1 tabel 2022 tanpa
   syarat); DIAZEPAM hanya bila sedang kejang (kontrak §9).
4. **JAGA_TETAP_HANGAT** pada setiap baris MERAH (rujukan §5.10 "every red classification").
5. **Zat besi** tidak dicantumkan di bawah 6 bulan (rujukan §5.8: 6 bulan – 5 tahun); di bawah 7 kg
   dosisnya kosong. **Primakuin** tidak dicantumkan di bawah 6 bulan atau pada pita "tidak".
6. **Obat cacing** hanya bila `obat_cacing_6_bulan_terakhir` = tidak (kunci opsional: bila kosong
   tidak diberikan, kontrak §1). Di bawah 12 bulan pirantel pamoat, mulai 12 bulan albendazol.
7. **STABIL** tidak memberi NASIHAT_KEMBALI_SEGERA (contoh kontrak §7); semua KUNING/HIJAU lain ya.
8. **DIARE PERSISTEN BERAT**: dehidrasi ringan/sedang diobati dulu (RENCANA_TERAPI_B) bila tidak ada
   klasifikasi berat lain selain diare; dengan klasifikasi berat lain: oralit di perjalanan.
9. **Kotrimoksazol profilaksis** (HIV) tanpa dosis (tabel tidak ditemukan); bila disentri juga ada,
   dosis disentri yang tercetak.
"""


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    sys.stdout.write(render())
