"""`mtbs pasien duplikat`, `mtbs pasien gabung A B --alasan` and `mtbs pasien batal-gabung N
--alasan` (head of the puskesmas only): likely duplicate records, merging two records of one
child and reversing a merge. The duplicate query is the register's (`Register.likely_duplicates`),
the same one that warns at registration."""
from __future__ import annotations

from typing import Any

from mtbs_tui.commands._docs import fail, open_and_login


def _describe(p: dict) -> str:
    from mtbs_tui.display import date_text

    parts = [f"{p['mrn']} {p['name']} ({p['sex']})", f"lahir {date_text(p['birth_date'])}",
             f"ibu {p.get('parent_name') or '-'}"]
    if p.get("nik"):
        parts.append(f"NIK {p['nik']}")
    if p.get("village"):
        parts.append(f"desa {p['village']}")
    if "visit_count" in p:
        parts.append(f"{p['visit_count']} kunjungan")
    return " · ".join(parts)


def duplicates(ctx: Any, limit: int) -> int:
    from mtbs_tui.register import RegisterError
    from mtbs_tui.session import SessionError

    try:
        register, actor = open_and_login(ctx, "patient.duplicates")
    except (RegisterError, SessionError) as exc:
        return fail(exc.message)
    try:
        pairs = register.likely_duplicates(limit=limit)
        days = register.duplicate_birth_days()
        register.audit("pasien.duplikat.lihat", actor=actor, detail=f"{len(pairs)} pasangan")
    finally:
        register.close()
    if not pairs:
        print(f"Tidak ada pasien yang mungkin ganda (NIK sama; atau NIK ibu sama, atau nama dan nama ibu "
              f"sama, dengan tanggal lahir selisih paling banyak {days} hari).")
        return 0
    print(f"{len(pairs)} pasangan pasien yang mungkin anak yang sama (selisih tanggal lahir paling banyak "
          f"{days} hari):")
    for number, pair in enumerate(pairs, 1):
        print(f"{number:>3}. {', '.join(pair['reasons'])}")
        print(f"     A {_describe(pair['a'])}")
        print(f"     B {_describe(pair['b'])}")
    print("Gabungkan yang memang anak yang sama: mtbs pasien gabung <RM yang dipakai> <RM yang digabung> "
          "--alasan \"...\"")
    return 0


def _open_for_merge(ctx: Any, reason: str) -> tuple[Any, str] | int:
    """(register, actor) for `gabung`/`batal-gabung`, or the exit status after one `galat:` line."""
    from mtbs_tui.register import RegisterError
    from mtbs_tui.session import SessionError

    if not reason.strip():
        return fail("--alasan: alasan wajib diisi")
    try:
        return open_and_login(ctx, "patient.merge")
    except (RegisterError, SessionError) as exc:
        return fail(exc.message)


def merge(ctx: Any, keep: str, other: str, reason: str) -> int:
    from mtbs_tui.register import RegisterError

    opened = _open_for_merge(ctx, reason)
    if isinstance(opened, int):
        return opened
    register, actor = opened
    try:
        found = []
        for argument, text in (("A", keep), ("B", other)):
            try:
                found.append(register.resolve_patient(text))
            except RegisterError as exc:
                return fail(f"{argument}: {exc.message}")
        kept, merged = found
        before = register.visit_count(merged["id"])
        number = register.merge_patients(kept["id"], merged["id"], actor=actor, reason=reason)
    except RegisterError as exc:
        return fail(exc.message)
    finally:
        register.close()
    print(f"Digabung (penggabungan {number}): {before} kunjungan {merged['mrn']} {merged['name']} "
          f"sekarang pada {kept['mrn']} {kept['name']}.")
    print(f"Data {merged['mrn']} tetap tersimpan, tidak muncul lagi di pencarian. "
          f"Membatalkan: mtbs pasien batal-gabung {number} --alasan \"...\"")
    return 0


def unmerge(ctx: Any, number: int, reason: str) -> int:
    from mtbs_tui.register import RegisterError

    opened = _open_for_merge(ctx, reason)
    if isinstance(opened, int):
        return opened
    register, actor = opened
    try:
        register.unmerge_patients(number, actor=actor, reason=reason)
        row = register.patient_merges()
        merge = next(m for m in row if m["id"] == number)
        kept = register.get_patient(merge["kept_id"])
        merged = register.get_patient(merge["merged_id"])
    except RegisterError as exc:
        return fail(f"NOMOR: {exc.message}" if exc.kind == "tidak_ada" else exc.message)
    finally:
        register.close()
    print(f"Penggabungan {number} dibatalkan: {merged['mrn']} {merged['name']} aktif lagi dengan "
          f"kunjungannya; {kept['mrn']} {kept['name']} tetap.")
    return 0
