"""`mtbs init`: create an empty register and record the puskesmas identity.

The identity (name, code, address, kabupaten/kota, province, malaria area, head) is printed on
every document. Values not given as options are asked for when a person is at the keyboard; in a
script (no terminal) the name and the malaria area are required options. Running `init` on an
existing register only updates the identity: it never empties a register.

The first account: a new register gets its head/admin (`kepala`) account here (asked at a terminal,
or `--admin NAMA --admin-nama-lengkap TEKS --sandi-stdin` in a script). Once a register has accounts,
changing its identity needs a login with the right `facility.edit` (the head).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mtbs_tui.register import Register


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
    admin: str | None = None,
    admin_full_name: str | None = None,
    password_from_stdin: bool = False,
    options: dict | None = None,
) -> int:
    from mtbs_tui.register import MALARIA_AREAS, FieldError, Register, RegisterError
    from mtbs_tui.session import SessionError, has_users, login_at

    if malaria_area is not None:
        malaria_area = malaria_area.strip().lower().replace("-", "_").replace(" ", "_")
        if malaria_area == "nonendemis":
            malaria_area = "non_endemis"
        if malaria_area not in MALARIA_AREAS:
            return _err(f"--daerah-malaria: nilai {malaria_area!r} tidak sah (pilihan: {', '.join(MALARIA_AREAS)})")
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
            ("malaria_area", "Daerah malaria", True, MALARIA_AREAS),
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
    actor = "mtbs init"
    if existed and given and has_users(path):
        try:
            actor = login_at(path, options or {}, "facility.edit").username
        except SessionError as exc:
            print(exc.message, file=sys.stderr)
            return exc.code
    # The first account's name and password are asked and checked before the file is made: a
    # password refused ("minimal 8 karakter") left a new register with no account behind.
    try:
        account = _first_account_details(existed and has_users(path), admin, admin_full_name or fields["head_name"],
                                         password_from_stdin, interactive)
    except SessionError as exc:
        print(exc.message, file=sys.stderr)
        return exc.code
    try:
        reg = Register.open(path, create=True)
    except RegisterError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    try:
        if given:
            reg.set_facility(actor=actor, **given)
        facility = reg.facility()
        first_account = _add_first_account(reg, account)
    except FieldError as exc:
        print(f"galat: --{_option(exc.field)}: {exc.message}", file=sys.stderr)
        return 2
    except SessionError as exc:
        print(exc.message, file=sys.stderr)
        return exc.code
    finally:
        reg.close()
    if existed:
        print(f"Database sudah ada: {path}; identitas puskesmas diperbarui." if given
              else f"Database sudah ada: {path}; tidak ada yang diubah.")
    else:
        print(f"Database dibuat: {path}")
    if facility:
        print(f"Puskesmas: {facility['name']} (daerah malaria: {facility.get('malaria_area') or '-'})")
    if first_account:
        print(first_account)
    return 0


def _first_account_details(has_accounts: bool, admin: str | None, full_name: str | None, from_stdin: bool,
                           interactive: bool) -> tuple[str, str, str] | str | None:
    """The head's first account, asked and checked (SessionError naming the option): (user name,
    full name, password); the line to print when none can be made here; None when the register has
    accounts already."""
    from mtbs_tui.accounts import AccountError
    from mtbs_tui.session import SessionError, new_password

    if has_accounts:
        return None
    if admin is None and not interactive:
        return ("Belum ada akun. Buat akun kepala puskesmas: mtbs user add NAMA --peran kepala "
                "--nama-lengkap \"...\"")
    if interactive:
        print("Akun pertama (kepala puskesmas / admin):")
    name = admin or _ask("Nama pengguna (mis. kepala)", required=True) or ""
    label = full_name or (_ask("Nama lengkap", required=True) if interactive else None)
    if not label:
        raise SessionError("galat: --admin-nama-lengkap: wajib diisi (nama lengkap kepala puskesmas)")
    try:
        from mtbs_tui import accounts

        name = accounts.validate_username(name)
        secret = new_password(from_stdin=from_stdin, who=name)
    except AccountError as exc:
        raise SessionError(_account_error_line(exc)) from None
    return name, label, secret


def _account_error_line(exc: Any) -> str:
    field = {"nama_pengguna": "--admin", "nama_lengkap": "--admin-nama-lengkap"}.get(exc.field, exc.field)
    return f"galat: {field}: {exc.message}"


def _add_first_account(reg: Register, account: tuple[str, str, str] | str | None) -> str | None:
    """Create the account `_first_account_details` checked; returns the line to print."""
    from mtbs_tui import users
    from mtbs_tui.accounts import AccountError
    from mtbs_tui.session import SessionError

    if not isinstance(account, tuple):
        return account
    name, label, secret = account
    if users.count_users(reg) > 0:
        return None
    try:
        user = users.add_user(reg, username=name, full_name=label, role="kepala", password=secret, actor=name)
    except AccountError as exc:
        raise SessionError(_account_error_line(exc)) from None
    return f"Akun kepala puskesmas dibuat: {user.username} ({user.full_name})."


def _option(field: str) -> str:
    return {
        "name": "nama", "code": "kode", "address": "alamat", "district": "kabupaten",
        "province": "provinsi", "malaria_area": "daerah-malaria", "head_name": "kepala",
        "head_nip": "nip-kepala",
    }.get(field, field)
