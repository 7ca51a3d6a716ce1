"""`mtbs referral VISIT_ID [-o FILE] [--print] [--tujuan FASKES]`: the referral letter (surat rujukan)
as a PDF (`--tujuan` records the destination, a referral facility, before the letter is made);
`mtbs referral reply VISIT_ID ...`: the hospital's reply; `mtbs referral open`: referrals without one;
`mtbs referral setelan`: the two referral settings."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mtbs_tui.commands._docs import fail, open_register
from mtbs_tui.outputs import policy


def run(db_path: Path, visit_id: int, out: Path | None, *, print_it: bool = False, kind: str = "referral",
        actor: str | None = None, overwrite: bool = False, old_version: bool = False,
        destination: str | None = None) -> int:
    from mtbs_tui.documents.common import DocumentError
    from mtbs_tui.register import FieldError, RegisterError

    build: Callable[..., Path]  # the card's or the letter's builder (the card takes old_version)
    if kind == "card":
        from mtbs_tui.documents.card import build_card_pdf as build
        from mtbs_tui.documents.card import default_name
        what = "Kartu nasihat ibu"
    else:
        from mtbs_tui.documents.referral import build_referral_pdf as build
        from mtbs_tui.documents.referral import default_name
        what = "Surat rujukan"
    from mtbs_tui.documents.common import ending_format
    from mtbs_tui.documents.referral import load_visit

    try:
        if out is not None:
            ending_format(out, ("pdf",))
    except DocumentError as exc:
        return fail(exc.message)
    try:
        register = open_register(db_path)
    except RegisterError as exc:
        return fail(exc.message)
    try:
        if destination is not None:
            # Recorded first (its own transaction, audited): the letter then prints it.
            facility = register.find_referral_facility(destination)
            register.set_referral_destination(visit_id, facility["id"], actor=actor or "mtbs")
        visit = load_visit(register, visit_id)
        target = out if out is not None else Path(default_name(visit))
        with policy(register=db_path, overwrite=overwrite):
            extra = {"old_version": True} if old_version else {}
            path = build(register, visit_id, target, actor=actor, **extra)
    except FieldError as exc:
        return fail(f"--tujuan: {exc.message}" if exc.field == "facility_id" else exc.message)
    except (DocumentError, RegisterError) as exc:
        return fail(exc.message)
    finally:
        register.close()
    print(f"{what} tersimpan: {path}")
    if print_it:
        from mtbs_tui.printing import PrintError, print_file

        try:
            print_file(path)
        except PrintError as exc:
            return fail(exc.message, 1)
        print(f"{what} dikirim ke pencetak.")
    return 0


def reply(db_path: Path, visit_id: int, *, actor: str, received: str, outcome: str, diagnosis: str | None,
          treatment: str | None, advice: str | None, referred_to: str | None, examiner: str | None,
          reason: str | None) -> int:
    """`mtbs referral reply VISIT_ID --tanggal --hasil ...`: record (or correct) the hospital's reply."""
    from mtbs_tui.display import date_text
    from mtbs_tui.register import FieldError, RegisterError

    options = {"received_date": "--tanggal", "outcome": "--hasil", "diagnosis": "--diagnosis",
               "treatment": "--terapi", "advice": "--anjuran", "referred_to": "--dirujuk-ke",
               "examiner": "--dokter", "reason": "--alasan"}
    try:
        register = open_register(db_path)
    except RegisterError as exc:
        return fail(exc.message)
    try:
        register.record_referral_reply(
            visit_id, received_date=received, outcome=outcome, diagnosis=diagnosis, treatment=treatment,
            advice=advice, referred_to=referred_to, examiner=examiner, actor=actor, reason=reason)
        referred = register.referred_visit(visit_id)
        saved = register.referral_reply(referred["visit_uid"])
        visit = register.get_visit(referred["id"])
    except FieldError as exc:
        return fail(f"{options.get(exc.field, exc.field)}: {exc.message}")
    except RegisterError as exc:
        return fail(exc.message)
    finally:
        register.close()
    patient = visit["patient"]
    what = "Koreksi balasan rujukan" if saved["version"] > 1 else "Balasan rujukan"
    print(f"{what} tersimpan (versi {saved['version']}): kunjungan {visit['id']} {date_text(visit['visit_date'])}, "
          f"{patient['mrn']} {patient['name']}: {saved['outcome_label']}, diterima {date_text(saved['received_date'])}.")
    return 0


def open_list(db_path: Path, *, actor: str) -> int:
    """`mtbs referral open`: the referrals without a reply, oldest first."""
    import datetime as _dt

    from mtbs_tui.display import date_text
    from mtbs_tui.register import RegisterError

    try:
        register = open_register(db_path)
    except RegisterError as exc:
        return fail(exc.message)
    try:
        rows = register.open_referrals(_dt.date.today())
        days = register.referral_reply_days()
        register.audit("rujukan.terbuka.lihat", actor=actor, detail=f"{len(rows)} rujukan")
    except RegisterError as exc:
        return fail(exc.message)
    finally:
        register.close()
    if not rows:
        print("Tidak ada rujukan yang belum dibalas.")
        return 0
    print(f"{len(rows)} rujukan belum ada balasan (ditandai setelah {days} hari), yang terlama dahulu:")
    for r in rows:
        flag = "  BELUM ADA BALASAN" if r["overdue"] else ""
        where = r["destination"] or "tujuan belum dicatat"
        if r.get("destination_phone"):
            where += f" (telp faskes {r['destination_phone']})"
        print(f"{r['days_open']:>4} hr  kunjungan {r['id']}  {date_text(r['visit_date'])}  {r['mrn']} "
              f"{r['patient_name']} ({r['age_text']})  {where}  telp keluarga {r['phone'] or '-'}{flag}")
    return 0


def settings(db_path: Path, *, actor: str, reply_days: int | None, recent_days: int | None) -> int:
    """`mtbs referral setelan [--hari-balasan N] [--hari-beranda N]`: show (and set) the two
    referral settings, `referral_reply_days` and `referral_recent_days` (audited pengaturan.ubah)."""
    from mtbs_tui.register import RegisterError

    try:
        register = open_register(db_path)
    except RegisterError as exc:
        return fail(exc.message)
    try:
        for key, value in (("referral_reply_days", reply_days), ("referral_recent_days", recent_days)):
            if value is not None:
                register.set_setting(key, str(value), actor=actor)
        shown = (register.referral_reply_days(), register.referral_recent_days())
    except RegisterError as exc:
        return fail(exc.message)
    finally:
        register.close()
    print(f"Rujukan tanpa balasan ditandai BELUM ADA BALASAN setelah {shown[0]} hari (referral_reply_days).")
    print(f"Panel Beranda: rujukan tanpa balasan {shown[1]} hari terakhir (referral_recent_days).")
    return 0
