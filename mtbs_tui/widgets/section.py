"""One form section (a box of the chart): its fields, folding, ``load()`` / ``to_model()``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from mtbs_tui.form.plan import SectionPlan, block_state, has_conditional, visibility
from mtbs_tui.rules import vocabulary as voc
from mtbs_tui.widgets.fields import FormField, NumberField, field_for


def spec_of(key: str) -> voc.Finding:
    return voc.TOP_LEVEL[key] if key in voc.TOP_LEVEL else voc.FINDINGS[key]


class FormSection(Vertical):
    """The questions of one section, generated from the plan (and so from the vocabulary)."""

    DEFAULT_CSS = """
    FormSection { height: auto; width: 1fr; }
    FormSection > .section-note { color: $text-muted; height: auto; }
    FormSection > .block-title { text-style: bold; color: $text-accent; height: 1; margin-top: 1; }
    FormSection > .folded { color: $text-muted; height: 1; padding-left: 2; }
    """
    # Like FormField, a section keeps Textual's virtual_size (layout=True): a size change (a
    # question shown or hidden, an error line) has the scrolling column measured again; without
    # it, questions shown by an answer were now and then not drawn until the next layout.

    def __init__(self, plan: SectionPlan, *, intro: Sequence[str] = (),
                 suggest: Callable[[], Sequence[str]] | None = None,
                 context: dict[str, Any] | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id or f"sec-{plan.id}")
        self.plan = plan
        self.intro = tuple(intro)
        self.suggest = suggest
        self.context = context  # the child's age and sex, for the plausibility of numbers
        # Whether a classification can show or hide one of its questions (plan.ASKED_WHEN_NEEDED).
        self.conditional = has_conditional(plan)
        # The questions and the folded-block notes, kept once composed: a section's widgets never
        # change after it is mounted, and the form reads them on every key.
        self._fields: list[FormField] | None = None
        self._notes: dict[str, Static] = {}

    def compose(self) -> ComposeResult:
        for line in self.intro:
            yield Static(line, classes="section-note", markup=False)
        for block in self.plan.blocks:
            if block.title:
                yield Static(block.title, classes="block-title", markup=False)
            for key in block.keys:
                if key in self.plan.echoes:
                    yield field_for(spec_of(key), id=f"f-{key}--{self.plan.id}", classes="echo",
                                    context=self.context)
                else:
                    yield field_for(spec_of(key), suggest=self.suggest, context=self.context)
            note = Static("", classes="folded", id=f"fold-{block.module}", markup=False)
            note.display = False
            self._notes[block.module] = note
            yield note

    # --- model -------------------------------------------------------------------------------
    @property
    def fields(self) -> list[FormField]:
        if self._fields is None:
            found = list(self.query_children(FormField))
            if not self.is_mounted:
                return found  # not composed yet
            self._fields = found
        return list(self._fields)

    def focusable_fields(self) -> list[FormField]:
        return [f for f in self.fields if f.display]

    def load(self, values: dict[str, Any], confirmed: dict[str, Any] | None = None) -> None:
        """Show the stored answers; ``confirmed`` = the unusual values the visit records as
        confirmed ({key: value}), not asked again."""
        confirmed = confirmed or {}
        for f in self.fields:
            value = values.get(f.key)
            if isinstance(f, NumberField):
                f.load(value, confirmed=f.key in confirmed and confirmed[f.key] == value)
            else:
                f.load(value)

    def to_model(self) -> dict[str, Any]:
        """The answers this section holds for questions it asks now (folded ones are left out)."""
        return {f.key: f.to_model() for f in self.fields
                if f.display and f.to_model() is not None and "echo" not in f.classes}

    # --- folding -----------------------------------------------------------------------------
    def apply_folding(self, values: dict[str, Any], needed: dict[str, set[str]] | None = None) -> None:
        """Fold a block the child does not have to its opening question (or one line); hide a
        question asked only when needed (``plan.ASKED_WHEN_NEEDED``) that ``needed`` (module ->
        the keys the engine lists as missing) does not name."""
        shown = visibility(self.plan, values, needed)
        for field in self.fields:
            show = shown.get(field.key, True)
            if field.display != show:
                field.display = show
        for block in self.plan.blocks:
            reason = block_state(block, values)
            note = self._notes.get(block.module) or self.query_one(f"#fold-{block.module}", Static)
            want = bool(reason and not block.opening_key)
            if want:
                note.update(f"– {reason}")
            if note.display != want:
                note.display = want

    def status_text(self, values: dict[str, Any]) -> str | None:
        """"not applicable" for the module strip when every block of the section is folded."""
        reasons = [block_state(b, values) for b in self.plan.blocks]
        return reasons[0] if reasons and all(reasons) else None
