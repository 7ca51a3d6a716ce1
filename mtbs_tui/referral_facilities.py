"""Referral facilities (fasilitas rujukan): the places a referred child is sent, written once.

The head keeps the list (`mtbs faskes ...`, the "Fasilitas rujukan" screen); a referred visit
picks one on its summary (the default needs no key) and the referral letter prints it. The
register (`Register.add_referral_facility` ...), the CLI and the screen all check a facility with
`check_fields` from here, so a name or a phone number one accepts the others accept too.
Plain Python: no Textual, no SQLite.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mtbs_tui import patient_fields

# kind -> (short label for lists, full label for letters and help). Stored as the key.
KINDS: dict[str, tuple[str, str]] = {
    "rs": ("RS", "Rumah sakit (RSUD/RS umum)"),
    "rsia": ("RSIA", "Rumah sakit ibu dan anak"),
    "pkm_ranap": ("PKM RI", "Puskesmas rawat inap"),
    "lainnya": ("Lain", "Fasilitas lain"),
}
KIND_KEYS: tuple[str, ...] = tuple(KINDS)
# What the user may type for a kind (CLI option, screen field): the key or its short label.
_KIND_WORDS: dict[str, str] = {
    **{k: k for k in KINDS},
    **{v[0].lower().replace(" ", ""): k for k, v in KINDS.items()},
    "puskesmas": "pkm_ranap", "pkm": "pkm_ranap", "rsud": "rs", "lain": "lainnya",
}
KIND_CHOICES = ", ".join(KIND_KEYS) + f" (pkm_ranap: {KINDS['pkm_ranap'][1].lower()})"

NAME_MIN, NAME_MAX = 3, 100
ADDRESS_MAX = 200
FIELDS: tuple[str, ...] = ("name", "kind", "address", "phone")


@dataclass(frozen=True)
class FacilityField:
    key: str
    label: str  # as on the screen
    option: str  # the CLI option that sets it
    note: str  # short hint next to the input


FIELD_SPECS: tuple[FacilityField, ...] = (
    FacilityField("name", "Nama", "--nama", f"wajib, {NAME_MIN}-{NAME_MAX} huruf"),
    FacilityField("kind", "Jenis", "--jenis", "/".join(KIND_KEYS)),
    FacilityField("address", "Alamat", "--alamat", "boleh kosong"),
    FacilityField("phone", "Telepon", "--telepon", "8-15 angka; boleh kosong"),
)
SPEC_BY_KEY: dict[str, FacilityField] = {f.key: f for f in FIELD_SPECS}


class InvalidFacility(ValueError):
    """One field is invalid; `message` is one Indonesian line naming the field and what is allowed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def kind_label(kind: str | None, *, long: bool = False) -> str:
    entry = KINDS.get(kind or "")
    if entry is None:
        return kind or "-"
    return entry[1] if long else entry[0]


def parse_kind(text: object) -> str:
    word = " ".join(str(text or "").split()).lower().replace(" ", "")
    kind = _KIND_WORDS.get(word)
    if kind is None:
        raise InvalidFacility("kind", f"Jenis fasilitas: pilih {KIND_CHOICES}.")
    return kind


def check_field(key: str, raw: object) -> str | None:
    """The clean value of one field (None when empty and optional); InvalidFacility otherwise."""
    text = " ".join(str(raw).split()) if raw is not None else ""
    if key == "name":
        if not text:
            raise InvalidFacility(key, "Nama fasilitas rujukan wajib diisi.")
        if not NAME_MIN <= len(text) <= NAME_MAX:
            raise InvalidFacility(key, f"Nama fasilitas rujukan: {NAME_MIN}-{NAME_MAX} huruf (sekarang {len(text)}).")
        return text
    if key == "kind":
        return parse_kind(text)
    if key == "address":
        if len(text) > ADDRESS_MAX:
            raise InvalidFacility(key, f"Alamat fasilitas: paling banyak {ADDRESS_MAX} huruf (sekarang {len(text)}).")
        return text or None
    if key == "phone":
        # The patient form's rule: one home for what a phone number is.
        try:
            value = patient_fields.check_field("phone", text, today=_today())
        except patient_fields.InvalidField as exc:
            raise InvalidFacility(key, f"Telepon fasilitas: {exc.message.removeprefix('Telepon: ')}") from None
        return value if value is None else str(value)
    raise InvalidFacility(key, "bidang fasilitas rujukan tidak dikenal (nama, jenis, alamat, telepon)")


def check_fields(values: dict[str, Any]) -> dict[str, str | None]:
    """Every field of a facility, in form order; the first invalid one raises InvalidFacility."""
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise InvalidFacility(unknown[0], "bidang fasilitas rujukan tidak dikenal (nama, jenis, alamat, telepon)")
    return {key: check_field(key, values.get(key)) for key in FIELDS}


def describe(facility: dict[str, Any], *, mark_default: bool = False) -> str:
    """One line for lists and the summary: `RSUD Sleman (RS) · Jl. ... · 0274868437`; with
    `mark_default`, the default says so: `RSUD Sleman (RS, bawaan) · ...`."""
    kind = kind_label(facility.get("kind")) + (", bawaan" if mark_default and facility.get("is_default") else "")
    parts = [f"{facility['name']} ({kind})"]
    if facility.get("address"):
        parts.append(str(facility["address"]))
    if facility.get("phone"):
        parts.append(str(facility["phone"]))
    return " · ".join(parts)


def _today() -> Any:
    import datetime as _dt

    return _dt.date.today()
