"""Register: the visits of a day or a month as a paged table, and the read-only visit view.

Pages come from SQL with keyset paging (`Register.visits_page`), never the whole register, so the
screen opens at once on a register of 100,000 visits. A visit opens read-only; F2 starts a
correction (the form asks for the reason; the old version stays readable, `[`/`]` walk through the
versions).
"""
from __future__ import annotations

from datetime import date, timedelta

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from mtbs_tui.display import (
    age_text,
    date_text,
    long_date_text,
    month_text,
    severity_text,
    short_label,
    summary_text,
    time_text,
)
from mtbs_tui.form.plan import classification_label
from mtbs_tui.screens.base import MtbsScreen
from mtbs_tui.screens.given_keys import GIVEN_BINDINGS, GIVEN_HELP_KEYS, GivenContext, GivenKeys
from mtbs_tui.screens.visit_documents import DOCUMENT_BINDINGS, DocumentKeys
from mtbs_tui.widgets.chrome import KeyBar, TopBar
from mtbs_tui.widgets.destination import DESTINATION_KEY, destination_line
from mtbs_tui.widgets.given_box import REFERRAL_KEY, given_rows, given_title, keys_line

PAGE_SIZE = 17


REGISTER_COLUMNS = ("Waktu", "No. RM", "Nama", "Umur", "Klasifikasi", "Rujuk", "Ulang")


def _month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


