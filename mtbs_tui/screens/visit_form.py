"""Recording a visit: the balita or bayi-muda form, generated from the rules vocabulary.

The screen reads ``app.register`` and ``app.actor``; it loads the patient (and a draft or the visit
being corrected), chooses the form from the age and says why, shows the live classification, and
hands over to the summary (F9) to save.

Nothing typed is lost: every changed answer writes the draft within ``AUTOSAVE_DELAY`` seconds (one
small transaction, the open section's answers and where the nurse is), and so does every section
change; Ctrl+Q/Ctrl+C and the idle lock call ``keep_work()`` first (the app asks every screen).

Layout (80x24): title, module strip, [section | classification panel], help line, footer.
Only the current section is displayed, so the next field is always on screen.
"""

from __future__ import annotations

import datetime as dt
import time
from abc import abstractmethod
from typing import Any, Generic, Optional, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Label, Static

from mtbs_tui.display import date_text
from mtbs_tui.form.plan import (
    CAMPAK_ENTRY,
    HEADER_ID,
    Block,
    FormValues,
    SectionPlan,
    build_plan,
    excluded_keys,
    missing_by_module,
    module_name,
    optional_asked,
    vaccines_for_age,
)
from mtbs_tui.form.plausible import fmt
from mtbs_tui.rules import settings as chart_settings
from mtbs_tui.rules import vocabulary as voc
from mtbs_tui.rules.age import Age, age_on, length_position_for
from mtbs_tui.screens import follow_up as fu
from mtbs_tui.screens.base import MtbsModalScreen, MtbsScreen
from mtbs_tui.screens.summary import Problem
from mtbs_tui.widgets.fields import FormField, NumberField, YesNoField
from mtbs_tui.widgets.legend import KeyLegend
from mtbs_tui.widgets.line import TextLine
from mtbs_tui.widgets.messages import FieldChanged, FieldDone
from mtbs_tui.widgets.panel import ClassificationPanel, panel_lines
from mtbs_tui.widgets.section import FormSection

FORM_CSS = """
AssessmentFormScreen { layout: vertical; }
AssessmentFormScreen #form-title { height: 1; text-style: bold; background: $primary; color: $text; }
AssessmentFormScreen #strip { height: 1; color: $text-muted; }
AssessmentFormScreen #form-body { height: 1fr; }
AssessmentFormScreen #form-column {
    width: 1fr; height: 1fr; border: solid $accent; border-title-style: bold;
    scrollbar-size-vertical: 1;
}
AssessmentFormScreen #help-line { height: 1; color: $text-muted; }
AssessmentFormScreen #help-line.error { color: $text-error; text-style: bold; }
"""


FOLLOW_UP_ID = "ulang"
# The modules whose questions are required even when the child is referred urgently: every danger
# sign must be looked at (the rest of the assessment may wait for the hospital).
DANGER_SIGN_MODULES = frozenset({"tanda_bahaya", "bm_infeksi"})
ANSWER_KEYS = "ytn0123456789sk"
# What a number field types besides digits, read with priority too (key name -> the text): every
# key that edits a number goes the same way, so none overtakes another.
NUMBER_KEYS = {"comma": ",", "full_stop": ".", "minus": "-", "backspace": "backspace",
               "delete": "delete", "ctrl+u": "ctrl+u"}
# Answers that can fold or unfold a block (plan.block_state / campak_details_asked).
FOLD_KEYS = frozenset(
    {m.opening_key for m in voc.MODULES if m.opening_key}
    | {"demam", "demam_hari", "temperature_c", "menyusu", *CAMPAK_ENTRY})


# Answers that follow from an earlier one, so the question is not asked again within the visit:
# (given key, given value, key answered, its value). The field still shows it (passed over going
# forward) and can be changed. Cough answers the measles sign "batuk, pilek atau mata merah" (any
# one of the three is enough). The child's consciousness is looked at once: lethargic or
# unconscious among the danger signs (2015 "letargis atau tidak sadar", 2022 SAGA "tidak
# berinteraksi / tidak sadar") is the diarrhoea box's "keadaan umum: letargis atau tidak sadar"
# and the dengue and nutrition boxes' "penurunan kesadaran"; a "tidak" answers "penurunan
# kesadaran" only under the named setting (rules/settings.py, listed in docs/chart.md). In the same
# way a "ya" to "tidak bisa minum atau menyusu" is the diarrhoea box's "malas minum atau tidak bisa
# minum", and a restless child among the danger signs (2015 "gelisah", 2022 "gelisah, rewel, tidak
# dapat ditenangkan") its "keadaan umum: gelisah, rewel" (the first of the two that applies wins:
# lethargy comes first in the chart's order). A "ya" only ever makes a classification more severe.
IMPLIED: tuple[tuple[str, Any, str, Any], ...] = (
    ("batuk", True, "batuk_pilek_mata_merah", True),
    ("letargis_tidak_sadar", True, "keadaan_umum", "letargis_tidak_sadar"),
    ("tidak_berinteraksi", True, "keadaan_umum", "letargis_tidak_sadar"),
    ("tidak_berinteraksi", True, "penurunan_kesadaran", True),
    ("tidak_bisa_minum", True, "kemampuan_minum", "malas_atau_tidak_bisa"),
    ("gelisah", True, "keadaan_umum", "gelisah_rewel"),
    ("rewel_tidak_dapat_ditenangkan", True, "keadaan_umum", "gelisah_rewel"),
    *((("tidak_berinteraksi", False, "penurunan_kesadaran", False),)
      if chart_settings.DEFAULT.kesadaran_baik_dari_tanda_bahaya else ()),
)
# Visit data filled in for the nurse and passed over going forward (shown, and changed with
# Shift+Tab): the facility's malaria area and chart version, and, once a length is typed, the way
# a child of this age is measured (berbaring under 24 months, berdiri from 24; rules.age).
FACILITY_DEFAULTS = ("chart", "malaria_area")


def label_of(key: str) -> str:
    if key in voc.FINDINGS:
        return voc.FINDINGS[key].label
    if key in voc.TOP_LEVEL:
        return voc.TOP_LEVEL[key].label
    return key.replace("_", " ")


