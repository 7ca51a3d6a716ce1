"""Kalakarya practice in the TUI (issue 19): the case list, the story, the assessment on the normal
visit form with the live classification panel hidden, the trainee's own classifications (one key
each from the module's codes), treatments with doses, and the follow-up day; then her answer and
the chart's side by side, with each difference, the rule and the finding that decided it.

Everything is written to the practice file (``latihan.store``), never to the clinical register:
the form here keeps no drafts and saves no visit. 80x24, keyboard only.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from mtbs_tui.display import date_text, pathway_word, severity_text
from mtbs_tui.keygate import KeyGate
from mtbs_tui.latihan import library, scoring
from mtbs_tui.latihan.library import PracticeCase
from mtbs_tui.latihan.report import percent_text
from mtbs_tui.latihan.store import PracticeError, PracticeStore, check_name
from mtbs_tui.rules import codes as rule_codes
from mtbs_tui.rules import vocabulary as voc
from mtbs_tui.rules.age import age_on
from mtbs_tui.screens.base import MtbsScreen
from mtbs_tui.screens.visit_form import AssessmentFormScreen
from mtbs_tui.widgets.legend import KeyLegend
from mtbs_tui.widgets.line import TextLine

PRACTICE_CSS = """
.practice-title { height: 1; text-style: bold; background: $primary; color: $text; }
.practice-help { height: 1; color: $text-muted; }
.practice-help.error { color: $text-error; text-style: bold; }
.practice-list { height: 1fr; }
#story { height: 1fr; padding: 0 1; }
#result-scroll { height: 1fr; }
#result-columns { height: auto; margin-top: 1; }
#result-columns > Static { width: 1fr; padding: 0 1; }
#result-diffs { padding: 0 1; }
"""


class ChoicesBox(Widget):
    """The focused item's numbered choices: a fixed-height box that repaints without a new layout
    (``Static.update`` would lay out the whole screen on every arrow key)."""

    DEFAULT_CSS = "ChoicesBox { height: 6; border: solid $accent; padding: 0 1; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = Text()

    def set_lines(self, lines: list[str]) -> None:
        text = Text("\n".join(lines))
        if text.plain != self.text.plain:
            self.text = text
            self.refresh()

    def render(self) -> Text:
        return self.text


# --- the run: store, participant, case set, one attempt ---------------------------------------------


class PracticeRun:
    """A participant at a practice file: the cases to do and what she has done."""

    def __init__(self, store: PracticeStore, participant: str) -> None:
        self.store = store
        self.participant = participant

    def cases(self) -> list[PracticeCase]:
        ids = self.store.case_ids()
        if not ids:
            return list(library.load())
        known = {c.id: c for c in library.load()}
        return [known[i] for i in ids if i in known]

    def unknown_cases(self) -> list[str]:
        """Case ids of the session that this version's library does not have (a newer app made it)."""
        known = {c.id for c in library.load()}
        return [i for i in self.store.case_ids() if i not in known]

    def latest(self) -> dict[str, dict[str, Any]]:
        return self.store.latest(self.participant)

    @property
    def title(self) -> str:
        return self.store.session_name or "Latihan mandiri"


@dataclass
class Attempt:
    case: PracticeCase
    started_at: str
    recorded: dict[str, Any] | None = None
    classifications: list[str] = field(default_factory=list)
    treatments: dict[str, str | None] = field(default_factory=dict)
    follow_up_days: int | None = None
    follow_up_set: bool = False

    @property
    def heading(self) -> str:
        case = self.case
        age = case.age
        sex = case.sex or "?"
        return (f"{case.child} ({sex}) {age.heading() if case.pathway == 'bayi_muda' else age.text()} · "
                f"bagan {case.chart}")

    def answer(self) -> scoring.Answer:
        return scoring.Answer(tuple(self.classifications), dict(self.treatments), self.follow_up_days,
                              self.recorded)


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


# --- who practises --------------------------------------------------------------------------------


