"""The `mtbs` command line: Typer app with Indonesian help.

Start-up cost matters on old clinic PCs, so this module imports only typer and the standard library.
Every command imports what it needs (Textual, reportlab, openpyxl, the register) inside its body, and
the bodies live in `mtbs_tui.commands.*`.

Errors: invalid input ends with exit status 2 and one Indonesian line on stderr (`galat: ...`); an
internal fault prints `galat internal: ...` and exits 1. Never a traceback.
"""
# No `from __future__ import annotations`: Typer would compile every string annotation at each start.

import os
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

app = typer.Typer(
    name="mtbs",
    help="Register MTBS/MTBM elektronik untuk puskesmas. Tanpa subperintah: membuka aplikasi (TUI).",
    add_completion=False,
    no_args_is_help=False,
    invoke_without_command=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# The largest row id SQLite stores (a signed 64-bit integer): a bigger number given as a visit,
# patient or merge number is refused as input, not passed on to overflow inside SQLite.
ROW_ID_MAX = 2**63 - 1
# Environment variables whose text reaches the register (a name, a password, a path).
_TEXT_ENV = ("MTBS_USER", "MTBS_PASSWORD", "MTBS_DB")


# --- options and arguments several commands share: one home each ----------------------------------
# An `Annotated` alias where every command says the same; a small maker where the flags, metavar and
# limits are shared but the help line names what the command does with it.

def _choices(words: tuple[str, ...]) -> str:
    """`xlsx, pdf atau csv` (an Indonesian list)."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} atau {words[-1]}"


def _format_option(*formats: str) -> Any:
    """--format: the help names the command's formats as the writer's FORMATS tuple does (cli.py
    imports only typer; tests/test_one_home.py compares them). Not given: the ending of -o, which
    must then be one of them; without -o the first (documents.common.chosen_format)."""
    return typer.Option("--format", metavar="FORMAT", help=f"{_choices(formats)}. Bawaan: sesuai akhiran -o "
                        f"(mis. -o laporan.{formats[1]}); tanpa -o: {formats[0]}.")


def _output_option(what: str) -> Any:
    return typer.Option("-o", "--output", help=what, metavar="BERKAS")


def _date_option(flag: str, what: str) -> Any:
    """--from/--to of a period (both ends counted)."""
    return typer.Option(flag, help=what, metavar="TANGGAL")


def _visit_argument(what: str) -> Any:
    return typer.Argument(metavar="VISIT_ID", help=what, min=1, max=ROW_ID_MAX)


def _reason_option(what: str) -> Any:
    return typer.Option("--alasan", metavar="TEKS", help=what)


def _limit_option(what: str) -> Any:
    return typer.Option("--limit", min=1, max=100_000, help=what)


def _new_password_option(what: str) -> Any:
    return typer.Option("--sandi-stdin", help=what)


# Every command that writes a file refuses to overwrite one without --timpa.
OverwriteOpt = Annotated[bool, typer.Option(
    "--timpa", help="Timpa berkas tujuan yang sudah ada (tanpa ini: ditolak, berkas lama tetap).")]
OutputOpt = Annotated[Optional[Path], _output_option("Berkas tujuan.")]
PdfOutputOpt = Annotated[Optional[Path], _output_option("Berkas PDF tujuan.")]
PrintOpt = Annotated[bool, typer.Option("--print", help="Kirim juga ke pencetak bawaan sistem.")]
VisitArg = Annotated[int, _visit_argument("Nomor kunjungan.")]
ReferredVisitArg = Annotated[int, _visit_argument("Nomor kunjungan yang dirujuk.")]
UsernameArg = Annotated[str, typer.Argument(metavar="NAMA", help="Nama pengguna.")]
FullNameOpt = Annotated[Optional[str], typer.Option("--nama-lengkap", help="Nama lengkap petugas.", metavar="TEKS")]
FacilityArg = Annotated[str, typer.Argument(
    metavar="FASKES", help="Nomor fasilitas (lihat `mtbs faskes list`) atau namanya persis.")]
ChartFilterOpt = Annotated[Optional[str], typer.Option("--bagan", metavar="2015|2022", help="Hanya kasus bagan ini.")]
PdfReportOpt = Annotated[Optional[Path], typer.Option("--pdf", metavar="BERKAS", help="Laporan PDF.")]
XlsxReportOpt = Annotated[Optional[Path], typer.Option("--xlsx", metavar="BERKAS", help="Laporan XLSX.")]


class UserError(Exception):
    """Invalid input or an unusable file: reported as one line, exit status 2."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _state(ctx: typer.Context) -> dict:
    ctx.ensure_object(dict)
    return ctx.obj


def db_path(ctx: typer.Context) -> Path:
    """The register database chosen by --db, then $MTBS_DB, then the per-user default."""
    from mtbs_tui.paths import chosen_db_path

    return chosen_db_path(_state(ctx))


@app.callback()
def main_callback(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(
        None,
        "--db",
        help="Berkas database register (bawaan: $MTBS_DB, atau folder data pengguna).",
        metavar="BERKAS",
    ),
    user: Optional[str] = typer.Option(
        None,
        "--user",
        help="Nama pengguna yang menjalankan perintah (bawaan: $MTBS_USER); kata sandi ditanyakan.",
        metavar="NAMA",
    ),
    password_stdin: bool = typer.Option(
        False,
        "--password-stdin",
        help="Baca kata sandi dari baris pertama stdin (untuk tugas terjadwal). $MTBS_PASSWORD juga "
        "diterima, hanya untuk tugas terjadwal pada PC yang terkunci.",
    ),
) -> None:
    """Register MTBS/MTBM elektronik untuk puskesmas."""
    _state(ctx)["db"] = db
    _state(ctx)["user"] = user
    _state(ctx)["password_stdin"] = password_stdin
    if ctx.invoked_subcommand is None:
        from mtbs_tui.commands.tui import run

        raise typer.Exit(run(db_path(ctx), demo=False))


@app.command("tui")
def tui_command(
    ctx: typer.Context,
    demo: bool = typer.Option(False, "--demo", help="Buka database demo (dibuat bila belum ada)."),
) -> None:
    """Buka aplikasi layar (TUI) untuk mencatat kunjungan."""
    from mtbs_tui.commands.tui import run

    raise typer.Exit(run(db_path(ctx), demo=demo, db_chosen=_db_chosen(ctx)))


def _db_chosen(ctx: typer.Context) -> bool:
    return bool(_state(ctx).get("db") or os.environ.get("MTBS_DB"))


def _login(ctx: typer.Context, action: str, *also: str) -> str:
    """Log the command's user in and check the role (mtbs_tui.session) for `action` and each of
    `also`; returns the username, which is the actor of every audit entry the command writes."""
    from mtbs_tui.session import SessionError, login_at

    try:
        return login_at(db_path(ctx), _state(ctx), action, *also).username
    except SessionError as exc:
        raise UserError(exc.message, exc.code) from None


@app.command("init")
def init_command(
    ctx: typer.Context,
    name: Optional[str] = typer.Option(None, "--nama", help="Nama puskesmas."),
    code: Optional[str] = typer.Option(None, "--kode", help="Kode puskesmas."),
    address: Optional[str] = typer.Option(None, "--alamat", help="Alamat puskesmas."),
    district: Optional[str] = typer.Option(None, "--kabupaten", help="Kabupaten/kota."),
    province: Optional[str] = typer.Option(None, "--provinsi", help="Provinsi."),
    malaria_area: Optional[str] = typer.Option(
        None, "--daerah-malaria", help="Endemisitas malaria: tinggi, rendah atau non_endemis."
    ),
    head_name: Optional[str] = typer.Option(None, "--kepala", help="Nama kepala puskesmas."),
    head_nip: Optional[str] = typer.Option(None, "--nip-kepala", help="NIP kepala puskesmas."),
    admin: Optional[str] = typer.Option(
        None, "--admin", metavar="NAMA", help="Nama pengguna akun pertama (kepala puskesmas / admin)."
    ),
    admin_full_name: Optional[str] = typer.Option(
        None, "--admin-nama-lengkap", metavar="TEKS", help="Nama lengkap pemilik akun pertama (bawaan: --kepala)."
    ),
    password_from_stdin: Annotated[bool, _new_password_option(
        "Baca kata sandi akun pertama dari stdin (tanpa terminal).")] = False,
) -> None:
    """Buat database kosong dan isi identitas puskesmas (ditanyakan bila tidak diberikan)."""
    from mtbs_tui.commands.init import run

    raise typer.Exit(
        run(
            db_path(ctx),
            name=name,
            code=code,
            address=address,
            district=district,
            province=province,
            malaria_area=malaria_area,
            head_name=head_name,
            head_nip=head_nip,
            admin=admin,
            admin_full_name=admin_full_name,
            password_from_stdin=password_from_stdin,
            options=_state(ctx),
        )
    )


@app.command("demo")
def demo_command(
    ctx: typer.Context,
    patients: int = typer.Option(300, "--patients", min=1, max=1_000_000, help="Jumlah pasien contoh."),
    visits: int = typer.Option(1200, "--visits", min=0, max=5_000_000, help="Jumlah kunjungan contoh."),
    if_missing: bool = typer.Option(False, "--if-missing", help="Hanya buat bila database belum ada."),
    seed: int = typer.Option(2026, "--seed", help="Benih acak (hasil sama untuk benih sama)."),
    variant: str = typer.Option(
        "sukamaju", "--varian", metavar="NAMA",
        help="Puskesmas contoh dengan pola praktik berbeda (untuk tampilan kabupaten): sukamaju (bawaan), "
        "mekar (praktik baik), lestari (kunjungan ulang jarang), harapan (banyak antibiotik untuk batuk).",
    ),
) -> None:
    """Buat database demo dengan pasien dan kunjungan contoh selama setahun."""
    from mtbs_tui.commands.demo import run

    path = db_path(ctx) if _db_chosen(ctx) else None
    raise typer.Exit(run(path, patients=patients, visits=visits, if_missing=if_missing, seed=seed, variant=variant))


@app.command("check")
def check_command(ctx: typer.Context) -> None:
    """Periksa keutuhan database (integrity_check), versi skema dan jumlah data."""
    from mtbs_tui.commands.check import run

    raise typer.Exit(run(db_path(ctx)))


@app.command("classify")
def classify_command(
    case: str = typer.Argument(..., metavar="KASUS.json",
                              help="Berkas kasus JSON (format: shared/spec/case-format.md)."),
    chart: Optional[str] = typer.Option(None, "--chart", metavar="2015|2022", help="Versi bagan: 2022 (bawaan) atau 2015."),
) -> None:
    """Klasifikasikan satu kasus menurut bagan MTBS/MTBM dan cetak hasilnya sebagai JSON.

    Mengikuti kontrak format kasus versi 2 (shared/spec/case-format.md, termasuk amandemen
    keselamatan §11.15). Tanda bahaya balita pada kasus bayi muda dicantumkan di unread_findings.
    """
    from mtbs_tui.commands.classify import run

    raise typer.Exit(run(case, chart))


# --- documents, exports, reports, backups (issue 6) ------------------------------------------

class _ReferralGroup(TyperGroup):
    """`mtbs referral VISIT_ID ...` still makes the letter: a first argument that is no subcommand
    (a visit number, an option of the letter) goes to `mtbs referral surat`."""

    def parse_args(self, ctx, args):  # noqa: ANN001, ANN201 - click's signature
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["surat", *args]
        return super().parse_args(ctx, args)


referral_app = typer.Typer(
    cls=_ReferralGroup, no_args_is_help=True, rich_markup_mode=None,
    help="Rujukan: surat pengantar (mtbs referral VISIT_ID), balasan rumah sakit, rujukan yang belum dibalas.")
app.add_typer(referral_app, name="referral")


@referral_app.command("surat")
def referral_command(
    ctx: typer.Context,
    visit_id: ReferredVisitArg,
    out: PdfOutputOpt = None,
    print_it: PrintOpt = False,
    overwrite: OverwriteOpt = False,
    destination: Optional[str] = typer.Option(
        None, "--tujuan", metavar="FASKES",
        help="Fasilitas rujukan tujuan (nomor atau nama persis dari `mtbs faskes list`); dicatat pada "
             "rujukan sebelum surat dibuat. Tanpa ini: tujuan yang sudah dicatat.",
    ),
) -> None:
    """Buat surat pengantar rujukan (PDF A4, dengan balasan rujukan di bawah garis gunting; kasus panjang
    berlanjut ke halaman 2) untuk satu kunjungan. Sama dengan `mtbs referral VISIT_ID`."""
    from mtbs_tui.commands.referral import run

    actor = (_login(ctx, "document.print", "referral.destination") if destination is not None
             else _login(ctx, "document.print"))
    raise typer.Exit(run(db_path(ctx), visit_id, out, print_it=print_it, actor=actor, overwrite=overwrite,
                         destination=destination))


@referral_app.command("reply")
def referral_reply_command(
    ctx: typer.Context,
    visit_id: ReferredVisitArg,
    received: str = typer.Option(..., "--tanggal", metavar="TANGGAL",
                                 help="Tanggal balasan diterima (TTTT-BB-HH), tidak sebelum tanggal rujukan."),
    outcome: str = typer.Option(..., "--hasil", metavar="HASIL",
                                help="dirawat_inap, rawat_jalan, dirujuk_lagi, meninggal, pulang_aps "
                                     "(pulang atas permintaan sendiri) atau tidak_datang."),
    diagnosis: Optional[str] = typer.Option(None, "--diagnosis", metavar="TEKS", help="Diagnosis rumah sakit."),
    treatment: Optional[str] = typer.Option(None, "--terapi", metavar="TEKS",
                                            help="Tindakan/terapi yang diberikan rumah sakit."),
    advice: Optional[str] = typer.Option(None, "--anjuran", metavar="TEKS",
                                         help="Anjuran tindak lanjut di puskesmas."),
    referred_to: Optional[str] = typer.Option(None, "--dirujuk-ke", metavar="TEKS",
                                              help="Bila dirujuk lagi: ke mana."),
    examiner: Optional[str] = typer.Option(None, "--dokter", metavar="NAMA", help="Dokter yang memeriksa."),
    reason: Annotated[Optional[str], _reason_option(
        "Alasan koreksi (wajib bila balasan sudah pernah dicatat).")] = None,
) -> None:
    """Catat balasan rujukan (umpan balik rumah sakit) untuk kunjungan yang dirujuk. Mencatat lagi
    untuk kunjungan yang sama adalah koreksi: versi baru dengan --alasan, versi lama tetap tersimpan."""
    from mtbs_tui.commands.referral import reply

    actor = _login(ctx, "referral.reply")
    raise typer.Exit(reply(db_path(ctx), visit_id, actor=actor, received=received, outcome=outcome,
                           diagnosis=diagnosis, treatment=treatment, advice=advice, referred_to=referred_to,
                           examiner=examiner, reason=reason))


@referral_app.command("setelan")
def referral_settings_command(
    ctx: typer.Context,
    reply_days: Optional[int] = typer.Option(
        None, "--hari-balasan", min=1, max=60, metavar="HARI",
        help="Rujukan tanpa balasan ditandai BELUM ADA BALASAN setelah HARI hari (1-60; bawaan 3)."),
    recent_days: Optional[int] = typer.Option(
        None, "--hari-beranda", min=7, max=365, metavar="HARI",
        help="Panel Beranda menampilkan rujukan tanpa balasan HARI hari terakhir (7-365; bawaan 30)."),
) -> None:
    """Tampilkan pengaturan rujukan; dengan --hari-balasan/--hari-beranda ubah (kepala puskesmas)."""
    from mtbs_tui.commands.referral import settings

    changing = reply_days is not None or recent_days is not None
    actor = _login(ctx, "settings.edit" if changing else "referral.view")
    raise typer.Exit(settings(db_path(ctx), actor=actor, reply_days=reply_days, recent_days=recent_days))


@referral_app.command("open")
def referral_open_command(ctx: typer.Context) -> None:
    """Daftar rujukan yang belum ada balasannya, yang terlama dahulu (hari sejak dirujuk, tujuan);
    ditandai "belum ada balasan" setelah pengaturan referral_reply_days (bawaan 3 hari)."""
    from mtbs_tui.commands.referral import open_list

    actor = _login(ctx, "referral.view")
    raise typer.Exit(open_list(db_path(ctx), actor=actor))


@app.command("card")
def card_command(
    ctx: typer.Context,
    visit_id: VisitArg,
    out: PdfOutputOpt = None,
    print_it: PrintOpt = False,
    overwrite: OverwriteOpt = False,
    old_version: bool = typer.Option(
        False, "--versi-lama", help="Cetak versi lama (sudah dikoreksi) dengan tanda VERSI LAMA.",
    ),
) -> None:
    """Buat kartu nasihat ibu (PDF setengah halaman): obat, tanda kembali segera, kunjungan ulang."""
    from mtbs_tui.commands.card import run

    actor = _login(ctx, "document.print")
    raise typer.Exit(run(db_path(ctx), visit_id, out, print_it=print_it, actor=actor, overwrite=overwrite,
                         old_version=old_version))


given_app = typer.Typer(help="Tindakan/obat yang benar-benar diberikan pada satu kunjungan.",
                        no_args_is_help=True, rich_markup_mode=None)
app.add_typer(given_app, name="tindakan")


@given_app.command("lihat")
def given_show_command(
    ctx: typer.Context,
    visit_id: VisitArg,
    all_versions: bool = typer.Option(False, "--semua-versi", help="Tampilkan juga versi lama catatan ini."),
) -> None:
    """Tampilkan tiap tindakan yang dianjurkan bagan dan apakah diberikan (jam), tidak diberikan
    (alasan), diberikan lain, atau belum dicatat; lalu tindakan tambahan di luar bagan."""
    from mtbs_tui.commands.given_cmd import show

    raise typer.Exit(show(ctx, visit_id, all_versions=all_versions))


@given_app.command("catat")
def given_record_command(
    ctx: typer.Context,
    visit_id: VisitArg,
    all_given: bool = typer.Option(False, "--semua", help="Semua tindakan yang belum dicatat: diberikan."),
    time: Optional[str] = typer.Option(None, "--jam", metavar="JJ:MM",
                                       help="Jam diberikan (bawaan: sekarang; tidak sebelum jam kunjungan)."),
    given_codes: Optional[list[str]] = typer.Option(None, "--diberikan", metavar="KODE[@JJ:MM]",
                                                    help="Diberikan (kode dari `mtbs tindakan lihat`); boleh diulang."),
    not_given: Optional[list[str]] = typer.Option(
        None, "--tidak", metavar="KODE=ALASAN",
        help="Tidak diberikan; alasan: stok_habis, keluarga_menolak, tidak_mampu, lainnya:TEKS."),
    otherwise: Optional[list[str]] = typer.Option(None, "--lain", metavar="KODE=TEKS",
                                                  help="Diberikan lain (obat atau dosis lain)."),
    extra: Optional[list[str]] = typer.Option(None, "--tambahan", metavar="TEKS",
                                              help="Tindakan di luar bagan (deviasi), diberikan di puskesmas."),
    extra_home: Optional[list[str]] = typer.Option(None, "--tambahan-pulang", metavar="TEKS",
                                                   help="Obat di luar bagan untuk dibawa pulang (tercetak di kartu ibu)."),
    remove: Optional[list[int]] = typer.Option(None, "--hapus-tambahan", metavar="N", min=1, max=1000,
                                               help="Hapus tambahan nomor N (T1, T2, ...) yang salah catat."),
    reason: Optional[str] = typer.Option(None, "--alasan-ubah", metavar="TEKS",
                                         help="Alasan perubahan catatan sebelumnya (disimpan di versinya)."),
) -> None:
    """Catat apa yang benar-benar diberikan. Tiap pencatatan adalah versi baru; versi lama tetap tersimpan."""
    from mtbs_tui.commands.given_cmd import record

    raise typer.Exit(record(ctx, visit_id, all_given=all_given, time=time, given_codes=given_codes or [],
                            not_given=not_given or [], otherwise=otherwise or [], extra=extra or [],
                            extra_home=extra_home or [], remove=remove or [], reason=reason))


export_app = typer.Typer(help="Ekspor data register.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(export_app, name="export")


@export_app.command("register")
def export_register_command(
    ctx: typer.Context,
    date_from: Annotated[str, _date_option("--from", "Tanggal awal (TTTT-BB-HH).")],
    date_to: Annotated[str, _date_option("--to", "Tanggal akhir (TTTT-BB-HH), ikut dihitung.")],
    fmt: Annotated[Optional[str], _format_option("xlsx", "csv")] = None,
    out: OutputOpt = None,
    overwrite: OverwriteOpt = False,
) -> None:
    """Ekspor Register MTBS (satu baris per kunjungan) ke CSV atau XLSX."""
    from mtbs_tui.commands.export import run

    actor = _login(ctx, "register.export")
    raise typer.Exit(run(db_path(ctx), date_from, date_to, fmt, out, actor=actor, overwrite=overwrite))


@export_app.command("rujukan")
def export_referral_log_command(
    ctx: typer.Context,
    date_from: Annotated[str, _date_option("--from", "Tanggal rujukan awal (TTTT-BB-HH).")],
    date_to: Annotated[str, _date_option("--to", "Tanggal rujukan akhir (TTTT-BB-HH), ikut dihitung.")],
    fmt: Annotated[Optional[str], _format_option("xlsx", "csv", "pdf")] = None,
    out: OutputOpt = None,
    overwrite: OverwriteOpt = False,
) -> None:
    """Ekspor buku register rujukan: satu baris per rujukan segera, dengan balasan rumah sakit (atau
    BELUM ADA BALASAN), ke XLSX, CSV atau PDF (A4 mendatar)."""
    from mtbs_tui.commands.export import run_referral_log

    actor = _login(ctx, "referral.export")
    raise typer.Exit(run_referral_log(db_path(ctx), date_from, date_to, fmt, out, actor=actor, overwrite=overwrite))


report_app = typer.Typer(help="Laporan untuk Dinas Kesehatan.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(report_app, name="report")


@report_app.command("monthly")
def report_monthly_command(
    ctx: typer.Context,
    month: Optional[str] = typer.Argument(None, metavar="BULAN", help="Bulan laporan (TTTT-BB), mis. 2026-10."),
    fmt: Annotated[Optional[str], _format_option("xlsx", "pdf", "csv")] = None,
    out: OutputOpt = None,
    table: Optional[Path] = typer.Option(None, "--tabel", help="Tabel laporan sendiri (JSON).", metavar="BERKAS"),
    write_table: Optional[Path] = typer.Option(
        None, "--tulis-tabel", help="Tulis tabel bawaan ke BERKAS (JSON) untuk diubah, lalu keluar.", metavar="BERKAS"
    ),
    overwrite: OverwriteOpt = False,
) -> None:
    """Buat laporan bulanan MTBS/MTBM (umur, jenis kelamin, klasifikasi, rujukan, kunjungan ulang)."""
    from mtbs_tui.commands.report import run

    if month is None and write_table is None:
        raise UserError("galat: BULAN: wajib diisi")
    if write_table is not None:
        # Writing the built-in table reads no patient data: no login needed.
        raise typer.Exit(run(db_path(ctx), month or "", fmt, out, table, write_table, overwrite=overwrite))
    actor = _login(ctx, "report.monthly")
    raise typer.Exit(run(db_path(ctx), month or "", fmt, out, table, write_table, actor=actor,
                         overwrite=overwrite))


@report_app.command("mutu")
def report_quality_command(
    ctx: typer.Context,
    date_from: Annotated[str, _date_option("--from", "Awal periode (TTTT-BB-HH, atau TTTT-BB).")],
    date_to: Annotated[str, _date_option("--to", "Akhir periode (TTTT-BB-HH, atau TTTT-BB), ikut dihitung.")],
    fmt: Annotated[Optional[str], _format_option("pdf", "xlsx", "csv")] = None,
    out: OutputOpt = None,
    overwrite: OverwriteOpt = False,
) -> None:
    """Indikator mutu MTBS per bulan: penilaian lengkap, ditimbang, suhu, napas dihitung, kunjungan
    ulang tepat waktu, menit per konsultasi, draf ditinggalkan, koreksi (definisi pembilang dan
    penyebut: di laporan PDF dan XLSX itu sendiri, dan F1 di layar Mutu)."""
    from mtbs_tui.commands.quality import run

    actor = _login(ctx, "quality.view")
    raise typer.Exit(run(db_path(ctx), date_from, date_to, fmt, out, actor=actor, overwrite=overwrite))


@report_app.command("kirim")
def report_send_command(
    ctx: typer.Context,
    month: str = typer.Argument(..., metavar="BULAN", help="Bulan laporan (TTTT-BB), mis. 2026-10."),
    out: Annotated[Optional[Path], _output_option("Berkas paket (JSON).")] = None,
    overwrite: OverwriteOpt = False,
) -> None:
    """Buat paket laporan bulanan untuk dinas kesehatan kabupaten: tabel laporan bulanan dan indikator
    mutu, hanya angka agregat (tanpa nama, tanpa NIK), ditandai kepala rantai audit dan checksum
    (format: docs/paket-kabupaten.md)."""
    from mtbs_tui.commands.district import run_send

    actor = _login(ctx, "report.monthly")
    raise typer.Exit(run_send(db_path(ctx), month, out, actor=actor, overwrite=overwrite))


district_app = typer.Typer(help="Untuk dinas kesehatan kabupaten: gabungan laporan puskesmas.",
                           no_args_is_help=True, rich_markup_mode=None)
app.add_typer(district_app, name="kabupaten")


@district_app.command("gabung")
def district_merge_command(
    files: Annotated[list[Path], typer.Argument(metavar="BERKAS", help="Paket laporan puskesmas (JSON), satu atau lebih.")],
    out: Annotated[Path, _output_option("Laporan kabupaten: .xlsx atau .pdf.")],
    month: Optional[str] = typer.Option(None, "--bulan", help="Bulan yang digabung (TTTT-BB); bawaan: bulan "
                                        "paket pertama.", metavar="BULAN"),
    overwrite: OverwriteOpt = False,
) -> None:
    """Gabungkan paket laporan bulanan banyak puskesmas: tabel kabupaten (satu baris per puskesmas,
    jumlah), indikator mutu berdampingan dengan median kabupaten, dan peringkat praktik terbaik.
    Paket ganda, dari bulan lain, rusak atau diubah ditolak (satu baris per berkas). Tidak membuka
    register: tanpa login."""
    from mtbs_tui.commands.district import run_merge

    raise typer.Exit(run_merge(files, out, month=month, overwrite=overwrite))


@app.command("backup")
def backup_command(
    ctx: typer.Context,
    to: Optional[Path] = typer.Option(None, "--to", help="Folder tujuan (mis. flashdisk).", metavar="FOLDER"),
    list_only: bool = typer.Option(False, "--list", help="Tampilkan daftar cadangan yang ada."),
    set_key: Optional[str] = typer.Option(
        None, "--set-key", metavar="age1...",
        help="Simpan kunci publik age kepala puskesmas: sejak itu setiap cadangan dienkripsi.",
    ),
) -> None:
    """Buat cadangan database yang terverifikasi (generasi harian, mingguan, bulanan)."""
    from mtbs_tui.commands.backup import run

    actor = _login(ctx, "backup.create")
    raise typer.Exit(run(db_path(ctx), to, list_only=list_only, set_key=set_key, actor=actor))


@app.command("restore")
def restore_command(
    ctx: typer.Context,
    backup_file: Path = typer.Argument(..., metavar="BERKAS", help="Berkas cadangan yang dipulihkan."),
    yes: bool = typer.Option(False, "--ya", help="Jangan bertanya konfirmasi."),
    key_file: Optional[Path] = typer.Option(
        None, "--kunci", metavar="BERKAS",
        help="Berkas kunci privat age (AGE-SECRET-KEY-...) untuk cadangan terenkripsi (.age).",
    ),
    other_facility_ok: bool = typer.Option(
        False, "--puskesmas-lain",
        help="Izinkan cadangan dari puskesmas/instalasi lain (mengganti identitas, akun dan semua pasien; "
        "tanpa ini ditolak, juga dengan --ya).",
    ),
) -> None:
    """Pulihkan database dari cadangan (diverifikasi dulu; database sekarang disimpan)."""
    from mtbs_tui.commands.restore import run
    from mtbs_tui.session import SessionError, login_at

    try:
        actor: Optional[str] = login_at(db_path(ctx), _state(ctx), "backup.restore").username
        offline = None
    except SessionError as exc:
        if not exc.unusable:
            raise UserError(exc.message, exc.code) from None
        # The register is missing or damaged: log in with the accounts inside the backup instead.
        actor, offline = None, _state(ctx)
    raise typer.Exit(run(db_path(ctx), backup_file, yes=yes, key_file=key_file, actor=actor,
                         offline_login=offline, other_facility_ok=other_facility_ok))


# --- accounts and the audit trail (issue 7) -------------------------------------------------------

user_app = typer.Typer(help="Akun pengguna (kepala puskesmas).", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add_command(
    ctx: typer.Context,
    username: str = typer.Argument(..., metavar="NAMA", help="Nama pengguna (huruf kecil, angka, . _ -)."),
    full_name: FullNameOpt = None,
    role: str = typer.Option(
        ..., "--peran", metavar="PERAN", help="pendaftaran, klinis, kepala atau peninjau.",
    ),
    password_from_stdin: Annotated[bool, _new_password_option(
        "Baca kata sandi akun baru dari stdin (baris setelah kata sandi masuk).")] = False,
    nip: Optional[str] = typer.Option(None, "--nip", metavar="NIP", help="NIP petugas (18 angka), untuk tanda tangan surat."),
    str_number: Optional[str] = typer.Option(None, "--str", metavar="NOMOR", help="Nomor STR petugas, untuk tanda tangan surat."),
) -> None:
    """Buat akun baru. Akun pertama (tanpa masuk) harus kepala puskesmas."""
    from mtbs_tui.commands.user import add

    raise typer.Exit(add(ctx, username, full_name, role, password_from_stdin, nip=nip, str_number=str_number))


@user_app.command("ubah")
def user_change_command(
    ctx: typer.Context,
    username: UsernameArg,
    full_name: FullNameOpt = None,
    nip: Optional[str] = typer.Option(None, "--nip", metavar="NIP", help="NIP (18 angka); \"\" menghapus."),
    str_number: Optional[str] = typer.Option(None, "--str", metavar="NOMOR", help="Nomor STR; \"\" menghapus."),
) -> None:
    """Ubah nama lengkap, NIP atau STR petugas (dicetak pada tanda tangan surat rujukan)."""
    from mtbs_tui.commands.user import change

    raise typer.Exit(change(ctx, username, full_name=full_name, nip=nip, str_number=str_number))


@user_app.command("list")
def user_list_command(ctx: typer.Context) -> None:
    """Tampilkan semua akun dengan peran dan statusnya."""
    from mtbs_tui.commands.user import list_users

    raise typer.Exit(list_users(ctx))


@user_app.command("disable")
def user_disable_command(
    ctx: typer.Context, username: UsernameArg,
) -> None:
    """Nonaktifkan akun (tidak bisa masuk lagi; jejaknya tetap)."""
    from mtbs_tui.commands.user import set_active

    raise typer.Exit(set_active(ctx, username, False))


@user_app.command("enable")
def user_enable_command(
    ctx: typer.Context, username: UsernameArg,
) -> None:
    """Aktifkan kembali akun yang dinonaktifkan."""
    from mtbs_tui.commands.user import set_active

    raise typer.Exit(set_active(ctx, username, True))


@user_app.command("buka-kunci")
def user_unlock_command(
    ctx: typer.Context, username: UsernameArg,
) -> None:
    """Buka akun yang terkunci karena terlalu banyak percobaan masuk gagal."""
    from mtbs_tui.commands.user import unlock

    raise typer.Exit(unlock(ctx, username))


@user_app.command("reset-password")
def user_reset_command(
    ctx: typer.Context,
    username: UsernameArg,
    password_from_stdin: Annotated[bool, _new_password_option(
        "Baca kata sandi baru dari stdin (baris setelah kata sandi masuk).")] = False,
) -> None:
    """Ganti kata sandi akun, misalnya bila petugas lupa kata sandinya."""
    from mtbs_tui.commands.user import reset_password

    raise typer.Exit(reset_password(ctx, username, password_from_stdin))


patient_app = typer.Typer(help="Data pasien: pasien ganda dan penggabungan (kepala puskesmas).",
                          no_args_is_help=True, rich_markup_mode=None)
app.add_typer(patient_app, name="pasien")


@patient_app.command("duplikat")
def patient_duplicates_command(
    ctx: typer.Context,
    limit: Annotated[int, _limit_option("Jumlah pasangan paling banyak.")] = 500,
) -> None:
    """Daftar pasangan pasien yang mungkin anak yang sama (NIK sama; NIK ibu sama; atau nama dan nama
    ibu sama, dengan tanggal lahir berdekatan: pengaturan duplicate_birth_days, bawaan 3 hari)."""
    from mtbs_tui.commands.patients_cmd import duplicates

    raise typer.Exit(duplicates(ctx, limit))


@patient_app.command("gabung")
def patient_merge_command(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(metavar="A", help="No. RM (atau id) pasien yang dipakai terus.")],
    other: Annotated[str, typer.Argument(metavar="B", help="No. RM (atau id) pasien yang digabung ke A.")],
    reason: Annotated[str, _reason_option("Alasan penggabungan (wajib).")],
) -> None:
    """Gabungkan B ke A: semua kunjungan B pindah ke A; data B tetap tersimpan. Dapat dibatalkan
    dengan `mtbs pasien batal-gabung`."""
    from mtbs_tui.commands.patients_cmd import merge

    raise typer.Exit(merge(ctx, keep, other, reason))


@patient_app.command("batal-gabung")
def patient_unmerge_command(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(metavar="NOMOR", help="Nomor penggabungan (dicetak oleh `gabung`).",
                                          min=1, max=ROW_ID_MAX)],
    reason: Annotated[str, _reason_option("Alasan pembatalan (wajib).")],
) -> None:
    """Batalkan penggabungan: kunjungan yang dipindahkan kembali ke pasien asalnya."""
    from mtbs_tui.commands.patients_cmd import unmerge

    raise typer.Exit(unmerge(ctx, number, reason))


faskes_app = typer.Typer(help="Fasilitas rujukan: tujuan anak yang dirujuk (daftar dipegang kepala puskesmas).",
                         no_args_is_help=True, rich_markup_mode=None)
app.add_typer(faskes_app, name="faskes")

@faskes_app.command("list")
def faskes_list_command(
    ctx: typer.Context,
    everything: bool = typer.Option(False, "--semua", help="Tampilkan juga yang nonaktif."),
) -> None:
    """Daftar fasilitas rujukan: nomor, jenis, nama, alamat, telepon; tujuan bawaan ditandai *."""
    from mtbs_tui.commands.faskes_cmd import list_facilities

    raise typer.Exit(list_facilities(ctx, everything))


@faskes_app.command("add")
def faskes_add_command(
    ctx: typer.Context,
    name: str = typer.Option(..., "--nama", metavar="TEKS", help="Nama fasilitas, mis. RSUD Wates."),
    kind: str = typer.Option(..., "--jenis", metavar="JENIS",
                             help="rs, rsia, pkm_ranap (puskesmas rawat inap) atau lainnya."),
    address: Optional[str] = typer.Option(None, "--alamat", metavar="TEKS", help="Alamat."),
    phone: Optional[str] = typer.Option(None, "--telepon", metavar="NOMOR", help="Telepon (8-15 angka)."),
    default: bool = typer.Option(False, "--bawaan", help="Jadikan tujuan bawaan (dipilih tanpa tombol)."),
) -> None:
    """Tambah fasilitas rujukan. Fasilitas pertama otomatis menjadi tujuan bawaan."""
    from mtbs_tui.commands.faskes_cmd import add

    raise typer.Exit(add(ctx, name=name, kind=kind, address=address, phone=phone, default=default))


@faskes_app.command("ubah")
def faskes_change_command(
    ctx: typer.Context,
    facility: FacilityArg,
    name: Optional[str] = typer.Option(None, "--nama", metavar="TEKS", help="Nama baru."),
    kind: Optional[str] = typer.Option(None, "--jenis", metavar="JENIS", help="rs, rsia, pkm_ranap atau lainnya."),
    address: Optional[str] = typer.Option(None, "--alamat", metavar="TEKS", help="Alamat; \"\" menghapus."),
    phone: Optional[str] = typer.Option(None, "--telepon", metavar="NOMOR", help="Telepon; \"\" menghapus."),
) -> None:
    """Ubah data fasilitas rujukan (rujukan yang sudah dibuat tetap memakai nama lamanya)."""
    from mtbs_tui.commands.faskes_cmd import change

    raise typer.Exit(change(ctx, facility, {"name": name, "kind": kind, "address": address, "phone": phone}))


@faskes_app.command("disable")
def faskes_disable_command(
    ctx: typer.Context, facility: FacilityArg,
) -> None:
    """Nonaktifkan fasilitas (tidak bisa dipilih lagi; rujukan lama tetap)."""
    from mtbs_tui.commands.faskes_cmd import set_active

    raise typer.Exit(set_active(ctx, facility, False))


@faskes_app.command("enable")
def faskes_enable_command(
    ctx: typer.Context, facility: FacilityArg,
) -> None:
    """Aktifkan kembali fasilitas yang dinonaktifkan."""
    from mtbs_tui.commands.faskes_cmd import set_active

    raise typer.Exit(set_active(ctx, facility, True))


@faskes_app.command("default")
def faskes_default_command(
    ctx: typer.Context, facility: FacilityArg,
) -> None:
    """Jadikan fasilitas ini tujuan bawaan rujukan (dipilih tanpa tombol pada ringkasan)."""
    from mtbs_tui.commands.faskes_cmd import set_default

    raise typer.Exit(set_default(ctx, facility))
latihan_app = typer.Typer(
    help="Latihan MTBS (kalakarya) dengan kasus rekaan, di berkas latihan terpisah (bukan register). "
    "Tanpa subperintah: membuka layar latihan.",
    invoke_without_command=True, no_args_is_help=False, rich_markup_mode=None)
app.add_typer(latihan_app, name="latihan")


@latihan_app.callback()
def latihan_callback(
    ctx: typer.Context,
    file: Optional[Path] = typer.Option(None, "--berkas", metavar="BERKAS",
                                        help="Berkas latihan atau berkas sesi (bawaan: latihan.db di folder data)."),
    participant: Optional[str] = typer.Option(None, "--peserta", metavar="NAMA", help="Nama peserta."),
) -> None:
    """Buka layar latihan: cerita kasus, penilaian pada formulir kunjungan (tanpa panel klasifikasi),
    klasifikasi, tindakan, dosis dan kunjungan ulang pilihan peserta, lalu perbandingan dengan bagan."""
    if ctx.invoked_subcommand is None:
        from mtbs_tui.commands.tui import run_practice

        raise typer.Exit(run_practice(file, participant=participant))


@latihan_app.command("sesi")
def latihan_session_command(
    file: Path = typer.Argument(..., metavar="BERKAS", help="Berkas sesi yang dibuat (belum ada)."),
    name: str = typer.Option(..., "--nama", metavar="TEKS", help="Nama sesi (mis. pelatihan dan tanggal)."),
    participants: list[str] = typer.Option(..., "--peserta", metavar="NAMA",
                                           help="Nama peserta (ulangi untuk setiap peserta)."),
    cases: Optional[str] = typer.Option(None, "--kasus", metavar="ID,ID",
                                        help="Kasus yang dikerjakan (lihat `mtbs latihan kasus`)."),
    count: Optional[int] = typer.Option(None, "--acak", metavar="N", help="Pilih N kasus secara acak."),
    chart: ChartFilterOpt = None,
    seed: Optional[int] = typer.Option(None, "--benih", help="Benih acak untuk --acak."),
) -> None:
    """Buat berkas sesi latihan untuk penilai: peserta (nama saja) dan kumpulan kasus."""
    from mtbs_tui.commands.latihan import run_session

    raise typer.Exit(run_session(file, name=name, participants=participants, cases=cases, count=count,
                                 chart=chart, seed=seed))


@latihan_app.command("gabung")
def latihan_merge_command(
    files: list[Path] = typer.Argument(..., metavar="BERKAS", help="Berkas sesi dari PC peserta (satu atau lebih)."),
    out: Path = typer.Option(..., "--keluar", metavar="BERKAS", help="Berkas gabungan (dibuat bila belum ada)."),
    pdf: PdfReportOpt = None,
    xlsx: XlsxReportOpt = None,
    overwrite: OverwriteOpt = False,
) -> None:
    """Gabungkan hasil peserta satu sesi dan buat laporan per peserta dan per kasus."""
    from mtbs_tui.commands.latihan import run_merge

    raise typer.Exit(run_merge(files, out=out, pdf=pdf, xlsx=xlsx, overwrite=overwrite))


@latihan_app.command("laporan")
def latihan_report_command(
    file: Path = typer.Argument(..., metavar="BERKAS", help="Berkas latihan atau berkas gabungan."),
    pdf: PdfReportOpt = None,
    xlsx: XlsxReportOpt = None,
    overwrite: OverwriteOpt = False,
) -> None:
    """Buat laporan (PDF dan/atau XLSX) dari satu berkas latihan."""
    from mtbs_tui.commands.latihan import run_report

    raise typer.Exit(run_report(file, pdf=pdf, xlsx=xlsx, overwrite=overwrite))


@latihan_app.command("kasus")
def latihan_cases_command(
    chart: ChartFilterOpt = None,
) -> None:
    """Daftar kasus latihan (id, bagan, umur, judul)."""
    from mtbs_tui.commands.latihan import run_list

    raise typer.Exit(run_list(chart))


audit_app = typer.Typer(help="Jejak audit (siapa, pasien mana, apa, kapan).", no_args_is_help=True,
                        rich_markup_mode=None)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify_command(
    ctx: typer.Context,
    folders: Optional[list[Path]] = typer.Option(
        None, "--cadangan", metavar="FOLDER",
        help="Folder cadangan lain (mis. flashdisk) yang berisi rantai-audit-cadangan.txt; boleh diulang.",
    ),
    printed: Optional[list[str]] = typer.Option(
        None, "--kepala-dokumen", metavar="HEKSA",
        help="Kepala rantai yang tercetak di kaki dokumen (mis. surat rujukan); boleh diulang.",
    ),
) -> None:
    """Hitung ulang rantai hash jejak audit (entri, pemicu, akun) dan bandingkan dengan kepala rantai
    yang tercatat di luar berkas (indeks cadangan, dokumen tercetak); laporkan yang rusak."""
    from mtbs_tui.commands.audit_cmd import verify

    raise typer.Exit(verify(ctx, folders or [], printed or []))


@audit_app.command("show")
def audit_show_command(
    ctx: typer.Context,
    patient: Optional[int] = typer.Option(None, "--pasien", metavar="ID", help="Hanya entri untuk pasien ini.",
                                          min=1, max=ROW_ID_MAX),
    limit: Annotated[int, _limit_option("Jumlah entri terbaru.")] = 50,
) -> None:
    """Tampilkan entri jejak audit terbaru (tanpa isi klinis)."""
    from mtbs_tui.commands.audit_cmd import show

    raise typer.Exit(show(ctx, patient, limit))


# --- error reporting -------------------------------------------------------------------------

_PYDANTIC_PHRASES = (
    ("valid integer", "harus bilangan bulat"),
    ("valid number", "harus angka"),
    ("greater than or equal to ", "minimal "),
    ("less than or equal to ", "maksimal "),
    ("greater than ", "lebih dari "),
    ("less than ", "kurang dari "),
)


def _param_name(param: object) -> str:
    """The name a user typed or read in --help: the longest option flag, else the metavar."""
    opts = getattr(param, "opts", None) or []
    if opts and any(o.startswith("-") for o in opts):
        return max(opts, key=len)
    return getattr(param, "metavar", None) or getattr(param, "name", None) or "argumen"


def _indonesian_reason(message: str) -> str:
    for english, indonesian in _PYDANTIC_PHRASES:
        if english in message:
            tail = message.split(english, 1)[1].strip().rstrip(".")
            return f"{indonesian}{tail}" if indonesian.endswith(" ") else indonesian
    return message


def _metavar_of(option: str) -> str:
    """The metavar --help shows for `option` (the parser's error does not say which command it was
    in): the one every command that has the option agrees on, else NILAI."""
    from typer.main import get_command

    found: set[str] = set()
    commands = [get_command(app)]
    while commands:
        command = commands.pop()
        commands.extend(getattr(command, "commands", {}).values())
        for param in getattr(command, "params", []):
            if option in getattr(param, "opts", []):
                found.add(getattr(param, "metavar", None) or "NILAI")
    return found.pop() if len(found) == 1 else "NILAI"


def _usage_line(exc: BaseException) -> str:
    """One Indonesian line for a usage error (click's own text is English and multi-line)."""
    # Typer 0.29 vendors click as typer._click; the version is pinned and tests/test_cli covers it.
    from typer._click import exceptions as click

    param = getattr(exc, "param", None)
    if isinstance(exc, click.NoSuchOption):
        return f"galat: argumen: opsi tidak dikenal {exc.option_name}"
    if isinstance(exc, click.MissingParameter):
        return f"galat: {_param_name(param) if param is not None else 'argumen'}: wajib diisi"
    if isinstance(exc, click.BadParameter):
        name = _param_name(param) if param is not None else "argumen"
        return f"galat: {name}: nilai tidak sah ({_indonesian_reason(str(exc.message))})"
    if isinstance(exc, click.BadOptionUsage):
        # The parser's two messages (English): a value missing at the end, a value given to a flag.
        text = str(exc.message)
        if "requires" in text:
            return f"galat: {exc.option_name}: nilainya belum ditulis (mis. {exc.option_name} {_metavar_of(exc.option_name)})"
        if "does not take a value" in text:
            return f"galat: {exc.option_name}: tidak memakai nilai (tulis tanpa =...)"
        return f"galat: {exc.option_name}: {text}"
    message = str(getattr(exc, "message", exc))
    if message.startswith("No such command"):
        return f"galat: perintah: perintah tidak dikenal {message.split(' ', 3)[-1].rstrip('.')}"
    if message.startswith("Got unexpected extra argument"):
        return "galat: argumen: ada argumen berlebih"
    if message.startswith("Missing command"):
        return "galat: perintah: sebutkan perintahnya (lihat mtbs --help)"
    return f"galat: argumen: {message}"


_HELP_WORDS = {
    "Arguments": "Argumen",
    "Options": "Opsi",
    "Commands": "Perintah",
    "required": "wajib",
    "default: {default}": "bawaan: {default}",
    "env var: {var}": "variabel lingkungan: {var}",
    "(dynamic)": "(dinamis)",
    "Aborted!": "Dibatalkan.",
}


def _localise_help() -> None:
    """Put typer's built-in help words into Bahasa Indonesia.

    Typer (pinned) vendors click; its headings go through gettext's `_`, the usage prefix and the help
    option text are literals. tests/test_cli_help.py fails if an upgrade moves them.
    """
    import typer.core as typer_core
    from typer._click import core as click_core
    from typer._click import formatting

    if getattr(typer_core, "_mtbs_localised", False):
        return
    typer_core._ = lambda text: _HELP_WORDS.get(text, text)  # type: ignore[assignment]
    original_usage = formatting.HelpFormatter.write_usage

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[OPSI]").replace("COMMAND [ARGS]...", "PERINTAH [ARGUMEN]...")
        original_usage(self, prog, args, "Pemakaian: " if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]
    original_help_option = click_core.Command.get_help_option

    def get_help_option(self, ctx):
        option = original_help_option(self, ctx)
        if option is not None:
            option.help = "Tampilkan bantuan ini lalu keluar."
        return option

    click_core.Command.get_help_option = get_help_option  # type: ignore[method-assign]

    # The value's kind beside an option without a metavar, in the metavars' words (typer wrote
    # Python's: `--nama <str>`, `--patients <int range>`); an argument's metavar says it already
    # (typer wrote `VISIT_ID <int range>`, `BERKAS... <list[Path]>`).
    def display_type(self, ctx):
        desc = self.type_descriptor
        if desc.is_path:
            return "BERKAS"
        return "ANGKA" if desc.is_ranged or self.bare_type() in ("int", "float") else "TEKS"

    def argument_type(self, ctx):
        return None if self.metavar is not None else display_type(self, ctx)

    for owner, method, replacement in ((typer_core._TyperParameter, "display_type", display_type),
                                       (typer_core.TyperArgument, "display_type_rich", argument_type)):
        setattr(owner, method, replacement)
    original_range = typer_core.describe_number_range

    def describe_number_range(low, high):
        # A row id's ceiling (2**63 - 1) is no limit a user needs to read.
        return original_range(low, None if high is not None and high >= ROW_ID_MAX else high)

    typer_core.describe_number_range = describe_number_range
    typer_core._mtbs_localised = True  # type: ignore[attr-defined]


def _undecodable_input(args: list[str]) -> str | None:
    """One line naming the argument or variable that is not valid text, else None."""
    from mtbs_tui.inputs import has_lone_surrogate

    for position, arg in enumerate(args, 1):
        if has_lone_surrogate(arg):
            return f"galat: argumen ke-{position}: bukan teks UTF-8 yang sah (ada karakter yang tidak terbaca)"
    for name in _TEXT_ENV:
        if has_lone_surrogate(os.environ.get(name, "")):
            return f"galat: {name}: bukan teks UTF-8 yang sah (ada karakter yang tidak terbaca)"
    return None


def _is_path_too_long(exc: OSError) -> bool:
    import errno

    return exc.errno == errno.ENAMETOOLONG or getattr(exc, "winerror", None) == 206  # ERROR_FILENAME_EXCED_RANGE


def _short(name: object) -> str:
    text = os.fsdecode(name) if isinstance(name, (str, bytes)) else "-"
    return text if len(text) <= 40 else f"{text[:37]}..."


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: run the app, turn every failure into one readable line."""
    from typer._click import exceptions as click

    from mtbs_tui.outputs import Terminated

    args = sys.argv[1:] if argv is None else argv
    _localise_help()
    unreadable = _undecodable_input(args)
    if unreadable:
        print(unreadable, file=sys.stderr)
        return 2
    try:
        result = app(args=args, prog_name="mtbs", standalone_mode=False)
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        print("galat: dibatalkan", file=sys.stderr)
        return 130
    except click.ClickException as exc:
        print(_usage_line(exc), file=sys.stderr)
        return 2
    except UserError as exc:
        print(exc.message, file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("galat: dibatalkan", file=sys.stderr)
        return 130
    except Terminated:
        print("galat: dihentikan (SIGTERM); berkas yang belum selesai dihapus", file=sys.stderr)
        return 143
    except OSError as exc:
        if _is_path_too_long(exc):
            print(f"galat: jalur berkas: nama terlalu panjang untuk sistem berkas ({_short(exc.filename)})",
                  file=sys.stderr)
            return 2
        print(f"galat internal: {type(exc).__name__}; kesalahan di dalam aplikasi (rinciannya tidak "
              "ditampilkan agar data pasien tidak bocor)", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        # Only the type: an exception's text can carry a value from the register (a constraint
        # message, a name in a path), and patient data must not reach a terminal log or a screenshot.
        print(f"galat internal: {type(exc).__name__}; kesalahan di dalam aplikasi (rinciannya tidak "
              "ditampilkan agar data pasien tidak bocor)", file=sys.stderr)
        return 1
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
