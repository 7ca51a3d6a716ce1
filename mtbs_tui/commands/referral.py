"""`mtbs referral VISIT_ID [-o FILE] [--print]`: the referral letter (surat rujukan) as a PDF."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mtbs_tui.commands._docs import fail, open_register
from mtbs_tui.outputs import policy


def run(db_path: Path, visit_id: int, out: Path | None, *, print_it: bool = False, kind: str = "referral",
        actor: str | None = None, overwrite: bool = False, old_version: bool = False) -> int:
    from mtbs_tui.documents.common import DocumentError
    from mtbs_tui.register import RegisterError

    build: Callable[..., Path]  # the card's or the letter's builder (the card takes old_version)
    if kind == "card":
        from mtbs_tui.documents.card import build_card_pdf as build
        from mtbs_tui.documents.card import default_name
        what = "Kartu nasihat ibu"
    else:
        from mtbs_tui.documents.referral import build_referral_pdf as build
        from mtbs_tui.documents.referral import default_name
        what = "Surat rujukan"
    from mtbs_tui.documents.referral import load_visit

    try:
        register = open_register(db_path)
    except RegisterError as exc:
        return fail(exc.message)
    try:
        visit = load_visit(register, visit_id)
        target = out if out is not None else Path(default_name(visit))
        with policy(register=db_path, overwrite=overwrite):
            extra = {"old_version": True} if old_version else {}
            path = build(register, visit_id, target, actor=actor, **extra)
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
