"""Ringkasan (summary) of a visit, and saving it.

Classifications (severity as a word and a colour), treatments with doses, counselling and "kapan
kembali segera", the follow-up date; F10 saves (a correction asks for its reason first).
"Tersimpan" is shown only after the register call returned, i.e. after COMMIT.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass, field
from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from mtbs_tui.display import long_date_text
from mtbs_tui.form.plan import classification_label
from mtbs_tui.form.plausible import fmt
from mtbs_tui.messages import RegisterChanged
from mtbs_tui.rules.advice import advice_for
from mtbs_tui.rules.age import Age
from mtbs_tui.screens.base import MtbsScreen
from mtbs_tui.screens.given_keys import GIVEN_BINDINGS, GIVEN_HELP_KEYS, GivenContext, GivenKeys
from mtbs_tui.screens.visit_documents import DOCUMENT_BINDINGS, DocumentKeys
from mtbs_tui.widgets.destination import DESTINATION_KEY, DestinationBox
from mtbs_tui.widgets.given_box import given_content, given_title
from mtbs_tui.widgets.legend import KeyLegend

SUMMARY_CSS = """
SummaryScreen { layout: vertical; }
SummaryScreen #sum-title { height: 1; text-style: bold; background: $primary; color: $text; }
SummaryScreen #sum-body { height: 1fr; scrollbar-size-vertical: 1; }
SummaryScreen .box { height: auto; border: solid $secondary; border-title-style: bold; padding: 0 1; }
SummaryScreen #sum-urgent { height: auto; text-style: bold reverse; color: $text-error; text-align: center; }
SummaryScreen #sum-status { height: 1; text-style: bold; }
SummaryScreen #sum-incomplete { height: auto; padding: 0 1; }
SummaryScreen #sum-status.error { color: $text-error; }
SummaryScreen #sum-status.saved { color: $text-success; }
SummaryScreen .sev-merah { text-style: bold reverse; color: $text-error; }
"""

WORD = {"merah": "MERAH ", "kuning": "KUNING", "hijau": "HIJAU "}
# Theme variables, so the 16-colour ansi theme and the RGB themes both work; reverse video keeps
# the word readable on a monochrome screen.
STYLE = {"merah": "bold reverse $error", "kuning": "bold reverse $warning",
         "hijau": "bold reverse $success"}
WORD_WIDTH = 6  # every word in WORD is this wide
BOX_CHROME = 5  # a .box in #sum-body: border 2, padding 2, scroll bar 1


@dataclass(frozen=True)
class Problem:
    """One thing that stops a visit from being saved: the question (key, label), why, and the
    section (its short name in the module strip)."""

    key: str
    label: str
    why: str
    section: str
    rank: int = 2  # the order of the list and of the refusal: INVALID, UNCONFIRMED, UNASSESSED

    INVALID, UNCONFIRMED, UNASSESSED = 0, 1, 2

    def text(self) -> str:
        return f"{self.section}: {self.label}, {self.why}"

    @property
    def brief(self) -> str:
        """Why, in the two words the refusal line has room for."""
        return ("tidak valid", "belum dipastikan", "belum dinilai")[self.rank]


def _short_label(label: str) -> str:
    """A label cut at its first qualifier (" / ", " (", " atau "), whole words only."""
    cut = min((i for i in (label.find(s) for s in (" / ", " (", " atau ")) if i > 0), default=len(label))
    return label[:cut]


def refusal_line(problems: list[Problem], width: int = 78) -> str:
    """One line that fits ``width``: the first problem with its field name whole (shortened at a
    qualifier only when the whole name cannot fit), how many more, and the key that goes there."""
    first, more = problems[0], len(problems) - 1
    rest = f" {first.brief}" + (f" (+{more} lainnya)" if more else "") + " · p perbaiki"
    short = _short_label(first.label)
    for text in (f"Belum disimpan: {first.label}", f"Belum disimpan: {short}", first.label, short):
        if len(text) + len(rest) <= width:
            return text + rest
    return short[:width - len(rest) - 1] + "…" + rest


@dataclass
class SaveRequest:
    """Everything the summary needs to show the visit and save it."""

    patient_id: int
    patient: dict
    case: dict
    result: dict
    kind: str = "pertama"
    follow_up_of: str | None = None
    draft_id: int | None = None
    correct_visit_id: int | None = None
    age: Age | None = None
    problems: list[Problem] = field(default_factory=list)
    confirmed: dict = field(default_factory=dict)  # unusual values the worker confirmed
    fix_key: str | None = None  # set when the worker asks to go back to a problem (``p``)
    # A referred visit's destination picked on this summary: a facility id, None (written by
    # hand) or "auto" (not picked: the default, or where a corrected referral was sent).
    destination_choice: int | None | Literal["auto"] = "auto"
    # What was given, confirmed here before F10 (issue 17): kept when the worker goes back to the
    # form and returns, saved with the visit.
    given: list[dict] = field(default_factory=list)


def follow_up_date(visit_date: str, days: int | None) -> str | None:
    if days is None:
        return None
    day = dt.date.fromisoformat(visit_date) + dt.timedelta(days=days)
    return f"{days} hari lagi: {long_date_text(day)}"


class SummaryScreen(GivenKeys, DocumentKeys, MtbsScreen["int | None"]):
    """Dismissed with the saved visit id, or None (Escape: back to the form, nothing lost)."""

    # Keys a role may not use (accounts.ACTIONS): hidden from it, refused with a line if pressed.
    ROLE_GATES = {"save": "visit.create", "destination": "referral.destination"}

    # Default CSS, as the visit form's (screens/visit_form.py): opening the summary does not
    # restyle the form and the home screen under it.
    DEFAULT_CSS = SUMMARY_CSS

    HELP_KEYS = GIVEN_HELP_KEYS

    BINDINGS = [
        Binding("f10", "save", "Simpan", key_display="F10", id="simpan"),
        Binding("p", "fix", "Perbaiki", key_display="p", id="perbaiki"),
        # Only on a merah visit (check_action hides it otherwise): the standard visit has no new key.
        Binding(DESTINATION_KEY, "destination", "Tujuan", key_display=DESTINATION_KEY, id="tujuan"),
        *DOCUMENT_BINDINGS,
        Binding("escape", "back", "Kembali ke formulir", key_display="Esc", id="kembali"),
        # After saving there is no form to go back to (the visit is final): Esc says "Selesai".
        Binding("escape", "done", "Selesai", key_display="Esc", id="selesai"),
        *GIVEN_BINDINGS,  # last: a narrow key bar drops `d` (said in the box) before F8 or Esc
    ]

    def __init__(self, request: SaveRequest, *, save_at_once: bool = False) -> None:
        super().__init__()
        self.request = request
        self.saved_id: int | None = None
        self.saved_visit: dict | None = None
        # What was given, confirmed before F10: written with the visit (issue 17 item 1). From an
        # earlier visit to this summary, only what the chart still recommends (and the deviations).
        codes = {t.get("code") for t in request.result.get("treatments") or []}
        self.given_pending: list[dict] = [c for c in request.given if c.get("code") is None or c["code"] in codes]
        self._corrected: dict | None = None
        self._provisional_at: str | None = None  # the visit's time before F10 (_visit_at_before_save)
        # F10 in the form: the summary opens and saves (or refuses with its one line) at once.
        self.save_at_once = save_at_once

    def on_mount(self) -> None:
        if self.save_at_once:
            self.call_after_refresh(self.action_save)

    # --- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        r = self.request
        case, result = r.case, r.result
        parts = ["Ringkasan", r.patient.get("name", "")]
        if r.age is not None:
            parts.append(r.age.heading())
        if case.get("weight_kg") is not None:
            parts.append(f"BB {fmt(case['weight_kg'])} kg")
        parts.append(f"Bagan {result.get('chart', case.get('chart', ''))}")
        if r.correct_visit_id is not None:
            parts.append("koreksi")
        elif r.kind == "ulang":
            parts.append("kunjungan ulang")
        yield Static(" " + " · ".join(parts), id="sum-title", markup=False)
        # The body takes focus so the arrows and PgUp/PgDn scroll a long advice list.
        with VerticalScroll(id="sum-body"):
            if result.get("refer_urgently"):
                yield Static("MERAH - RUJUK SEGERA", id="sum-urgent", markup=False)
                yield self._destination_box()
            extra = self._incomplete()
            if extra:
                yield Static(extra, id="sum-incomplete", markup=False)
            box = Static(self._classifications(), classes="box", id="sum-klasifikasi")
            box.border_title = "Klasifikasi"
            yield box
            # Under the classification (which stays in view), every item that stops the save.
            if r.problems:
                box = Static(self._problems(), classes="box", id="sum-problems", markup=False)
                box.border_title = f"Belum bisa disimpan ({len(r.problems)})"
                yield box
            record = self.given_record()
            box = Static(given_content(self._given_treatments(), record, keys=self._may_record()),
                         classes="box", id="sum-tindakan")
            box.border_title = given_title(self._given_treatments(), record)
            yield box
            box = Static(self._follow_up(), classes="box", id="sum-ulang")
            box.border_title = "Kunjungan ulang"
            yield box
            box = Static(self._advice(), classes="box", id="sum-nasihat")
            box.border_title = "Nasihat dan kapan kembali segera"
            yield box
        if r.problems:
            yield Static(" " + self._refusal(), id="sum-status", classes="error", markup=False)
        else:
            yield Static(" F10 menyimpan kunjungan ini.", id="sum-status", markup=False)
        yield KeyLegend()

    def _destination_box(self) -> DestinationBox:
        """Where the child is sent: for a correction of a referred visit the referral's facility,
        else (a new visit, or a correction that makes a visit referred) the default."""
        reg = self.app.register
        facilities = reg.referral_facilities()
        chosen = None
        referral = None
        if self.request.correct_visit_id is not None:
            referral = reg.get_visit(self.request.correct_visit_id).get("referral")
        if self.request.destination_choice != "auto":  # picked before going back to the form
            chosen = self.request.destination_choice
        elif referral is not None:  # a correction of a referred visit: where the child was sent
            chosen = referral.get("facility_id")
        elif facilities and facilities[0]["is_default"]:
            chosen = facilities[0]["id"]
        if chosen is not None and all(f["id"] != chosen for f in facilities):
            # Deactivated since: shown as chosen so the correction keeps it unless changed.
            facilities.append(reg.referral_facility(chosen))
        return DestinationBox(facilities, chosen, id="sum-tujuan")

    def _classifications(self) -> Content:
        items = self.request.result.get("classifications") or []
        if not items:
            return Content("Belum ada klasifikasi.")
        lines = []
        # A long label wraps under itself, not under the colour word: the box's text width is the
        # screen less its border, padding and scroll bar.
        room = max(self.app.size.width - BOX_CHROME - WORD_WIDTH - 1, 20)
        for item in items:
            colour = item.get("colour", "")
            label = classification_label(item)
            rows = textwrap.wrap(label, room) or [""]
            label = rows[0] + "".join("\n" + " " * (WORD_WIDTH + 1) + row for row in rows[1:])
            lines.append(Content.from_markup(f"[{STYLE.get(colour, 'reverse')}]$word[/] $label",
                                             word=WORD.get(colour, "?     "), label=label))
        return Content("\n").join(lines)

    # --- what was given (issue 17 item 1; the keys are given_keys.GivenKeys) -------------------
    def _given_treatments(self) -> list[dict]:
        return list(self.request.result.get("treatments") or [])

    def _may_record(self) -> bool:
        can = getattr(self.app, "can", None)
        return can is None or bool(can("treatment.record"))

    def given_context(self) -> GivenContext | None:
        if self.saved_visit is not None:
            reg = self.app.register
            return GivenContext(self._given_treatments(), reg.given_for(self.saved_visit["visit_uid"]),
                                self.saved_visit["visit_at"], self.saved_id)
        if self.request.correct_visit_id is not None:
            if self._corrected is None:
                self._corrected = self.app.register.get_visit(self.request.correct_visit_id)
            return GivenContext(self._given_treatments(), self._corrected.get("given"),
                                self._corrected["visit_at"], None)
        if self._provisional_at is None:  # asked once: check_action runs for every key binding
            self._provisional_at = self._visit_at_before_save()
        return GivenContext(self._given_treatments(), None, self._provisional_at, None)

    def _visit_at_before_save(self) -> str:
        """The visit's time as the save will choose it: the draft's, else now for today's visit,
        else the start of its day (a visit entered later, time unknown)."""
        day = str(self.request.case.get("visit_date") or "")
        if self.request.draft_id is not None:
            try:
                at = self.app.register.get_draft(self.request.draft_id).get("visit_at")
            except Exception:  # noqa: BLE001 - a draft gone meanwhile: the save says so
                at = None
            if at and at[:10] == day:
                return str(at)
        now = dt.datetime.now()
        return now.isoformat(timespec="seconds") if day == now.date().isoformat() else f"{day}T00:00:00"

    def given_shown(self, line: str, *, error: bool = False) -> None:
        self.request.given = list(self.given_pending)
        record = self.given_record()
        box = self.query_one("#sum-tindakan", Static)
        box.update(given_content(self._given_treatments(), record, keys=self._may_record()))
        box.border_title = given_title(self._given_treatments(), record)
        self._status(line, "error" if error else ("saved" if self.saved_id is not None else None))
        if not error:
            self._keep_in_draft()
        self.refresh_bindings()

    def _keep_in_draft(self) -> bool:
        """Before F10, what was given and the destination picked here go into the visit's draft
        at once (one transaction): a crash before F10 loses none of it, and resuming the draft
        shows it again (issue 14's promise). A correction keeps no draft."""
        r = self.request
        if r.draft_id is None or self.saved_id is not None or r.correct_visit_id is not None:
            return True
        try:
            self.app.register.save_draft_pending(r.draft_id, given=list(self.given_pending),
                                                 destination=r.destination_choice, actor=self.app.actor)
        except Exception as exc:  # noqa: BLE001 - RegisterError carries one Indonesian line
            self._status(f"Draf tidak tersimpan: {getattr(exc, 'message', None) or exc}", "error")
            return False
        return True

    def _advice(self) -> str:
        lines: list[str] = []
        advice = advice_for(self.request.result)
        if advice.kembali_segera:
            lines.append("Kembali segera jika: " + "; ".join(advice.kembali_segera))
        lines += advice.nasihat
        return "\n".join(lines) or "-"

    def _follow_up(self) -> str:
        days = self.request.result.get("follow_up_days")
        text = follow_up_date(self.request.case["visit_date"], days)
        return text or "Tidak perlu kunjungan ulang."

    def _problems(self) -> str:
        return "\n".join(p.text() for p in self.request.problems)

    def _refusal(self) -> str:
        return refusal_line(self.request.problems)

    def _incomplete(self) -> str:
        """Modules not fully assessed that do not stop the save (a child referred urgently), and
        the unusual values that were confirmed."""
        from mtbs_tui.screens.visit_form import label_of, module_name

        blocking = {p.key for p in self.request.problems}
        lines = []
        names = []
        for entry in self.request.result.get("incomplete") or []:
            if all(k in blocking for k in entry.get("missing") or []):
                continue
            name = module_name(entry.get("module", ""))
            if name not in names:
                names.append(name)
        if names:
            lines.append("Belum dinilai (tidak wajib untuk kunjungan ini): " + ", ".join(names))
        for key, value in self.request.confirmed.items():
            shown = fmt(value) if isinstance(value, (int, float)) else value
            lines.append(f"Nilai tidak lazim dipastikan: {label_of(key)} {shown}")
        return "\n".join(lines)  # indented by the CSS padding, wrapped lines too

    # --- actions -----------------------------------------------------------------------------
    def check_screen_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return self.saved_id is None
        if action == "fix":
            return self.saved_id is None and bool(self.request.problems)
        if action == "back":
            return self.saved_id is None
        if action == "destination":
            return bool(self.request.result.get("refer_urgently")) and bool(self.query("#sum-tujuan")) \
                and bool(self.query_one("#sum-tujuan", DestinationBox).facilities)
        if action == "done":
            return self.saved_id is not None
        given_ok = self.given_check(action, parameters)
        if given_ok is not None:
            return given_ok
        document = self.document_check(action, parameters)
        return True if document is None else document

    def _status(self, text: str, cls: str | None = None) -> None:
        status = self.query_one("#sum-status", Static)
        status.update(" " + text)
        status.set_class(cls == "error", "error")
        status.set_class(cls == "saved", "saved")

    def action_fix(self) -> None:
        """Back to the form, on the first question that stops the save."""
        if self.request.problems and self.saved_id is None:
            self.request.fix_key = self.request.problems[0].key
            self.dismiss(None)

    def action_save(self) -> None:
        if self.saved_id is not None:
            return
        if self.request.problems:
            # Never saved without the value the worker typed, nor without the required answers.
            self._status(self._refusal(), "error")
            self.app.bell()
            return
        if self.request.correct_visit_id is not None:
            from mtbs_tui.screens.dialogs import ReasonDialog

            self.app.push_screen(ReasonDialog("Alasan koreksi", "Mengapa kunjungan ini dikoreksi?"),
                                 self._save_with_reason)
            return
        self._save(None)

    def _save_with_reason(self, reason: str | None) -> None:
        if reason:
            self._save(reason)
        else:
            self._status("Koreksi belum disimpan: alasan wajib diisi.", "error")

    def action_destination(self) -> None:
        from mtbs_tui.screens.destination import DestinationPicker

        box = self.query_one("#sum-tujuan", DestinationBox)
        self.app.push_screen(DestinationPicker(box.facilities, box.chosen), self._destination_chosen)

    def _destination_chosen(self, choice: int | str | None) -> None:
        from mtbs_tui.screens.destination import HAND

        if choice is None:  # Esc: the choice stays
            return
        facility_id = None if choice == HAND else int(choice)
        box = self.query_one("#sum-tujuan", DestinationBox)
        if self.saved_id is not None:
            # Saved already: the referral changes at once (its own transaction, audited).
            try:
                self.app.register.set_referral_destination(self.saved_id, facility_id, actor=self.app.actor)
            except Exception as exc:  # noqa: BLE001 - RegisterError carries one Indonesian line
                self._status(f"Tujuan tidak tersimpan: {getattr(exc, 'message', None) or exc}", "error")
                return
            box.choose(facility_id)
            name = (box.chosen_facility() or {}).get("name") or "ditulis tangan"
            self._status(f"Tujuan rujukan tersimpan: {name}.", "saved")
            return
        box.choose(facility_id)
        self.request.destination_choice = facility_id
        self._keep_in_draft()

    def _destination_id(self) -> int | None:
        boxes = self.query("#sum-tujuan")
        return boxes.first(DestinationBox).chosen if boxes else None

    def _save(self, reason: str | None) -> None:
        r = self.request
        reg = self.app.register
        actor = self.app.actor
        self._status("Menyimpan…")
        try:
            if r.correct_visit_id is not None:
                visit_id = reg.correct_visit(r.correct_visit_id, case=r.case, actor=actor,
                                             reason=reason or "", confirmed=r.confirmed,
                                             destination_id=self._destination_id() if self.query("#sum-tujuan")
                                             else "keep", given_changes=self.given_pending or None)
            else:
                visit_id = reg.save_visit(patient_id=r.patient_id, case=r.case, kind=r.kind,
                                          follow_up_of=r.follow_up_of, actor=actor, draft_id=r.draft_id,
                                          confirmed=r.confirmed, destination_id=self._destination_id(),
                                          given_changes=self.given_pending or None)
        except Exception as exc:  # noqa: BLE001 - RegisterError carries one Indonesian line
            self._status(f"Tidak tersimpan: {getattr(exc, 'message', None) or exc}", "error")
            return
        # Only here, after the register call returned (COMMIT done), do we say it is saved.
        self.saved_id = visit_id
        self.given_pending = []
        self.saved_visit = reg.get_visit(visit_id)
        self.given_shown(f"Tersimpan (kunjungan {visit_id}).")
        self.app.post_message(RegisterChanged(patient_id=r.patient_id, visit_id=visit_id))
        self.refresh_bindings()
        # Stay, so the mother leaves with her card (and a referred child with the letter).
        keys = [text for kind, text in (("card", "F7 kartu ibu"), ("referral", "F8 surat rujukan"))
                if self.check_action("document", (kind,))]
        if not keys:
            # The summary closes: a short toast says it was saved. While it stays, its status line
            # says so (a toast there covered the line with the document's path after F7).
            self.app.notify("Kunjungan tersimpan.", timeout=4)
            self.dismiss(visit_id)
            return
        self._status(f"Tersimpan (kunjungan {visit_id}). {' · '.join(keys)} · Esc selesai.", "saved")

    def document_visit(self) -> dict | None:
        if self.saved_id is None:
            return None
        return {"id": self.saved_id, "status": "final",
                "refer_urgently": bool(self.request.result.get("refer_urgently"))}

    def show_document_line(self, text: str, *, error: bool) -> None:
        self._status(text, "error" if error else "saved")

    def action_back(self) -> None:
        self.dismiss(self.saved_id)

    def action_done(self) -> None:
        self.dismiss(self.saved_id)