class RegisterScreen(DocumentKeys, MtbsScreen[None]):
    """The register of one day (default: today) or one month. F7/F8: the mother's card / the
    referral letter of the visit under the cursor."""

    # Keys a role may not use (accounts.ACTIONS): hidden from it, refused with a line if pressed.
    ROLE_GATES = {"correct": "visit.correct"}

    DOCUMENT_LINE = "#register-status"

    BINDINGS = [
        Binding("escape", "back", "Kembali", key_display="Esc", id="kembali"),
        Binding("f2", "correct", "Koreksi", key_display="F2", id="koreksi"),
        Binding("f3", "choose_period", "Tanggal", key_display="F3", id="tanggal"),
        Binding("f5", "toggle_span", "Hari/Bulan", key_display="F5", id="hari_bulan"),
        # [ ] are on the status line ("[ ] periode lain"): the footer keeps its room for the rest.
        Binding("left_square_bracket", "shift_period(-1)", "Periode sebelum", key_display="[", id="sebelum",
                show=False),
        Binding("right_square_bracket", "shift_period(1)", "Periode sesudah", key_display="]", id="sesudah",
                show=False),
        Binding("pagedown", "page(1)", "Hal.", key_display="PgDn", id="hal_berikut", priority=True),
        Binding("pageup", "page(-1)", "Hal.", key_display="PgUp", id="hal_sebelum", priority=True),
        *DOCUMENT_BINDINGS,
        # priority: the table would take End/Home to scroll sideways.
        Binding("home", "edge('first')", "Baris pertama", key_display="Home", show=False, id="awal",
                priority=True),
        Binding("end", "edge('last')", "Baris terakhir", key_display="End", show=False, id="akhir",
                priority=True),
    ]

    def __init__(self, day: date | None = None, *, span: str = "hari") -> None:
        super().__init__()
        self.shown_day = day
        self.span = span  # "hari" | "bulan"
        self.rows: list[dict] = []
        self.page = 0
        self.has_next = False
        self.total = 0

    @property
    def period(self) -> tuple[date, date]:
        assert self.shown_day is not None
        if self.span == "bulan":
            return _month_bounds(self.shown_day)
        return self.shown_day, self.shown_day

    def compose(self) -> ComposeResult:
        yield TopBar("Register")
        yield DataTable(id="register-table", cursor_type="row", classes="panel")
        yield Static("", id="register-status", classes="help-line", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        if self.shown_day is None:
            self.shown_day = self.app.today()
        table = self.query_one("#register-table", DataTable)
        self.load_first()
        table.focus()

    def on_screen_resume(self) -> None:
        # A correction replaces the row by its new version: re-read the page we are on.
        self.reload_same_page()

    # --- paging ------------------------------------------------------------------------------

    def load_first(self) -> None:
        date_from, date_to = self.period
        register = self.app.register
        self.page = 0
        self.total = register.count_visits(date_from, date_to)
        rows = register.visits_page(date_from, date_to, limit=PAGE_SIZE + 1)
        self._show(rows, forward=True)

    def reload_same_page(self) -> None:
        if not self.rows:
            self.load_first()
            return
        date_from, date_to = self.period
        register = self.app.register
        first = self.rows[0]
        cursor = self.query_one("#register-table", DataTable).cursor_row
        # Re-read from just before the first row shown; ids of corrected rows change, times don't.
        rows = register.visits_page(date_from, date_to, limit=PAGE_SIZE + 1,
                                    after=(first["visit_at"], -1))
        self.total = register.count_visits(date_from, date_to)
        self._show(rows, forward=True, cursor=cursor)

    def action_page(self, step: int) -> None:
        if not self.rows:
            return
        date_from, date_to = self.period
        register = self.app.register
        if step > 0:
            if not self.has_next:
                return
            last = self.rows[-1]
            rows = register.visits_page(date_from, date_to, limit=PAGE_SIZE + 1,
                                        after=(last["visit_at"], last["id"]))
            self.page += 1
            self._show(rows, forward=True)
        else:
            if self.page == 0:
                return
            first = self.rows[0]
            rows = register.visits_page(date_from, date_to, limit=PAGE_SIZE,
                                        before=(first["visit_at"], first["id"]))
            self.page -= 1
            self.has_next = True
            self._show(rows, forward=False)

    def action_edge(self, which: str) -> None:
        """Home: the first row of the period; End: the last one (its last page)."""
        if not self.rows:
            return
        table = self.query_one("#register-table", DataTable)
        if which == "first":
            if self.page:
                self.load_first()
            table.move_cursor(row=0)
            return
        if self.has_next:
            date_from, date_to = self.period
            register = self.app.register
            rows = register.visits_page(date_from, date_to, limit=PAGE_SIZE, before=(f"{date_to.isoformat()}T\uffff", 0))
            self.page = max((self.total + PAGE_SIZE - 1) // PAGE_SIZE, 1) - 1
            self.has_next = False
            self._show(rows, forward=False)
        table.move_cursor(row=len(self.rows) - 1)

    def _show(self, rows: list[dict], *, forward: bool, cursor: int = 0) -> None:
        if forward:
            self.has_next = len(rows) > PAGE_SIZE
            rows = rows[:PAGE_SIZE]
        self.rows = list(rows)
        register = self.app.register
        summaries = register.visit_summaries([r["id"] for r in self.rows])
        table = self.query_one("#register-table", DataTable)
        # 80 columns: a day's register needs no date on each row, so its names and classifications
        # get those 6 characters.
        month = self.span == "bulan"
        cells: list[tuple[str | Text, ...]] = []
        for row in self.rows:
            follow_up = row.get("follow_up_date")
            when = time_text(row.get("visit_at"))
            if month:
                when = f"{row['visit_date'][8:10]}-{row['visit_date'][5:7]} {when}"
            cells.append((
                when,
                row.get("mrn") or "",
                short_label(row.get("patient_name") or "", 12 if month else 15),
                age_text(row.get("birth_date"), date.fromisoformat(row["visit_date"])),
                summary_text(summaries.get(row["id"]), 16 if month else 20),
                Text("RUJUK", style="bold bright_white on red") if row.get("refer_urgently") else "",
                f"{follow_up[8:10]}-{follow_up[5:7]}" if follow_up else "",
            ))
        # Columns anew, each as wide as its widest cell, fixed before the first paint: the table's
        # own measuring waits for its idle, and rows painted before it stayed cut to the headings
        # ("RM0000 Dafa HIJAU DEMA") until the cursor passed over them. A day's rows are narrower
        # than a month's, so the widths are set again on every fill.
        table.clear(columns=True)
        for index, label in enumerate(REGISTER_COLUMNS):
            width = max([cell_len(label)] + [cell_len(str(c[index])) for c in cells])
            table.add_column(label, width=width)
        for row, values in zip(self.rows, cells):
            table.add_row(*values, key=str(row["id"]))
        if self.rows:
            table.move_cursor(row=min(cursor, len(self.rows) - 1))
        self._update_status()
        self.refresh_bindings()

    def _update_status(self) -> None:
        date_from, date_to = self.period
        what = long_date_text(date_from) if self.span == "hari" else month_text(date_from)
        table = self.query_one("#register-table", DataTable)
        table.border_title = f"Register {what} ({self.total} kunjungan)"
        pages = max((self.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        status = self.query_one("#register-status", Static)
        if not self.rows:
            status.update(f" Tidak ada kunjungan pada {what}. [ ] periode lain · F3 pilih tanggal")
        else:
            # The documents only for a role that may print them (as the key bar).
            documents = "F7 kartu ibu · F8 surat rujukan · " if self.role_may("document") else ""
            status.update(f" Hal. {self.page + 1}/{pages} · Enter buka · {documents}[ ] periode lain")

    def check_screen_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page":
            step = parameters[0] if parameters else 1
            return self.has_next if step == 1 else self.page > 0
        if action == "correct":
            return bool(self.rows)
        document = self.document_check(action, parameters)
        return True if document is None else document

    def document_visit(self) -> dict | None:
        return self._current_row()

    @on(DataTable.RowHighlighted, "#register-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    # --- period ------------------------------------------------------------------------------

    def action_shift_period(self, step: int) -> None:
        assert self.shown_day is not None
        if self.span == "bulan":
            # Keep the day of the month, so going back to one day lands where the nurse expects.
            import calendar

            month_index = self.shown_day.year * 12 + self.shown_day.month - 1 + step
            year, month = divmod(month_index, 12)
            last = calendar.monthrange(year, month + 1)[1]
            self.shown_day = date(year, month + 1, min(self.shown_day.day, last))
        else:
            self.shown_day = self.shown_day + timedelta(days=step)
        self.load_first()

    def action_toggle_span(self) -> None:
        self.span = "bulan" if self.span == "hari" else "hari"
        self.load_first()

    def action_choose_period(self) -> None:
        from mtbs_tui.screens.dialogs import PeriodDialog

        assert self.shown_day is not None
        initial = self.shown_day.strftime("%d-%m-%Y" if self.span == "hari" else "%m-%Y")

        def chosen(period: tuple[date, date] | None) -> None:
            if period is None:
                return
            first, last = period
            self.shown_day = first
            self.span = "hari" if first == last else "bulan"
            self.load_first()

        self.app.push_screen(PeriodDialog(initial), chosen)

    # --- opening and correcting ---------------------------------------------------------------

    def _current_row(self) -> dict | None:
        table = self.query_one("#register-table", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowSelected, "#register-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.app.open_visit(int(str(event.row_key.value)))

    def action_correct(self) -> None:
        row = self._current_row()
        if row is not None:
            self.app.start_visit(int(row["patient_id"]), correct_visit_id=int(row["id"]))

    def action_back(self) -> None:
        self.dismiss()


# --- the read-only visit view -----------------------------------------------------------------

def _value_text(key: str, value: object) -> str:
    from mtbs_tui.rules.vocabulary import FINDINGS, TOP_LEVEL

    spec = FINDINGS.get(key) or TOP_LEVEL.get(key)
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, list):
        if spec is not None and spec.choices:
            return ", ".join(spec.choice_label(str(v)) for v in value) or "tidak ada"
        return ", ".join(str(v) for v in value) or "tidak ada"
    if spec is not None and spec.choices and isinstance(value, str):
        return spec.choice_label(value)
    if isinstance(value, float):
        text = f"{value:g}".replace(".", ",")
    else:
        text = str(value)
    if spec is not None and spec.unit:
        text += f" {spec.unit}"
    return text


def _label_of(key: str) -> str:
    from mtbs_tui.rules.vocabulary import FINDINGS, TOP_LEVEL

    spec = FINDINGS.get(key) or TOP_LEVEL.get(key)
    return spec.label if spec is not None else key


def rules_text(rules_version: str | None) -> str:
    """Which rules classified the visit (visits.rules_version, "contract 2"), as the nurse reads
    it: " (kontrak 2)"; nothing for a visit without one."""
    if not rules_version:
        return ""
    return f" ({rules_version.replace('contract', 'kontrak')})"


def visit_text(visit: dict, versions: list[dict], *, earlier_date: str | None = None,
               given_keys: bool = False) -> Text:
    """Everything about one visit version, as the nurse reads it on the paper form. `given_keys`:
    the keys that record what was given are said under the treatments."""
    patient = visit.get("patient") or {}
    visit_day = date.fromisoformat(visit["visit_date"])
    out = Text()
    sex = {"L": "L", "P": "P"}.get(patient.get("sex") or "", "?")
    pathway = "Bayi muda (MTBM)" if visit.get("pathway") == "bayi_muda" else "Balita sakit (MTBS)"
    out.append(f"{patient.get('name', '?')} ({sex})", style="bold")
    out.append(f" · No. RM {patient.get('mrn') or '-'} · umur {age_text(patient.get('birth_date'), visit_day)}\n")
    out.append(f"{pathway} · {long_date_text(visit_day)} {time_text(visit.get('visit_at'))}"
               f" · bagan {visit.get('chart') or '-'}{rules_text(visit.get('rules_version'))}")
    if visit.get("kind") == "ulang":
        out.append(" · kunjungan ulang")
        if earlier_date:
            out.append(f" dari kunjungan {date_text(earlier_date)}")
    out.append("\n")
    measures = []
    for key, name in (("weight_kg", "BB"), ("length_cm", "PB/TB"), ("muac_cm", "LiLA"),
                      ("temperature_c", "Suhu"), ("head_circumference_cm", "LK")):
        if visit.get(key) is not None:
            measures.append(f"{name} {_value_text(key, visit[key])}")
    if measures:
        out.append(" · ".join(measures) + "\n")
    if visit.get("status") == "draft":
        out.append("DRAF: kunjungan ini belum selesai; belum ada klasifikasi.\n", style="bold")

    result = visit.get("result") or {}
    if result.get("refer_urgently") or visit.get("refer_urgently"):
        out.append("\n")
        out.append(" MERAH - RUJUK SEGERA ", style="bold bright_white on red")
        out.append("\n")
        if visit.get("status") == "final":
            out.append(destination_line(visit.get("referral")) + "\n", style="bold")
            reply = visit.get("reply")
            if reply:
                out.append(f"Balasan rujukan {date_text(reply['received_date'])}: {reply['outcome_label']}"
                           f"{' · ' + reply['diagnosis'] if reply.get('diagnosis') else ''}\n")
            else:
                out.append("Balasan rujukan: belum ada (catat: F10 Rujukan, F9 halaman pasien)\n")
    out.append("\nKlasifikasi\n", style="bold underline")
    classifications = visit.get("classifications") or result.get("classifications") or []
    if not classifications:
        out.append("  (tidak ada)\n")
    for item in classifications:
        out.append("  ")
        out.append_text(severity_text(item.get("colour")))
        out.append(f" {classification_label(item)}\n")  # "NORMAL (Pertumbuhan)", not a bare NORMAL
    incomplete = result.get("incomplete") or []
    if incomplete:
        from mtbs_tui.rules.vocabulary import MODULE_BY_ID

        names = [MODULE_BY_ID[i["module"]].label if i.get("module") in MODULE_BY_ID else str(i.get("module"))
                 for i in incomplete]
        out.append("  Belum lengkap: " + "; ".join(names) + "\n", style="italic")

    treatments = visit.get("treatments") or result.get("treatments") or []
    record = visit.get("given")
    out.append(f"\n{given_title(treatments, record)}\n", style="bold underline")
    rows = given_rows(treatments, record)
    if not rows:
        out.append("  (tidak ada)\n")
    for key, label, outcome in rows:
        if key == REFERRAL_KEY:
            out.append(f"  {key} {label}\n")
            continue
        out.append(f"  {key} {label} · ")
        out.append(outcome.text() if outcome else "belum dicatat", style="bold" if outcome else "bold italic")
        out.append("\n")
    if record:
        out.append(f"  dicatat {record['recorded_by']} (versi {record['version']})\n", style="italic")
    if given_keys and rows:
        out.append(f"  {keys_line(treatments)}\n", style="dim")

    out.append("\nKunjungan ulang\n", style="bold underline")
    if visit.get("follow_up_days") is not None and visit.get("follow_up_date"):
        due = date.fromisoformat(visit["follow_up_date"])
        out.append(f"  {visit['follow_up_days']} hari: {long_date_text(due)}\n")
    else:
        out.append("  tidak dijadwalkan\n")

    findings = visit.get("findings") or {}
    if findings:
        out.append("\nIsian pemeriksaan\n", style="bold underline")
        for key, value in findings.items():
            if value is None:
                continue
            out.append(f"  {_label_of(key)}: {_value_text(key, value)}\n")

    out.append("\nVersi\n", style="bold underline")
    for version in versions:
        marker = "▶" if version["id"] == visit["id"] else " "
        who = version.get("recorded_by") or "?"
        when = (version.get("updated_at") or version.get("created_at") or "")[:16].replace("T", " ")
        line = f" {marker} versi {version.get('version', 1)} · {when} · oleh {who}"
        if version.get("correction_reason"):
            line += f" · alasan koreksi: {version['correction_reason']}"
        if version.get("is_current"):
            line += " · berlaku"
        else:
            line += " · sudah dikoreksi"
        out.append(line + "\n")
    return out


class VisitScreen(GivenKeys, DocumentKeys, MtbsScreen[None]):
    """One visit, read-only, with its versions. F2 starts a correction of the current version;
    F7/F8 make the mother's card / the referral letter of the version shown; d/1-9/+ record what
    was actually given (issue 17 item 1) on the current version."""

    # Keys a role may not use (accounts.ACTIONS): hidden from it, refused with a line if pressed.
    ROLE_GATES = {"correct": "visit.correct", "destination": "referral.destination"}

    DOCUMENT_LINE = "#visit-help"

    HELP_KEYS = GIVEN_HELP_KEYS

    BINDINGS = [
        Binding("escape", "back", "Kembali", key_display="Esc", id="kembali"),
        Binding("f2", "correct", "Koreksi", key_display="F2", id="koreksi"),
        Binding("left_square_bracket", "version(-1)", "Versi lama", key_display="[", id="versi_lama"),
        Binding("right_square_bracket", "version(1)", "Versi baru", key_display="]", id="versi_baru"),
        *DOCUMENT_BINDINGS,
        *GIVEN_BINDINGS,  # after the documents: a narrow key bar drops `d` first, never F8
        # A referred visit's destination (issue 17 item 2), on the current version.
        Binding(DESTINATION_KEY, "destination", "Tujuan", key_display=DESTINATION_KEY, id="tujuan"),
    ]

    def __init__(self, visit_id: int) -> None:
        super().__init__()
        self.visit_id = visit_id
        self.visit: dict = {}
        self.versions: list[dict] = []
        self.given_pending: list[dict] = []

    def given_context(self) -> GivenContext | None:
        visit = self.visit
        if visit.get("status") != "final" or not visit.get("is_current"):
            return None
        return GivenContext(list(visit.get("treatments") or []), visit.get("given"), visit["visit_at"],
                            int(visit["id"]))

    def given_shown(self, line: str, *, error: bool = False) -> None:
        self.load(self.visit_id)
        help_line = self.query_one("#visit-help", Static)
        help_line.update(" " + line)
        help_line.set_class(error, "error")

    def compose(self) -> ComposeResult:
        yield TopBar("Kunjungan")
        with VerticalScroll(id="visit-body", classes="panel"):
            yield Static("", id="visit-text", markup=False)
        yield Static(" ↑/↓ gulir · F2 koreksi: alasan ditanyakan, versi lama tetap tersimpan",
                     id="visit-help", classes="help-line", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.load(self.visit_id)
        self.query_one("#visit-body").focus()

    def on_screen_resume(self) -> None:
        # After a correction, show the new current version.
        register = self.app.register
        if self.visit.get("visit_uid"):
            versions = register.visit_versions(self.visit["visit_uid"])
            if versions and len(versions) != len(self.versions):
                self.load(versions[-1]["id"])

    def load(self, visit_id: int) -> None:
        register = self.app.register
        self.visit = register.get_visit(visit_id)
        self.visit_id = visit_id
        self.versions = register.visit_versions(self.visit["visit_uid"])
        body = self.query_one("#visit-body")
        version = self.visit.get("version") or 1
        state = "berlaku" if self.visit.get("is_current") else "versi lama, sudah dikoreksi"
        body.border_title = f"Kunjungan · versi {version} dari {len(self.versions)} ({state})"
        earlier = None
        if self.visit.get("follow_up_of"):
            earlier = register.latest_visit_date(self.visit["follow_up_of"])
        self.query_one("#visit-text", Static).update(
            visit_text(self.visit, self.versions, earlier_date=earlier,
                       given_keys=self.given_check("given_extra", ()) is True))
        # The key bar has no room for r at 80 columns: the help line names it on a referred visit.
        # F2 only for a role that may correct (a reviewer is not offered it, as in the key bar).
        correct, destination = self.role_may("correct"), bool(self.check_action("destination", ()))
        if correct and destination:
            line = " ↑/↓ gulir · F2 koreksi (versi lama tetap tersimpan) · r ganti tujuan rujukan"
        elif correct:
            line = " ↑/↓ gulir · F2 koreksi: alasan ditanyakan, versi lama tetap tersimpan"
        else:
            line = " ↑/↓ gulir" + (" · r ganti tujuan rujukan" if destination else "")
        self.query_one("#visit-help", Static).update(line)
        self.refresh_bindings()

    def check_screen_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "correct":
            ok = self.visit.get("status") == "final" and bool(self.visit.get("is_current"))
            return ok
        if action == "version":
            step = parameters[0] if parameters else 1
            index = self._version_index()
            target = index + (step if isinstance(step, int) else 1)
            return 0 <= target < len(self.versions)
        if action == "destination":
            return (self.visit.get("status") == "final" and bool(self.visit.get("is_current"))
                    and bool(self.visit.get("refer_urgently")))
        given_ok = self.given_check(action, parameters)
        if given_ok is not None:
            return given_ok
        document = self.document_check(action, parameters)
        return True if document is None else document

    def action_destination(self) -> None:
        from mtbs_tui.screens.destination import DestinationPicker

        register = self.app.register
        facilities = register.referral_facilities()
        chosen = (self.visit.get("referral") or {}).get("facility_id")
        if chosen is not None and all(f["id"] != chosen for f in facilities):
            facilities.append(register.referral_facility(chosen))  # deactivated since
        if not facilities:
            self.given_shown("Belum ada daftar fasilitas rujukan (kepala: F8 Akun, F6).", error=True)
            return
        self.app.push_screen(DestinationPicker(facilities, chosen), self._destination_chosen)

    def _destination_chosen(self, choice: int | str | None) -> None:
        from mtbs_tui.screens.destination import HAND

        if choice is None:
            return
        facility_id = None if choice == HAND else int(choice)
        try:
            self.app.register.set_referral_destination(self.visit_id, facility_id, actor=self.app.actor)
        except Exception as exc:  # noqa: BLE001 - RegisterError carries one Indonesian line
            self.given_shown(f"Tujuan tidak tersimpan: {getattr(exc, 'message', None) or exc}", error=True)
            return
        self.given_shown(destination_line(self.app.register.get_visit(self.visit_id).get("referral"))
                         + " (tersimpan).")

    def document_visit(self) -> dict | None:
        return self.visit or None

    def _version_index(self) -> int:
        for index, version in enumerate(self.versions):
            if version["id"] == self.visit_id:
                return index
        return 0

    def action_version(self, step: int) -> None:
        target = self._version_index() + step
        if 0 <= target < len(self.versions):
            self.load(self.versions[target]["id"])

    def action_correct(self) -> None:
        if self.visit.get("status") != "final" or not self.visit.get("is_current"):
            self.notify("Hanya versi yang berlaku yang dapat dikoreksi.", severity="warning")
            return
        self.app.start_visit(int(self.visit["patient_id"]), correct_visit_id=self.visit_id)

    def action_back(self) -> None:
        self.dismiss()
