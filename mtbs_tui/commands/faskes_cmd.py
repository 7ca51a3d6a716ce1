"""`mtbs faskes list|add|ubah|disable|enable|default`: the referral facilities (issue 17).

Listing needs `referral_facility.view` (every role); changing the list needs
`referral_facility.manage` (the head). Every change is one register transaction with its audit
entry (`faskes.*`); bad input is one `galat:` line naming the option, exit 2, nothing written.
"""
from __future__ import annotations

from typing import Any, Callable

from mtbs_tui.commands._docs import fail, open_and_login
from mtbs_tui.referral_facilities import FIELD_SPECS

# Register field -> the option that sets it (for the one-line error), from the facility fields.
_OPTION = {**{f.key: f.option for f in FIELD_SPECS}, "facility_id": "FASKES"}
_CHANGED = {f.key: f.option.lstrip("-") for f in FIELD_SPECS}


def _run(ctx: Any, action: str, body: Callable[[Any, str], int]) -> int:
    from mtbs_tui.register import FieldError, RegisterError
    from mtbs_tui.session import SessionError

    try:
        register, actor = open_and_login(ctx, action)
    except SessionError as exc:
        return fail(exc.message, exc.code)
    except RegisterError as exc:
        return fail(exc.message)
    try:
        return body(register, actor)
    except FieldError as exc:
        return fail(f"{_OPTION.get(exc.field, exc.field)}: {exc.message}")
    except RegisterError as exc:
        return fail(exc.message)
    finally:
        register.close()


def list_facilities(ctx: Any, everything: bool) -> int:
    from mtbs_tui.referral_facilities import kind_label

    def body(register: Any, actor: str) -> int:
        rows = register.referral_facilities(include_inactive=everything)
        if not rows:
            print("Belum ada fasilitas rujukan. Kepala puskesmas menambahkannya: "
                  "mtbs faskes add --nama \"RSUD ...\" --jenis rs")
            return 0
        wide = min(max(34, *(len(r["name"]) for r in rows)), 60)
        print(f"{'NO':>4}  {'JENIS':<6} {'NAMA':<{wide}} {'TELEPON':<15} ALAMAT")
        for row in rows:
            mark = "*" if row["is_default"] else ("-" if not row["active"] else " ")
            print(f"{row['id']:>4}{mark} {kind_label(row['kind']):<6} {row['name']:<{wide}} "
                  f"{row['phone'] or '-':<15} {row['address'] or '-'}")
        notes = ["* tujuan bawaan"] + (["- nonaktif"] if everything else [])
        print(" · ".join(notes))
        return 0

    return _run(ctx, "referral_facility.view", body)


def add(ctx: Any, *, name: str, kind: str, address: str | None, phone: str | None, default: bool) -> int:
    def body(register: Any, actor: str) -> int:
        number = register.add_referral_facility(name=name, kind=kind, address=address, phone=phone,
                                                default=default, actor=actor)
        row = register.referral_facility(number)
        print(f"Fasilitas rujukan {number} ditambahkan: {row['line']}"
              + (" (tujuan bawaan)." if row["is_default"] else "."))
        return 0

    return _run(ctx, "referral_facility.manage", body)


def change(ctx: Any, facility: str, changes: dict[str, str | None]) -> int:
    given = {k: v for k, v in changes.items() if v is not None}
    if not given:
        return fail("ubah: beri paling sedikit satu dari --nama, --jenis, --alamat atau --telepon")

    def body(register: Any, actor: str) -> int:
        row = register.find_referral_facility(facility)
        changed = register.update_referral_facility(row["id"], given, actor=actor)
        if changed:
            print(f"Fasilitas rujukan {row['id']} diubah: {', '.join(_CHANGED[k] for k in changed)}. "
                  f"Sekarang: {register.referral_facility(row['id'])['line']}")
        else:
            print(f"Fasilitas rujukan {row['id']} tidak berubah.")
        return 0

    return _run(ctx, "referral_facility.manage", body)


def set_active(ctx: Any, facility: str, active: bool) -> int:
    def body(register: Any, actor: str) -> int:
        row = register.find_referral_facility(facility)
        register.set_referral_facility_active(row["id"], active, actor=actor)
        print(f"Fasilitas rujukan {row['id']} {row['name']} "
              + ("aktif kembali." if active else "dinonaktifkan; tidak bisa dipilih lagi (rujukan lama tetap)."))
        return 0

    return _run(ctx, "referral_facility.manage", body)


def set_default(ctx: Any, facility: str) -> int:
    def body(register: Any, actor: str) -> int:
        row = register.find_referral_facility(facility)
        register.set_default_referral_facility(row["id"], actor=actor)
        print(f"Tujuan bawaan rujukan sekarang: {row['id']} {row['name']}.")
        return 0

    return _run(ctx, "referral_facility.manage", body)