class ParticipantScreen(MtbsScreen[str]):
    """A session file: pick your name (Enter); free practice: type it."""

    CSS = PRACTICE_CSS
    BINDINGS = [
        Binding("enter", "choose", "Pilih", key_display="Enter", priority=True),
        Binding("escape", "leave", "Keluar", key_display="Esc"),
    ]

    def __init__(self, names: list[str], title: str) -> None:
        super().__init__()
        self.names = names
        self.session_title = title

    def compose(self) -> ComposeResult:
        yield TextLine(f"Latihan MTBS (kalakarya) · {self.session_title}", classes="practice-title")
        if self.names:
            yield TextLine("Pilih nama Anda lalu tekan Enter.", classes="practice-help")
            yield OptionList(*[Option(Text(n)) for n in self.names], id="names", classes="practice-list")
        else:
            yield TextLine("Ketik nama Anda (nama saja, tanpa data pasien) lalu Enter.", classes="practice-help")
            yield Input(placeholder="Nama peserta", id="name", max_length=60)
            yield Static("", classes="practice-list")
        yield TextLine("", id="message", classes="practice-help")
        yield KeyLegend()

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#names" if self.names else "#name"))

    def action_choose(self) -> None:
        if self.names:
            index = self.query_one("#names", OptionList).highlighted
            if index is not None:
                self.dismiss(self.names[index])
            return
        text = self.query_one("#name", Input).value
        try:
            self.dismiss(check_name(text))
        except PracticeError as exc:
            line = self.query_one("#message", TextLine)
            line.set_text(exc.message)
            line.add_class("error")

    def action_leave(self) -> None:
        self.app.exit()  # nothing typed here is clinical: leaving loses nothing


# --- the case list ---------------------------------------------------------------------------------


