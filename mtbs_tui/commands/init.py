"""`mtbs init`: create an empty register and record the puskesmas identity.

The identity (name, code, address, kabupaten/kota, province, malaria area, head) is printed on
every document. Values not given as options are asked for when a person is at the keyboard; in a
script (no terminal) the name and the malaria area are required options. Running `init` on an
existing register only updates the identity: it never empties a register.
"""
from __future__ import annotations

import sys
from pathlib import Path

MALARIA_CHOICES = ("tinggi", "rendah", "non_endemis")


def _err(message: str) -> int:
    print(f"galat: {message}", file=sys.stderr)
    return 2


def _ask(label: str, *, required: bool = False, choices: tuple[str, ...] = ()) -> str | None:
    """One question on the terminal; empty answer = skip (unless required)."""
    suffix = f" ({'/'.join(choices)})" if choices else ("" if required else " (boleh kosong)")
    while True:
        try:
            answer = input(f"{label}{suffix}: ").strip()
        except EOFError:
            return None
        if choices and answer and answer not in choices:
            print(f"  pilihan: {', '.join(choices)}", file=sys.stderr)
            continue
        if answer or not required:
            return answer or None
        print("  wajib diisi", file=sys.stderr)


def run(
    path: Path,
    *,
    name: str | None = None,
    code: str | None = None,
    address: str | None = None,
    district: str | None = None,
    province: str | None = None,
    malaria_area: str | None = None,
    head_name: str | None = None,
    head_nip: str | None = None,
) -> int:
    from mtbs_tui.register import FieldError, Register, RegisterError

    if malaria_area is not None:
        malaria_area = malaria_area.strip().lower().replace("-", "_").replace(" ", "_")
        if malaria_area == "nonendemis":
            malaria_area = "non_endemis"
        if malaria_area not in MALARIA_CHOICES:
            return _err(f"--daerah-malaria: nilai {malaria_area!r} tidak sah (pilihan: tinggi, rendah, non_endemis)")
    if name is not None and not name.strip():
        return _err("--nama: nama puskesmas tidak boleh kosong")

    existed = path.exists() and path.stat().st_size > 0
    # Validate the file before asking anything: a damaged or foreign file is refused untouched.
    if existed:
        try:
            Register.open(path, create=False).close()
        except RegisterError as exc:
            print(str(exc), file=sys.stderr)
            return 2

    fields = dict(name=name, code=code, address=address, district=district, province=province,
                  malaria_area=malaria_area, head_name=head_name, head_nip=head_nip)
    interactive = sys.stdin is not None and sys.stdin.isatty()
    if interactive and not existed:
        print("Identitas puskesmas (dicetak pada setiap dokumen):")
        questions = (
            ("name", "Nama puskesmas", True, ()),
            ("code", "Kode puskesmas", False, ()),
            ("address", "Alamat", False, ()),
            ("district", "Kabupaten/kota", False, ()),
            ("province", "Provinsi", False, ()),
            ("malaria_area", "Daerah malaria", True, MALARIA_CHOICES),
            ("head_name", "Nama kepala puskesmas", False, ()),
            ("head_nip", "NIP kepala puskesmas", False, ()),
        )
        for key, label, required, choices in questions:
            if fields[key] is None:
                fields[key] = _ask(label, required=required, choices=choices)
    if not existed:
        if not fields["name"]:
            return _err("--nama: wajib diisi (nama puskesmas)")
        if not fields["malaria_area"]:
            return _err("--daerah-malaria: wajib diisi (tinggi, rendah atau non_endemis)")

    given = {k: v for k, v in fields.items() if v is not None}
    for key, value in given.items():
        if len(value) > 200:
            return _err(f"--{_option(key)}: terlalu panjang (paling banyak 200 huruf)")
    if not path.parent.exists():
        return _err(f"{path.parent}: folder tidak ditemukan")
    try:
        reg = Register.open(path, create=True)
    except RegisterError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    try:
        if given:
            reg.set_facility(actor="mtbs init", **given)
        facility = reg.facility()
    except FieldError as exc:
        print(f"galat: --{_option(exc.field)}: {exc.message}", file=sys.stderr)
        return 2
    finally:
        reg.close()
    if existed:
        print(f"Database sudah ada: {path}; identitas puskesmas diperbarui." if given
              else f"Database sudah ada: {path}; tidak ada yang diubah.")
    else:
        print(f"Database dibuat: {path}")
    if facility:
        print(f"Puskesmas: {facility['name']} (daerah malaria: {facility.get('malaria_area') or '-'})")
    return 0


def _option(field: str) -> str:
    return {
        "name": "nama", "code": "kode", "address": "alamat", "district": "kabupaten",
        "province": "provinsi", "malaria_area": "daerah-malaria", "head_name": "kepala",
        "head_nip": "nip-kepala",
    }.get(field, field)
