"""Rujukan (F10 on Beranda; `referral.view`): the urgent referrals without a reply, oldest first, with
the days since the referral and the destination, so the nurse can phone or visit; F5 shows every
referral of the last days with its reply. Enter (or F2) records the hospital's reply slip
(`ReplyDialog`, `referral.reply`); on a referral that has one it is a correction with a reason.

Also used by the Beranda panel and the patient screen: `open_reply(...)` and `status_text(...)`.
Every write is `Register.record_referral_reply` (checks, one transaction, audit).
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.widgets import DataTable, Input, Label, Static

from mtbs_tui.display import age_text, date_text, short_label
from mtbs_tui.register import REPLY_DIED, REPLY_NOT_ARRIVED, REPLY_OUTCOMES, FieldError, RegisterError
from mtbs_tui.screens.base import MtbsModalScreen, MtbsScreen
from mtbs_tui.screens.dialogs import ENTER_MOVES_ON, DigitInput, EnterMovesOn, parse_period
from mtbs_tui.screens.visit_form import LeaveDialog
from mtbs_tui.widgets.chrome import KeyBar, TopBar
from mtbs_tui.widgets.list_table import ListTable

OVERDUE_WORDS = "BELUM ADA BALASAN"
# One digit per outcome, in the order of the reply slip.
OUTCOME_KEYS: dict[str, str] = {str(i): key for i, key in enumerate(REPLY_OUTCOMES, start=1)}
_SHORT_OUTCOMES = {"pulang_aps": "Pulang APS"}
OUTCOME_CHOICES = " ".join(f"{digit} {_SHORT_OUTCOMES.get(key, REPLY_OUTCOMES[key])}"
                           for digit, key in OUTCOME_KEYS.items())


def status_text(row: dict[str, Any]) -> Text:
    """A referral's state in a few words: the reply's outcome, else "BELUM ADA BALASAN" (bold,
    reverse: flagged after `referral_reply_days`) or "menunggu balasan"."""
    reply = row.get("reply")
    if reply:
        style = "bold" if reply["outcome"] in (REPLY_DIED, REPLY_NOT_ARRIVED) else ""
        return Text(reply["outcome_label"], style=style)
    if row.get("overdue"):
        return Text(OVERDUE_WORDS, style="bold reverse")
    return Text("menunggu balasan")


def open_reply(screen: MtbsScreen[Any], visit_id: int, done: Callable[[str | None], None] | None = None) -> None:
    """Open the reply form for the referral of `visit_id` (refused with the reason for a role
    that may not record replies). `done` gets the "tersimpan" line to show (None: nothing saved),
    on a line of the screen rather than a notice that would cover it."""
    app = screen.app
    if not app.permit("referral.reply"):
        return
    try:
        referred = app.register.referred_visit(visit_id)
    except RegisterError as exc:
        app.notify(exc.message, severity="error")
        return
    # The form shows the referral (and any reply): a view of the child's record.
    app.audit_view("rujukan.balasan.buka", referred["patient_id"], f"kunjungan {referred['id']}")
    app.push_screen(ReplyDialog(referred["id"]), done)


def reply_about(visit: dict) -> str:
    """The line under the reply form's title: when and where the child was referred, and why, the
    reason whole on the dialog's lines (cut at 40 characters it read 'PENYAKIT SANGAT BERAT ATAU
    INFEKSI BAKT…'; only a very long list of reasons is shortened)."""
    referral = visit.get("referral") or {}
    where = f" ke {referral['destination']}" if referral.get("destination") else ""
    return f"Dirujuk {date_text(visit['visit_date'])}{where} · {short_label(referral.get('reason') or '', 110)}"