class PracticeHomeScreen(MtbsScreen[None]):
    """The cases of the session (or the whole library) with her last score; Enter starts one."""

    CSS = PRACTICE_CSS
    BINDINGS = [
        Binding("enter", "start", "Mulai kasus", key_display="Enter", priority=True),
        Binding("f4", "last_result", "Hasil terakhir", key_display="F4"),
        Binding("f5", "my_score", "Nilai saya", key_display="F5"),
        Binding("escape", "leave", "Keluar latihan", key_display="Esc"),
    ]

    def __init__(self, run: PracticeRun, *, on_leave: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.run = run
        self.on_leave = on_leave
        self.cases: list[PracticeCase] = []
        self.finished: str | None = None  # the case just scored: the list moves on past it

    def compose(self) -> ComposeResult:
        yield TextLine(id="home-title", classes="practice-title")
        yield TextLine("Kasus rekaan; hasil disimpan di berkas latihan, bukan di register pasien.",
                       classes="practice-help")
        yield OptionList(id="cases", classes="practice-list")
        yield TextLine("", id="home-help", classes="practice-help")
        yield KeyLegend()

    def on_mount(self) -> None:
        self.refresh_list()
        self.set_focus(self.query_one("#cases", OptionList))

    def on_screen_resume(self) -> None:
        self.refresh_list()

    def refresh_list(self) -> None:
        self.cases = self.run.cases()
        latest = self.run.latest()
        done = [latest[c.id]["percent"] for c in self.cases if c.id in latest]
        mean = f" · rata-rata {percent_text(sum(done) / len(done))}" if done else ""
        self.query_one("#home-title", TextLine).set_text(
            f"Latihan MTBS · {self.run.participant} · {self.run.title} · {len(done)}/{len(self.cases)} selesai{mean}")
        unknown = self.run.unknown_cases()
        if unknown:
            help_line = self.query_one("#home-help", TextLine)
            help_line.set_text(f"{len(unknown)} kasus sesi ini tidak dikenal aplikasi ini ({unknown[0]}); perbarui "
                               "aplikasi.")
        options = []
        for n, case in enumerate(self.cases, 1):
            got = latest.get(case.id)
            mark = percent_text(got["percent"]).rjust(5) if got else "  -  "
            kind = pathway_word(case.pathway)
            options.append(Option(Text(f"{n:>2}. {mark}  {case.chart} {kind:<9} {case.title}")))
        listing = self.query_one("#cases", OptionList)
        keep = listing.highlighted
        listing.set_options(options)
        if options:
            listing.highlighted = min(keep or 0, len(options) - 1)
        if self.finished is not None:
            # Working through the set: the next case not yet done after the one just finished.
            ids = [c.id for c in self.cases]
            at = ids.index(self.finished) if self.finished in ids else -1
            later = [i for i in range(at + 1, len(ids)) if ids[i] not in latest]
            if later:
                listing.highlighted = later[0]
            self.finished = None

    def action_start(self) -> None:
        index = self.query_one("#cases", OptionList).highlighted
        if index is None or not self.cases:
            return
        attempt = Attempt(self.cases[index], started_at=_now())
        self.app.push_screen(StoryScreen(attempt), lambda go: self._after_story(attempt, go))

    def _after_story(self, attempt: Attempt, go: bool | None) -> None:
        if go:
            self.open_form(attempt)

    def open_form(self, attempt: Attempt) -> None:
        self.app.push_screen(PracticeFormScreen(attempt), lambda rec: self._after_form(attempt, rec))

    def _after_form(self, attempt: Attempt, recorded: dict[str, Any] | None) -> None:
        if recorded is None:
            return  # left the case
        attempt.recorded = recorded
        self.app.push_screen(ClassifyScreen(attempt), lambda step: self._after_classify(attempt, step))

    def _after_classify(self, attempt: Attempt, step: str | None) -> None:
        if step == "kembali":
            self.open_form(attempt)
        elif step == "lanjut":
            self.app.push_screen(TreatScreen(attempt), lambda step: self._after_treat(attempt, step))

    def _after_treat(self, attempt: Attempt, step: str | None) -> None:
        if step == "kembali":
            self.app.push_screen(ClassifyScreen(attempt), lambda s: self._after_classify(attempt, s))
            return
        if step != "lanjut":
            return
        case = attempt.case
        result = scoring.score(case.case, attempt.answer())
        from mtbs_tui.rules.engine import RULES_VERSION

        try:
            self.run.store.save_attempt(participant=self.run.participant, case_id=case.id, chart=case.chart,
                                        answer=attempt.answer().to_json(), score=result.to_json(),
                                        started_at=attempt.started_at, rules_version=RULES_VERSION)
            saved = "Hasil tersimpan di berkas latihan."
        except PracticeError as exc:
            saved = f"Hasil TIDAK tersimpan: {exc.message}"
        self.finished = case.id
        self.app.push_screen(ResultScreen(attempt, result, saved))

    def action_last_result(self) -> None:
        """F4: her last answer to the highlighted case, against the chart (scored again now)."""
        index = self.query_one("#cases", OptionList).highlighted
        if index is None or not self.cases:
            return
        case = self.cases[index]
        last = self.run.latest().get(case.id)
        if last is None:
            self.query_one("#home-help", TextLine).set_text(f"{case.title}: belum pernah dikerjakan.")
            return
        answer = scoring.Answer.from_json(last["answer"])
        attempt = Attempt(case, last["started_at"], recorded=dict(answer.recorded) if answer.recorded else None,
                          classifications=list(answer.classifications), treatments=dict(answer.treatments),
                          follow_up_days=answer.follow_up_days, follow_up_set=True)
        self.app.push_screen(ResultScreen(attempt, scoring.score(case.case, answer),
                                          f"Jawaban tersimpan {last['finished_at'].replace('T', ' ')}."))

    def action_my_score(self) -> None:
        self.app.push_screen(MyScoreScreen(self.run))

    def action_leave(self) -> None:
        if self.on_leave is not None:
            self.on_leave()
        else:
            self.app.exit()


# --- the story ---------------------------------------------------------------------------------------


def story_text(case: PracticeCase) -> str:
    area = voc.TOP_LEVEL["malaria_area"].choice_label(str(case.case.get("malaria_area") or ""))
    return (f"{case.title}\n\n{case.story}\n\nTanggal kunjungan {date_text(case.case['visit_date'])}, "
            f"tanggal lahir {date_text(case.case['birth_date'])}. Daerah malaria: {area.lower()}. "
            f"Bagan {case.chart}.")


class StoryScreen(MtbsScreen[bool]):
    """The case as the mother and the worker tell it. Enter: to the form."""

    CSS = PRACTICE_CSS
    BINDINGS = [
        Binding("enter", "go", "Mulai menilai", key_display="Enter", priority=True),
        Binding("escape", "back", "Kembali", key_display="Esc"),
    ]

    def __init__(self, attempt: Attempt, *, reading_only: bool = False) -> None:
        super().__init__()
        self.attempt = attempt
        self.reading_only = reading_only

    def compose(self) -> ComposeResult:
        yield TextLine(f"Kasus latihan · {self.attempt.heading}", classes="practice-title")
        with VerticalScroll(id="story"):
            yield Static(story_text(self.attempt.case), markup=False, id="story-text")
        yield TextLine("Catat penilaian di formulir seperti biasa; panel klasifikasi disembunyikan.",
                       classes="practice-help")
        yield KeyLegend()

    def check_screen_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "go" and self.reading_only:
            return False
        return True

    def action_go(self) -> None:
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)


