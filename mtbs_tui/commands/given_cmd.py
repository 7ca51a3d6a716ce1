"""`mtbs tindakan lihat VISIT_ID` and `mtbs tindakan catat VISIT_ID ...` (issue 17 item 1): what
was actually given at a saved visit, shown or recorded from a script. The record, its checks and
its versions are the register's (`Register.record_given`); the vocabulary is `mtbs_tui.given`.

Bad input (an unknown visit, a time before the visit, an unknown treatment code, a reason not on
the list) is one `galat:` line and exit status 2; nothing is written."""
from __future__ import annotations

from typing import Any

from mtbs_tui.commands._docs import fail, open_and_login


def describe(visit: dict[str, Any]) -> list[str]:
    """The lines `lihat` prints (and `catat` after saving): each recommended treatment with its
    outcome or "belum dicatat", then the deviations numbered T1, T2, ..."""
    from mtbs_tui import given
    from mtbs_tui.display import date_text, written_time_text

    patient = visit.get("patient") or {}
    record = visit.get("given")
    lines = [f"Kunjungan {visit['id']} · {patient.get('name', '-')} ({patient.get('mrn', '-')}) · "
             f"{date_text(visit.get('visit_date'))} {written_time_text(visit.get('visit_at'))}".rstrip()]
    if record:
        lines.append(f"Dicatat: versi {record['version']} oleh {record['recorded_by']}, "
                     f"{date_text(record['recorded_at'][:10])} {written_time_text(record['recorded_at'])}"
                     + (f" · alasan: {record['reason']}" if record.get("reason") else ""))
    else:
        lines.append("Belum ada yang dicatat.")
    rows = given.confirmation(visit.get("treatments") or [], record)
    if not rows:
        lines.append("Tidak ada tindakan yang dianjurkan bagan untuk kunjungan ini.")
    deviation = 0
    for t, item in rows:
        if t.get("code") is None:
            deviation += 1
            assert item is not None
            lines.append(f"  T{deviation}. {item.label}: {item.text()}")
            continue
        state = item.text() if item else "belum dicatat"
        lines.append(f"  {t['code']}: {t.get('label') or t['code']}: {state}")
    return lines


def show(ctx: Any, visit_id: int, *, all_versions: bool = False) -> int:
    from mtbs_tui.register import RegisterError
    from mtbs_tui.session import SessionError

    try:
        register, actor = open_and_login(ctx, "visit.view")
    except (RegisterError, SessionError) as exc:
        return fail(exc.message)
    try:
        visit = register.get_visit(visit_id)
        if visit["status"] != "final":
            return fail(f"VISIT_ID: kunjungan {visit_id} masih draf")
        # Every earlier version too (oldest first): nothing recorded is ever overwritten.
        earlier = register.given_versions(visit["visit_uid"])[:-1] if all_versions else []
        register.audit("tindakan.lihat", actor=actor, patient_id=visit["patient_id"],
                       detail=f"kunjungan {visit_id}")
    except RegisterError as exc:
        return fail(f"VISIT_ID: {exc.message}")
    finally:
        register.close()
    for record in earlier:
        print("\n".join(describe(dict(visit, given=record))[1:]))
        print("  (versi lama, sudah diganti)")
    print("\n".join(describe(visit)))
    return 0


def _split(option: str, value: str) -> tuple[str, str]:
    code, sep, rest = value.partition("=")
    if not sep or not code.strip() or not rest.strip():
        raise ValueError(f"{option}: tulis KODE=TEKS, mis. {option} AMOKSISILIN="
                         + ("stok_habis" if option == "--tidak" else "kotrimoksazol sirup 2x5 mL"))
    return code.strip().upper(), rest.strip()