class ReplyDialog(EnterMovesOn, MtbsModalScreen["str | None"]):
    """The reply slip (balasan rujukan) of one referral: Enter moves to the next field, Enter on
    the last field (or F10 anywhere) saves; a refused value keeps every field and names the
    allowed range. A referral that has a reply is corrected: the form starts from it and asks
    the reason. Nothing typed is lost (issue 14's promise): every change is written within
    ``AUTOSAVE_DELAY`` seconds as the referral's reply draft (`Register.save_reply_draft`), offered
    back when the form opens again, removed when the reply is saved; Esc with changes asks first
    (y discards the draft, t stays in the form)."""

    AUTOSAVE_DELAY = 0.5

    BINDINGS = [
        Binding("escape", "cancel", "Batal", key_display="Esc", id="batal"),
        Binding("f10", "save", "Simpan", key_display="F10", id="simpan", priority=True),
        ENTER_MOVES_ON,
    ]

    FIELDS: tuple[tuple[str, str], ...] = (
        ("received_date", "Tanggal diterima"), ("outcome", "Hasil (angka)"), ("diagnosis", "Diagnosis RS"),
        ("treatment", "Terapi di RS"), ("advice", "Anjuran"), ("referred_to", "Dirujuk lagi ke"),
        ("examiner", "Dokter pemeriksa"),
    )

    def __init__(self, visit_id: int) -> None:
        super().__init__(classes="dialog")
        self.visit_id = visit_id
        self.saved = False
        self._autosave_timer: Any = None
        self.draft_error: str | None = None

    def compose(self) -> ComposeResult:
        register = self.app.register
        visit = register.get_visit(self.visit_id)
        self.existing = register.referral_reply(visit["visit_uid"])
        self.visit_uid: str = visit["visit_uid"]
        patient = visit["patient"]
        fields = list(self.FIELDS) + ([("reason", "Alasan koreksi")] if self.existing else [])
        self.fields = fields
        # The form as it opens without a draft: a change from it is work to keep.
        self.pristine = {f: self._initial(f) for f, _ in fields}
        self.restored = register.reply_draft(self.visit_uid)
        self._written: dict[str, str] = dict(self.restored or {})  # the draft as the register holds it
        title = "Koreksi balasan rujukan" if self.existing else "Balasan rujukan"
        with Vertical(classes="dialog-box", id="reply-box"):
            yield Label(f"{title}: {short_label(patient['name'], 30)} ({patient['mrn']})",
                        classes="dialog-question")
            yield Static(reply_about(visit), markup=False, id="reply-about")
            for field_id, label in fields:
                yield Horizontal(Label(label, classes="form-label"),
                                 DigitInput(self._start_value(field_id), id=field_id, compact=True,
                                            choices=len(OUTCOME_KEYS))
                                 if field_id == "outcome" else
                                 Input(value=self._start_value(field_id), id=field_id, compact=True,
                                       max_length=10 if field_id == "received_date" else 200),
                                 classes="form-row")
            yield Static(f"Hasil: {OUTCOME_CHOICES}", classes="dialog-detail", markup=False)
            yield Static("Enter lanjut · F10 simpan · Esc keluar", id="reply-help", classes="dialog-keys",
                         markup=False)

    def _start_value(self, field_id: str) -> str:
        """What a field shows when the form opens: the unsaved draft's text, or `_initial`."""
        if self.restored is not None and field_id in self.restored:
            return self.restored[field_id]
        return self.pristine[field_id]

    def _initial(self, field_id: str) -> str:
        if field_id == "received_date":
            day = self.existing["received_date"] if self.existing else self.app.today()
            return date_text(day)
        if not self.existing or field_id == "reason":
            return ""
        if field_id == "outcome":
            return next(d for d, key in OUTCOME_KEYS.items() if key == self.existing["outcome"])
        return str(self.existing.get(field_id) or "")

    def on_mount(self) -> None:
        # The date is usually today's: start at the outcome.
        self.query_one("#outcome", Input).focus()
        if self.restored is not None:
            help_line = self.query_one("#reply-help", Static)
            help_line.update("Balasan yang belum disimpan dipulihkan. Enter lanjut · F10 simpan · Esc keluar")

    def values(self) -> dict[str, str]:
        return {f: self.query_one(f"#{f}", Input).value for f in self.field_ids()}

    def changed(self) -> bool:
        """Whether the form holds anything typed that is not saved as a reply."""
        return not self.saved and self.values() != self.pristine

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if self._autosave_timer is None and not self.saved:
            self._autosave_timer = self.set_timer(self.AUTOSAVE_DELAY, self._autosave)

    def _autosave(self) -> None:
        self._autosave_timer = None
        if self.is_attached and not self.saved:
            self.save_draft()

    def save_draft(self) -> bool:
        """Write the form as the referral's reply draft (one transaction; none when nothing was
        changed). True once COMMIT returned."""
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
            self._autosave_timer = None
        values = self.values()
        payload = {k: v for k, v in values.items() if v.strip()} if values != self.pristine else {}
        if payload == self._written:  # already in the register (or nothing typed): no write
            return True
        try:
            self.app.register.save_reply_draft(self.visit_uid, payload, actor=self.app.actor)
        except Exception as exc:  # noqa: BLE001 - the form stays; the nurse sees why
            self.draft_error = str(getattr(exc, "message", None) or exc)
            self.show_error(f"Draf balasan tidak tersimpan: {self.draft_error}")
            return False
        self._written = payload
        self.draft_error = None
        return True

    def keep_work(self) -> tuple[bool, str] | None:
        """Called by the app before it quits or locks: write the reply draft now."""
        if not self.changed():
            return None
        if self.save_draft():
            return True, "Isian balasan rujukan tersimpan sebagai draf."
        return False, f"Draf balasan tidak tersimpan: {self.draft_error}"

    def field_ids(self) -> list[str]:
        return [f for f, _ in self.fields]

    def last_field_entered(self) -> None:
        self._save()

    def show_error(self, message: str, field_id: str | None = None) -> None:
        help_line = self.query_one("#reply-help", Static)
        help_line.update(message)
        help_line.add_class("error")
        if field_id and field_id in self.field_ids():
            self.query_one(f"#{field_id}", Input).focus()

    def on_digit_input_refused(self, event: DigitInput.Refused) -> None:
        self.show_error(f"Hasil: ketik satu angka 1–{len(OUTCOME_KEYS)} (pilihan tertulis di atas)", event.field.id)

    def action_save(self) -> None:
        # F10 is a priority key: characters typed just before it may still wait in the field's
        # own queue; save from that queue, after them.
        focused = self.focused
        if focused is not None:
            focused.call_later(self._save)
        else:
            self._save()

    def _save(self) -> None:
        values = {f: self.query_one(f"#{f}", Input).value.strip() for f in self.field_ids()}
        labels = dict(self.fields)
        try:
            day, last = parse_period(values["received_date"])
            if day != last:
                raise ValueError("tulis satu hari, HH-BB-TTTT")
        except ValueError as exc:
            self.show_error(f"{labels['received_date']}: {exc}", "received_date")
            return
        outcome = OUTCOME_KEYS.get(values["outcome"])
        if outcome is None:
            self.show_error(f"Hasil: pilih angka 1-{len(OUTCOME_KEYS)}", "outcome")
            return
        try:
            self.app.register.record_referral_reply(
                self.visit_id, received_date=day, outcome=outcome, diagnosis=values["diagnosis"],
                treatment=values["treatment"], advice=values["advice"], referred_to=values["referred_to"],
                examiner=values["examiner"], actor=self.app.actor, reason=values.get("reason"),
                today=self.app.today())
        except FieldError as exc:
            self.show_error(f"{labels.get(exc.field, exc.field)}: {exc.message}", exc.field)
            return
        except RegisterError as exc:
            self.show_error(exc.message)
            return
        self.saved = True  # the reply's transaction removed the draft
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
            self._autosave_timer = None
        self.dismiss(f"Balasan rujukan tersimpan: {REPLY_OUTCOMES[outcome]}.")

    def action_cancel(self) -> None:
        """Esc: nothing typed closes at once. Typed work is written as the draft first, then one
        key: y leaves (the draft is offered back next time), t stays, h discards the draft."""
        if not self.changed() and self.restored is None:
            self.dismiss(None)
            return
        if self.save_draft():  # "tersimpan" only once the write returned (COMMIT done)
            detail = "Isian balasan tersimpan sebagai draf; dipulihkan saat formulir ini dibuka lagi."
        else:
            detail = f"Draf TIDAK tersimpan: {self.draft_error}. Keluar sekarang menghilangkan isian ini."
        self.app.push_screen(LeaveDialog("Tinggalkan balasan rujukan?", detail, can_discard=True),
                             self._after_leave)

    def _after_leave(self, answer: str | None) -> None:
        if answer == "keluar":
            self.dismiss(None)
        elif answer == "buang":
            try:
                self.app.register.discard_reply_draft(self.visit_uid)
            except Exception as exc:  # noqa: BLE001 - RegisterError carries one Indonesian line
                self.show_error(f"Draf balasan tidak terhapus: {getattr(exc, 'message', None) or exc}")
                return
            self.saved = True  # nothing left to keep: no autosave writes it back
            self.app.notify("Draf balasan dibuang.")
            self.dismiss(None)


