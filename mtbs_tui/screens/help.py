"""F1 Bantuan: the keys of the screen below, in Indonesian, with a few lines on what the screen is
for. The key list is read from the screen's own bindings (the same ones the footer shows, plus
those the footer has no room for), so it cannot drift from what the keys do."""
from __future__ import annotations

import textwrap

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from mtbs_tui.screens.base import MtbsModalScreen

# What each screen is for, by class name (the help of screens not listed is their keys alone).
SCREEN_HELP: dict[str, tuple[str, str]] = {
    # Kalakarya (issue 19): practice on fictitious cases, in the practice file.
    "PracticeHomeScreen": ("Latihan MTBS", "Kasus rekaan dengan nilai terakhir Anda. Enter memulai kasus: cerita, "
                           "penilaian pada formulir (tanpa panel klasifikasi), klasifikasi, tindakan, lalu hasil. "
                           "F4 jawaban terakhir kasus ini, F5 nilai Anda."),
    "StoryScreen": ("Cerita kasus", "Baca cerita: angka yang dihitung dan diukur petugas ada di sini. Enter ke "
                    "formulir; F2 pada formulir membuka cerita lagi."),
    "PracticeFormScreen": ("Penilaian latihan", "Formulir kunjungan biasa tanpa panel klasifikasi; tidak ada draf "
                           "dan tidak ada yang masuk register. F10 selesai menilai."),
    "ClassifyScreen": ("Klasifikasi Anda", "↑↓ pindah modul; angka memilih klasifikasi (0 kosong). Diare boleh "
                       "lebih dari satu. F10 lanjut ke tindakan."),
    "TreatScreen": ("Tindakan Anda", "Baris pertama: kunjungan ulang (angka hari, 0 tidak ada). Spasi memilih "
                    "tindakan; angka memilih dosisnya. F10 selesai dan dinilai."),
    "ResultScreen": ("Hasil latihan", "Perbedaan dengan bagan beserta baris bagan dan temuan yang menentukan, "
                     "lalu jawaban Anda dan jawaban bagan berdampingan. PgDn menggulir."),
    "MyScoreScreen": ("Nilai saya", "Nilai sesi, nilai per bagian dan baris bagan yang paling sering terlewat."),
    "QualityScreen": ("Indikator mutu", "Indikator mutu MTBS 12 bulan: nilai periode, pembilang/penyebut dan "
                      "tren per bulan (satu huruf per bulan, · = tidak ada data). ←/→ geser sebulan, "
                      "PgUp/PgDn setahun. F7: PDF 12 bulan ini; F8 (kepala): paket laporan bulan lengkap "
                      "terakhir untuk kabupaten. Berkas ada di folder dokumen di samping register. "
                      "Definisi tiap indikator di bawah daftar tombol."),
    "HomeScreen": ("Beranda", "Kunjungan hari ini, kunjungan ulang yang jatuh tempo, draf yang belum "
                   "selesai dan rujukan yang belum ada balasannya. Tab pindah antardaftar, Enter membuka "
                   "baris yang dipilih."),
    "ReferralsScreen": ("Rujukan", "Rujukan segera yang belum ada balasan rumah sakit, yang terlama dahulu; "
                        "ditandai BELUM ADA BALASAN setelah beberapa hari (pengaturan referral_reply_days). "
                        "Enter/F2 mencatat balasan (lagi = koreksi dengan alasan), F5 semua rujukan."),
    "ReplyDialog": ("Balasan rujukan", "Isi dari slip balasan rumah sakit. Tanggal HH-BB-TTTT, hasil satu "
                    "angka. Enter pindah, F10 simpan. Isian tersimpan sebagai draf saat diketik "
                    "dan dipulihkan bila formulir dibuka lagi; Esc: y keluar, h buang draf."),
    "PatientSearchScreen": ("Cari pasien", "Ketik nama anak, nama ibu, NIK, atau nomor RM (boleh sebagian, "
                            "mis. 301 untuk RM000301). ↓ masuk ke daftar, Enter membuka pasien."),
    "NewPatientScreen": ("Data pasien", "Isi dari atas ke bawah; Enter pindah ke isian berikutnya bila "
                         "isian benar. Bila anak mungkin sudah terdaftar, data yang ada ditawarkan."),
    "DuplicateDialog": ("Mungkin sudah terdaftar", "Periksa apakah anak ini sama dengan data yang ada. "
                        "Enter membuka data yang ada; F9 tetap mendaftarkan anak baru (dicatat)."),
    "PatientScreen": ("Pasien", "Identitas anak dan riwayat kunjungannya. ↑/↓ memilih kunjungan; "
                      "F7/F8 membuat kartu ibu / surat rujukan kunjungan yang dipilih; F9 mencatat "
                      "balasan rujukannya."),
    "RegisterScreen": ("Register", "Kunjungan satu hari atau satu bulan. ↑/↓ memilih, Enter membuka; "
                       "F7/F8 membuat kartu ibu / surat rujukan kunjungan yang dipilih."),
    "VisitScreen": ("Kunjungan", "Isi kunjungan (hanya baca). F2 koreksi membuat versi baru; versi lama "
                    "tetap tersimpan dan dapat dilihat dengan [ dan ]. Tindakan yang benar-benar diberikan: "
                    "d semua diberikan, 1-9 ubah satu, + tambahan di luar bagan (tiap perubahan versi baru)."),
    "SummaryScreen": ("Ringkasan", "Klasifikasi, tindakan dan nasihat. F10 menyimpan; sesudah tersimpan "
                      "F7 kartu ibu, F8 surat rujukan (anak yang dirujuk). Anak MERAH: r memilih tujuan "
                      "rujukan (tanpa r: tujuan bawaan). Tindakan: d = semua diberikan sekarang (disimpan "
                      "bersama kunjungan), 1-9 mengubah satu (tidak diberikan + alasan), + tambahan di luar "
                      "bagan."),
    "VisitFormScreen": ("Formulir kunjungan", "Jawab pertanyaan dari atas ke bawah; jawaban tersimpan "
                        "sebagai draf selama mengisi. F9 ringkasan."),
    "UsersAdminScreen": ("Akun pengguna", "Akun petugas: tambah, aktif/nonaktif, ganti kata sandi. "
                         "F6: daftar fasilitas rujukan."),
    "ReferralFacilitiesScreen": ("Fasilitas rujukan", "Tempat anak dirujuk. Tujuan bawaan dipilih tanpa tombol "
                                 "pada ringkasan kunjungan MERAH; yang nonaktif tidak bisa dipilih lagi."),
    "DestinationPicker": ("Tujuan rujukan", "Angka memilih fasilitas; 0: tujuan ditulis tangan di surat."),
    "FacilityDialog": ("Fasilitas rujukan", "Nama wajib; jenis dengan angka; telepon 8-15 angka, boleh kosong."),
    "LoginScreen": ("Masuk", "Ketik nama pengguna dan kata sandi, Enter untuk masuk."),
    "FirstRunScreen": ("Penggunaan pertama", "Buat akun kepala puskesmas yang pertama."),
}