def changes_from_options(*, all_given: bool, time: str | None, given_codes: list[str], not_given: list[str],
                         otherwise: list[str], extra: list[str], extra_home: list[str]) -> list[dict[str, Any]]:
    """The changes the options name (ValueError with one line for a malformed option). `--semua`
    is resolved later against the visit (every treatment not named and not yet recorded)."""
    changes: list[dict[str, Any]] = []
    for value in given_codes:
        code, _, hour = value.partition("@")
        if not code.strip():
            raise ValueError("--diberikan: tulis KODE atau KODE@jj:mm")
        changes.append({"code": code.strip().upper(), "outcome": "diberikan", "time": hour.strip() or time})
    for value in not_given:
        code, rest = _split("--tidak", value)
        reason, _, note = rest.partition(":")
        changes.append({"code": code, "outcome": "tidak_diberikan", "reason": reason.strip(),
                        "note": note.strip() or None})
    for value in otherwise:
        code, note = _split("--lain", value)
        changes.append({"code": code, "outcome": "diberikan_lain", "note": note, "time": time})
    for value, home in [(v, False) for v in extra] + [(v, True) for v in extra_home]:
        changes.append({"code": None, "outcome": "tambahan", "note": value, "time": time, "for_home": home})
    return changes


def record(ctx: Any, visit_id: int, *, all_given: bool, time: str | None, given_codes: list[str],
           not_given: list[str], otherwise: list[str], extra: list[str], extra_home: list[str],
           remove: list[int], reason: str | None) -> int:
    from mtbs_tui import given
    from mtbs_tui.register import FieldError, RegisterError
    from mtbs_tui.session import SessionError

    try:
        changes = changes_from_options(all_given=all_given, time=time, given_codes=given_codes,
                                       not_given=not_given, otherwise=otherwise, extra=extra,
                                       extra_home=extra_home)
    except ValueError as exc:
        return fail(str(exc))
    if not changes and not all_given and not remove:
        return fail("tidak ada yang dicatat; pakai --semua, --diberikan, --tidak, --lain, --tambahan "
                    "atau --hapus-tambahan")
    try:
        register, actor = open_and_login(ctx, "treatment.record")
    except (RegisterError, SessionError) as exc:
        return fail(exc.message)
    try:
        try:
            visit = register.get_visit(visit_id)
        except RegisterError as exc:
            return fail(f"VISIT_ID: {exc.message}")
        refused = _given_hour_problem(given_codes, visit["visit_at"])
        if refused:
            return fail(refused)
        if all_given:
            named = {c["code"] for c in changes if c.get("code")}
            changes = given.rest_given(visit["treatments"], visit.get("given"), time, skip=named) + changes
        try:
            version = register.record_given(visit_id, changes, actor=actor, remove_deviations=remove,
                                            reason=reason)
        except FieldError as exc:
            return fail(f"{_option_of(exc.field)}: {exc.message}")
        except RegisterError as exc:
            return fail(f"VISIT_ID: {exc.message}")
        visit = register.get_visit(visit_id)
    finally:
        register.close()
    print(f"Tersimpan: tindakan kunjungan {visit_id} versi {version} "
          f"({given.summary_text(visit['treatments'], visit['given'])}).")
    print("\n".join(describe(visit)[1:]))
    return 0


def _given_hour_problem(given_codes: list[str], visit_at: str) -> str | None:
    """The line for a bad hour in `--diberikan KODE@jj:mm`, naming that option (the register's
    check named `--jam`, which she had not typed), else None."""
    import datetime as _dt

    from mtbs_tui.given import GivenError, parse_time

    for value in given_codes:
        code, _, hour = value.partition("@")
        if hour.strip():
            try:
                parse_time(hour, visit_at, now=_dt.datetime.now())
            except GivenError as exc:
                return f"--diberikan {code.strip().upper()}@jj:mm: {exc.message}"
    return None


def _option_of(field: str) -> str:
    """The option a register field error came from."""
    return {"jam": "--jam", "kode": "KODE", "alasan": "--tidak ALASAN", "alasan lainnya": "--tidak KODE=lainnya:TEKS",
            "obat/dosis lain": "--lain", "tindakan tambahan": "--tambahan", "hapus_tambahan": "--hapus-tambahan",
            "tindakan": "tindakan"}.get(field, field)