# --- the assessment: the visit form without its panel, without the register ----------------------


class PracticeFormScreen(AssessmentFormScreen[dict[str, Any]]):
    """The normal visit form on a fictitious child. No drafts, no visit: F10 ends the assessment and
    hands the recorded case to the classification step."""

    LIVE_PANEL = False
    BINDINGS = [
        Binding("f2", "story", "Cerita", key_display="F2", id="cerita"),
        Binding("f9", "summary", "Selesai menilai", key_display="F9", show=False, id="ringkasan"),
        Binding("f10", "summary(True)", "Selesai menilai", key_display="F10", id="simpan"),
    ]

    def __init__(self, attempt: Attempt) -> None:
        super().__init__(0)
        self.attempt = attempt

    def _load(self) -> None:
        case = self.attempt.case
        self.patient = {"name": case.child, "sex": case.sex, "birth_date": case.case["birth_date"]}
        self.visit_date = str(case.case["visit_date"])
        recorded = self.attempt.recorded or {}
        for key, value in recorded.items():
            if key in voc.TOP_LEVEL and key not in ("visit_date", "birth_date", "sex") and value is not None:
                self.values.top[key] = value
        self.values.findings.update({k: v for k, v in (recorded.get("findings") or {}).items() if v is not None})
        # As the facility settings would: the chart and the malaria area of the story, passed over
        # going forward as the visit form passes over the facility's own (Enter after the head
        # circumference stopped on both, and a "t" typed on for the danger signs was refused).
        for key, value in (("chart", case.chart), ("malaria_area", case.case.get("malaria_area"))):
            if value and self.values.top.setdefault(key, value) == value:
                self.implied.add(key)
        self.age = age_on(self.patient["birth_date"], self.visit_date)
        self.earlier = None

    def _intro(self) -> list[str]:
        return [self.age.reason()]  # a fictitious child: no earlier visit, no referral to ask about

    def classify_now(self) -> None:
        from mtbs_tui.rules.engine import classify
        from mtbs_tui.rules.errors import CaseError

        try:
            self.result = classify(self.build_case())
            self.result_error = None
        except CaseError as exc:
            self.result, self.result_error = None, exc.message

    @property
    def keeps_drafts(self) -> bool:
        return False  # practice is never a draft of the clinical register

    def keep_work(self) -> tuple[bool, str] | None:
        return None

    def action_story(self) -> None:
        self.app.push_screen(StoryScreen(self.attempt, reading_only=True))

    def action_summary(self, save: bool = False) -> None:
        """F10: the assessment is done. What is still unassessed or invalid is said first (one
        key to go on anyway: the score then shows what it changed)."""
        if self.load_error:
            return
        self.classify_now()
        problems = self.problems()
        if not problems:
            self.dismiss(self.build_case())
            return
        from mtbs_tui.screens.dialogs import ConfirmDialog

        first = problems[0]
        more = f" (+{len(problems) - 1} lainnya)" if len(problems) > 1 else ""

        def finish(sure: bool | None) -> None:
            if sure:
                self.dismiss(self.build_case())

        self.app.push_screen(
            ConfirmDialog("Selesai menilai?", detail=f"{first.label}: {first.why}{more}.",
                          yes="Selesai", no="Kembali menilai"), finish)

    def action_leave(self) -> None:
        from mtbs_tui.screens.dialogs import ConfirmDialog

        if not self.dirty:
            self.dismiss(None)
            return
        def leave(sure: bool | None) -> None:
            if sure:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("Tinggalkan kasus latihan ini?",
                                           detail="Isian latihan ini tidak disimpan.", yes="Tinggalkan",
                                           no="Tetap"), leave)


# --- choosing with one key ---------------------------------------------------------------------------