# Characters a line of the key list has inside the box (76 less border, padding and scroll bar).
KEY_TEXT_WIDTH = 70


def _our_descriptions(cls: type) -> set[str]:
    """Descriptions of the bindings declared by mtbs_tui classes in `cls`'s MRO (Indonesian)."""
    out: set[str] = set()
    for klass in cls.__mro__:
        if klass.__module__.startswith("mtbs_tui"):
            out.update(b.description for b in klass.__dict__.get("BINDINGS", []) if isinstance(b, Binding))
    return out


def _action_name(action: str) -> str:
    return action.split("(", 1)[0]


def key_rows(screen: Screen) -> list[tuple[str, str, bool]]:
    """(key, description, available now): first the screen's own `HELP_KEYS` lines, then every
    described binding active on `screen`, each action once (^C Keluar is not listed beside
    ^Q Keluar).

    A screen declares `HELP_KEYS` as data, `(keys, description, actions)` per line, for keys that
    are no bindings of it (answer keys read by its fields) and for a family of bindings said better
    in one line (Alt+1..Alt+0 to the sections): the bindings of `actions` are then not listed one by
    one."""
    app = screen.app
    declared = list(getattr(screen, "HELP_KEYS", ()))
    rows: list[tuple[str, str, bool]] = [(keys, description, True) for keys, description, _ in declared]
    covered = {name for _, _, actions in declared for name in actions}
    listed: list[tuple[Binding, bool]] = []
    for node, binding, enabled, _tooltip in screen.active_bindings.values():
        if not binding.description or binding.action == "help":
            continue
        if binding.description not in _our_descriptions(type(node)):
            continue  # Textual's own widget keys (cursor, scrolling) have English descriptions
        name = _action_name(binding.action)
        if name in covered:
            continue
        listed.append((binding, bool(enabled)))
    # One key per action: the one the footer shows (^Q), not its hidden twin (^C).
    chosen: dict[tuple[str, str], Binding] = {}
    for binding, _ in listed:
        same = (binding.action, binding.description)
        if same not in chosen or (binding.show and not chosen[same].show):
            chosen[same] = binding
    for binding, enabled in listed:
        if chosen.get((binding.action, binding.description)) is binding:
            rows.append((app.get_key_display(binding), binding.description, enabled))
    return rows


class HelpScreen(MtbsModalScreen[None]):
    """The keys of `screen`; Esc, Enter or F1 closes it."""

    CSS = """
    #help-box { width: 76; max-height: 23; }
    #help-keys { height: auto; max-height: 12; }
    """
    BINDINGS = [
        Binding("escape,enter,f1", "close", "Tutup", key_display="Esc", id="tutup"),
    ]

    def __init__(self, screen: Screen) -> None:
        super().__init__(classes="dialog")
        self.for_screen = screen

    def compose(self) -> ComposeResult:
        name = type(self.for_screen).__name__
        title, text = SCREEN_HELP.get(name, (str(getattr(self.for_screen, "title", "") or "Layar ini"), ""))
        with Vertical(classes="dialog-box", id="help-box"):
            yield Label(f"Bantuan: {title}", classes="dialog-question")
            if text:
                yield Static(text, classes="dialog-detail", markup=False)
            keys = Text()
            rows = key_rows(self.for_screen)
            width = max([9] + [len(key) for key, _, _ in rows])
            room = max(KEY_TEXT_WIDTH - width - 2, 20)
            for key, description, enabled in rows:
                keys.append(f"{key:>{width}}  ", style="bold")
                said = description + ("" if enabled else " (tidak tersedia sekarang)")
                # A long line goes on under its own text, not under the keys.
                keys.append(("\n" + " " * (width + 2)).join(textwrap.wrap(said, room) or [""]) + "\n")
            # What the screen explains besides its keys (the quality indicators' definitions: the
            # screen pointed to docs/quality.md, a file a puskesmas PC does not have).
            details = getattr(self.for_screen, "help_details", None)
            if callable(details):
                for heading, body in details():
                    keys.append("\n" + heading + "\n", style="bold")
                    keys.append("\n".join(textwrap.wrap(body, KEY_TEXT_WIDTH)) + "\n")
            with VerticalScroll(id="help-keys"):
                yield Static(keys, id="help-key-list", markup=False)
            yield Label("Esc tutup · ^Q keluar dari aplikasi", classes="dialog-keys", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
