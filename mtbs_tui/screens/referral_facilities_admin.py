"""Fasilitas rujukan (the head only; F6 on the Akun screen): the list of places a referred child is
sent, the default first. F2 adds, Enter/F4 edits, F3 deactivates or activates, F5 makes the
default. Every change is one register call (one transaction, audited); the checks are
`referral_facilities.check_fields`, the same as `mtbs faskes`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static

from mtbs_tui import referral_facilities as vocab
from mtbs_tui.screens.base import MtbsModalScreen, MtbsScreen
from mtbs_tui.screens.dialogs import ENTER_MOVES_ON, DigitInput, EnterMovesOn
from mtbs_tui.widgets.chrome import KeyBar, TopBar
from mtbs_tui.widgets.list_table import ListTable

KIND_DIGITS = " ".join(f"{i}={vocab.kind_label(k)}" for i, k in enumerate(vocab.KIND_KEYS, start=1))
KIND_REFUSED = f"Jenis fasilitas: ketik angka ({KIND_DIGITS})."
FIELDS = (("name", "Nama"), ("kind", "Jenis (angka)"), ("address", "Alamat"), ("phone", "Telepon"))
MAX_INPUT = {"name": vocab.NAME_MAX + 5, "kind": 1, "address": vocab.ADDRESS_MAX + 5, "phone": 24}

# What the dialog hands back to the screen: the clean values, or an error for one field.
Saver = Callable[[dict[str, Any]], "tuple[str, str] | None"]


class FacilityDialog(EnterMovesOn, MtbsModalScreen[bool]):
    """Name, kind (a digit), address and phone of one facility. Enter moves on; Enter on the last
    field saves through `save`; a refusal names the field on the dialog's last line, the focus goes
    to that field and every value stays. Escape cancels (dismissed with False)."""

    BINDINGS = [Binding("escape", "cancel", "Batal", key_display="Esc", id="batal"), ENTER_MOVES_ON]

    CSS = """
    FacilityDialog .dialog-box { width: 76; }
    FacilityDialog .form-label { width: 16; }
    """

    def __init__(self, title: str, save: Saver, initial: dict[str, Any] | None = None) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.save = save
        self.initial = initial or {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(self.title_text, classes="dialog-question")
            for key, label in FIELDS:
                value = self.initial.get(key) or ""
                if key == "kind" and value:
                    value = str(vocab.KIND_KEYS.index(value) + 1)
                field = (DigitInput(str(value), id=f"fk-{key}", compact=True, choices=len(vocab.KIND_KEYS))
                         if key == "kind" else
                         Input(str(value), id=f"fk-{key}", compact=True, max_length=MAX_INPUT[key]))
                yield Horizontal(Label(label, classes="form-label"), field, classes="form-row")
            yield Static(f"Jenis: {KIND_DIGITS} (PKM RI = puskesmas rawat inap)", classes="dialog-detail",
                         markup=False)
            yield Static("Enter lanjut · Enter di Telepon menyimpan · Esc batal", id="fk-help",
                         classes="dialog-keys", markup=False)

    def on_mount(self) -> None:
        self.query_one("#fk-name", Input).focus()

    def field_ids(self) -> list[str]:
        return [f"fk-{key}" for key, _ in FIELDS]

    def values(self) -> dict[str, Any]:
        out = {key: self.query_one(f"#fk-{key}", Input).value for key, _ in FIELDS}
        digit = out["kind"].strip()
        out["kind"] = vocab.KIND_KEYS[int(digit) - 1] if digit.isdigit() and 1 <= int(digit) <= len(
            vocab.KIND_KEYS) else digit
        return out

    def on_digit_input_refused(self, event: DigitInput.Refused) -> None:
        self.show_error("kind", KIND_REFUSED)

    def show_error(self, field: str, message: str) -> None:
        line = self.query_one("#fk-help", Static)
        line.update(message)
        line.add_class("error")
        if field in dict(FIELDS):
            self.query_one(f"#fk-{field}", Input).focus()

    def last_field_entered(self) -> None:
        values = self.values()
        try:
            vocab.check_fields(values)
        except vocab.InvalidFacility as exc:
            if exc.field == "kind":
                self.show_error("kind", KIND_REFUSED)
            else:
                self.show_error(exc.field, exc.message)
            return
        refused = self.save(values)
        if refused is not None:
            self.show_error(*refused)
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class ReferralFacilitiesScreen(MtbsScreen[None]):
    # Keys a role may not use (accounts.ACTIONS): hidden from it, refused with a line if pressed.
    ROLE_GATES = {action: "referral_facility.manage"
                  for action in ("add", "edit", "toggle_active", "make_default")}
    CSS = "#faskes-table { height: 1fr; }"

    BINDINGS = [
        Binding("escape", "back", "Kembali", key_display="Esc", id="kembali"),
        Binding("f2", "add", "Tambah", key_display="F2", id="tambah"),
        Binding("f4", "edit", "Ubah", key_display="F4", id="ubah"),
        Binding("f3", "toggle_active", "Aktif/nonaktif", key_display="F3", id="aktif"),
        Binding("f5", "make_default", "Bawaan", key_display="F5", id="bawaan"),
    ]

    def compose(self) -> ComposeResult:
        yield TopBar("Fasilitas rujukan")
        table: DataTable = ListTable(id="faskes-table", cursor_type="row", zebra_stripes=False)
        table.add_columns("No", "Jenis", "Nama", "Telepon", "Alamat", "Status")
        yield table
        yield Static("", id="faskes-message", classes="help-line", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#faskes-table", DataTable).focus()
        if not self.rows:
            self.say("Belum ada fasilitas rujukan. F2 menambah; yang pertama menjadi tujuan bawaan.")

    def reload(self, keep: int | None = None) -> None:
        table = self.query_one("#faskes-table", DataTable)
        table.clear()
        self.rows = self.app.register.referral_facilities(include_inactive=True)
        for row in self.rows:
            status = "BAWAAN" if row["is_default"] else "aktif" if row["active"] else "nonaktif"
            table.add_row(str(row["id"]), row["kind_label"], row["name"][:26], row["phone"] or "-",
                          (row["address"] or "-")[:18], status, key=str(row["id"]))
        if keep is not None:
            position = next((i for i, r in enumerate(self.rows) if r["id"] == keep), 0)
            table.move_cursor(row=position)

    def selected(self) -> dict[str, Any] | None:
        table = self.query_one("#faskes-table", DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def say(self, message: str, *, error: bool = False) -> None:
        line = self.query_one("#faskes-message", Static)
        line.update(message)
        line.set_class(error, "error")

    def _write(self, change: Callable[[], object]) -> tuple[str, str] | None:
        """One register change; a refusal as (field, one Indonesian line)."""
        from mtbs_tui.register import FieldError, RegisterError

        try:
            change()
        except FieldError as exc:
            return exc.field, exc.message
        except RegisterError as exc:
            return "", exc.message
        return None

    def action_add(self) -> None:
        added: list[int] = []
        reg, actor = self.app.register, self.app.actor

        def save(values: dict[str, Any]) -> tuple[str, str] | None:
            return self._write(lambda: added.append(reg.add_referral_facility(actor=actor, **values)))

        def done(saved: bool | None) -> None:
            if saved and added:
                self.reload(keep=added[0])
                row = reg.referral_facility(added[0])
                self.say(f"Ditambahkan: {row['name']}" + (" (tujuan bawaan)." if row["is_default"] else "."))

        self.app.push_screen(FacilityDialog("Tambah fasilitas rujukan", save), done)

    def action_edit(self) -> None:
        row = self.selected()
        if row is None:
            return
        reg, actor = self.app.register, self.app.actor
        changed: list[list[str]] = []

        def save(values: dict[str, Any]) -> tuple[str, str] | None:
            return self._write(lambda: changed.append(reg.update_referral_facility(row["id"], values, actor=actor)))

        def done(saved: bool | None) -> None:
            if saved:
                self.reload(keep=row["id"])
                self.say(f"{row['name']} diubah." if changed and changed[0] else f"{row['name']} tidak berubah.")

        self.app.push_screen(FacilityDialog(f"Ubah fasilitas rujukan {row['id']}", save, row), done)

    def _change(self, change: Callable[[], object], done_text: str, row: dict[str, Any]) -> None:
        refused = self._write(change)
        if refused is not None:
            self.say(refused[1], error=True)
            return
        self.reload(keep=row["id"])
        self.say(done_text)

    def action_toggle_active(self) -> None:
        row = self.selected()
        if row is None:
            return
        reg, actor = self.app.register, self.app.actor
        self._change(lambda: reg.set_referral_facility_active(row["id"], not row["active"], actor=actor),
                     f"{row['name']} " + ("dinonaktifkan: tidak bisa dipilih lagi; rujukan lama tetap."
                                          if row["active"] else "aktif kembali."), row)

    def action_make_default(self) -> None:
        row = self.selected()
        if row is None:
            return
        reg, actor = self.app.register, self.app.actor
        self._change(lambda: reg.set_default_referral_facility(row["id"], actor=actor),
                     f"Tujuan bawaan rujukan sekarang: {row['name']}.", row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()  # Enter on a row: as F4

    def action_back(self) -> None:
        self.app.pop_screen()