class LeaveDialog(MtbsModalScreen[str]):
    """Escape on the form: leave (the draft is kept), stay, or throw the draft away."""

    CSS = """
    LeaveDialog { align: center middle; }
    LeaveDialog > Vertical {
        width: 64; height: auto; border: solid $accent; background: $surface; padding: 0 1;
    }
    LeaveDialog .question { text-style: bold; }
    LeaveDialog .keys { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [
        Binding("y,1,enter", "answer('keluar')", "Keluar, simpan draf", key_display="y", id="keluar"),
        Binding("t,0,escape", "answer('tetap')", "Tetap di formulir", key_display="t", id="tetap"),
        Binding("h", "answer('buang')", "Buang draf", key_display="h", id="buang"),
    ]

    def __init__(self, question: str, detail: str, *, can_discard: bool) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.can_discard = can_discard

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, classes="question")
            yield Static(self.detail, markup=False)
            keys = "[y] keluar    [t] tetap di formulir"
            if self.can_discard:
                keys += "    [h] buang draf"
            yield Label(keys, classes="keys", markup=False)

    def check_screen_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer" and parameters and parameters[0] == "buang":
            return self.can_discard
        return True

    def action_answer(self, value: str) -> None:
        self.dismiss(value)


# What a finished form is dismissed with (None: left): the register's visit form the saved visit
# id, the practice form (screens/latihan.py) the recorded case.
FormResult = TypeVar("FormResult")


class AssessmentFormScreen(MtbsScreen[Optional[FormResult]], Generic[FormResult]):
    """The assessment form (sections, fields, drafts, checks). What F9/F10 lead to, and so what the
    form is dismissed with, is the subclass's: `VisitFormScreen` saves a visit, the practice form
    hands the recorded case to the classification step."""

    # Default CSS, not CSS: Textual adds a screen's CSS at its first push and then restyles every
    # widget of the app (the home screen under the form); default CSS styles only the widgets
    # being mounted. It is scoped to this base class, which the rules name, so it holds for every
    # subclass (the visit form, the practice form).
    DEFAULT_CSS = FORM_CSS
    AUTO_FOCUS = None
    # Seconds after opening before the other sections are mounted (one per idle moment), and the
    # pause in typing that counts as idle.
    BACKGROUND_MOUNT_DELAY = 0.3
    IDLE_BEFORE_MOUNT = 0.6
    # The first change after a write starts this timer; when it fires the draft is written, so an
    # answer is durable at most this long (plus one write, a few ms) after it was given, even
    # while the nurse keeps typing.
    AUTOSAVE_DELAY = 0.5
    # The live classification panel beside the form. The practice mode (screens/latihan.py) hides
    # it: the trainee classifies herself (issue 19).
    LIVE_PANEL = True

    # F1 help (screens/help.py): the keys read by the fields, and one line for each family of jumps.
    HELP_KEYS = [
        ("y / t", "Ya / Tidak (juga 1 / 0); Backspace menghapus", ("answer",)),
        ("0–9 , Enter", "Angka lalu Enter; 36,8 atau 52 lanjut sendiri", ("enter",)),
        ("1 2 3…", "Pilihan bernomor: tekan angka pilihan", ()),
        ("Spasi s k", "Centang: Spasi pilih, s sesuai umur, k tidak ada", ()),
        ("Alt+1…Alt+0", "Ke bagian 1–10 (Alt+0 = bagian 10)", ("jump",)),
        ("Alt+huruf", "Ke bagian (huruf besar di jalur bagian)", ("jump_letter",)),
        ("F7 / F8", "Sesudah tersimpan: kartu ibu / surat rujukan", ()),
    ]

    BINDINGS = [
        Binding("tab", "next_field", "Lanjut", key_display="Tab", priority=True, id="lanjut"),
        # Not in the footer (80 columns keep Esc Tutup and F5 there; F1 lists every key).
        Binding("shift+tab", "prev_field", "Kembali", key_display="Shift+Tab", show=False, priority=True,
                id="kembali"),
        # One-key answers and Enter are read with priority, i.e. while the app reads the keys and
        # before the next key is dispatched: the focus has moved on before a key typed ahead (or
        # a burst from a slow PC catching up) arrives, so it never lands in the previous question.
        Binding("enter", "enter", "Lanjut", show=False, priority=True),
        *[Binding(k, f"answer('{k}')", show=False, priority=True) for k in ANSWER_KEYS],
        *[Binding(k, f"answer('{v}')", show=False, priority=True) for k, v in NUMBER_KEYS.items()],
        # Priority: the scrolling column would otherwise take PgUp/PgDn for itself.
        Binding("pagedown", "next_section", "Bagian", key_display="PgDn", priority=True,
                id="bagian_berikut"),
        Binding("pageup", "prev_section", "Bagian sebelumnya", key_display="PgUp", show=False,
                priority=True, id="bagian_sebelum"),
        Binding("f5", "rest_no", "Sisa tidak", key_display="F5", id="sisa_tidak"),
        Binding("f9", "summary", "Ringkasan", key_display="F9", id="ringkasan"),
        Binding("f10", "summary(True)", "Simpan", key_display="F10", id="simpan"),
        # "Tutup" (close the form, its draft kept): "Keluar" is Ctrl+Q's, quitting the app.
        Binding("escape", "leave", "Tutup", key_display="Esc", id="keluar"),
        # Priority: a real terminal sends Alt+a as ESC a, which Textual reads as the key alt+a WITH
        # the character "a": the focused field would take the "a" (tests/tui/test_tmux_keys.py).
        *[Binding(f"alt+{d}", f"jump({d})", f"Bagian {d}", show=False, priority=True) for d in range(10)],
        # Alt + a section's letter (shown in the strip in capitals, e.g. "Demam" -> D).
        *[Binding(f"alt+{c}", f"jump_letter('{c}')", "Ke bagian", show=False, priority=True)
          for c in "abcdefghijklmnopqrstuvwxyz"],
        # Alt+B and Alt+F arrive as ESC b / ESC f, which Textual reads as ctrl+left / ctrl+right
        # (the word keys of some terminals): the same jumps.
        Binding("ctrl+left", "jump_letter('b')", "Ke bagian", show=False, priority=True),
        Binding("ctrl+right", "jump_letter('f')", "Ke bagian", show=False, priority=True),
    ]

    def __init__(self, patient_id: int, *, kind: str = "pertama", follow_up_of: str | None = None,
                 draft_id: int | None = None, correct_visit_id: int | None = None,
                 notice: str = "") -> None:
        super().__init__()
        self.patient_id = patient_id
        # Said on the help line while the first question has the focus (e.g. "Pasien ... tersimpan."
        # after registering): a toast there covered the classification panel and the help line.
        self.notice = notice
        self.kind = kind
        self.follow_up_of = follow_up_of
        self.draft_id = draft_id
        self.correct_visit_id = correct_visit_id
        # When the form was opened: stored with the first draft (`visits.opened_at`), the start of
        # the consultation minutes (quality indicator), set on mount by the app's clock.
        self.opened_at: dt.datetime | None = None
        self.values = FormValues()
        self.sections: list[FormSection] = []
        self.index = 0
        self.result: dict | None = None
        self.result_error: str | None = None
        self.load_error: str | None = None
        self.dirty = False
        self.unsaved = False  # answers changed since the draft was last written
        self._autosave_timer: Any = None
        self.draft_error: str | None = None
        # Unusual values the worker confirmed ({key: value}): recorded with the draft and the visit.
        self.confirmed: dict[str, Any] = {}
        # Text typed into a number field that is not a valid value ({key: text}, e.g. a breathing
        # rate of 300): kept in the draft and shown again, flagged, when it is resumed.
        self.typed: dict[str, str] = {}
        self.summary_request: Any = None
        # The referral destination picked on the summary ("auto": the default), kept when the
        # worker goes back to the form and opens the summary again.
        self.destination_choice: Any = "auto"
        self.given_kept: list[dict[str, Any]] = []  # what was given, confirmed on the summary before F10
        self.incomplete_before: set[str] = set()  # a correction: the boxes not assessed then
        self.implied: set[str] = set()  # keys answered by IMPLIED (passed over going forward)
        self.start_section: str | None = None
        self.last_activity = 0.0
        # The question an answer moved on from into the next section (Shift+Tab goes back to it).
        self._came_from: FormField | None = None
        # The question a full number (``_full_from``) moved on to: an Enter there, still
        # untouched, only confirms the number; a first digit there is refused once.
        self._enter_after_full: FormField | None = None
        self._full_from: NumberField | None = None

    # --- loading -----------------------------------------------------------------------------
    def _load(self) -> None:
        reg = self.app.register
        self.patient = reg.get_patient(self.patient_id)
        facility = reg.facility() or {}
        clock = getattr(self.app, "today", None)  # the shell's clock (fixed in tests)
        today = (clock() if callable(clock) else dt.date.today()).isoformat()
        self.visit_date = today
        case: dict[str, Any] = {}
        if self.correct_visit_id is not None:
            visit = reg.get_visit(self.correct_visit_id)
            case = visit["case"]
            self.visit_date = visit["visit_date"]
            self.confirmed = dict(visit.get("confirmed") or {})
            self.incomplete_before = {e.get("module") for e in (visit.get("result") or {}).get("incomplete") or []}
            self.kind = visit.get("kind") or self.kind
            self.follow_up_of = visit.get("follow_up_of") or self.follow_up_of
        elif self.draft_id is not None:
            draft = reg.get_draft(self.draft_id)
            case = draft["case"]
            self.visit_date = draft.get("visit_date") or today
            self.confirmed = dict(draft.get("confirmed") or {})
            self.typed = {str(k): str(v) for k, v in (draft.get("typed") or {}).items()}
            self.kind = draft.get("kind") or self.kind
            self.follow_up_of = draft.get("follow_up_of") or self.follow_up_of
            self.start_section = draft.get("section")
            # Confirmed on the summary before F10 (kept with the draft, schema v14).
            pending = draft.get("pending") or {}
            self.given_kept = list(pending.get("given") or [])
            self.destination_choice = pending.get("destination", "auto")
        for key, value in case.items():
            if key in voc.TOP_LEVEL and key not in ("visit_date", "birth_date", "sex") and value is not None:
                self.values.top[key] = value
        self.values.findings.update({k: v for k, v in (case.get("findings") or {}).items()
                                     if v is not None})
        defaults = {"chart": facility.get("chart_default") or "2022",
                    "malaria_area": facility.get("malaria_area")}
        for key in FACILITY_DEFAULTS:
            if defaults[key] and self.values.top.setdefault(key, defaults[key]) == defaults[key]:
                self.implied.add(key)  # the facility's own value: passed over going forward
        self.age: Age = age_on(self.patient["birth_date"], self.visit_date)
        if self.values.top.get("length_position") == length_position_for(self.age.months):
            self.implied.add("length_position")
        self.earlier = fu.earlier_visit(reg, self.follow_up_of) if self.follow_up_of else None

    @property
    def chart(self) -> str:
        return str(self.values.top.get("chart") or "2022")

    @property
    def pathway(self) -> str:
        return self.age.pathway

    def _plans(self) -> list[SectionPlan]:
        plans = build_plan(self.pathway, self.chart, self.age)
        followed = fu.followed_modules(self.earlier)
        if followed:
            # A follow-up reassesses the followed boxes first (after the data and danger signs).
            def rank(p: SectionPlan) -> int:
                if p.id in (HEADER_ID, "tanda_bahaya", "bm_infeksi"):
                    return 0
                return 1 if any(m in followed for m in p.modules) else 2
            plans = sorted(plans, key=rank)
        return plans

    def _intro(self) -> list[str]:
        lines = [self.age.reason()]
        if self.correct_visit_id is not None:
            lines.append(f"Koreksi kunjungan {date_text(self.visit_date)}: alasan ditanyakan saat simpan.")
        elif getattr(self.app, "can", lambda _action: True)("referral.view"):
            # Issue 17: the child comes back after a referral that has no reply yet.
            waiting = self.app.register.unanswered_referral(self.patient_id,
                                                            before=f"{str(self.visit_date)[:10]}T")
            if waiting is not None:
                lines.append(f"Rujukan {date_text(waiting['visit_date'])} belum ada balasan: tanyakan "
                             "hasilnya ke ibu (catat di halaman pasien, F9).")
        return lines

    def _make_sections(self) -> list[FormSection]:
        suggest = lambda: vaccines_for_age(self.age)  # noqa: E731 - the ``s`` key of the vaccine list
        context = {"age_days": self.age.days, "sex": self.patient.get("sex")}
        out = []
        if self.kind == "ulang":
            # First, what is being followed and the follow-up box's questions (no fields: Tab on).
            plan = SectionPlan(FOLLOW_UP_ID, "Kunjungan ulang: yang dipantau", "Ulang", (), ())
            out.append(FormSection(plan, intro=fu.intro_lines(self.earlier)))
        for plan in self._plans():
            intro = self._intro() if plan.id == HEADER_ID else ()
            out.append(FormSection(plan, intro=intro, suggest=suggest, context=context))
        return out

    # --- composing ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        try:
            self._load()
        except Exception as exc:  # noqa: BLE001 - shown as one Indonesian line, never a traceback
            self.load_error = getattr(exc, "message", None) or f"galat internal: {exc}"
            yield TextLine(f"Formulir tidak dapat dibuka: {self.load_error}", id="form-title")
            yield TextLine("Tekan Esc untuk kembali.", id="help-line")
            yield KeyLegend()
            return
        self.sections = self._make_sections()
        self.index = self._start_index()
        yield TextLine(id="form-title")
        yield TextLine(id="strip")
        with Horizontal(id="form-body"):
            with VerticalScroll(id="form-column", can_focus=False):
                # Only the section shown first is mounted with the screen; the others follow in
                # the background (or at once when the worker goes there): opening stays fast.
                yield self.sections[self.index]
            panel = ClassificationPanel(id="panel")
            panel.display = self.LIVE_PANEL
            yield panel
        yield TextLine(id="help-line")
        yield KeyLegend()

    def _start_index(self) -> int:
        """The section a draft stopped at: by its id, else the section holding that module (a
        draft written by another version may name the module), else the first."""
        for i, section in enumerate(self.sections):
            if section.plan.id == self.start_section:
                return i
        for i, section in enumerate(self.sections):
            if self.start_section in section.plan.modules:
                return i
        return 0

    async def on_mount(self) -> None:
        if self.draft_id is None and self.correct_visit_id is None:
            self.opened_at = self.app.now()  # a resumed draft keeps its own; a correction has no draft
        if self.load_error:
            return
        section = self.sections[self.index]
        section.load(self.values.merged(), self.confirmed)
        self._restore_typed(section)
        # A section holding an invalid typed value is mounted now: the summary lists it.
        for other in self.sections:
            if other is not section and any(k in other.plan.keys for k in self.typed):
                await self._ensure_mounted(other)
        await self._show_section(self.index, focus="first", save=False)
        self._refresh_state()
        self.set_timer(self.BACKGROUND_MOUNT_DELAY, self._mount_next_in_background)

    async def _ensure_mounted(self, section: FormSection) -> None:
        if section.is_mounted:
            return
        section.display = False
        await self.query_one("#form-column", VerticalScroll).mount(section)
        if not (self.is_attached and section.is_attached):
            return  # the form was closed while the section was being mounted
        merged = self.values.merged()
        try:
            section.load(merged, self.confirmed)
            self._restore_typed(section)
            section.apply_folding(merged, missing_by_module(self.result))
        except NoMatches:  # closed in the middle: nothing to show any more
            return

    def _restore_typed(self, section: FormSection) -> None:
        """Show the invalid texts of a resumed draft in their fields, flagged as when typed."""
        for f in section.fields:
            if isinstance(f, NumberField) and f.key in self.typed and f.value is None:
                f.text = self.typed[f.key]
                f._check()
                f.refresh_field()

    async def _mount_next_in_background(self) -> None:
        """Mount one more section when the worker pauses; again until all are mounted.

        Mounting a big section (the fever box) keeps the event loop busy for a moment, so it is
        done only after a short pause in typing, never between two keys of a number.
        """
        pending = [s for s in self.sections if not s.is_mounted]
        if not pending or not self.is_attached or self.app.screen_stack.count(self) == 0:
            return
        if time.monotonic() - self.last_activity < self.IDLE_BEFORE_MOUNT:
            self.set_timer(self.IDLE_BEFORE_MOUNT / 2, self._mount_next_in_background)
            return
        await self._ensure_mounted(pending[0])
        if len(pending) > 1:
            self.set_timer(0.05, self._mount_next_in_background)

    # --- the model ---------------------------------------------------------------------------
    def hidden_keys(self) -> set[str]:
        return excluded_keys([s.plan for s in self.sections], self.values.merged())

    def build_case(self) -> dict[str, Any]:
        """The case-format object for the register and the engine (folded blocks left out)."""
        hidden = self.hidden_keys()
        case: dict[str, Any] = {"visit_date": self.visit_date,
                                "birth_date": self.patient["birth_date"]}
        if self.patient.get("sex") in ("L", "P"):
            case["sex"] = self.patient["sex"]
        for key, value in self.values.top.items():
            if value is not None and key not in hidden:
                case[key] = value
        case["findings"] = {k: v for k, v in self.values.findings.items()
                            if v is not None and k not in hidden}
        return case

    def classify_now(self) -> None:
        try:
            self.result = self.app.register.classify(self.build_case())
            self.result_error = None
        except Exception as exc:  # noqa: BLE001 - RegisterError/FieldError carry one Indonesian line
            field = getattr(exc, "field", None)
            message = getattr(exc, "message", None) or str(exc)
            label = label_of(field.split(".", 1)[-1]) if field else ""
            self.result = None
            self.result_error = f"{label}: {message}" if label and label not in message else message

    # --- refreshing --------------------------------------------------------------------------
    def _refresh_state(self, *, fold: bool = True) -> None:
        merged = self.values.merged()
        self.classify_now()
        needed = missing_by_module(self.result)
        for section in self.sections:
            # Only the answers that open or close a block change the folding; a question asked
            # only when needed (plan.ASKED_WHEN_NEEDED) follows every classification.
            if section.is_mounted and (fold or section.conditional):
                section.apply_folding(merged, needed)
        panel = self.query_one(ClassificationPanel)
        if panel.display:
            panel.show(panel_lines(self.result, width=panel.text_width, values=merged, label_of=label_of,
                                   module_name=module_name, error=self.result_error))
        self._refresh_title()
        self._refresh_strip()

    def _refresh_title(self) -> None:
        form = "Bayi muda" if self.pathway == "bayi_muda" else "Balita sakit"
        if self.correct_visit_id is not None:
            form = "Koreksi · " + form
        elif self.kind == "ulang":
            form = "Kunjungan ulang · " + form
        sex = self.patient.get("sex") or "?"
        parts = [form, f"{self.patient.get('name', '')} ({sex})",
                 self.age.heading() if self.pathway == "bayi_muda" else f"{self.age.heading()} ({self.age.days} hr)"]
        top = self.values.top
        if top.get("weight_kg") is not None:
            parts.append(f"BB {fmt(top['weight_kg'])}")
        if top.get("length_cm") is not None:
            parts.append(f"{'TB' if top.get('length_position') == 'berdiri' else 'PB'} {fmt(top['length_cm'])}")
        if top.get("temperature_c") is not None:
            parts.append(f"{fmt(top['temperature_c'])}°C")
        chart = f"Bagan {self.chart}"
        # 80 columns: the chart version always shows. What gives way, in turn: the name (down to
        # 16 characters), the age in days, the name (down to 10), the measurements from the
        # right, the name (down to 8).
        width = max(self.size.width, 80) - 2
        full_name, age, measures = parts[1], parts[2], parts[3:]
        name = full_name

        def line() -> str:
            return " · ".join([parts[0], name, age, *measures, chart])

        def shorten(keep: int) -> str:
            over = len(line()) - width
            if over <= 0 or len(name) <= keep:
                return name
            return name[:max(keep - 1, len(name.rstrip("…")) - over - 1)].rstrip() + "…"

        name = shorten(16)
        if len(line()) > width and self.pathway != "bayi_muda":
            age = self.age.text()
        name = shorten(10)
        while len(line()) > width and measures:
            measures = measures[:-1]
        name = shorten(8)
        text = line()
        self.query_one("#form-title", TextLine).set_text(" " + text)

    def section_mark(self, i: int, section: FormSection, merged: dict[str, Any]) -> str:
        if i == self.index:
            return "●"
        if section.status_text(merged):
            return "–"
        if section.plan.id == FOLLOW_UP_ID:
            return "√"
        if section.plan.id == HEADER_ID:
            return "√" if any(merged.get(k) is not None for k in section.plan.keys if k != "chart"
                              and k != "malaria_area") else "·"
        incomplete = {e.get("module") for e in (self.result or {}).get("incomplete") or []}
        answered = any(merged.get(k) is not None for k in section.plan.keys)
        if not answered or any(m in incomplete for m in section.plan.modules) or self.result is None:
            return "·"
        return "√"

    def _refresh_strip(self) -> None:
        merged = self.values.merged()
        letters = self.section_letters()
        pieces = [self.section_mark(i, s, merged) + _mark_letter(s.plan.short, letters[i])
                  for i, s in enumerate(self.sections)]
        text = " " + " ".join(pieces)
        if len(text) > 80:
            text = " " + "".join(pieces)
        self.query_one("#strip", TextLine).set_text(text)

    def _set_help(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#help-line", TextLine)
        line.set_text(" " + text)
        if line.has_class("error") != error:
            line.set_class(error, "error")

    # --- sections ----------------------------------------------------------------------------
    @property
    def current(self) -> FormSection:
        return self.sections[self.index]

    async def _show_section(self, index: int, *, focus: str = "first", save: bool = True) -> None:
        index = max(0, min(index, len(self.sections) - 1))
        changed = index != self.index
        section = self.sections[index]
        await self._ensure_mounted(section)
        if changed and self.current.is_mounted:
            self.current.display = False
        self.index = index
        section.display = True
        column = self.query_one("#form-column", VerticalScroll)
        column.border_title = f"{index + 1}/{len(self.sections)} {section.plan.title}"
        column.scroll_home(animate=False)
        fields = section.focusable_fields()
        self._came_from = None
        if fields:
            target = fields[0] if focus == "first" else fields[-1]
            if focus == "in_turn":  # moved on by an answer: the first question asked in turn
                target = next((f for f in fields if not self.passed_over(f, in_turn=True)), fields[0])
            self.set_focus(target)
        else:
            self.set_focus(None)
            self._set_help("Tab atau PgDn: lanjut ke pengisian.")
        self._refresh_strip()
        if save and changed:
            self.save_draft()

    async def action_next_section(self) -> None:
        if self.index + 1 >= len(self.sections):
            self.action_summary()
            return
        await self._show_section(self.index + 1)

    async def action_prev_section(self) -> None:
        await self._show_section(self.index - 1)

    async def action_jump(self, digit: int) -> None:
        await self._show_section(digit - 1 if digit else 9)

    def section_letters(self) -> list[str]:
        """One letter per section for Alt+letter: the first letter of its short name not taken by
        an earlier section (Data d, Bahaya b, Batuk a, Diare i, Demam e, ...)."""
        used: list[str] = []
        for section in self.sections:
            letter = next((c for c in section.plan.short.lower() if c.isalpha() and c not in used), "")
            used.append(letter)
        return used

    async def action_jump_letter(self, letter: str) -> None:
        letters = self.section_letters()
        if letter in letters:
            await self._show_section(letters.index(letter))
        else:
            self._set_help(f"Tidak ada bagian dengan huruf {letter.upper()}.", error=True)

    def rest_no_fields(self) -> list[FormField]:
        """The yes/no questions of the open section still empty (shown, not echoes)."""
        return [f for f in self.current.focusable_fields()
                if isinstance(f, YesNoField) and f.value is None and "echo" not in f.classes]

    def rest_no_refusal(self) -> str | None:
        """Why F5 does nothing in the open section (None: it does something)."""
        if set(self.current.plan.modules) & DANGER_SIGN_MODULES:
            return "Tanda bahaya dinilai satu per satu: F5 tidak berlaku di bagian ini."
        if not self.rest_no_fields():
            return "Tidak ada pertanyaan ya/tidak yang kosong di bagian ini."
        return None

    def explain_unavailable(self, action: str, parameters: tuple[object, ...]) -> bool:
        # F5 is hidden in the danger signs and dimmed where nothing is left: pressed anyway, the
        # help line says why (it did nothing without a word, seen in tmux).
        if action == "rest_no" and self.sections and not self.load_error:
            refusal = self.rest_no_refusal()
            if refusal:
                self.app.bell()
                self._set_help(refusal, error=True)
                return True
        return False

    async def action_rest_no(self) -> None:
        """F5: "tidak" for every still-empty yes/no question of this section, after one
        confirming key that lists them. Never in the danger signs: each is looked at."""
        refusal = self.rest_no_refusal()
        if refusal:
            self._set_help(refusal, error=True)
            return
        fields = self.rest_no_fields()
        from mtbs_tui.screens.dialogs import ConfirmDialog

        names = "\n".join(f"- {f.label}" for f in fields)
        self.app.push_screen(
            ConfirmDialog(f"Jawab \"tidak\" untuk {len(fields)} pertanyaan yang kosong?", detail=names,
                          yes="Ya, semua tidak", no="Batal"),
            lambda sure: self._rest_no(sure, fields))

    async def _rest_no(self, sure: bool | None, fields: list[FormField]) -> None:
        if not sure:
            return
        for f in fields:
            if f.is_attached and f.display and f.value is None:
                f.set_value(False, announce=False)
                self.field_changed(f)
        await self.action_next_section()

    def _block_of(self, section: FormSection, key: str) -> Block | None:
        return next((b for b in section.plan.blocks if key in b.keys), None)

    def passed_over(self, field: FormField, *, in_turn: bool) -> bool:
        """Whether moving on skips ``field``: a question already answered in an earlier box (an
        echo) once it holds a value; and, when an answer moves on (``in_turn``; Tab and the arrows
        visit them), a question filled in for the nurse (IMPLIED, FACILITY_DEFAULTS, the way of
        measuring) and the optional items at the end of a box, unless ``optional_asked`` puts
        them in turn."""
        if field.value is not None and ("echo" in field.classes
                                        or (in_turn and field.key in self.implied)):
            return True
        section = field.parent
        if in_turn and isinstance(section, FormSection):  # the section holding the question
            block = self._block_of(section, field.key)
            return bool(block and field.key in block.optional
                        and not optional_asked(block, self.values.merged()))
        return False

    async def advance(self) -> None:
        """An answer was given (y/t, a digit, Enter on a number): on to the next question asked
        in turn; after the last one of the section, the next section (optional items at the end
        are passed over: Tab or Shift+Tab reaches them)."""
        await self.action_next_field(in_turn=True)

    async def action_next_field(self, in_turn: bool = False) -> None:
        fields = self.current.focusable_fields()
        focused = self.focused
        if isinstance(focused, FormField) and focused in fields:
            i = fields.index(focused)
            if in_turn and self.passed_over(focused, in_turn=True):
                in_turn = False  # among the optional items by choice: on to the next of them
            # A question already answered in an earlier box is passed over going forward
            # (Shift+Tab still reaches it).
            later = next((f for f in fields[i + 1:] if not self.passed_over(f, in_turn=in_turn)), None)
            if later is not None:
                self.set_focus(later)
                return
        elif fields and focused not in fields:
            self.set_focus(fields[0])
            return
        if self.index + 1 >= len(self.sections):
            self.action_summary()
            return
        await self._show_section(self.index + 1, focus="in_turn" if in_turn else "first")
        if in_turn and isinstance(focused, FormField):
            self._came_from = focused

    async def action_prev_field(self) -> None:
        fields = self.current.focusable_fields()
        focused = self.focused
        if isinstance(focused, FormField) and focused in fields:
            i = fields.index(focused)
            if i > 0:
                self.set_focus(fields[i - 1])
                return
        if self.index > 0:
            came_from = self._came_from
            await self._show_section(self.index - 1, focus="last")
            # Back to the question the form left this section from (an answer moved on past
            # the optional items), not to the last optional item.
            if came_from is not None and came_from in self.current.focusable_fields():
                self.set_focus(came_from)

    # --- messages ----------------------------------------------------------------------------
    def on_field_changed(self, message: FieldChanged) -> None:
        message.stop()
        self.field_changed(message.field)

    def field_changed(self, field: FormField) -> None:
        """A field's answer changed: the model, its echoes, the folding, the panel."""
        self.last_activity = time.monotonic()
        before = self.values.merged()
        value = field.to_model()
        self.values.set(field.key, value)
        if isinstance(field, NumberField) and field.error and field.text and "echo" not in field.classes:
            self.typed[field.key] = field.text
        else:
            self.typed.pop(field.key, None)
        self.implied.discard(field.key)  # answered by the nurse herself now
        self._apply_implied(field.key, value)
        if isinstance(field, NumberField):
            if field.confirmed:
                self.confirmed[field.key] = value
            else:
                self.confirmed.pop(field.key, None)
        self.dirty = True
        self.unsaved = True
        self._schedule_autosave()
        # The same question shown in another box (an echo) follows the answer.
        for section in self.sections:
            if section.is_mounted and field.key in section.plan.keys:
                for other in section.fields:
                    if other.key == field.key and other is not field:
                        if isinstance(other, NumberField):
                            other.load(value, confirmed=field.key in self.confirmed)
                        else:
                            other.load(value)
        if field.key == "chart" and value is not None:
            self.call_after_refresh(self._rebuild_sections)
        if self.values.merged() != before:
            # The classification, the folding, the panel, the title and the strip follow from the
            # answers alone: a digit that leaves a number invalid (7 of 74 cm), or a confirming
            # Enter, changes none of them.
            self._refresh_state(fold=field.key in FOLD_KEYS)
        if field is self.focused:
            self._set_help(field.help_text, error=bool(field.error))

    def _apply_implied(self, key: str, value: Any) -> None:
        """Answer (or take back) what an answer implies (IMPLIED), unless the nurse answered it."""
        asked = {k for section in self.sections for k in section.plan.keys}
        # A question this visit's chart does not ask is never answered for it.
        rules = [r for r in IMPLIED if r[0] == key and r[2] in asked]
        for _, given_value, target, target_value in rules:  # first take back what no longer holds
            if value != given_value and target in self.implied \
                    and self.values.merged().get(target) == target_value:
                self.implied.discard(target)
                self._set_implied(target, None)
        for _, given_value, target, target_value in rules:
            if value == given_value and self.values.merged().get(target) is None:
                self.implied.add(target)
                self._set_implied(target, target_value)
        if key == "length_cm":  # the way of measuring for the age (rules.age), once a length is typed
            position = self.values.merged().get("length_position")
            if value is not None and position is None:
                self.implied.add("length_position")
                self._set_implied("length_position", length_position_for(self.age.months))
            elif value is None and "length_position" in self.implied:
                self.implied.discard("length_position")
                self._set_implied("length_position", None)

    def _set_implied(self, key: str, value: Any) -> None:
        self.values.set(key, value)
        for section in self.sections:
            if section.is_mounted and key in section.plan.keys:
                for f in section.fields:
                    if f.key == key:
                        f.load(value)

    def check_screen_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rest_no":
            if self.load_error or not self.sections:
                return False
            # Not offered in the danger signs; dimmed where nothing is left to answer.
            if set(self.current.plan.modules) & DANGER_SIGN_MODULES:
                return False
            return True if self.rest_no_fields() else None
        if action == "answer":
            field = self.focused
            key = str(parameters[0])
            if isinstance(field, NumberField):
                return field.takes_key(key)
            return isinstance(field, FormField) and field.answer_for(key)[0]
        return True

    async def action_answer(self, key: str) -> None:
        field = self.focused
        if isinstance(field, NumberField):
            await self._type_number(field, key)
            return
        if not isinstance(field, FormField):
            return
        ok, value = field.answer_for(key)
        if not ok:
            field.refuse_key(key)
            self._set_help(field.help_text, error=True)
            return
        landed, self._enter_after_full = self._enter_after_full, None
        full = self._full_from
        if landed is field and full is not None and key.isdigit() and _untouched(field):
            # A digit right after a number that moved on by itself is more likely one digit too
            # many (522 for 52) than this answer: refused once, said on the help line.
            self.app.bell()
            # As the field's notice, so the help line keeps it when the focus event arrives.
            field.notice = f"{full.label} sudah lengkap ({full.text}): angka {key} tidak dipakai. Jawab lagi."
            self._set_help(field.help_text, error=True)
            return
        field.set_value(value, announce=False)
        self.field_changed(field)  # now, so the folding is right before focus moves on
        await self.advance()

    async def _type_number(self, field: NumberField, key: str) -> None:
        """A key typed into a number field (read with priority, in order). A value that is full
        (``NumberField.is_full``: 36,8 °C; 52 breaths) moves on at once; an Enter pressed right
        after that, before anything else is typed, only confirms it (``_enter_after_full``)."""
        field.type_key(key)
        if key in field.ALLOWED and field.is_full():
            await self.advance()
            target = self.focused
            if isinstance(target, FormField) and target is not field:
                self._enter_after_full, self._full_from = target, field

    async def action_enter(self) -> None:
        landed, self._enter_after_full = self._enter_after_full, None
        field = self.focused
        if landed is not None and field is landed and _untouched(field):
            return  # the Enter after a full value: that value is confirmed, not this question
        if isinstance(field, NumberField):
            queue = getattr(field, "_message_queue", None)
            if queue is None or queue.empty():
                if field.enter_moves_on():
                    await self.advance()
                return
            # Digits typed just before this Enter are still on their way to the field: move on
            # now, and check the value once they have arrived (coming back if it is invalid).
            await self.advance()
            field.call_later(self._check_number_after_enter, field)
            return
        await self.advance()

    async def _check_number_after_enter(self, field: NumberField) -> None:
        if not field.is_attached or field.enter_moves_on():
            return
        for i, section in enumerate(self.sections):
            if field in section.fields:
                if i != self.index:
                    await self._show_section(i, save=False)
                self.set_focus(field)
                self._set_help(field.help_text, error=bool(field.error))
                return

    async def on_field_done(self, message: FieldDone) -> None:
        message.stop()
        if message.field is self.focused:
            await self.advance()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:  # noqa: D102
        self.last_activity = time.monotonic()
        widget = event.widget
        # Only the field that has the focus now: the event of a field the focus passed through
        # (Enter moved on, then an invalid value brought it back) can arrive after it came back.
        if isinstance(widget, FormField) and widget is self.focused:
            if self.notice:
                self._set_help(self.notice)
                self.notice = ""  # the next field shows its own help
                return
            self._set_help(widget.help_text, error=bool(widget.error))

    async def _rebuild_sections(self) -> None:
        """The chart version changed: the boxes differ, so the sections are generated again."""
        current_id = self.current.plan.id
        column = self.query_one("#form-column", VerticalScroll)
        await column.remove_children()
        self.sections = self._make_sections()
        ids = [s.plan.id for s in self.sections]
        self.index = ids.index(current_id) if current_id in ids else 0
        await self._show_section(self.index, save=False)
        chart_field = self.query("#f-chart")
        if chart_field:
            self.set_focus(chart_field.first())
        self._refresh_state()
        self.set_timer(self.BACKGROUND_MOUNT_DELAY, self._mount_next_in_background)

    # --- drafts, leaving, summary --------------------------------------------------------------
    @property
    def keeps_drafts(self) -> bool:
        """A correction is not a draft (the visit is already final); a form that did not load
        has nothing to keep."""
        return self.correct_visit_id is None and not self.load_error

    def _schedule_autosave(self) -> None:
        if self.keeps_drafts and self._autosave_timer is None:
            self._autosave_timer = self.set_timer(self.AUTOSAVE_DELAY, self._autosave)

    def _autosave(self) -> None:
        self._autosave_timer = None
        if self.unsaved and self.is_attached:
            self.save_draft()

    def save_draft(self) -> bool:
        """Write what was typed as the draft (one transaction). True when the draft in the register
        now holds every answer on screen (COMMIT returned), or there was nothing to keep."""
        if not self.keeps_drafts:
            return False
        if not self.dirty and self.draft_id is None:
            return True
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
            self._autosave_timer = None
        self.unsaved = False  # changes from here on (none while this runs) need another write
        try:
            self.draft_id = self.app.register.save_draft(
                patient_id=self.patient_id, case=self.build_case(), section=self.current.plan.id,
                kind=self.kind, follow_up_of=self.follow_up_of, confirmed=self.confirmed_now(),
                typed=dict(self.typed), actor=self.app.actor, draft_id=self.draft_id, opened_at=self.opened_at)
        except Exception as exc:  # noqa: BLE001 - the form stays; the worker sees why
            self.unsaved = True
            self.draft_error = str(getattr(exc, "message", None) or exc)
            self._set_help(f"Draf tidak tersimpan: {self.draft_error}", error=True)
            return False
        if self.draft_error is not None:  # the earlier failure is over: say so once
            self.draft_error = None
            self._set_help("Draf tersimpan lagi.")
        return True

    def keep_work(self) -> tuple[bool, str] | None:
        """Called by the app before it quits or locks: write the draft now. Returns (kept, one
        line for the nurse), or None when this form holds nothing to keep."""
        if not self.keeps_drafts:
            if self.correct_visit_id is not None and self.dirty:
                return False, "Koreksi kunjungan belum disimpan (koreksi tidak disimpan sebagai draf)."
            return None
        if not self.dirty and self.draft_id is None:
            return None
        name = self.patient.get("name", "")
        if self.save_draft():
            return True, f"Draf kunjungan {name} tersimpan; lanjutkan dari Beranda (F6 Draf)."
        return False, f"Draf kunjungan {name} tidak tersimpan: {self.draft_error}."

    def on_unmount(self) -> None:
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
            self._autosave_timer = None

    def action_leave(self) -> None:
        if self.load_error:
            self.dismiss(None)
            return
        if self.correct_visit_id is not None:
            if not self.dirty:
                self.dismiss(None)
                return
            dialog = LeaveDialog("Tinggalkan koreksi?", "Perubahan koreksi belum disimpan dan akan hilang.",
                                 can_discard=False)
        else:
            if not self.dirty and self.draft_id is None:
                self.dismiss(None)
                return
            # "tersimpan" only once the write returned (COMMIT done).
            if self.save_draft():
                detail = "Kunjungan sudah tersimpan sebagai draf; bisa dilanjutkan dari Beranda."
            else:
                detail = (f"Draf TIDAK tersimpan: {self.draft_error}. "
                          "Keluar sekarang menghilangkan isian ini.")
            dialog = LeaveDialog("Tinggalkan formulir?", detail, can_discard=self.draft_id is not None)
        self.app.push_screen(dialog, self._after_leave)

    def _after_leave(self, answer: str | None) -> None:
        if answer == "keluar":
            self.dismiss(None)
        elif answer == "buang" and self.draft_id is not None:
            from mtbs_tui.screens.dialogs import ConfirmDialog

            # Throwing a visit away cannot be undone: one more key, with the patient named.
            self.app.push_screen(
                ConfirmDialog(f"Buang draf kunjungan {self.patient.get('name', '')}?",
                              detail="Semua isian kunjungan ini hilang dan tidak dapat dikembalikan.",
                              yes="Buang", no="Batal"),
                self._after_discard_confirm)

    def _after_discard_confirm(self, sure: bool | None) -> None:
        if sure and self.draft_id is not None:
            try:
                self.app.register.discard_draft(self.draft_id, actor=self.app.actor)
            except Exception as exc:  # noqa: BLE001
                self._set_help(f"Draf tidak terbuang: {getattr(exc, 'message', exc)}", error=True)
                return
            if self._autosave_timer is not None:
                self._autosave_timer.stop()
                self._autosave_timer = None
            self.draft_id, self.dirty, self.unsaved = None, False, False
            self.app.notify("Draf dibuang.")
            self.dismiss(None)

    def confirmed_now(self) -> dict[str, Any]:
        """The confirmed unusual values the visit still holds (a changed value is asked again)."""
        case = self.build_case()
        findings = case.get("findings") or {}
        return {k: v for k, v in self.confirmed.items()
                if case.get(k, findings.get(k)) == v}

    def section_of(self, key: str) -> int | None:
        """The index of the section that asks ``key`` (not an echo of it)."""
        for i, section in enumerate(self.sections):
            if key in section.plan.keys and key not in section.plan.echoes:
                return i
        return None

    def module_required(self, module: str) -> bool:
        """Whether the unassessed questions of ``module`` stop the save.

        A child referred urgently needs only the danger signs (the referral is never held up); a
        follow-up visit reassesses the danger signs and the followed boxes (the chart's
        "pelayanan tindak lanjut"); a correction may not leave a box less complete than the
        version it corrects (a box not assessed then cannot be assessed afterwards); any other
        visit is the whole assessment."""
        if (self.result or {}).get("refer_urgently"):
            return module in DANGER_SIGN_MODULES
        if self.correct_visit_id is not None:
            return module not in self.incomplete_before
        if self.kind == "ulang":
            return module in DANGER_SIGN_MODULES or module in fu.followed_modules(self.earlier)
        return True

    def problems(self) -> list[Problem]:
        """What stops this visit from being saved: invalid typed values, then unusual values not
        confirmed, then required questions not assessed (each in form order) (the engine's `incomplete`,
        of the modules `module_required()` names; a measurement of `MAY_BE_UNMEASURED` left empty
        leaves its box incomplete but does not stop the save)."""
        hidden = self.hidden_keys()
        out: list[Problem] = []
        seen: set[str] = set()
        for section in self.sections:
            if not section.is_mounted:
                continue
            for f in section.fields:
                if f.key in hidden or not f.display or "echo" in f.classes or f.key in seen:
                    continue
                if f.error:
                    reason = f.error[len(f.label) + 2:] if f.error.startswith(f.label + ": ") else f.error
                    out.append(Problem(f.key, f.label, f"tidak valid ({reason})", section.plan.short,
                                       Problem.INVALID))
                elif isinstance(f, NumberField) and f.unconfirmed:
                    out.append(Problem(f.key, f.label, f"{f.text} tidak lazim, belum dipastikan",
                                       section.plan.short, Problem.UNCONFIRMED))
                else:
                    continue
                seen.add(f.key)
        result = self.result or {}
        for entry in result.get("incomplete") or []:
            if not self.module_required(entry.get("module", "")):
                continue
            for key in entry.get("missing") or []:
                if key in seen or key in hidden or key in voc.MAY_BE_UNMEASURED:
                    continue
                seen.add(key)
                i = self.section_of(key)
                short = self.sections[i].plan.short if i is not None else module_name(entry.get("module", ""))
                out.append(Problem(key, label_of(key), "belum dinilai", short))
        order = {k: n for n, k in enumerate(k for s in self.sections for k in s.plan.keys)}
        return sorted(out, key=lambda p: (p.rank, order.get(p.key, len(order))))

    @abstractmethod
    def action_summary(self, save: bool = False) -> None:
        """F9 and F10 (``save``): what ends the assessment; the subclass's (the visit form: the
        summary, which saves; the practice form: the classification step)."""

    async def jump_to(self, key: str) -> None:
        """Show the section that asks ``key`` and put the focus on that question."""
        i = self.section_of(key)
        if i is None:
            return
        await self._show_section(i)
        for f in self.current.focusable_fields():
            if f.key == key:
                self.set_focus(f)
                self._set_help(f.help_text, error=bool(f.error))
                return


