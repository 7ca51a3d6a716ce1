"""The child's identity fields, written once: label, hint, help line, lengths and validation.

The register (`Register.add_patient`/`update_patient`, the CLI) and the "Pasien baru" screen both
check a patient with `check_field`/`check_patient` from here, so a phone number or a name that one
accepts the other accepts too. Also the normalised name key used to find duplicate registrations.
Plain Python: no Textual, no SQLite.
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from mtbs_tui.display import date_text
from mtbs_tui.rules.age import beyond_mtbs, completed_months


@dataclass(frozen=True)
class PatientField:
    key: str
    label: str  # as on the form, e.g. "NIK anak"
    note: str  # short hint next to the input
    help: str  # the help line while the field has the focus
    max_length: int  # longest valid value
    input_length: int  # what the input box takes: a few more, so a too-long value is refused, not cut


# In form order.
FIELDS: tuple[PatientField, ...] = (
    PatientField("name", "Nama anak", "wajib",
                 "Nama lengkap anak; bayi yang belum bernama: By. Ny. <nama ibu>.", 100, 100),
    PatientField("sex", "Jenis kelamin", "L/P", "Tekan L (laki-laki) atau P (perempuan).", 1, 1),
    PatientField("birth_date", "Tanggal lahir", "HH-BB-TTTT",
                 "Tanggal lahir anak, misalnya 05-03-2025; tidak boleh sesudah hari ini.", 10, 10),
    PatientField("mrn", "No. RM", "kosong: otomatis",
                 "Nomor rekam medis puskesmas; kosongkan agar dibuat otomatis.", 20, 24),
    PatientField("nik", "NIK anak", "16 angka", "NIK anak dari Kartu Keluarga (16 angka); boleh kosong.", 16, 24),
    PatientField("mother_nik", "NIK ibu", "16 angka", "NIK ibu (16 angka); boleh kosong.", 16, 24),
    PatientField("parent_name", "Nama ibu/orang tua", "",
                 "Nama ibu atau pengasuh yang membawa anak.", 100, 100),
    PatientField("address", "Alamat", "", "Alamat rumah (jalan, RT/RW).", 200, 200),
    PatientField("village", "Desa/kelurahan", "", "Desa atau kelurahan tempat tinggal.", 60, 60),
    PatientField("bpjs", "No. BPJS/JKN", "13 angka",
                 "Nomor kartu BPJS Kesehatan/JKN anak (13 angka); boleh kosong. Dicetak di surat rujukan.",
                 13, 20),
    PatientField("phone", "Telepon", "8–15 angka", "Nomor telepon/HP orang tua; boleh kosong.", 15, 20),
)
FIELD_BY_KEY: dict[str, PatientField] = {f.key: f for f in FIELDS}
KEYS: tuple[str, ...] = tuple(f.key for f in FIELDS)
LABELS: dict[str, str] = {f.key: f.label for f in FIELDS}

NAME_MIN = 2
PHONE_MIN, PHONE_MAX = 8, 15
NIK_LENGTH = 16
BPJS_LENGTH = 13  # nomor kartu JKN-KIS
SEXES = ("L", "P")
_MRN = re.compile(r"^[A-Za-z0-9./-]+$")


class InvalidField(ValueError):
    """One field is invalid. `message` is one Indonesian line naming the field and what is allowed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def parse_birth_date(text: str) -> _dt.date:
    """`23-11-2026`, `23/11/2026`, `23112026` or ISO `2026-11-23`. ValueError: Indonesian text."""
    value = text.strip()
    match = re.match(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$", value)
    if match:
        d, m, y = (int(g) for g in match.groups())
    elif re.match(r"^\d{8}$", value):
        d, m, y = int(value[:2]), int(value[2:4]), int(value[4:])
    elif re.match(r"^\d{4}-\d{2}-\d{2}$", value):
        y, m, d = (int(g) for g in value.split("-"))
    else:
        raise ValueError("tulis HH-BB-TTTT, misalnya 05-03-2025")
    try:
        return _dt.date(y, m, d)
    except ValueError:
        raise ValueError(f"{value} tidak ada di kalender (tulis HH-BB-TTTT)") from None


def check_field(key: str, raw: object, *, today: _dt.date, existing_birth: str | None = None) -> object:
    """The clean value of one field (None when empty and optional); InvalidField otherwise.

    `existing_birth`: when editing a patient, the unchanged birth date stays valid after the child
    turned five."""
    spec = FIELD_BY_KEY[key]
    if isinstance(raw, _dt.date):
        raw = raw.isoformat()
    text = " ".join(str(raw).split()) if raw is not None else ""
    if key == "name":
        if not text:
            raise InvalidField(key, "Nama anak wajib diisi.")
        if len(text) < NAME_MIN:
            raise InvalidField(key, f"Nama anak paling sedikit {NAME_MIN} huruf.")
    elif key == "sex":
        value = text.upper()
        if value not in SEXES:
            raise InvalidField(key, "Jenis kelamin: tekan L (laki-laki) atau P (perempuan).")
        return value
    elif key == "birth_date":
        if not text:
            raise InvalidField(key, "Tanggal lahir wajib diisi (HH-BB-TTTT).")
        try:
            born = parse_birth_date(text)
        except ValueError as exc:
            raise InvalidField(key, f"Tanggal lahir: {exc}.") from None
        if born > today:
            raise InvalidField(key, f"Tanggal lahir tidak boleh sesudah hari ini ({date_text(today)}).")
        if born.isoformat() != existing_birth and beyond_mtbs(completed_months(born, today)):
            raise InvalidField(key, "Tanggal lahir: umur 5 tahun atau lebih, di luar cakupan MTBS (0–59 bulan).")
        return born.isoformat()
    elif key in ("nik", "mother_nik"):
        if not text:
            return None
        digits = text.replace(" ", "")
        if not digits.isdigit() or not digits.isascii() or len(digits) != NIK_LENGTH:
            raise InvalidField(key, f"{spec.label} harus {NIK_LENGTH} angka (sekarang {len(digits)} karakter).")
        return digits
    elif key == "bpjs":
        if not text:
            return None
        digits = text.replace(" ", "")
        if not digits.isdigit() or not digits.isascii() or len(digits) != BPJS_LENGTH:
            raise InvalidField(key, f"No. BPJS/JKN harus {BPJS_LENGTH} angka (sekarang {len(digits)} karakter).")
        return digits
    elif key == "phone":
        if not text:
            return None
        compact = re.sub(r"[\s\-()]", "", text)
        if not re.fullmatch(rf"\+?\d{{{PHONE_MIN},{PHONE_MAX}}}", compact, flags=re.ASCII):
            raise InvalidField(key, f"Telepon: {PHONE_MIN}–{PHONE_MAX} angka, boleh diawali +.")
        return compact
    elif key == "mrn":
        if text and not _MRN.match(text):
            raise InvalidField(key, "No. RM: huruf, angka, titik, garis miring atau strip.")
    if len(text) > spec.max_length:
        raise InvalidField(key, f"{spec.label}: paling banyak {spec.max_length} huruf (sekarang {len(text)}).")
    return text or None


def check_patient(values: dict[str, Any], *, today: _dt.date, existing_birth: str | None = None) -> dict[str, Any]:
    """Every field of `values` (missing ones as empty) checked in form order; the first invalid
    field raises InvalidField."""
    return {key: check_field(key, values.get(key), today=today, existing_birth=existing_birth) for key in KEYS}


# --- duplicates -----------------------------------------------------------------------------------

# Words that are titles, not names: "By. Ny. Rina" and "Bayi Ny Rina" are the same baby's record.
_TITLES = frozenset({"by", "bayi", "ny", "nyonya", "nn", "an", "anak", "tn", "sdr", "sdri"})


def name_key(text: str | None) -> str | None:
    """A name as compared for duplicates: accents and case folded, punctuation and titles dropped,
    single spaces. None for an empty name."""
    if not text:
        return None
    folded = unicodedata.normalize("NFKD", str(text))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    words = [w for w in re.findall(r"[^\W_]+", folded) if w not in _TITLES]
    return " ".join(words) or None
