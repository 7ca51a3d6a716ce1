"""The mother's card and the referral letter of a saved visit, one key each, from every screen
that shows a saved visit (the summary after F10, the patient's history, the register, the visit
view). The PDFs themselves are `mtbs_tui.documents.card` / `.referral`; this module only picks
the file, calls their public builders and says where the file went on one line that fits.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual.binding import Binding

if TYPE_CHECKING:
    from mtbs_tui.app import MtbsApp
    from mtbs_tui.screens.base import MtbsScreen

# kind -> (what the nurse reads, module, builder)
DOCUMENTS: dict[str, tuple[str, str, str]] = {
    "card": ("Kartu ibu", "mtbs_tui.documents.card", "build_card_pdf"),
    "referral": ("Surat rujukan", "mtbs_tui.documents.referral", "build_referral_pdf"),
}
# The same two keys on every screen that shows a saved visit.
DOCUMENT_BINDINGS = [
    Binding("f7", "document('card')", "Kartu ibu", key_display="F7", id="kartu_ibu"),
    Binding("f8", "document('referral')", "Surat rujukan", key_display="F8", id="surat_rujukan"),
]
FOLDER_NAME = "dokumen"


def refusal(kind: str, visit: dict | None) -> str | None:
    """Why `kind` cannot be made for this visit row (one line), or None when it can: a final
    visit; the letter only when the child was referred urgently."""
    if kind not in DOCUMENTS:
        return f"Dokumen '{kind}' tidak dikenal."
    what = DOCUMENTS[kind][0]
    if not visit:
        return f"{what}: belum ada kunjungan yang dipilih."
    if visit.get("status", "final") != "final":
        return f"{what} dibuat sesudah kunjungan disimpan (F10); ini masih draf."
    if kind == "referral" and not visit.get("refer_urgently"):
        return "Surat rujukan hanya untuk anak yang dirujuk segera; anak ini tidak dirujuk."
    return None


def offered(kind: str, visit: dict | None) -> bool:
    """Whether `kind` can be made for this visit row (`refusal` says why not)."""
    return refusal(kind, visit) is None


def short_path(path: str | Path, width: int) -> str:
    """`path` in at most `width` characters: the file name whole when it fits, the middle of the
    folder replaced by "…" (e.g. `/home/bidan/…/dokumen/kartu-ibu-RM000007-2026-06-26-12.pdf`)."""
    text = str(path)
    if len(text) <= width:
        return text
    name = Path(text).name
    folder = text[: len(text) - len(name)]
    room = width - len(name) - 1  # 1 for the ellipsis
    if room >= 4:
        head = (room + 1) // 2
        tail = room - head
        return folder[:head] + "…" + (folder[-tail:] if tail else "") + name
    # Not even the name fits: keep its start and its end (the date and visit number).
    half = max((width - 1) // 2, 1)
    return text[: width - 1 - half] + "…" + text[-half:]


def write_document(app: MtbsApp, visit_id: int, kind: str, *, width: int = 79) -> tuple[bool, str]:
    """Write the card or letter of `visit_id` into the `dokumen` folder beside the register.
    (ok, one line of at most `width` characters saying where it went, or why it failed)."""
    what, module_name, builder = DOCUMENTS[kind]
    register = app.register
    try:
        module = importlib.import_module(module_name)
        from mtbs_tui.documents.referral import load_visit

        folder = Path(register.path).parent / FOLDER_NAME
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / module.default_name(load_visit(register, visit_id))
        path = getattr(module, builder)(register, visit_id, target, actor=app.actor)
    except Exception as exc:  # noqa: BLE001 - DocumentError/RegisterError carry one Indonesian line
        message = str(getattr(exc, "message", None) or exc).splitlines()[0] if str(exc) else type(exc).__name__
        line = f"{what} gagal: {message}"
        return False, line if len(line) <= width else line[: width - 1] + "…"
    prefix = f"{what} tersimpan: "
    return True, prefix + short_path(path, width - len(prefix))


class DocumentKeys:
    """Mixin for a screen showing saved visits: F7 mother's card, F8 referral letter of
    `document_visit()`; the result line goes to `show_document_line()`. Add DOCUMENT_BINDINGS to
    the screen's BINDINGS and call `document_check()` from its check_screen_action. The screen
    base (screens/base.py) merges ROLE_GATES: only a role that may print sees F7/F8."""

    ROLE_GATES: ClassVar[dict[str, str]] = {"document": "document.print"}
    DOCUMENT_LINE = "#help"  # the one-line Static that says where the file went

    def document_visit(self) -> dict | None:
        raise NotImplementedError

    def show_document_line(self, text: str, *, error: bool) -> None:
        from textual.widgets import Static

        line = cast("MtbsScreen[object]", self).query_one(self.DOCUMENT_LINE, Static)
        line.update(" " + text)
        line.set_class(error, "error")

    def document_check(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """check_action for the document keys (None: not a document action)."""
        if action != "document":
            return None
        return bool(parameters) and offered(str(parameters[0]), self.document_visit())

    def explain_unavailable(self, action: str, parameters: tuple[object, ...]) -> bool:
        """F7/F8 where no document is made (a visit not referred, a draft): the line says why;
        F8 on a child who was not referred did nothing without a word (tmux, the register)."""
        if action == "document" and parameters:
            why = refusal(str(parameters[0]), self.document_visit())
            if why:
                self.show_document_line(why, error=True)
                return True
        inherited = getattr(super(), "explain_unavailable", None)
        return bool(inherited(action, parameters)) if inherited is not None else False

    def action_document(self, kind: str) -> None:
        visit = self.document_visit()
        if not offered(kind, visit):
            return
        assert visit is not None
        app = cast("MtbsScreen[object]", self).app  # a mixin: always mixed into a screen
        ok, line = write_document(app, int(visit["id"]), kind)
        self.show_document_line(line, error=not ok)
