"""Cari pasien, Pasien baru and a patient's page (identity, form choice, history of visits).

Search runs in SQLite FTS5 through `Register.search_patients`, one page at a time, so typing stays
instant on a register of 100,000 visits. The visit form is chosen from the birth date and the
reason is shown before the form opens (under 60 days: bayi muda).
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Key
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Static

from mtbs_tui.display import age_text, date_text, parse_iso_date, short_label, summary_text, time_text
from mtbs_tui.patient_fields import (
    FIELD_BY_KEY,
    FIELDS,
    KEYS,
    LABELS,
    InvalidField,
    check_field,
    parse_birth_date,  # noqa: F401 - the form's date format, re-exported for callers of this screen
)
from mtbs_tui.rules.age import YOUNG_INFANT_DAYS, beyond_mtbs, completed_months
from mtbs_tui.screens.base import MtbsModalScreen, MtbsScreen
from mtbs_tui.screens.visit_documents import DOCUMENT_BINDINGS, DocumentKeys
from mtbs_tui.widgets.chrome import KeyBar, TopBar
from mtbs_tui.widgets.list_table import ListTable

PAGE_SIZE = 17
# Search list columns cut with "…" beyond these (No. RM 8, Umur 7, Tgl lahir 10 are fixed):
# 8 + 16 + 7 + 10 + 13 + 10 + 2 per column = 76: inside the border and the scrollbar at 80.
SEARCH_WIDTHS = {"name": 16, "parent_name": 13, "village": 10}


def form_choice(birth_date: str | None, on: date) -> tuple[str | None, str]:
    """(pathway, Indonesian reason). pathway None: no MTBS visit possible (reason says why)."""
    born = parse_iso_date(birth_date)
    if born is None:
        return None, "tanggal lahir tidak terbaca"
    days = (on - born).days
    if days < 0:
        return None, "tanggal lahir sesudah hari ini"
    if days < YOUNG_INFANT_DAYS:
        return "bayi_muda", f"umur {days} hari (di bawah {YOUNG_INFANT_DAYS} hari): formulir bayi muda (MTBM)"
    months = completed_months(born, on)
    if beyond_mtbs(months):
        return None, "umur 5 tahun atau lebih, di luar cakupan MTBS"
    return "balita", f"umur {age_text(born, on)} ({months} bulan): formulir balita sakit (MTBS)"


def start_visit_for(app, patient: dict, *, before=None, notice: str = "") -> bool:  # noqa: ANN001 - the MtbsApp
    """Open the right form for this patient; False (saying why) if no MTBS form applies. The form
    says which form and why on its first line (no toast over the form); `notice` goes on its help
    line.

    `before` runs first when the form can open (e.g. dismiss the search, so Escape from the form
    lands on the home screen)."""
    if not app.permit("visit.create"):
        return False
    pathway, reason = form_choice(patient.get("birth_date"), app.today())
    if pathway is None:
        app.notify(f"{patient.get('name', 'Pasien')}: {reason}.", title="Tidak bisa dibuka",
                   severity="error")
        return False
    if before is not None:
        before()
    app.start_visit(int(patient["id"]), notice=notice)
    return True


class PatientSearchScreen(MtbsScreen[None]):
    """Type a few letters; matches appear at once. Enter opens, F2 registers a new patient."""

    # Keys a role may not use (accounts.ACTIONS): hidden from it, refused with a line if pressed.
    ROLE_GATES = {"new_patient": "patient.create"}

    BINDINGS = [
        Binding("escape", "back", "Kembali", key_display="Esc", id="kembali"),
        Binding("f2", "new_patient", "Pasien baru", key_display="F2", id="pasien_baru"),
        Binding("pagedown", "page(1)", "Hal. berikut", key_display="PgDn", id="hal_berikut",
                priority=True),
        Binding("pageup", "page(-1)", "Hal. sebelum", key_display="PgUp", id="hal_sebelum",
                priority=True),
    ]

    def __init__(self, purpose: str = "open") -> None:
        super().__init__()
        # "visit": Enter starts a visit at once (F2 Baru on the home screen); "open": the patient page.
        self.purpose = purpose
        self.page = 0
        self.rows: list[dict] = []
        self.has_next = False

    def compose(self) -> ComposeResult:
        title = "Kunjungan baru" if self.purpose == "visit" else "Cari pasien"
        yield TopBar(title)
        with Horizontal(id="search-bar"):
            yield Label("Cari:", id="search-label")
            # select_on_focus off: a letter typed on the list is appended, never replaces the text.
            yield Input(placeholder="nama, no. RM, NIK, atau nama ibu", id="search", compact=True,
                        max_length=60, select_on_focus=False)
        table: DataTable = ListTable(id="search-results", cursor_type="row", classes="panel")
        yield table
        yield Static("", id="search-status", classes="help-line", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#search-results", DataTable)
        table.add_columns("No. RM", "Nama", "Umur", "Tgl lahir", "Ibu/orang tua", "Desa")
        self.run_search()
        self.query_one("#search", Input).focus()

    def on_screen_resume(self) -> None:
        self.run_search(keep_page=True)

    @on(Input.Changed, "#search")
    def _changed(self, event: Input.Changed) -> None:
        self.page = 0
        self.run_search()

    def run_search(self, *, keep_page: bool = False) -> None:
        text = self.query_one("#search", Input).value.strip()
        register = self.app.register
        # One row more than a page tells whether PgDn has anything to show.
        rows = register.search_patients(text, limit=PAGE_SIZE + 1, offset=self.page * PAGE_SIZE)
        if not rows and self.page and keep_page:
            self.page = 0
            rows = register.search_patients(text, limit=PAGE_SIZE + 1, offset=0)
        self.has_next = len(rows) > PAGE_SIZE
        self.rows = list(rows[:PAGE_SIZE])
        self._fill()

    def _fill(self) -> None:
        table = self.query_one("#search-results", DataTable)
        today = self.app.today()
        table.clear()
        # Every column inside 80 characters (no column pushed off the edge); a long name, mother's
        # name or village ends in "…" and the line below the list shows the chosen row in full.
        for row in self.rows:
            table.add_row(
                row.get("mrn") or "",
                short_label(str(row.get("name") or ""), SEARCH_WIDTHS["name"]),
                f"{row.get('sex') or '?'} {age_text(row.get('birth_date'), today)}",
                date_text(row.get("birth_date")),
                short_label(str(row.get("parent_name") or ""), SEARCH_WIDTHS["parent_name"]),
                short_label(str(row.get("village") or ""), SEARCH_WIDTHS["village"]),
                key=str(row["id"]),
            )
        text = self.query_one("#search", Input).value.strip()
        status = self.query_one("#search-status", Static)
        if not self.rows:
            status.update(
                f" Tidak ada pasien yang cocok dengan \"{text}\". F2 daftarkan pasien baru."
                if text else " Register masih kosong. F2 daftarkan pasien baru."
            )
        else:
            self._show_detail()
        self.refresh_bindings()

    def _page_text(self) -> str:
        what = "terakhir diperiksa" if not self.query_one("#search", Input).value.strip() else "cocok"
        more = " · PgDn berikut" if self.has_next else ""
        back = " · PgUp sebelum" if self.page else ""
        return f"Hal. {self.page + 1}: {len(self.rows)} pasien {what}{more}{back} · Enter buka"

    @on(DataTable.RowHighlighted, "#search-results")
    def _show_detail(self, event: DataTable.RowHighlighted | None = None) -> None:
        """On the list: the highlighted child's mother and village in full; else the page line."""
        table = self.query_one("#search-results", DataTable)
        status = self.query_one("#search-status", Static)
        if self.focused is not table or not 0 <= table.cursor_row < len(self.rows):
            status.update(" " + self._page_text())
            return
        row = self.rows[table.cursor_row]
        # What the list may cut comes first; the child's name (its start is in the list) last.
        parts = [str(row.get("mrn")), f"ibu {row.get('parent_name') or '-'}"]
        if row.get("village"):
            parts.append(f"desa {row['village']}")
        parts.append(str(row.get("name")))
        status.update(" " + short_label(" · ".join(parts), 79))

    def on_descendant_focus(self, event) -> None:  # noqa: ANN001
        if self.rows:
            self._show_detail()

    def check_screen_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page":
            step = parameters[0] if parameters else 1
            if step == 1:
                return self.has_next
            return self.page > 0
        return True

    def action_page(self, step: int) -> None:
        if step > 0 and not self.has_next:
            return
        if step < 0 and self.page == 0:
            return
        self.page += step
        self.run_search()

    def on_key(self, event: Key) -> None:
        search = self.query_one("#search", Input)
        table = self.query_one("#search-results", DataTable)
        if self.focused is search and event.key == "down" and self.rows:
            event.stop()
            event.prevent_default()
            # ↓ lands on the first match (the row Enter in the box would open), never the second.
            table.move_cursor(row=0)
            table.focus()
            return
        if self.focused is None and event.character and event.character.isprintable() \
                and len(event.character) == 1:
            # Typed before the screen had set its focus (a fast F3 + name): keep every letter.
            event.stop()
            event.prevent_default()
            search.focus()
            search.insert_text_at_cursor(event.character)
            return
        if self.focused is table:
            if event.key == "up" and table.cursor_row == 0:
                event.stop()
                event.prevent_default()
                search.focus()
            elif event.character and event.character.isprintable() and len(event.character) == 1 \
                    and event.key not in ("space",):
                # Typing on the list goes on typing in the search box: never a lost letter.
                event.stop()
                event.prevent_default()
                search.focus()
                search.insert_text_at_cursor(event.character)
            elif event.key == "backspace":
                event.stop()
                search.focus()
                search.action_delete_left()

    @on(Input.Submitted, "#search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        table = self.query_one("#search-results", DataTable)
        if not self.rows:
            self.action_new_patient()
            return
        index = table.cursor_row if 0 <= table.cursor_row < len(self.rows) else 0
        self.choose(int(self.rows[index]["id"]))

    @on(DataTable.RowSelected, "#search-results")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.choose(int(str(event.row_key.value)))

    def choose(self, patient_id: int, *, notice: str = "") -> None:
        app = self.app
        if self.purpose == "visit":
            patient = app.register.get_patient(patient_id)
            # The search is done: going back from the form lands on the home screen.
            start_visit_for(app, patient, before=self.dismiss, notice=notice)
        else:
            app.open_patient(patient_id)

    def action_new_patient(self) -> None:
        form = NewPatientScreen(initial_name=self._name_hint())

        def saved(patient_id: int | None) -> None:
            if patient_id is None:
                return
            if self.purpose == "visit":
                # Said on the visit form's help line (a toast covered its panel and help line).
                self.choose(patient_id, notice=form.saved_notice)
            else:
                self.dismiss()
                # On the patient page's own line, not a toast over the page.
                self.app.open_patient(patient_id, notice=form.saved_notice)

        self.app.push_screen(form, saved)

    def _name_hint(self) -> str:
        text = self.query_one("#search", Input).value.strip()
        # Digits are an RM or NIK, not a name.
        return "" if not text or re.search(r"\d", text) else text

    def action_back(self) -> None:
        self.dismiss()


# --- new patient ------------------------------------------------------------------------------

def validate_patient_field(field: str, raw: str, today: date, *,
                           existing_birth: str | None = None) -> tuple[object, str | None]:
    """(value for the register, error line or None): the register's own check (patient_fields)."""
    try:
        return check_field(field, raw, today=today, existing_birth=existing_birth), None
    except InvalidField as exc:
        return None, exc.message


class PatientInput(Input):
    """A field of the patient form. A character its ``restrict`` refuses (a letter typed in a
    NIK, a pasted text with letters) rings and is said on the help line (``Refused``), never
    dropped without a word."""

    class Refused(Message):
        def __init__(self, field: PatientInput) -> None:
            super().__init__()
            self.field = field

    def restricted(self) -> None:
        super().restricted()
        self.post_message(self.Refused(self))


class SexInput(PatientInput):
    """The L/P field. It lets L and P through to the screen's priority bindings (an Input
    normally keeps printable keys for itself), so the answer and the move to the next field
    happen in one step, before the next typed key is dispatched."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if character is not None and character.upper() in ("L", "P"):
            return False
        return super().check_consume_key(key, character)


REGISTER_ANYWAY = "daftar"


class DuplicateDialog(MtbsModalScreen["int | str | None"]):
    """The child may be registered already: the existing record(s), one key each way.

    Dismissed with the id of the record to open (Enter), REGISTER_ANYWAY (F9: register the new
    child anyway; the register audits it) or None (Esc: back to the form, everything kept)."""

    CSS = """
    #duplicate-box { width: 78; }
    #duplicates { height: auto; max-height: 8; }
    """

    BINDINGS = [
        Binding("escape", "back", "Kembali ke formulir", key_display="Esc", id="kembali"),
        Binding("f9", "register_anyway", "Tetap daftarkan baru", key_display="F9", id="tetap_daftar"),
    ]

    def __init__(self, matches: list[dict], today: date) -> None:
        super().__init__(classes="dialog")
        self.matches = matches
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="duplicate-box"):
            yield Label("Anak ini mungkin sudah terdaftar:", classes="dialog-question")
            yield ListTable(id="duplicates", cursor_type="row", show_cursor=True)
            yield Static("", id="duplicate-reason", classes="dialog-detail", markup=False)
            yield Label("Enter buka data ini · F9 tetap daftarkan baru · Esc kembali",
                        classes="dialog-keys", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#duplicates", DataTable)
        table.add_columns("No. RM", "Nama", "L/P", "Tgl lahir", "Ibu/orang tua")
        for row in self.matches:
            table.add_row(row.get("mrn") or "", short_text(row.get("name"), 22), row.get("sex") or "",
                          date_text(row.get("birth_date")), short_text(row.get("parent_name"), 24),
                          key=str(row["id"]))
        table.focus()
        self._show_reason()

    @on(DataTable.RowHighlighted, "#duplicates")
    def _show_reason(self, event: DataTable.RowHighlighted | None = None) -> None:
        table = self.query_one("#duplicates", DataTable)
        row = self.matches[min(max(table.cursor_row, 0), len(self.matches) - 1)]
        village = f" · {row['village']}" if row.get("village") else ""
        self.query_one("#duplicate-reason", Static).update(
            f"{_first_upper(', '.join(row['duplicate_reasons']))}{village}")

    @on(DataTable.RowSelected, "#duplicates")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.dismiss(int(str(event.row_key.value)))

    def action_register_anyway(self) -> None:
        self.dismiss(REGISTER_ANYWAY)

    def action_back(self) -> None:
        self.dismiss(None)


def short_text(value: object, width: int) -> str:
    text = str(value or "")
    return text if len(text) <= width else text[: width - 1] + "…"


# What a field lets through at typing (the register checks the whole value): L/P, NIK digits only.
# A NIK may hold spaces: Kartu Keluarga prints it in groups ("5301 0123 4567 0001") and a pasted
# copy keeps them (the whole paste was refused, silently); check_field drops them.
RESTRICT = {"sex": r"[LlPp]?", "nik": r"[0-9 ]*", "mother_nik": r"[0-9 ]*"}
# What a refused character is told (the label goes first).
REFUSED = {"sex": "ketik L (laki-laki) atau P (perempuan)",
           "nik": "hanya angka (16 angka); huruf dan tanda lain tidak dipakai",
           "mother_nik": "hanya angka (16 angka); huruf dan tanda lain tidak dipakai"}


def _first_upper(text: str) -> str:
    """The first letter in capitals, the rest as written ("NIK sama", not "Nik sama")."""
    return text[:1].upper() + text[1:]


class NewPatientScreen(MtbsScreen["int | None"]):
    """Register a new patient. Enter moves on when the field is valid; F10 saves. Escape goes back
    and keeps the typed text (offered again the next time this form opens)."""

    BINDINGS = [
        Binding("f10", "save", "Simpan", key_display="F10", id="simpan", priority=True),
        Binding("escape", "back", "Kembali", key_display="Esc", id="kembali"),
        Binding("ctrl+r", "clear_form", "Kosongkan", key_display="^R", id="kosongkan"),
        # Priority bindings run while the app reads the keys, before the next key is dispatched:
        # focus moves at once, so a nurse typing ahead (or a burst from a slow PC catching up)
        # never sends the next field's text into the previous field.
        Binding("enter", "enter_field", show=False, priority=True),
        Binding("l,L", "sex('L')", show=False, priority=True),
        Binding("p,P", "sex('P')", show=False, priority=True),
    ]

    def __init__(self, initial_name: str = "", *, patient: dict | None = None) -> None:
        super().__init__()
        # What saving said (shown by the screen that comes next, on its own line).
        self.saved_notice = ""
        self.initial_name = initial_name
        # Edit mode: the patient's current row; saving asks for the reason (patient_versions).
        self.patient = patient
        self.errors: dict[str, str] = {}

    def _validate(self, field: str, raw: str) -> tuple[object, str | None]:
        existing = self.patient.get("birth_date") if self.patient else None
        return validate_patient_field(field, raw, self.app.today(), existing_birth=existing)

    def _kept(self) -> dict[str, str]:
        """What an earlier, interrupted form held (Escape keeps it), else the record itself."""
        app = self.app
        if self.patient is None:
            return dict(app.new_patient_fields)
        kept = app.patient_edits.get(self.patient["id"])
        if kept:
            return dict(kept)
        row = {f: str(self.patient.get(f) or "") for f in KEYS}
        row["birth_date"] = date_text(self.patient.get("birth_date"))
        return row

    def _keep(self, values: dict[str, str]) -> None:
        if self.patient is None:
            self.app.new_patient_fields = values
        else:
            self.app.patient_edits[self.patient["id"]] = values

    def compose(self) -> ComposeResult:
        yield TopBar("Ubah data pasien" if self.patient else "Pasien baru")
        with VerticalScroll(id="patient-form"):
            for spec in FIELDS:
                field = spec.key
                with Horizontal(classes="form-row", id=f"row-{field}"):
                    yield Label(spec.label, classes="form-label")
                    field_class = SexInput if field == "sex" else PatientInput
                    # input_length > the valid length: a 17-digit NIK is shown and refused, not cut.
                    yield field_class(id=f"f-{field}", compact=True, max_length=spec.input_length,
                                      select_on_focus=False,
                                      placeholder="·" * min(spec.max_length, 40),
                                      restrict=RESTRICT.get(field))
                    if spec.note:
                        yield Label(spec.note, classes="form-note")
        yield Static("", id="help", classes="help-line", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#patient-form").border_title = "Data pasien"
        kept = self._kept()
        if not kept and self.initial_name:
            kept = {"name": self.initial_name}
        for field in KEYS:
            if kept.get(field):
                self.query_one(f"#f-{field}", Input).value = kept[field]
        first_empty = next(
            (f for f in KEYS if not kept.get(f)), KEYS[0]
        )
        self.query_one(f"#f-{first_empty}", Input).focus()
        if self.patient is not None:
            self.query_one("#patient-form").border_title = f"Data pasien {self.patient.get('mrn') or ''}"
            self.query_one("#f-name", Input).focus()
            self._help("Ubah yang salah lalu F10; alasan perubahan akan ditanyakan.")
        elif kept and kept != {"name": self.initial_name}:
            self._help("Isian sebelumnya dipulihkan. ^R untuk mengosongkan.")

    # --- helpers -----------------------------------------------------------------------------

    def _values(self) -> dict[str, str]:
        return {field: self.query_one(f"#f-{field}", Input).value for field in KEYS}

    def _help(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#help", Static)
        line.update(" " + text)
        line.set_class(error, "error")

    def on_patient_input_refused(self, event: PatientInput.Refused) -> None:
        field = self._field_of(event.field.id)
        if field in REFUSED:
            self._help(f"{LABELS[field]}: {REFUSED[field]}", error=True)

    def _mark(self, field: str, error: str | None) -> None:
        if error:
            self.errors[field] = error
        else:
            self.errors.pop(field, None)
        self.query_one(f"#row-{field}").set_class(bool(error), "-invalid")
        self.query_one(f"#f-{field}", Input).set_class(bool(error), "-invalid")

    @staticmethod
    def _field_of(widget_id: str | None) -> str | None:
        if widget_id and widget_id.startswith("f-"):
            return widget_id[2:]
        return None

    def on_descendant_focus(self, event) -> None:  # noqa: ANN001
        field = self._field_of(getattr(event.widget, "id", None))
        if field is None:
            return
        raw = self.query_one(f"#f-{field}", Input).value
        _, error = self._validate(field, raw) if raw else (None, None)
        error = error or self.errors.get(field)
        if error:
            self._help(error, error=True)
        else:
            self._help(FIELD_BY_KEY[field].help)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        field = self._field_of(event.input.id)
        # L/P arrive through the priority bindings (action_sex); this only tidies a pasted value.
        if field == "sex" and event.value and event.value != event.value.upper():
            event.input.value = event.value.upper()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        field = self._field_of(event.input.id)
        if field is None:
            return
        _, error = self._validate(field, event.value)
        self._mark(field, error)
        if error:
            self._help(error, error=True)
            return
        if field == KEYS[-1]:
            self._last_field_done()
        else:
            self.focus_next()

    # --- actions -----------------------------------------------------------------------------

    def check_screen_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sex":
            # Only on the sex field; elsewhere L and P are ordinary letters of a name.
            return self.focused is not None and self.focused.id == "f-sex"
        return True

    def action_sex(self, value: str) -> None:
        sex = self.query_one("#f-sex", Input)
        sex.value = value
        self._mark("sex", None)
        self.focus_next()

    def action_enter_field(self) -> None:
        focused = self.focused
        field = self._field_of(getattr(focused, "id", None))
        if focused is None or field is None:
            return
        if field == KEYS[-1]:
            # After the keys already on their way to this field.
            focused.call_later(self._last_field_done)
            return
        self.focus_next()
        focused.call_later(self._check_after_enter, field)

    def _last_field_done(self) -> None:
        """Enter on the last field checks it and says how to save: saving is F10, as the footer
        says (an Enter meant for the next field must not register a child)."""
        field = KEYS[-1]
        _, error = self._validate(field, self.query_one(f"#f-{field}", Input).value)
        self._mark(field, error)
        if error:
            self._help(error, error=True)
            return
        self._help("Isian terakhir. Periksa data di atas, lalu F10 untuk menyimpan.")

    def _check_after_enter(self, field: str) -> None:
        """Validate a field left with Enter once its typed keys have all arrived; an invalid
        value takes the focus back, marked, with the allowed range on the help line."""
        field_input = self.query_one(f"#f-{field}", Input)
        _, error = self._validate(field, field_input.value)
        self._mark(field, error)
        if error:
            field_input.focus()
            self._help(error, error=True)

    def action_save(self) -> None:
        values = self._values()
        clean: dict[str, object] = {}
        first_error: tuple[str, str] | None = None
        for field in KEYS:
            value, error = self._validate(field, values[field])
            self._mark(field, error)
            if error and first_error is None:
                first_error = (field, error)
            clean[field] = value
        if first_error is not None:
            field, error = first_error
            self.query_one(f"#f-{field}", Input).focus()
            self._help(error, error=True)
            return
        if self.patient is not None:
            self._save_changes(clean)
            return
        self._add(clean, allow_duplicate=False)

    def _add(self, clean: dict[str, Any], *, allow_duplicate: bool) -> None:
        from mtbs_tui.register import DuplicatePatientError, FieldError, RegisterError

        try:
            patient_id = self.app.register.add_patient(
                actor=self.app.actor, allow_duplicate=allow_duplicate, **clean)
        except DuplicatePatientError as exc:
            self._help("Mungkin sudah terdaftar: buka data yang ada, atau F9 tetap daftarkan.", error=True)

            def decided(choice: int | str | None) -> None:
                if choice == REGISTER_ANYWAY:
                    self._add(clean, allow_duplicate=True)
                elif choice is not None:
                    # The existing record instead of a second one: the typed form is done with.
                    self.app.new_patient_fields = {}
                    self.app.audit_view("pasien.duplikat.buka", int(choice))
                    self.dismiss(int(choice))
                else:
                    self._help("Belum disimpan. Periksa data lalu F10.")

            self.app.push_screen(DuplicateDialog(exc.matches, self.app.today()), decided)
            return
        except FieldError as exc:
            field = exc.field if exc.field in LABELS else None
            if field:
                self._mark(field, exc.message)
                self.query_one(f"#f-{field}", Input).focus()
            self._help(exc.message, error=True)
            return
        except RegisterError as exc:
            self._help(exc.message, error=True)
            return
        self.app.new_patient_fields = {}
        self.saved_notice = (f"Pasien {clean['name']} tersimpan"
                             + (" (walau mirip data yang ada)." if allow_duplicate else "."))
        self.dismiss(patient_id)

    def _save_changes(self, clean: dict[str, object]) -> None:
        """Edit mode: only the changed fields, after a reason; the old row stays in
        patient_versions."""
        patient = self.patient
        assert patient is not None
        changes = {k: v for k, v in clean.items() if (v or None) != (patient.get(k) or None)}
        if changes.get("mrn", "") is None:
            changes.pop("mrn")  # an emptied no. RM keeps the old one
        if not changes:
            self.app.patient_edits.pop(patient["id"], None)
            self.saved_notice = "Tidak ada perubahan."
            self.dismiss(None)
            return
        from mtbs_tui.screens.dialogs import ReasonDialog

        names = ", ".join(LABELS[k].lower() for k in changes)

        def with_reason(reason: str | None) -> None:
            if not reason:
                self._help("Belum disimpan: alasan perubahan wajib diisi.", error=True)
                return
            from mtbs_tui.register import FieldError, RegisterError

            try:
                self.app.register.update_patient(
                    patient["id"], changes, actor=self.app.actor, reason=reason)
            except FieldError as exc:
                if exc.field in LABELS:
                    self._mark(exc.field, exc.message)
                    self.query_one(f"#f-{exc.field}", Input).focus()
                self._help(exc.message, error=True)
                return
            except RegisterError as exc:
                self._help(exc.message, error=True)
                return
            self.app.patient_edits.pop(patient["id"], None)
            self.saved_notice = f"Data pasien tersimpan ({names})."
            self.dismiss(patient["id"])

        self.app.push_screen(ReasonDialog("Alasan perubahan data pasien", f"Diubah: {names}. Alasan:"),
                             with_reason)

    def action_back(self) -> None:
        values = {k: v for k, v in self._values().items() if v.strip()}
        self._keep(values)
        self.dismiss(None)

    def action_clear_form(self) -> None:
        for field in KEYS:
            self.query_one(f"#f-{field}", Input).value = ""
            self._mark(field, None)
        self._keep({})
        self.query_one("#f-name", Input).focus()
        self._help("Formulir dikosongkan.")


# --- the patient's page -----------------------------------------------------------------------

class PatientScreen(DocumentKeys, MtbsScreen[None]):
    """Identity, which form applies today and why, and the history of visits. F7/F8: the mother's
    card / the referral letter of the visit under the cursor."""

    # Keys a role may not use (accounts.ACTIONS): hidden from it, refused with a line if pressed.
    ROLE_GATES = {"new_visit": "visit.create", "follow_up": "visit.create", "edit": "patient.edit",
                  "reply": "referral.reply"}

    DOCUMENT_LINE = "#patient-help"

    BINDINGS = [
        Binding("escape", "back", "Kembali", key_display="Esc", id="kembali"),
        Binding("f2", "new_visit", "Kunjungan baru", key_display="F2", id="kunjungan_baru"),
        Binding("f4", "edit", "Ubah data", key_display="F4", id="ubah_data"),
        Binding("f5", "follow_up", "Kunjungan ulang", key_display="F5", id="kunjungan_ulang"),
        *DOCUMENT_BINDINGS,
        # The hospital's reply to the referral under the cursor (issue 17; referral.reply).
        Binding("f9", "reply", "Balasan rujukan", key_display="F9", id="balasan_rujukan"),
    ]

    def __init__(self, patient_id: int, *, notice: str = "") -> None:
        super().__init__()
        self.patient_id = patient_id
        # One line on what was just saved (a new patient, changed data), shown until the next key.
        self.notice = notice
        self.patient: dict = {}
        self.visits: list[dict] = []

    def compose(self) -> ComposeResult:
        yield TopBar("Pasien")
        yield Static("", id="patient-info", markup=False)
        yield ListTable(id="history", cursor_type="row", classes="panel")
        yield Static("", id="patient-help", classes="help-line", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#history", DataTable)
        table.add_columns("Tanggal", "Jam", "Jenis", "Klasifikasi", "Kontrol", "Ver.")
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        register = self.app.register
        today = self.app.today()
        self.patient = register.get_patient(self.patient_id)
        self.visits = list(register.patient_visits(self.patient_id))
        p = self.patient
        _, reason = form_choice(p.get("birth_date"), today)
        sex = {"L": "laki-laki", "P": "perempuan"}.get(p.get("sex") or "", "?")
        info = Text()
        info.append(f"{p.get('name', '?')}", style="bold")
        info.append(f"  ({sex}) · lahir {date_text(p.get('birth_date'))} · "
                    f"{age_text(p.get('birth_date'), today)}\n")
        info.append(f"No. RM {p.get('mrn') or '-'} · NIK {p.get('nik') or '-'} · "
                    f"NIK ibu {p.get('mother_nik') or '-'}\n")
        info.append(f"Ibu/orang tua: {p.get('parent_name') or '-'} · "
                    f"{', '.join(x for x in (p.get('address'), p.get('village')) if x) or '-'}"
                    f"{' · ' + p['phone'] if p.get('phone') else ''}\n")
        info.append(f"Formulir hari ini: {reason}")
        # A referral of an earlier day (today's child is still on her way).
        waiting = (register.unanswered_referral(self.patient_id, before=f"{today.isoformat()}T")
                   if self.app.can("referral.view") else None)
        if waiting is not None:
            info.append(f"\nRujukan {date_text(waiting['visit_date'])}"
                        f"{' ke ' + waiting['destination'] if waiting.get('destination') else ''}"
                        ": BELUM ADA BALASAN (F9 catat balasan)", style="bold")
        panel = self.query_one("#patient-info", Static)
        panel.update(info)
        panel.border_title = "Data pasien"
        table = self.query_one("#history", DataTable)
        table.border_title = f"Riwayat kunjungan ({len(self.visits)})"
        table.clear()
        # Classifications are clinical content: like Beranda, only roles that may view visits see
        # them (registration staff see the dates, the kind and the follow-up day).
        summaries = (register.visit_summaries([v["id"] for v in self.visits])
                     if self.app.can("visit.view") else {})
        for row in self.visits:
            status = row.get("status")
            kind = "ulang" if row.get("kind") == "ulang" else "pertama"
            if status == "draft":
                kind += " (draf)"
            table.add_row(
                date_text(row.get("visit_date") or row.get("visit_at")),
                time_text(row.get("visit_at")),
                kind,
                summary_text(summaries.get(row["id"]), 30, draft=status == "draft"),
                date_text(row.get("follow_up_date")),
                str(row.get("version") or 1),
                key=str(row["id"]),
            )
        self.refresh_bindings()
        self._show_keys()

    def _selected_visit(self) -> dict | None:
        table = self.query_one("#history", DataTable)
        if not self.visits or not 0 <= table.cursor_row < len(self.visits):
            return None
        return self.visits[table.cursor_row]

    @on(DataTable.RowSelected, "#history")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = next((v for v in self.visits if str(v["id"]) == event.row_key.value), None)
        if row is None:
            return
        if row.get("status") == "draft":
            self.app.start_visit(self.patient_id, kind=row.get("kind") or "pertama",
                                 follow_up_of=row.get("follow_up_of"), draft_id=int(row["id"]))
        else:
            self.app.open_visit(int(row["id"]))

    @on(DataTable.RowHighlighted, "#history")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()
        self._show_keys()

    def _show_keys(self) -> None:
        """The keys for the visit under the cursor (the footer has no room for all of them)."""
        row = self._selected_visit()
        may = self.role_may  # a key the role can never use is not offered here either
        if row is None:
            text = "F2 kunjungan baru" if may("new_visit") else ""
        elif row.get("status") == "draft":
            text = "Enter lanjutkan draf ini" if self.app.can("visit.create") else ""
        else:
            referred = bool(row.get("refer_urgently"))
            # 78 columns: "Enter buka" is enough beside the referral's two keys.
            opens = ("Enter buka" if referred else "Enter buka kunjungan") if self.app.can("visit.view") else ""
            keys = [opens, "F5 kunjungan ulang" if may("follow_up") else "",
                    "F7 kartu ibu" if may("document") else ""]
            if referred:
                keys += ["F8 surat rujukan" if may("document") else "", "F9 balasan" if may("reply") else ""]
            text = " · ".join(key for key in keys if key)
        if self.notice:  # what was just saved, until the next key
            text = " · ".join(part for part in (self.notice, text) if part)
        elif row is None:
            text = " · ".join(part for part in ("Belum ada kunjungan", text) if part)
        self.show_document_line(short_label(text, 78), error=False)

    def on_key(self, event: Key) -> None:
        if self.notice:
            self.notice = ""
            self._show_keys()

    def check_screen_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "follow_up":
            row = self._selected_visit()
            return row is not None and bool(row) and row.get("status") != "draft"
        if action == "reply":
            row = self._selected_visit()
            return (row is not None and bool(row) and row.get("status") == "final"
                    and bool(row.get("refer_urgently")))
        document = self.document_check(action, parameters)
        return True if document is None else document

    def document_visit(self) -> dict | None:
        return self._selected_visit()

    def action_new_visit(self) -> None:
        start_visit_for(self.app, self.patient)

    def action_follow_up(self) -> None:
        row = self._selected_visit()
        if row is None or row.get("status") == "draft":
            return
        pathway, reason = form_choice(self.patient.get("birth_date"), self.app.today())
        if pathway is None:
            self.notify(reason, severity="error")
            return
        self.app.start_visit(self.patient_id, kind="ulang", follow_up_of=row.get("visit_uid"))

    def action_reply(self) -> None:
        row = self._selected_visit()
        if row is None or not row.get("refer_urgently"):
            return
        from mtbs_tui.screens.referrals import open_reply

        def replied(saved: str | None) -> None:
            self.notice = saved or ""
            self.reload()
            self._show_keys()

        open_reply(self, int(row["id"]), replied)

    def action_edit(self) -> None:
        form = NewPatientScreen(patient=self.patient)

        def edited(_patient_id: int | None) -> None:
            self.notice = form.saved_notice
            self._show_keys()

        self.app.push_screen(form, edited)

    def action_back(self) -> None:
        self.dismiss()
