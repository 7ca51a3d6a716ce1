"""`mtbs audit verify` and `mtbs audit show [--pasien ID] [--limit N]` (action `audit.verify`:
head and read-only reviewer). Each run writes one audit entry besides the login entry; `verify`
writes it only after the chain was recomputed, so the entry never hides what it reports."""
from __future__ import annotations

from typing import Any

from mtbs_tui.commands._docs import fail


def _open_and_login(ctx: Any) -> tuple[Any, str]:
    from mtbs_tui.cli import db_path
    from mtbs_tui.register import Register
    from mtbs_tui.session import login_for

    register = Register.open(db_path(ctx))
    try:
        return register, login_for(register, ctx.obj, "audit.verify").username
    except BaseException:
        register.close()
        raise


def verify(ctx: Any) -> int:
    from mtbs_tui import audit
    from mtbs_tui.register import RegisterError
    from mtbs_tui.session import SessionError

    try:
        register, actor = _open_and_login(ctx)
    except (RegisterError, SessionError) as exc:
        return fail(exc.message)
    try:
        result = audit.verify(register.db.conn)
        register.audit("audit.periksa", actor=actor, detail="utuh" if result.ok else "rusak")
    finally:
        register.close()
    if result.ok:
        print(result.message())
        return 0
    print(result.message(), file=__import__("sys").stderr)
    return 1


def show(ctx: Any, patient: int | None, limit: int) -> int:
    from mtbs_tui import audit
    from mtbs_tui.register import RegisterError
    from mtbs_tui.session import SessionError

    try:
        register, actor = _open_and_login(ctx)
    except (RegisterError, SessionError) as exc:
        return fail(exc.message)
    try:
        rows = register.audit_log(patient_id=patient, limit=limit)
        register.audit("audit.lihat", actor=actor, patient_id=patient, detail=f"{len(rows)} entri")
    finally:
        register.close()
    if not rows:
        print("Tidak ada entri jejak audit" + (f" untuk pasien {patient}." if patient is not None else "."))
        return 0
    print(f"{'#':>6}  {'WAKTU':<19}  {'PENGGUNA':<14} {'KOMPUTER':<16} {'PASIEN':>7}  TINDAKAN / KETERANGAN")
    # Every stored text goes through audit.printable: one entry is one line, whatever it holds.
    safe = audit.printable
    for row in reversed(rows):
        at = safe(row.get("at")).replace("T", " ")[:19]
        pid = "" if row.get("patient_id") is None else safe(row["patient_id"])
        detail = f"  {safe(row['detail'])}" if row.get("detail") else ""
        print(f"{safe(row['id']):>6}  {at:<19}  {safe(row.get('actor') or '-'):<14} "
              f"{safe(row.get('workstation') or '-')[:16]:<16} {pid:>7}  {safe(row['action'])}{detail}")
    return 0