class VisitFormScreen(AssessmentFormScreen[int]):
    """The visit form. Dismissed with the saved visit id, or None when left (draft kept)."""

    def action_summary(self, save: bool = False) -> None:
        """F9: the summary; F10 (``save``): the summary, which saves at once or refuses with one
        line naming the first problem."""
        if self.load_error:
            return
        self.save_draft()
        self.classify_now()
        if self.result is None:
            self._set_help(f"Belum bisa diringkas: {self.result_error}", error=True)
            return
        from mtbs_tui.screens.summary import SaveRequest, SummaryScreen

        request = SaveRequest(
            patient_id=self.patient_id, patient=self.patient, case=self.build_case(), result=self.result,
            kind=self.kind, follow_up_of=self.follow_up_of, draft_id=self.draft_id,
            correct_visit_id=self.correct_visit_id, age=self.age, problems=self.problems(),
            confirmed=self.confirmed_now(), destination_choice=self.destination_choice,
            given=self.given_kept)
        self.summary_request = request
        self.app.push_screen(SummaryScreen(request, save_at_once=save), self._after_summary)

    async def _after_summary(self, visit_id: int | None) -> None:
        request, self.summary_request = self.summary_request, None
        if request is not None:
            self.destination_choice = request.destination_choice
            self.given_kept = request.given  # confirmed on the summary: still there next time
        if visit_id is not None:
            self.dismiss(visit_id)
            return
        if request is not None and request.fix_key:
            await self.jump_to(request.fix_key)
            return
        fields = self.current.focusable_fields()
        if fields and self.focused is None:
            self.set_focus(fields[0])


def _untouched(field: FormField) -> bool:
    """Nothing typed or answered in ``field`` yet."""
    return field.value is None and not getattr(field, "text", "") and not field.error


def _mark_letter(short: str, letter: str) -> str:
    """"Batuk" with its Alt letter a -> "bAtuk": the letter that jumps there, in capitals."""
    if not letter:
        return short
    lower = short.lower()
    i = lower.index(letter)
    return lower[:i] + letter.upper() + lower[i + 1:] if i else short[0].upper() + short[1:]