class ChoiceScreen(MtbsScreen[str]):
    """A list of items (↑↓); the focused item's choices below, numbered: a digit picks one."""

    CSS = PRACTICE_CSS
    HEADING = ""
    BINDINGS = [
        *[Binding(str(d), f"pick({d})", show=False, priority=True) for d in range(10)],
        Binding("f10", "next", "Lanjut", key_display="F10", id="lanjut"),
        Binding("escape", "back", "Kembali", key_display="Esc", id="kembali"),
    ]

    def __init__(self, attempt: Attempt) -> None:
        super().__init__()
        self.attempt = attempt

    def compose(self) -> ComposeResult:
        yield TextLine(f"{self.HEADING} · {self.attempt.heading}", classes="practice-title")
        # Text, not str: a prompt string is read as markup ("[x]" would vanish).
        yield OptionList(*[Option(Text(self.item_text(i))) for i in range(self.item_count())], id="items",
                         classes="practice-list")
        yield ChoicesBox(id="choices")
        yield TextLine(self.help_text(), id="choice-help", classes="practice-help")
        yield KeyLegend()

    def on_mount(self) -> None:
        listing = self.query_one("#items", OptionList)
        listing.highlighted = 0
        self.set_focus(listing)
        height = self.box_height()
        if height is not None:
            self.query_one("#choices", ChoicesBox).styles.height = height
        self.show_choices()

    def box_height(self) -> int | None:
        """Rows of the choices box when its default does not fit every item's choices."""
        return None

    def on_option_list_option_highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self.show_choices()

    @property
    def index(self) -> int:
        return self.query_one("#items", OptionList).highlighted or 0

    def show_choices(self) -> None:
        self.query_one("#choices", ChoicesBox).set_lines(self.choice_lines(self.index))

    def redraw(self, index: int) -> None:
        self.query_one("#items", OptionList).replace_option_prompt_at_index(index, Text(self.item_text(index)))
        self.show_choices()

    def say(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#choice-help", TextLine)
        line.set_text(text)
        line.set_class(error, "error")

    # Subclasses
    def item_count(self) -> int:
        raise NotImplementedError

    def item_text(self, index: int) -> str:
        raise NotImplementedError

    def choice_lines(self, index: int) -> list[str]:
        raise NotImplementedError

    def help_text(self) -> str:
        return ""

    def action_back(self) -> None:
        self.dismiss("kembali")

    def action_next(self) -> None:
        self.dismiss("lanjut")


def _one_line(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _numbered(items: list[str], width: int = 74) -> list[str]:
    """The numbered choices packed into lines, never one cut in two (unless it alone is too long)."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + 3 + len(item) <= width:
            lines[-1] += "   " + item
        else:
            lines.extend(textwrap.wrap(item, width) or [""])
    return lines or [""]


class ClassifyScreen(ChoiceScreen):
    """Her classification, module by module: a digit picks one of the module's codes (0: none).
    In a module of several tables (diarrhoea) a digit adds or removes a code."""

    HEADING = "Klasifikasi Anda"

    def __init__(self, attempt: Attempt) -> None:
        case = attempt.case
        self.pathway, self.chart = case.pathway, case.chart
        self.modules = [m for m in voc.modules_for(self.pathway, self.chart) if m.produces_classification]
        self.choices = [scoring.classification_choices(self.pathway, self.chart, m.id) for m in self.modules]
        self.multi = scoring.multi_row_modules(self.pathway, self.chart)
        self._none_said = False
        super().__init__(attempt)

    def item_count(self) -> int:
        return len(self.modules)

    def box_height(self) -> int | None:
        # Every module's codes in view at once (the young-infant weight box has long labels);
        # the module list keeps the rest of the 24 rows.
        lines = max(len(self.choice_lines(i)) for i in range(len(self.modules)))
        return max(6, lines + 2)

    def _label(self, code: str) -> str:
        return rule_codes.CLASSIFICATIONS[self.pathway][code].label

    def item_text(self, index: int) -> str:
        chosen = [c for c in self.attempt.classifications if c in self.choices[index]]
        name = self.modules[index].label
        name = name if len(name) <= 30 else name[:29] + "…"
        return f"{name:<31}: {', '.join(self._label(c) for c in chosen) or '-'}"

    def choice_lines(self, index: int) -> list[str]:
        module = self.modules[index]
        many = " (boleh lebih dari satu)" if module.id in self.multi else ""
        items = [f"{n} {self._label(c)}" for n, c in enumerate(self.choices[index], 1)]
        return [f"{module.label}{many}:", *_numbered(items + ["0 tidak ada klasifikasi"])]

    def help_text(self) -> str:
        return "↑↓ modul · angka: klasifikasi (0 kosong) · F10 lanjut ke tindakan · Esc formulir"

    # Said once when F10 is pressed with no classification chosen: one F10 too many (F5 in the last
    # section already ends the form) skipped this step without a word, scored 0 %.
    NONE_CHOSEN = "Belum memilih klasifikasi: tekan angkanya; F10 lagi = lanjut tanpa klasifikasi"

    def action_next(self) -> None:
        if not self.attempt.classifications and not self._none_said:
            self._none_said = True
            self.app.bell()
            self.say(self.NONE_CHOSEN, error=True)
            return
        super().action_next()

    def action_pick(self, digit: int) -> None:
        index = self.index
        codes = self.choices[index]
        mine = [c for c in self.attempt.classifications if c not in codes]
        current = [c for c in self.attempt.classifications if c in codes]
        if digit == 0:
            current = []
        elif digit <= len(codes):
            code = codes[digit - 1]
            if self.modules[index].id in self.multi:
                current = [c for c in current if c != code] if code in current else [*current, code]
            else:
                current = [code]
        else:
            self.say(f"Pilihan {digit} tidak ada: 1–{len(codes)} atau 0.", error=True)
            return
        order = {c: n for n, c in enumerate(rule_codes.CLASSIFICATIONS[self.pathway])}
        self.attempt.classifications = sorted([*mine, *current], key=lambda c: order.get(c, 999))
        self.say(self.help_text())
        self.redraw(index)
        if self.modules[index].id not in self.multi and index + 1 < len(self.modules):
            self.query_one("#items", OptionList).highlighted = index + 1


class TreatScreen(ChoiceScreen):
    """Her treatments (Spasi: pilih/batal), the dose of each (a digit), and the follow-up day (the
    first line: a digit)."""

    HEADING = "Tindakan Anda"
    # Not "toggle": that name is Textual's own DOMNode.action_toggle(attribute_name).
    BINDINGS = [Binding("space", "toggle_item", "Pilih/batal", key_display="Spasi", priority=True)]
    # Up to five doses, one line each, under their heading.
    CSS = PRACTICE_CSS + "TreatScreen ChoicesBox { height: 8; }"

    def __init__(self, attempt: Attempt) -> None:
        case = attempt.case
        self.codes = scoring.treatment_choices(case.case, attempt.classifications)
        self.days = scoring.follow_up_choices()
        self._doses: dict[str, list[str]] = {}
        super().__init__(attempt)

    def item_count(self) -> int:
        return 1 + len(self.codes)

    def doses(self, code: str) -> list[str]:
        if code not in self._doses:
            self._doses[code] = scoring.dose_choices(self.attempt.case.case, code)
        return self._doses[code]

    def item_text(self, index: int) -> str:
        if index == 0:
            fu = self.attempt.follow_up_days
            said = ("belum dipilih" if not self.attempt.follow_up_set else
                    "tidak ada" if fu is None else f"{fu} hari")
            return f"Kunjungan ulang: {said}"
        code = self.codes[index - 1]
        mark = "[x]" if code in self.attempt.treatments else "[ ]"
        text = f"{mark} {rule_codes.TREATMENTS.get(code, code)}"
        dose = self.attempt.treatments.get(code)
        if dose:
            text += f" — {dose}"
        return text

    def choice_lines(self, index: int) -> list[str]:
        if index == 0:
            return ["Kunjungan ulang dalam:",
                    *_numbered([f"{n} {d} hari" for n, d in enumerate(self.days, 1)] + ["0 tidak ada"])]
        code = self.codes[index - 1]
        options = self.doses(code)
        head = rule_codes.TREATMENTS.get(code, code)
        if len(options) < 2:
            dose = textwrap.wrap(f"Dosis: {options[0]}", 76)[:4] if options else []
            return [head, "Spasi memilih atau membatalkan.", *dose]
        # One line per dose: the amounts come first, so a cut tail never hides the difference.
        lines = [f"{head}: pilih dosis dengan angka"]
        lines += [_one_line(f"{n} {dose}", 76) for n, dose in enumerate(options, 1)]
        return lines

    def help_text(self) -> str:
        return "Spasi pilih/batal · angka: dosis atau hari · F10 selesai, nilai · Esc kembali"

    def action_toggle_item(self) -> None:
        index = self.index
        if index == 0:
            return
        code = self.codes[index - 1]
        if code in self.attempt.treatments:
            del self.attempt.treatments[code]
        else:
            options = self.doses(code)
            self.attempt.treatments[code] = options[0] if len(options) == 1 else None
        self.redraw(index)

    def action_pick(self, digit: int) -> None:
        index = self.index
        if index == 0:
            if digit == 0:
                self.attempt.follow_up_days = None
            elif digit <= len(self.days):
                self.attempt.follow_up_days = self.days[digit - 1]
            else:
                self.say(f"Pilihan {digit} tidak ada: 1–{len(self.days)} atau 0.", error=True)
                return
            self.attempt.follow_up_set = True
            self.say(self.help_text())
            self.redraw(index)
            return
        code = self.codes[index - 1]
        options = self.doses(code)
        if len(options) < 2 or not 1 <= digit <= len(options):
            self.say("Tindakan ini tidak meminta pilihan dosis." if len(options) < 2 else
                     f"Pilihan {digit} tidak ada: 1–{len(options)}.", error=True)
            return
        self.attempt.treatments[code] = options[digit - 1]
        self.say(self.help_text())
        self.redraw(index)

    def action_next(self) -> None:
        if not self.attempt.follow_up_set:
            self.query_one("#items", OptionList).highlighted = 0
            self.say("Kunjungan ulang belum dipilih: tekan angka harinya, atau 0 bila tidak ada.", error=True)
            return
        unset = [c for c, d in self.attempt.treatments.items() if d is None and len(self.doses(c)) >= 2]
        if unset:
            self.query_one("#items", OptionList).highlighted = 1 + self.codes.index(unset[0])
            self.say(f"Dosis {rule_codes.TREATMENTS.get(unset[0], unset[0])} belum dipilih.", error=True)
            return
        self.dismiss("lanjut")


# --- the result -----------------------------------------------------------------------------------


def _answer_column(title: str, classifications: list[tuple[str, str]],
                   treatments: list[tuple[str, str | None]], follow_up: int | None) -> Text:
    out = Text()
    out.append(title + "\n", style="bold underline")
    for colour, label in classifications:
        out.append_text(severity_text(colour))
        out.append(f" {label}\n")
    if not classifications:
        out.append("(tidak ada klasifikasi)\n")
    out.append("Tindakan:\n", style="bold")
    for label, dose in treatments:
        out.append(f"- {label}" + (f": {dose}" if dose else "") + "\n")
    out.append("Kunjungan ulang: " + ("tidak ada" if follow_up is None else f"{follow_up} hari") + "\n")
    return out


class ResultScreen(MtbsScreen[None]):
    """Her answer and the chart's side by side, the score per area and every difference."""

    CSS = PRACTICE_CSS
    BINDINGS = [
        Binding("escape,enter", "close", "Kembali ke daftar kasus", key_display="Esc", id="tutup"),
    ]

    def __init__(self, attempt: Attempt, result: scoring.Score, saved: str) -> None:
        super().__init__()
        self.attempt = attempt
        self.result = result
        self.saved = saved

    def compose(self) -> ComposeResult:
        a, r = self.attempt, self.result
        pathway = a.case.pathway
        expected = r.expected
        yield TextLine(f"Hasil {r.percent:.0f} % · {a.case.title} · {a.heading}", classes="practice-title")
        with VerticalScroll(id="result-scroll"):
            # The differences first (what to learn), then both answers side by side.
            yield Static(self._diff_text(), id="result-diffs")
            mine_cls = [(rule_codes.CLASSIFICATIONS[pathway][c].colour, rule_codes.CLASSIFICATIONS[pathway][c].label)
                        for c in a.classifications]
            chart_cls = [(c["colour"], c["label"]) for c in expected["classifications"]]
            mine_tx = [(rule_codes.TREATMENTS.get(c, c), d) for c, d in a.treatments.items()]
            chart_tx = [(t["label"], t["dose"]) for t in expected["treatments"]]
            with Horizontal(id="result-columns"):
                yield Static(_answer_column("Jawaban Anda", mine_cls, mine_tx, a.follow_up_days),
                             id="result-mine")
                yield Static(_answer_column("Bagan", chart_cls, chart_tx, expected["follow_up_days"]),
                             id="result-chart")
        yield TextLine(self.saved, classes="practice-help")
        yield KeyLegend()

    def _diff_text(self) -> Text:
        out = Text()
        areas = []
        for area in self.result.areas:
            p = area.percent
            areas.append(f"{scoring.AREA_LABELS[area.area]} {'–' if p is None else f'{p:.0f} %'}")
        out.append("Nilai: " + " · ".join(areas) + "\n", style="bold")
        if not self.result.differences:
            out.append("Sesuai bagan: tidak ada perbedaan.\n")
            return out
        out.append(f"Perbedaan ({len(self.result.differences)}):\n", style="bold")
        expected = self.result.expected
        for d in self.result.differences:
            label = scoring.AREA_LABELS[d.area]
            out.append(f"- {d.text}\n" if d.text.startswith(label) else f"- {label}: {d.text}\n")
            if d.area == "klasifikasi" and d.rule:
                # The row itself, as the chart tables write it: what has to be true for it.
                condition = scoring.rule_text(expected["pathway"], expected["chart"], d.rule)
                if condition:
                    out.append(f"    baris bagan: {condition}\n", style="dim")
        out.append("\n")
        return out

    def action_close(self) -> None:
        self.dismiss(None)


class MyScoreScreen(MtbsScreen[None]):
    """Her session score, her score per area and the chart rows she missed most."""

    CSS = PRACTICE_CSS
    BINDINGS = [Binding("escape,enter,f5", "close", "Kembali", key_display="Esc", id="tutup")]

    def __init__(self, run: PracticeRun) -> None:
        super().__init__()
        self.run = run

    def compose(self) -> ComposeResult:
        from mtbs_tui.latihan.report import build, percent_text

        data = build(self.run.store, self.run.participant)
        me = data.participants[0]
        out = Text()
        out.append(f"Kasus selesai: {me.done} dari {len(self.run.cases())} · nilai sesi {percent_text(me.percent)}\n",
                   style="bold")
        out.append("Nilai per bagian: " + " · ".join(
            f"{scoring.AREA_LABELS[a]} {percent_text(me.areas[a])}" for a in scoring.AREAS) + "\n\n")
        out.append("Baris bagan yang paling sering terlewat:\n", style="bold")
        for rule, label, n in data.rules_missed[:10]:
            out.append(f"- {label} ({rule}): {n} kali\n")
        if not data.rules_missed:
            out.append("- tidak ada\n")
        out.append("\nModul yang paling sering salah diklasifikasi:\n", style="bold")
        for label, n in data.modules_wrong[:6]:
            out.append(f"- {label}: {n} kali\n")
        if not data.modules_wrong:
            out.append("- tidak ada\n")
        yield TextLine(f"Nilai saya · {self.run.participant} · {self.run.title}", classes="practice-title")
        with VerticalScroll(id="result-scroll"):
            yield Static(out, id="my-score")
        yield KeyLegend()

    def action_close(self) -> None:
        self.dismiss(None)


# --- the practice app (`mtbs latihan`) ------------------------------------------------------------


class PracticeApp(KeyGate, App[int]):
    """`mtbs latihan`: the practice screens alone, on a practice file; no register, no login. Keys
    go through the shell's `KeyGate`: one typed ahead of a screen change is not lost."""

    CSS_PATH = str(Path(__file__).resolve().parent.parent / "app.tcss")
    TITLE = "MTBS latihan"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+q", "quit", "Keluar", key_display="^Q", priority=True),
        Binding("f1", "help", "Bantuan", key_display="F1", show=False),
    ]

    def __init__(self, store: PracticeStore, participant: str | None = None, *, theme: str = "ansi-dark") -> None:
        super().__init__()
        self.store = store
        self.participant = participant
        self.theme = theme

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            await self.gate_key(event, super().on_event)
            return
        await super().on_event(event)

    def now(self) -> dt.datetime:  # as MtbsApp.now: the visit form asks when it opens
        return dt.datetime.now()

    def today(self) -> dt.date:
        return dt.date.today()

    def on_mount(self) -> None:
        names = self.store.participants()
        if self.participant and (not names or self.participant in names):
            self._start(self.participant)
        else:
            self.push_screen(ParticipantScreen(names, self.store.session_name or "Latihan mandiri"), self._start)

    def _start(self, participant: str | None) -> None:
        if participant:
            self.push_screen(PracticeHomeScreen(PracticeRun(self.store, participant)))

    def action_help(self) -> None:
        from mtbs_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))
