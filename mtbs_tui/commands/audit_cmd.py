"""`mtbs audit verify` and `mtbs audit show [--pasien ID] [--limit N]` (action `audit.verify`:
head and read-only reviewer). Each run writes one audit entry besides the login entry; `verify`
writes it only after the chain was recomputed, so the entry never hides what it reports."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from mtbs_tui.commands._docs import fail, open_and_login


def backup_anchors(db_path: Path, folders: list[Path]) -> list[Any]:
    """The chain heads recorded beside this register's backups (`rantai-audit-cadangan.txt` in the
    backup folder of the settings, `cadangan/` beside the register, and each folder given)."""
    from mtbs_tui import audit, backup

    seen: set[Path] = set()
    anchors = []
    for folder in [backup.backup_dir_for(db_path), backup.default_backup_folder(db_path), *folders]:
        key = Path(folder).resolve()
        if key in seen:
            continue
        seen.add(key)
        for name, (count, head, intact) in backup.chain_index(folder).items():
            made = backup.backup_made_at(name, db_path.stem)
            if not intact or head == "-" or made is None:
                continue
            anchors.append(audit.Anchor(f"cadangan {name}", head, count, made.isoformat(timespec="seconds")))
    return anchors


def verify(ctx: Any, folders: list[Path] | None = None, printed_heads: list[str] | None = None) -> int:
    """Recompute the chain (entries, triggers, accounts), then compare it with the heads written
    outside the file: the backups' index and heads printed on documents (`--kepala-dokumen`)."""
    from mtbs_tui import audit
    from mtbs_tui.paths import chosen_db_path
    from mtbs_tui.register import RegisterError
    from mtbs_tui.session import SessionError

    # Bad input is refused before anything is checked or recorded: a mistyped head is not a
    # rewritten chain ("audit.periksa rusak"), and a folder that is not there (a flash disk not
    # plugged in) is not a backup folder whose heads all matched.
    for head in printed_heads or []:
        problem = audit.printed_head_problem(head.strip().lower())
        if problem:
            return fail(f"--kepala-dokumen: {problem}")
    from mtbs_tui.backup import CHAIN_INDEX

    for folder in folders or []:
        if not Path(folder).is_dir():
            return fail(f"--cadangan: {folder}: folder tidak ditemukan")
        if not (Path(folder) / CHAIN_INDEX).is_file():
            return fail(f"--cadangan: {folder}: tidak ada {CHAIN_INDEX} (bukan folder cadangan register ini?)")
    try:
        register, actor = open_and_login(ctx, "audit.verify")
    except (RegisterError, SessionError) as exc:
        return fail(exc.message)
    anchors = backup_anchors(Path(chosen_db_path(ctx.obj)), list(folders or []))
    anchors += [audit.Anchor("dokumen", head.strip().lower()) for head in printed_heads or []]
    try:
        result = audit.verify(register.db.conn)
        compared = skipped = 0
        if result.ok:
            problem, compared, skipped = audit.check_anchors(register.db.conn, anchors)
            if problem:
                result = audit.VerifyResult(False, result.count, result.head, None, problem, where="")
        register.audit("audit.periksa", actor=actor, detail="utuh" if result.ok else "rusak")
    finally:
        register.close()
    if result.ok:
        print(result.message())
        if anchors:
            note = f"; {skipped} dilewati (dibuat sebelum pemulihan cadangan)" if skipped else ""
            print(f"cocok dengan {compared} kepala rantai yang tercatat di luar berkas (cadangan, dokumen){note}")
        return 0
    print(result.message(), file=__import__("sys").stderr)
    return 1


def show(ctx: Any, patient: int | None, limit: int) -> int:
    from mtbs_tui import audit
    from mtbs_tui.register import RegisterError
    from mtbs_tui.session import SessionError

    try:
        register, actor = open_and_login(ctx, "audit.verify")
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
