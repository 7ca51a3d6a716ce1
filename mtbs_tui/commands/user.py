"""`mtbs user add|ubah|list|disable|enable|buka-kunci|reset-password`: accounts, managed by the head (kepala).

Every command logs its user in and checks `user.manage`, except the very first `user add` of a
register without accounts: that one needs no login and must create a `kepala` account.
Each command writes exactly one audit entry besides the login entry.
"""
from __future__ import annotations

from typing import Any

from mtbs_tui.commands._docs import fail


def _open(ctx: Any) -> Any:
    from mtbs_tui.paths import chosen_db_path
    from mtbs_tui.register import Register

    return Register.open(chosen_db_path(ctx.obj))


def _session(ctx: Any, register: Any) -> str:
    """Log in (user.manage) on the open register; returns the actor's username."""
    from mtbs_tui.session import login_for

    return login_for(register, ctx.obj, "user.manage").username


def _run(ctx: Any, body: Any) -> int:
    from mtbs_tui.accounts import AccountError
    from mtbs_tui.register import RegisterError
    from mtbs_tui.session import SessionError

    try:
        register = _open(ctx)
    except RegisterError as exc:
        return fail(exc.message)
    try:
        return body(register)
    except SessionError as exc:
        return fail(exc.message, exc.code)
    except AccountError as exc:
        return fail(f"{_OPTION.get(exc.field, exc.field)}: {exc.message}")
    except RegisterError as exc:
        return fail(exc.message)
    finally:
        register.close()


_OPTION = {
    "nama_pengguna": "NAMA",
    "nama_lengkap": "--nama-lengkap",
    "peran": "--peran",
    "kata_sandi": "kata sandi",
    "nip": "--nip",
    "str": "--str",
}


def add(ctx: Any, username: str, full_name: str | None, role: str, password_from_stdin: bool, *,
        nip: str | None = None, str_number: str | None = None) -> int:
    from mtbs_tui import accounts, users
    from mtbs_tui.session import new_password

    def body(register: Any) -> int:
        role_ = role.strip().lower()
        accounts.validate_role(role_)
        name = accounts.validate_username(username)
        if users.count_users(register) == 0:
            # First run: no one to log in as yet; only the head's account may be made this way.
            if role_ != "kepala":
                return fail("--peran: akun pertama harus kepala puskesmas (--peran kepala)")
            actor = name
        else:
            actor = _session(ctx, register)
        label = (full_name or "").strip()
        if not label:
            return fail("--nama-lengkap: wajib diisi (nama lengkap petugas)")
        accounts.validate_nip(nip)  # before the password prompt: a typo costs no retyping
        accounts.validate_str_number(str_number)
        secret = new_password(from_stdin=password_from_stdin, who=name)
        user = users.add_user(register, username=name, full_name=label, role=role_, password=secret, actor=actor,
                              nip=nip, str_number=str_number)
        print(f"Akun {user.username} dibuat: {user.full_name}, peran {user.role_label}.")
        return 0

    return _run(ctx, body)


def change(ctx: Any, username: str, *, full_name: str | None, nip: str | None, str_number: str | None) -> int:
    from mtbs_tui import users

    def body(register: Any) -> int:
        if full_name is None and nip is None and str_number is None:
            return fail("ubah: beri paling sedikit satu dari --nama-lengkap, --nip atau --str")
        actor = _session(ctx, register)
        name = username.strip().lower()
        given: dict[str, Any] = {k: v for k, v in (("full_name", full_name), ("nip", nip), ("str_number", str_number))
                 if v is not None}
        changed = users.set_identity(register, name, actor=actor, **given)
        print(f"Akun {name} diubah: {', '.join(_CHANGED[k] for k in sorted(changed))}." if changed
              else f"Akun {name} tidak berubah.")
        return 0

    return _run(ctx, body)


_CHANGED = {"full_name": "nama lengkap", "nip": "NIP", "str_number": "STR"}


def list_users(ctx: Any) -> int:
    from mtbs_tui import accounts, users

    def body(register: Any) -> int:
        actor = _session(ctx, register)
        rows = users.list_users(register)
        register.audit("akun.daftar", actor=actor, detail=f"{len(rows)} akun")
        print(f"{'NAMA':<20} {'PERAN':<26} {'STATUS':<9} {'MASUK TERAKHIR':<20} NAMA LENGKAP")
        for row in rows:
            status = "aktif" if row["active"] else "nonaktif"
            if users.is_locked(register, row["id"], row["role"], row["failed_count"]):
                status = "terkunci"
            last = (row["last_login_at"] or "-").replace("T", " ")[:19]
            role = accounts.ROLE_LABELS.get(row["role"], row["role"])
            print(f"{row['username']:<20} {role:<26} {status:<9} {last:<20} {row['full_name']}")
        return 0

    return _run(ctx, body)


def set_active(ctx: Any, username: str, active: bool) -> int:
    from mtbs_tui import users

    def body(register: Any) -> int:
        actor = _session(ctx, register)
        name = username.strip().lower()
        users.set_active(register, name, active, actor=actor)
        print(f"Akun {name} " + ("diaktifkan kembali." if active else "dinonaktifkan; tidak bisa masuk lagi."))
        return 0

    return _run(ctx, body)


def unlock(ctx: Any, username: str) -> int:
    from mtbs_tui import users

    def body(register: Any) -> int:
        actor = _session(ctx, register)
        name = username.strip().lower()
        if users.unlock(register, name, actor=actor):
            print(f"Akun {name} dibuka: boleh mencoba masuk lagi.")
        else:
            print(f"Akun {name} tidak terkunci; tidak ada yang diubah.")
        return 0

    return _run(ctx, body)


def reset_password(ctx: Any, username: str, password_from_stdin: bool) -> int:
    from mtbs_tui import users
    from mtbs_tui.session import new_password

    def body(register: Any) -> int:
        actor = _session(ctx, register)
        name = username.strip().lower()
        if users.get_user(register, name) is None:
            return fail(f"NAMA: pengguna {name!r} tidak ada")
        secret = new_password(from_stdin=password_from_stdin, who=name)
        users.reset_password(register, name, secret, actor=actor)
        print(f"Kata sandi {name} diganti.")
        return 0

    return _run(ctx, body)