class ReferralsScreen(MtbsScreen[None]):
    """Rujukan: the referrals without a reply (oldest first), or with F5 every referral of the last
    days with its reply."""

    # Keys a role may not use (accounts.ACTIONS): hidden from it, refused with a line if pressed.
    ROLE_GATES = {"reply": "referral.reply", "open_visit": "visit.view"}

    BINDINGS = [
        Binding("escape", "back", "Kembali", key_display="Esc", id="kembali"),
        Binding("f2", "reply", "Catat balasan", key_display="F2", id="catat_balasan"),
        Binding("f4", "open_visit", "Buka kunjungan", key_display="F4", id="buka_kunjungan"),
        # Not "toggle": that name is Textual's own DOMNode.action_toggle(attribute_name).
        Binding("f5", "show_all", "Semua/belum", key_display="F5", id="semua"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False
        self.rows: list[dict[str, Any]] = []
        self.notice = ""  # the reply just saved, until the next key
        self._info = ""

    def compose(self) -> ComposeResult:
        yield TopBar("Rujukan")
        yield Static("", id="referrals-info", classes="help-line", markup=False)
        yield ListTable(id="referrals-table", cursor_type="row", classes="panel")
        yield Static("", id="referrals-help", classes="help-line", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#referrals-table", DataTable)
        table.add_columns("Dirujuk", "Hari", "Nama", "Umur", "Tujuan", "Balasan")
        self.reload()
        table.focus()
        self.app.audit_view("rujukan.terbuka.lihat", None, f"{len(self.rows)} rujukan")

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        register = self.app.register
        today: _dt.date = self.app.today()
        days = register.referral_recent_days()
        if self.show_all:
            self.rows = register.referrals_between(today - _dt.timedelta(days=days), today, today=today)
            flag_after = register.referral_reply_days()
            for row in self.rows:
                row["overdue"] = row["reply"] is None and row["days_open"] >= flag_after
            info = f"Semua rujukan {days} hari terakhir: {len(self.rows)} · F5 yang belum dibalas saja"
        else:
            self.rows = register.open_referrals(today)
            flagged = sum(1 for r in self.rows if r["overdue"])
            info = (f"Belum ada balasan: {len(self.rows)}, terlama dahulu; {flagged} lewat "
                    f"{register.referral_reply_days()} hari · F5 semua ({days} hari)")
        self._info = info
        self._show_info()
        table = self.query_one("#referrals-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        table.border_title = "Rujukan segera" + (" (semua)" if self.show_all else " belum ada balasan")
        for row in self.rows:
            visit_day = _dt.date.fromisoformat(row["visit_date"])
            table.add_row(visit_day.strftime("%d-%m-%y"), str(row["days_open"]), short_label(row["patient_name"], 18),
                          age_text(row["birth_date"], visit_day), short_label(row["destination"] or "-", 14),
                          status_text(row), key=str(row["id"]))
        if self.rows:
            table.move_cursor(row=min(max(cursor, 0), len(self.rows) - 1))
        self._show_detail()
        self.refresh_bindings()

    def _selected(self) -> dict[str, Any] | None:
        table = self.query_one("#referrals-table", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def _show_detail(self) -> None:
        row = self._selected()
        if row is None:
            text = "Tidak ada rujukan yang belum dibalas." if not self.show_all else "Tidak ada rujukan."
        else:
            reply = row.get("reply")
            if reply:
                text = (f"Balasan {date_text(reply['received_date'])} ({reply['days_to_reply']} hr): "
                        f"{reply['diagnosis'] or '-'}")
            else:
                text = (f"{row['mrn']} · ibu {row['parent_name'] or '-'} · telp {row['phone'] or '-'}"
                        f"{' · telp faskes ' + row['destination_phone'] if row.get('destination_phone') else ''}"
                        f" · {row['village'] or '-'}")
        self.query_one("#referrals-help", Static).update(short_label(text, 79))

    @on(DataTable.RowHighlighted, "#referrals-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#referrals-table")
    def _selected_row(self, event: DataTable.RowSelected) -> None:
        event.stop()
        # A reviewer reads: Enter opens the visit; clinical staff record the reply.
        if self.app.can("referral.reply"):
            self.action_reply()
        else:
            self.action_open_visit()

    def check_screen_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("reply", "open_visit"):
            return self._selected() is not None
        return True

    def action_reply(self) -> None:
        row = self._selected()
        if row is not None:
            open_reply(self, int(row["id"]), self._replied)

    def _replied(self, saved: str | None) -> None:
        # On the info line until the next key: a notice would cover the phone number.
        self.notice = saved or ""
        self.reload()

    def on_key(self, event: Key) -> None:
        if self.notice:
            self.notice = ""
            self._show_info()

    def _show_info(self) -> None:
        text = f"{self.notice} {self._info}" if self.notice else self._info
        self.query_one("#referrals-info", Static).update(short_label(text, 79))

    def action_open_visit(self) -> None:
        row = self._selected()
        if row is not None:
            self.app.open_visit(int(row["id"]))

    def action_show_all(self) -> None:
        self.show_all = not self.show_all
        self.reload()

    def action_back(self) -> None:
        self.dismiss(None)
